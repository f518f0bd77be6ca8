import type { Kysely } from 'kysely';
import type { Principal } from '../auth/api-keys.js';
import { newId } from '../ids.js';
import type { AuditEntriesTable, Database } from '../store/schema.js';
import type { FieldChange } from './diff.js';

export type AuditSource = 'api' | 'ui' | 'cli';
export type AuditEvent = 'create' | 'update' | 'delete';

/** An audit entry in seed 004's shape. */
export interface AuditEntry {
  _id: string;
  resourceType: string;
  _resourceId: string;
  source: AuditSource;
  fieldChanges: FieldChange[];
  event: AuditEvent;
  time: string;
  byUser: { _id: string | null; name: string | null };
}

/** Who made a change: an API key (through the API or the console) or the CLI on the store. */
export interface Actor {
  principal?: Principal;
  source: AuditSource;
}

function toAuditEntry(row: AuditEntriesTable): AuditEntry {
  return {
    _id: row.id,
    resourceType: row.resource_type,
    _resourceId: row.resource_id,
    source: row.source,
    fieldChanges: JSON.parse(row.field_changes) as FieldChange[],
    event: row.event,
    time: row.time,
    byUser: { _id: row.by_key_id, name: row.by_key_name },
  };
}

export async function recordAudit(
  db: Kysely<Database>,
  input: { teamId: string; resourceType: string; resourceId: string; event: AuditEvent; fieldChanges: FieldChange[]; actor: Actor; time?: string },
): Promise<void> {
  await db
    .insertInto('audit_entries')
    .values({
      id: newId(),
      team_id: input.teamId,
      resource_type: input.resourceType,
      resource_id: input.resourceId,
      event: input.event,
      source: input.actor.source,
      field_changes: JSON.stringify(input.fieldChanges),
      by_key_id: input.actor.principal?.keyId ?? null,
      by_key_name: input.actor.principal?.keyName ?? (input.actor.source === 'cli' ? 'switchyard CLI' : null),
      time: input.time ?? new Date().toISOString(),
    })
    .execute();
}

/** Newest first, as a timeline reads. */
export async function listAudit(db: Kysely<Database>, teamId: string, resourceType: string, resourceId: string): Promise<AuditEntry[]> {
  const rows = await db
    .selectFrom('audit_entries')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('resource_type', '=', resourceType)
    .where('resource_id', '=', resourceId)
    .orderBy('time', 'desc')
    .orderBy('id', 'desc')
    .limit(1000)
    .execute();
  return rows.map(toAuditEntry);
}
