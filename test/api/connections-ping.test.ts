import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aRestConnection, anHttpConnection } from '../helpers/builders.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { json, startUpstream, type Upstream } from '../helpers/upstream.js';

type Wire = Record<string, unknown> & { _id: string; offline: boolean; queues: Array<{ name: string; size: number }> };
type PingErrors = { errors: Array<{ code: string; message: string }> };
type DebugEntry = { _resourceId: string | null; method: string; url: string; status: number | null; request: { headers: Record<string, string> }; response: { body: string } | null };

let server: TestServer;
let upstream: Upstream;

/** An upstream that accepts exactly the credentials the test connections carry. */
function checkAuth(): void {
  upstream.handle((req, res) => {
    const url = new URL(req.url, 'http://x');
    const auth = req.headers.authorization;
    const ok =
      auth === 'Bearer tok-header-secret-9f8e7d' ||
      url.searchParams.get('token') === 'tok-url-secret-5e6f' ||
      auth === `Basic ${Buffer.from('alice:pw-basic-secret-4c3b2a').toString('base64')}` ||
      auth === 'Bearer tok-http-secret-1a2b3c';
    if (!ok) return json(res, 401, { error: 'invalid_auth', echo: url.searchParams.get('token') });
    json(res, 200, { ok: true, user: { active: 'yes' } });
  });
}

beforeAll(async () => {
  server = await startTestServer({ SWITCHYARD_OUTBOUND_TIMEOUT_MS: '600' });
  upstream = await startUpstream();
});
afterAll(async () => {
  await upstream.close();
  await server.close();
});

async function create(body: Record<string, unknown>): Promise<Wire> {
  const res = await server.request<Wire>('POST', '/v1/connections', body);
  expect(res.status).toBe(201);
  return res.body;
}

describe('GET /v1/connections/{_id}/ping', () => {
  it.each([
    ['bearer token in a header', aRestConnection({ auth: 'header' })],
    ['token in a URL parameter', aRestConnection({ auth: 'url', token: 'tok-url-secret-5e6f' })],
    ['basic auth', aRestConnection({ auth: 'basic' })],
    ['http token auth', anHttpConnection()],
  ])('succeeds with %s, sending exactly those credentials', async (_label, body) => {
    checkAuth();
    const base = body.type === 'rest' ? { ...(body.rest as object), baseURI: `${upstream.url}/api` } : { ...(body.http as object), baseURI: `${upstream.url}/api` };
    const connection = await create({ ...body, [body.type as string]: base });
    const before = upstream.requests.length;
    const res = await server.request('GET', `/v1/connections/${connection._id}/ping`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ code: 200 });
    const sent = upstream.requests.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.url).toMatch(body.type === 'rest' ? /^\/api\/ping/ : /^\/api\/me/);
  });

  it('reports the remote 401 with a hint, marks the connection offline, and clears it after a good ping', async () => {
    checkAuth();
    const connection = await create(aRestConnection({ baseURI: upstream.url, token: 'wrong-token-abcdef' }));
    const res = await server.request<PingErrors>('GET', `/v1/connections/${connection._id}/ping`);
    expect(res.status).toBe(502);
    expect(res.body.errors).toEqual([{ code: '401', message: expect.stringMatching(/401.*credentials/) }]);
    expect(res.text).not.toContain('wrong-token-abcdef');
    expect((await server.request<Wire>('GET', `/v1/connections/${connection._id}`)).body.offline).toBe(true);

    await server.request('PATCH', `/v1/connections/${connection._id}`, [{ op: 'replace', path: '/rest/bearerToken', value: 'tok-header-secret-9f8e7d' }]);
    expect((await server.request('GET', `/v1/connections/${connection._id}/ping`)).status).toBe(200);
    expect((await server.request<Wire>('GET', `/v1/connections/${connection._id}`)).body.offline).toBe(false);
  });

  it('reports a refused port', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const { port: p } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(p));
      });
    });
    const connection = await create(aRestConnection({ baseURI: `http://127.0.0.1:${port}` }));
    const res = await server.request<PingErrors>('GET', `/v1/connections/${connection._id}/ping`);
    expect(res.status).toBe(502);
    expect(res.body.errors[0]).toMatchObject({ code: 'CONNECTION_REFUSED', message: expect.stringMatching(/refused/i) });
  });

  it('times out on a hanging server', async () => {
    const hanging = net.createServer(() => undefined);
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const { port } = hanging.address() as net.AddressInfo;
    try {
      const connection = await create(aRestConnection({ baseURI: `http://127.0.0.1:${port}` }));
      const started = Date.now();
      const res = await server.request<PingErrors>('GET', `/v1/connections/${connection._id}/ping`);
      expect(res.status).toBe(504);
      expect(res.body.errors[0]?.code).toBe('TIMEOUT');
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      hanging.close();
    }
  });

  it('refuses addresses the outbound policy does not open (cloud metadata)', async () => {
    const connection = await create(aRestConnection({ baseURI: 'http://169.254.169.254/latest' }));
    const res = await server.request<PingErrors>('GET', `/v1/connections/${connection._id}/ping`);
    expect(res.status).toBe(422);
    expect(res.body.errors[0]).toMatchObject({ code: 'OUTBOUND_BLOCKED', message: expect.stringMatching(/SWITCHYARD_OUTBOUND_ALLOW/) });
  });

  it('checks http ping.successPath and successValues', async () => {
    checkAuth();
    const good = await create(anHttpConnection({ baseURI: upstream.url, ping: { relativeURI: '/me', successPath: 'user.active', successValues: ['yes'] } }));
    expect((await server.request('GET', `/v1/connections/${good._id}/ping`)).status).toBe(200);
    const bad = await create(anHttpConnection({ baseURI: upstream.url, ping: { relativeURI: '/me', successPath: 'user.active', successValues: ['true'] } }));
    const res = await server.request<PingErrors>('GET', `/v1/connections/${bad._id}/ping`);
    expect(res.status).toBe(502);
    expect(res.body.errors[0]).toMatchObject({ code: 'PING_UNEXPECTED_RESPONSE', message: expect.stringMatching(/user\.active/) });
  });

  it('reports a connection with no credentials without calling out', async () => {
    const body = aRestConnection({ baseURI: upstream.url });
    delete (body.rest as Record<string, unknown>).bearerToken;
    const connection = await create(body);
    const before = upstream.requests.length;
    const res = await server.request<PingErrors>('GET', `/v1/connections/${connection._id}/ping`);
    expect(res.status).toBe(422);
    expect(res.body.errors[0]).toMatchObject({ code: 'MISSING_CREDENTIALS', message: expect.stringMatching(/bearerToken/) });
    expect(upstream.requests.length).toBe(before);
  });

  it('shows waiting requests as the queue size and never exceeds concurrencyLevel', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    upstream.handle(async (_req, res) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 150));
      inFlight--;
      json(res, 200, { ok: true });
    });
    const connection = await create(anHttpConnection({ baseURI: upstream.url, concurrencyLevel: 1 }));
    const pings = [1, 2, 3].map(() => server.request('GET', `/v1/connections/${connection._id}/ping`));
    await new Promise((resolve) => setTimeout(resolve, 60));
    const during = await server.request<Wire>('GET', `/v1/connections/${connection._id}`);
    expect(during.body.queues).toEqual([{ name: connection._id, size: 2 }]);
    expect((await Promise.all(pings)).map((r) => r.status)).toEqual([200, 200, 200]);
    expect(maxInFlight).toBe(1);
    expect((await server.request<Wire>('GET', `/v1/connections/${connection._id}`)).body.queues[0]?.size).toBe(0);
  });
});

