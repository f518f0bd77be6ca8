import { PEOPLE, header, json, readToken, requestUrl, token } from './helpers.js';
import type { CatalogReplay, ReplayRequest, ReplayResponse } from './types.js';

const ACCESS_TOKEN = 'eyJzdiI6IjAwMDAwMSIsImFsZyI6IkhTNTEyIn0.REPLAY-zoom-s2s-token.c2ln';

const ACTIVE = PEOPLE.map((p, i) => ({
  id: `z8yCxjabcdEFGHfpOvoW${String.fromCharCode(65 + i)}A`,
  first_name: p.first,
  last_name: p.last,
  display_name: `${p.first} ${p.last}`,
  email: p.email,
  type: i < 4 ? 2 : 1,
  pmi: 3_542_471_135 + i,
  timezone: 'Europe/London',
  verified: 1,
  dept: i < 3 ? 'Engineering' : 'Research',
  created_at: '2022-03-01T10:00:00Z',
  last_login_time: '2024-05-20T08:00:00Z',
  language: 'en-US',
  status: 'active',
  role_id: i === 0 ? '0' : '2',
  user_created_at: '2022-03-01T10:00:00Z',
}));
// A deactivated user the active list must not return: the definition asks status=active.
const INACTIVE = { ...ACTIVE[0], id: 'z8yCxjabcdEFGHfpOvoWZZ', email: 'former@acme.example', first_name: 'Former', last_name: 'Employee', display_name: 'Former Employee', status: 'inactive' };

function authError(req: ReplayRequest): ReplayResponse | undefined {
  return header(req, 'authorization') === `Bearer ${ACCESS_TOKEN}` ? undefined : json(401, { code: 124, message: 'Invalid access token.' });
}

const rateHeaders = { 'x-ratelimit-category': 'Medium', 'x-ratelimit-type': 'QPS', 'x-ratelimit-limit': '60', 'x-ratelimit-remaining': '59' };

/**
 * `GET /users?status&page_size&next_page_token`: `{next_page_token, page_count, page_number,
 * page_size, total_records, users}`; the last page has next_page_token "".
 */
function list(url: URL): ReplayResponse {
  const status = url.searchParams.get('status') ?? 'active';
  const users = status === 'active' ? ACTIVE : status === 'inactive' ? [INACTIVE] : [];
  const rawSize = url.searchParams.get('page_size');
  const size = rawSize === null ? 3 : Number(rawSize); // Zoom's default is 30
  if (!Number.isInteger(size) || size < 1 || size > 2000) return json(400, { code: 300, message: 'Invalid field.', errors: [{ field: 'page_size', message: 'Invalid field.' }] });
  const pageToken = url.searchParams.get('next_page_token');
  const start = pageToken === null || pageToken === '' ? 0 : readToken(`zoom-users-${status}`, pageToken);
  if (start === null) return json(400, { code: 300, message: 'Invalid next_page_token.' });
  const capped = Math.min(size, 300);
  return json(200, {
    next_page_token: start + capped < users.length ? token(`zoom-users-${status}`, start + capped) : '',
    page_count: Math.ceil(users.length / capped),
    page_number: Math.floor(start / capped) + 1,
    page_size: capped,
    total_records: users.length,
    users: users.slice(start, start + capped),
  }, rateHeaders);
}

export const replay: CatalogReplay = {
  name: 'zoom',
  credentials: { client_id: 'RpLaYcLiEnT0123', client_secret: 'RpLaYsEcReT0123456789abcdef' },
  context: {},
  oauthToken: { access_token: ACCESS_TOKEN },
  totalUsers: ACTIVE.length,
  expectedIds: ACTIVE.map((u) => u.id),
  handle(req, baseUrl) {
    const refused = authError(req);
    if (refused) return refused;
    const url = requestUrl(req, baseUrl);
    const path = url.pathname;
    if (path.endsWith('/users') && req.method === 'GET') return list(url);
    const byId = /\/users\/([^/]+)$/.exec(path);
    if (byId && req.method === 'GET') {
      const key = decodeURIComponent(byId[1] ?? '');
      const user = key === 'me' ? ACTIVE[0] : [...ACTIVE, INACTIVE].find((u) => u.id === key || u.email === key);
      return user ? json(200, user, rateHeaders) : json(404, { code: 1001, message: 'User does not exist: ' + key });
    }
    return json(404, { code: 404, message: 'Not Found' });
  },
};
