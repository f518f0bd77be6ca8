import type { Kysely } from 'kysely';

/** Records a `once` export has already delivered (by record id), so it never delivers them again. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('export_seen')
    .addColumn('export_id', 'text', (c) => c.notNull())
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('seen_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('export_seen_pk', ['export_id', 'record_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('export_seen').ifExists().execute();
}
