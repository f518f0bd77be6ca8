import { CompiledQuery, type Kysely, PostgresAdapter, type QueryResult, sql } from 'kysely';
import type { Database } from '../store/schema.js';

/**
 * The writes of a sync, as multi-row statements built once per batch shape and sent straight to
 * the driver (no query builder per row: at a million rows Kysely's compilation cost more than
 * the database). The SQL is the same on both stores apart from the placeholders ($n / ?).
 */

type Param = string | number | null;

export const USER_COLUMNS = [
  'app_account_id',
  'email',
  'team_id',
  'original_email',
  'external_id',
  'first_name',
  'last_name',
  'status',
  'external_status',
  'roles',
  'last_used_date',
  'removed_at',
  'seen_sync',
] as const;
const USER_UPDATES = ['original_email', 'external_id', 'first_name', 'last_name', 'status', 'external_status', 'roles', 'last_used_date', 'removed_at', 'seen_sync'];
export const LICENSE_USER_COLUMNS = ['app_account_id', 'license_name', 'email', 'license_status', 'seen_sync'] as const;
export const PENDING_COLUMNS = ['sync_id', 'seq', 'license_index', 'license', 'row', 'raw'] as const;

/** Rows per statement: well under both stores' parameter limits (SQLite 32766, PostgreSQL 65535). */
export const USER_BATCH = 500;
export const LICENSE_USER_BATCH = 1000;
export const PENDING_BATCH = 1000;

interface Table {
  insert: string;
  columns: readonly string[];
  conflict: string;
}

const TABLES = {
  users: {
    insert: 'insert into inv_users',
    columns: USER_COLUMNS,
    conflict: ` on conflict (app_account_id, email) do update set ${USER_UPDATES.map((c) => `${c} = excluded.${c}`).join(', ')}`,
  },
  licenseUsers: {
    insert: 'insert into inv_license_users',
    columns: LICENSE_USER_COLUMNS,
    conflict: ' on conflict (app_account_id, license_name, email) do update set license_status = excluded.license_status, seen_sync = excluded.seen_sync',
  },
  pending: { insert: 'insert into sync_pending_license_users', columns: PENDING_COLUMNS, conflict: '' },
} satisfies Record<string, Table>;

export type TableName = keyof typeof TABLES;

/** Time spent per kind of statement, when asked for (bench/file-sync.ts). */
export type StatementTimes = Map<string, { n: number; ms: number }>;

export class SyncWriter {
  readonly postgres: boolean;
  private readonly statements = new Map<string, string>();

  constructor(
    private readonly trx: Kysely<Database>,
    private readonly times?: StatementTimes,
  ) {
    this.postgres = trx.getExecutor().adapter instanceof PostgresAdapter;
  }

  /** Writes `params` (whole rows of `table`'s columns, flattened) in one statement. */
  async insert(table: TableName, params: Param[]): Promise<void> {
    const { columns } = TABLES[table];
    const rows = params.length / columns.length;
    if (rows === 0) return;
    const key = `${table}:${rows}`;
    let text = this.statements.get(key);
    if (text === undefined) {
      text = this.build(TABLES[table], rows);
      if (this.postgres) text = numbered(text);
      // Only the full-batch shape comes back often; the last, shorter batch is built each time.
      if (this.statements.size < 16) this.statements.set(key, text);
    }
    await this.execute(`insert ${table}`, text, params);
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

  private build(table: Table, rows: number): string {
    const tuple = `(${table.columns.map(() => '?').join(', ')})`;
    return `${table.insert} (${table.columns.join(', ')}) values ${Array.from({ length: rows }, () => tuple).join(', ')}${table.conflict}`;
  }
}

/** `?` → `$1`, `$2` … (the statements here have no `?` inside literals). */
function numbered(text: string): string {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
}
