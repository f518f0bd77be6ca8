import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createChaosFlow, deliveryGaps, type JobView, waitForJob } from '../helpers/fault-flows.js';
import { type ChaosSource, type RecordingTarget, startChaosSource, startRecordingTarget, startTcpProxy, type TcpProxy } from '../helpers/faults.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * PostgreSQL going away in the middle of a run, simulated without touching the shared server:
 * (1) a TCP proxy between Switchyard and PostgreSQL is cut for a few seconds, then restored (a
 * restart or a network partition: every connection drops, new ones are refused); (2) every
 * backend of this test (found by its own application_name) is killed with pg_terminate_backend,
 * twice. Either way the server answers 503 STORE_UNAVAILABLE while the store is away, reconnects
 * by itself, and the run completes: every record applied exactly once.
 *
 * The target honours Idempotency-Key: a batch written just before the store dropped, whose
 * ledger note was lost with it, is sent again with the same key (see docs/reliability.md).
 */
const onPostgres = process.env.SWITCHYARD_TEST_STORE === 'postgres';
const TOTAL = 20_000;
const PAGE = 100;
const BATCH = 50;

let server: TestServer | undefined;
let proxy: TcpProxy | undefined;
let source: ChaosSource | undefined;
let target: RecordingTarget | undefined;

afterEach(async () => {
  proxy?.restore();
  await server?.close();
  await proxy?.close();
  await source?.close();
  await target?.close();
  server = proxy = source = target = undefined;
});

async function startRun(srv: TestServer, src: ChaosSource, tgt: RecordingTarget): Promise<string> {
  const { flowId } = await createChaosFlow((m, p, b) => srv.request(m, p, b), { sourceUrl: src.url, targetUrl: tgt.url, batchSize: BATCH });
  const run = await srv.request<{ _jobId: string }>('POST', `/v1/flows/${flowId}/run`);
  expect(run.status).toBe(202);
  srv.context.jobLoop.start();
  return run.body._jobId;
}

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function expectExactlyOnce(tgt: RecordingTarget, job: JobView): void {
  expect(job.error).toBeNull();
  expect(job.status).toBe('success');
  expect(job.counts).toMatchObject({ exported: TOTAL, imported: TOTAL, failed: 0 });
  expect(deliveryGaps(tgt.applied, TOTAL)).toEqual({ missing: [], twice: [] });
}

describe.skipIf(!onPostgres)('PostgreSQL lost in the middle of a run', () => {
  it('a cut connection (restart, partition): 503s while away, then the run resumes and completes exactly once', async () => {
    const url = new URL(process.env.TEST_DATABASE_URL as string);
    proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.host = `127.0.0.1:${proxy.port}`;
    source = await startChaosSource({ total: TOTAL, pageSize: PAGE, rate: 0, seed: 1, delayMs: 15 });
    target = await startRecordingTarget({ rate: 0, seed: 1, idempotency: true });
    server = await startTestServer({ DATABASE_URL: url.toString(), SWITCHYARD_JOB_LEASE_MS: '2000', LOG_LEVEL: 'warn' });
    const jobId = await startRun(server, source, target);

    await until(() => (target?.applied.size ?? 0) >= TOTAL / 5, 60_000, 'records to flow');
    proxy.cut();
    const appliedAtCut = target.applied.size;

    // While the store is away: a clear 503, on the API and on /health.
    const during = await server.request<{ error: { code: string; message: string; details: unknown[] } }>('GET', `/v1/jobs/${jobId}`);
    expect(during.status).toBe(503);
    expect(during.body).toEqual({ error: { code: 'STORE_UNAVAILABLE', message: expect.stringContaining('store'), details: [] } });
    expect(during.headers.get('retry-after')).toBe('1');
    expect((await server.request('GET', '/health')).status).toBe(503);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    // The run cannot commit a page without its store: at most the page in hand went out.
    expect(target.applied.size - appliedAtCut).toBeLessThanOrEqual(PAGE);
    proxy.restore();

    const job = await waitForJob(server, jobId, 90_000);
    expectExactlyOnce(target, job);
    expect(job.attempt).toBeGreaterThan(1);
    expect((await server.request('GET', '/health')).status).toBe(200);
    expect(server.logs()).toContain('lost the store');
  }, 150_000);

  it('backends terminated with pg_terminate_backend, twice: the pool reconnects and the run completes exactly once', async () => {
    const appName = `sy_fault_${randomBytes(4).toString('hex')}`;
    const url = new URL(process.env.TEST_DATABASE_URL as string);
    url.searchParams.set('application_name', appName);
    source = await startChaosSource({ total: TOTAL, pageSize: PAGE, rate: 0, seed: 2, delayMs: 15 });
    target = await startRecordingTarget({ rate: 0, seed: 2, idempotency: true });
    server = await startTestServer({ DATABASE_URL: url.toString(), SWITCHYARD_JOB_LEASE_MS: '2000', LOG_LEVEL: 'warn' });
    const jobId = await startRun(server, source, target);

    const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
    let killed = 0;
    try {
      for (const share of [0.2, 0.5]) {
        await until(() => (target?.applied.size ?? 0) >= TOTAL * share, 60_000, `${share * 100}% of the records`);
        const res = await admin.query<{ ok: boolean }>('select pg_terminate_backend(pid) as ok from pg_stat_activity where application_name = $1 and pid <> pg_backend_pid()', [appName]);
        killed += res.rows.filter((r) => r.ok).length;
      }
    } finally {
      await admin.end();
    }
    expect(killed).toBeGreaterThan(1);

    const job = await waitForJob(server, jobId, 90_000);
    expectExactlyOnce(target, job);
    // The API works on fresh connections afterwards.
    expect((await server.request('GET', `/v1/jobs/${jobId}`)).status).toBe(200);
  }, 150_000);
});
