import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { json, startUpstream, type Upstream } from '../helpers/upstream.js';

let server: TestServer;
let upstream: Upstream;
beforeAll(async () => {
  server = await startTestServer();
  upstream = await startUpstream((req, res) => {
    if (req.headers.authorization !== 'Bearer raw-secret-token' && req.headers['x-key'] !== 'int-key') return json(res, 401, { error: 'nope' });
    res.setHeader('link', `<${'http://127.0.0.1/next'}>; rel="next"`);
    res.setHeader('set-cookie', 'session=upstream-secret');
    json(res, req.method === 'POST' ? 201 : 200, { method: req.method, url: req.url, body: req.body, type: req.headers['content-type'] ?? null });
  });
});
afterAll(async () => {
  await upstream.close();
  await server.close();
});

describe('/v1/connections/{_id}/proxy/*', () => {
  it('forwards method, path, query and body with the connection\'s auth and answers the upstream as is', async () => {
    const connection = await server.request<{ _id: string }>('POST', '/v1/connections', { type: 'rest', name: 'raw', rest: { baseURI: `${upstream.url}/api`, bearerToken: 'raw-secret-token' } });
    const get = await server.request<Record<string, unknown>>('GET', `/v1/connections/${connection.body._id}/proxy/users/7?expand=roles&x={{y}}`);
    expect(get.status).toBe(200);
    expect(get.body).toMatchObject({ method: 'GET', url: '/api/users/7?expand=roles&x={{y}}' });
    expect(get.headers.get('link')).toContain('rel="next"');
    expect(get.headers.get('set-cookie')).toBeNull();
    expect(get.headers.get('x-switchyard-upstream-status')).toBe('200');

    const post = await server.request<Record<string, unknown>>('POST', `/v1/connections/${connection.body._id}/proxy/users`, undefined, {
      raw: 'name=Ann&role=admin',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(post.status).toBe(201);
    expect(post.body).toMatchObject({ method: 'POST', body: 'name=Ann&role=admin', type: 'application/x-www-form-urlencoded' });
  });

  it('passes an upstream error status through', async () => {
    const connection = await server.request<{ _id: string }>('POST', '/v1/connections', { type: 'rest', name: 'raw bad', rest: { baseURI: upstream.url, bearerToken: 'wrong-token-abcd' } });
    const res = await server.request('GET', `/v1/connections/${connection.body._id}/proxy/anything`);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'nope' });
  });

  it('works for integration connections with the definition\'s auth', async () => {
    const integration = await server.request<{ id: string }>('POST', '/integration', {
      name: 'raw_int',
      category: 'x',
      config: { base_url: `${upstream.url}/v2`, credentials: { format: 'api_key', config: { fields: [{ name: 'key', type: 'password', required: true }] } }, authorization: { format: 'header', config: { headers: { 'X-Key': '{{credentials.key}}' } } } },
    });
    const connection = await server.request<{ _id: string }>('POST', '/v1/connections', { type: 'integration', name: 'raw int', _integrationId: integration.body.id, credentials: { key: 'int-key' } });
    const res = await server.request<Record<string, unknown>>('DELETE', `/v1/connections/${connection.body._id}/proxy/things/1`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ method: 'DELETE', url: '/v2/things/1' });
  });

  it('is team-scoped, refuses writes with a read key, and reports unreachable upstreams', async () => {
    const connection = await server.request<{ _id: string }>('POST', '/v1/connections', { type: 'rest', name: 'raw scoped', rest: { baseURI: upstream.url, bearerToken: 'raw-secret-token' } });
    const { key } = await server.newTeam('raw-other');
    expect((await server.request('GET', `/v1/connections/${connection.body._id}/proxy/x`, undefined, { key })).status).toBe(404);
    const { createApiKey } = await import('../../src/auth/api-keys.js');
    const reader = await createApiKey(server.context.store.db, { teamId: server.team.id, name: 'raw reader', scope: 'read' });
    expect((await server.request('GET', `/v1/connections/${connection.body._id}/proxy/x`, undefined, { key: reader.key })).status).toBe(200);
    expect((await server.request('POST', `/v1/connections/${connection.body._id}/proxy/x`, { a: 1 }, { key: reader.key })).status).toBe(403);
    const blocked = await server.request<{ _id: string }>('POST', '/v1/connections', { type: 'rest', name: 'metadata', rest: { baseURI: 'http://169.254.169.254', bearerToken: 'raw-secret-token' } });
    const res = await server.request<{ error: { code: string } }>('GET', `/v1/connections/${blocked.body._id}/proxy/latest`);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('OUTBOUND_BLOCKED');
  });
});
