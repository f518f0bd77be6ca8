import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboundClient, type OutboundResult } from './http-client.js';
import { parseOutboundAllow } from './outbound-policy.js';

type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;

const servers: Server[] = [];
const clients: OutboundClient[] = [];

async function startServer(handler: Handler): Promise<{ port: number; url: string }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handler(req, res, Buffer.concat(chunks)));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { port, url: `http://127.0.0.1:${port}` };
}

function aClient(allow: string, options: { timeoutMs?: number; maxRedirects?: number } = {}): OutboundClient {
  const client = new OutboundClient({ policy: parseOutboundAllow(allow), timeoutMs: options.timeoutMs ?? 5000, ...options });
  clients.push(client);
  return client;
}

function failureOf(result: OutboundResult) {
  if (result.ok) throw new Error(`expected a failure, got status ${result.response.status}`);
  return result.failure;
}

function responseOf(result: OutboundResult) {
  if (!result.ok) throw new Error(`expected a response, got ${result.failure.kind}: ${result.failure.message}`);
  return result.response;
}

let echo: { port: number; url: string };
let hang: { port: number; url: string };
let freePort: number;
const local = '127.0.0.0/8,::1/128';

beforeAll(async () => {
  echo = await startServer((req, res, body) => {
    const path = req.url ?? '/';
    if (path.startsWith('/redirect-to?')) {
      res.writeHead(Number(new URL(path, 'http://x').searchParams.get('status') ?? 302), {
        location: new URL(path, 'http://x').searchParams.get('to') ?? '/',
      });
      return res.end('moved');
    }
    if (path.startsWith('/loop/')) {
      const n = Number(path.slice('/loop/'.length));
      res.writeHead(302, { location: `/loop/${n + 1}` });
      return res.end();
    }
    if (path === '/big') return res.end(Buffer.alloc(100_000, 'x'));
    if (path === '/cut') {
      res.writeHead(200, { 'content-length': '100000' });
      res.write('partial');
      setTimeout(() => res.socket?.destroy(), 20);
      return;
    }
    res.setHeader('set-cookie', ['a=1', 'b=2']);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ method: req.method, path, headers: req.headers, body: body.toString('utf8') }));
  });
  hang = await startServer(() => {
    // Never answers: the client must give up on its own.
  });
  const probe = await startServer(() => undefined);
  freePort = probe.port;
  await new Promise<void>((resolve) => servers.pop()!.close(() => resolve()));
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  for (const server of servers) server.closeAllConnections();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

describe('OutboundClient — success', () => {
  it('sends a GET and returns status, lower-cased joined headers and body', async () => {
    const response = responseOf(
      await aClient(local).request({ method: 'GET', url: `${echo.url}/hello?x=1`, headers: { 'X-Trace': 'abc' } }),
    );
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.headers['set-cookie']).toBe('a=1, b=2');
    expect(response.truncated).toBe(false);
    expect(response.url).toBe(`${echo.url}/hello?x=1`);
    const echoed = JSON.parse(response.body.toString('utf8'));
    expect(echoed).toMatchObject({ method: 'GET', path: '/hello?x=1', headers: { 'x-trace': 'abc' } });
  });

  it('sends a POST with a body', async () => {
    const response = responseOf(
      await aClient(local).request({
        method: 'post',
        url: `${echo.url}/items`,
        headers: { 'content-type': 'application/json' },
        body: '{"a":1}',
      }),
    );
    expect(JSON.parse(response.body.toString('utf8'))).toMatchObject({ method: 'POST', body: '{"a":1}' });
  });

  it('follows redirects and turns a 303 after POST into a GET', async () => {
    const to = encodeURIComponent('/after');
    const response = responseOf(
      await aClient(local).request({ method: 'POST', url: `${echo.url}/redirect-to?status=303&to=${to}`, body: 'x' }),
    );
    expect(response.url).toBe(`${echo.url}/after`);
    expect(JSON.parse(response.body.toString('utf8'))).toMatchObject({ method: 'GET', path: '/after', body: '' });
  });

  it('keeps the method and body on a 307', async () => {
    const to = encodeURIComponent('/kept');
    const response = responseOf(
      await aClient(local).request({ method: 'PUT', url: `${echo.url}/redirect-to?status=307&to=${to}`, body: 'same' }),
    );
    expect(JSON.parse(response.body.toString('utf8'))).toMatchObject({ method: 'PUT', path: '/kept', body: 'same' });
  });

  it('drops credentials on a redirect to another origin but keeps them on the same origin', async () => {
    const client = aClient(local);
    const headers = { authorization: 'Bearer t', 'x-keep': 'yes' };
    const same = `${echo.url}/redirect-to?to=${encodeURIComponent('/same')}`;
    const other = `${echo.url}/redirect-to?to=${encodeURIComponent(`http://localhost:${echo.port}/other`)}`;
    const sameEcho = JSON.parse(responseOf(await client.request({ method: 'GET', url: same, headers })).body.toString());
    const otherEcho = JSON.parse(responseOf(await client.request({ method: 'GET', url: other, headers })).body.toString());
    expect(sameEcho.headers).toMatchObject({ authorization: 'Bearer t', 'x-keep': 'yes' });
    expect(otherEcho.headers['x-keep']).toBe('yes');
    expect(otherEcho.headers.authorization).toBeUndefined();
  });

  it('truncates the body at maxResponseBytes', async () => {
    const response = responseOf(await aClient(local).request({ method: 'GET', url: `${echo.url}/big`, maxResponseBytes: 1000 }));
    expect(response.body.length).toBe(1000);
    expect(response.truncated).toBe(true);
  });
});

