import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiResponse, TestServer } from '../helpers/server.js';
import { startTestServer } from '../helpers/server.js';
import { json, startUpstream, type Upstream } from '../helpers/upstream.js';
import { buildWorld, pathFor, plantedSecrets, type PlantedSecrets, type World } from '../helpers/world.js';

/**
 * No secret in any response, log line, debug entry, audit entry, error message or stored row.
 * Distinctive secrets are planted in connections (REST, HTTP, integration credentials), in
 * integration definitions (OAuth2 client secret, webhook secret) and in an OAuth access token; the
 * upstream echoes whatever credentials it receives in its answers, good and bad. Every call the
 * team can make runs with the debug log on; everything the server says or writes is captured and
 * scanned.
 */

const ACCESS_TOKEN = 'PLANTED-access-token-0e9d8c';

let server: TestServer;
let upstream: Upstream;
let world: World;
let secrets: PlantedSecrets;
let oauthConnection: string;
const captured: string[] = [];
const processOutput: string[] = [];
let restoreOutput: () => void;

function allSecrets(): string[] {
  return [...Object.values(secrets), ACCESS_TOKEN];
}

/** Every table of this test's store: SQLite's, or the PostgreSQL schema and its pg-boss schema. */
async function storeTables(): Promise<Array<[string | undefined, string]>> {
  const db = server.context.store.db;
  if (server.storeEnv.kind === 'sqlite') {
    const result = await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db);
    return result.rows.map((row) => [undefined, row.name]);
  }
  const schema = server.storeEnv.env.SWITCHYARD_DATABASE_SCHEMA!;
  const result = await sql<{ table_schema: string; table_name: string }>`select table_schema, table_name from information_schema.tables where table_schema in (${schema}, ${`${schema}_boss`}) and table_type = 'BASE TABLE'`.execute(db);
  return result.rows.map((row) => [row.table_schema, row.table_name]);
}

/** Records every request and answer (status, headers, body). */
async function call(method: string, path: string, body?: unknown): Promise<ApiResponse> {
  const res = await server.request(method, path, body);
  captured.push(`${method} ${path} → ${res.status} ${JSON.stringify([...res.headers.entries()])} ${res.text}`);
  return res;
}

/** The upstream echoes the credentials it got; `/fail` answers 401 with them in the error. */
function echoingUpstream(): Parameters<Upstream['handle']>[0] {
  return (request, res) => {
    const echo = { authorization: request.headers.authorization, apiKey: request.headers['x-api-key'], url: request.url, body: request.body };
    if (request.url.startsWith('/token')) return json(res, 200, { access_token: ACCESS_TOKEN, token_type: 'bearer', expires_in: 3600 });
    if (request.url.includes('fail')) return json(res, 401, { error: 'invalid credentials', echo }, { 'www-authenticate': `Bearer error="${String(request.headers.authorization)}"` });
    return json(res, 200, { items: [{ id: 1, echo }], echo }, { 'x-echo': String(request.headers.authorization ?? request.headers['x-api-key'] ?? '') });
  };
}

beforeAll(async () => {
  const writes = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
  const tap = (original: typeof process.stdout.write) =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      processOutput.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stdout.write;
  process.stdout.write = tap(writes.out);
  process.stderr.write = tap(writes.err);
  restoreOutput = () => {
    process.stdout.write = writes.out;
    process.stderr.write = writes.err;
  };
  upstream = await startUpstream();
  upstream.handle(echoingUpstream());
  // trace: the most the logger ever writes.
  server = await startTestServer({ LOG_LEVEL: 'trace' });
  secrets = plantedSecrets('leak');
  world = await buildWorld(server, server.adminKey, upstream.url, secrets, 'leak');
  const connection = await call('POST', '/v1/connections', { type: 'integration', name: 'oauth leak', _integrationId: world.oauthDefinition });
  expect(connection.status, connection.text).toBe(201);
  oauthConnection = (connection.body as { _id: string })._id;
}, 120_000);

afterAll(async () => {
  restoreOutput?.();
  await server?.close();
  await upstream?.close();
});

