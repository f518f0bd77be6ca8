import { CompiledQuery, type Kysely } from 'kysely';
import PgBoss from 'pg-boss';
import pg from 'pg';
import type { Logger } from 'pino';
import { guardPool } from '../store/db.js';
import type { Database } from '../store/schema.js';
import type { JobDispatcher } from './dispatch.js';

const QUEUE = 'switchyard-flow-run';

/**
 * PostgreSQL scale-out: pg-boss carries "run job X" messages to any worker process. Chosen over
 * graphile-worker because its send() accepts the caller's connection (`db`), so the message is
 * written in the same transaction as the run row — a worker never receives a job that is not
 * committed, and a committed job is never left without a message. The flow_jobs lease (20 s)
 * still decides who runs a job and takes over after a crash; pg-boss only delivers.
 *
 * pg-boss runs on a pool of ours (guarded: a dropped connection is an error, not a crash), and
 * messages are fetched and completed by our own loop rather than `work()`, whose completion
 * call is not awaited and would be an unhandled rejection when the database is away.
 */
export class PgBossDispatcher implements JobDispatcher {
  readonly kind = 'pg-boss' as const;
  readonly #boss: PgBoss;
  readonly #pool: pg.Pool;
  readonly #logger: Logger | undefined;
  #running = false;
  #loops: Array<Promise<void>> = [];
  readonly #wake = new Set<() => void>();

  constructor(options: { connectionString: string; schema: string; logger?: Logger; pollMs?: number }) {
    this.#pool = guardPool(new pg.Pool({ connectionString: options.connectionString, max: 4 }));
    this.#logger = options.logger;
    const db = { executeSql: async (text: string, values: unknown[]) => ({ rows: (await this.#pool.query(text, values)).rows as unknown[] }) };
    this.#boss = new PgBoss({ db, schema: options.schema, supervise: true, migrate: true, schedule: false });
    this.#boss.on('error', (error) => options.logger?.warn({ err: error }, 'pg-boss error'));
    this.#pollMs = options.pollMs ?? 500;
  }

  readonly #pollMs: number;

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
    })().catch((error: unknown) => {
      // Not started (the database was away): the next call tries again.
      this.#started = undefined;
      throw error;
    });
    return this.#started;
  }

  async start(run: (jobId: string) => Promise<void>, concurrency: number): Promise<void> {
    await this.#ensureStarted();
    this.#running = true;
    for (let i = 0; i < concurrency; i++) this.#loops.push(this.#loop(run));
  }

  /** One delivery slot: fetch a message, run its job, complete it; every store error is logged and waited out. */
  async #loop(run: (jobId: string) => Promise<void>): Promise<void> {
    while (this.#running) {
      let idle = true;
      try {
        const [message] = await this.#boss.fetch<{ jobId: string }>(QUEUE, { batchSize: 1 });
        if (message) {
          idle = false;
          try {
            await run(message.data.jobId);
            await this.#boss.complete(QUEUE, message.id);
          } catch (error) {
            this.#logger?.warn({ err: error, job: message.data.jobId }, 'running a delivered job failed; pg-boss delivers it again');
            await this.#boss.fail(QUEUE, message.id, { message: error instanceof Error ? error.message : String(error) }).catch(() => undefined);
          }
        }
      } catch (error) {
        this.#logger?.warn({ err: error }, 'pg-boss fetch failed; retrying');
      }
      if (idle && this.#running) {
        await new Promise<void>((resolve) => {
          const wake = () => {
            clearTimeout(timer);
            this.#wake.delete(wake);
            resolve();
          };
          const timer = setTimeout(wake, this.#pollMs);
          this.#wake.add(wake);
        });
      }
    }
  }

  async stop(): Promise<void> {
    this.#running = false;
    for (const wake of [...this.#wake]) wake();
    await Promise.allSettled(this.#loops.splice(0));
    if (this.#started) await this.#boss.stop({ graceful: true, wait: true, timeout: 10_000 }).catch(() => undefined);
    await this.#pool.end().catch(() => undefined);
  }
}
