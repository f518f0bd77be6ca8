import { PEOPLE, header, json, pageSize, readToken, requestUrl, token } from './helpers.js';
import type { CatalogReplay, ReplayRequest, ReplayResponse } from './types.js';

const ACCESS_TOKEN = 'dG9rOjVmMmMxYTllX1JFUExBWV9hY2Nlc3NfdG9rZW46MToxMjM0NQ==';
const WORKSPACE_ID = 'ecahpwf5';

const CONTACTS = PEOPLE.map((p, i) => ({
  type: 'contact',
  id: `64a2b7c1e4b0c3a1d2e3f4${String(10 + i)}`,
  workspace_id: WORKSPACE_ID,
  external_id: i < 5 ? `acme-user-${100 + i}` : null,
  role: i < 5 ? 'user' : 'lead',
  email: p.email,
  phone: null,
  name: `${p.first} ${p.last}`,
  avatar: null,
  owner_id: null,
  has_hard_bounced: false,
  marked_email_as_spam: false,
  unsubscribed_from_emails: false,
  created_at: 1_688_000_000 + i * 3_600,
  updated_at: 1_716_000_000 + i * 60,
  signed_up_at: i < 5 ? 1_688_000_100 + i * 3_600 : null,
  last_seen_at: 1_716_100_000,
  custom_attributes: {},
}));

const intercomError = (status: number, code: string, message: string): ReplayResponse =>
  json(status, { type: 'error.list', request_id: '000ep9ks8fvqrc5replay', errors: [{ code, message }] });

function authError(req: ReplayRequest): ReplayResponse | undefined {
  return header(req, 'authorization') === `Bearer ${ACCESS_TOKEN}` ? undefined : intercomError(401, 'unauthorized', 'Access Token Invalid');
}

const rateHeaders = (): Record<string, string> => ({
  'x-ratelimit-limit': '10000',
  'x-ratelimit-remaining': '9998',
  'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 10),
});

/**
 * `GET /contacts?per_page&starting_after`: `{type: list, data, total_count, pages: {type, page,
 * per_page, total_pages, next?: {page, starting_after}}}`; the last page has no `next`.
 */
function list(url: URL): ReplayResponse {
  const size = pageSize(url.searchParams.get('per_page'), 150); // Intercom's default is 50
  if (size === null) return intercomError(400, 'parameter_invalid', 'per_page must be a positive integer');
  const after = url.searchParams.get('starting_after');
  const start = after === null ? 0 : readToken('intercom-contacts', after);
  if (start === null) return intercomError(400, 'parameter_invalid', 'starting_after is invalid');
  const page = Math.floor(start / size) + 1;
  const totalPages = Math.ceil(CONTACTS.length / size);
  const pages: Record<string, unknown> = { type: 'pages', page, per_page: size, total_pages: totalPages };
  if (start + size < CONTACTS.length) pages.next = { page: page + 1, starting_after: token('intercom-contacts', start + size) };
  return json(200, { type: 'list', data: CONTACTS.slice(start, start + size), total_count: CONTACTS.length, pages }, rateHeaders());
}

export const replay: CatalogReplay = {
  name: 'intercom',
  credentialsFormat: 'api_key',
  credentials: { access_token: ACCESS_TOKEN },
  context: {},
  totalUsers: CONTACTS.length,
  expectedIds: CONTACTS.map((c) => c.id),
  handle(req, baseUrl) {
    const refused = authError(req);
    if (refused) return refused;
    const url = requestUrl(req, baseUrl);
    const path = url.pathname;
    if (path.endsWith('/contacts') && req.method === 'GET') return list(url);
    const byId = /\/contacts\/([0-9a-f]{24})$/.exec(path);
    if (byId && req.method === 'GET') {
      const contact = CONTACTS.find((c) => c.id === byId[1]);
      return contact ? json(200, contact, rateHeaders()) : intercomError(404, 'not_found', 'User Not Found');
    }
    if (path.endsWith('/me')) {
      return json(200, { type: 'admin', id: '991267', email: 'admin@acme.example', name: 'Acme Admin', email_verified: true, app: { type: 'app', id_code: WORKSPACE_ID, name: 'Acme', region: 'US', timezone: 'Europe/London' } }, rateHeaders());
    }
    return intercomError(404, 'not_found', 'Resource Not Found');
  },
};
