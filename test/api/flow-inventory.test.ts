import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InventoryTarget } from '../../src/inventory/flow-target.js';
import { OnceFilter } from '../../src/jobs/export-filters.js';
import type { JobRepository } from '../../src/jobs/repository.js';
import { FlowRunner } from '../../src/jobs/runner.js';
import { replay as okta } from '../catalog/replay/okta.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * The switchyard-inventory import target end to end: a flow reads Okta's users (the catalogue
 * definition, through an integration connection, against a local replay of Okta's API, three
 * users a page) and syncs them into an app account of the inventory.
 */

type Job = { _id: string; status: string; counts: { pages: number; exported: number; imported: number; failed: number; ignored: number }; error?: string | null };
type ErrorBody = { error: { code: string; message: string; details: Array<{ field: string; message: string }> } };
type InvUser = { email: string; firstName: string | null; lastName: string | null; status: string; externalStatus: string | null; removedAt: string | null; idAppAccount: string };

let server: TestServer;
let fake: http.Server;
let fakeUrl: string;
/** Okta ids the fake leaves out of its lists: "removed upstream". */
const hidden = new Set<string>();
/** Okta ids whose email the fake garbles, to make a record the inventory refuses. */
const garbled = new Set<string>();
let connectionId: string;
let appId: string;

const OKTA_IDS = okta.expectedIds;

beforeAll(async () => {
  server = await startTestServer();
  fake = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answer = okta.handle({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString() }, fakeUrl);
      let body = answer.body;
      if (Array.isArray(body)) {
        body = (body as Array<{ id: string; profile: Record<string, unknown> }>)
          .filter((u) => !hidden.has(u.id))
          .map((u) => (garbled.has(u.id) ? { ...u, profile: { ...u.profile, email: 'not an email' } } : u));
      }
      res.writeHead(answer.status, { 'content-type': 'application/json', ...(answer.headers ?? {}) });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
  fakeUrl = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;

  const integration = await server.request<{ id: string }>('POST', '/integration', { from_catalog: 'okta', name: 'okta-replay', config: { base_url: fakeUrl } });
  expect(integration.status, integration.text).toBe(201);
  const connection = await server.request<{ _id: string }>('POST', '/v1/connections', {
    type: 'integration',
    name: 'Okta',
    _integrationId: integration.body.id,
    credentials: okta.credentials,
    context: okta.context,
  });
  expect(connection.status, connection.text).toBe(201);
  connectionId = connection.body._id;
  appId = (await server.request<{ app: { id: string } }>('POST', '/v1.0/apps/custom', { name: 'Okta (replay org)', category: 'IT Management' })).body.app.id;
});
afterAll(async () => {
  fake.closeAllConnections();
  await new Promise((resolve) => fake.close(resolve));
  await server.close();
});

const MAPPING = {
  mapping: {
    fields: [
      { extract: 'profile.email', generate: 'email' },
      { extract: 'id', generate: 'id' },
      { extract: 'profile.firstName', generate: 'firstName' },
      { extract: 'profile.lastName', generate: 'lastName' },
      { extract: 'status', generate: 'status', lookupName: 'oktaStatus' },
      { extract: 'status', generate: 'externalStatus' },
      { extract: 'lastLogin', generate: 'lastUsedDate', discardIfEmpty: true },
    ],
  },
  lookups: [{ name: 'oktaStatus', map: { ACTIVE: 'active', PROVISIONED: 'active', STAGED: 'active', SUSPENDED: 'active', LOCKED_OUT: 'active', DEPROVISIONED: 'deleted' } }],
};

async function anAccount(name: string): Promise<string> {
  const res = await server.request<{ appAccount: { id: string } }>('POST', '/v1.0/app-accounts', { idApp: appId, name });
  expect(res.status, res.text).toBe(200);
  return res.body.appAccount.id;
}

