import { CompiledQuery, type Kysely, PostgresAdapter, type QueryResult, sql } from 'kysely';
import type { Database } from '../store/schema.js';
import { type BatchRow, type Param, serializeBatch, type SyncConstants, type TableName } from './sync-batch.js';

/**
 * The writes of a sync, as multi-row statements built once per batch shape and sent straight to
 * the driver (no query builder per row: at a million rows Kysely's compilation cost more than
 * the database). The SQL is the same on both stores apart from the placeholders ($n / ?).
 */

interface Table {
  table: string;
  /** Columns of the statement: ':x' takes the sync's constant x, 'null' a NULL, 'row' / 'integer' the row's next value. */
  columns: ReadonlyArray<readonly [column: string, source: string]>;
  conflict: string;
}

const TABLES = {
  users: {
    table: 'inv_users',
    columns: [
      ['app_account_id', ':appAccountId'],
      ['email', 'row'],
      ['team_id', ':teamId'],
      ['original_email', 'row'],
      ['external_id', 'row'],
      ['first_name', 'row'],
      ['last_name', 'row'],
      ['status', 'row'],
      ['external_status', 'row'],
      ['roles', 'row'],
      ['last_used_date', 'row'],
      ['removed_at', 'null'],
      ['seen_sync', ':syncId'],
    ],
    conflict: ` on conflict (app_account_id, email) do update set ${['original_email', 'external_id', 'first_name', 'last_name', 'status', 'external_status', 'roles', 'last_used_date', 'removed_at', 'seen_sync'].map((c) => `${c} = excluded.${c}`).join(', ')}`,
  },
  licenseUsers: {
    table: 'inv_license_users',
    columns: [
      ['app_account_id', ':appAccountId'],
      ['license_name', 'row'],
      ['email', 'row'],
      ['license_status', 'row'],
      ['seen_sync', ':syncId'],
    ],
    conflict: ' on conflict (app_account_id, license_name, email) do update set license_status = excluded.license_status, seen_sync = excluded.seen_sync',
  },
  pending: {
    table: 'sync_pending_license_users',
    columns: [
      ['sync_id', ':syncId'],
      ['seq', 'integer'],
      ['license_index', 'integer'],
      ['license', 'row'],
      ['row', 'integer'],
      ['raw', 'row'],
    ],
    conflict: '',
  },
} satisfies Record<TableName, Table>;


/** Time spent per kind of statement, when asked for (bench/file-sync.ts). */
export type StatementTimes = Map<string, { n: number; ms: number }>;

export class SyncWriter {
  readonly postgres: boolean;

  constructor(
    private readonly trx: Kysely<Database>,
    private readonly times?: StatementTimes,
  ) {
    this.postgres = trx.getExecutor().adapter instanceof PostgresAdapter;
  }

  /** Writes `rows` of `table` in one statement. */
  insert(table: TableName, rows: BatchRow[], constants: SyncConstants): Promise<void> {
    return this.insertJson(table, serializeBatch(table, rows, this.postgres), constants);
  }

  /**
   * Writes a batch serialized by `serializeBatch`: the rows go as one JSON parameter, read with
   * json_each (SQLite) or json_array_elements (PostgreSQL). The statement text is the same
   * whatever the batch size: better-sqlite3 prepares every statement Kysely sends, and preparing
   * thousands of placeholders cost more than the inserts; and a string crosses threads cheaply.
   */
  async insertJson(table: TableName, json: string, constants: SyncConstants): Promise<void> {
    const spec: Table = TABLES[table];
    const params: Param[] = [];
    let n = 0;
    const values = spec.columns.map(([, source]) => {
      if (source === 'null') return 'null';
      if (source.startsWith(':')) {
        params.push(constants[source.slice(1) as keyof SyncConstants]);
        return '?';
      }
      const value = `value ->> ${n++}`;
      return source === 'integer' && this.postgres ? `(${value})::integer` : value;
    });
    params.push(json);
    const rows = this.postgres ? 'json_array_elements(?::json) as rows(value)' : 'json_each(?)';
    const text = `insert into ${spec.table} (${spec.columns.map(([c]) => c).join(', ')}) select ${values.join(', ')} from ${rows} where true${spec.conflict}`;
    await this.execute(`insert ${table}`, this.postgres ? numbered(text) : text, params);
  }

  /** One statement of raw SQL with `?` placeholders (rewritten to $n on PostgreSQL); answers the rows it changed. */
  run(kind: string, text: string, params: Param[]): Promise<number> {
    return this.execute(kind, this.postgres ? numbered(text) : text, params);
  }

  /** A query with `?` placeholders; answers its rows. */
  async select<Row>(kind: string, text: string, params: Param[]): Promise<Row[]> {
    return (await this.query<Row>(kind, this.postgres ? numbered(text) : text, params)).rows;
  }

  private async execute(kind: string, text: string, params: Param[]): Promise<number> {
    return Number((await this.query(kind, text, params)).numAffectedRows ?? 0);
  }

  private async query<Row>(kind: string, text: string, params: Param[]): Promise<QueryResult<Row>> {
    const started = this.times ? performance.now() : 0;
    const result = await this.trx.executeQuery<Row>(CompiledQuery.raw(text, params));
    if (this.times) {
      const entry = this.times.get(kind) ?? { n: 0, ms: 0 };
      entry.n++;
      entry.ms += performance.now() - started;
      this.times.set(kind, entry);
    }
    return result;
  }

  /**
   * SQLite only: a larger page cache for the sync's transaction (index inserts in email order
   * touch pages all over the B-trees), given back afterwards. Returns the setting to restore.
   */
  async widenCache(kib: number): Promise<number | null> {
    if (this.postgres) return null;
    const before = await sql<{ cache_size: number }>`pragma cache_size`.execute(this.trx);
    await sql.raw(`pragma cache_size = -${Math.floor(kib)}`).execute(this.trx);
    return before.rows[0]?.cache_size ?? null;
  }

  async restoreCache(setting: number | null): Promise<void> {
    if (setting !== null) await sql.raw(`pragma cache_size = ${Math.trunc(setting)}`).execute(this.trx);
  }

}

/** `?` → `$1`, `$2` … (the statements here have no `?` inside literals). */
function numbered(text: string): string {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
}
