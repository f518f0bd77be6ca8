import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { json, startUpstream, type Upstream } from '../helpers/upstream.js';

/**
 * Plants distinctive secrets in every secret field, drives create, update, patch, ping (good
 * and failing), debug and audit, and scans everything that came out: responses, the debug
 * log, the audit log and every line the server logged (at trace level).
 */
const PLANTED = {
  bearer: 'PLANTED-bearer-7c1e9a',
  refresh: 'PLANTED-refresh-2b8d4f',
  basicPw: 'PLANTED-basicpw-5a3c1d',
  field: 'PLANTED-encfield-9e7b2c',
  httpToken: 'PLANTED-httptoken-4f6a8e',
  oauthSecret: 'PLANTED-clientsecret-1d3f5b',
  custom: 'PLANTED-custom-8a2e6c',
  rotated: 'PLANTED-rotated-3c5e7a',
  virtual: 'PLANTED-virtual-6b8d0f',
};

let server: TestServer;
let upstream: Upstream;
beforeAll(async () => {
  server = await startTestServer({ LOG_LEVEL: 'trace' });
  // The upstream echoes whatever it receives, the worst case for leaking through bodies.
  upstream = await startUpstream((req, res) => json(res, req.url.includes('fail') ? 401 : 200, { got: req.headers, url: req.url, body: req.body }));
});
afterAll(async () => {
  await upstream.close();
  await server.close();
});

it('no planted secret appears in any response, audit entry, debug entry or log line', async () => {
  const outputs: string[] = [];
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await server.request(method, path, body);
    outputs.push(res.text, JSON.stringify(Object.fromEntries(res.headers)));
    return res;
  };
  const debugDate = new Date(Date.now() + 30 * 60_000).toISOString();

  const rest = await call('POST', '/v1/connections', {
    type: 'rest',
    name: 'Leaky REST',
    debugDate,
    rest: {
      baseURI: upstream.url,
      authType: 'token',
      bearerToken: PLANTED.bearer,
      refreshToken: PLANTED.refresh,
      tokenLocation: 'url',
      tokenParam: 'access_token',
      encryptedFields: [{ name: 'apiSecret', value: PLANTED.field }],
      pingRelativeURI: '/ok',
    },
  });
  expect(rest.status).toBe(201);
  const restId = (rest.body as { _id: string })._id;

  const http = await call('POST', '/v1/connections', {
    type: 'http',
    name: 'Leaky HTTP',
    debugDate,
    http: {
      baseURI: upstream.url,
      headers: [{ name: 'X-Plain', value: 'visible' }],
      auth: { type: 'token', token: { token: PLANTED.httpToken, location: 'header', scheme: 'Token' }, oauth2: { clientId: 'cid', clientSecret: PLANTED.oauthSecret } },
      encrypted: { custom: PLANTED.custom },
      ping: { relativeURI: '/fail' },
    },
  });
  expect(http.status).toBe(201);
  const httpId = (http.body as { _id: string })._id;

  await call('GET', `/v1/connections/${restId}/ping`);
  await call('GET', `/v1/connections/${httpId}/ping`);
  await call('PUT', `/v1/connections/${restId}`, { ...(rest.body as object), name: 'Leaky REST 2' });
  await call('PATCH', `/v1/connections/${restId}`, [
    { op: 'replace', path: '/rest/bearerToken', value: PLANTED.rotated },
    { op: 'replace', path: '/rest/basicAuth', value: { username: 'u', password: PLANTED.basicPw } },
  ]);
  await call('GET', `/v1/connections/${restId}/ping`);
  await call('POST', '/v1/connections/ping', { type: 'rest', name: 'virtual', rest: { baseURI: `${upstream.url}/fail`, bearerToken: PLANTED.virtual } });
  await call('GET', `/v1/connections/${restId}`);
  await call('GET', '/v1/connections');
  const debugRest = await call('GET', `/v1/connections/${restId}/debug`);
  const debugHttp = await call('GET', `/v1/connections/${httpId}/debug`);
  await call('GET', `/v1/connections/${restId}/audit`);
  await call('GET', `/v1/connections/${httpId}/audit`);
  await call('PATCH', `/v1/connections/${restId}`, [{ op: 'test', path: '/rest/bearerToken', value: PLANTED.rotated }]);
  await call('DELETE', `/v1/connections/${httpId}`);
  await call('GET', `/v1/connections/${httpId}/audit`);

  // The calls did happen, with the real secrets, and were recorded.
  expect(upstream.requests.some((r) => r.url.includes(PLANTED.bearer))).toBe(true);
  expect(upstream.requests.some((r) => r.headers.authorization === `Token ${PLANTED.httpToken}`)).toBe(true);
  expect((debugRest.body as unknown[]).length).toBeGreaterThanOrEqual(2);
  expect((debugHttp.body as unknown[]).length).toBe(1);

  const everything = outputs.join('\n') + '\n' + server.logs();
  expect(server.logs().length).toBeGreaterThan(1000);
  for (const [name, secret] of Object.entries(PLANTED)) {
    expect(everything.includes(secret), `${name} leaked`).toBe(false);
  }
  expect(everything).toContain('******');
});
