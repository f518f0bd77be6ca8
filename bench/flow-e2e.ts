import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { compileMapping, type ImportMappingSpec } from '../src/mapping/index.js';
import { startTestServer, type TestServer } from '../test/helpers/server.js';
import { type BenchResult, compare, runIfMain, interleave, round } from './lib/measure.js';
import { type BenchStore, benchStores, onStore } from './lib/stores.js';

/**
 * Flow end to end: TOTAL records read from a local upstream (page-number paging, PAGE_SIZE per
 * page, stops on the first empty page) and written to a local target in arrays of BATCH_SIZE,
 * through a real Switchyard server (HTTP API, job loop, FlowRunner,
 * ExportService, mapping, ImportService) — against a plain hand-written loop that fetches the
 * same pages and POSTs the same mapped batches to the same target with the global fetch.
 * Everything (upstream, target, server, baseline) runs in this one process, interleaved. Runs on
 * the embedded SQLite store, then on PostgreSQL when reachable (bench/lib/stores.ts).
 *
 *   npx tsx bench/flow-e2e.ts                      # the benchmark
 *   FLOW_E2E_SECTIONS=1 npx tsx bench/flow-e2e.ts  # plus where one Switchyard run spends its time
 *
 * The target answers each batch with an array of `{ id }` aligned with it (what
 * `readBatchResponse` reads per record) and counts distinct `externalId`s; every run resets it
 * and must end with exactly TOTAL distinct records and no duplicate.
 */

export const TOTAL = Number(process.env.BENCH_FLOW_RECORDS ?? 200_000);
const PAGE_SIZE = 1000;
const BATCH_SIZE = 500;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 1);
const GOAL = { minRatio: 0.5, text: 'ratio ≥ 0.5 (flow within 2x of the plain loop)' };

const CITIES = ['Lisbon', 'Oslo', 'Austin', 'Osaka', 'Nairobi', 'Lima'];
const FIRST = ['Ada', 'Grace', 'Alan', 'Linus', 'Margaret', 'Ken', 'Barbara', 'Dennis'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Torvalds', 'Hamilton', 'Thompson', 'Liskov', 'Ritchie'];

interface SourceRecord {
  id: string;
  email: string;
  first: string;
  last: string;
  total: string;
  status: string;
  created_at: string;
  address: { street: string; city: string; country: string };
}

export function aRecord(i: number): SourceRecord {
  return {
    id: `rec_${String(i).padStart(7, '0')}`,
    email: `user${i}@example.com`,
    first: FIRST[i % FIRST.length] as string,
    last: LAST[(i >> 3) % LAST.length] as string,
    total: ((i % 100_000) / 100).toFixed(2),
    status: i % 3 ? 'active' : 'lead',
    created_at: new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString(),
    address: { street: `${i} Main St`, city: CITIES[i % CITIES.length] as string, country: 'US' },
  };
}

/** The 6-field mapping, as the import declares it … */
export const MAPPING = {
  fields: [
    { extract: 'id', generate: 'externalId' },
    { extract: 'email', generate: 'contact.email' },
    { extract: '{first} {last}', generate: 'contact.name' },
    { extract: 'address.city', generate: 'shipping.city' },
    { extract: 'address.country', generate: 'shipping.country' },
    { extract: 'total', generate: 'amount', dataType: 'number' },
  ],
};

/** … and by hand, as the baseline writes it (checked equal to the mapping's output on a sample). */
export function mapByHand(r: SourceRecord): Record<string, unknown> {
  return {
    externalId: r.id,
    contact: { email: r.email, name: `${r.first} ${r.last}` },
    shipping: { city: r.address.city, country: r.address.country },
    amount: Number(r.total),
  };
}

// ---------------------------------------------------------------- local upstream and target

export interface Upstream {
  base: string;
  pages: number;
  totalBytes: number;
  served(): number;
  close(): Promise<void>;
}

/** `GET /records?page=N` (1-based) answers `{ records: [...] }`; past the last page, `{ records: [] }`. Bodies pre-serialised. */
export async function startSource(): Promise<Upstream> {
  const pageCount = Math.ceil(TOTAL / PAGE_SIZE);
  const bodies: Buffer[] = [];
  let totalBytes = 0;
  for (let p = 0; p < pageCount; p++) {
    const records = Array.from({ length: Math.min(PAGE_SIZE, TOTAL - p * PAGE_SIZE) }, (_, k) => aRecord(p * PAGE_SIZE + k));
    const body = Buffer.from(JSON.stringify({ records }));
    bodies.push(body);
    totalBytes += body.length;
  }
  const empty = Buffer.from(JSON.stringify({ records: [] }));
  let served = 0;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const page = Number(url.searchParams.get('page'));
    if (url.pathname !== '/records' || !Number.isInteger(page) || page < 1) {
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: `bad request ${req.url}` }));
      return;
    }
    served++;
    const body = bodies[page - 1] ?? empty;
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length }).end(body);
  });
  await listen(server);
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    pages: pageCount,
    totalBytes,
    served: () => served,
    close: () => close(server),
  };
}

