import { PEOPLE, header, json, requestUrl } from './helpers.js';
import type { CatalogReplay, ReplayRequest, ReplayResponse } from './types.js';

const ACCESS_TOKEN = '00D5g00000REPLAY!AQ8AQJ3mZ.replayAccessToken_0123456789abcdefghij';
const INSTANCE_URL = 'https://acme.my.salesforce.com';
// A query locator is per query; batches are "<locator>-<offset>", as Salesforce writes them.
const LOCATOR = '01gRO00000Q7rplAAB';

const USERS = PEOPLE.map((p, i) => {
  const id = `0055g00000ReP${String(i).padStart(2, '0')}AAB`.slice(0, 18);
  return {
    attributes: { type: 'User', url: `/services/data/v60.0/sobjects/User/${id}` },
    Id: id,
    Username: `${p.login}@acme.example.com`,
    Name: `${p.first} ${p.last}`,
    Email: p.email,
    IsActive: i !== 5,
    UserType: 'Standard',
    LastLoginDate: i === 6 ? null : `2024-05-${String(10 + i).padStart(2, '0')}T08:30:00.000+0000`,
  };
});

const sfError = (status: number, errorCode: string, message: string): ReplayResponse => json(status, [{ message, errorCode }]);

// Salesforce accepts the session as `Bearer` or the older `OAuth` scheme.
function authError(req: ReplayRequest): ReplayResponse | undefined {
  const auth = header(req, 'authorization');
  if (auth === `Bearer ${ACCESS_TOKEN}` || auth === `OAuth ${ACCESS_TOKEN}`) return undefined;
  return sfError(401, 'INVALID_SESSION_ID', 'Session expired or invalid');
}

/**
 * Batch size comes from the `Sforce-Query-Options: batchSize=n` header (200–2000), not from a query
 * parameter; without it the replay serves batches of 3 (Salesforce: 2000).
 */
function batchSize(req: ReplayRequest): number {
  const match = /batchSize=(\d+)/i.exec(header(req, 'sforce-query-options') ?? '');
  return match ? Math.min(2000, Math.max(200, Number(match[1]))) : 3;
}

/** One batch from `offset`: `{totalSize, done, nextRecordsUrl?, records}`; nextRecordsUrl is root-relative. */
function batch(req: ReplayRequest, prefix: string, offset: number): ReplayResponse {
  const size = batchSize(req);
  const records = USERS.slice(offset, offset + size);
  const done = offset + size >= USERS.length;
  const body: Record<string, unknown> = { totalSize: USERS.length, done, records };
  if (!done) body.nextRecordsUrl = `${prefix}/query/${LOCATOR}-${offset + size}`;
  return json(200, body, { 'sforce-limit-info': 'api-usage=13/15000' });
}

export const replay: CatalogReplay = {
  name: 'salesforce',
  credentials: { client_id: '3MVG9REPLAYconsumerKey.0123456789abcdefghijklmnopqrstuvwxyz', client_secret: 'REPLAY0123456789CONSUMERSECRET' },
  context: { instance_url: INSTANCE_URL },
  oauthToken: { access_token: ACCESS_TOKEN, instance_url: INSTANCE_URL },
  totalUsers: USERS.length,
  expectedIds: USERS.map((u) => u.Id),
  idField: 'Id',
  handle(req, baseUrl) {
    const refused = authError(req);
    if (refused) return refused;
    const url = requestUrl(req, baseUrl);
    const path = url.pathname;
    if (path.endsWith('/query') && req.method === 'GET') {
      const soql = url.searchParams.get('q') ?? '';
      if (!/^\s*select\s.+\sfrom\s+user\b/i.test(soql)) return sfError(400, 'MALFORMED_QUERY', `unexpected token in query: ${soql.slice(0, 40)}`);
      return batch(req, path.slice(0, -'/query'.length), 0);
    }
    const more = /\/query\/([A-Za-z0-9]+)-(\d+)$/.exec(path);
    if (more && req.method === 'GET') {
      if (more[1] !== LOCATOR) return sfError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
      return batch(req, path.slice(0, more.index), Number(more[2]));
    }
    const byId = /\/sobjects\/User\/([A-Za-z0-9]{15,18})$/.exec(path);
    if (byId && req.method === 'GET') {
      const user = USERS.find((u) => u.Id === byId[1]);
      return user ? json(200, { ...user, FirstName: user.Name.split(' ')[0], LastName: user.Name.split(' ')[1] }) : sfError(404, 'NOT_FOUND', 'The requested resource does not exist');
    }
    if (path.endsWith('/limits')) return json(200, { DailyApiRequests: { Max: 15000, Remaining: 14987 }, ConcurrentAsyncGetReportInstances: { Max: 200, Remaining: 200 } });
    return sfError(404, 'NOT_FOUND', 'The requested resource does not exist');
  },
};
