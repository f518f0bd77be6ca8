import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiResponse, TestServer } from '../helpers/server.js';
import { startTestServer } from '../helpers/server.js';
import { json, startUpstream, type Upstream } from '../helpers/upstream.js';
import { buildWorld, pathFor, plantedSecrets, type World } from '../helpers/world.js';

/**
 * Tenant isolation over the whole route table: team B, with a valid admin key, aims every route at
 * team A's objects. Each answer must be exactly the answer for an id that does not exist (so B
 * cannot even learn that A's object exists), A's upstream must receive no request during the
 * attack (no ping, proxy, export or import through A's connections), A's objects must be
 * unchanged afterwards, and no list B reads may contain an id of A.
 * A control call on B's own object proves each route reaches its handler with the body used.
 */

type ErrorBody = { error?: { code: string; message: string } };
type Body = (world: World) => unknown;

let server: TestServer;
let upstreamA: Upstream;
let upstreamB: Upstream;
let a: World;
let b: World;
let keyB: string;
/** An app account of B, with a sync, that the route walk does not delete (it deletes b.appAccount). */
let listedB: { appAccount: string; sync: string };

/** Bodies that are valid for each route, so the control call on B's own object passes validation. */
const BODIES: Record<string, Body> = {
  'PUT /v1/connections/:_id': (w) => ({ type: 'http', name: 'replaced', http: { baseURI: w === a ? upstreamA.url : upstreamB.url } }),
  'PATCH /v1/connections/:_id': () => [{ op: 'replace', path: '/name', value: 'patched' }],
  'POST /v1/connections/:_id/export': () => ({ export: { http: { relativeURI: '/items', method: 'GET', response: { resourcePath: 'items' } } } }),
  'POST /v1/connections/:_id/export/pages': () => ({ export: { pageSize: 5, http: { relativeURI: '/items', method: 'GET', response: { resourcePath: 'items' } } } }),
  'POST /v1/connections/:_id/import': () => ({ import: { mapping: { fields: [{ extract: 'id', generate: 'id' }] }, http: { relativeURI: '/records', method: 'POST' } }, data: [{ id: 1 }] }),
  'POST /v1/connections/:_id/import/map': () => ({ import: { mapping: { fields: [{ extract: 'id', generate: 'id' }] }, http: { relativeURI: '/records', method: 'POST' } }, data: [{ id: 1 }] }),
  'POST /v1/connections/:_id/oauth/authorize': () => ({}),
  'PUT /v1/exports/:_id': (w) => ({ name: 'replaced', _connectionId: w.httpConnection, http: { relativeURI: '/items', method: 'GET', response: { resourcePath: 'items' } } }),
  'PUT /v1/imports/:_id': (w) => ({ name: 'replaced', _connectionId: w.httpConnection, mapping: { fields: [{ extract: 'id', generate: 'externalId' }] }, http: { relativeURI: '/records', method: 'POST' } }),
  'PUT /v1/integrations/:_id': () => ({ name: 'replaced' }),
  'PUT /v1/flows/:_id': (w) => ({ name: 'replaced', _integrationId: w.flowGroup, pageGenerators: [{ _exportId: w.exportId }], pageProcessors: [{ type: 'import', _importId: w.importId }] }),
  'PUT /v1/flows/:flowId/:stepId/resolved': () => ({ errors: ['000000000000000000000000'] }),
  'POST /v1/flows/:flowId/:stepId/retry': () => ({ retryDataKeys: ['k'] }),
  'PATCH /integration/:id': () => ({ category: 'patched' }),
};

/** Routes without a tenant object in the path, or public ones with their own test below; why. */
const NOT_OBJECT_ROUTES: Record<string, string> = {
  '/v1/catalog/:name': 'the shipped catalogue is the same for every team',
  '/connect/:token': 'public page; the signed token is the credential (tokens test)',
  '/uploads/:token': 'public upload; the signed token is the credential (tokens test)',
  '/webhooks/:integration/:connection': 'public; covered by the webhook delivery case below',
  '/proxy/:resource': 'the connection comes in ?integrated_account_id (covered below)',
  '/proxy/:resource/:id': 'the connection comes in ?integrated_account_id (covered below)',
  '/proxy/:resource/:method': 'the connection comes in ?integrated_account_id (covered below)',
};