export interface Target {
  base: string;
  /** Distinct externalIds received since the last reset. */
  distinct(): number;
  /** Records received (duplicates included) since the last reset. */
  received(): number;
  requests(): number;
  /** Bodies that were not an array of BATCH_SIZE-or-fewer records with an externalId. */
  rejected(): number;
  sample(): unknown;
  reset(): void;
  close(): Promise<void>;
}

/** `POST /contacts` takes an array of records; answers an aligned array of `{ id }`. */
export async function startTarget(): Promise<Target> {
  let seen = new Set<string>();
  let received = 0;
  let requests = 0;
  let rejected = 0;
  let sample: unknown;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests++;
      let batch: unknown;
      try {
        batch = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        batch = undefined;
      }
      if (req.method !== 'POST' || req.url !== '/contacts' || !Array.isArray(batch) || batch.length === 0 || batch.length > BATCH_SIZE) {
        rejected++;
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'expected a JSON array of records' }));
        return;
      }
      const ids = new Array<{ id: string }>(batch.length);
      for (let i = 0; i < batch.length; i++) {
        const id = (batch[i] as { externalId?: unknown }).externalId;
        if (typeof id !== 'string') {
          rejected++;
          res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'a record has no externalId' }));
          return;
        }
        seen.add(id);
        ids[i] = { id: `t-${id}` };
      }
      received += batch.length;
      sample ??= batch[0];
      const body = JSON.stringify(ids);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
    });
  });
  await listen(server);
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    distinct: () => seen.size,
    received: () => received,
    requests: () => requests,
    rejected: () => rejected,
    sample: () => sample,
    reset: () => {
      seen = new Set();
      received = 0;
      requests = 0;
      rejected = 0;
      sample = undefined;
    },
    close: () => close(server),
  };
}

function listen(server: http.Server): Promise<void> {
  server.keepAliveTimeout = 30_000;
  return new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
}

function close(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

/** What a run delivered: distinct records at the target; throws on duplicates or rejected bodies. */
function delivered(target: Target, label: string): number {
  if (target.rejected() > 0) throw new Error(`${label}: the target rejected ${target.rejected()} request(s)`);
  if (target.received() !== target.distinct()) throw new Error(`${label}: the target got ${target.received()} records but only ${target.distinct()} distinct`);
  return target.distinct();
}

// ---------------------------------------------------------------- baseline

/**
 * The plain loop: fetch page 1, 2, … until an empty page (as the flow's page paging does), map
 * each record by hand, POST the page's batches (in parallel, as the import sends them), check
 * each answer is an array of the batch's length.
 */
export function plainLoop(source: Upstream, target: Target): () => Promise<number> {
  return async () => {
    target.reset();
    for (let page = 1; ; page++) {
      const res = await fetch(`${source.base}/records?page=${page}`, { headers: { accept: 'application/json' } });
      if (res.status !== 200) throw new Error(`baseline: page ${page} answered ${res.status}`);
      const { records } = (await res.json()) as { records: SourceRecord[] };
      if (records.length === 0) break;
      const mapped = records.map(mapByHand);
      const sends: Array<Promise<void>> = [];
      for (let i = 0; i < mapped.length; i += BATCH_SIZE) {
        const batch = mapped.slice(i, i + BATCH_SIZE);
        sends.push(
          (async () => {
            const out = await fetch(`${target.base}/contacts`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(batch) });
            const answer = (await out.json()) as unknown[];
            if (out.status !== 200 || !Array.isArray(answer) || answer.length !== batch.length) throw new Error(`baseline: a batch answered ${out.status}`);
          })(),
        );
      }
      await Promise.all(sends);
    }
    return delivered(target, 'plain loop');
  };
}

