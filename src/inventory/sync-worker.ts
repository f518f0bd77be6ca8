import { parentPort, workerData } from 'node:worker_threads';
import { Errors, FileRefused, type RunCounts, SyncRun, type SyncSink } from './sync-run.js';
import { type BatchRow, type Param, serializeBatch, type SyncConstants, type TableName } from './sync-batch.js';

/**
 * The reading and checking half of a parallel sync (see `runInWorker` in sync-apply.ts): runs
 * `SyncRun` on the chunks the main thread sends, and posts its writes back, in order, to the main
 * thread, which holds the transaction. Inserts go without waiting (up to MAX_AHEAD of them);
 * statements whose answer the run needs wait for it.
 */

/** Main thread → worker. */
export type ToWorker = { type: 'chunk'; bytes: Uint8Array | string } | { type: 'end' } | { type: 'result'; id: number; value: unknown };
/** Worker → main thread. */
export type FromWorker =
  | { type: 'pull' }
  | { type: 'insert'; id: number; table: TableName; json: string }
  | { type: 'run'; id: number; kind: string; text: string; params: Param[] }
  | { type: 'select'; id: number; kind: string; text: string; params: Param[] }
  | { type: 'done'; counts: RunCounts; errors: ErrorsWire; licenseUserErrors: ErrorsWire }
  | { type: 'failed'; refused: boolean; message: string; stack?: string; errors: ErrorsWire; licenseUserErrors: ErrorsWire };
export type ErrorsWire = Pick<Errors, 'kept' | 'count'>;
export interface WorkerInput extends SyncConstants {
  now: string;
  postgres: boolean;
}

/** Chunks asked for ahead of need, so that reading the file overlaps the parsing. */
const PREFETCH = 8;
/** Inserts posted and not yet done before the run waits: bounds the memory between the threads. */
const MAX_AHEAD = 8;

const port = parentPort;
if (port) {
  const input = workerData as WorkerInput;
  const post = (message: FromWorker) => port.postMessage(message);
  const chunks: Array<Uint8Array | string | null> = [];
  let chunkArrived: (() => void) | null = null;
  const answers = new Map<number, (value: unknown) => void>();
  let ahead = 0;
  let caughtUp: (() => void) | null = null;
  let nextId = 0;

  port.on('message', (message: ToWorker) => {
    if (message.type === 'result') {
      const answer = answers.get(message.id);
      answers.delete(message.id);
      answer?.(message.value);
      return;
    }
    chunks.push(message.type === 'chunk' ? message.bytes : null);
    chunkArrived?.();
  });

  async function* source(): AsyncGenerator<Uint8Array | string> {
    for (let i = 0; i < PREFETCH; i++) post({ type: 'pull' });
    for (;;) {
      while (chunks.length === 0) await new Promise<void>((resolve) => (chunkArrived = resolve));
      chunkArrived = null;
      const chunk = chunks.shift()!;
      if (chunk === null) return;
      post({ type: 'pull' });
      yield chunk;
    }
  }

  const ask = <T>(message: Omit<Extract<FromWorker, { type: 'run' | 'select' }>, 'id'>): Promise<T> =>
    new Promise<T>((resolve) => {
      const id = nextId++;
      answers.set(id, resolve as (value: unknown) => void);
      post({ ...message, id } as FromWorker);
    });

  const sink: SyncSink = {
    async insert(table: TableName, rows: BatchRow[]): Promise<void> {
      const id = nextId++;
      ahead++;
      answers.set(id, () => {
        ahead--;
        if (ahead <= MAX_AHEAD / 2) caughtUp?.();
      });
      post({ type: 'insert', id, table, json: serializeBatch(table, rows, input.postgres) });
      if (ahead >= MAX_AHEAD) await new Promise<void>((resolve) => (caughtUp = resolve));
      caughtUp = null;
    },
    run: (kind, text, params) => ask<number>({ type: 'run', kind, text, params }),
    select: <Row>(kind: string, text: string, params: Param[]) => ask<Row[]>({ type: 'select', kind, text, params }),
  };

  const errors = new Errors();
  const licenseUserErrors = new Errors();
  new SyncRun(sink, { ...input, source: source() }, errors, licenseUserErrors)
    .run()
    .then(
      (counts) => post({ type: 'done', counts, errors, licenseUserErrors }),
      (error: unknown) =>
        post({
          type: 'failed',
          refused: error instanceof FileRefused,
          message: error instanceof Error ? error.message : String(error),
          ...(error instanceof Error && error.stack ? { stack: error.stack } : {}),
          errors,
          licenseUserErrors,
        }),
    );
}
