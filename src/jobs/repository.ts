import type { Kysely } from 'kysely';
import { newId } from '../ids.js';
import type { Database, FlowJobsTable, JobErrorsTable } from '../store/schema.js';

export type JobStatus = FlowJobsTable['status'];

/** The job state machine as data: every status change is checked against it (style.md §9). */
export const TRANSITIONS: Record<JobStatus, readonly JobStatus[]> = {
  queued: ['running', 'cancelled'],
  running: ['running', 'queued', 'success', 'partial', 'failed', 'cancelled'],
  success: [],
  partial: [],
  failed: [],
  cancelled: [],
};

export interface JobCounts {
  pages: number;
  exported: number;
  imported: number;
  failed: number;
  ignored: number;
}

/** Where a run continues: which page generator, the source position in it, how many pages so far. */
export interface JobCheckpoint {
  g: number;
  cp?: unknown;
  pageIndex: number;
  /** When the run started (a delta export's next lastExportDateTime). */
  runStartedAt?: string;
}

export interface Job {
  id: string;
  teamId: string;
  flowId: string;
  trigger: FlowJobsTable['trigger'];
  status: JobStatus;
  attempt: number;
  checkpoint: JobCheckpoint;
  counts: JobCounts;
  error: string | null;
  retryStep: string | null;
  retryKeys: string[] | null;
  cancelRequested: boolean;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export const EMPTY_COUNTS: JobCounts = { pages: 0, exported: 0, imported: 0, failed: 0, ignored: 0 };

function toJob(row: FlowJobsTable): Job {
  return {
    id: row.id,
    teamId: row.team_id,
    flowId: row.flow_id,
    trigger: row.trigger,
    status: row.status,
    attempt: row.attempt,
    checkpoint: { g: 0, pageIndex: 0, ...(JSON.parse(row.checkpoint) as Partial<JobCheckpoint>) },
    counts: { ...EMPTY_COUNTS, ...(JSON.parse(row.counts) as Partial<JobCounts>) },
    error: row.error,
    retryStep: row.retry_step,
    retryKeys: row.retry_keys ? (JSON.parse(row.retry_keys) as string[]) : null,
    cancelRequested: row.cancel_requested === 1,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

export interface NewJobError {
  stepId: string;
  source: 'export' | 'mapping' | 'import';
  code: string;
  message: string;
  classification: string;
  retryDataKey: string;
  record?: unknown;
}

/**
 * Runs in the store: enqueue, claim with a lease, commit a page fenced by the attempt number
 * (a stale worker that wakes up cannot write), finish. The same code on SQLite and Postgres.
 */
export class JobRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly announce: (jobId: string, trx: Kysely<Database>) => Promise<void> = async () => undefined,
  ) {}

  /** Creates a queued run and announces it to the workers in the same transaction. */
  async enqueue(input: { teamId: string; flowId: string; trigger: FlowJobsTable['trigger']; retryStep?: string; retryKeys?: string[] }, trx?: Kysely<Database>): Promise<Job> {
    if (!trx) return this.db.transaction().execute((t) => this.enqueue(input, t));
    const db = trx;
    const row: FlowJobsTable = {
      id: newId(),
      team_id: input.teamId,
      flow_id: input.flowId,
      trigger: input.trigger,
      status: 'queued',
      attempt: 0,
      lease_until: null,
      worker: null,
      checkpoint: '{}',
      counts: JSON.stringify(EMPTY_COUNTS),
      error: null,
      retry_step: input.retryStep ?? null,
      retry_keys: input.retryKeys ? JSON.stringify(input.retryKeys) : null,
      cancel_requested: 0,
      created_at: new Date().toISOString(),
      started_at: null,
      finished_at: null,
    };
    await db.insertInto('flow_jobs').values(row).execute();
    await this.announce(row.id, db);
    return toJob(row);
  }

  async get(teamId: string, id: string): Promise<Job | undefined> {
    const row = await this.db.selectFrom('flow_jobs').selectAll().where('team_id', '=', teamId).where('id', '=', id).executeTakeFirst();
    return row && toJob(row);
  }

  async list(teamId: string, filter: { flowId?: string; status?: string; limit: number; after?: string }): Promise<Job[]> {
    let query = this.db.selectFrom('flow_jobs').selectAll().where('team_id', '=', teamId);
    if (filter.flowId) query = query.where('flow_id', '=', filter.flowId);
    if (filter.status) query = query.where('status', '=', filter.status as JobStatus);
    if (filter.after) query = query.where('id', '<', filter.after);
    return (await query.orderBy('id', 'desc').limit(filter.limit).execute()).map(toJob);
  }

  /**
   * Takes the oldest queued job, or a running one whose lease ran out (its worker died), and
   * leases it to `worker`. The update is fenced on the previous attempt, so two workers racing
   * for one job cannot both win.
   */
  async claim(worker: string, leaseMs: number, options: { now?: Date; includeQueued?: boolean; jobId?: string } = {}): Promise<Job | undefined> {
    const now = options.now ?? new Date();
    let query = this.db
      .selectFrom('flow_jobs')
      .select(['id', 'attempt', 'status'])
      .where((eb) =>
        eb.or([
          ...(options.includeQueued === false ? [] : [eb('status', '=', 'queued')]),
          eb.and([eb('status', '=', 'running'), eb('lease_until', '<', now.toISOString())]),
        ]),
      );
    if (options.jobId) query = query.where('id', '=', options.jobId);
    const candidates = await query.orderBy('created_at').limit(5).execute();
    for (const candidate of candidates) {
      const result = await this.db
        .updateTable('flow_jobs')
        .set({ status: 'running', attempt: candidate.attempt + 1, worker, lease_until: new Date(now.getTime() + leaseMs).toISOString(), started_at: now.toISOString() })
        .where('id', '=', candidate.id)
        .where('attempt', '=', candidate.attempt)
        .where('status', '=', candidate.status)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 1) {
        const row = await this.db.selectFrom('flow_jobs').selectAll().where('id', '=', candidate.id).executeTakeFirstOrThrow();
        return toJob(row);
      }
    }
    return undefined;
  }