/** Okta users → inventory flow into a new app account; answers the ids. */
async function aFlow(mode: 'replace' | 'upsert', exportType: 'all' | 'once' = 'all') {
  const account = await anAccount(`Okta ${mode} ${exportType}`);
  const exp = await server.request<{ _id: string }>('POST', '/v1/exports', { name: 'Okta users', _connectionId: connectionId, resource: 'users', method: 'list', pageSize: 3, type: exportType });
  expect(exp.status, exp.text).toBe(201);
  const imp = await server.request<{ _id: string; _connectionId?: string }>('POST', '/v1/imports', { name: 'Okta users → inventory', ...MAPPING, inventory: { idAppAccount: account, mode } });
  expect(imp.status, imp.text).toBe(201);
  expect(imp.body._connectionId).toBeUndefined();
  const flow = await server.request<{ _id: string }>('POST', '/v1/flows', {
    name: `Okta → inventory (${mode})`,
    pageGenerators: [{ _exportId: exp.body._id }],
    pageProcessors: [{ type: 'import', _importId: imp.body._id }],
    schedule: '0 * * * *',
  });
  expect(flow.status, flow.text).toBe(201);
  return { account, flowId: flow.body._id, importId: imp.body._id };
}

async function run(flowId: string): Promise<Job> {
  const started = await server.request<{ _jobId: string }>('POST', `/v1/flows/${flowId}/run`);
  expect(started.status, started.text).toBe(202);
  await server.context.jobLoop.drain();
  return (await server.request<Job>('GET', `/v1/jobs/${started.body._jobId}`)).body;
}

async function accountUsers(account: string, includeRemoved = true): Promise<InvUser[]> {
  const res = await server.request<{ users: InvUser[] }>('GET', `/v1.0/apps/${appId}/users?idAppAccount=${account}&includeRemoved=${includeRemoved}&limit=100`);
  expect(res.status, res.text).toBe(200);
  return res.body.users.sort((a, b) => a.email.localeCompare(b.email));
}

async function rows(account: string) {
  return server.context.store.db.selectFrom('inv_users').selectAll().where('app_account_id', '=', account).orderBy('email').execute();
}

