import { PEOPLE, header, json, linkHeader, pageSize, requestUrl } from './helpers.js';
import type { CatalogReplay, ReplayRequest, ReplayResponse } from './types.js';

const TOKEN = 'github_pat_11REPLAY0a1b2c3d4e5f6_replayTokenForTheCatalogueTests';
const ORG = 'acme';
const ORG_ID = 98765;
const API_VERSIONS = ['2022-11-28'];

const MEMBERS = PEOPLE.map((p, i) => {
  const id = 5832100 + i * 1371;
  return {
    login: `${p.login}-acme`,
    id,
    node_id: Buffer.from(`04:User${id}`).toString('base64'),
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    url: `https://api.github.com/users/${p.login}-acme`,
    html_url: `https://github.com/${p.login}-acme`,
    type: 'User',
    site_admin: false,
  };
});

const ERROR_DOCS = 'https://docs.github.com/rest';

// GitHub takes the token as `Bearer` or the older `token` scheme; both are documented.
function authError(req: ReplayRequest): ReplayResponse | undefined {
  const auth = header(req, 'authorization');
  if (auth === undefined) return json(401, { message: 'Requires authentication', documentation_url: ERROR_DOCS, status: '401' });
  if (auth !== `Bearer ${TOKEN}` && auth !== `token ${TOKEN}`) return json(401, { message: 'Bad credentials', documentation_url: ERROR_DOCS, status: '401' });
  const version = header(req, 'x-github-api-version');
  if (version !== undefined && !API_VERSIONS.includes(version)) {
    return json(400, { message: `API version ${version} is not supported.`, documentation_url: 'https://docs.github.com/rest/overview/api-versions', status: '400' });
  }
  return undefined;
}

const rateHeaders = (): Record<string, string> => ({
  'x-ratelimit-limit': '5000',
  'x-ratelimit-remaining': '4987',
  'x-ratelimit-used': '13',
  'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
  'x-ratelimit-resource': 'core',
});

/**
 * `GET /orgs/{org}/members?per_page&page`: a plain array and a Link header. As on github.com the
 * links point at `/organizations/{numeric id}/members`, not at the path that was asked, so only an
 * engine that follows the link verbatim reaches the next page.
 */
function members(url: URL, prefix: string, origin: string): ReplayResponse {
  const size = pageSize(url.searchParams.get('per_page'), 100) ?? 30;
  const page = Math.max(1, Number.parseInt(url.searchParams.get('page') ?? '1', 10) || 1);
  const last = Math.max(1, Math.ceil(MEMBERS.length / size));
  const body = MEMBERS.slice((page - 1) * size, page * size);
  const link = (n: number) => {
    const next = new URL(`${origin}${prefix}/organizations/${ORG_ID}/members`);
    for (const [key, value] of url.searchParams) if (key !== 'page' && key !== 'per_page') next.searchParams.append(key, value);
    next.searchParams.set('per_page', String(size));
    next.searchParams.set('page', String(n));
    return next.href;
  };
  const links: Array<[string, string]> = [];
  if (page > 1) links.push([link(page - 1), 'prev']);
  if (page < last) links.push([link(page + 1), 'next'], [link(last), 'last']);
  if (page > 1) links.push([link(1), 'first']);
  return json(200, body, { ...rateHeaders(), ...(links.length > 0 ? { link: linkHeader(links) } : {}) });
}

function profile(member: (typeof MEMBERS)[number]) {
  const person = PEOPLE[MEMBERS.indexOf(member)];
  return { ...member, name: person ? `${person.first} ${person.last}` : null, company: '@acme', email: person?.email ?? null, created_at: '2019-03-04T10:11:12Z' };
}

export const replay: CatalogReplay = {
  name: 'github',
  credentialsFormat: 'api_key',
  credentials: { personal_access_token: TOKEN },
  context: { org: ORG },
  totalUsers: MEMBERS.length,
  expectedIds: MEMBERS.map((m) => String(m.id)),
  handle(req, baseUrl) {
    const refused = authError(req);
    if (refused) return refused;
    const url = requestUrl(req, baseUrl);
    const path = url.pathname;
    const origin = new URL(baseUrl).origin;
    const list = /\/(?:orgs\/([^/]+)|organizations\/(\d+))\/members$/.exec(path);
    if (list && req.method === 'GET') {
      if (list[1] !== undefined && list[1].toLowerCase() !== ORG) return json(404, { message: 'Not Found', documentation_url: ERROR_DOCS, status: '404' });
      if (list[2] !== undefined && Number(list[2]) !== ORG_ID) return json(404, { message: 'Not Found', documentation_url: ERROR_DOCS, status: '404' });
      return members(url, path.slice(0, list.index), origin);
    }
    const byId = /\/user\/(\d+)$/.exec(path);
    if (byId && req.method === 'GET') {
      const member = MEMBERS.find((m) => String(m.id) === byId[1]);
      return member ? json(200, profile(member), rateHeaders()) : json(404, { message: 'Not Found', documentation_url: ERROR_DOCS, status: '404' });
    }
    if (path.endsWith('/user') && req.method === 'GET') return json(200, profile(MEMBERS[0] as (typeof MEMBERS)[number]), rateHeaders());
    return json(404, { message: 'Not Found', documentation_url: ERROR_DOCS, status: '404' });
  },
};
