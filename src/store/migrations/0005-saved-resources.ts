import type { Kysely } from 'kysely';

/**
 * Saved exports, imports, flows and integrations (named groups of flows, seed 004). One table
 * per noun with the same shape: the model as JSON plus the references other code queries on.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of ['exports', 'imports']) {
    await db.schema
      .createTable(table)
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('connection_id', 'text', (c) => c.notNull())
      .addColumn('doc', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('last_modified', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex(`${table}_connection`).on(table).columns(['team_id', 'connection_id']).execute();
  }
  await db.schema
    .createTable('flow_groups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('doc', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_modified', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('flows')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text')
    .addColumn('doc', 'text', (c) => c.notNull())
    .addColumn('schedule', 'text')
    .addColumn('timezone', 'text')
    .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_run_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_modified', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('flows_group').on('flows').columns(['team_id', 'group_id']).execute();
  // Which flow steps use which export/import (for dependencies and delete checks).
  await db.schema
    .createTable('flow_steps')
    .addColumn('flow_id', 'text', (c) => c.notNull())
    .addColumn('team_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('ref_id', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('flow_steps_ref').on('flow_steps').columns(['team_id', 'kind', 'ref_id']).execute();
  await db.schema.createIndex('flow_steps_flow').on('flow_steps').columns(['flow_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['flow_steps', 'flows', 'flow_groups', 'imports', 'exports']) await db.schema.dropTable(table).ifExists().execute();
}
