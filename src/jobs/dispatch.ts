import { CompiledQuery, type Kysely } from 'kysely';
import PgBoss from 'pg-boss';
import type { Logger } from 'pino';
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

const QUEUE = 'switchyard-flow-run';

/**
 * PostgreSQL scale-out: pg-boss carries "run job X" messages to any worker process. Chosen over
 * graphile-worker because its send() accepts the caller's connection (`db`), so the message is
 * written in the same transaction as the run row — a worker never receives a job that is not
 * committed, and a committed job is never left without a message. The flow_jobs lease (20 s)
 * still decides who runs a job and takes over after a crash; pg-boss only delivers.
 */
export class PgBossDispatcher implements JobDispatcher {
  readonly kind = 'pg-boss' as const;
  readonly #boss: PgBoss;

  constructor(options: { connectionString: string; schema: string; logger?: Logger }) {
    this.#boss = new PgBoss({ connectionString: options.connectionString, schema: options.schema, max: 4, supervise: true, migrate: true, schedule: false });
    this.#boss.on('error', (error) => options.logger?.warn({ err: error }, 'pg-boss error'));
  }

  async announce(jobId: string, trx: Kysely<Database>): Promise<void> {
    await this.#ensureStarted();
    const db = {
      executeSql: async (text: string, values: unknown[]) => {
        const result = await trx.executeQuery(CompiledQuery.raw(text, values));
        return { rows: result.rows as unknown[] };
      },
    };
    await this.#boss.send(QUEUE, { jobId }, { db, expireInSeconds: 900, retryLimit: 3, retryDelay: 5 });
  }

  #started: Promise<void> | undefined;
  #ensureStarted(): Promise<void> {
    this.#started ??= (async () => {
      await this.#boss.start();
      await this.#boss.createQueue(QUEUE, { name: QUEUE, retryLimit: 3, expireInSeconds: 900 });
    })();
    return this.#started;
  }

  async start(run: (jobId: string) => Promise<void>, concurrency: number): Promise<void> {
    await this.#ensureStarted();
    for (let i = 0; i < concurrency; i++) {
      await this.#boss.work<{ jobId: string }>(QUEUE, { batchSize: 1, pollingIntervalSeconds: 0.5 }, async ([job]) => {
        if (job) await run(job.data.jobId);
      });
    }
  }

  async stop(): Promise<void> {
    if (this.#started) await this.#boss.stop({ graceful: true, wait: true, timeout: 10_000 });
  }
}