describe('flow import target switchyard-inventory', () => {
  it('syncs an app’s users into the inventory, idempotently, and marks users removed upstream as removed', async () => {
    hidden.clear();
    garbled.clear();
    const { account, flowId } = await aFlow('replace');
    const first = await run(flowId);
    expect(first).toMatchObject({ status: 'success', counts: { exported: 7, imported: 7, failed: 0 } });
    expect(first.counts.pages).toBeGreaterThanOrEqual(3);

    const users = await accountUsers(account);
    expect(users.map((u) => u.email)).toEqual(['ada', 'alan', 'barbara', 'edsger', 'grace', 'katherine', 'linus'].map((n) => `${n}@acme.example`));
    expect(users.find((u) => u.email === 'ada@acme.example')).toMatchObject({ firstName: 'Ada', lastName: 'Lovelace', status: 'active', externalStatus: 'ACTIVE', removedAt: null, idAppAccount: account });
    const across = await server.request<{ users: InvUser[] }>('GET', '/v1.0/users?limit=1000');
    expect(across.body.users.filter((u) => u.idAppAccount === account)).toHaveLength(7);
    const accountView = await server.request<{ appAccount: { lastSyncStatus: string; lastSyncTime: string } }>('GET', `/v1.0/app-accounts/${account}`);
    expect(accountView.body.appAccount).toMatchObject({ lastSyncStatus: 'success', lastSyncTime: expect.any(String) });

    // A second run writes the same users: nothing changes but the run marker.
    const before = (await rows(account)).map(({ seen_sync: _, ...row }) => row);
    const second = await run(flowId);
    expect(second).toMatchObject({ status: 'success', counts: { exported: 7, imported: 7 } });
    expect((await rows(account)).map(({ seen_sync: _, ...row }) => row)).toEqual(before);

    // Grace leaves Okta: the next run marks her removed, with the date, and keeps the others.
    hidden.add(OKTA_IDS[1] as string);
    const third = await run(flowId);
    expect(third).toMatchObject({ status: 'success', counts: { exported: 6, imported: 6 } });
    const after = await accountUsers(account);
    expect(after.find((u) => u.email === 'grace@acme.example')?.removedAt).toEqual(expect.any(String));
    expect(after.filter((u) => u.removedAt === null)).toHaveLength(6);
    expect((await accountUsers(account, false)).map((u) => u.email)).not.toContain('grace@acme.example');

    // She comes back: no longer removed.
    hidden.clear();
    await run(flowId);
    expect((await accountUsers(account)).every((u) => u.removedAt === null)).toBe(true);
  });

  it('reports a record the inventory refuses as a per-record error, and removes nobody in that run', async () => {
    hidden.clear();
    garbled.clear();
    const { account, flowId, importId } = await aFlow('replace');
    await run(flowId);
    garbled.add(OKTA_IDS[2] as string);
    hidden.add(OKTA_IDS[3] as string);
    const partial = await run(flowId);
    expect(partial).toMatchObject({ status: 'partial', counts: { exported: 6, imported: 5, failed: 1 } });
    const errors = await server.request<{ errors: Array<{ code: string; message: string; source: string; classification: string }> }>('GET', `/v1/flows/${flowId}/${importId}/errors`);
    expect(errors.body.errors).toEqual([expect.objectContaining({ code: 'INVENTORY_USER_INVALID', source: 'import', classification: 'value', message: 'email: must be an email address like "ada@example.com", not "not an email"' })]);
    // A failed record may be a user who still exists: a partial run marks nobody removed.
    expect((await accountUsers(account)).every((u) => u.removedAt === null)).toBe(true);
    hidden.clear();
    garbled.clear();
  });

  it('upsert mode and delta/once exports never mark users removed', async () => {
    hidden.clear();
    const upsert = await aFlow('upsert');
    await run(upsert.flowId);
    hidden.add(OKTA_IDS[0] as string);
    expect(await run(upsert.flowId)).toMatchObject({ status: 'success', counts: { imported: 6 } });
    expect((await accountUsers(upsert.account)).every((u) => u.removedAt === null)).toBe(true);

    hidden.clear();
    const once = await aFlow('replace', 'once');
    expect(await run(once.flowId)).toMatchObject({ status: 'success', counts: { imported: 7 } });
    // The once export delivers nothing new: a replace would wrongly remove everyone.
    expect(await run(once.flowId)).toMatchObject({ status: 'success', counts: { exported: 0 } });
    expect((await accountUsers(once.account)).every((u) => u.removedAt === null)).toBe(true);
  });

  it('resumes a run whose worker died mid-page without losing or removing anyone', async () => {
    hidden.clear();
    const { account, flowId } = await aFlow('replace');
    await run(flowId);
    hidden.add(OKTA_IDS[6] as string);
    const ctx = server.context;
    const deps = { flows: ctx.flows, savedExports: ctx.savedExports, savedImports: ctx.savedImports, exports: ctx.exports, imports: ctx.imports, connections: ctx.connections, once: new OnceFilter(ctx.store.db), inventory: new InventoryTarget({ db: ctx.store.db, apps: ctx.apps }) };
    // A worker that dies after writing page 2's records, before committing its checkpoint.
    let commits = 0;
    const dying = Object.create(ctx.jobs) as JobRepository;
    dying.commit = async (job, update) => (++commits === 4 ? false : ctx.jobs.commit(job, update));
    const started = await server.request<{ _jobId: string }>('POST', `/v1/flows/${flowId}/run`);
    const claimed = await ctx.jobs.claim('dying-worker', 60_000, { jobId: started.body._jobId });
    if (!claimed) throw new Error('not claimed');
    await new FlowRunner({ ...deps, jobs: dying, leaseMs: 60_000 }).run(claimed);
    expect((await server.request<Job>('GET', `/v1/jobs/${claimed.id}`)).body.status).toBe('running');
    const written = await ctx.store.db.selectFrom('job_records').select('record_key').where('job_id', '=', claimed.id).execute();
    expect(written.length).toBe(6);

    // Its lease runs out; another worker takes over at page 2 and writes only what is missing.
    const takeover = await ctx.jobs.claim('second-worker', 60_000, { jobId: claimed.id, now: new Date(Date.now() + 120_000) });
    if (!takeover) throw new Error('not taken over');
    expect(takeover.attempt).toBe(2);
    await new FlowRunner({ ...deps, jobs: ctx.jobs, leaseMs: 60_000 }).run(takeover);
    const job = (await server.request<Job>('GET', `/v1/jobs/${claimed.id}`)).body;
    expect(job).toMatchObject({ status: 'success', counts: { exported: 6, imported: 6, failed: 0 } });
    const users = await accountUsers(account);
    expect(users.filter((u) => u.removedAt === null).map((u) => u.email)).toHaveLength(6);
    expect(users.find((u) => u.email === 'linus@acme.example')?.removedAt).toEqual(expect.any(String));
    hidden.clear();
  });
});

