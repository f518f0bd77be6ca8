import type { Kysely } from 'kysely';
import type { ExportModel } from '../exports/model.js';
import { readDotPath } from '../engine/pagination/index.js';
import type { Database } from '../store/schema.js';

function recordId(record: unknown): string | undefined {
  if (typeof record !== 'object' || record === null) return undefined;
  const value = (record as Record<string, unknown>).id ?? (record as Record<string, unknown>)._id;
  return value === undefined || value === null ? undefined : String(value);
}

/**
 * delta with a dateField: keeps records changed after the last completed run (minus lagOffset),
 * for APIs that cannot filter by date themselves. Records without a readable date are kept.
 *
 * @example deltaFilter({ type: 'delta', delta: { dateField: 'updated' } }, '2026-01-01T00:00:00Z')([{ updated: '2025-12-31' }]) // []
 */
export function deltaFilter(model: ExportModel, lastExportDateTime: string | undefined): (records: unknown[]) => unknown[] {
  const field = model.delta?.dateField;
  if (model.type !== 'delta' || !field || !lastExportDateTime) return (records) => records;
  const since = Date.parse(lastExportDateTime) - (model.delta?.lagOffset ?? 0);
  return (records) =>
    records.filter((record) => {
      const value = readDotPath(record, field);
      const time = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : Number.NaN;
      return Number.isNaN(time) || time > since;
    });
}

/**
 * once: delivers each record a single time — records flagged by `once.booleanField` are skipped,
 * and so are records (by id) this export already delivered in an earlier run.
 */
export class OnceFilter {
  constructor(private readonly db: Kysely<Database>) {}

  async filter(exportId: string, model: ExportModel, records: unknown[]): Promise<unknown[]> {
    if (model.type !== 'once') return records;
    const flag = model.once?.booleanField;
    const fresh = flag ? records.filter((r) => !readDotPath(r, flag)) : records;
    const ids = fresh.map(recordId).filter((id): id is string => id !== undefined);
    if (ids.length === 0) return fresh;
    const seen = new Set((await this.db.selectFrom('export_seen').select('record_id').where('export_id', '=', exportId).where('record_id', 'in', ids).execute()).map((r) => r.record_id));
    return fresh.filter((r) => {
      const id = recordId(r);
      return id === undefined || !seen.has(id);
    });
  }

  /** Remembers records as delivered (after they went through every step of the page). */
  async remember(exportId: string, model: ExportModel, records: unknown[]): Promise<void> {
    if (model.type !== 'once') return;
    const now = new Date().toISOString();
    const rows = records.map(recordId).filter((id): id is string => id !== undefined).map((id) => ({ export_id: exportId, record_id: id, seen_at: now }));
    for (let i = 0; i < rows.length; i += 500) {
      await this.db.insertInto('export_seen').values(rows.slice(i, i + 500)).onConflict((oc) => oc.doNothing()).execute();
    }
  }
}
