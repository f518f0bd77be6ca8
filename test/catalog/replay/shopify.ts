import { PEOPLE, header, json, linkHeader, pageSize, readToken, requestUrl, token } from './helpers.js';
import type { CatalogReplay, ReplayRequest, ReplayResponse } from './types.js';

const ACCESS_TOKEN = 'shpat_REPLAY0123456789abcdef01234567';
const SHOP = 'acme-store';

const CUSTOMERS = PEOPLE.map((p, i) => ({
  id: 207_119_551 + i * 1_021,
  email: p.email,
  created_at: '2024-01-15T10:00:00-05:00',
  updated_at: '2024-05-20T10:00:00-04:00',
  first_name: p.first,
  last_name: p.last,
  state: i === 3 ? 'invited' : 'enabled',
  note: null,
  verified_email: true,
  multipass_identifier: null,
  tax_exempt: false,
  tags: i === 0 ? 'vip' : '',
  currency: 'USD',
  phone: null,
  admin_graphql_api_id: `gid://shopify/Customer/${207_119_551 + i * 1_021}`,
}));

function authError(req: ReplayRequest): ReplayResponse | undefined {
  if (header(req, 'x-shopify-access-token') === ACCESS_TOKEN) return undefined;
  return json(401, { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' });
}

// Shopify's leaky-bucket budget, reported on every Admin REST response.
const callLimit = { 'x-shopify-shop-api-call-limit': '1/40' };

/**
 * `GET /admin/api/{version}/customers.json?limit&page_info`: `{customers}` plus a Link header with
 * `rel="previous"` and/or `rel="next"` whose page_info is opaque. With page_info, only limit and
 * fields may be sent: anything else is refused, so the next link must be followed as given.
 */
function list(url: URL, origin: string): ReplayResponse {
  const size = pageSize(url.searchParams.get('limit'), 250); // Shopify's default is 50
  if (size === null) return json(400, { errors: { limit: ['must be a positive integer'] } });
  const pageInfo = url.searchParams.get('page_info');
  let start = 0;
  if (pageInfo !== null) {
    const extra = [...url.searchParams.keys()].filter((key) => !['page_info', 'limit', 'fields'].includes(key));
    if (extra.length > 0) return json(400, { errors: { page_info: [`cannot be combined with ${extra.join(', ')}`] } });
    const decoded = readToken('shopify-customers', pageInfo);
    if (decoded === null) return json(400, { errors: { page_info: ['Invalid value.'] } });
    start = decoded;
  }
  const link = (position: number) => {
    const next = new URL(`${origin}${url.pathname}`);
    next.searchParams.set('limit', String(size));
    const fields = url.searchParams.get('fields');
    if (fields !== null) next.searchParams.set('fields', fields);
    next.searchParams.set('page_info', token('shopify-customers', position));
    return next.href;
  };
  const links: Array<[string, string]> = [];
  if (start > 0) links.push([link(Math.max(0, start - size)), 'previous']);
  if (start + size < CUSTOMERS.length) links.push([link(start + size), 'next']);
  return json(200, { customers: CUSTOMERS.slice(start, start + size) }, { ...callLimit, ...(links.length > 0 ? { link: linkHeader(links) } : {}) });
}

export const replay: CatalogReplay = {
  name: 'shopify',
  credentialsFormat: 'api_key',
  credentials: { access_token: ACCESS_TOKEN },
  context: { shop: SHOP },
  totalUsers: CUSTOMERS.length,
  expectedIds: CUSTOMERS.map((c) => String(c.id)),
  handle(req, baseUrl) {
    const refused = authError(req);
    if (refused) return refused;
    const url = requestUrl(req, baseUrl);
    const path = url.pathname;
    if (path.endsWith('/customers.json') && req.method === 'GET') return list(url, new URL(baseUrl).origin);
    const byId = /\/customers\/(\d+)\.json$/.exec(path);
    if (byId && req.method === 'GET') {
      const customer = CUSTOMERS.find((c) => String(c.id) === byId[1]);
      return customer ? json(200, { customer }, callLimit) : json(404, { errors: 'Not Found' });
    }
    if (path.endsWith('/shop.json')) {
      return json(200, { shop: { id: 548_380_009, name: 'Acme Store', email: 'owner@acme.example', domain: 'shop.acme.example', myshopify_domain: `${SHOP}.myshopify.com`, plan_name: 'shopify_plus', currency: 'USD' } }, callLimit);
    }
    return json(404, { errors: 'Not Found' });
  },
};
