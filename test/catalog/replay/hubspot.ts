import { PEOPLE, header, json, pageSize, readToken, requestUrl, token } from './helpers.js';
import type { CatalogReplay, ReplayRequest, ReplayResponse } from './types.js';

const TOKEN = 'pat-na1-5e1f0c2a-REPL-4a7b-9c3d-0123456789ab';

const USERS = PEOPLE.map((p, i) => ({
  id: String(9_586_504 + i * 3_331),
  email: p.email,
  firstName: p.first,
  lastName: p.last,
  roleIds: i === 0 ? [] : ['5478213'],
  primaryTeamId: i < 3 ? '3271' : undefined,
  superAdmin: i === 0,
}));

const rateHeaders = {
  'x-hubspot-ratelimit-daily': '250000',
  'x-hubspot-ratelimit-daily-remaining': '249871',
  'x-hubspot-ratelimit-interval-milliseconds': '10000',
  'x-hubspot-ratelimit-max': '100',
  'x-hubspot-ratelimit-remaining': '97',
  'x-hubspot-ratelimit-secondly': '10',
  'x-hubspot-ratelimit-secondly-remaining': '9',
};

function authError(req: ReplayRequest): ReplayResponse | undefined {
  if (header(req, 'authorization') === `Bearer ${TOKEN}`) return undefined;
  return json(401, {
    status: 'error',
    message: 'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
    correlationId: '9d2f5a31-replay-401',
    category: 'INVALID_AUTHENTICATION',
  });
}

/** `GET /settings/v3/users/?limit&after`: `{results, paging.next.{after, link}}`; no paging on the last page. */
function list(url: URL, origin: string): ReplayResponse {
  const size = pageSize(url.searchParams.get('limit'), 100);
  if (size === null) return json(400, { status: 'error', message: 'limit must be a positive integer', category: 'VALIDATION_ERROR' });
  const after = url.searchParams.get('after');
  const start = after === null ? 0 : readToken('hubspot-users', after);
  if (start === null) return json(400, { status: 'error', message: `Invalid paging cursor: ${after}`, category: 'VALIDATION_ERROR' });
  const results = USERS.slice(start, start + size);
  const nextAfter = start + size < USERS.length ? token('hubspot-users', start + size) : undefined;
  const body: Record<string, unknown> = { results };
  if (nextAfter !== undefined) {
    const link = new URL(`${origin}${url.pathname}`);
    link.searchParams.set('after', nextAfter);
    body.paging = { next: { after: nextAfter, link: link.href } };
  }
  return json(200, body, rateHeaders);
}

export const replay: CatalogReplay = {
  name: 'hubspot',
  credentialsFormat: 'api_key',
  credentials: { access_token: TOKEN },
  context: {},
  totalUsers: USERS.length,
  expectedIds: USERS.map((u) => u.id),
  handle(req, baseUrl) {
    const refused = authError(req);
    if (refused) return refused;
    const url = requestUrl(req, baseUrl);
    const path = url.pathname;
    if (/\/settings\/v3\/users\/?$/.test(path) && req.method === 'GET') return list(url, new URL(baseUrl).origin);
    const byId = /\/settings\/v3\/users\/([^/]+)$/.exec(path);
    if (byId && req.method === 'GET') {
      const user = USERS.find((u) => u.id === byId[1]);
      return user ? json(200, user, rateHeaders) : json(404, { status: 'error', message: 'User not found', category: 'OBJECT_NOT_FOUND' });
    }
    if (path.endsWith('/account-info/v3/details')) {
      return json(200, { portalId: 20_493_117, accountType: 'STANDARD', timeZone: 'Europe/London', companyCurrency: 'USD', additionalCurrencies: [], utcOffset: '+00:00', utcOffsetMilliseconds: 0, uiDomain: 'app.hubspot.com', dataHostingLocation: 'na1' });
    }
    return json(404, { status: 'error', message: 'Resource not found', category: 'OBJECT_NOT_FOUND' });
  },
};
