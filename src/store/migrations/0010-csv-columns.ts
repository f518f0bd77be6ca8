import type { Kysely } from 'kysely';

/** A CSV sync file's column mapping (payload field → header text), as JSON; null for JSON files. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('files').addColumn('columns', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('files').dropColumn('columns').execute();
}
