import { type Kysely, PostgresAdapter, sql } from 'kysely';
import type { Logger } from 'pino';
import { fail } from '../errors.js';
import type { FileService } from '../files/service.js';
import { newId } from '../ids.js';
import { decodeCursor, encodeCursor } from '../server/cursor.js';
import type { Database, SyncsTable } from '../store/schema.js';
import type { AppService } from './apps.js';
import { isCsvContentType } from './csv/columns.js';
import { CsvFileError, csvSyncSource, formatCsvRowError, isCsvRowError } from './csv/transcode.js';
import { formatRowError, type RowError } from './payload/validate.js';
import { applySync, type SyncCounts } from './sync-apply.js';

export interface SyncWire {
  id: string;
  status: SyncsTable['status'];
  idAppAccount: string;
  idFile: number;
  counts: Partial<SyncCounts>;
  /** How many rows were refused: `counts.rowErrors` when the sync finished, else the errors kept. */
  rowErrorCount: number;
  rowErrors: Array<RowError & { text: string }>;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

/** A sync as lists show it: the wire object without its `rowErrors` array (read one sync for those). */
export type SyncSummary = Omit<SyncWire, 'rowErrors'>;

export const SYNC_STATUSES: ReadonlyArray<SyncsTable['status']> = ['running', 'success', 'partial', 'failed'];

export interface SyncListFilter {
  idAppAccount: string;
  status?: SyncsTable['status'];
  limit: number;
  cursor?: string;
}

/** Files from this size on are read and checked on a worker thread while the store writes. */
export const PARALLEL_SYNC_BYTES = 4 * 1024 * 1024;

function toSummary(row: Omit<SyncsTable, 'row_errors'>, keptErrors: number): SyncSummary {
  const counts = JSON.parse(row.counts) as Partial<SyncCounts>;
  return {
    id: row.id,
    status: row.status,
    idAppAccount: row.app_account_id,
    idFile: Number(row.file_id),
    counts,
    rowErrorCount: counts.rowErrors ?? keptErrors,
    error: row.error,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
  };
}

function toWire(row: SyncsTable): SyncWire {
  const rowErrors = JSON.parse(row.row_errors) as RowError[];
  const { error, createdAt, finishedAt, ...head } = toSummary(row, rowErrors.length);
  return { ...head, rowErrors: rowErrors.map((e) => ({ ...e, text: isCsvRowError(e) ? formatCsvRowError(e) : formatRowError(e) })), error, createdAt, finishedAt };
}

/**
 * Step 5 of the file sync: applies an uploaded file to an app account, in the background. One
 * sync per app account at a time (409 otherwise). A sync whose process died is claimed again
 * after its lease and re-applied from the start; its transaction never committed, so nothing is
 * applied twice.
 */
export class SyncService {
  readonly #running = new Set<Promise<void>>();

  constructor(
    private readonly deps: {
      db: Kysely<Database>;
      files: FileService;
      apps: AppService;
      leaseMs: number;
      /**
       * true on PostgreSQL: the lease is renewed on another pooled connection while the sync's
       * transaction runs. SQLite has one connection (held by that transaction) and one server
       * process, so there a sync left running is resumed when the process starts instead.
       */
      heartbeat: boolean;
      logger?: Logger;
    },
  ) {}

  async start(teamId: string, input: { idFile: number | string; idAppAccount: string }): Promise<SyncWire> {
    const file = await this.deps.files.get(teamId, input.idFile);
    await this.deps.apps.getAccount(teamId, input.idAppAccount);
    const now = new Date();
    const busy = await this.deps.db
      .selectFrom('syncs')
      .select('id')
      .where('team_id', '=', teamId)
      .where('app_account_id', '=', input.idAppAccount)
      .where('status', '=', 'running')
      .where('lease_until', '>', now.toISOString())
      .executeTakeFirst();
    if (busy) throw fail('SYNC_RUNNING', `A sync (${busy.id}) is already running for this app account; wait for it to finish.`, [{ field: 'idAppAccount', message: `sync ${busy.id} is running` }]);
    const row: SyncsTable = {
      id: newId(),
      team_id: teamId,
      app_account_id: input.idAppAccount,
      file_id: file.id,
      status: 'running',
      counts: '{}',
      row_errors: '[]',
      error: null,
      attempt: 1,
      lease_until: new Date(now.getTime() + this.deps.leaseMs).toISOString(),
      created_at: now.toISOString(),
      finished_at: null,
    };
    await this.deps.db.insertInto('syncs').values(row).execute();
    this.#spawn(row);
    return toWire(row);
  }

  #spawn(row: SyncsTable): void {
    const running = this.#run(row).finally(() => this.#running.delete(running));
    this.#running.add(running);
  }

