import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { IntegrationConfig, Pagination } from '../integrations/definition.js';
import { ConnectionGates } from './connection-gate.js';
import { Executor } from './executor.js';
import { OutboundClient } from './http-client.js';
import { EngineError, type EngineTarget, IntegrationEngine, type SendFn } from './integration-engine.js';
import { parseOutboundAllow } from './outbound-policy.js';

/**
 * A real upstream on 127.0.0.1 that plays every pagination style over the same 23 users, plus
 * faults (429 with Retry-After in both forms, flaky 5xx, a reset mid-body, a slow answer, a
 * cursor that repeats). Each test asserts every record arrives exactly once.
 */
const USERS = Array.from({ length: 23 }, (_, i) => ({ id: `u${i + 1}`, name: `User ${i + 1}` }));
type Fault = { kind: '429-seconds' | '429-date' | '503' | 'reset' | 'slow' | 'hang' | 'none'; every: number };

let server: http.Server;
let base: string;
let fault: Fault = { kind: 'none', every: 0 };
let hits = 0;
let inFlight = 0;
let maxInFlight = 0;
const requests: string[] = [];

function page<T>(items: T[], start: number, size: number): T[] {
  return items.slice(start, start + size);
}

function respond(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
  const url = new URL(req.url ?? '/', base);
  const q = url.searchParams;
  const size = Number(q.get('per_page') ?? q.get('limit') ?? 5);
  res.setHeader('content-type', 'application/json');
  switch (url.pathname) {
    case '/page': {
      const p = Number(q.get('page') ?? 1);
      return void res.end(JSON.stringify({ data: { users: page(USERS, (p - 1) * size, size) } }));
    }
    case '/offset': {
      // Serves at most 4 per page whatever is asked: the engine must advance by what came back.
      const offset = Number(q.get('offset') ?? 0);
      return void res.end(JSON.stringify({ items: page(USERS, offset, Math.min(size, 4)), total: USERS.length }));
    }
    case '/cursor': {
      const start = q.get('cursor') ? Number(Buffer.from(q.get('cursor') as string, 'base64url').toString()) : 0;
      const next = start + size < USERS.length ? Buffer.from(String(start + size)).toString('base64url') : null;
      return void res.end(JSON.stringify({ members: page(USERS, start, size), response_metadata: { next_cursor: next ?? '' } }));
    }
    case '/cursor-header': {
      const start = Number(q.get('after') ?? 0);
      if (start + size < USERS.length) res.setHeader('x-next-cursor', String(start + size));
      return void res.end(JSON.stringify(page(USERS, start, size)));
    }
    case '/next-link': {
      const start = Number(q.get('skip') ?? 0);
      const next = start + size < USERS.length ? `${base}/next-link?skip=${start + size}&limit=${size}` : undefined;
      return void res.end(JSON.stringify({ value: page(USERS, start, size), ...(next ? { '@odata.nextLink': next } : {}) }));
    }
    case '/link': {
      const p = Number(q.get('page') ?? 1);
      const links = [`<${base}/link?page=1&per_page=${size}>; rel="first"`];
      if (p * size < USERS.length) links.push(`<${base}/link?page=${p + 1}&per_page=${size}>; rel="next"`);
      res.setHeader('link', links.join(', '));
      return void res.end(JSON.stringify(page(USERS, (p - 1) * size, size)));
    }
    case '/range': {
      const range = /items=(\d+)-(\d+)/.exec(req.headers.range ?? '') ?? ['', '0', String(size - 1)];
      const start = Number(range[1]);
      const end = Math.min(Number(range[2]), USERS.length - 1);
      res.statusCode = end + 1 < USERS.length ? 206 : 200;
      res.setHeader('content-range', `items ${start}-${end}/${USERS.length}`);
      return void res.end(JSON.stringify(USERS.slice(start, end + 1)));
    }
    case '/starting-after': {
      const after = q.get('starting_after');
      const start = after ? USERS.findIndex((u) => u.id === after) + 1 : 0;
      const items = page(USERS, start, size);
      return void res.end(JSON.stringify({ data: items, has_more: start + size < USERS.length }));
    }
    case '/repeating': {
      return void res.end(JSON.stringify({ members: page(USERS, 0, size), response_metadata: { next_cursor: 'same' } }));
    }
    case '/search': {
      const parsed = JSON.parse(body || '{}') as { start_cursor?: string; page_size?: number };
      const start = parsed.start_cursor ? Number(parsed.start_cursor) : 0;
      const n = parsed.page_size ?? 5;
      return void res.end(JSON.stringify({ results: page(USERS, start, n), has_more: start + n < USERS.length, next_cursor: start + n < USERS.length ? String(start + n) : null }));
    }
    case '/ok-false':
      return void res.end(JSON.stringify({ ok: false, error: 'invalid_auth' }));
    case '/me':
      return void res.end(JSON.stringify({ auth: req.headers.authorization ?? null, key: q.get('api_key'), xkey: req.headers['x-api-key'] ?? null }));
    default:
      res.statusCode = 404;
      return void res.end('{"error":"not found"}');
  }
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      hits++;
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      res.on('close', () => inFlight--);
      requests.push(`${req.method} ${req.url}`);
      const faulty = fault.every > 0 && hits % fault.every === 0;
      if (faulty && fault.kind === '429-seconds') return void res.writeHead(429, { 'retry-after': '0' }).end();
      if (faulty && fault.kind === '429-date') return void res.writeHead(429, { 'retry-after': new Date(Date.now() - 1000).toUTCString() }).end();
      if (faulty && fault.kind === '503') return void res.writeHead(503).end('{"error":"busy"}');
      if (faulty && fault.kind === 'reset') {
        res.writeHead(200, { 'content-length': '500', 'content-type': 'application/json' });
        res.write('{"data":{"users":[');
        return void setTimeout(() => res.socket?.destroy(), 5);
      }
      const delay = faulty && fault.kind === 'slow' ? 30 : faulty && fault.kind === 'hang' ? 600 : 0;
      setTimeout(() => respond(req, res, Buffer.concat(chunks).toString()), delay);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

const client = new OutboundClient({ policy: parseOutboundAllow('127.0.0.0/8'), timeoutMs: 2000 });
const gates = new ConnectionGates();
const executor = new Executor({ client, gates, sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 20))) });
const send: SendFn = (request, options) => executor.execute(request, { gateKey: 'conn-1', limits: { concurrency: options.concurrency }, classify: options.classify, retry: { maxRetries: 5, maxRetryTimeMs: 10_000, baseDelayMs: 5, maxDelayMs: 20 } });
const engine = new IntegrationEngine(send);

