import { PEOPLE, header, json, pageSize, requestUrl } from './helpers.js';
import type { CatalogReplay, ReplayRequest, ReplayResponse } from './types.js';

const SECRET = 'ntn_REPLAY412345678901234567890abcdefghijklmnopqrstuv';

const PERSONS = PEOPLE.slice(0, 6).map((p, i) => ({
  object: 'user',
  id: `d40e767c-d7af-4b18-a86d-55c61f1e39${String(10 + i)}`,
  type: 'person',
  name: `${p.first} ${p.last}`,
  avatar_url: i % 2 === 0 ? `https://s3-us-west-2.amazonaws.com/public.notion-static.com/${p.login}.png` : null,
  person: { email: p.email },
}));
// The integration itself is listed among the users, as a bot owned by the workspace.
const BOT = {
  object: 'user',
  id: '9a3b5ae0-c6e6-482d-b0e1-ed315ee6dc57',
  type: 'bot',
  name: 'Switchyard',
  avatar_url: null,
  bot: { owner: { type: 'workspace', workspace: true }, workspace_name: 'Acme' },
};
const USERS = [...PERSONS, BOT];

const notionError = (status: number, code: string, message: string): ReplayResponse =>
  json(status, { object: 'error', status, code, message, request_id: '5f2c1a9e-replay' });

function authError(req: ReplayRequest): ReplayResponse | undefined {
  if (header(req, 'authorization') !== `Bearer ${SECRET}`) return notionError(401, 'unauthorized', 'API token is invalid.');
  const version = header(req, 'notion-version');
  if (version === undefined) {
    return notionError(400, 'missing_version', 'Notion-Version header failed validation: Notion-Version header should be defined, instead was `undefined`.');
  }
  return undefined;
}

/**
 * `GET /v1/users?page_size&start_cursor`: `{object: list, results, next_cursor, has_more, type: user, user: {}}`.
 * As on Notion, next_cursor is the id of the first user of the next page; an unknown cursor is refused.
 */
function list(url: URL): ReplayResponse {
  const size = pageSize(url.searchParams.get('page_size'), 100); // Notion's default is 100
  if (size === null) return notionError(400, 'validation_error', 'body failed validation: body.page_size should be a number or `undefined`.');
  const cursor = url.searchParams.get('start_cursor');
  const start = cursor === null ? 0 : USERS.findIndex((u) => u.id === cursor);
  if (start < 0) return notionError(400, 'validation_error', 'The start_cursor provided is invalid: ' + cursor);
  const next = USERS[start + size];
  return json(200, { object: 'list', results: USERS.slice(start, start + size), next_cursor: next ? next.id : null, has_more: next !== undefined, type: 'user', user: {}, request_id: '5f2c1a9e-replay' });
}

export const replay: CatalogReplay = {
  name: 'notion',
  credentialsFormat: 'api_key',
  credentials: { integration_secret: SECRET },
  context: {},
  totalUsers: USERS.length,
  expectedIds: USERS.map((u) => u.id),
  handle(req, baseUrl) {
    const refused = authError(req);
    if (refused) return refused;
    const url = requestUrl(req, baseUrl);
    const path = url.pathname;
    if (path.endsWith('/users') && req.method === 'GET') return list(url);
    if (path.endsWith('/users/me')) return json(200, { ...BOT, request_id: '5f2c1a9e-replay' });
    const byId = /\/users\/([0-9a-f-]{32,36})$/.exec(path);
    if (byId && req.method === 'GET') {
      const user = USERS.find((u) => u.id === byId[1] || u.id.replaceAll('-', '') === byId[1]);
      return user ? json(200, user) : notionError(404, 'object_not_found', `Could not find user with ID: ${byId[1]}.`);
    }
    return notionError(400, 'invalid_request_url', 'Invalid request URL.');
  },
};