// ---------------------------------------------------------------- Switchyard

type JobView = { _id: string; status: string; error?: string | null; counts: { pages: number; exported: number; imported: number; failed: number; ignored: number } };

async function ok<T>(server: TestServer, method: string, route: string, body?: unknown): Promise<T> {
  const res = await server.request<T>(method, route, body);
  if (res.status >= 300) throw new Error(`${method} ${route} answered ${res.status}: ${res.text}`);
  return res.body;
}

/** The flow a user would create through the API: two http connections, an export, an import, a flow. */
export async function createFlow(server: TestServer, source: Upstream, target: Target): Promise<string> {
  const from = await ok<{ _id: string }>(server, 'POST', '/v1/connections', { type: 'http', name: 'bench source', http: { baseURI: source.base } });
  const to = await ok<{ _id: string }>(server, 'POST', '/v1/connections', { type: 'http', name: 'bench target', http: { baseURI: target.base } });
  const exp = await ok<{ _id: string }>(server, 'POST', '/v1/exports', {
    name: 'bench records',
    _connectionId: from._id,
    type: 'all',
    http: { relativeURI: '/records?page={{export.http.paging.page}}', method: 'GET', paging: { method: 'page' }, response: { resourcePath: 'records' } },
  });
  const imp = await ok<{ _id: string }>(server, 'POST', '/v1/imports', {
    name: 'bench contacts',
    _connectionId: to._id,
    mapping: MAPPING,
    http: { relativeURI: '/contacts', method: 'POST', batchSize: BATCH_SIZE },
  });
  const flow = await ok<{ _id: string }>(server, 'POST', '/v1/flows', {
    name: 'bench records to contacts',
    pageGenerators: [{ _exportId: exp._id }],
    pageProcessors: [{ type: 'import', _importId: imp._id }],
  });
  return flow._id;
}

/** One run: POST /v1/flows/{id}/run, drain the job loop, check the job, count at the target. */
export function flowRun(server: TestServer, flowId: string, target: Target): () => Promise<number> {
  return async () => {
    target.reset();
    const run = await ok<{ _jobId: string }>(server, 'POST', `/v1/flows/${flowId}/run`);
    await server.context.jobLoop.drain(600_000);
    const job = await ok<JobView>(server, 'GET', `/v1/jobs/${run._jobId}`);
    const expectedPages = Math.ceil(TOTAL / PAGE_SIZE) + 1; // the empty page that ends the paging counts
    if (job.status !== 'success' || job.counts.imported !== TOTAL || job.counts.exported !== TOTAL || job.counts.failed !== 0 || job.counts.pages !== expectedPages) {
      throw new Error(`flow job ended ${job.status} with ${JSON.stringify(job.counts)}${job.error ? `: ${job.error}` : ''}`);
    }
    return delivered(target, 'flow');
  };
}

// ---------------------------------------------------------------- sections (FLOW_E2E_SECTIONS=1)

interface Section {
  calls: number;
  ms: number;
}