/** Same id shape, no such object: the last characters changed. */
function missingId(id: string): string {
  return id.slice(0, -4) + (id.endsWith('ffff') ? 'eeee' : 'ffff');
}

function missingWorld(world: World): World {
  const out = { ...world } as Record<string, unknown>;
  for (const [key, value] of Object.entries(world)) {
    if (key === 'key' || key === 'definitionName') continue;
    out[key] = typeof value === 'number' ? 987654 : key === 'filePath' ? `${missingId(String(value).split('/')[0]!)}/users.json` : missingId(String(value));
  }
  return out as unknown as World;
}

function idsOf(world: World): string[] {
  return Object.entries(world)
    .filter(([key]) => key !== 'key' && key !== 'definitionName')
    .map(([, value]) => String(value));
}

/** An answer with every id of A (and of the missing twin) replaced, for comparison. */
function normalise(res: ApiResponse, ids: string[]): string {
  let text = `${res.status} ${res.text}`;
  // Longest first, so an id that contains another (custom-<id>) is replaced whole.
  for (const id of [...ids].sort((x, y) => y.length - x.length)) text = text.replaceAll(id, '<id>').replaceAll(encodeURIComponent(id), '<id>');
  return text.replace(/request id \w+/g, 'request id <r>');
}

function objectRoutes(): Array<{ method: string; url: string }> {
  const out: Array<{ method: string; url: string }> = [];
  for (const { methods, url } of server.app.routeTable) {
    if (!url.includes(':') || url in NOT_OBJECT_ROUTES) continue;
    for (const method of methods) if (method !== 'HEAD') out.push({ method, url });
  }
  return out.sort((x, y) => Number(x.method === 'DELETE') - Number(y.method === 'DELETE'));
}

async function snapshot(world: World, key: string): Promise<string[]> {
  const paths = [
    `/v1/connections/${world.restConnection}`,
    `/v1/connections/${world.httpConnection}`,
    `/v1/connections/${world.integrationConnection}`,
    `/v1/exports/${world.exportId}`,
    `/v1/imports/${world.importId}`,
    `/v1/integrations/${world.flowGroup}`,
    `/v1/flows/${world.flow}`,
    `/integration/${world.definition}`,
    `/v1.0/apps/${world.app}`,
    `/v1.0/app-accounts/${world.appAccount}`,
    `/v1.0/services/sync/custom/${world.sync}`,
    `/v1.0/services/sync/custom?idAppAccount=${world.appAccount}`,
  ];
  return Promise.all(paths.map(async (path) => `${path} ${(await server.request('GET', path, undefined, { key })).text}`));
}

beforeAll(async () => {
  upstreamA = await startUpstream((_r, res) => json(res, 200, { items: [{ id: 1 }], ok: true }));
  upstreamB = await startUpstream((_r, res) => json(res, 200, { items: [{ id: 2 }], ok: true }));
  server = await startTestServer();
  a = await buildWorld(server, server.adminKey, upstreamA.url, plantedSecrets('team-a'), 'a');
  keyB = (await server.newTeam('team-b')).key;
  b = await buildWorld(server, keyB, upstreamB.url, plantedSecrets('team-b'), 'b');
  const account = await server.request<{ appAccount: { id: string } }>('POST', '/v1.0/app-accounts', { idApp: b.app, name: 'Listed b' }, { key: keyB });
  const sync = await server.request<{ sync: { id: string } }>('PUT', '/v1.0/services/sync/custom', { idFile: b.file, idAppAccount: account.body.appAccount.id }, { key: keyB });
  expect(sync.status, sync.text).toBe(202);
  listedB = { appAccount: account.body.appAccount.id, sync: sync.body.sync.id };
  await server.context.syncs.idle();
}, 120_000);

