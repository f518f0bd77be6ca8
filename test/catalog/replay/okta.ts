import { PEOPLE, header, json, linkHeader, pageSize, requestUrl } from './helpers.js';
import type { CatalogReplay, ReplayRequest, ReplayResponse } from './types.js';

const API_TOKEN = '00REPLAYa1B2c3D4e5F6g7H8i9J0kLmNoPqRsTuVw';

const STATUSES = ['ACTIVE', 'ACTIVE', 'PROVISIONED', 'ACTIVE', 'SUSPENDED', 'LOCKED_OUT', 'STAGED'] as const;
const USERS = PEOPLE.map((p, i) => {
  const id = `00ub0oNGTSWTBKOL${String(i).padStart(2, '0')}R${i}`;
  return {
    id,
    status: STATUSES[i],
    created: '2023-01-11T10:00:00.000Z',
    activated: i === 6 ? null : '2023-01-11T10:05:00.000Z',
    statusChanged: '2024-02-01T08:00:00.000Z',
    lastLogin: i < 4 ? '2024-05-20T07:15:00.000Z' : null,
    lastUpdated: '2024-05-20T07:15:00.000Z',
    passwordChanged: '2023-01-11T10:05:00.000Z',
    type: { id: 'oty1abcdREPLAY0h7' },
    profile: { firstName: p.first, lastName: p.last, mobilePhone: null, secondEmail: null, login: p.email, email: p.email },
    credentials: { provider: { type: 'OKTA', name: 'OKTA' } },
    _links: { self: { href: `https://acme.okta.com/api/v1/users/${id}` } },
  };
});

const oktaError = (status: number, errorCode: string, errorSummary: string): ReplayResponse =>
  json(status, { errorCode, errorSummary, errorLink: errorCode, errorId: 'oaeREPLAY0123456789', errorCauses: [] });

function authError(req: ReplayRequest): ReplayResponse | undefined {
  if (header(req, 'authorization') === `SSWS ${API_TOKEN}`) return undefined;
  return oktaError(401, 'E0000011', 'Invalid token provided');
}

const rateHeaders = (): Record<string, string> => ({
  'x-rate-limit-limit': '600',
  'x-rate-limit-remaining': '599',
  'x-rate-limit-reset': String(Math.floor(Date.now() / 1000) + 60),
});

/**
 * `GET /api/v1/users?limit&after`: a plain array and Link headers `rel="self"` and `rel="next"`;
 * `after` is the id of the last user of the previous page. Okta sends them as two Link headers;
 * joined with ", " they are one valid header value.
 */
function list(url: URL, origin: string): ReplayResponse {
  const size = pageSize(url.searchParams.get('limit'), 200);
  if (size === null) return oktaError(400, 'E0000001', 'Api validation failed: limit');
  const after = url.searchParams.get('after');
  const start = after === null ? 0 : USERS.findIndex((u) => u.id === after) + 1;
  if (start === 0 && after !== null) return oktaError(400, 'E0000031', 'Invalid search criteria.');
  const page = USERS.slice(start, start + size);
  const self = new URL(`${origin}${url.pathname}${url.search}`).href;
  const links: Array<[string, string]> = [[self, 'self']];
  const last = page[page.length - 1];
  if (start + size < USERS.length && last) {
    const next = new URL(`${origin}${url.pathname}`);
    for (const [key, value] of url.searchParams) if (key !== 'after') next.searchParams.append(key, value);
    next.searchParams.set('after', last.id);
    links.push([next.href, 'next']);
  }
  return json(200, page, { ...rateHeaders(), link: linkHeader(links) });
}

export const replay: CatalogReplay = {
  name: 'okta',
  credentials: { api_token: API_TOKEN },
  context: { subdomain: 'acme' },
  totalUsers: USERS.length,
  expectedIds: USERS.map((u) => u.id),
  handle(req, baseUrl) {
    const refused = authError(req);
    if (refused) return refused;
    const url = requestUrl(req, baseUrl);
    const path = url.pathname;
    if (path.endsWith('/api/v1/users') && req.method === 'GET') return list(url, new URL(baseUrl).origin);
    if (path.endsWith('/api/v1/users/me')) return json(200, USERS[0], rateHeaders());
    const byId = /\/api\/v1\/users\/([^/]+)$/.exec(path);
    if (byId && req.method === 'GET') {
      const key = decodeURIComponent(byId[1] ?? '');
      const user = USERS.find((u) => u.id === key || u.profile.login === key);
      return user ? json(200, user, rateHeaders()) : oktaError(404, 'E0000007', `Not found: Resource not found: ${key} (User)`);
    }
    return oktaError(404, 'E0000022', 'The endpoint does not support the provided HTTP method');
  },
};