  async #run(row: SyncsTable): Promise<void> {
    const beat = this.deps.heartbeat
      ? setInterval(() => {
          void this.deps.db
            .updateTable('syncs')
            .set({ lease_until: new Date(Date.now() + this.deps.leaseMs).toISOString() })
            .where('id', '=', row.id)
            .where('attempt', '=', row.attempt)
            .where('status', '=', 'running')
            .execute()
            .catch(() => undefined);
        }, Math.max(500, Math.floor(this.deps.leaseMs / 3)))
      : undefined;
    try {
      const file = await this.deps.files.get(row.team_id, row.file_id);
      // CSV files are read as the JSON payload they stand for (src/inventory/csv/), then named by line.
      const csv = isCsvContentType(file.content_type) ? csvSyncSource(await this.deps.files.open(file), JSON.parse(file.columns ?? '{}') as Record<string, string>) : undefined;
      const applied = await applySync(this.deps.db, {
        syncId: row.id,
        teamId: row.team_id,
        appAccountId: row.app_account_id,
        source: csv ? csv.stream : await this.deps.files.open(file),
        parallel: Number(file.size) >= PARALLEL_SYNC_BYTES,
      });
      const outcome = csv ? csv.finish(applied) : applied;
      const status: SyncsTable['status'] = !outcome.ok ? 'failed' : outcome.counts.rowErrors > 0 ? 'partial' : 'success';
      await this.#finish(row, status, outcome.ok ? outcome.counts : {}, outcome.rowErrors, outcome.ok ? null : outcome.message);
    } catch (error) {
      if (error instanceof CsvFileError) return await this.#finish(row, 'failed', {}, error.rowErrors, `The file cannot be read: ${error.message}`);
      this.deps.logger?.error({ err: error, sync: row.id }, 'sync failed');
      await this.#finish(row, 'failed', {}, [], 'The sync failed on our side; it was rolled back and can be started again.');
    } finally {
      if (beat) clearInterval(beat);
    }
  }

  async #finish(row: SyncsTable, status: SyncsTable['status'], counts: Partial<SyncCounts>, rowErrors: RowError[], error: string | null): Promise<void> {
    const finishedAt = new Date().toISOString();
    const updated = await this.deps.db
      .updateTable('syncs')
      .set({ status, counts: JSON.stringify(counts), row_errors: JSON.stringify(rowErrors), error, finished_at: finishedAt, lease_until: null })
      .where('id', '=', row.id)
      .where('attempt', '=', row.attempt)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) return;
    await this.deps.db.updateTable('app_accounts').set({ last_sync_time: finishedAt, last_sync_status: status }).where('id', '=', row.app_account_id).execute();
  }

  /**
   * Claims syncs whose process died and runs them again: those whose lease expired, or — when
   * the embedded store starts (`all`) — every sync left running, since no other process exists.
   */
  async resumeExpired(options: { all?: boolean } = {}): Promise<number> {
    const now = new Date();
    let query = this.deps.db.selectFrom('syncs').selectAll().where('status', '=', 'running');
    if (!options.all) query = query.where('lease_until', '<', now.toISOString());
    const stale = await query.limit(10).execute();
    let resumed = 0;
    for (const row of stale) {
      const claimed = await this.deps.db
        .updateTable('syncs')
        .set({ attempt: row.attempt + 1, lease_until: new Date(now.getTime() + this.deps.leaseMs).toISOString() })
        .where('id', '=', row.id)
        .where('attempt', '=', row.attempt)
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) continue;
      this.#spawn({ ...row, attempt: row.attempt + 1 });
      resumed++;
    }
    return resumed;
  }

  async get(teamId: string, id: string): Promise<SyncWire> {
    const row = await this.deps.db.selectFrom('syncs').selectAll().where('team_id', '=', teamId).where('id', '=', id).executeTakeFirst();
    if (!row) throw fail('SYNC_NOT_FOUND', `No sync with id "${id}".`);
    return toWire(row);
  }

  /**
   * An app account's syncs, newest first (by start time, then id), without their row errors: the
   * store counts the kept errors (json_array_length) so a page never carries the arrays.
   */
  async list(teamId: string, filter: SyncListFilter): Promise<{ syncs: SyncSummary[]; nextCursor: string | null }> {
    await this.deps.apps.getAccount(teamId, filter.idAppAccount);
    const db = this.deps.db;
    let query = db.selectFrom('syncs').where('team_id', '=', teamId).where('app_account_id', '=', filter.idAppAccount);
    if (filter.status) query = query.where('status', '=', filter.status);
    if (filter.cursor !== undefined) {
      const afterId = decodeCursor(filter.cursor);
      const after = await query.select('created_at').where('id', '=', afterId).executeTakeFirst();
      if (!after) throw fail('INVALID_CURSOR');
      query = query.where((eb) => eb.or([eb('created_at', '<', after.created_at), eb.and([eb('created_at', '=', after.created_at), eb('id', '<', afterId)])]));
    }
    const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
    const kept = postgres ? sql<number>`json_array_length(${sql.ref('row_errors')}::json)` : sql<number>`json_array_length(${sql.ref('row_errors')})`;
    const rows = await query
      .select(['id', 'team_id', 'app_account_id', 'file_id', 'status', 'counts', 'error', 'attempt', 'lease_until', 'created_at', 'finished_at'])
      .select(kept.as('kept_errors'))
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(filter.limit + 1)
      .execute();
    const page = rows.slice(0, filter.limit);
    const last = page.at(-1);
    return { syncs: page.map(({ kept_errors, ...row }) => toSummary(row, Number(kept_errors))), nextCursor: rows.length > filter.limit && last ? encodeCursor(last.id) : null };
  }

  /** Waits for the syncs this process is running (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
  }
}
