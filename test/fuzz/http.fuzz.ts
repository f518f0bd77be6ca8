import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, rawSocket, type RawRequest, type RawResponse } from '../helpers/raw-http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { json, startUpstream, type Upstream } from '../helpers/upstream.js';
import { buildWorld, idFor, plantedSecrets, type World } from '../helpers/world.js';
import { HOSTILE_QUERY_VALUES, HOSTILE_SEGMENTS, hostileAuthorizations, hostileBodies, LEAK_MARKERS, ODD_METHODS, TRAVERSAL_PATHS } from './http-cases.js';
import { fuzzSettings } from './setup.js';

/**
 * The HTTP fuzzer: walks every route of the server's route table (hidden ones included) and sends
 * what hostile clients send. Every answer must be a 4xx with `{"error":{"code","message","details"}}`
 * (a 502/504 when the upstream is at fault), never a 500, never a hang; the server must stay up.
 * Findings are collected and reported together so one run shows every problem.
 */

const BODY_LIMIT = 64 * 1024;
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const UPSTREAM_CODES = new Set(['UPSTREAM_ERROR', 'UPSTREAM_UNREACHABLE', 'UPSTREAM_TIMEOUT', 'OAUTH_FAILED', 'PAGINATION_FAILED']);

let server: TestServer;
let upstream: Upstream;
let world: World;
let openapi: OpenApiDoc;
const findings: string[] = [];
let sent = 0;

interface OpenApiOperation {
  parameters?: Array<{ name: string; in: string }>;
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}
interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
}
interface OpenApiDoc {
  paths: Record<string, Record<string, OpenApiOperation>>;
}

beforeAll(async () => {
  upstream = await startUpstream((request, res) => json(res, 200, { ok: true, items: [{ id: 1, name: 'one' }], echo: request.url }));
  server = await startTestServer({ SWITCHYARD_BODY_LIMIT: String(BODY_LIMIT), SWITCHYARD_AUTH_FAILURE_LIMIT: '0' });
  world = await buildWorld(server, server.adminKey, upstream.url, plantedSecrets('fuzz'), 'fuzz');
  openapi = (await server.request<OpenApiDoc>('GET', '/openapi.json')).body;
}, 120_000);

afterAll(async () => {
  await server?.close();
  await upstream?.close();
});

function paramNames(url: string): string[] {
  return [...url.matchAll(/:([A-Za-z_]+)|\*/g)].map((m) => m[1] ?? '*');
}

/** Fills the URL pattern: every parameter real, except `hostile` (name → raw segment). */
function fill(url: string, hostile?: { name: string; value: string }): string {
  return url.replace(/:([A-Za-z_]+)|\*/g, (_m, name: string | undefined) => {
    const key = name ?? '*';
    if (hostile && hostile.name === key) return hostile.value;
    return key === '*' ? 'items' : encodeURIComponent(idFor(world, url, key));
  });
}

function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z_]+)/g, '{$1}').replace(/\*$/, '{*}');
}

function operation(url: string, method: string): OpenApiOperation | undefined {
  return openapi.paths[openApiPath(url)]?.[method.toLowerCase()];
}

function wrongTypedBodies(op: OpenApiOperation | undefined): Array<{ label: string; body: string }> {
  const schema = op?.requestBody?.content?.['application/json']?.schema;
  const out: Array<{ label: string; body: string }> = [];
  for (const [name, prop] of Object.entries(schema?.properties ?? {})) {
    const types = [prop.type ?? 'any'].flat();
    const wrong = types.includes('string') ? 12345 : types.includes('object') ? ['not', 'an', 'object'] : types.includes('array') ? { not: 'array' } : 'not-a-number';
    out.push({ label: `wrong type for ${name}`, body: JSON.stringify({ [name]: wrong }) });
    out.push({ label: `null for ${name}`, body: JSON.stringify({ [name]: null }) });
  }
  return out;
}

function isErrorShape(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const error = (value as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return false;
  const { code, message, details } = error as Record<string, unknown>;
  return typeof code === 'string' && code !== '' && typeof message === 'string' && Array.isArray(details);
}

/**
 * The connect page and the OAuth callback are pages a person opens in a browser: their errors
 * are HTML pages (what a person can read), the one documented exception to the error shape.
 */
function isBrowserPage(path: string, response: RawResponse): boolean {
  return /^\/(connect|oauth\/callback)(\/|\?|$)/.test(path) && String(response.headers['content-type']).startsWith('text/html');
}

/** Checks one answer; a problem becomes a finding instead of stopping the run. */
function judge(label: string, request: RawRequest, response: RawResponse | Error): void {
  const where = `${label}: ${request.method} ${request.path.slice(0, 120)}`;
  if (response instanceof Error) {
    findings.push(`${where} → no answer (${response.message.slice(0, 200)})`);
    return;
  }
  const { status, json: body, text } = response;
  const snippet = text.slice(0, 300);
  const upstreamFault = (status === 502 || status === 504) && isErrorShape(body) && UPSTREAM_CODES.has((body as { error: { code: string } }).error.code);
  if (status >= 500 && !upstreamFault) findings.push(`${where} → ${status} ${snippet}`);
  if (status >= 400 && request.method !== 'HEAD' && !isErrorShape(body) && !isBrowserPage(request.path, response)) findings.push(`${where} → ${status} without the error shape: ${snippet}`);
  for (const marker of LEAK_MARKERS) if (text.includes(marker)) findings.push(`${where} → leaked "${marker}"`);
}

async function send(label: string, request: RawRequest): Promise<void> {
  sent++;
  let response: RawResponse | Error;
  try {
    response = await rawRequest(server.url, request);
  } catch (error) {
    response = error as Error;
  }
  judge(label, request, response);
}

/** Runs the requests a few at a time (the machine is small; the server must cope with overlap). */
async function pool(jobs: Array<() => Promise<void>>, width = 4): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < jobs.length) await jobs[next++]!();
    }),
  );
}

