import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, killAll, type ServerProcess, startServerProcess, startWorkerProcess, type WorkerProcess } from '../helpers/process.js';
import { createTestStoreEnv, type TestStoreEnv } from '../helpers/store.js';

/**
 * Scale-out on PostgreSQL: one API-only process and two `switchyard worker`s share a database.
 * 20 flows run; one worker is SIGKILLed mid-run; every flow still finishes with exactly its
 * records at the target — none lost, none written twice (the target honours Idempotency-Key,
 * as payment-style APIs do; the job ledger covers everything else).
 */
const FLOWS = 20;
const PER_FLOW = 120;
const PAGE = 10;
const onPostgres = process.env.SWITCHYARD_TEST_STORE === 'postgres';

let storeEnv: TestStoreEnv;
let api: ServerProcess;
let workers: WorkerProcess[] = [];
let source: http.Server;
let target: http.Server;
let sourceUrl = '';
let targetUrl = '';
const received = new Map<string, Set<string>>();
const seenKeys = new Set<string>();
let writes = 0;

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe.skipIf(!onPostgres)('workers on PostgreSQL', () => {
  beforeAll(async () => {
    storeEnv = createTestStoreEnv();
    // A slow source: each page takes a moment, so a run is still going when a worker dies.
    source = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const flow = url.searchParams.get('flow') ?? '?';
      const page = Number(url.searchParams.get('page') ?? 1);
      const records = Array.from({ length: Math.max(0, Math.min(PAGE, PER_FLOW - (page - 1) * PAGE)) }, (_, i) => ({ id: `${flow}-${(page - 1) * PAGE + i}`, flow }));
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ records })), 40);
    });
    target = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const key = String(req.headers['idempotency-key'] ?? '');
        if (key && seenKeys.has(key)) return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"replayed":true}');
        if (key) seenKeys.add(key);
        writes++;
        const body = JSON.parse(Buffer.concat(chunks).toString()) as { ref: string; flow: string };
        const set = received.get(body.flow) ?? new Set<string>();
        if (set.has(body.ref)) set.add(`${body.ref}#dup${writes}`);
        else set.add(body.ref);
        received.set(body.flow, set);
        res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ id: body.ref }));
      });
    });
    sourceUrl = await listen(source);
    targetUrl = await listen(target);
    const env = { ...storeEnv.env, SWITCHYARD_OUTBOUND_ALLOW: '127.0.0.0/8', SWITCHYARD_JOB_LEASE_MS: '3000' };
    api = await startServerProcess({ ...env, SWITCHYARD_RUN_JOBS: 'false', SWITCHYARD_BOOTSTRAP_KEY: 'sy_workers_test_bootstrap_key_000000001' });
    workers = [await startWorkerProcess(env), await startWorkerProcess(env)];
  }, 60_000);

  afterAll(async () => {
    await killAll();
    source?.closeAllConnections();
    target?.closeAllConnections();
    await new Promise((resolve) => source?.close(resolve));
    await new Promise((resolve) => target?.close(resolve));
    await storeEnv?.destroy();
  });

  it('runs 20 flows across two workers, survives a SIGKILL, and delivers every record exactly once', async () => {
    const key = 'sy_workers_test_bootstrap_key_000000001';
    const post = async <T>(path: string, body: unknown) => {
      const res = await call<T>(`${api.url}${path}`, 'POST', { key, body });
      expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
      return res.body;
    };
    const from = await post<{ _id: string }>('/v1/connections', { type: 'http', name: 'source', http: { baseURI: sourceUrl } });
    const to = await post<{ _id: string }>('/v1/connections', { type: 'http', name: 'target', http: { baseURI: targetUrl } });
    const imp = await post<{ _id: string }>('/v1/imports', { name: 'to target', _connectionId: to._id, mapping: { fields: [{ extract: 'id', generate: 'ref' }, { extract: 'flow', generate: 'flow' }] }, http: { relativeURI: '/records', method: 'POST' } });
    const jobs: string[] = [];
    for (let f = 0; f < FLOWS; f++) {
      const exp = await post<{ _id: string }>('/v1/exports', { name: `source ${f}`, _connectionId: from._id, http: { relativeURI: `/records?flow=f${f}&page={{export.http.paging.page}}`, paging: { method: 'page' }, response: { resourcePath: 'records' } } });
      const flow = await post<{ _id: string }>('/v1/flows', { name: `flow ${f}`, pageGenerators: [{ _exportId: exp._id }], pageProcessors: [{ type: 'import', _importId: imp._id }] });
      jobs.push((await post<{ _jobId: string }>(`/v1/flows/${flow._id}/run`, {}))._jobId);
    }

    // Kill one worker once records are flowing.
    const deadline = Date.now() + 60_000;
    while (writes < (FLOWS * PER_FLOW) / 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await workers[0]?.stop('SIGKILL');

    for (;;) {
      const statuses = await Promise.all(jobs.map(async (id) => (await call<{ status: string }>(`${api.url}/v1/jobs/${id}`, 'GET', { key })).body.status));
      if (statuses.every((s) => s === 'success' || s === 'partial' || s === 'failed')) {
        expect(statuses).toEqual(Array(FLOWS).fill('success'));
        break;
      }
      if (Date.now() > deadline) throw new Error(`runs did not finish: ${statuses.join(', ')}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    for (let f = 0; f < FLOWS; f++) {
      const refs = received.get(`f${f}`) ?? new Set();
      expect([...refs].filter((r) => r.includes('#dup')), `flow ${f} duplicates`).toEqual([]);
      expect(refs.size, `flow ${f}`).toBe(PER_FLOW);
    }
    const finished = await Promise.all(jobs.map(async (id) => (await call<{ attempt: number; counts: { imported: number; exported: number } }>(`${api.url}/v1/jobs/${id}`, 'GET', { key })).body));
    for (const job of finished) expect(job.counts.imported).toBe(PER_FLOW);
    // The killed worker's runs were taken over by the other one (a second attempt), not restarted from zero.
    expect(finished.some((job) => job.attempt > 1)).toBe(true);
  }, 120_000);
});
