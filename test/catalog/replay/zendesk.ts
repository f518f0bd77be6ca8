import { PEOPLE, basic, header, json, pageSize, readToken, requestUrl, token } from './helpers.js';
import type { CatalogReplay, ReplayRequest, ReplayResponse } from './types.js';

const EMAIL = 'admin@acme.example';
const API_TOKEN = 'ZdRePlAy0123456789abcdefghijklmnopqrstuv';

const ROLES = ['admin', 'agent', 'agent', 'end-user', 'end-user', 'agent', 'end-user'] as const;
const USERS = PEOPLE.map((p, i) => {
  const id = 35_436_000_000 + i * 1_117;
  return {
    id,
    url: `https://acme.zendesk.com/api/v2/users/${id}.json`,
    name: `${p.first} ${p.last}`,
    email: p.email,
    role: ROLES[i],
    active: true,
    suspended: i === 4,
    verified: true,
    time_zone: 'London',
    created_at: '2022-01-10T09:00:00Z',
    updated_at: '2024-05-01T12:00:00Z',
  };
});

function authError(req: ReplayRequest): ReplayResponse | undefined {
  // API tokens go as basic auth with the user name "{email}/token".
  if (header(req, 'authorization') === basic(`${EMAIL}/token`, API_TOKEN)) return undefined;
  return json(401, { error: "Couldn't authenticate you" });
}

function pageUrl(origin: string, url: URL, set: Record<string, string>): string {
  const next = new URL(`${origin}${url.pathname}`);
  for (const [key, value] of url.searchParams) if (!(key in set) && !key.startsWith('page')) next.searchParams.append(key, value);
  for (const [key, value] of Object.entries(set)) next.searchParams.set(key, value);
  return next.href;
}

/**
 * Cursor pagination (`page[size]`, `page[after]`): `{users, meta: {has_more, after_cursor,
 * before_cursor}, links: {prev, next}}`. As on Zendesk, the last page still carries an after_cursor
 * with has_more false — only has_more says the list is over; following that cursor gives an empty page.
 */
function cursorPage(url: URL, origin: string): ReplayResponse {
  const size = pageSize(url.searchParams.get('page[size]'), 100);
  if (size === null) return json(400, { error: 'InvalidPaginationParameter', description: 'page[size] must be a positive integer' });
  const after = url.searchParams.get('page[after]');
  const start = after === null ? 0 : readToken('zendesk-users', after);
  if (start === null) return json(400, { error: 'InvalidPaginationParameter', description: 'page[after] is not a valid cursor' });
  const users = USERS.slice(start, start + size);
  const end = start + users.length;
  const hasMore = end < USERS.length;
  const afterCursor = users.length > 0 ? token('zendesk-users', end) : null;
  const beforeCursor = users.length > 0 ? token('zendesk-users-before', start) : null;
  return json(200, {
    users,
    meta: { has_more: hasMore, after_cursor: afterCursor, before_cursor: beforeCursor },
    links: {
      prev: beforeCursor ? pageUrl(origin, url, { 'page[before]': beforeCursor, 'page[size]': String(size) }) : null,
      next: afterCursor ? pageUrl(origin, url, { 'page[after]': afterCursor, 'page[size]': String(size) }) : null,
    },
  }, { 'x-rate-limit': '700', 'x-rate-limit-remaining': '698' });
}

/** Offset pagination, what Zendesk does without page[...] parameters: `{users, next_page, previous_page, count}`. */
function offsetPage(url: URL, origin: string): ReplayResponse {
  const size = pageSize(url.searchParams.get('per_page'), 100) ?? 100;
  const page = Math.max(1, Number.parseInt(url.searchParams.get('page') ?? '1', 10) || 1);
  const users = USERS.slice((page - 1) * size, page * size);
  const more = page * size < USERS.length;
  return json(200, {
    users,
    next_page: more ? pageUrl(origin, url, { page: String(page + 1), per_page: String(size) }) : null,
    previous_page: page > 1 ? pageUrl(origin, url, { page: String(page - 1), per_page: String(size) }) : null,
    count: USERS.length,
  });
}

export const replay: CatalogReplay = {
  name: 'zendesk',
  credentials: { email: EMAIL, api_token: API_TOKEN },
  context: { subdomain: 'acme' },
  totalUsers: USERS.length,
  expectedIds: USERS.map((u) => String(u.id)),
  handle(req, baseUrl) {
    const refused = authError(req);
    if (refused) return refused;
    const url = requestUrl(req, baseUrl);
    const origin = new URL(baseUrl).origin;
    const path = url.pathname.replace(/\.json$/, '');
    if (path.endsWith('/users') && req.method === 'GET') {
      const cursorMode = [...url.searchParams.keys()].some((key) => key.startsWith('page['));
      return cursorMode ? cursorPage(url, origin) : offsetPage(url, origin);
    }
    if (path.endsWith('/users/me')) return json(200, { user: USERS[0] });
    const byId = /\/users\/(\d+)$/.exec(path);
    if (byId && req.method === 'GET') {
      const user = USERS.find((u) => String(u.id) === byId[1]);
      return user ? json(200, { user }) : json(404, { error: 'RecordNotFound', description: 'Not found' });
    }
    return json(404, { error: 'InvalidEndpoint', description: 'Not found' });
  },
};