afterAll(async () => {
  await client.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  fault = { kind: 'none', every: 0 };
  hits = 0;
  maxInFlight = 0;
  requests.length = 0;
});

function target(path: string, pagination: Pagination | null, extra: Partial<IntegrationConfig> & { response_path?: string; method?: string; body?: unknown } = {}): EngineTarget {
  const { response_path, method, body, ...rest } = extra;
  return {
    config: {
      base_url: base,
      resources: { users: { list: { method: method ?? 'get', path, ...(response_path ? { response_path } : {}), ...(body === undefined ? {} : { body }), pagination } } },
      ...rest,
    },
    credentials: { api_key: 'k-123' },
    context: {},
  };
}

async function collect(t: EngineTarget, limit = 5): Promise<string[]> {
  const ids: string[] = [];
  for await (const p of engine.list(t, 'users', 'list', {}, { limit })) ids.push(...p.records.map((r) => (r as { id: string }).id));
  return ids;
}

const ALL = USERS.map((u) => u.id);

describe('IntegrationEngine.list over every pagination style', () => {
  it.each<[string, string, Pagination | null, Record<string, unknown>]>([
    ['page', '/page', { format: 'page', config: { page_key: 'page', limit_key: 'per_page' } }, { response_path: 'data.users' }],
    ['offset (short pages)', '/offset', { format: 'offset', config: { offset_key: 'offset', limit_key: 'limit' } }, { response_path: 'items' }],
    ['cursor in body', '/cursor', { format: 'cursor', config: { cursor_key: 'cursor', cursor_path: 'response_metadata.next_cursor', limit_key: 'limit' } }, { response_path: 'members' }],
    ['cursor in a header', '/cursor-header', { format: 'cursor', config: { cursor_key: 'after', cursor_path: 'x-next-cursor', cursor_path_object: 'header', limit_key: 'limit' } }, {}],
    ['cursor that is a link', '/next-link', { format: 'cursor', config: { cursor_path: '@odata.nextLink', is_link: true, limit_key: 'limit' } }, { response_path: 'value' }],
    ['link header', '/link', { format: 'link_header', config: { limit_key: 'per_page' } }, {}],
    ['range', '/range', { format: 'range', config: {} }, {}],
    [
      'dynamic (starting_after = last id)',
      '/starting-after',
      { format: 'dynamic', config: { limit_key: 'limit', expression: 'response.body.has_more ? { "query": { "starting_after": $reverse(records)[0].id, "limit": 5 } } : null' } },
      { response_path: 'data' },
    ],
    ['cursor in a POST body', '/search', { format: 'cursor', config: { cursor_key: 'start_cursor', cursor_path: 'next_cursor', has_next_path: 'has_more', limit_key: 'page_size', location: 'body' } }, { response_path: 'results', method: 'post' }],
  ])('%s: every record exactly once, in order', async (_label, path, pagination, extra) => {
    expect(await collect(target(path, pagination, extra))).toEqual(ALL);
  });

  it('stops with an error on a cursor that repeats, after yielding what it got', async () => {
    const ids: string[] = [];
    const run = async () => {
      for await (const p of engine.list(target('/repeating', { format: 'cursor', config: { cursor_key: 'cursor', cursor_path: 'response_metadata.next_cursor' } }, { response_path: 'members' }), 'users', 'list', {}, { limit: 5 })) {
        ids.push(...p.records.map((r) => (r as { id: string }).id));
      }
    };
    await expect(run()).rejects.toMatchObject({ code: 'PAGINATION_REPEATED_CURSOR', message: expect.stringContaining('same') });
    // The API served the same page twice; the loop stops at the second instead of going on forever.
    expect(ids).toHaveLength(10);
  });

  it('resumes from a checkpoint with exactly the remaining records', async () => {
    const t = target('/cursor', { format: 'cursor', config: { cursor_key: 'cursor', cursor_path: 'response_metadata.next_cursor', limit_key: 'limit' } }, { response_path: 'members' });
    const first = await engine.list(t, 'users', 'list', {}, { limit: 5 }).next();
    if (first.done) throw new Error('no page');
    const seen = first.value.records.map((r) => (r as { id: string }).id);
    for await (const p of engine.list(t, 'users', 'list', {}, { limit: 5, ...(first.value.next ? { resume: first.value.next } : {}) })) {
      seen.push(...p.records.map((r) => (r as { id: string }).id));
    }
    expect(seen).toEqual(ALL);
  });
});

