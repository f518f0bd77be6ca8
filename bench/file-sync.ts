import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { applySync } from '../src/inventory/sync-apply.js';
import type { StatementTimes } from '../src/inventory/sync-writer.js';
import { readSyncPayload } from '../src/inventory/payload/stream.js';
import { validateLicense, validateLicenseUser, validateUser, ValidUsers } from '../src/inventory/payload/validate.js';
import { startTestServer, type TestServer } from '../test/helpers/server.js';
import { type BenchResult, compare, describeEnvironment, formatResult, interleave, round } from './lib/measure.js';

/**
 * Custom-integration file sync at scale: a payload of USERS users and LICENSES licenses (each with
 * 10,000–50,000 license users) is generated as a stream to a temp file, then sent through a real
 * Switchyard server (embedded SQLite store) with the five HTTP steps a script makes:
 * GET /v1.0/files/url, PUT the upload URL (the file streamed from disk), POST /v1.0/files,
 * PUT /v1.0/services/sync/custom, wait for the sync, GET the sync (asserted: success, the counts).
 *
 * Baseline: the same file streamed from disk through the payload reader and the row validators
 * only (no HTTP, no database), so the ratio shows what the upload and the store writes cost.
 * The absolute goal (≤ 10 s sync and ≤ 300 MB peak RSS on 2 cores, embedded store) is
 * checked separately and given in the notes.
 *
 *   npx tsx bench/file-sync.ts                       # SQLite (and Postgres when TEST_DATABASE_URL is set)
 *   FILE_SYNC_SECTIONS=1 npx tsx bench/file-sync.ts  # always add where the sync spends its time
 *
 * Runs on one app account: the first timed run is the initial import, later ones re-sync the
 * same file (upserts of existing rows). Peak RSS is the whole process's (server included).
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
  totalMs: number;
  counts: Record<string, number>;
}

function fiveSteps(server: TestServer, accountId: string, file: string, log: RunLog[]): () => Promise<number> {
  return async () => {
    const t0 = performance.now();
    const url = await server.request<{ uploadFileParameters: { url: string; filePath: string } }>('GET', '/v1.0/files/url?name=users.json&type=application/json');
    if (url.status !== 200) throw new Error(`files/url: ${url.status} ${url.text}`);
    const put = await fetch(url.body.uploadFileParameters.url, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: createReadStream(file) as unknown as ReadableStream,
      duplex: 'half',
    } as RequestInit & { duplex: 'half' });
    const putText = await put.text();
    if (put.status !== 200) throw new Error(`upload: ${put.status} ${putText}`);
    const registered = await server.request<{ id: number }>('POST', '/v1.0/files', { path: url.body.uploadFileParameters.filePath, type: 'customIntegrationData' });
    if (registered.status >= 300) throw new Error(`files: ${registered.status} ${registered.text}`);
    const t1 = performance.now();
    const started = await server.request<{ sync: { id: string } }>('PUT', '/v1.0/services/sync/custom', { idFile: registered.body.id, idAppAccount: accountId });
    if (started.status !== 202) throw new Error(`sync: ${started.status} ${started.text}`);
    await server.context.syncs.idle();
    const sync = (await server.request<{ sync: Sync }>('GET', `/v1.0/services/sync/custom/${started.body.sync.id}`)).body.sync;
    const t2 = performance.now();
    const c = sync.counts;
    if (sync.status !== 'success' || c.users !== USERS || c.licenses !== LICENSES || c.licenseUsers !== LICENSE_USERS || c.rowErrors !== 0) {
      throw new Error(`unexpected sync: ${JSON.stringify({ status: sync.status, counts: c, error: sync.error, rowErrors: sync.rowErrors.slice(0, 3) })}`);
    }
    log.push({ uploadMs: t1 - t0, syncMs: t2 - t1, totalMs: t2 - t0, counts: c });
    return (c.users ?? 0) + (c.licenseUsers ?? 0);
  };
}

// ---------------------------------------------------------------- sections: where the sync spends its time

/** One applySync on the server's store, with every statement timed (a fresh account: the initial import). */
async function sections(server: TestServer, accountId: string, file: string, label: string): Promise<string[]> {
  const times: StatementTimes = new Map();
  const started = performance.now();
  const cpu = process.cpuUsage();
  const outcome = await applySync(server.context.store.db, {
    syncId: `bench${Date.now().toString(16)}`.padEnd(24, '0').slice(0, 24),
    teamId: server.team.id,
    appAccountId: accountId,
    source: createReadStream(file),
    statementTimes: times,
  });
  const used = process.cpuUsage(cpu);
  const wall = performance.now() - started;
  if (!outcome.ok) throw new Error(`sections: ${outcome.message}`);
  let inDb = 0;
  const lines = [...times.entries()]
    .sort((a, b) => b[1].ms - a[1].ms)
    .map(([kind, { n, ms }]) => {
      inDb += ms;
      return `    ${kind}: ${round(ms, 0)} ms over ${n.toLocaleString('en-US')} statements (${round(ms / n, 2)} ms each)`;
    });
  return [
    `${label} sections of one applySync called directly (${round(wall, 0)} ms wall, ${round((used.user + used.system) / 1000, 0)} ms CPU of this process; statements timed from their call to their result):`,
    ...lines,
    `    outside statements (stream read + parse + validate + row building, JS): ${round(wall - inDb, 0)} ms`,
  ];
}

