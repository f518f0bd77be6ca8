import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('integrations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('is_beta', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('sharing', 'text', (c) => c.notNull().defaultTo('allow'))
    .addColumn('config', 'text', (c) => c.notNull())
    .addColumn('secrets', 'text')
    .addColumn('from_catalog', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('integrations_team_name').on('integrations').columns(['team_id', 'name']).unique().execute();

  // Connections of type "integration" point at their definition; the column lets a delete find its users.
  await db.schema.alterTable('connections').addColumn('integration_id', 'text').execute();
  await db.schema.createIndex('connections_integration').on('connections').columns(['team_id', 'integration_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('connections_integration').execute();
  await db.schema.alterTable('connections').dropColumn('integration_id').execute();
  await db.schema.dropTable('integrations').execute();
}
