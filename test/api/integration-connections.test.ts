import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { json, startUpstream, type Upstream } from '../helpers/upstream.js';

type Wire = Record<string, unknown> & { _id: string; credentials?: Record<string, unknown>; oauth?: { token: Record<string, unknown> } };
type ErrorBody = { error: { code: string; message: string; details: Array<Record<string, unknown>> } };
type Page = { result: Array<{ id: number; name: string }>; next_cursor: string | null; prev_cursor: null; result_count: number };

const API_KEY = 'crm-key-5f4e3d2c1b';
const PEOPLE = Array.from({ length: 7 }, (_, i) => ({ id: i + 1, name: `Person ${i + 1}` }));

let server: TestServer;
let upstream: Upstream;
let integrationId: string;

/** A small CRM: API key in a header, page-numbered lists, a subdomain in the path. */
function crmHandler(): void {
  upstream.handle((req, res) => {
    if (req.headers['x-api-key'] !== API_KEY) return json(res, 401, { error: 'bad key' });
    const url = new URL(req.url, 'http://x');
    if (!url.pathname.startsWith('/acme/')) return json(res, 404, { error: 'unknown tenant' });
    const path = url.pathname.slice('/acme'.length);
    if (path === '/me') return json(res, 200, { ok: true });
    if (path === '/people' && req.method === 'GET') {
      const page = Number(url.searchParams.get('page') ?? 1);
      const size = Number(url.searchParams.get('per_page') ?? 3);
      const status = url.searchParams.get('status');
      const rows = PEOPLE.filter((p) => status === null || (status === 'odd' ? p.id % 2 === 1 : true));
      return json(res, 200, { data: rows.slice((page - 1) * size, page * size) });
    }
    const match = /^\/people\/(\d+)$/.exec(path);
    if (match && req.method === 'GET') return json(res, 200, { data: PEOPLE.find((p) => p.id === Number(match[1])) });
    if (path === '/people' && req.method === 'POST') return json(res, 201, { data: { id: 99, ...(JSON.parse(req.body) as object) } });
    if (match && req.method === 'PATCH') return json(res, 200, { data: { id: Number(match[1]), ...(JSON.parse(req.body) as object) } });
    if (match && req.method === 'DELETE') return json(res, 200, { data: { id: Number(match[1]), deleted: true } });
    if (path === '/people/merge' && req.method === 'POST') return json(res, 200, { data: { merged: JSON.parse(req.body) as unknown } });
    return json(res, 404, { error: 'no route' });
  });
}

beforeAll(async () => {
  server = await startTestServer();
  upstream = await startUpstream();
  crmHandler();
  const created = await server.request<{ id: string }>('POST', '/integration', {
    name: 'tiny_crm',
    category: 'crm',
    config: {
      base_url: `${upstream.url}/{{context.tenant}}`,
      credentials: {
        format: 'api_key',
        config: {
          fields: [
            { name: 'api_key', label: 'API key', type: 'password', required: true },
            { name: 'region', label: 'Region', type: 'single_select', options: ['eu', 'us'], default: 'eu' },
          ],
        },
      },
      authorization: { format: 'header', config: { headers: { 'X-Api-Key': '{{credentials.api_key}}' } } },
      pagination: { format: 'page', config: { page_key: 'page', limit_key: 'per_page', limit: 3 } },
      ping: { path: '/me' },
      resources: {
        people: {
          list: { method: 'get', path: '/people', response_path: 'data', query: { status: '{{query.status}}' } },
          get: { method: 'get', path: '/people/{{id}}', response_path: 'data' },
          create: { method: 'post', path: '/people', response_path: 'data', body: { name: '{{body.name}}', source: 'switchyard' } },
          update: { method: 'patch', path: '/people/{{id}}', response_path: 'data' },
          delete: { method: 'delete', path: '/people/{{id}}', response_path: 'data' },
          merge: { method: 'post', path: '/people/merge', response_path: 'data' },
        },
      },
    },
  });
  expect(created.status).toBe(201);
  integrationId = created.body.id;
});
afterAll(async () => {
  await upstream.close();
  await server.close();
});

