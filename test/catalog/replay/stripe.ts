import { PEOPLE, basic, header, json, requestUrl } from './helpers.js';
import type { CatalogReplay, ReplayRequest, ReplayResponse } from './types.js';

const SECRET_KEY = 'sk_test_51REPLAYa1b2c3d4e5f6g7h8i9j0KlMnOpQrStUvWxYz0123456789';

// Newest first, as Stripe lists.
const CUSTOMERS = PEOPLE.map((p, i) => ({
  id: `cus_Q${(917_000_000 + i * 104_729).toString(36)}Rpl${i}`,
  object: 'customer',
  address: null,
  balance: 0,
  created: 1_717_000_000 - i * 86_400,
  currency: 'usd',
  default_source: null,
  delinquent: false,
  description: null,
  email: p.email,
  invoice_prefix: `A${i}C0FFEE`,
  livemode: false,
  metadata: {},
  name: `${p.first} ${p.last}`,
  phone: null,
  preferred_locales: [],
}));

const invalid = (message: string, extra: Record<string, unknown> = {}): ReplayResponse =>
  json(400, { error: { message, type: 'invalid_request_error', ...extra } }, { 'request-id': 'req_replay400' });

// Stripe takes the key as a bearer token or as the basic-auth user name with an empty password.
function authError(req: ReplayRequest): ReplayResponse | undefined {
  const auth = header(req, 'authorization');
  if (auth === `Bearer ${SECRET_KEY}` || auth === basic(SECRET_KEY, '')) return undefined;
  if (auth === undefined) {
    return json(401, {
      error: {
        message:
          "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
        type: 'invalid_request_error',
      },
    });
  }
  return json(401, { error: { message: 'Invalid API Key provided: sk_test_****', type: 'invalid_request_error' } });
}

/** `GET /v1/customers?limit&starting_after|ending_before`: `{object: list, data, has_more, url}`. */
function list(url: URL): ReplayResponse {
  const rawLimit = url.searchParams.get('limit');
  const limit = rawLimit === null ? 3 : Number(rawLimit); // Stripe's default is 10; the replay pages by 3
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    return invalid('This value must be less than or equal to 100 (it currently is 101).', { code: 'parameter_invalid_integer', param: 'limit' });
  }
  const after = url.searchParams.get('starting_after');
  const before = url.searchParams.get('ending_before');
  let start = 0;
  let end = CUSTOMERS.length;
  if (after !== null) {
    const index = CUSTOMERS.findIndex((c) => c.id === after);
    if (index < 0) return invalid(`No such customer: '${after}'`, { code: 'resource_missing', param: 'starting_after' });
    start = index + 1;
  } else if (before !== null) {
    const index = CUSTOMERS.findIndex((c) => c.id === before);
    if (index < 0) return invalid(`No such customer: '${before}'`, { code: 'resource_missing', param: 'ending_before' });
    end = index;
    start = Math.max(0, end - limit);
  }
  const data = CUSTOMERS.slice(start, Math.min(end, start + limit));
  const hasMore = before !== null ? start > 0 : start + limit < end;
  return json(200, { object: 'list', data, has_more: hasMore, url: '/v1/customers' }, { 'request-id': 'req_replay200' });
}

export const replay: CatalogReplay = {
  name: 'stripe',
  credentials: { secret_key: SECRET_KEY },
  context: {},
  totalUsers: CUSTOMERS.length,
  expectedIds: CUSTOMERS.map((c) => c.id),
  handle(req, baseUrl) {
    const refused = authError(req);
    if (refused) return refused;
    const url = requestUrl(req, baseUrl);
    if (url.pathname.endsWith('/customers') && req.method === 'GET') return list(url);
    const byId = /\/customers\/([^/]+)$/.exec(url.pathname);
    if (byId && req.method === 'GET') {
      const customer = CUSTOMERS.find((c) => c.id === byId[1]);
      return customer ? json(200, customer) : json(404, { error: { code: 'resource_missing', message: `No such customer: '${byId[1]}'`, param: 'id', type: 'invalid_request_error' } });
    }
    return json(404, { error: { message: `Unrecognized request URL (${req.method}: ${url.pathname}).`, type: 'invalid_request_error' } });
  },
};
