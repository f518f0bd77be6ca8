import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { json, startUpstream, type Upstream } from '../helpers/upstream.js';

type PagedState = { searchId: string; pageIndex: number; pageSize: number; totalPages?: number; totalRecords?: number; done: boolean; issuedAt: number; sig: string };
type PageBody = { data: Array<{ id: number }>; dataURIs: null[]; pagedExportState: PagedState };
type ErrorBody = { error: { code: string; message: string; details: Array<Record<string, unknown>> } };

const TOTAL = 23;
let server: TestServer;
let upstream: Upstream;
let connectionId: string;

beforeAll(async () => {
  server = await startTestServer();
  upstream = await startUpstream((req, res) => {
    if (req.headers.authorization !== 'Bearer export-token-1') return json(res, 401, { error: 'nope' });
    const url = new URL(req.url, 'http://x');
    // Upstream pages of 7, whatever is asked: they never line up with the client's pageSize of 5.
    const page = Number(url.searchParams.get('page') ?? 1);
    const size = url.pathname === '/big' ? 1000 : 7;
    const total = url.pathname === '/big' ? 10_001 : TOTAL;
    const items = Array.from({ length: Math.max(0, Math.min(size, total - (page - 1) * size)) }, (_, i) => ({ id: (page - 1) * size + i + 1 }));
    json(res, 200, { items, total });
  });
  const created = await server.request<{ _id: string }>('POST', '/v1/connections', { type: 'http', name: 'export source', http: { baseURI: upstream.url, auth: { type: 'token', token: { token: 'export-token-1' } } } });
  connectionId = created.body._id;
});
afterAll(async () => {
  await upstream.close();
  await server.close();
});

const httpExport = (path = '/items') => ({
  pageSize: 5,
  http: { relativeURI: `${path}?page={{export.http.paging.page}}`, method: 'GET', paging: { method: 'page', maxCountPath: 'total' }, response: { resourcePath: 'items' } },
});

describe('POST /v1/connections/{_id}/export/pages', () => {
  it('serves pageSize records per call across mismatched upstream pages until done, each exactly once', async () => {
    const ids: number[] = [];
    let state: PagedState | undefined;
    let calls = 0;
    do {
      const res: { status: number; body: PageBody; text: string } = await server.request<PageBody>('POST', `/v1/connections/${connectionId}/export/pages`, { export: httpExport(), ...(state ? { pagedExportState: state } : {}) });
      expect(res.status, res.text).toBe(200);
      expect(res.body.dataURIs).toEqual(res.body.data.map(() => null));
      ids.push(...res.body.data.map((r) => r.id));
      state = res.body.pagedExportState;
      calls++;
      expect(state).toMatchObject({ pageIndex: calls, pageSize: 5, totalRecords: TOTAL, totalPages: 5, sig: expect.stringMatching(/^[0-9a-f]{64}$/) });
      if (!state.done) expect(res.body.data).toHaveLength(5);
    } while (!state.done && calls < 20);
    expect(ids).toEqual(Array.from({ length: TOTAL }, (_, i) => i + 1));
    expect(calls).toBe(5);
    // searchId is sealed: it reveals neither the connection nor the upstream position.
    expect(state?.searchId).not.toContain(Buffer.from(connectionId).toString('base64url').slice(0, 10));
    expect(() => JSON.parse(Buffer.from(state?.searchId ?? '', 'base64url').toString())).toThrow();
  });

  it('refuses a tampered, foreign or different-export state with 400 naming why', async () => {
    const first = await server.request<PageBody>('POST', `/v1/connections/${connectionId}/export/pages`, { export: httpExport() });
    const state = first.body.pagedExportState;
    const tampered = await server.request<ErrorBody>('POST', `/v1/connections/${connectionId}/export/pages`, { export: httpExport(), pagedExportState: { ...state, pageIndex: 7 } });
    expect(tampered.status).toBe(400);
    expect(tampered.body.error).toMatchObject({ code: 'PAGED_STATE_INVALID', message: expect.stringContaining('changed') });
    const other = await server.request<{ _id: string }>('POST', '/v1/connections', { type: 'http', name: 'other', http: { baseURI: upstream.url } });
    const foreign = await server.request<ErrorBody>('POST', `/v1/connections/${other.body._id}/export/pages`, { export: httpExport(), pagedExportState: state });
    expect(foreign.body.error.message).toContain('another connection');
    const different = await server.request<ErrorBody>('POST', `/v1/connections/${connectionId}/export/pages`, { export: httpExport('/other'), pagedExportState: state });
    expect(different.body.error.message).toContain('different export');
    const { key } = await server.newTeam('export-thief');
    expect((await server.request('POST', `/v1/connections/${connectionId}/export/pages`, { export: httpExport(), pagedExportState: state }, { key })).status).toBe(404);
  });
});

