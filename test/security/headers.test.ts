import { createHash } from 'node:crypto';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_CSP, PAGE_CSP, PROXY_CSP, securityHeaders } from '../../src/server/security-headers.js';
import { rawRequest, rawSocket } from '../helpers/raw-http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { startUpstream, type Upstream } from '../helpers/upstream.js';
import { buildWorld, pathFor, plantedSecrets, type World } from '../helpers/world.js';

/**
 * Security headers on every answer: nosniff, no referrer, no framing (X-Frame-Options and CSP
 * frame-ancestors), and a Content-Security-Policy that fits what is sent — `default-src 'none'`
 * for JSON, `script-src 'self'` without inline scripts for our HTML pages (the console at `/`),
 * the hash of its one inline script for Scalar at /docs, a sandbox for raw proxy answers.
 */
let server: TestServer;
let upstream: Upstream;
let world: World;

beforeAll(async () => {
  upstream = await startUpstream((_r, res) => {
    res.writeHead(200, { 'content-type': 'text/html', 'content-security-policy': "script-src 'unsafe-inline'" });
    res.end('<script>alert(document.cookie)</script>');
  });
  server = await startTestServer();
  world = await buildWorld(server, server.adminKey, upstream.url, plantedSecrets('headers'), 'headers');
}, 120_000);
afterAll(async () => {
  await server.close();
  await upstream.close();
});

function directives(csp: string): Map<string, string[]> {
  return new Map(csp.split(';').map((part) => part.trim().split(/\s+/)).filter((words) => words[0]).map(([name = '', ...values]) => [name, values]));
}

function expectBaseHeaders(headers: Record<string, string | string[] | undefined>, label: string): void {
  expect(headers['x-content-type-options'], label).toBe('nosniff');
  expect(headers['referrer-policy'], label).toBe('no-referrer');
  expect(headers['x-frame-options'], label).toBe('DENY');
  const csp = directives(String(headers['content-security-policy'] ?? ''));
  expect(csp.get('frame-ancestors'), `${label}: frame-ancestors`).toEqual(["'none'"]);
  const scripts = csp.get('script-src') ?? csp.get('default-src') ?? [];
  expect(scripts, `${label}: script-src`).not.toContain("'unsafe-inline'");
  expect(scripts, `${label}: script-src`).not.toContain("'unsafe-eval'");
}

describe('security headers', () => {
  it('are on the answer of every GET route, and HTML pages allow scripts only from our origin', async () => {
    let html = 0;
    for (const { methods, url } of server.app.routeTable) {
      if (!methods.includes('GET')) continue;
      const query = url === '/v1.0/files/url' ? '?name=x.json&type=application/json' : url.startsWith('/proxy') ? `?integrated_account_id=${world.integrationConnection}` : '';
      const res = await rawRequest(server.url, { method: 'GET', path: pathFor(world, url) + query, headers: { authorization: `Bearer ${server.adminKey}` } });
      expectBaseHeaders(res.headers, `GET ${url} (${res.status})`);
      const type = String(res.headers['content-type'] ?? '');
      if (type.startsWith('text/html')) {
        html++;
        const scripts = directives(String(res.headers['content-security-policy'])).get('script-src') ?? [];
        expect(scripts.filter((s) => s !== "'self'" && !s.startsWith("'sha256-")), `GET ${url}`).toEqual([]);
      } else if (type.startsWith('application/json') && !url.includes('/proxy/')) {
        expect(res.headers['content-security-policy'], `GET ${url}`).toBe(API_CSP);
      }
    }
    expect(html).toBeGreaterThan(0);
  });

  it('are on error answers too: 404, 401, 400 and answers to unparsable HTTP', async () => {
    for (const [path, key] of [['/nope', server.adminKey], ['/v1/connections', 'wrong'], ['/v1/connections/%zz', server.adminKey]] as const) {
      const res = await rawRequest(server.url, { method: 'GET', path, headers: { authorization: `Bearer ${key}` } });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expectBaseHeaders(res.headers, `${path} ${res.status}`);
    }
    const raw = await rawSocket(server.url, 'FOO / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(raw.toLowerCase()).toContain('x-content-type-options: nosniff');
  });

  it('allows the one inline script of /docs by its hash, and serves Scalar from our origin', async () => {
    const docs = await rawRequest(server.url, { method: 'GET', path: '/docs/' });
    expect(docs.status).toBe(200);
    const inline = [...docs.text.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)].filter((m) => !/src=/.test(m[1] ?? '')).map((m) => m[2] ?? '');
    expect(inline.length).toBeGreaterThan(0);
    const scripts = directives(String(docs.headers['content-security-policy'])).get('script-src') ?? [];
    for (const body of inline) expect(scripts).toContain(`'sha256-${createHash('sha256').update(body).digest('base64')}'`);
    const bundle = await rawRequest(server.url, { method: 'GET', path: '/docs/js/scalar.js' });
    expect(bundle.status).toBe(200);
  });

  it('sandboxes raw proxy answers, whatever the upstream sends', async () => {
    const res = await rawRequest(server.url, { method: 'GET', path: `/v1/connections/${world.httpConnection}/proxy/page`, headers: { authorization: `Bearer ${server.adminKey}` } });
    expect(res.status).toBe(200);
    expect(res.headers['content-security-policy']).toBe(PROXY_CSP);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('gives an HTML page served at / (the console) script-src self, and leaves JSON usable', async () => {
    const app = Fastify();
    app.addHook('onSend', securityHeaders);
    app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send('<!doctype html><script type="module" src="/assets/index.js"></script>'));
    app.get('/api', async () => ({ ok: true }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const address = app.server.address();
      const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      const page = await rawRequest(base, { method: 'GET', path: '/' });
      expect(page.headers['content-security-policy']).toBe(PAGE_CSP);
      expect(directives(PAGE_CSP).get('script-src')).toEqual(["'self'"]);
      const api = await fetch(`${base}/api`);
      expect(await api.json()).toEqual({ ok: true });
      expect(api.headers.get('content-security-policy')).toBe(API_CSP);
    } finally {
      await app.close();
    }
  });
});
