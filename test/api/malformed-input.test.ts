import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from '../helpers/raw-http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

// Regressions found by the HTTP fuzzer (test/fuzz/http.fuzz.ts): broken multipart bodies on the
// one-call upload were a 500 (no boundary) and a hang (a part cut off before its boundary); a NUL
// (%00) in an id was a 500 on PostgreSQL; bad percent-encoding and unparsable HTTP lacked the error shape.
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

const send = (contentType: string, body: string) =>
  rawRequest(server.url, { method: 'POST', path: '/v1.0/files/upload', headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': contentType }, body }, 10_000);

describe('POST /v1.0/files/upload with a broken multipart body', () => {
  it('answers 400 when the boundary is missing', async () => {
    const res = await send('multipart/form-data', 'garbage');
    expect(res.status, res.text).toBe(400);
    expect(res.json).toMatchObject({ error: { code: 'VALIDATION_FAILED', details: [] } });
  });

  it('answers 400, without waiting, when a part is cut off before its closing boundary', async () => {
    const res = await send('multipart/form-data; boundary=XyZ', '--XyZ\r\nContent-Disposition: form-data; name="file"; filename="users.json"\r\n\r\n{"users":[');
    expect(res.status, res.text).toBe(400);
    expect(res.json).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
  });

  it('answers 400 when the form has garbage between boundaries', async () => {
    const res = await send('multipart/form-data; boundary=XyZ', '--XyZ\r\nno headers here\r\n--XyZ--\r\n');
    expect(res.status, res.text).toBeLessThan(500);
    expect(res.json).toMatchObject({ error: { code: expect.any(String), message: expect.any(String), details: expect.any(Array) } });
  });
});

describe('NUL characters (PostgreSQL text cannot hold them)', () => {
  it('refuses %00 in a path parameter or the query with 400 on every store', async () => {
    for (const path of ['/v1/connections/abc%00def', '/v1/exports/%00/audit', '/v1.0/apps/%00', '/v1/jobs?status=a%00']) {
      const res = await server.request<{ error: { code: string; details: Array<{ field: string }> } }>('GET', path);
      expect(res.status, path).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
  });

  it('answers a NUL inside a JSON string with a 4xx, never a 500', async () => {
    const res = await server.request<{ error: { code: string } }>('POST', '/v1/connections', { type: 'http', name: 'nul\u0000name', http: { baseURI: 'https://api.example.com' } });
    expect(res.status, res.text).toBeLessThan(500);
    if (res.status >= 400) expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });
});

describe('errors raised before routing keep the error shape', () => {
  it('answers a path that is not valid percent-encoding with 400 BAD_URL', async () => {
    const res = await rawRequest(server.url, { method: 'GET', path: '/v1/connections/%zz', headers: { authorization: `Bearer ${server.adminKey}` } });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error: { code: 'BAD_URL', message: expect.any(String), details: [{ field: 'path' }] } });
  });

  it('answers a request whose body is longer than its Content-Length in the error shape', async () => {
    const res = await rawRequest(server.url, { method: 'POST', path: '/v1/connections', headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json', 'content-length': '5' }, body: '{"name":"x"}' });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error: { code: expect.any(String), message: expect.any(String), details: [] } });
  });
});

describe('concurrent creations of one name', () => {
  it('answers 200 once and 409 APP_EXISTS for the others, never a 500', async () => {
    // Separate connections, so the creations really overlap (a race is not certain in every round).
    for (let round = 0; round < 5; round++) {
      const results = await Promise.all(
        Array.from({ length: 12 }, () =>
          rawRequest(server.url, { method: 'POST', path: '/v1.0/apps/custom', headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: `Raced App ${round}` }) }),
        ),
      );
      expect(results.map((r) => r.status).sort()).toEqual([200, ...Array.from({ length: 11 }, () => 409)]);
      for (const res of results.filter((r) => r.status === 409)) expect(res.json).toMatchObject({ error: { code: 'APP_EXISTS' } });
    }
  });
});

describe('concurrent registrations of one uploaded file', () => {
  it('give every caller the same file id, never a 500', async () => {
    for (let round = 0; round < 3; round++) {
      const url = await server.request<{ uploadFileParameters: { url: string; filePath: string } }>('GET', '/v1.0/files/url?name=users.json&type=application/json');
      expect((await fetch(url.body.uploadFileParameters.url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"users":[]}' })).status).toBe(200);
      const body = JSON.stringify({ path: url.body.uploadFileParameters.filePath, type: 'customIntegrationData' });
      const results = await Promise.all(
        Array.from({ length: 10 }, () => rawRequest(server.url, { method: 'POST', path: '/v1.0/files', headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' }, body })),
      );
      expect(results.map((r) => r.status)).toEqual(Array.from({ length: 10 }, () => 200));
      expect(new Set(results.map((r) => (r.json as { id: number }).id)).size).toBe(1);
    }
  });
});
