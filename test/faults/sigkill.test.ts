import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createChaosFlow, deliveryGaps, FINAL, type JobView } from '../helpers/fault-flows.js';
import { type ChaosSource, type RecordingTarget, seeded, startChaosSource, startRecordingTarget } from '../helpers/faults.js';
import { call, killAll, type ServerProcess, startServerProcess, startWorkerProcess, type WorkerProcess } from '../helpers/process.js';
import { createTestStoreEnv, type TestStoreEnv } from '../helpers/store.js';

/**
 * SIGKILL at random (seeded) points: of `switchyard start` during a flow and during a file sync,
 * and of `switchyard worker`s during flows (PostgreSQL). After each kill the process is started
 * again on the same store. What was accepted (a 201, a 202) is never lost; no record is applied
 * twice (the target honours Idempotency-Key, which covers a write whose ledger note died with
 * the process); every run finishes.
 */
const KEY = 'sy_fault_sigkill_bootstrap_key_00000001';
const SEED = Number(process.env.FAULT_SEED ?? 20261123);
const onPostgres = process.env.SWITCHYARD_TEST_STORE === 'postgres';

let storeEnv: TestStoreEnv | undefined;
let source: ChaosSource | undefined;
let target: RecordingTarget | undefined;

afterEach(async () => {
  await killAll();
  await source?.close();
  await target?.close();
  await storeEnv?.destroy();
  storeEnv = source = target = undefined;
});
afterAll(killAll);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function api<T>(url: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await call<T>(`${url}${path}`, method, { key: KEY, ...(body === undefined ? {} : { body }) });
  if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

async function waitForJobs(url: string, ids: string[], timeoutMs: number): Promise<JobView[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const jobs = await Promise.all(ids.map((id) => api<JobView>(url, 'GET', `/v1/jobs/${id}`)));
    if (jobs.every((job) => FINAL.has(job.status))) return jobs;
    if (Date.now() > until) throw new Error(`runs did not finish: ${jobs.map((j) => `${j._id} ${j.status} ${JSON.stringify(j.counts)}`).join('; ')}`);
    await sleep(200);
  }
}

describe('SIGKILL of the server at random points during a flow', () => {
  it('loses no accepted write, applies no record twice, and finishes the run', async () => {
    const TOTAL = 6_000;
    const random = seeded(SEED);
    storeEnv = createTestStoreEnv();
    source = await startChaosSource({ total: TOTAL, pageSize: 100, rate: 0, seed: SEED, delayMs: 40 });
    target = await startRecordingTarget({ rate: 0, seed: SEED, idempotency: true });
    const env = { ...storeEnv.env, SWITCHYARD_BOOTSTRAP_KEY: KEY, SWITCHYARD_OUTBOUND_ALLOW: '127.0.0.0/8', SWITCHYARD_JOB_LEASE_MS: '2000' };
    let server: ServerProcess = await startServerProcess(env);
    const { flowId } = await createChaosFlow((m, p, b) => call(`${server.url}${p}`, m, { key: KEY, ...(b === undefined ? {} : { body: b }) }), {
      sourceUrl: source.url,
      targetUrl: target.url,
      batchSize: 20,
    });
    const jobId = (await api<{ _jobId: string }>(server.url, 'POST', `/v1/flows/${flowId}/run`))._jobId;

    // Writes the API accepted (201) while the run goes on, up to the instant of each kill.
    const accepted: string[] = [];
    let kills = 0;
    for (let round = 0; round < 3; round++) {
      const writer = (async () => {
        for (let i = 0; ; i++) {
          const res = await call<{ _id: string }>(`${server.url}/v1/connections`, 'POST', { key: KEY, body: { type: 'http', name: `accepted ${round}.${i}`, http: { baseURI: 'http://127.0.0.1:9' } } }).catch(() => undefined);
          if (!res) return;
          if (res.status === 201) accepted.push(res.body._id);
          await sleep(25);
        }
      })();
      await sleep(300 + Math.floor(random() * 1500));
      if (target.applied.size >= TOTAL) break;
      await server.stop('SIGKILL');
      kills++;
      await writer;
      server = await startServerProcess(env);
    }
    expect(kills).toBeGreaterThan(0);
    const [job] = await waitForJobs(server.url, [jobId], 90_000);
    expect(job).toMatchObject({ status: 'success', error: null, counts: { exported: TOTAL, imported: TOTAL, failed: 0 } });
    expect(job?.attempt).toBeGreaterThan(1);
    expect(deliveryGaps(target.applied, TOTAL)).toEqual({ missing: [], twice: [] });

    for (const id of accepted) {
      const res = await call(`${server.url}/v1/connections/${id}`, 'GET', { key: KEY });
      expect(res.status, `accepted connection ${id}`).toBe(200);
    }
    expect(accepted.length).toBeGreaterThan(0);
  }, 180_000);
});

