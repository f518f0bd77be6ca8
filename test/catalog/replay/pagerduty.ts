import { PEOPLE, header, json, requestUrl } from './helpers.js';
import type { CatalogReplay, ReplayRequest, ReplayResponse } from './types.js';

const API_KEY = 'u+REPLAYx8yZ_abcdEFGH';

const ROLES = ['owner', 'admin', 'user', 'user', 'limited_user', 'observer', 'read_only_user'] as const;
const USERS = PEOPLE.map((p, i) => {
  const id = `P${['XPGF42', 'R7QK3M', 'T2VN8D', 'A9LW5C', 'M4HZ6B', 'Q8JD1F', 'K3SY7E'][i]}`;
  return {
    id,
    type: 'user',
    summary: `${p.first} ${p.last}`,
    self: `https://api.pagerduty.com/users/${id}`,
    html_url: `https://acme.pagerduty.com/users/${id}`,
    name: `${p.first} ${p.last}`,
    email: p.email,
    time_zone: 'Europe/London',
    color: 'purple',
    role: ROLES[i],
    avatar_url: `https://secure.gravatar.com/avatar/${id.toLowerCase()}.png?d=mm&r=PG`,
    description: null,
    invitation_sent: false,
    job_title: null,
    teams: [],
    contact_methods: [],
    notification_rules: [],
  };
});

const pdError = (status: number, code: number, message: string, errors: string[] = []): ReplayResponse => json(status, { error: { message, code, errors } });

// The REST API key goes in `Authorization: Token token=<key>`; OAuth apps use Bearer, not this connection.
function authError(req: ReplayRequest): ReplayResponse | undefined {
  return header(req, 'authorization') === `Token token=${API_KEY}` ? undefined : pdError(401, 2006, 'Invalid Credentials');
}

const rateHeaders = { 'ratelimit-limit': '960', 'ratelimit-remaining': '958', 'ratelimit-reset': '42' };

/** `GET /users?offset&limit&total`: `{users, limit, offset, more, total}` (total is null unless total=true). */
function list(url: URL): ReplayResponse {
  const rawLimit = url.searchParams.get('limit');
  const rawOffset = url.searchParams.get('offset') ?? '0';
  const limit = rawLimit === null ? 3 : Number(rawLimit); // PagerDuty's default is 25
  const offset = Number(rawOffset);
  if (!Number.isInteger(limit) || limit < 1 || !Number.isInteger(offset) || offset < 0) return pdError(400, 2001, 'Invalid Input Provided', ['Offset or limit is invalid.']);
  const size = Math.min(limit, 100);
  const users = USERS.slice(offset, offset + size);
  return json(200, { users, limit: size, offset, more: offset + size < USERS.length, total: url.searchParams.get('total') === 'true' ? USERS.length : null }, rateHeaders);
}

export const replay: CatalogReplay = {
  name: 'pagerduty',
  credentials: { api_key: API_KEY },
  context: {},
  totalUsers: USERS.length,
  expectedIds: USERS.map((u) => u.id),
  handle(req, baseUrl) {
    const refused = authError(req);
    if (refused) return refused;
    const url = requestUrl(req, baseUrl);
    const path = url.pathname;
    if (path.endsWith('/users') && req.method === 'GET') return list(url);
    const byId = /\/users\/(P[A-Z0-9]{6})$/.exec(path);
    if (byId && req.method === 'GET') {
      const user = USERS.find((u) => u.id === byId[1]);
      return user ? json(200, { user }, rateHeaders) : pdError(404, 2100, 'Not Found');
    }
    if (path.endsWith('/abilities')) return json(200, { abilities: ['teams', 'read_only_users', 'service_support_hours', 'urgencies'] }, rateHeaders);
    return pdError(404, 2100, 'Not Found');
  },
};
