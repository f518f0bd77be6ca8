import { PEOPLE, header, json, readToken, requestUrl, token } from './helpers.js';
import type { CatalogReplay, ReplayRequest, ReplayResponse } from './types.js';

const PAT = '2/1201234567890123/1208765432109876:REPLAYa1b2c3d4e5f60718293a4b5c6d7e8f';
const WORKSPACE_GID = '1199887766554433';

const USERS = PEOPLE.map((p, i) => ({
  gid: String(1_201_234_567_890_100n + BigInt(i * 17)),
  resource_type: 'user',
  name: `${p.first} ${p.last}`,
  email: p.email,
}));

const asanaError = (status: number, message: string): ReplayResponse =>
  json(status, { errors: [{ message, help: 'For more information on API status codes and how to handle them, read the docs on errors: https://developers.asana.com/docs/errors' }] });

function authError(req: ReplayRequest): ReplayResponse | undefined {
  return header(req, 'authorization') === `Bearer ${PAT}` ? undefined : asanaError(401, 'Not Authorized');
}

/** Compact records carry gid, resource_type and name; other fields only when opt_fields names them. */
function shape(user: (typeof USERS)[number], optFields: string | null): Record<string, unknown> {
  const wanted = new Set((optFields ?? '').split(',').filter(Boolean));
  const out: Record<string, unknown> = { gid: user.gid, resource_type: user.resource_type, name: user.name };
  if (wanted.has('email')) out.email = user.email;
  return out;
}

/**
 * `GET /users?workspace&limit&offset`: `{data, next_page: {offset, path, uri} | null}`. Asana pages
 * only when `limit` (1–100) is sent; the replay pages by 3 without it so a missing limit still shows.
 */
function list(url: URL, origin: string): ReplayResponse {
  const workspace = url.searchParams.get('workspace');
  if (workspace !== null && workspace !== WORKSPACE_GID) return asanaError(400, `workspace: Not a recognized ID: ${workspace}`);
  const rawLimit = url.searchParams.get('limit');
  const limit = rawLimit === null ? 3 : Number(rawLimit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) return asanaError(400, 'limit: Must be between 1 and 100');
  const offset = url.searchParams.get('offset');
  const start = offset === null ? 0 : readToken('asana-users', offset);
  if (start === null) return asanaError(400, 'offset: Your pagination token is invalid.');
  const data = USERS.slice(start, start + limit).map((u) => shape(u, url.searchParams.get('opt_fields')));
  let nextPage: Record<string, string> | null = null;
  if (start + limit < USERS.length) {
    const nextOffset = token('asana-users', start + limit);
    const params = new URLSearchParams(url.searchParams);
    params.set('limit', String(limit));
    params.set('offset', nextOffset);
    const apiPath = url.pathname.replace(/^.*(\/users)$/, '$1');
    nextPage = { offset: nextOffset, path: `${apiPath}?${params}`, uri: `${origin}${url.pathname}?${params}` };
  }
  return json(200, { data, next_page: nextPage });
}

export const replay: CatalogReplay = {
  name: 'asana',
  credentialsFormat: 'api_key',
  credentials: { personal_access_token: PAT },
  context: { workspace_gid: WORKSPACE_GID },
  totalUsers: USERS.length,
  expectedIds: USERS.map((u) => u.gid),
  idField: 'gid',
  handle(req, baseUrl) {
    const refused = authError(req);
    if (refused) return refused;
    const url = requestUrl(req, baseUrl);
    const path = url.pathname;
    if (path.endsWith('/users') && req.method === 'GET') return list(url, new URL(baseUrl).origin);
    if (path.endsWith('/users/me')) return json(200, { data: { ...USERS[0], workspaces: [{ gid: WORKSPACE_GID, resource_type: 'workspace', name: 'acme.example' }] } });
    const byId = /\/users\/(\d+)$/.exec(path);
    if (byId && req.method === 'GET') {
      const user = USERS.find((u) => u.gid === byId[1]);
      return user ? json(200, { data: { ...user, photo: null, workspaces: [{ gid: WORKSPACE_GID, resource_type: 'workspace', name: 'acme.example' }] } }) : asanaError(404, 'user: Unknown object: ' + byId[1]);
    }
    return asanaError(404, 'No matching route for request');
  },
};
