import { PEOPLE, header, json, linkHeader, pageSize, requestUrl } from './helpers.js';
import type { CatalogReplay, ReplayRequest, ReplayResponse } from './types.js';

const TOKEN = 'glpat-REPLAYxYz0123456789ab';
const GROUP_ID = '4821';

const MEMBERS = PEOPLE.map((p, i) => ({
  id: 1204 + i * 97,
  username: p.login,
  name: `${p.first} ${p.last}`,
  state: i === 4 ? 'blocked' : 'active',
  locked: false,
  avatar_url: `https://secure.gravatar.com/avatar/${(1204 + i * 97).toString(16)}?s=80&d=identicon`,
  web_url: `https://gitlab.com/${p.login}`,
  access_level: i === 0 ? 50 : 30,
  created_at: '2021-06-01T09:00:00.000Z',
  expires_at: null,
  membership_state: 'active',
}));

// GitLab takes the token as `Authorization: Bearer` or in the `PRIVATE-TOKEN` header.
function authError(req: ReplayRequest): ReplayResponse | undefined {
  if (header(req, 'authorization') === `Bearer ${TOKEN}` || header(req, 'private-token') === TOKEN) return undefined;
  return json(401, { message: '401 Unauthorized' });
}

/**
 * `GET /groups/:id/members/all?page&per_page`: a plain array, a Link header with first/prev/next/last
 * carrying every parameter of the request, and the x-page family of headers.
 */
function members(url: URL, origin: string): ReplayResponse {
  const size = pageSize(url.searchParams.get('per_page'), 100) ?? 20;
  const page = Math.max(1, Number.parseInt(url.searchParams.get('page') ?? '1', 10) || 1);
  const pages = Math.max(1, Math.ceil(MEMBERS.length / size));
  const link = (n: number) => {
    const next = new URL(`${origin}${url.pathname}`);
    for (const [key, value] of url.searchParams) if (key !== 'page' && key !== 'per_page') next.searchParams.append(key, value);
    next.searchParams.set('page', String(n));
    next.searchParams.set('per_page', String(size));
    return next.href;
  };
  const links: Array<[string, string]> = [];
  if (page > 1) links.push([link(page - 1), 'prev']);
  if (page < pages) links.push([link(page + 1), 'next']);
  links.push([link(1), 'first'], [link(pages), 'last']);
  return json(200, MEMBERS.slice((page - 1) * size, page * size), {
    link: linkHeader(links),
    'x-page': String(page),
    'x-per-page': String(size),
    'x-next-page': page < pages ? String(page + 1) : '',
    'x-prev-page': page > 1 ? String(page - 1) : '',
    'x-total': String(MEMBERS.length),
    'x-total-pages': String(pages),
    'ratelimit-limit': '2000',
    'ratelimit-remaining': '1990',
    'ratelimit-reset': String(Math.floor(Date.now() / 1000) + 60),
  });
}

export const replay: CatalogReplay = {
  name: 'gitlab',
  credentialsFormat: 'api_key',
  credentials: { personal_access_token: TOKEN },
  context: { group_id: GROUP_ID },
  totalUsers: MEMBERS.length,
  expectedIds: MEMBERS.map((m) => String(m.id)),
  handle(req, baseUrl) {
    const refused = authError(req);
    if (refused) return refused;
    const url = requestUrl(req, baseUrl);
    const path = url.pathname;
    const list = /\/groups\/([^/]+)\/members\/all$/.exec(path);
    if (list && req.method === 'GET') {
      if (decodeURIComponent(list[1] ?? '') !== GROUP_ID) return json(404, { message: '404 Group Not Found' });
      return members(url, new URL(baseUrl).origin);
    }
    const byId = /\/users\/(\d+)$/.exec(path);
    if (byId && req.method === 'GET') {
      const member = MEMBERS.find((m) => String(m.id) === byId[1]);
      return member ? json(200, { ...member, bio: '', public_email: null }) : json(404, { message: '404 User Not Found' });
    }
    if (path.endsWith('/user') && req.method === 'GET') return json(200, { ...MEMBERS[0], email: PEOPLE[0].email, is_admin: false });
    return json(404, { error: '404 Not Found' });
  },
};