/**
 * Wraps the methods FlowRunner calls on the shared service instances (own-property overrides on
 * this server's objects, nothing in src/ changes) and sums their wall time over one run. Calls
 * do not overlap within one job (the runner awaits each), so the sums add up to the run's time;
 * `imports.write` includes the HTTP to the target, `exports.source → next()` the page fetch.
 */
function instrument(server: TestServer): { sections: Map<string, Section>; restore(): void } {
  const sections = new Map<string, Section>();
  const restores: Array<() => void> = [];
  const add = (name: string, ms: number) => {
    const s = sections.get(name) ?? { calls: 0, ms: 0 };
    s.calls += 1;
    s.ms += ms;
    sections.set(name, s);
  };
  const wrap = <O extends object>(label: string, obj: O, method: keyof O & string) => {
    const original = obj[method] as unknown as (...args: unknown[]) => unknown;
    const wrapped = function (this: unknown, ...args: unknown[]) {
      const t = performance.now();
      const out = original.apply(obj, args);
      if (out instanceof Promise) return out.finally(() => add(`${label}.${method}`, performance.now() - t));
      add(`${label}.${method}`, performance.now() - t);
      return out;
    };
    Object.defineProperty(obj, method, { value: wrapped, configurable: true, writable: true });
    restores.push(() => delete (obj as Record<string, unknown>)[method]);
  };
  const { context } = server;
  wrap('jobs', context.jobs, 'isCancelRequested');
  wrap('jobs', context.jobs, 'writtenKeys');
  wrap('jobs', context.jobs, 'markWritten');
  wrap('jobs', context.jobs, 'addErrors');
  wrap('jobs', context.jobs, 'commit');
  wrap('flows', context.flows, 'getFlow');
  wrap('savedExports', context.savedExports, 'get');
  wrap('savedImports', context.savedImports, 'get');
  wrap('connections', context.connections, 'get');
  wrap('imports', context.imports, 'compile');
  wrap('imports', context.imports, 'map');
  wrap('imports', context.imports, 'write');
  // The page fetch: time from the source generator's first next() until it yields.
  const source = context.exports.source.bind(context.exports);
  Object.defineProperty(context.exports, 'source', {
    configurable: true,
    writable: true,
    value: (...args: Parameters<typeof source>) => {
      const open = source(...args);
      return (resume: Parameters<typeof open>[0]) => {
        const gen = open(resume);
        const next = gen.next.bind(gen);
        gen.next = (...a: [] | [unknown]) => {
          const t = performance.now();
          return next(...a).finally(() => add('exports.source→next (fetch + parse page)', performance.now() - t));
        };
        return gen;
      };
    },
  });
  restores.push(() => delete (context.exports as unknown as Record<string, unknown>).source);
  return { sections, restore: () => restores.forEach((r) => r()) };
}

async function sections(server: TestServer, flowId: string, target: Target): Promise<string[]> {
  const { sections: measured, restore } = instrument(server);
  const t = performance.now();
  try {
    await flowRun(server, flowId, target)();
  } finally {
    restore();
  }
  const total = performance.now() - t;
  const rows = [...measured.entries()].sort((a, b) => b[1].ms - a[1].ms);
  const sum = rows.reduce((s, [, v]) => s + v.ms, 0);
  return [
    `sections of one flow run (${round(total, 0)} ms wall; each line sums one awaited call the runner makes in turn, so they add up to ~the wall time):`,
    ...rows.map(([name, v]) => `  ${name}: ${round(v.ms, 1)} ms over ${v.calls} calls (${round(v.ms / v.calls, 3)} ms/call, ${round((100 * v.ms) / total, 1)}%)`),
    `  (sum of listed: ${round(sum, 0)} ms)`,
  ];
}