function routes(): Array<{ url: string; method: string }> {
  const seen = new Set<string>();
  const out: Array<{ url: string; method: string }> = [];
  for (const entry of server.app.routeTable) {
    for (const method of entry.methods) {
      const key = `${method} ${entry.url}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ url: entry.url, method });
    }
  }
  // Destructive calls last, so the other cases still find the objects.
  return out.sort((a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'));
}

const auth = () => ({ authorization: `Bearer ${server.adminKey}` });

describe('HTTP fuzzer over every route', () => {
  it('knows every route: the route table and /openapi.json agree', () => {
    const table = routes();
    expect(table.length).toBeGreaterThan(60);
    for (const [path, ops] of Object.entries(openapi.paths)) {
      for (const method of Object.keys(ops)) {
        const url = path.replace(/\{\*\}$/, '*').replace(/\{([^}]+)\}/g, ':$1');
        expect(table.some((r) => r.method === method.toUpperCase() && r.url === url), `${method} ${path} is in the route table`).toBe(true);
      }
    }
  });

  it('answers hostile headers, bodies and path segments on every route with a 4xx in the error shape', async () => {
    findings.length = 0;
    const jobs: Array<() => Promise<void>> = [];
    const bodies = hostileBodies(BODY_LIMIT);
    const randomBodies = fc.sample(fc.jsonValue({ maxDepth: 4 }), { seed: fuzzSettings.seed, numRuns: Math.max(3, Math.ceil(fuzzSettings.numRuns / 20)) });
    for (const { url, method } of routes()) {
      const path = fill(url);
      for (const { label, value } of hostileAuthorizations(server.adminKey)) {
        jobs.push(() => send(label, { method, path, headers: value === undefined ? {} : { authorization: value } }));
      }
      if (BODY_METHODS.has(method)) {
        for (const body of bodies) jobs.push(() => send(body.label, { method, path, headers: { ...auth(), ...body.headers }, body: body.body }));
        for (const body of wrongTypedBodies(operation(url, method))) {
          jobs.push(() => send(body.label, { method, path, headers: { ...auth(), 'content-type': 'application/json' }, body: body.body }));
        }
        randomBodies.forEach((value, i) =>
          jobs.push(() => send(`random body #${i}`, { method, path, headers: { ...auth(), 'content-type': 'application/json' }, body: JSON.stringify(value) })),
        );
      } else if (method === 'GET') {
        jobs.push(() => send('GET with a body', { method, path, headers: { ...auth(), 'content-type': 'application/json' }, body: '{"a":' }));
      }
      for (const name of paramNames(url)) {
        for (const value of HOSTILE_SEGMENTS) jobs.push(() => send(`hostile ${name}`, { method, path: fill(url, { name, value }), headers: auth() }));
      }
      for (const param of (operation(url, method)?.parameters ?? []).filter((p) => p.in === 'query')) {
        for (const value of HOSTILE_QUERY_VALUES) {
          jobs.push(() => send(`hostile query ${param.name}`, { method, path: `${path}?${param.name}=${encodeURIComponent(value)}`, headers: auth() }));
        }
        jobs.push(() => send(`repeated query ${param.name}`, { method, path: `${path}?${param.name}=1&${param.name}=2`, headers: auth() }));
      }
    }
    await pool(jobs);
    console.log(`[fuzz] ${sent} requests over ${routes().length} routes`);
    expect(findings).toEqual([]);
  }, 600_000);

  it('answers odd methods and traversal attempts with a 4xx and never serves a file outside its folder', async () => {
    findings.length = 0;
    const urls = [...new Set(routes().map((r) => r.url))];
    const jobs: Array<() => Promise<void>> = [];
    for (const url of urls) for (const method of ODD_METHODS) jobs.push(() => send('odd method', { method, path: fill(url), headers: auth() }));
    for (const path of TRAVERSAL_PATHS) {
      jobs.push(() => send('traversal', { method: 'GET', path, headers: auth() }));
      jobs.push(() => send('traversal (put)', { method: 'PUT', path, headers: { ...auth(), 'content-type': 'application/json' }, body: '{}' }));
    }
    await pool(jobs);
    expect(findings).toEqual([]);
  }, 300_000);

  it('answers requests the HTTP parser refuses (unknown method, raw null byte, broken framing) in the error shape', async () => {
    const cases = [
      'FOO /health HTTP/1.1\r\nHost: x\r\n\r\n',
      'GET /v1/connections/\u0000 HTTP/1.1\r\nHost: x\r\n\r\n',
      'POST /v1/connections HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
      'GET /health HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n',
      `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    ];
    for (const bytes of cases) {
      const answer = await rawSocket(server.url, bytes);
      const [head = '', body = ''] = answer.split('\r\n\r\n');
      expect(head, bytes.slice(0, 40)).toMatch(/^HTTP\/1\.1 4\d\d /);
      expect(isErrorShape(JSON.parse(body)), body).toBe(true);
    }
  });

  it('is still up and healthy after the fuzzing', async () => {
    const health = await rawRequest(server.url, { method: 'GET', path: '/health' });
    expect(health.status).toBe(200);
    expect(health.json).toMatchObject({ status: 'ok' });
    const list = await server.request<unknown[]>('GET', '/v1/connections');
    expect(list.status).toBe(200);
  });
});