describe('SIGKILL of the server at random points during a file sync', () => {
  it('keeps the previous state until the sync commits, then completes it once', async () => {
    const USERS = 100_000;
    const random = seeded(SEED + 1);
    storeEnv = createTestStoreEnv();
    const env = { ...storeEnv.env, SWITCHYARD_BOOTSTRAP_KEY: KEY, SWITCHYARD_JOB_LEASE_MS: '2000' };
    let server = await startServerProcess(env);
    const app = await api<{ app: { id: string } }>(server.url, 'POST', '/v1.0/apps/custom', { name: 'Killed' });
    const account = (await api<{ appAccount: { id: string } }>(server.url, 'POST', '/v1.0/app-accounts', { idApp: app.app.id, name: 'Killed' })).appAccount.id;
    const upload = async (payload: string): Promise<number> => {
      const url = await api<{ uploadFileParameters: { url: string; filePath: string } }>(server.url, 'GET', '/v1.0/files/url?name=users.json&type=application/json');
      const put = await fetch(url.uploadFileParameters.url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: payload });
      expect(put.status).toBe(200);
      return (await api<{ id: number }>(server.url, 'POST', '/v1.0/files', { path: url.uploadFileParameters.filePath, type: 'customIntegrationData' })).id;
    };
    const users = Array.from({ length: USERS }, (_, i) => `{"email":"k${i}@x.test","firstName":"K ${i}"}`);
    const file = await upload(`{"users":[${users.join(',')}],"licenses":[{"name":"Pro","users":[{"email":"k1@x.test"},{"email":"k2@x.test"}]}]}`);
    const sync = (await api<{ sync: { id: string } }>(server.url, 'PUT', '/v1.0/services/sync/custom', { idFile: file, idAppAccount: account })).sync.id;

    // No status request before a kill: on SQLite a sync holds the event loop while it applies.
    let kills = 0;
    for (let round = 0; round < 2; round++) {
      await sleep(100 + Math.floor(random() * 400));
      await server.stop('SIGKILL');
      const store = await storeEnv.open();
      try {
        const state = await store.db.selectFrom('syncs').select('status').where('id', '=', sync).executeTakeFirstOrThrow();
        const applied = await store.db.selectFrom('inv_users').select((eb) => eb.fn.countAll<number>().as('n')).where('app_account_id', '=', account).executeTakeFirstOrThrow();
        if (state.status === 'running') {
          kills++;
          // Killed mid-sync: nothing of it is visible (it applies in one transaction).
          expect(Number(applied.n)).toBe(0);
        }
      } finally {
        await store.close();
      }
      server = await startServerProcess(env);
    }
    expect(kills, 'kills that hit the sync while it ran').toBeGreaterThan(0);
    const until = Date.now() + 90_000;
    let done: { status: string; counts: Record<string, number> };
    for (;;) {
      done = (await api<{ sync: { status: string; counts: Record<string, number> } }>(server.url, 'GET', `/v1.0/services/sync/custom/${sync}`)).sync;
      if (done.status !== 'running' || Date.now() > until) break;
      await sleep(200);
    }
    expect(done).toMatchObject({ status: 'success', counts: { users: USERS, licenses: 1, licenseUsers: 2 } });
    const store = await storeEnv.open();
    try {
      const rows = await store.db.selectFrom('inv_users').select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.count<number>('email').distinct().as('emails')]).where('app_account_id', '=', account).executeTakeFirstOrThrow();
      expect({ n: Number(rows.n), emails: Number(rows.emails) }).toEqual({ n: USERS, emails: USERS });
    } finally {
      await store.close();
    }
  }, 180_000);
});

describe.skipIf(!onPostgres)('SIGKILL of workers at random points (PostgreSQL, two workers, API without jobs)', () => {
  it('every run finishes with each record applied exactly once', async () => {
    const FLOWS = 6;
    const PER_FLOW = 1_500;
    const random = seeded(SEED + 2);
    storeEnv = createTestStoreEnv();
    source = await startChaosSource({ total: PER_FLOW, pageSize: 50, rate: 0, seed: SEED, delayMs: 30 });
    // One target for all flows: each posts to /f<n>/contacts, so its refs are counted apart.
    target = await startRecordingTarget({ rate: 0, seed: SEED, idempotency: true });
    const env = { ...storeEnv.env, SWITCHYARD_OUTBOUND_ALLOW: '127.0.0.0/8', SWITCHYARD_JOB_LEASE_MS: '2000' };
    const server = await startServerProcess({ ...env, SWITCHYARD_RUN_JOBS: 'false', SWITCHYARD_BOOTSTRAP_KEY: KEY });
    const workers: WorkerProcess[] = [await startWorkerProcess(env), await startWorkerProcess(env)];
    const jobs: string[] = [];
    const flows: string[] = [];
    for (let f = 0; f < FLOWS; f++) {
      const { flowId } = await createChaosFlow((m, p, b) => call(`${server.url}${p}`, m, { key: KEY, ...(b === undefined ? {} : { body: b }) }), {
        sourceUrl: source.url,
        targetUrl: `${target.url}/f${f}`,
        batchSize: 25,
      });
      flows.push(flowId);
    }
    for (const flowId of flows) jobs.push((await api<{ _jobId: string }>(server.url, 'POST', `/v1/flows/${flowId}/run`))._jobId);

    let kills = 0;
    for (let round = 0; round < 3; round++) {
      await sleep(500 + Math.floor(random() * 1500));
      const victim = Math.floor(random() * workers.length);
      await workers[victim]?.stop('SIGKILL');
      kills++;
      workers[victim] = await startWorkerProcess(env);
    }
    expect(kills).toBe(3);
    const finished = await waitForJobs(server.url, jobs, 120_000);
    for (const job of finished) expect(job).toMatchObject({ status: 'success', error: null, counts: { exported: PER_FLOW, imported: PER_FLOW, failed: 0 } });
    expect(finished.some((job) => job.attempt > 1)).toBe(true);
    for (let f = 0; f < FLOWS; f++) {
      const mine = new Map([...target.applied].filter(([id]) => id.startsWith(`f${f}:`)).map(([id, n]) => [id.slice(`f${f}:`.length), n]));
      expect(deliveryGaps(mine, PER_FLOW), `flow ${f}`).toEqual({ missing: [], twice: [] });
    }
    expect(target.applied.size).toBe(FLOWS * PER_FLOW);
  }, 240_000);
});
