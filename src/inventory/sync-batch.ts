/**
 * The batches a sync writes, as they cross from `SyncRun` (possibly on the sync worker thread) to
 * `SyncWriter`: rows of plain values, serialized as one JSON string per batch. No database code
 * here, so the worker does not load the query builder.
 */

export type Param = string | number | null;
/** One row of a batch: its own columns, in the order of the table's `columns`. */
export type BatchRow = Param[];

/** What every row of a sync shares. */
export interface SyncConstants {
  appAccountId: string;
  teamId: string;
  syncId: string;
}

/** Rows per statement: well under both stores' parameter limits (SQLite 32766, PostgreSQL 65535). */
export const USER_BATCH = 500;
export const LICENSE_USER_BATCH = 1000;
export const PENDING_BATCH = 1000;

/** The tables a sync writes in batches (see TABLES in sync-writer.ts). */
export type TableName = 'users' | 'licenseUsers' | 'pending';

/**
 * A batch as the JSON parameter of `insertJson`. PostgreSQL refuses to update one row twice in a
 * statement: there a license user repeated in a batch keeps its last occurrence, as one statement
 * per row would.
 */
export function serializeBatch(table: TableName, rows: BatchRow[], postgres: boolean): string {
  return JSON.stringify(postgres && table === 'licenseUsers' ? lastOccurrences(rows) : rows);
}

/** The rows of `rows` whose (license, email) does not come again later in the batch. */
function lastOccurrences(rows: BatchRow[]): BatchRow[] {
  const last = new Map<string, number>();
  rows.forEach((row, i) => last.set(`${String(row[0])}\u0000${String(row[1])}`, i));
  return last.size === rows.length ? rows : rows.filter((row, i) => last.get(`${String(row[0])}\u0000${String(row[1])}`) === i);
}