afterAll(async () => {
  await server?.close();
  await upstreamA?.close();
  await upstreamB?.close();
});

describe('tenant isolation over every route', () => {
  it("answers team B on team A's objects exactly as on objects that do not exist, and never reaches A's upstream", async () => {
    const routes = objectRoutes();
    expect(routes.length).toBeGreaterThan(40);
    const before = await snapshot(a, server.adminKey);
    const upstreamCalls = upstreamA.requests.length;
    const missing = missingWorld(a);
    const ids = [...idsOf(a), ...idsOf(missing)];
    const problems: string[] = [];
    for (const { method, url } of routes) {
      const body = BODIES[`${method} ${url}`];
      const call = (world: World) => server.request(method, pathFor(world, url), body?.(world === missing ? a : world), { key: keyB });
      const control = await call(b);
      const attack = await call(a);
      const absent = await call(missing);
      const label = `${method} ${url}`;
      // A 400 other than schema validation (NOT_AN_INTEGRATION_CONNECTION…) also proves the handler found B's object.
      if ([401, 403, 404].includes(control.status) || (control.status === 400 && control.text.includes('VALIDATION_FAILED'))) {
        problems.push(`${label}: the control call on B's own object got ${control.status} ${control.text.slice(0, 200)}`);
      }
      if (attack.status !== 404) problems.push(`${label}: B on A's object got ${attack.status} ${attack.text.slice(0, 200)}`);
      if (normalise(attack, ids) !== normalise(absent, ids)) problems.push(`${label}: B can tell A's object from a missing one:\n  ${normalise(attack, ids)}\n  ${normalise(absent, ids)}`);
    }
    expect(problems).toEqual([]);
    expect(upstreamA.requests.length, "A's upstream was called during B's attack").toBe(upstreamCalls);
    expect(await snapshot(a, server.adminKey)).toEqual(before);
  }, 120_000);

  it("answers B's bodies that reference A's objects exactly like references to missing ones", async () => {
    const missing = missingWorld(a);
    const ids = [...idsOf(a), ...idsOf(missing)];
    const cases: Array<[string, string, (w: World) => unknown]> = [
      ['POST', '/v1/exports', (w) => ({ name: 'steal', _connectionId: w.httpConnection, http: { relativeURI: '/items', method: 'GET' } })],
      ['POST', '/v1/imports', (w) => ({ name: 'steal', _connectionId: w.httpConnection, mapping: { fields: [{ extract: 'id', generate: 'id' }] }, http: { relativeURI: '/x', method: 'POST' } })],
      ['POST', '/v1/flows', (w) => ({ name: 'steal', pageGenerators: [{ _exportId: w.exportId }], pageProcessors: [{ type: 'import', _importId: w.importId }] })],
      ['POST', '/v1/flows', (w) => ({ name: 'steal', _integrationId: w.flowGroup, pageGenerators: [{ _exportId: b.exportId }], pageProcessors: [{ type: 'import', _importId: b.importId }] })],
      ['POST', '/v1/connections', (w) => ({ type: 'integration', name: 'steal', _integrationId: w.definition, credentials: { api_key: 'x' } })],
      ['POST', '/v1/connect-tokens', (w) => ({ _integrationId: w.definition })],
      ['POST', '/v1.0/files', (w) => ({ path: w.filePath, type: 'customIntegrationData' })],
      ['PUT', '/v1.0/services/sync/custom', (w) => ({ idFile: w.file, idAppAccount: b.appAccount })],
      ['PUT', '/v1.0/services/sync/custom', (w) => ({ idFile: b.file, idAppAccount: w.appAccount })],
      ['POST', '/v1.0/app-accounts', (w) => ({ idApp: w.app, name: 'steal' })],
    ];
    const problems: string[] = [];
    for (const [method, path, body] of cases) {
      const attack = await server.request(method, path, body(a), { key: keyB });
      const absent = await server.request(method, path, body(missing), { key: keyB });
      if (attack.status < 400) problems.push(`${method} ${path}: B used A's object (${attack.status}) with ${JSON.stringify(body(a))}`);
      if (normalise(attack, ids) !== normalise(absent, ids)) problems.push(`${method} ${path}: B can tell A's object from a missing one:\n  ${normalise(attack, ids)}\n  ${normalise(absent, ids)}`);
    }
    // The list of an app account's syncs names its account in the query.
    const syncsAttack = await server.request('GET', `/v1.0/services/sync/custom?idAppAccount=${a.appAccount}`, undefined, { key: keyB });
    const syncsAbsent = await server.request('GET', `/v1.0/services/sync/custom?idAppAccount=${missing.appAccount}`, undefined, { key: keyB });
    expect(syncsAttack.status).toBe(404);
    expect(normalise(syncsAttack, ids)).toBe(normalise(syncsAbsent, ids));
    const syncsControl = await server.request<{ syncs: Array<{ id: string }> }>('GET', `/v1.0/services/sync/custom?idAppAccount=${listedB.appAccount}`, undefined, { key: keyB });
    expect(syncsControl.body.syncs.map((s) => s.id)).toEqual([listedB.sync]);
    const proxyAttack = await server.request('GET', `/proxy/items?integrated_account_id=${a.integrationConnection}`, undefined, { key: keyB });
    const proxyAbsent = await server.request('GET', `/proxy/items?integrated_account_id=${missing.integrationConnection}`, undefined, { key: keyB });
    expect(proxyAttack.status).toBe(404);
    expect(normalise(proxyAttack, ids)).toBe(normalise(proxyAbsent, ids));
    expect(problems).toEqual([]);
  });

  it("refuses a webhook for B's integration addressed to A's connection like one for a missing connection", async () => {
    const secret = plantedSecrets('team-b').webhookSecret;
    const payload = JSON.stringify({ event: 'spoof' });
    const headers = { 'content-type': 'application/json', 'x-signature': createHmac('sha256', secret).update(payload).digest('hex') };
    const attack = await server.request<ErrorBody>('POST', `/webhooks/${b.definition}/${a.integrationConnection}`, undefined, { key: null, raw: payload, headers });
    const absent = await server.request<ErrorBody>('POST', `/webhooks/${b.definition}/${missingId(a.integrationConnection)}`, undefined, { key: null, raw: payload, headers });
    expect(attack.status).toBe(404);
    expect(normalise(attack, [a.integrationConnection, missingId(a.integrationConnection)])).toBe(normalise(absent, [a.integrationConnection, missingId(a.integrationConnection)]));
    const events = await server.request<unknown[]>('GET', `/v1/connections/${a.integrationConnection}/webhook-events`);
    expect(JSON.stringify(events.body)).not.toContain('spoof');
  });

  it("never shows an id of A in anything B lists", async () => {
    const lists = server.app.routeTable.filter((r) => r.methods.includes('GET') && !r.url.includes(':') && !r.url.includes('*') && !r.url.startsWith('/docs') && r.url !== '/openapi.json' && r.url !== '/health' && r.url !== '/schemas/integration.json' && r.url !== '/oauth/callback');
    expect(lists.length).toBeGreaterThan(8);
    const ids = idsOf(a);
    for (const { url } of lists) {
      const query = url === '/v1.0/files/url' ? '?name=x.json&type=application/json' : url.startsWith('/proxy') ? `?integrated_account_id=${b.integrationConnection}` : url === '/v1.0/services/sync/custom' ? `?idAppAccount=${listedB.appAccount}` : '';
      const res = await server.request('GET', url + query, undefined, { key: keyB });
      expect(res.status, `${url}: ${res.text.slice(0, 200)}`).toBeLessThan(300);
      for (const id of ids) expect(res.text, `${url} shows A's ${id}`).not.toContain(id);
      expect(res.text).not.toMatch(/\b(rest|http|int|export|import|flow|group|App|Account) a\b/);
    }
  });
});