describe('IntegrationEngine under faults', () => {
  const paged = () => target('/page', { format: 'page', config: { page_key: 'page', limit_key: 'per_page' } }, { response_path: 'data.users' });

  it.each<Fault['kind']>(['429-seconds', '429-date', '503', 'reset', 'slow'])('%s on every 3rd request: every record exactly once', async (kind) => {
    fault = { kind, every: 3 };
    expect(await collect(paged(), 3)).toEqual(ALL);
    if (kind !== 'slow') expect(hits).toBeGreaterThan(Math.ceil(USERS.length / 3) + 1);
  });

  it('a response slower than the timeout is abandoned and retried: every record exactly once', async () => {
    fault = { kind: 'hang', every: 3 };
    const impatient = new OutboundClient({ policy: parseOutboundAllow('127.0.0.0/8'), timeoutMs: 150 });
    const quick = new Executor({ client: impatient, gates: new ConnectionGates(), sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 20))) });
    const timeoutEngine = new IntegrationEngine((request, options) => quick.execute(request, { limits: { concurrency: 2 }, classify: options.classify, retry: { maxRetries: 5, maxRetryTimeMs: 10_000, baseDelayMs: 5, maxDelayMs: 20 } }));
    const ids: string[] = [];
    for await (const p of timeoutEngine.list(paged(), 'users', 'list', {}, { limit: 3 })) ids.push(...p.records.map((r) => (r as { id: string }).id));
    await impatient.close();
    expect(ids).toEqual(ALL);
    expect(hits).toBeGreaterThan(Math.ceil(USERS.length / 3) + 1);
  });

  it('never exceeds the definition\'s concurrency across parallel lists', async () => {
    fault = { kind: 'slow', every: 1 };
    const t = { ...paged(), config: { ...paged().config, concurrency: 2 } };
    const runs = await Promise.all([collect(t, 4), collect(t, 4), collect(t, 4), collect(t, 4)]);
    for (const ids of runs) expect(ids).toEqual(ALL);
    expect(maxInFlight).toBeLessThanOrEqual(2);
    expect(maxInFlight).toBe(2);
  });

  it('reports an API error answered with 200 through error_expression', async () => {
    const t = target('/ok-false', null, { error_expression: 'body.ok = false ? body.error' } as Partial<IntegrationConfig>);
    await expect(collect(t)).rejects.toMatchObject({ code: 'UPSTREAM_ERROR', message: expect.stringContaining('invalid_auth') });
    const seedStyle = target('/ok-false', null, { error_expression: '{{response.error}}' } as Partial<IntegrationConfig>);
    await expect(collect(seedStyle)).rejects.toBeInstanceOf(EngineError);
  });

  it('reports a 404 with the status', async () => {
    await expect(collect(target('/nowhere', null))).rejects.toMatchObject({ code: 'UPSTREAM_ERROR', details: { status: 404 } });
  });
});