describe('planted secrets never come back', () => {
  it('are absent from every response, log line, debug and audit entry, error message and stored row', async () => {
    const connections = [world.restConnection, world.httpConnection, world.integrationConnection, oauthConnection];
    const debugDate = new Date(Date.now() + 30 * 60_000).toISOString();
    for (const id of connections) expect((await call('PATCH', `/v1/connections/${id}`, [{ op: 'add', path: '/debugDate', value: debugDate }])).status).toBe(200);

    // Outbound calls that succeed and that fail, through every family.
    for (const id of connections) {
      await call('GET', `/v1/connections/${id}/ping`);
      await call('GET', `/v1/connections/${id}/proxy/items`);
      await call('POST', `/v1/connections/${id}/proxy/fail`, { hello: 'world' });
    }
    for (const id of [world.integrationConnection, oauthConnection]) {
      await call('GET', `/proxy/items?integrated_account_id=${id}`);
      await call('GET', `/proxy/items/1?integrated_account_id=${id}`);
    }
    await call('POST', '/v1/connections/ping', { type: 'http', name: 'adhoc', http: { baseURI: `${upstream.url}/fail`, auth: { type: 'token', token: { token: secrets.httpToken } } } });
    await call('POST', `/v1/connections/${world.httpConnection}/export`, { export: { http: { relativeURI: '/items', method: 'GET', response: { resourcePath: 'items' } } } });
    await call('POST', `/v1/connections/${world.httpConnection}/export`, { export: { http: { relativeURI: '/fail', method: 'GET' } } });
    await call('POST', `/v1/connections/${world.restConnection}/import`, { import: { mapping: { fields: [{ extract: 'id', generate: 'id' }] }, http: { relativeURI: '/fail', method: 'POST' } }, data: [{ id: 1 }] });
    await call('POST', `/v1/connections/${world.integrationConnection}/export`, { export: { resource: 'items', method: 'list' } });

    // A flow whose import fails, so per-record errors are stored and listed.
    const failing = await call('POST', '/v1/imports', { name: 'failing import', _connectionId: world.httpConnection, mapping: { fields: [{ extract: 'id', generate: 'id' }] }, http: { relativeURI: '/fail', method: 'POST' } });
    const flow = await call('POST', '/v1/flows', { name: 'leaky flow', pageGenerators: [{ _exportId: world.exportId }], pageProcessors: [{ type: 'import', _importId: (failing.body as { _id: string })._id }] });
    const run = await call('POST', `/v1/flows/${(flow.body as { _id: string })._id}/run`);
    await server.context.jobLoop.drain();
    const job = await call('GET', `/v1/jobs/${(run.body as { _jobId: string })._jobId}`);
    expect((job.body as { status: string }).status).not.toMatch(/queued|running/);
    await call('GET', `/v1/flows/${(flow.body as { _id: string })._id}/${(failing.body as { _id: string })._id}/errors`);

    // Error paths that quote what they were sent.
    await call('PATCH', `/v1/connections/${world.httpConnection}`, [{ op: 'test', path: '/http/auth/token/token', value: secrets.httpToken }]);
    await call('PATCH', `/v1/connections/${world.httpConnection}`, [{ op: 'replace', path: '/http/auth/token/token/nope', value: secrets.httpToken }]);
    await call('PATCH', `/v1/connections/${world.httpConnection}`, [{ op: 'bogus', path: '/http/auth/token/token', value: secrets.httpToken }]);
    await call('POST', '/v1/connections', { type: 'rest', name: 'bad', rest: { baseURI: 'not a url', bearerToken: secrets.restToken, authType: secrets.restToken } });
    await call('POST', '/v1/connections', { type: 'http', name: 'bad', http: { baseURI: upstream.url, auth: { type: 'token', token: { token: secrets.httpToken, location: secrets.httpToken } } } });
    await call('PATCH', `/integration/${world.definition}`, { config: { base_url: 'not a url', webhook: { signature_verification: { format: 'hmac', config: { secret: secrets.webhookSecret, algorithm: secrets.webhookSecret } } } } });
    await call('PUT', `/v1/connections/${world.restConnection}`, { type: 'rest', name: 'renamed', rest: { baseURI: upstream.url, authType: 'token', bearerToken: '******', tokenLocation: 'header', mediaType: 'json' } });

    // Every GET route of the table, on this team's objects, plus the audit and debug entries.
    for (const { methods, url } of server.app.routeTable) {
      if (!methods.includes('GET') || url.startsWith('/docs') || url.startsWith('/connect') || url.startsWith('/uploads') || url.startsWith('/oauth')) continue;
      const query = url === '/v1.0/files/url' ? '?name=x.json&type=application/json' : url.startsWith('/proxy') ? `?integrated_account_id=${world.integrationConnection}` : '';
      await call('GET', pathFor(world, url) + query);
    }
    for (const id of connections) {
      await call('GET', `/v1/connections/${id}/audit`);
      const debug = await call('GET', `/v1/connections/${id}/debug`);
      const entries = Array.isArray(debug.body) ? (debug.body as Array<{ _id?: string; id?: string }>) : [];
      expect(entries.length, `debug entries of ${id}`).toBeGreaterThan(0);
      for (const entry of entries) await call('GET', `/v1/connections/${id}/debug/${entry._id ?? entry.id}`);
    }

    // Everything the store holds, table by table (secrets are sealed, so none may show in clear).
    const rows: string[] = [];
    for (const [schema, name] of await storeTables()) {
      const table = schema === undefined ? sql.table(name) : sql.id(schema, name);
      const result = await sql<Record<string, unknown>>`select * from ${table}`.execute(server.context.store.db);
      rows.push(`${name} ${JSON.stringify(result.rows, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('latin1') : typeof v === 'bigint' ? String(v) : v))}`);
    }

    // The upstream did receive the credentials (so the scan below can fail), and the debug log was on.
    expect(upstream.requests.some((r) => r.headers.authorization === `Bearer ${secrets.httpToken}`)).toBe(true);
    expect(upstream.requests.some((r) => r.headers['x-api-key'] === secrets.apiKeyCredential)).toBe(true);
    expect(upstream.requests.some((r) => r.headers.authorization === `Bearer ${ACCESS_TOKEN}`)).toBe(true);

    const sources = {
      responses: captured.join('\n'),
      'server log': server.logs(),
      'process stdout/stderr': processOutput.join(''),
      store: rows.join('\n'),
    };
    expect(sources.responses.length).toBeGreaterThan(10_000);
    expect(sources.store).toMatch(/connections .*debug_entries|debug_entries .*connections/s);
    const leaks: string[] = [];
    for (const [where, text] of Object.entries(sources)) {
      for (const secret of allSecrets()) {
        let at = text.indexOf(secret);
        while (at !== -1 && leaks.length < 50) {
          leaks.push(`${where}: …${text.slice(Math.max(0, at - 160), at + secret.length + 40)}…`);
          at = text.indexOf(secret, at + 1);
        }
      }
    }
    expect(leaks).toEqual([]);
  }, 120_000);
});
