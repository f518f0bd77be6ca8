import { readDotPath } from '../engine/pagination/dot-path.js';
import type { ImportModel } from './model.js';
import { type ImportPlan, planImport } from './plan.js';
import { runPool } from './pool.js';
import { batchScope, type ImportRequest, recordScope, renderLookup, renderWrite } from './render.js';
import { failure, idOf, type ImportResult, type ImportResultError, isFailure, readBatchResponse, readLookupResponse, readWriteResponse } from './results.js';

export type { ImportResult, ImportResultError, ImportResultOk } from './results.js';
export { ImportModelError } from './plan.js';

/** What the connection answered; `send` applies base URI, auth, policy and retries. */
export interface ImportSendResult {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** Sends one request relative to the connection. A throw means nothing usable came back. */
export type ImportSend = (request: ImportRequest) => Promise<ImportSendResult>;

export interface RunImportOptions {
  /** Requests in flight at once (lookups and writes; one per record or per batch). Default 4. */
  concurrency?: number;
  /** Aborting stops new records from starting; those not started get IMPORT_CANCELLED. */
  signal?: AbortSignal;
  /** Extra template roots, e.g. `{ connection }`; `data`, `record`, `lookup`, `batch` are reserved. */
  scope?: Record<string, unknown>;
  /** Sent as the `idempotency-key` header of each write: the record's index, a batch's first index. */
  idempotencyKey?: (index: number) => string;
}

/** What a record needs after existence is known: a write with one of the ops, or a final result. */
type Decision = { write: 0 | 1; lookupId: string | undefined } | { result: ImportResult };

interface Run {
  plan: ImportPlan;
  send: ImportSend;
  options: RunImportOptions;
}

const DEFAULT_CONCURRENCY = 4;

/**
 * Writes already-mapped records through a connection and answers one result per record, in input
 * order. One record's failure (error status, template, network) never stops the others; the
 * composite upsert picks update or create per record with `existingLookup`; `http.batchSize` > 1
 * sends arrays and splits the answer back per record. Rejects only for a model that
 * `checkImportModel` refuses (`ImportModelError`).
 *
 * @example
 * const results = await runImport({ rest: { relativeURI: ['/system/v1/heartbeat'], method: ['PUT'] } }, records, send);
 * // [{ statusCode: 200, id: '5a1…', _json: { _id: '5a1…', key: 'sqs_flow', … } }, …]
 */
export async function runImport(model: ImportModel, records: unknown[], send: ImportSend, options: RunImportOptions = {}): Promise<ImportResult[]> {
  const run: Run = { plan: planImport(model), send, options };
  const results: Array<ImportResult | undefined> = new Array<ImportResult | undefined>(records.length);
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  if (run.plan.batchSize <= 1) {
    await runPool(records.length, concurrency, async (i) => {
      results[i] = await settle(() => importOne(run, records[i], i));
    }, options.signal);
  } else {
    await importBatches(run, records, results);
  }
  const cancelled = failure(503, 'IMPORT_CANCELLED', 'The import was cancelled before this record was sent.');
  return Array.from(results, (result) => result ?? cancelled);
}

async function importOne(run: Run, record: unknown, index: number): Promise<ImportResult> {
  const decision = await decide(run, record);
  if ('result' in decision) return decision.result;
  const op = run.plan.ops[decision.write] ?? run.plan.ops[0];
  const request = renderWrite(run.plan, op, recordScope(run.options.scope, record, decision.lookupId), record);
  if (isFailure(request)) return request;
  const response = await sendWrite(run, request, index);
  if (isFailure(response)) return response;
  return readWriteResponse(run.plan.response, response.status, response.body);
}

/**
 * Batches: existence is decided per record first (when a finder is set), then the records to
 * write are grouped in input order by the op they need and cut into batches; each batch's
 * results go back to the indexes it carried, so alignment survives skips and failures.
 */
async function importBatches(run: Run, records: unknown[], results: Array<ImportResult | undefined>): Promise<void> {
  const { plan, options } = run;
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const decisions: Array<Decision | undefined> = new Array<Decision | undefined>(records.length);
  await runPool(records.length, concurrency, async (i) => {
    decisions[i] = await settleDecision(() => decide(run, records[i]));
  }, options.signal);

  const batches: Array<{ write: 0 | 1; indexes: number[] }> = [];
  const open: Array<{ write: 0 | 1; indexes: number[] } | undefined> = [undefined, undefined];
  decisions.forEach((decision, i) => {
    if (decision === undefined) return;
    if ('result' in decision) {
      results[i] = decision.result;
      return;
    }
    let batch = open[decision.write];
    if (!batch || batch.indexes.length >= plan.batchSize) {
      batch = { write: decision.write, indexes: [] };
      open[decision.write] = batch;
      batches.push(batch);
    }
    batch.indexes.push(i);
  });

  await runPool(batches.length, concurrency, async (b) => {
    const { write, indexes } = batches[b] as { write: 0 | 1; indexes: number[] };
    const outcome = await settleMany(indexes.length, () => importBatch(run, write, indexes, records, decisions));
    indexes.forEach((index, k) => {
      results[index] = outcome[k];
    });
  }, options.signal);
}

async function importBatch(run: Run, write: 0 | 1, indexes: number[], records: unknown[], decisions: Array<Decision | undefined>): Promise<ImportResult[]> {
  const subject = indexes.map((i) => records[i]);
  const lookupIds = indexes.map((i) => {
    const decision = decisions[i];
    return decision && 'write' in decision ? decision.lookupId : undefined;
  });
  const op = run.plan.ops[write] ?? run.plan.ops[0];
  const request = renderWrite(run.plan, op, batchScope(run.options.scope, subject, lookupIds), subject);
  if (isFailure(request)) return indexes.map(() => request);
  const response = await sendWrite(run, request, indexes[0] ?? 0);
  if (isFailure(response)) return indexes.map(() => response);
  return readBatchResponse(run.plan.response, response.status, response.body, indexes.length);
}

/** Existence first (lookup or record field), then what the ignore flags and the ops make of it. */
async function decide(run: Run, record: unknown): Promise<Decision> {
  const { plan } = run;
  const finder = plan.finder;
  if (!finder) return { write: 0, lookupId: undefined };
  let found: boolean;
  let id: string | undefined;
  if (finder.kind === 'extract') {
    const value = readDotPath(record, finder.path);
    found = value !== undefined && value !== null && value !== '';
    id = found ? idOf(value, undefined, true) : undefined;
  } else {
    const request = renderLookup(finder, recordScope(run.options.scope, record, undefined));
    if (isFailure(request)) return { result: request };
    const response = await guardedSend(run.send, request, 'existingLookup');
    if (isFailure(response)) return { result: response };
    const outcome = readLookupResponse(finder.resultPath, response.status, response.body);
    if (isFailure(outcome)) return { result: outcome };
    found = outcome.found;
    id = outcome.found ? outcome.id : undefined;
  }
  if (found) return plan.ignoreExisting ? { result: id === undefined ? { statusCode: 200, ignored: true } : { statusCode: 200, id, ignored: true } } : { write: 0, lookupId: id };
  if (plan.ignoreMissing) return { result: { statusCode: 200, ignored: true } };
  return { write: plan.ops.length === 2 ? 1 : 0, lookupId: undefined };
}

function sendWrite(run: Run, request: ImportRequest, index: number): Promise<ImportSendResult | ImportResultError> {
  const key = run.options.idempotencyKey?.(index);
  const headed = key === undefined ? request : { ...request, headers: { ...request.headers, 'idempotency-key': key } };
  return guardedSend(run.send, headed, 'write');
}

/** A throwing `send` (network, timeout, refused address) becomes the record's failure. */
async function guardedSend(send: ImportSend, request: ImportRequest, what: 'write' | 'existingLookup'): Promise<ImportSendResult | ImportResultError> {
  try {
    return await send(request);
  } catch (error) {
    const { status, code } = (typeof error === 'object' && error !== null ? error : {}) as { status?: unknown; code?: unknown };
    const statusCode = typeof status === 'number' && status >= 400 && status <= 599 ? status : 502;
    const named = typeof code === 'string' && /^[A-Z][A-Z0-9_]{2,60}$/.test(code) ? code : 'IMPORT_REQUEST_FAILED';
    const message = error instanceof Error ? error.message : String(error);
    return failure(statusCode, named, `The ${what} request failed: ${message}`);
  }
}

// The settle* wrappers turn an unexpected throw (a bug) into the record's failure, because records
// written before it must still be reported: rejecting the whole run would hide writes that happened.
async function settle(task: () => Promise<ImportResult>): Promise<ImportResult> {
  try {
    return await task();
  } catch (error) {
    return unexpected(error);
  }
}

async function settleDecision(task: () => Promise<Decision>): Promise<Decision> {
  try {
    return await task();
  } catch (error) {
    return { result: unexpected(error) };
  }
}

async function settleMany(size: number, task: () => Promise<ImportResult[]>): Promise<ImportResult[]> {
  try {
    return await task();
  } catch (error) {
    const result = unexpected(error);
    return Array.from({ length: size }, () => result);
  }
}

function unexpected(error: unknown): ImportResultError {
  // The message stays generic (a 5xx says nothing internal); the error rides along as a
  // non-enumerable `cause` for the caller's log and never reaches a JSON response.
  const result = failure(500, 'IMPORT_FAILED', 'An internal error stopped this record; whether it was written is unknown.');
  Object.defineProperty(result, 'cause', { value: error, enumerable: false });
  return result;
}