describe('saving an inventory import', () => {
  it('needs an app account of the team and no connection', async () => {
    const account = await anAccount('validation');
    const other = await server.newTeam('other team');
    const foreign = await server.request<ErrorBody>('POST', '/v1/imports', { name: 'x', inventory: { idAppAccount: account } }, { key: other.key });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'inventory.idAppAccount', message: 'is not an app account of your team' }] });

    const withConnection = await server.request<ErrorBody>('POST', '/v1/imports', { name: 'x', _connectionId: connectionId, inventory: { idAppAccount: account } });
    expect(withConnection.status).toBe(400);
    expect(withConnection.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: '_connectionId' })]));

    const noConnection = await server.request<ErrorBody>('POST', '/v1/imports', { name: 'x', http: { relativeURI: '/x', method: 'POST' } });
    expect(noConnection.status).toBe(400);
    expect(noConnection.body.error.details).toEqual([{ field: '_connectionId', message: 'is required: the connection it runs through' }]);

    const badMode = await server.request<ErrorBody>('POST', '/v1/imports', { name: 'x', inventory: { idAppAccount: account, mode: 'merge' } });
    expect(badMode.status).toBe(400);

    const lookup = await server.request<ErrorBody>('POST', '/v1/imports', { name: 'x', inventory: { idAppAccount: account }, existingLookup: { relativeURI: '/x' } });
    expect(lookup.status).toBe(400);
    expect(lookup.body.error.details[0]).toMatchObject({ field: 'existingLookup' });

    const saved = await server.request<{ _id: string; inventory: unknown }>('POST', '/v1/imports', { name: 'ok', inventory: { idAppAccount: account } });
    expect(saved.status, saved.text).toBe(201);
    expect(saved.body.inventory).toEqual({ idAppAccount: account });
    // Another team cannot see it.
    expect((await server.request('GET', `/v1/imports/${saved.body._id}`, undefined, { key: other.key })).status).toBe(404);
  });

  it('fails the run when the app account was deleted since', async () => {
    const account = await anAccount('to delete');
    const exp = await server.request<{ _id: string }>('POST', '/v1/exports', { name: 'Okta users', _connectionId: connectionId, resource: 'users', pageSize: 3 });
    const imp = await server.request<{ _id: string }>('POST', '/v1/imports', { name: 'gone', ...MAPPING, inventory: { idAppAccount: account, mode: 'replace' } });
    const flow = await server.request<{ _id: string }>('POST', '/v1/flows', { name: 'gone', pageGenerators: [{ _exportId: exp.body._id }], pageProcessors: [{ type: 'import', _importId: imp.body._id }] });
    expect((await server.request('DELETE', `/v1.0/app-accounts/${account}`)).status).toBe(204);
    const job = await run(flow.body._id);
    expect(job.status).toBe('failed');
    expect(await rows(account)).toEqual([]);
  });
});
