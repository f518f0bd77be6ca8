import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anHttpConnection } from '../helpers/builders.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { json, startUpstream, type Upstream } from '../helpers/upstream.js';

type Wire = { _id: string; offline: boolean; lastPing: { at: string; ok: boolean; code: string | null } | null };

let server: TestServer;
let upstream: Upstream;
beforeAll(async () => {
  server = await startTestServer();
  upstream = await startUpstream();
});
afterAll(async () => {
  await upstream.close();
  await server.close();
});

describe('lastPing on a connection', () => {
  it('is null until a ping, then records when and how each ping went', async () => {
    const created = await server.request<Wire>('POST', '/v1/connections', anHttpConnection({ baseURI: upstream.url }));
    expect(created.status).toBe(201);
    expect(created.body.lastPing).toBeNull();
    const id = created.body._id;

    upstream.handle((_req, res) => json(res, 401, { error: 'nope' }));
    const failed = await server.request('GET', `/v1/connections/${id}/ping`);
    expect(failed.status).toBe(502);
    const afterFail = await server.request<Wire>('GET', `/v1/connections/${id}`);
    expect(afterFail.body.offline).toBe(true);
    expect(afterFail.body.lastPing).toMatchObject({ ok: false, code: '401' });
    expect(Date.parse(afterFail.body.lastPing?.at ?? '')).not.toBeNaN();

    upstream.handle((_req, res) => json(res, 200, { ok: true }));
    expect((await server.request('GET', `/v1/connections/${id}/ping`)).status).toBe(200);
    const list = await server.request<Wire[]>('GET', '/v1/connections');
    const listed = list.body.find((c) => c._id === id);
    expect(listed?.offline).toBe(false);
    expect(listed?.lastPing).toMatchObject({ ok: true, code: null });
    expect(Date.parse(listed?.lastPing?.at ?? '') >= Date.parse(afterFail.body.lastPing?.at ?? '')).toBe(true);
  });

  it('is read-only: a GET body sent back to PUT keeps it, and PATCH refuses it', async () => {
    const created = await server.request<Wire>('POST', '/v1/connections', anHttpConnection({ baseURI: upstream.url }));
    const id = created.body._id;
    await server.request('GET', `/v1/connections/${id}/ping`);
    const current = await server.request<Wire>('GET', `/v1/connections/${id}`);
    const put = await server.request<Wire>('PUT', `/v1/connections/${id}`, { ...current.body, lastPing: null });
    expect(put.status).toBe(200);
    expect(put.body.lastPing).toEqual(current.body.lastPing);
    const patch = await server.request<{ error: { code: string } }>('PATCH', `/v1/connections/${id}`, [{ op: 'replace', path: '/lastPing', value: null }]);
    expect(patch.status).toBe(422);
    expect(patch.body.error.code).toBe('PATCH_READ_ONLY_FIELD');
  });
});
