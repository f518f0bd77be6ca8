import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Readable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { RowError } from './payload/validate.js';
import { Errors, FileRefused, ROW_ERRORS_KEPT, type RunCounts, SyncRun } from './sync-run.js';
import type { FromWorker, ToWorker, WorkerInput } from './sync-worker.js';
import type { SyncConstants } from './sync-batch.js';
import { type StatementTimes, SyncWriter } from './sync-writer.js';

export { ROW_ERRORS_KEPT } from './sync-run.js';

/** How much of the file went where. */
export interface SyncCounts {
  users: number;
  licenses: number;
  licenseUsers: number;
  removedUsers: number;
  removedLicenses: number;
  rowErrors: number;
}

export type ApplyOutcome = { ok: true; counts: SyncCounts; rowErrors: RowError[] } | { ok: false; message: string; rowErrors: RowError[] };

export interface ApplySyncInput {
  syncId: string;
  teamId: string;
  appAccountId: string;
  source: Readable;
  now?: Date;
  /**
   * Read and check the file on a worker thread while this thread writes (same outcome, about
   * twice as fast on two cores; costs a thread start, so worth it for large files only).
   */
  parallel?: boolean;
  /** Filled with the time spent per kind of statement (benchmarks). */
  statementTimes?: StatementTimes;
}

/** SQLite page cache while a sync's transaction runs, in KiB (the default is 2 MiB). */
const SQLITE_CACHE_KIB = 16 * 1024;

/**
 * Applies one payload to an app account inside one transaction: the account's users, licenses
 * and assignments become the file's. Users and licenses absent from the file are marked removed
 * (with the date), not deleted; assignments absent are dropped. Rows are streamed and written in
 * batches, so memory holds a few batches and the set of valid emails, whatever the file's size.
 * Any failure rolls the whole transaction back: the previous state is intact.
 *
 * What is written and in which order is `SyncRun`'s (sync-run.ts); here it runs in this thread,
 * or with `parallel` on a worker that sends its writes back to this thread's transaction.
 */
export async function applySync(db: Kysely<Database>, input: ApplySyncInput): Promise<ApplyOutcome> {
  const errors = new Errors();
  const licenseUserErrors = new Errors();
  const rowErrors = () => [...errors.kept, ...licenseUserErrors.kept].slice(0, ROW_ERRORS_KEPT);
  const constants: SyncConstants = { syncId: input.syncId, teamId: input.teamId, appAccountId: input.appAccountId };
  const now = (input.now ?? new Date()).toISOString();
  try {
    const counts = await db.transaction().execute(async (trx) => {
      const writer = new SyncWriter(trx, input.statementTimes);
      const cache = await writer.widenCache(SQLITE_CACHE_KIB);
      try {
        if (input.parallel) return await runInWorker(writer, input.source, { ...constants, now, postgres: writer.postgres }, errors, licenseUserErrors);
        return await new SyncRun(writer, { ...constants, now, source: input.source }, errors, licenseUserErrors).run();
      } finally {
        await writer.restoreCache(cache);
      }
    });
    return { ok: true, counts: { ...counts, rowErrors: errors.count + licenseUserErrors.count }, rowErrors: rowErrors() };
  } catch (error) {
    if (error instanceof FileRefused) return { ok: false, message: error.message, rowErrors: rowErrors() };
    throw error;
  } finally {
    if (!input.source.destroyed) input.source.destroy();
  }
}

/**
 * Runs `SyncRun` on a worker (sync-worker.ts): this thread reads the source for it, chunk by chunk
 * as it asks, and runs its statements in the order they come, answering each.
 */
async function runInWorker(writer: SyncWriter, source: Readable, input: WorkerInput, errors: Errors, licenseUserErrors: Errors): Promise<RunCounts> {
  const worker = startWorker(input);
  const chunks = (source as AsyncIterable<Uint8Array | string>)[Symbol.asyncIterator]();
  const send = (message: ToWorker) => worker.postMessage(message);
  try {
    return await new Promise<RunCounts>((resolve, reject) => {
      let settled = false;
      const settle = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        outcome();
      };
      const fail = (error: unknown) => settle(() => reject(error));
      let reading = Promise.resolve();
      let writing = Promise.resolve();
      worker.on('message', (message: FromWorker) => {
        switch (message.type) {
          case 'pull':
            reading = reading
              .then(async () => {
                if (settled) return;
                const next = await chunks.next();
                send(next.done ? { type: 'end' } : { type: 'chunk', bytes: next.value });
              })
              .catch(fail);
            return;
          case 'insert':
          case 'run':
          case 'select':
            writing = writing
              .then(async () => {
                if (settled) return;
                let value: unknown = null;
                if (message.type === 'insert') await writer.insertJson(message.table, message.json, input);
                else if (message.type === 'run') value = await writer.run(message.kind, message.text, message.params);
                else value = await writer.select(message.kind, message.text, message.params);
                send({ type: 'result', id: message.id, value });
              })
              .catch(fail);
            return;
          case 'done':
          case 'failed':
            // Every write it posted has been answered before it finished: `writing` is settled.
            writing = writing.then(() => {
              Object.assign(errors, message.errors);
              Object.assign(licenseUserErrors, message.licenseUserErrors);
              if (message.type === 'done') return settle(() => resolve(message.counts));
              if (message.refused) return fail(new FileRefused(message.message));
              const error = new Error(message.message);
              if (message.stack) error.stack = message.stack;
              fail(error);
            });
            return;
        }
      });
      worker.on('error', fail);
      worker.on('exit', (code) => fail(new Error(`The sync worker stopped (exit code ${code}) before the end of the sync.`)));
    });
  } finally {
    await worker.terminate();
    await chunks.return?.();
  }
}

function startWorker(input: WorkerInput): Worker {
  const compiled = new URL('./sync-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(compiled))) return new Worker(compiled, { workerData: input, resourceLimits: WORKER_LIMITS });
  // Running from the TypeScript sources (tsx, vitest): load the worker through tsx's loader.
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/index\.cjs$/, 'index.mjs')).href;
  const entry = new URL('./sync-worker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { eval: true, workerData: input, resourceLimits: WORKER_LIMITS });
}

/**
 * The worker's garbage is short-lived (the rows of a few chunks): a small young generation
 * collects it often and cheaply instead of letting the heap, and the RSS, grow.
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 8 };