// ---------------------------------------------------------------- run

async function onStore(kind: 'sqlite' | 'postgres', file: string, fileBytes: number): Promise<BenchResult> {
  const storeKind = process.env.SWITCHYARD_TEST_STORE;
  process.env.SWITCHYARD_TEST_STORE = kind;
  let server: TestServer;
  const rssBefore = process.memoryUsage.rss();
  try {
    server = await startTestServer({ LOG_LEVEL: 'warn' });
  } finally {
    if (storeKind === undefined) delete process.env.SWITCHYARD_TEST_STORE;
    else process.env.SWITCHYARD_TEST_STORE = storeKind;
  }
  try {
    const newAccount = async (name: string) => {
      const app = await server.request<{ app: { id: string } }>('POST', '/v1.0/apps/custom', { name });
      return (await server.request<{ appAccount: { id: string } }>('POST', '/v1.0/app-accounts', { idApp: app.body.app.id, name: `${name} (prod)` })).body.appAccount.id;
    };
    const accountId = await newAccount('Seat Counter');
    const rssIdle = process.memoryUsage.rss();
    const log: RunLog[] = [];
    const startedAll = performance.now();
    const [base, cand] = await interleave(
      [
        { label: 'reader + validators (no DB)', run: readerAndValidators(file) },
        { label: `five HTTP steps (${kind})`, run: fiveSteps(server, accountId, file, log) },
      ],
      { runs: RUNS, warmup: WARMUP, expectedRecords: USERS + LICENSE_USERS },
    );
    if (!base || !cand) throw new Error('interleave lost a variant');
    const timed = log.slice(WARMUP);
    const best = timed.reduce((a, b) => (b.syncMs < a.syncMs ? b : a));
    const syncOk = best.syncMs <= GOAL_MS;
    const rssOk = cand.peakRssMiB <= GOAL_RSS_MIB;
    const notes = [
      `GOAL (issue, embedded store, 2 cores): sync ≤ ${GOAL_MS / 1000} s and peak RSS ≤ ${GOAL_RSS_MIB} MB → sync ${round(best.syncMs / 1000, 2)} s ${syncOk ? 'PASS' : 'MISS'}, peak RSS ${cand.peakRssMiB} MiB ${rssOk ? 'PASS' : 'MISS'}${kind === 'postgres' ? ' (goal is for the embedded store; Postgres for reference)' : ''}`,
      `file: ${USERS.toLocaleString('en-US')} users, ${LICENSES} licenses with ${LICENSE_USERS.toLocaleString('en-US')} license users (${licenseSize(0).toLocaleString('en-US')}–${licenseSize(LICENSES - 1).toLocaleString('en-US')} each), ${(fileBytes / 1024 / 1024).toFixed(1)} MiB, uploaded as a stream`,
      ...timed.map(
        (r, i) =>
          `run ${i + 1} (${i + WARMUP === 0 ? 'initial import' : 're-sync of the same file'}): upload ${round(r.uploadMs / 1000, 2)} s (GET url + PUT + POST files), sync ${round(r.syncMs / 1000, 2)} s (PUT sync → idle → GET), total ${round(r.totalMs / 1000, 2)} s; ${Math.round(((r.counts.users ?? 0) + (r.counts.licenseUsers ?? 0)) / (r.syncMs / 1000)).toLocaleString('en-US')} rows/s of sync; counts ${JSON.stringify(r.counts)}`,
      ),
      `peak RSS is the whole process (server + client + sampler): ${round(rssBefore / 1024 / 1024, 1)} MiB before the server started (file written, modules loaded), ${round(rssIdle / 1024 / 1024, 1)} MiB with the server idle; `
        + `${WARMUP} warm-up + ${RUNS} timed runs of each side took ${round((performance.now() - startedAll) / 1000, 1)} s`,
      `process RSS at start of the bench: ${round(RSS_AT_LOAD / 1024 / 1024, 1)} MiB`,
    ];
    if (process.env.FILE_SYNC_SECTIONS || !syncOk) notes.push(...(await sections(server, await newAccount('Seat Counter sections'), file, kind)));
    return compare(`file-sync ${kind} (vs reader + validators)`, base, cand, undefined, notes);
  } finally {
    await server.close();
  }
}

export async function run(): Promise<BenchResult[]> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'switchyard-bench-sync-'));
  const file = path.join(dir, 'payload.json');
  try {
    const fileBytes = await writePayload(file);
    const results = [await onStore('sqlite', file, fileBytes)];
    if (process.env.TEST_DATABASE_URL) results.push(await onStore('postgres', file, fileBytes));
    return results;
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

function isMain(): boolean {
  const entry = process.argv[1];
  return entry !== undefined && import.meta.url === pathToFileURL(path.resolve(entry)).href;
}

if (isMain()) {
  console.log(describeEnvironment());
  for (const result of await run()) console.log(formatResult(result));
}