/** What the runs left in the store: job_records rows (one per record per run) and its size on disk. */
async function storeFootprint(server: TestServer, runs: number): Promise<string> {
  const { rows } = await sql<{ n: number }>`select count(*) as n from job_records`.execute(server.context.store.db);
  const count = Number(rows[0]?.n ?? 0).toLocaleString('en-US');
  if (server.context.store.kind === 'postgres') {
    const size = await sql<{ bytes: string }>`select coalesce(sum(pg_total_relation_size(c.oid)), 0)::text as bytes from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = current_schema() and c.relkind = 'r'`.execute(server.context.store.db);
    return `store after ${runs} flow runs: ${count} job_records rows (one per record per run, never pruned), schema tables ${(Number(size.rows[0]?.bytes ?? 0) / 1024 / 1024).toFixed(1)} MiB`;
  }
  const dir = server.storeEnv.dataDir;
  let bytes = 0;
  for (const name of await fs.readdir(dir)) if (name.startsWith('switchyard.db')) bytes += (await fs.stat(path.join(dir, name))).size;
  return `store after ${runs} flow runs: ${count} job_records rows (one per record per run, never pruned), SQLite files ${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

// ---------------------------------------------------------------- run

async function onOneStore(store: BenchStore, source: Upstream, target: Target): Promise<BenchResult> {
  const server = await onStore(store, () => startTestServer({ SWITCHYARD_OUTBOUND_ALLOW: '127.0.0.0/8', LOG_LEVEL: 'warn' }));
  try {
    const flowId = await createFlow(server, source, target);

    // The baseline does what the flow does: check the mapping agrees on a sample record.
    const viaMapping = await server.context.imports.map(compileMapping({ mapping: MAPPING } as ImportMappingSpec), [aRecord(12_345)]);
    const first = viaMapping[0];
    if (!first?.ok || JSON.stringify(first.record) !== JSON.stringify(mapByHand(aRecord(12_345)))) {
      throw new Error(`the hand mapping differs from the import mapping: ${JSON.stringify(first)} vs ${JSON.stringify(mapByHand(aRecord(12_345)))}`);
    }

    const storeName = store === 'sqlite' ? 'SQLite' : 'PostgreSQL';
    const started = performance.now();
    const [plain, flow] = await interleave(
      [
        { label: 'plain fetch loop', run: plainLoop(source, target) },
        { label: `Switchyard flow (API → job loop → ${storeName})`, run: flowRun(server, flowId, target) },
      ],
      { runs: RUNS, warmup: WARMUP, expectedRecords: TOTAL },
    );
    if (!plain || !flow) throw new Error('interleave lost a variant');
    const notes = [
      `${TOTAL.toLocaleString('en-US')} records: ${source.pages} pages × ${PAGE_SIZE} (+1 empty page ending the paging), ${(source.totalBytes / 1024 / 1024).toFixed(1)} MiB of JSON read; written in batches of ${BATCH_SIZE} (${Math.ceil(TOTAL / BATCH_SIZE)} POSTs), 6-field mapping`,
      `target checked after every run: exactly ${TOTAL.toLocaleString('en-US')} distinct externalIds, no duplicates; flow job: status success, counts.imported = ${TOTAL}; sample target record ${JSON.stringify(target.sample())}`,
      `upstream, target, server and baseline share one process: peak RSS is the whole process's; ${WARMUP} warm-up + ${RUNS} timed runs of each side took ${round((performance.now() - started) / 1000, 1)} s`,
    ];
    notes.push(await storeFootprint(server, WARMUP + RUNS));
    if (process.env.FLOW_E2E_SECTIONS) notes.push(...(await sections(server, flowId, target)));
    return compare(`flow-e2e ${store} (vs plain fetch loop)`, plain, flow, GOAL, notes);
  } finally {
    await server.close();
  }
}

/** The flow on the embedded store, then on PostgreSQL when it is reachable (bench/lib/stores.ts). */
export async function run(): Promise<BenchResult[]> {
  const source = await startSource();
  const target = await startTarget();
  try {
    const results: BenchResult[] = [];
    for (const store of await benchStores('flow-e2e')) results.push(await onOneStore(store, source, target));
    return results;
  } finally {
    await target.close();
    await source.close();
  }
}

await runIfMain(import.meta.url, run);
