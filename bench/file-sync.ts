import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, createWriteStream, existsSync, statSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { applySync } from '../src/inventory/sync-apply.js';
import type { StatementTimes } from '../src/inventory/sync-writer.js';
import { readSyncPayload } from '../src/inventory/payload/stream.js';
import { validateLicense, validateLicenseUser, validateUser, ValidUsers } from '../src/inventory/payload/validate.js';
import { migrateToLatest } from '../src/store/db.js';
import { call, cliEnv, freePort, waitForHealth } from '../test/helpers/process.js';
import { createTestStoreEnv } from '../test/helpers/store.js';
import { type BenchStore, benchStores, onStore } from './lib/stores.js';
import { type BenchResult, compare, runIfMain, interleave, round } from './lib/measure.js';

/**
 * Custom-integration file sync at scale: a payload of USERS users and LICENSES licenses (each with
 * 10,000–50,000 license users) is generated as a stream to a temp file, then sent to a Switchyard
 * server with the five HTTP steps a script makes: GET /v1.0/files/url, PUT the upload URL (the file
 * streamed from disk), POST /v1.0/files, PUT /v1.0/services/sync/custom, then GET the sync until it
 * is done (asserted: success, the counts).
 *
 * The server runs as deployed — `node dist/cli/main.js start` in its own process (the build is
 * refreshed first when a source is newer) — so its peak RSS (VmHWM) and CPU are the sync's, not
 * this client's or the TypeScript loader's. On SQLite (embedded) and on PostgreSQL in a private
 * schema of BENCH_DATABASE_URL (bench/lib/stores.ts; skipped with a note when it does not answer).
 *
 * Baseline: the same file streamed from disk through the payload reader and the row validators
 * only (no HTTP, no database, this process), so the ratio shows what the upload and the store
 * writes cost. The absolute goal (≤ 10 s sync and ≤ 300 MB peak RSS on 2 cores, embedded
 * store) is checked separately and given in the notes.
 *
 *   npx tsx bench/file-sync.ts                       # SQLite and PostgreSQL (BENCH_DATABASE_URL; BENCH_STORES=sqlite for one)
 *   FILE_SYNC_SECTIONS=1 npx tsx bench/file-sync.ts  # always add where the sync spends its time
 *
 * Runs on one app account: the first timed run is the initial import, later ones re-sync the
 * same file (upserts of existing rows).
 */

export const USERS = Number(process.env.BENCH_SYNC_USERS ?? 1_000_000);
export const LICENSES = 20;
const RUNS = Number(process.env.BENCH_RUNS ?? 1);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 0);
const GOAL_MS = 10_000;
const GOAL_RSS_MIB = 300;
const RSS_AT_LOAD = process.memoryUsage.rss();

/** License i has 10,000 + i × 2,105 users (10,000 … 49,995): 599,900 in all. Scaled down with USERS. */
export function licenseSize(i: number): number {
  const size = 10_000 + i * 2_105;
  return USERS >= 1_000_000 ? size : Math.max(1, Math.floor((size * USERS) / 1_000_000));
}
export const LICENSE_USERS = Array.from({ length: LICENSES }, (_, i) => licenseSize(i)).reduce((a, b) => a + b, 0);

