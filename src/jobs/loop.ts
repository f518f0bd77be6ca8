import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { nextRunAt } from '../flows/model.js';
import type { Database } from '../store/schema.js';
import type { JobDispatcher } from './dispatch.js';
import type { JobRepository } from './repository.js';
import type { FlowRunner } from './runner.js';

/**
 * Fires due schedules: a flow whose next_run_at has passed gets a job, and its next_run_at moves
 * on in the same fenced update, so two processes ticking together enqueue it once.
 */
export class Scheduler {
  constructor(private readonly deps: { db: Kysely<Database>; jobs: JobRepository; now?: () => Date }) {}

  async tick(): Promise<number> {
    const now = this.deps.now?.() ?? new Date();
    const due = await this.deps.db
      .selectFrom('flows')
      .select(['id', 'team_id', 'schedule', 'timezone', 'next_run_at'])
      .where('disabled', '=', 0)
      .where('next_run_at', 'is not', null)
      .where('next_run_at', '<=', now.toISOString())
      .limit(100)
      .execute();
    let fired = 0;
    for (const flow of due) {
      const next = nextRunAt(flow.schedule, flow.timezone, now);
      const won = await this.deps.db.transaction().execute(async (trx) => {
        const moved = await trx.updateTable('flows').set({ next_run_at: next }).where('id', '=', flow.id).where('next_run_at', '=', flow.next_run_at).executeTakeFirst();
        if (Number(moved.numUpdatedRows) !== 1) return false;
        // Enqueued in the same transaction that moves the schedule: never a lost or a double run.
        await this.deps.jobs.enqueue({ teamId: flow.team_id, flowId: flow.id, trigger: 'schedule' }, trx);
        return true;
      });
      if (won) fired++;
    }
    return fired;
  }
}

/**
 * The worker loop: claims jobs (queued, or running with an expired lease) and runs them, at most
 * `concurrency` at once; ticks the scheduler. `switchyard start` runs one in-process;
 * `switchyard worker` runs only this.
 */
export class JobLoop {
  readonly workerId = `worker-${process.pid}-${randomBytes(3).toString('hex')}`;
  #timer: NodeJS.Timeout | undefined;
  #active = new Set<Promise<void>>();
  #ticking = false;

  constructor(
    private readonly deps: { jobs: JobRepository; runner: FlowRunner; scheduler: Scheduler; dispatcher: JobDispatcher; concurrency?: number; intervalMs?: number; logger?: Logger; onTick?: () => Promise<unknown> },
  ) {}

  /** Claims one announced job and runs it (a pg-boss message); nothing when another worker has it. */
  async #runById(jobId: string): Promise<void> {
    const job = await this.deps.jobs.claim(this.workerId, this.deps.runner.leaseMs, { jobId });
    if (!job) return;
    const running = this.deps.runner.run(job).finally(() => this.#active.delete(running));
    this.#active.add(running);
    await running;
  }

  /** The same loop with another number of jobs at once (the worker command's --concurrency). */
  withConcurrency(concurrency: number): JobLoop {
    return new JobLoop({ ...this.deps, concurrency });
  }

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => void this.tick(), this.deps.intervalMs ?? 500);
    this.#timer.unref();
    void this.deps.dispatcher.start((jobId) => this.#runById(jobId), this.deps.concurrency ?? 2).catch((error: unknown) => this.deps.logger?.error({ err: error }, 'job dispatcher failed to start'));
  }

  /** One round: fire schedules, then claim while there is room. Safe to call directly in tests. */
  async tick(): Promise<void> {
    if (this.#ticking) return;
    this.#ticking = true;
    try {
      await this.deps.scheduler.tick();
      await this.deps.onTick?.();
      // With pg-boss delivering queued jobs, the loop only takes over runs whose worker died.
      const includeQueued = this.deps.dispatcher.kind === 'local';
      while (this.#active.size < (this.deps.concurrency ?? 2)) {
        const job = await this.deps.jobs.claim(this.workerId, this.deps.runner.leaseMs, { includeQueued });
        if (!job) break;
        const running = this.deps.runner.run(job).finally(() => this.#active.delete(running));
        this.#active.add(running);
      }
    } catch (error) {
      this.deps.logger?.error({ err: error }, 'job loop tick failed');
    } finally {
      this.#ticking = false;
    }
  }

  /** Runs ticks until no job is queued or running in this process (tests and one-shot runs). */
  async drain(timeoutMs = 30_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      await this.tick();
      if (this.#active.size === 0) {
        const next = await this.deps.jobs.claim(this.workerId, this.deps.runner.leaseMs);
        if (!next) return;
        const running = this.deps.runner.run(next).finally(() => this.#active.delete(running));
        this.#active.add(running);
      }
      await Promise.race([...this.#active, new Promise((r) => setTimeout(r, 50))]);
      if (Date.now() > until) throw new Error('jobs did not finish in time');
    }
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.deps.dispatcher.stop();
    await Promise.allSettled([...this.#active]);
  }
}