async function connect(credentials: Record<string, unknown> = { api_key: API_KEY }): Promise<Wire> {
  const res = await server.request<Wire>('POST', '/v1/connections', { type: 'integration', name: 'Acme CRM', _integrationId: integrationId, credentials, context: { tenant: 'acme' } });
  expect(res.status).toBe(201);
  return res.body;
}

describe('connections of type integration', () => {
  it('creates one with credentials checked against the fields, the password masked, defaults applied', async () => {
    const connection = await connect();
    expect(connection).toMatchObject({ type: 'integration', _integrationId: integrationId, credentialsFormat: 'api_key', credentials: { api_key: '******', region: 'eu' }, context: { tenant: 'acme' } });
    const stored = await server.context.connections.get(server.team.id, connection._id);
    expect(stored.secrets).toEqual({ '/credentials/api_key': API_KEY });
  });

  it('refuses missing, unknown and out-of-options credentials, and a foreign integration id', async () => {
    const missing = await server.request<ErrorBody>('POST', '/v1/connections', { type: 'integration', name: 'x', _integrationId: integrationId, credentials: {} });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details).toContainEqual(expect.objectContaining({ field: 'credentials.api_key', message: expect.stringMatching(/required/) }));
    const unknown = await server.request<ErrorBody>('POST', '/v1/connections', { type: 'integration', name: 'x', _integrationId: integrationId, credentials: { api_key: 'k', token: 't' } });
    expect(unknown.body.error.details).toContainEqual(expect.objectContaining({ field: 'credentials.token' }));
    const option = await server.request<ErrorBody>('POST', '/v1/connections', { type: 'integration', name: 'x', _integrationId: integrationId, credentials: { api_key: 'k', region: 'mars' } });
    expect(option.body.error.details).toContainEqual(expect.objectContaining({ field: 'credentials.region', message: 'must be one of "eu", "us"' }));
    const { key } = await server.newTeam('crm-other');
    const foreign = await server.request<ErrorBody>('POST', '/v1/connections', { type: 'integration', name: 'x', _integrationId: integrationId, credentials: { api_key: 'k' } }, { key });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.details).toContainEqual(expect.objectContaining({ field: '_integrationId' }));
    const mixed = await server.request<ErrorBody>('POST', '/v1/connections', { type: 'rest', name: 'x', rest: { baseURI: 'https://x.test' }, credentials: { a: 'b' } });
    expect(mixed.body.error.details).toContainEqual(expect.objectContaining({ field: 'credentials', message: 'is only allowed on a connection of type "integration"' }));
  });

  it('pings through the definition, and reports a bad key as the remote 401', async () => {
    const good = await connect();
    expect((await server.request('GET', `/v1/connections/${good._id}/ping`)).body).toEqual({ code: 200 });
    const bad = await connect({ api_key: 'wrong-key-1234' });
    const res = await server.request<{ errors: Array<{ code: string; message: string }> }>('GET', `/v1/connections/${bad._id}/ping`);
    expect(res.status).toBe(502);
    expect(res.body.errors[0]).toMatchObject({ code: '401', message: expect.stringContaining('credentials') });
    const virtual = await server.request('POST', '/v1/connections/ping', { type: 'integration', name: 'v', _integrationId: integrationId, credentials: { api_key: API_KEY }, context: { tenant: 'acme' } });
    expect(virtual.body).toEqual({ code: 200 });
  });

  it('keeps the stored secret when PUT sends it masked', async () => {
    const connection = await connect();
    const put = await server.request<Wire>('PUT', `/v1/connections/${connection._id}`, { ...connection, name: 'Renamed CRM' });
    expect(put.status).toBe(200);
    expect((await server.request('GET', `/v1/connections/${connection._id}/ping`)).status).toBe(200);
  });

  it('refuses deleting the integration while a connection uses it (409 naming it)', async () => {
    const res = await server.request<ErrorBody>('DELETE', `/integration/${integrationId}`);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('INTEGRATION_IN_USE');
    expect(res.body.error.message).toContain('Acme CRM');
  });
});

