import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, type RawResponse } from '../helpers/raw-http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Failed authentication is rate limited per client address (SWITCHYARD_AUTH_FAILURE_LIMIT per
 * SWITCHYARD_AUTH_FAILURE_WINDOW_SECONDS): past the limit every API-key request from that address
 * gets 429 with Retry-After and the error shape; successful requests never count; other addresses
 * are not affected. (The window's end is covered with a fake clock in src/auth/failure-limiter.test.ts.)
 */
const LIMIT = 5;
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ SWITCHYARD_AUTH_FAILURE_LIMIT: String(LIMIT), SWITCHYARD_AUTH_FAILURE_WINDOW_SECONDS: '60' });
});
afterAll(async () => {
  await server.close();
});

const get = (authorization: string | undefined, from = '127.0.0.1', path = '/v1/connections'): Promise<RawResponse> =>
  rawRequest(server.url, { method: 'GET', path, headers: authorization === undefined ? {} : { authorization }, localAddress: from });

describe('rate limit on failed authentication', () => {
  it('never counts successful requests', async () => {
    for (let i = 0; i < LIMIT * 6; i++) expect((await get(`Bearer ${server.adminKey}`)).status).toBe(200);
  });

  it(`answers 429 with Retry-After after ${LIMIT} failures from one address, whatever the key`, async () => {
    const failures = [undefined, 'Bearer sy_wrong', 'Basic Zm9vOmJhcg==', 'Bearer sy_wrong2', 'Bearer'];
    for (const authorization of failures) expect((await get(authorization)).status).toBe(401);
    for (const authorization of ['Bearer sy_wrong', `Bearer ${server.adminKey}`]) {
      const limited = await get(authorization);
      expect(limited.status).toBe(429);
      const retryAfter = Number(limited.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(limited.json).toEqual({ error: { code: 'RATE_LIMITED', message: expect.stringContaining('failed authentication'), details: [expect.objectContaining({ field: 'authorization', retryAfterSeconds: retryAfter })] } });
    }
    // Every family that takes an API key shares the limit.
    expect((await get(`Bearer ${server.adminKey}`, '127.0.0.1', '/integration')).status).toBe(429);
    expect((await get(`Bearer ${server.adminKey}`, '127.0.0.1', '/v1.0/apps')).status).toBe(429);
    // Routes without an API key are not concerned.
    expect((await get(undefined, '127.0.0.1', '/health')).status).toBe(200);
  });

  it('does not affect another client address', async () => {
    expect((await get(`Bearer ${server.adminKey}`, '127.0.0.2')).status).toBe(200);
    expect((await get('Bearer sy_wrong', '127.0.0.2')).status).toBe(401);
  });
});