const FIRST = ['Ada', 'Grace', 'Alan', 'Linus', 'Margaret', 'Ken', 'Barbara', 'Dennis'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Torvalds', 'Hamilton', 'Thompson', 'Liskov', 'Ritchie'];

function userJson(i: number): string {
  const day = new Date(Date.UTC(2026, 0, 1) + (i % 365) * 86_400_000).toISOString().slice(0, 10);
  return JSON.stringify({
    id: `u${i}`,
    email: `user${i}@example.com`,
    firstName: FIRST[i % FIRST.length],
    lastName: LAST[(i >> 3) % LAST.length],
    status: i % 50 === 0 ? 'deleted' : 'active',
    roles: i % 10 === 0 ? ['admin', 'member'] : ['member'],
    lastUsedDate: day,
  });
}

/** Writes the payload to `file` in chunks, honouring back-pressure: nothing but one chunk in memory. */
export async function writePayload(file: string): Promise<number> {
  const out = createWriteStream(file);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write('{"users":[');
  for (let from = 0; from < USERS; from += 1000) {
    const parts: string[] = [];
    for (let i = from; i < Math.min(USERS, from + 1000); i++) parts.push(userJson(i));
    await write((from === 0 ? '' : ',') + parts.join(','));
  }
  await write('],"licenses":[');
  // License users are spread over all users (stride), each license's users distinct.
  for (let l = 0; l < LICENSES; l++) {
    const size = licenseSize(l);
    await write(`${l === 0 ? '' : ','}{"name":"License ${l}","unassignedAmount":${l * 5},"pricePerUser":${1000 + l * 100},"users":[`);
    for (let from = 0; from < size; from += 1000) {
      const parts: string[] = [];
      for (let k = from; k < Math.min(size, from + 1000); k++) {
        const user = (l * 7919 + k * 17) % USERS;
        parts.push(k % 4 === 0 ? `{"email":"user${user}@example.com","licenseStatus":"inactive"}` : `{"email":"user${user}@example.com"}`);
      }
      await write((from === 0 ? '' : ',') + parts.join(','));
    }
    await write(']}');
  }
  await write(']}');
  out.end();
  await once(out, 'finish');
  return (await fs.stat(file)).size;
}

// ---------------------------------------------------------------- baseline: reader + validators

function readerAndValidators(file: string): () => Promise<number> {
  return async () => {
    const users = new ValidUsers();
    const licenses = new Map<number, string>();
    let licenseUsers = 0;
    let errors = 0;
    const pending: Array<{ licenseIndex: number; index: number; license: string; raw: unknown }> = [];
    const checkPending = () => {
      for (const p of pending.splice(0)) {
        if (licenses.get(p.licenseIndex) === undefined) continue;
        const r = validateLicenseUser(p.raw, p.index, p.license, users);
        if (r.ok) licenseUsers++;
        else errors++;
      }
    };
    for await (const item of readSyncPayload(createReadStream(file))) {
      if (item.kind === 'error') errors++;
      else if (item.kind === 'user') {
        const r = validateUser(item.raw, item.index);
        if (!r.ok || users.add(r.user, item.index)) errors++;
      } else if (item.kind === 'license') {
        const r = validateLicense(item.raw, item.index);
        if (r.ok) licenses.set(item.index, r.license.name);
        else errors++;
        checkPending(); // a license's users come before its license item: validate them now
      } else pending.push({ licenseIndex: item.licenseIndex, index: item.index, license: item.license, raw: item.raw });
    }
    checkPending();
    if (errors > 0 || users.size !== USERS || licenses.size !== LICENSES) throw new Error(`baseline: ${errors} errors, ${users.size} users, ${licenses.size} licenses`);
    return users.size + licenseUsers;
  };
}

// ---------------------------------------------------------------- candidate: the five HTTP steps

const KEY = 'sy_bench_file_sync_bootstrap_key_000001';
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLK_TCK_MS = 10; // /proc/<pid>/stat counts CPU in ticks of 1/100 s

interface Sync {
  id: string;
  status: string;
  counts: Record<string, number>;
  rowErrors: unknown[];
  error: string | null;
}

interface RunLog {
  uploadMs: number;
  syncMs: number;
  /** CPU the server process used during the sync (all its threads). */
  syncCpuMs: number;
  /** The server's peak RSS before the sync started (after the upload). */
  peakBeforeSyncMiB: number;
  totalMs: number;
  counts: Record<string, number>;
}

/** A Switchyard server as deployed: `node dist/cli/main.js start`, its own process, on `store`. */
interface Server {
  url: string;
  pid: number;
  child: ChildProcess;
}

/** The server is measured from the build, as it runs in production; rebuilt when a source is newer. */
async function ensureBuild(): Promise<void> {
  const built = path.join(ROOT, 'dist/cli/main.js');
  const builtAt = existsSync(built) ? statSync(built).mtimeMs : 0;
  const newest = async (dir: string): Promise<number> => {
    let at = 0;
    for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      at = Math.max(at, entry.isDirectory() ? await newest(full) : statSync(full).mtimeMs);
    }
    return at;
  };
  if ((await newest(path.join(ROOT, 'src'))) <= builtAt) return;
  const build = spawn(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  const [code] = (await once(build, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`npm run build failed (${code})`);
}

async function startServer(env: Record<string, string>): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/cli/main.js'), 'start'], {
    cwd: ROOT,
    env: cliEnv({ ...env, SWITCHYARD_BOOTSTRAP_KEY: KEY, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' }),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHealth(url, child, 60_000);
  return { url, pid: child.pid!, child };
}

async function procStatus(pid: number): Promise<{ peakRssMiB: number; cpuMs: number }> {
  const status = await fs.readFile(`/proc/${pid}/status`, 'utf8');
  const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { peakRssMiB: Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024, cpuMs: (Number(fields[11]) + Number(fields[12])) * CLK_TCK_MS };
}

async function api<T>(server: Server, method: string, url: string, body?: unknown): Promise<T> {
  const res = await call<T>(`${server.url}${url}`, method, { key: KEY, ...(body === undefined ? {} : { body }) });
  if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

function fiveSteps(server: Server, accountId: string, file: string, log: RunLog[]): () => Promise<number> {
  return async () => {
    const t0 = performance.now();
    const url = await api<{ uploadFileParameters: { url: string; filePath: string } }>(server, 'GET', '/v1.0/files/url?name=users.json&type=application/json');
    const put = await fetch(url.uploadFileParameters.url, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: createReadStream(file) as unknown as ReadableStream,
      duplex: 'half',
    } as RequestInit & { duplex: 'half' });
    const putText = await put.text();
    if (put.status !== 200) throw new Error(`upload: ${put.status} ${putText}`);
    const registered = await api<{ id: number }>(server, 'POST', '/v1.0/files', { path: url.uploadFileParameters.filePath, type: 'customIntegrationData' });
    const t1 = performance.now();
    const before = await procStatus(server.pid);
    const cpu0 = before.cpuMs;
    const started = await api<{ sync: { id: string } }>(server, 'PUT', '/v1.0/services/sync/custom', { idFile: registered.id, idAppAccount: accountId });
    let sync: Sync;
    for (;;) {
      sync = (await api<{ sync: Sync }>(server, 'GET', `/v1.0/services/sync/custom/${started.sync.id}`)).sync;
      if (sync.status !== 'running') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const t2 = performance.now();
    const cpu1 = (await procStatus(server.pid)).cpuMs;
    const c = sync.counts;
    if (sync.status !== 'success' || c.users !== USERS || c.licenses !== LICENSES || c.licenseUsers !== LICENSE_USERS || c.rowErrors !== 0) {
      throw new Error(`unexpected sync: ${JSON.stringify({ status: sync.status, counts: c, error: sync.error, rowErrors: sync.rowErrors.slice(0, 3) })}`);
    }
    log.push({ uploadMs: t1 - t0, syncMs: t2 - t1, syncCpuMs: cpu1 - cpu0, peakBeforeSyncMiB: before.peakRssMiB, totalMs: t2 - t0, counts: c });
    return (c.users ?? 0) + (c.licenseUsers ?? 0);
  };
}

// ---------------------------------------------------------------- sections: where the sync spends its time

/** Per-thread CPU of this process (Linux), by thread name. */
async function threadCpu(): Promise<Map<string, number>> {
  const byName = new Map<string, number>();
  for (const id of await fs.readdir('/proc/self/task')) {
    const stat = await fs.readFile(`/proc/self/task/${id}/stat`, 'utf8').catch(() => '');
    if (!stat) continue;
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    byName.set(`${name}#${id === String(process.pid) ? 'main' : id}`, (Number(fields[11]) + Number(fields[12])) * CLK_TCK_MS);
  }
  return byName;
}

/** One parallel applySync in this process on a fresh store of `kind`, with every statement timed. */
async function sections(kind: 'sqlite' | 'postgres', file: string): Promise<string[]> {
  const storeKind = process.env.SWITCHYARD_TEST_STORE;
  process.env.SWITCHYARD_TEST_STORE = kind;
  const storeEnv = createTestStoreEnv();
  if (storeKind === undefined) delete process.env.SWITCHYARD_TEST_STORE;
  else process.env.SWITCHYARD_TEST_STORE = storeKind;
  const store = await storeEnv.open();
  try {
    const migrated = await migrateToLatest(store);
    if (migrated.error) throw migrated.error;
    const times: StatementTimes = new Map();
    const mainBefore = (await threadCpu()).get('node#main') ?? 0;
    const cpu = process.cpuUsage();
    const started = performance.now();
    const outcome = await applySync(store.db, { syncId: 'bench'.padEnd(24, '0'), teamId: 'bench-team', appAccountId: 'bench-account', source: createReadStream(file), statementTimes: times, parallel: true });
    const wall = performance.now() - started;
    const used = process.cpuUsage(cpu);
    const main = ((await threadCpu()).get('node#main') ?? 0) - mainBefore;
    if (!outcome.ok) throw new Error(`sections: ${outcome.message}`);
    const lines = [...times.entries()]
      .sort((a, b) => b[1].ms - a[1].ms)
      .map(([what, { n, ms }]) => `    ${what}: ${round(ms, 0)} ms over ${n.toLocaleString('en-US')} statements (${round(ms / n, 2)} ms each)`);
    const inDb = [...times.values()].reduce((sum, t) => sum + t.ms, 0);
    return [
      `${kind} sections of one parallel applySync in this process (${round(wall, 0)} ms wall; CPU: ${round((used.user + used.system) / 1000, 0)} ms in all, ${round(main, 0)} ms on the thread that writes; statements timed from their call to their result):`,
      ...lines,
      `    main thread outside statements (reading the file, messages): ${round(wall - inDb, 0)} ms wall; the worker parses and checks meanwhile`,
    ];
  } finally {
    await store.close();
    await storeEnv.destroy();
  }
}

// ---------------------------------------------------------------- run

/** One upload and sync against a server on `kind` (run inside stores.ts's onStore, which points the test store helpers at it). */
async function syncOnStore(kind: BenchStore, file: string, fileBytes: number): Promise<BenchResult> {
  const storeEnv = createTestStoreEnv();
  const server = await startServer(storeEnv.env);
  try {
    const idle = await procStatus(server.pid);
    const app = await api<{ app: { id: string } }>(server, 'POST', '/v1.0/apps/custom', { name: 'Seat Counter' });
    const accountId = (await api<{ appAccount: { id: string } }>(server, 'POST', '/v1.0/app-accounts', { idApp: app.app.id, name: 'Seat Counter (prod)' })).appAccount.id;
    const log: RunLog[] = [];
    const startedAll = performance.now();
    const [base, cand] = await interleave(
      [
        { label: 'reader + validators (no DB, this process)', run: readerAndValidators(file) },
        { label: `five HTTP steps (${kind}, server process)`, run: fiveSteps(server, accountId, file, log) },
      ],
      { runs: RUNS, warmup: WARMUP, expectedRecords: USERS + LICENSE_USERS },
    );
    if (!base || !cand) throw new Error('interleave lost a variant');
    const serverPeak = round((await procStatus(server.pid)).peakRssMiB, 1);
    // The candidate's peak is the server process's (VmHWM: its highest RSS since it started), not this client's.
    const candidate = { ...cand, peakRssMiB: serverPeak, rssGrowthMiB: round(serverPeak - idle.peakRssMiB, 1) };
    const timed = log.slice(WARMUP);
    const best = timed.reduce((a, b) => (b.syncMs < a.syncMs ? b : a));
    const syncOk = best.syncMs <= GOAL_MS;
    const rssOk = serverPeak <= GOAL_RSS_MIB;
    const notes = [
      `GOAL (issue, embedded store, 2 cores): sync ≤ ${GOAL_MS / 1000} s and peak RSS ≤ ${GOAL_RSS_MIB} MB → sync ${round(best.syncMs / 1000, 2)} s ${syncOk ? 'PASS' : 'MISS'} (server CPU during it: ${round(best.syncCpuMs / 1000, 2)} s), server peak RSS ${serverPeak} MiB ${rssOk ? 'PASS' : 'MISS'}${kind === 'postgres' ? ' (goal is for the embedded store; Postgres for reference)' : ''}`,
      `file: ${USERS.toLocaleString('en-US')} users, ${LICENSES} licenses with ${LICENSE_USERS.toLocaleString('en-US')} license users (${licenseSize(0).toLocaleString('en-US')}–${licenseSize(LICENSES - 1).toLocaleString('en-US')} each), ${(fileBytes / 1024 / 1024).toFixed(1)} MiB, uploaded as a stream`,
      ...timed.map(
        (r, i) =>
          `run ${i + 1} (${i + WARMUP === 0 ? 'initial import' : 're-sync of the same file'}): upload ${round(r.uploadMs / 1000, 2)} s (GET url + PUT + POST files), sync ${round(r.syncMs / 1000, 2)} s wall / ${round(r.syncCpuMs / 1000, 2)} s server CPU (PUT sync → poll until done), total ${round(r.totalMs / 1000, 2)} s; server peak RSS before the sync (after the upload) ${round(r.peakBeforeSyncMiB, 1)} MiB; ${Math.round(((r.counts.users ?? 0) + (r.counts.licenseUsers ?? 0)) / (r.syncMs / 1000)).toLocaleString('en-US')} rows/s of sync; counts ${JSON.stringify(r.counts)}`,
      ),
      `server process (node dist/cli/main.js start, ${kind}): peak RSS ${round(idle.peakRssMiB, 1)} MiB after start-up, ${serverPeak} MiB at the end (VmHWM); ${WARMUP} warm-up + ${RUNS} timed runs of each side took ${round((performance.now() - startedAll) / 1000, 1)} s`,
      `this bench process (client + baseline) peak RSS ${cand.peakRssMiB} MiB; RSS at its start ${round(RSS_AT_LOAD / 1024 / 1024, 1)} MiB`,
    ];
    if (process.env.FILE_SYNC_SECTIONS || !syncOk) notes.push(...(await sections(kind, file)));
    return compare(`file-sync ${kind} (vs reader + validators)`, base, candidate, undefined, notes);
  } finally {
    server.child.kill('SIGTERM');
    await once(server.child, 'exit');
    await storeEnv.destroy();
  }
}

export async function run(): Promise<BenchResult[]> {
  await ensureBuild();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'switchyard-bench-sync-'));
  const file = path.join(dir, 'payload.json');
  try {
    const fileBytes = await writePayload(file);
    const results: BenchResult[] = [];
    for (const store of await benchStores('file-sync')) results.push(await onStore(store, () => syncOnStore(store, file, fileBytes)));
    return results;
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

await runIfMain(import.meta.url, run);
