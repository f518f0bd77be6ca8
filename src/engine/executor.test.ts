import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionGates } from './connection-gate.js';
import { Executor } from './executor.js';
import { OutboundClient } from './http-client.js';
import { parseOutboundAllow } from './outbound-policy.js';
import { rateLimitClassifier } from './rate-limit.js';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, hit: number) => void;

let server: http.Server;
let base: string;
let handler: Handler = (_req, res) => res.end('{}');
let hits = 0;
let inFlight = 0;
let maxInFlight = 0;
const client = new OutboundClient({ policy: parseOutboundAllow('127.0.0.0/8'), timeoutMs: 2000 });

beforeAll(async () => {
  server = http.createServer((req, res) => {
    hits++;
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.on('close', () => inFlight--);
    handler(req, res, hits);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await client.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function reset(next: Handler): void {
  hits = 0;
  maxInFlight = 0;
  handler = next;
}

const fastRetry = { maxRetries: 4, maxRetryTimeMs: 10_000, baseDelayMs: 10, maxDelayMs: 50 };

describe('Executor', () => {
  it('waits out a 429 with Retry-After in seconds, then succeeds', async () => {
    reset((_req, res, hit) => {
      if (hit === 1) {
        res.writeHead(429, { 'retry-after': '1' });
        return res.end();
      }
      res.end('{"ok":true}');
    });
    const executor = new Executor({ client, gates: new ConnectionGates() });
    const started = Date.now();
    const { result, attempts } = await executor.execute({ method: 'GET', url: `${base}/x` }, { gateKey: 'c1', limits: { concurrency: 2 }, retry: fastRetry, classify: rateLimitClassifier(undefined) });
    expect(result.ok && result.response.status).toBe(200);
    expect(attempts).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('understands Retry-After as an HTTP date', async () => {
    reset((_req, res, hit) => {
      if (hit === 1) {
        res.writeHead(429, { 'retry-after': new Date(Date.now() + 1500).toUTCString() });
        return res.end();
      }
      res.end('{}');
    });
    const executor = new Executor({ client, gates: new ConnectionGates() });
    const started = Date.now();
    const { attempts } = await executor.execute({ method: 'GET', url: `${base}/x` }, { gateKey: 'c2', limits: { concurrency: 1 }, retry: fastRetry, classify: rateLimitClassifier(undefined) });
    expect(attempts).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
  });

  it('retries flaky 5xx for GET with backoff but never a POST', async () => {
    reset((_req, res, hit) => {
      res.statusCode = hit <= 2 ? 503 : 200;
      res.end('{}');
    });
    const executor = new Executor({ client, gates: new ConnectionGates() });
    const get = await executor.execute({ method: 'GET', url: `${base}/x` }, { limits: { concurrency: 1 }, retry: fastRetry });
    expect(get.attempts).toBe(3);
    expect(get.result.ok && get.result.response.status).toBe(200);

    reset((_req, res) => {
      res.statusCode = 503;
      res.end('{}');
    });
    const post = await executor.execute({ method: 'POST', url: `${base}/x`, body: '{}' }, { limits: { concurrency: 1 }, retry: fastRetry });
    expect(post.attempts).toBe(1);
    expect(hits).toBe(1);
    expect(post.gaveUp).toBe('not retryable');
  });

  it('retries a connection reset mid-body', async () => {
    reset((_req, res, hit) => {
      if (hit === 1) {
        res.writeHead(200, { 'content-length': '100' });
        res.write('{"partial":');
        setTimeout(() => res.socket?.destroy(), 10);
        return;
      }
      res.end('{"ok":true}');
    });
    const executor = new Executor({ client, gates: new ConnectionGates() });
    const { result, attempts } = await executor.execute({ method: 'GET', url: `${base}/x` }, { limits: { concurrency: 1 }, retry: fastRetry });
    expect(attempts).toBe(2);
    expect(result.ok && result.response.body.toString()).toBe('{"ok":true}');
  });

  it('gives up after maxRetries and says why', async () => {
    reset((_req, res) => {
      res.statusCode = 500;
      res.end();
    });
    const executor = new Executor({ client, gates: new ConnectionGates() });
    const outcome = await executor.execute({ method: 'GET', url: `${base}/x` }, { limits: { concurrency: 1 }, retry: { ...fastRetry, maxRetries: 2 } });
    expect(outcome.attempts).toBe(3);
    expect(outcome.gaveUp).toBe('status 500; gave up after 2 retries');
  });

  it('treats a definition\'s is_rate_limited expression like a 429', async () => {
    reset((_req, res, hit) => {
      res.setHeader('content-type', 'application/json');
      res.end(hit === 1 ? '{"ok":false,"error":"ratelimited"}' : '{"ok":true}');
    });
    const executor = new Executor({ client, gates: new ConnectionGates() });
    const { attempts } = await executor.execute(
      { method: 'GET', url: `${base}/x` },
      { limits: { concurrency: 1 }, retry: fastRetry, classify: rateLimitClassifier({ is_rate_limited: 'body.error = "ratelimited"' }) },
    );
    expect(attempts).toBe(2);
  });

  it('pauses the whole connection when the remaining-calls header reaches 0', async () => {
    reset((_req, res, hit) => {
      res.writeHead(200, { 'x-ratelimit-remaining': hit === 1 ? '0' : '5', 'x-ratelimit-reset': '1' });
      res.end('{}');
    });
    const gates = new ConnectionGates();
    const executor = new Executor({ client, gates });
    const classify = rateLimitClassifier({ rate_limit_header_expression: 'X-RateLimit-Remaining', rate_limit_reset_header_expression: 'X-RateLimit-Reset' });
    await executor.execute({ method: 'GET', url: `${base}/x` }, { gateKey: 'c3', limits: { concurrency: 4 }, classify });
    const started = Date.now();
    await executor.execute({ method: 'GET', url: `${base}/x` }, { gateKey: 'c3', limits: { concurrency: 4 }, classify });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('never has more requests in flight than the concurrency limit, retries included', async () => {
    reset((_req, res, hit) => {
      setTimeout(() => {
        res.statusCode = hit % 3 === 0 ? 503 : 200;
        res.end('{}');
      }, 20);
    });
    const executor = new Executor({ client, gates: new ConnectionGates() });
    const results = await Promise.all(
      Array.from({ length: 12 }, () => executor.execute({ method: 'GET', url: `${base}/x` }, { gateKey: 'c4', limits: { concurrency: 3 }, retry: fastRetry })),
    );
    expect(results.every((r) => r.result.ok && r.result.response.status === 200)).toBe(true);
    expect(maxInFlight).toBeLessThanOrEqual(3);
    expect(maxInFlight).toBeGreaterThan(1);
  });
});
