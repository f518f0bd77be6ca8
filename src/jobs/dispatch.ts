import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

/** Wakes a worker for a job; `announce` runs inside the transaction that created the job. */
export interface JobDispatcher {
  readonly kind: 'local' | 'pg-boss';
  announce(jobId: string, trx: Kysely<Database>): Promise<void>;
  /** Starts handing announced jobs to `run` (which claims and runs them). */
  start(run: (jobId: string) => Promise<void>, concurrency: number): Promise<void>;
  stop(): Promise<void>;
}

/** Embedded store: the in-process loop polls the jobs table; nothing else to wake. */
export class LocalDispatcher implements JobDispatcher {
  readonly kind = 'local' as const;
  async announce(): Promise<void> {}
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
}

// The PostgreSQL dispatcher (pg-boss) is in pg-boss-dispatcher.ts, imported only on PostgreSQL.