describe('/proxy/{resource}', () => {
  it('lists page by page with an opaque next_cursor until every record was served once', async () => {
    const connection = await connect();
    const ids: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { status: number; body: Page } = await server.request<Page>('GET', `/proxy/people?integrated_account_id=${connection._id}${cursor ? `&next_cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.status).toBe(200);
      expect(res.body.result_count).toBe(res.body.result.length);
      expect(res.body.prev_cursor).toBeNull();
      ids.push(...res.body.result.map((p) => p.id));
      cursor = res.body.next_cursor;
      pages++;
    } while (cursor && pages < 10);
    expect(ids).toEqual(PEOPLE.map((p) => p.id));
  });

  it('passes other query parameters to the method and keeps them across cursors', async () => {
    const connection = await connect();
    const first = await server.request<Page>('GET', `/proxy/people?integrated_account_id=${connection._id}&status=odd&limit=2`);
    expect(first.body.result.map((p) => p.id)).toEqual([1, 3]);
    const second = await server.request<Page>('GET', `/proxy/people?integrated_account_id=${connection._id}&next_cursor=${encodeURIComponent(first.body.next_cursor ?? '')}`);
    expect(second.body.result.map((p) => p.id)).toEqual([5, 7]);
  });

  it('refuses a tampered or foreign cursor', async () => {
    const connection = await connect();
    const other = await connect();
    const first = await server.request<Page>('GET', `/proxy/people?integrated_account_id=${connection._id}`);
    const cursor = first.body.next_cursor ?? '';
    const tampered = await server.request<ErrorBody>('GET', `/proxy/people?integrated_account_id=${connection._id}&next_cursor=${encodeURIComponent(`x${cursor}`)}`);
    expect(tampered.status).toBe(400);
    expect(tampered.body.error.code).toBe('INVALID_CURSOR');
    const foreign = await server.request<ErrorBody>('GET', `/proxy/people?integrated_account_id=${other._id}&next_cursor=${encodeURIComponent(cursor)}`);
    expect(foreign.status).toBe(400);
  });

  it('gets, creates, updates, deletes and runs custom methods', async () => {
    const connection = await connect();
    const q = `integrated_account_id=${connection._id}`;
    expect((await server.request('GET', `/proxy/people/3?${q}`)).body).toEqual({ id: 3, name: 'Person 3' });
    expect((await server.request('POST', `/proxy/people?${q}`, { name: 'New' })).body).toEqual({ id: 99, name: 'New', source: 'switchyard' });
    expect((await server.request('PATCH', `/proxy/people/4?${q}`, { name: 'Four' })).body).toEqual({ id: 4, name: 'Four' });
    expect((await server.request('DELETE', `/proxy/people/4?${q}`)).body).toEqual({ id: 4, deleted: true });
    expect((await server.request('POST', `/proxy/people/merge?${q}`, { ids: [1, 2] })).body).toEqual({ merged: { ids: [1, 2] } });
  });

  it('answers clear errors: unknown resource 404, upstream error 502, another team 404, not an integration 400', async () => {
    const connection = await connect();
    const unknown = await server.request<ErrorBody>('GET', `/proxy/invoices?integrated_account_id=${connection._id}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toContain('people');
    const upstreamError = await server.request<ErrorBody>('GET', `/proxy/people/1000?integrated_account_id=${connection._id}`);
    expect(upstreamError.status).toBe(200); // the CRM answers {data: undefined} for a missing id → no record
    const { key } = await server.newTeam('proxy-thief');
    const thief = await server.request<ErrorBody>('GET', `/proxy/people?integrated_account_id=${connection._id}`, undefined, { key });
    expect(thief.status).toBe(404);
    const rest = await server.request<{ _id: string }>('POST', '/v1/connections', { type: 'rest', name: 'r', rest: { baseURI: upstream.url } });
    const notIntegration = await server.request<ErrorBody>('GET', `/proxy/people?integrated_account_id=${rest.body._id}`);
    expect(notIntegration.status).toBe(400);
    expect(notIntegration.body.error.code).toBe('NOT_AN_INTEGRATION_CONNECTION');
    const bad = await connect({ api_key: 'wrong-key-9876' });
    const unauthorized = await server.request<ErrorBody>('GET', `/proxy/people?integrated_account_id=${bad._id}`);
    expect(unauthorized.status).toBe(502);
    expect(unauthorized.body.error.details[0]).toMatchObject({ status: 401 });
    expect(unauthorized.text).not.toContain('wrong-key-9876');
  });
});
