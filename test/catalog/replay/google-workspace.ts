import { PEOPLE, header, json, pageSize, readToken, requestUrl, token } from './helpers.js';
import type { CatalogReplay, ReplayRequest, ReplayResponse } from './types.js';

const ACCESS_TOKEN = 'ya29.a0REPLAYAcme0123456789-abcdefghijklmnopqrstuvwxyzABCDEFG0171';
const CUSTOMER_ID = 'C03az79cb';

// Ordered by primaryEmail, which is what the definition asks for (orderBy=email).
const USERS = [...PEOPLE]
  .sort((a, b) => a.email.localeCompare(b.email))
  .map((p, i) => ({
    kind: 'admin#directory#user',
    id: String(107_329_541_223_948_573_902n + BigInt(i * 7_723_117)),
    etag: `"replay-etag-${i}"`,
    primaryEmail: p.email,
    name: { givenName: p.first, familyName: p.last, fullName: `${p.first} ${p.last}` },
    isAdmin: i === 0,
    isDelegatedAdmin: false,
    lastLoginTime: '2024-05-20T08:00:00.000Z',
    creationTime: '2021-09-01T12:00:00.000Z',
    agreedToTerms: true,
    suspended: i === 5,
    archived: false,
    changePasswordAtNextLogin: false,
    ipWhitelisted: false,
    emails: [{ address: p.email, primary: true }],
    customerId: CUSTOMER_ID,
    orgUnitPath: '/',
    isMailboxSetup: true,
    isEnrolledIn2Sv: i !== 3,
    isEnforcedIn2Sv: false,
    includeInGlobalAddressList: true,
  }));

const googleError = (code: number, message: string, reason: string, status: string, extra: Record<string, unknown> = {}): ReplayResponse =>
  json(code, { error: { code, message, errors: [{ message, domain: 'global', reason, ...extra }], status } });

function authError(req: ReplayRequest): ReplayResponse | undefined {
  const auth = header(req, 'authorization');
  if (auth === `Bearer ${ACCESS_TOKEN}`) return undefined;
  if (auth === undefined) {
    return googleError(401, 'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential.', 'required', 'UNAUTHENTICATED', { location: 'Authorization', locationType: 'header' });
  }
  return googleError(401, 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.', 'authError', 'UNAUTHENTICATED', { location: 'Authorization', locationType: 'header' });
}

/** `GET /admin/directory/v1/users?customer&maxResults&pageToken`: `{kind, etag, users, nextPageToken?}`. */
function list(url: URL): ReplayResponse {
  const customer = url.searchParams.get('customer');
  const domain = url.searchParams.get('domain');
  if (customer === null && domain === null) return googleError(400, 'Bad Request', 'badRequest', 'INVALID_ARGUMENT');
  if (customer !== null && customer !== 'my_customer' && customer !== CUSTOMER_ID) return googleError(404, 'Resource Not Found: customer', 'notFound', 'NOT_FOUND');
  const size = pageSize(url.searchParams.get('maxResults'), 500); // Google's default is 100
  if (size === null) return googleError(400, 'Invalid value for: maxResults', 'invalid', 'INVALID_ARGUMENT');
  const pageToken = url.searchParams.get('pageToken');
  const start = pageToken === null ? 0 : readToken('directory-users', pageToken);
  if (start === null) return googleError(400, 'Invalid Input: pageToken', 'invalid', 'INVALID_ARGUMENT');
  const body: Record<string, unknown> = { kind: 'admin#directory#users', etag: '"replay-list-etag"', users: USERS.slice(start, start + size) };
  if (start + size < USERS.length) body.nextPageToken = token('directory-users', start + size);
  return json(200, body);
}

export const replay: CatalogReplay = {
  name: 'google-workspace',
  credentials: { client_id: '123456789012-replay0abcdefghijklmnop.apps.googleusercontent.com', client_secret: 'GOCSPX-REPLAYclientSecret0123' },
  context: {},
  oauthToken: { access_token: ACCESS_TOKEN },
  totalUsers: USERS.length,
  expectedIds: USERS.map((u) => u.id),
  handle(req, baseUrl) {
    const refused = authError(req);
    if (refused) return refused;
    const url = requestUrl(req, baseUrl);
    const path = url.pathname;
    if (path.endsWith('/admin/directory/v1/users') && req.method === 'GET') return list(url);
    const byKey = /\/admin\/directory\/v1\/users\/([^/]+)$/.exec(path);
    if (byKey && req.method === 'GET') {
      const key = decodeURIComponent(byKey[1] ?? '');
      const user = USERS.find((u) => u.id === key || u.primaryEmail === key);
      return user ? json(200, user) : googleError(404, 'Resource Not Found: userKey', 'notFound', 'NOT_FOUND');
    }
    return googleError(404, 'Not Found', 'notFound', 'NOT_FOUND');
  },
};