describe('IntegrationEngine.call', () => {
  it.each<[string, IntegrationConfig['authorization'], Record<string, unknown>]>([
    ['bearer', { format: 'bearer', config: { token: '{{credentials.api_key}}' } }, { auth: 'Bearer k-123' }],
    ['basic', { format: 'basic', config: { username: '{{credentials.api_key}}', password: 'x' } }, { auth: `Basic ${Buffer.from('k-123:x').toString('base64')}` }],
    ['header', { format: 'header', config: { headers: { 'X-Api-Key': '{{credentials.api_key}}' } } }, { xkey: 'k-123' }],
    ['query', { format: 'query', config: { params: { api_key: '{{credentials.api_key}}' } } }, { key: 'k-123' }],
  ])('applies %s authorization', async (_label, authorization, expected) => {
    const t = target('/me', null, { authorization });
    const result = await engine.call(t, 'users', 'list');
    expect(result.body).toMatchObject(expected);
  });

  it('refreshes the OAuth token once on a 401, then succeeds', async () => {
    let refreshes = 0;
    const t: EngineTarget = {
      config: { base_url: base, resources: { users: { get: { method: 'get', path: '/me' } } } },
      credentials: {},
      context: {},
      token: async ({ force }) => {
        if (force) refreshes++;
        return { access_token: force ? 'fresh' : 'stale' };
      },
    };
    const result = await engine.call(t, 'users', 'get');
    expect(result.body).toMatchObject({ auth: 'Bearer stale' });
    expect(refreshes).toBe(0);
  });

  it('names the missing path value instead of sending {{...}}', async () => {
    const t: EngineTarget = { config: { base_url: base, resources: { users: { get: { method: 'get', path: '/users/{{id}}' } } } }, credentials: {}, context: {} };
    await expect(engine.call(t, 'users', 'get')).rejects.toMatchObject({ code: 'TEMPLATE_MISSING_VALUE', details: { missing: ['id'] } });
    expect(requests).toEqual([]);
  });

  it('refuses unknown resources and methods naming what exists', async () => {
    const t = target('/me', null);
    await expect(engine.call(t, 'orders', 'list')).rejects.toMatchObject({ code: 'RESOURCE_NOT_FOUND', message: expect.stringContaining('users') });
    await expect(engine.call(t, 'users', 'delete')).rejects.toMatchObject({ code: 'METHOD_NOT_FOUND', message: expect.stringContaining('list') });
  });
});
