import { PEOPLE, basic, header, json, pageSize, requestUrl } from './helpers.js';
import type { CatalogReplay, ReplayRequest, ReplayResponse } from './types.js';

const EMAIL = 'admin@acme.example';
const API_TOKEN = 'ATATT3xFfGF0REPLAY0123456789abcdefghijklmnopqrstuvwxyz=ABCD1234';
const SITE = 'https://acme.atlassian.net';

const avatars = (seed: string) => ({
  '48x48': `https://secure.gravatar.com/avatar/${seed}?d=https%3A%2F%2Favatar-management--avatars.us-west-2.prod.public.atl-paas.net%2Finitials%2FAL-0.png`,
});
const HUMANS = PEOPLE.slice(0, 6).map((p, i) => {
  const accountId = `5b10a2844c20165700ede2${String(10 + i)}`.padEnd(24, 'a');
  return {
    self: `${SITE}/rest/api/3/user?accountId=${accountId}`,
    accountId,
    accountType: 'atlassian',
    emailAddress: p.email,
    avatarUrls: avatars(accountId),
    displayName: `${p.first} ${p.last}`,
    active: i !== 2,
    timeZone: 'Europe/London',
    locale: 'en_GB',
  };
});
// Sites always list app accounts too (Automation, integrations); they have no email address.
const APP = {
  self: `${SITE}/rest/api/3/user?accountId=557058:f58131cb-b67d-43c7-b30d-6b58d40bd077`,
  accountId: '557058:f58131cb-b67d-43c7-b30d-6b58d40bd077',
  accountType: 'app',
  avatarUrls: avatars('automation'),
  displayName: 'Automation for Jira',
  active: true,
};
const USERS: Array<Record<string, unknown> & { accountId: string }> = [...HUMANS, APP];

const jiraError = (status: number, message: string): ReplayResponse => json(status, { errorMessages: [message], errors: {} });

function authError(req: ReplayRequest): ReplayResponse | undefined {
  if (header(req, 'authorization') === basic(EMAIL, API_TOKEN)) return undefined;
  return jiraError(401, 'Client must be authenticated to access this resource.');
}

/** `GET /rest/api/3/users/search?startAt&maxResults`: a plain array; a page past the end is []. */
function search(url: URL): ReplayResponse {
  const size = pageSize(url.searchParams.get('maxResults'), 1000); // Jira's default is 50
  const startAt = Number(url.searchParams.get('startAt') ?? '0');
  if (size === null || !Number.isInteger(startAt) || startAt < 0) return jiraError(400, 'The request contains invalid parameters.');
  return json(200, USERS.slice(startAt, startAt + size), {
    'x-ratelimit-limit': '350',
    'x-ratelimit-remaining': '349',
    'x-ratelimit-reset': new Date(Date.now() + 60_000).toISOString(),
  });
}

export const replay: CatalogReplay = {
  name: 'jira',
  credentials: { email: EMAIL, api_token: API_TOKEN },
  context: { subdomain: 'acme' },
  totalUsers: USERS.length,
  expectedIds: USERS.map((u) => u.accountId),
  idField: 'accountId',
  handle(req, baseUrl) {
    const refused = authError(req);
    if (refused) return refused;
    const url = requestUrl(req, baseUrl);
    const path = url.pathname;
    if ((path.endsWith('/users/search') || path.endsWith('/users')) && req.method === 'GET') return search(url);
    if (path.endsWith('/user') && req.method === 'GET') {
      const accountId = url.searchParams.get('accountId');
      if (!accountId) return jiraError(400, 'The accountId query parameter needs to be provided.');
      const user = USERS.find((u) => u.accountId === accountId);
      return user ? json(200, { ...user, groups: { size: 1, items: [] }, applicationRoles: { size: 1, items: [] } }) : jiraError(404, 'Specified user does not exist or you do not have required permissions');
    }
    if (path.endsWith('/myself')) return json(200, USERS[0]);
    return jiraError(404, 'Not Found');
  },
};