describe('OutboundClient — outbound policy', () => {
  it('refuses 127.0.0.1 under the default policy, before connecting', async () => {
    const failure = failureOf(await aClient('').request({ method: 'GET', url: `${echo.url}/` }));
    expect(failure.kind).toBe('blocked');
    expect(failure.address).toBe('127.0.0.1');
    expect(failure.message).toContain('SWITCHYARD_OUTBOUND_ALLOW');
  });

  it.each(['2130706433', '0x7f.1', '0177.0.0.1', '127.1', '[::ffff:127.0.0.1]', '[::1]'])(
    'refuses the odd spelling http://%s/',
    async (host) => {
      const failure = failureOf(await aClient('').request({ method: 'GET', url: `http://${host}:${echo.port}/` }));
      expect(failure.kind).toBe('blocked');
    },
  );

  it('checks the resolved address of a host name', async () => {
    const failure = failureOf(await aClient('').request({ method: 'GET', url: `http://localhost:${echo.port}/` }));
    expect(failure.kind).toBe('blocked');
    expect(failure.address).toMatch(/^(127\.0\.0\.1|::1)$/);
  });

  it('opens a listed host name', async () => {
    const response = responseOf(await aClient('localhost').request({ method: 'GET', url: `http://localhost:${echo.port}/` }));
    expect(response.status).toBe(200);
  });

  it('refuses a redirect from an allowed address to a refused one', async () => {
    const client = aClient('127.0.0.1/32');
    for (const target of [`http://127.0.0.2:${echo.port}/`, `http://[::1]:${echo.port}/`, 'http://169.254.169.254/latest']) {
      const url = `${echo.url}/redirect-to?to=${encodeURIComponent(target)}`;
      const failure = failureOf(await client.request({ method: 'GET', url }));
      expect(failure.kind).toBe('blocked');
    }
  });
});

describe('OutboundClient — failures as values', () => {
  it('reports a refused port', async () => {
    const failure = failureOf(await aClient(local).request({ method: 'GET', url: `http://127.0.0.1:${freePort}/ping` }));
    expect(failure.kind).toBe('refused');
    expect(failure.message).toBe(`Connection refused by 127.0.0.1:${freePort}: nothing is listening there.`);
  });

  it('gives up on a server that never answers', async () => {
    const failure = failureOf(
      await aClient(local, { timeoutMs: 300 }).request({ method: 'GET', url: `${hang.url}/ping?token=secret` }),
    );
    expect(failure.kind).toBe('timeout');
    expect(failure.message).toBe(`No answer from ${hang.url}/ping within 300 ms.`);
    expect(failure.durationMs).toBeLessThan(2000);
  });

  it('honours a per-request timeout', async () => {
    const failure = failureOf(await aClient(local).request({ method: 'GET', url: `${hang.url}/`, timeoutMs: 200 }));
    expect(failure.kind).toBe('timeout');
    expect(failure.durationMs).toBeLessThan(2000);
  });

  it('reports a connection closed mid-body as reset', async () => {
    const failure = failureOf(await aClient(local).request({ method: 'GET', url: `${echo.url}/cut` }));
    expect(failure.kind).toBe('reset');
  });

  it('reports a DNS failure', async () => {
    const failure = failureOf(await aClient('').request({ method: 'GET', url: 'http://does-not-exist.invalid/' }));
    expect(failure.kind).toBe('dns');
    expect(failure.message).toMatch(/^DNS lookup failed for does-not-exist\.invalid: /);
  });

  it('reports a TLS failure when the port does not speak TLS', async () => {
    const failure = failureOf(await aClient(local).request({ method: 'GET', url: `https://127.0.0.1:${echo.port}/` }));
    expect(failure.kind).toBe('tls');
    expect(failure.message).toMatch(/^TLS connection to 127\.0\.0\.1:\d+ failed: /);
  });

  it('stops after too many redirects', async () => {
    const failure = failureOf(await aClient(local, { maxRedirects: 3 }).request({ method: 'GET', url: `${echo.url}/loop/0` }));
    expect(failure.kind).toBe('too_many_redirects');
    expect(failure.message).toContain('3 redirects');
  });

  it.each(['not a url', 'ftp://127.0.0.1/file', 'file:///etc/passwd', 'http://'])('rejects the URL %s', async (url) => {
    const failure = failureOf(await aClient('*').request({ method: 'GET', url }));
    expect(failure.kind).toBe('invalid_url');
  });

  it('reports a cancelled request', async () => {
    const controller = new AbortController();
    const pending = aClient(local).request({ method: 'GET', url: `${hang.url}/`, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const failure = failureOf(await pending);
    expect(failure.kind).toBe('other');
    expect(failure.message).toContain('cancelled');
  });

  it('never puts header values in a message', async () => {
    const failure = failureOf(
      await aClient(local, { timeoutMs: 200 }).request({ method: 'GET', url: `${hang.url}/`, headers: { authorization: 'Bearer s3cret' } }),
    );
    expect(failure.message).not.toContain('s3cret');
  });
});