describe('POST /v1/connections/ping (virtual)', () => {
  it('pings an unsaved connection and stores nothing', async () => {
    checkAuth();
    const before = (await server.request<Wire[]>('GET', '/v1/connections?limit=1000')).body.length;
    const ok = await server.request('POST', '/v1/connections/ping', aRestConnection({ baseURI: upstream.url }));
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ code: 200 });
    const bad = await server.request<PingErrors>('POST', '/v1/connections/ping', aRestConnection({ baseURI: upstream.url, token: 'bad-virtual-token' }));
    expect(bad.status).toBe(502);
    expect(bad.body.errors[0]?.code).toBe('401');
    expect((await server.request<Wire[]>('GET', '/v1/connections?limit=1000')).body.length).toBe(before);
  });

  it('validates the body like a create', async () => {
    const res = await server.request('POST', '/v1/connections/ping', { type: 'rest', name: 'x' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
  });
});

describe('GET /v1/connections/{_id}/debug', () => {
  it('records nothing without debugDate, then records redacted requests while it is in the future', async () => {
    checkAuth();
    const connection = await create(aRestConnection({ baseURI: upstream.url, auth: 'url', token: 'tok-url-secret-5e6f' }));
    await server.request('GET', `/v1/connections/${connection._id}/ping`);
    expect((await server.request<DebugEntry[]>('GET', `/v1/connections/${connection._id}/debug`)).body).toEqual([]);

    const until = new Date(Date.now() + 15 * 60_000).toISOString();
    const patched = await server.request<Wire>('PATCH', `/v1/connections/${connection._id}`, [{ op: 'add', path: '/debugDate', value: until }]);
    expect(patched.status).toBe(200);
    expect(patched.body.debugDate).toBe(until);
    await server.request('GET', `/v1/connections/${connection._id}/ping`);

    const debug = await server.request<DebugEntry[]>('GET', `/v1/connections/${connection._id}/debug`);
    expect(debug.status).toBe(200);
    expect(debug.body).toHaveLength(1);
    const entry = debug.body[0];
    expect(entry).toMatchObject({ method: 'GET', status: 200, _resourceId: null });
    expect(entry?.url).toContain('token=******');
    expect(debug.text).not.toContain('tok-url-secret-5e6f');
    expect(entry?.response?.body).toContain('"ok":true');

    const filtered = await server.request<DebugEntry[]>('GET', `/v1/connections/${connection._id}/debug/65c000000000000000000440`);
    expect(filtered.status).toBe(200);
    expect(filtered.body).toEqual([]);
  });

  it('masks the Authorization header and secrets echoed back in bodies', async () => {
    upstream.handle((req, res) => json(res, 401, { error: 'nope', youSent: req.headers.authorization }));
    const connection = await create({ ...aRestConnection({ baseURI: upstream.url, token: 'echoed-secret-value-77' }), debugDate: new Date(Date.now() + 60_000).toISOString() });
    await server.request('GET', `/v1/connections/${connection._id}/ping`);
    const debug = await server.request<DebugEntry[]>('GET', `/v1/connections/${connection._id}/debug`);
    expect(debug.body[0]?.request.headers.authorization).toBe('******');
    expect(debug.body[0]?.status).toBe(401);
    expect(debug.text).not.toContain('echoed-secret-value-77');
  });
});
