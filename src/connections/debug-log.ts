import type { Kysely } from 'kysely';
import { newId } from '../ids.js';
import type { Database, DebugEntriesTable } from '../store/schema.js';

/** One recorded outbound request, secrets already redacted. */
export interface DebugEntry {
  _id: string;
  _connectionId: string;
  _resourceId: string | null;
  time: string;
  method: string;
  url: string;
  status: number | null;
  durationMs: number;
  request: { headers: Record<string, string>; body: string | null };
  response: { headers: Record<string, string> | null; body: string | null } | null;
  error: string | null;
}

export type NewDebugEntry = Omit<DebugEntry, '_id'> & { teamId: string };

/** How many entries one connection keeps; older ones are dropped as new ones arrive. */
export const DEBUG_ENTRIES_KEPT = 500;
/** Bodies are cut to this many characters before they are stored. */
export const DEBUG_BODY_LIMIT = 8192;

export function truncateBody(body: string | null): string | null {
  if (body === null || body.length <= DEBUG_BODY_LIMIT) return body;
  return `${body.slice(0, DEBUG_BODY_LIMIT)}… [${body.length - DEBUG_BODY_LIMIT} more characters cut]`;
}

function toDebugEntry(row: DebugEntriesTable): DebugEntry {
  return {
    _id: row.id,
    _connectionId: row.connection_id,
    _resourceId: row.resource_id,
    time: row.time,
    method: row.method,
    url: row.url,
    status: row.status,
    durationMs: row.duration_ms,
    request: { headers: JSON.parse(row.request_headers) as Record<string, string>, body: row.request_body },
    response:
      row.response_headers === null && row.response_body === null
        ? null
        : { headers: row.response_headers === null ? null : (JSON.parse(row.response_headers) as Record<string, string>), body: row.response_body },
    error: row.error,
  };
}

export class DebugLog {
  constructor(private readonly db: Kysely<Database>) {}

  async record(entry: NewDebugEntry): Promise<void> {
    const id = newId();
    await this.db
      .insertInto('debug_entries')
      .values({
        id,
        team_id: entry.teamId,
        connection_id: entry._connectionId,
        resource_id: entry._resourceId,
        time: entry.time,
        method: entry.method,
        url: entry.url,
        status: entry.status,
        duration_ms: Math.round(entry.durationMs),
        request_headers: JSON.stringify(entry.request.headers),
        request_body: truncateBody(entry.request.body),
        response_headers: entry.response?.headers ? JSON.stringify(entry.response.headers) : null,
        response_body: truncateBody(entry.response?.body ?? null),
        error: entry.error,
      })
      .execute();
    // Keep the newest entries only; ids sort by time, so "older" is "smaller id".
    const cutoff = await this.db
      .selectFrom('debug_entries')
      .select('id')
      .where('connection_id', '=', entry._connectionId)
      .orderBy('id', 'desc')
      .offset(DEBUG_ENTRIES_KEPT)
      .limit(1)
      .executeTakeFirst();
    if (cutoff) {
      await this.db.deleteFrom('debug_entries').where('connection_id', '=', entry._connectionId).where('id', '<=', cutoff.id).execute();
    }
  }

  /** Newest first. */
  async list(teamId: string, connectionId: string, resourceId?: string, limit = 200): Promise<DebugEntry[]> {
    let query = this.db
      .selectFrom('debug_entries')
      .selectAll()
      .where('team_id', '=', teamId)
      .where('connection_id', '=', connectionId);
    if (resourceId !== undefined) query = query.where('resource_id', '=', resourceId);
    const rows = await query.orderBy('id', 'desc').limit(limit).execute();
    return rows.map(toDebugEntry);
  }

  async deleteForConnection(teamId: string, connectionId: string, db: Kysely<Database> = this.db): Promise<void> {
    await db.deleteFrom('debug_entries').where('team_id', '=', teamId).where('connection_id', '=', connectionId).execute();
  }
}