  /** Saves a page's progress and extends the lease; false when the job was taken over (stop at once). */
  async commit(job: Job, update: { checkpoint: JobCheckpoint; counts: JobCounts; leaseMs: number }): Promise<boolean> {
    const result = await this.db
      .updateTable('flow_jobs')
      .set({ checkpoint: JSON.stringify(update.checkpoint), counts: JSON.stringify(update.counts), lease_until: new Date(Date.now() + update.leaseMs).toISOString() })
      .where('id', '=', job.id)
      .where('attempt', '=', job.attempt)
      .where('status', '=', 'running')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async finish(job: Job, status: Extract<JobStatus, 'success' | 'partial' | 'failed' | 'cancelled'>, counts: JobCounts, error: string | null = null): Promise<boolean> {
    if (!TRANSITIONS.running.includes(status)) throw new Error(`running → ${status} is not a job transition`);
    const result = await this.db
      .updateTable('flow_jobs')
      .set({ status, counts: JSON.stringify(counts), error, finished_at: new Date().toISOString(), lease_until: null })
      .where('id', '=', job.id)
      .where('attempt', '=', job.attempt)
      .where('status', '=', 'running')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async isCancelRequested(jobId: string): Promise<boolean> {
    const row = await this.db.selectFrom('flow_jobs').select('cancel_requested').where('id', '=', jobId).executeTakeFirst();
    return row?.cancel_requested === 1;
  }

  /** A queued job is cancelled at once; a running one stops after its current page. */
  async cancel(teamId: string, id: string): Promise<Job | undefined> {
    await this.db.updateTable('flow_jobs').set({ status: 'cancelled', finished_at: new Date().toISOString() }).where('team_id', '=', teamId).where('id', '=', id).where('status', '=', 'queued').execute();
    await this.db.updateTable('flow_jobs').set({ cancel_requested: 1 }).where('team_id', '=', teamId).where('id', '=', id).where('status', '=', 'running').execute();
    return this.get(teamId, id);
  }

  /**
   * Notes the records a job wrote through a step (one statement per 500), so a re-run of the page
   * skips them. The upstream write and this note are not atomic: the Idempotency-Key sent with
   * each record covers a crash in between, for targets that honour it.
   */
  async markWritten(jobId: string, stepId: string, outcomes: Array<{ key: string; outcome: string }>): Promise<void> {
    for (let i = 0; i < outcomes.length; i += 500) {
      const rows = outcomes.slice(i, i + 500).map((o) => ({ job_id: jobId, step_id: stepId, record_key: o.key, outcome: o.outcome }));
      await this.db.insertInto('job_records').values(rows).onConflict((oc) => oc.doNothing()).execute();
    }
  }

  /** Records of these keys this job already wrote through the step, with their outcome ('ok' | 'failed'). */
  async writtenKeys(jobId: string, stepId: string, keys: string[]): Promise<Map<string, string>> {
    if (keys.length === 0) return new Map();
    const rows = await this.db.selectFrom('job_records').select(['record_key', 'outcome']).where('job_id', '=', jobId).where('step_id', '=', stepId).where('record_key', 'in', keys).execute();
    return new Map(rows.map((r) => [r.record_key, r.outcome]));
  }

  async addErrors(job: Job, errors: NewJobError[]): Promise<void> {
    if (errors.length === 0) return;
    const now = new Date().toISOString();
    const rows: JobErrorsTable[] = errors.map((e) => ({
      id: newId(),
      team_id: job.teamId,
      flow_id: job.flowId,
      step_id: e.stepId,
      job_id: job.id,
      occurred_at: now,
      source: e.source,
      code: e.code,
      message: e.message.slice(0, 2000),
      classification: e.classification,
      retry_data_key: e.retryDataKey,
      record: e.record === undefined ? null : JSON.stringify(e.record),
      resolved_at: null,
    }));
    await this.db.insertInto('job_errors').values(rows).execute();
  }

  async listErrors(teamId: string, flowId: string, stepId: string, options: { resolved?: boolean; limit: number }): Promise<JobErrorsTable[]> {
    let query = this.db.selectFrom('job_errors').selectAll().where('team_id', '=', teamId).where('flow_id', '=', flowId).where('step_id', '=', stepId);
    query = options.resolved ? query.where('resolved_at', 'is not', null) : query.where('resolved_at', 'is', null);
    return query.orderBy('occurred_at', 'desc').orderBy('id', 'desc').limit(options.limit).execute();
  }

  async resolveErrors(teamId: string, flowId: string, stepId: string, by: { errorIds?: string[]; retryDataKeys?: string[] }): Promise<number> {
    let query = this.db.updateTable('job_errors').set({ resolved_at: new Date().toISOString() }).where('team_id', '=', teamId).where('flow_id', '=', flowId).where('step_id', '=', stepId).where('resolved_at', 'is', null);
    if (by.errorIds) query = query.where('id', 'in', by.errorIds.length ? by.errorIds : ['']);
    if (by.retryDataKeys) query = query.where('retry_data_key', 'in', by.retryDataKeys.length ? by.retryDataKeys : ['']);
    return Number((await query.executeTakeFirst()).numUpdatedRows);
  }

  async recordsForRetry(teamId: string, flowId: string, stepId: string, keys: string[]): Promise<Array<{ key: string; record: unknown }>> {
    if (keys.length === 0) return [];
    const rows = await this.db
      .selectFrom('job_errors')
      .select(['retry_data_key', 'record'])
      .where('team_id', '=', teamId)
      .where('flow_id', '=', flowId)
      .where('step_id', '=', stepId)
      .where('retry_data_key', 'in', keys)
      .where('resolved_at', 'is', null)
      .execute();
    const seen = new Set<string>();
    return rows.flatMap((row) => {
      if (seen.has(row.retry_data_key) || row.record === null) return [];
      seen.add(row.retry_data_key);
      return [{ key: row.retry_data_key, record: JSON.parse(row.record) as unknown }];
    });
  }
}
