import { PEOPLE, header, json, pageSize, readToken, requestUrl, token } from './helpers.js';
import type { CatalogReplay, ReplayRequest, ReplayResponse } from './types.js';

const ACCESS_TOKEN = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.REPLAY-graph-token.c2lnbmF0dXJl';
const TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';

const USERS: Array<Record<string, unknown> & { id: string; userPrincipalName: string }> = PEOPLE.map((p, i) => ({
  id: `6e7b768e-07e2-4810-8459-485f84f8f2${String(10 + i)}`,
  displayName: `${p.first} ${p.last}`,
  givenName: p.first,
  surname: p.last,
  userPrincipalName: `${p.login}@acme.onmicrosoft.com`,
  mail: p.email,
  accountEnabled: i !== 4,
  jobTitle: i === 0 ? 'Chief Engineer' : 'Engineer',
  userType: i === 6 ? 'Guest' : 'Member',
  businessPhones: [],
  officeLocation: null,
}));
// Without $select Graph returns its default property set, not accountEnabled or userType.
const DEFAULT_SELECT = ['businessPhones', 'displayName', 'givenName', 'jobTitle', 'mail', 'officeLocation', 'surname', 'userPrincipalName', 'id'];

const graphError = (status: number, code: string, message: string): ReplayResponse =>
  json(status, { error: { code, message, innerError: { date: '2024-05-20T08:00:00', 'request-id': 'b1c2d3e4-replay', 'client-request-id': 'b1c2d3e4-replay' } } });

function authError(req: ReplayRequest): ReplayResponse | undefined {
  const auth = header(req, 'authorization');
  if (auth === `Bearer ${ACCESS_TOKEN}`) return undefined;
  if (auth === undefined) return graphError(401, 'InvalidAuthenticationToken', 'Access token is empty.');
  return graphError(401, 'InvalidAuthenticationToken', 'Access token validation failure. Invalid audience.');
}

function project(user: Record<string, unknown>, select: string[]): Record<string, unknown> {
  return Object.fromEntries(select.filter((key) => key in user).map((key) => [key, user[key]]));
}

/**
 * `GET /v1.0/users?$top&$select`: `{@odata.context, value, @odata.nextLink?}`. The next link
 * repeats $top and $select and adds an opaque $skiptoken; it is the only way to the next page.
 * Graph writes the `$` of its parameters unencoded in that link.
 */
function list(url: URL, origin: string): ReplayResponse {
  const size = pageSize(url.searchParams.get('$top'), 999); // Graph's default is 100
  if (size === null) return graphError(400, 'Request_BadRequest', "Invalid value '$top' for query parameter.");
  const skip = url.searchParams.get('$skiptoken');
  const start = skip === null ? 0 : readToken('graph-users', skip);
  if (start === null) return graphError(400, 'Directory_ExpiredPageToken', 'The specified page token value has expired and can no longer be included in your request.');
  const selectParam = url.searchParams.get('$select');
  const select = selectParam ? [...new Set([...selectParam.split(','), 'id'])] : DEFAULT_SELECT;
  const body: Record<string, unknown> = {
    '@odata.context': `https://graph.microsoft.com/v1.0/$metadata#users${selectParam ? `(${selectParam})` : ''}`,
    value: USERS.slice(start, start + size).map((u) => project(u, select)),
  };
  if (start + size < USERS.length) {
    const params = [`$top=${size}`];
    if (selectParam) params.push(`$select=${encodeURIComponent(selectParam)}`);
    params.push(`$skiptoken=${token('graph-users', start + size)}`);
    body['@odata.nextLink'] = `${origin}${url.pathname}?${params.join('&')}`;
  }
  return json(200, body);
}

export const replay: CatalogReplay = {
  name: 'microsoft-graph',
  credentialsFormat: 'oauth2',
  credentials: { client_id: '0c3f2b4e-9a1d-4c6e-8f20-5b7a3d1e9c44', client_secret: 'Rpl8Q~replay.secret.value' },
  context: {},
  oauthToken: { access_token: ACCESS_TOKEN },
  totalUsers: USERS.length,
  expectedIds: USERS.map((u) => u.id),
  handle(req, baseUrl) {
    const refused = authError(req);
    if (refused) return refused;
    const url = requestUrl(req, baseUrl);
    const path = url.pathname;
    if (path.endsWith('/users') && req.method === 'GET') return list(url, new URL(baseUrl).origin);
    const byKey = /\/users\/([^/]+)$/.exec(path);
    if (byKey && req.method === 'GET') {
      const key = decodeURIComponent(byKey[1] ?? '');
      const user = USERS.find((u) => u.id === key || u.userPrincipalName === key);
      if (!user) return graphError(404, 'Request_ResourceNotFound', `Resource '${key}' does not exist or one of its queried reference-property objects are not present.`);
      return json(200, { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users/$entity', ...project(user, DEFAULT_SELECT) });
    }
    if (path.endsWith('/organization')) {
      return json(200, { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#organization(id)', value: [{ id: TENANT_ID }] });
    }
    return graphError(400, 'BadRequest', `Resource not found for the segment '${path.split('/').pop() ?? ''}'.`);
  },
};