describe('POST /v1/connections/{_id}/export', () => {
  it('answers every record', async () => {
    const res = await server.request<{ data: Array<{ id: number }> }>('POST', `/v1/connections/${connectionId}/export`, { export: httpExport() });
    expect(res.status, res.text).toBe(200);
    expect(res.body.data.map((r) => r.id)).toEqual(Array.from({ length: TOTAL }, (_, i) => i + 1));
  });

  it('reads only test.limit records for a test export', async () => {
    const res = await server.request<{ data: unknown[] }>('POST', `/v1/connections/${connectionId}/export`, { export: { ...httpExport(), type: 'test', test: { limit: 3 } } });
    expect(res.body.data).toHaveLength(3);
  });

  it('answers 413 pointing to the paged form beyond the maximum', async () => {
    const res = await server.request<ErrorBody>('POST', `/v1/connections/${connectionId}/export`, { export: httpExport('/big') });
    expect(res.status).toBe(413);
    expect(res.body.error.message).toContain('/export/pages');
  });

  it("refuses the seed's NetSuite export with a clear message", async () => {
    const res = await server.request<ErrorBody>('POST', `/v1/connections/${connectionId}/export/pages`, {
      export: { asynchronous: true, pageSize: 5, netsuite: { type: 'search', searches: [{ recordType: 'customRecord', savedSearchId: '123456' }], skipGrouping: true } },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('NetSuite exports are not supported');
  });

  it('reports the upstream failure with its status', async () => {
    const bad = await server.request<{ _id: string }>('POST', '/v1/connections', { type: 'http', name: 'bad token', http: { baseURI: upstream.url, auth: { type: 'token', token: { token: 'wrong' } } } });
    const res = await server.request<ErrorBody>('POST', `/v1/connections/${bad.body._id}/export`, { export: httpExport() });
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('UPSTREAM_ERROR');
  });

  it('exports through an integration resource', async () => {
    const integration = await server.request<{ id: string }>('POST', '/integration', {
      name: 'export_int',
      category: 'x',
      config: {
        base_url: upstream.url,
        authorization: { format: 'bearer', config: { token: 'export-token-1' } },
        pagination: { format: 'page', config: { page_key: 'page' } },
        resources: { items: { list: { method: 'get', path: '/items', response_path: 'items' } } },
      },
    });
    const connection = await server.request<{ _id: string }>('POST', '/v1/connections', { type: 'integration', name: 'int export', _integrationId: integration.body.id });
    const all = await server.request<{ data: Array<{ id: number }> }>('POST', `/v1/connections/${connection.body._id}/export`, { export: { resource: 'items', method: 'list' } });
    expect(all.status, all.text).toBe(200);
    expect(all.body.data.map((r) => r.id)).toEqual(Array.from({ length: TOTAL }, (_, i) => i + 1));
    const ids: number[] = [];
    let state: PagedState | undefined;
    for (let i = 0; i < 10; i++) {
      const res: { body: PageBody } = await server.request<PageBody>('POST', `/v1/connections/${connection.body._id}/export/pages`, { export: { resource: 'items', pageSize: 4 }, ...(state ? { pagedExportState: state } : {}) });
      ids.push(...res.body.data.map((r) => r.id));
      state = res.body.pagedExportState;
      if (state.done) break;
    }
    expect(ids).toEqual(Array.from({ length: TOTAL }, (_, i) => i + 1));
  });
});
