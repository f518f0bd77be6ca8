import type { Kysely } from 'kysely';

/** When a connection was last pinged and how it went (null code = it answered), for the console's status column. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('connections').addColumn('last_ping_at', 'text').execute();
  await db.schema.alterTable('connections').addColumn('last_ping_code', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('connections').dropColumn('last_ping_code').execute();
  await db.schema.alterTable('connections').dropColumn('last_ping_at').execute();
}
