import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

describe('system routes', () => {
  it('GET /health needs no key and reports the store', async () => {
    const res = await server.request('GET', '/health', undefined, { key: null });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', store: server.storeEnv.kind, version: expect.any(String) });
  });

  it('serves an OpenAPI 3.1 document generated from the route schemas', async () => {
    const res = await server.request<{ openapi: string; paths: Record<string, Record<string, unknown>>; components: Record<string, unknown> }>('GET', '/openapi.json', undefined, { key: null });
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    const paths = Object.keys(res.body.paths);
    for (const path of [
      '/v1/connections',
      '/v1/connections/ping',
      '/v1/connections/{_id}',
      '/v1/connections/{_id}/ping',
      '/v1/connections/{_id}/debug',
      '/v1/connections/{_id}/debug/{_resourceId}',
      '/v1/connections/{_id}/audit',
      '/v1/connections/{_id}/dependencies',
    ]) {
      expect(paths, path).toContain(path);
    }
    expect(Object.keys(res.body.paths['/v1/connections/{_id}'] ?? {}).sort()).toEqual(['delete', 'get', 'patch', 'put']);
    const post = res.body.paths['/v1/connections']?.post as { requestBody: { content: Record<string, { schema: { properties: Record<string, unknown> } }> } };
    expect(Object.keys(post.requestBody.content['application/json']?.schema.properties ?? {})).toEqual(expect.arrayContaining(['type', 'name', 'rest', 'http']));
  });

  it('serves the interactive reference at /docs', async () => {
    const res = await fetch(`${server.url}/docs/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const html = await res.text();
    expect(html).toContain('/openapi.json');
    const script = /src="([^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const js = await fetch(new URL(script ?? '', `${server.url}/docs/`));
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect(Number(js.headers.get('content-length'))).toBe((await js.arrayBuffer()).byteLength);
  });

  it('redirects /docs to /docs/ (Scalar is loaded at the first request, its answers are passed on)', async () => {
    const res = await fetch(`${server.url}/docs`, { redirect: 'manual' });
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe('/docs/');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('sends security headers', async () => {
    const res = await server.request('GET', '/health', undefined, { key: null });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });
});
