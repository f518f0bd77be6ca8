import type { Kysely } from 'kysely';

/** The app inventory (seeds 000/001): custom apps, app accounts, uploaded files, upload tokens. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('custom_apps')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('url', 'text')
    .addColumn('description', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('custom_apps_team_name').on('custom_apps').columns(['team_id', 'name']).unique().execute();

  await db.schema
    .createTable('app_accounts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id').onDelete('cascade'))
    .addColumn('app_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('last_sync_time', 'text')
    .addColumn('last_sync_status', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('app_accounts_team').on('app_accounts').columns(['team_id', 'app_id']).execute();

  await db.schema
    .createTable('uploads')
    .addColumn('token_id', 'text', (c) => c.primaryKey())
    .addColumn('team_id', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .addColumn('size', 'integer')
    .execute();
  await db.schema.createIndex('uploads_team_path').on('uploads').columns(['team_id', 'path']).execute();

  await db.schema
    .createTable('files')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('team_id', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('storage_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('files_team_path').on('files').columns(['team_id', 'path']).unique().execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['files', 'uploads', 'app_accounts', 'custom_apps']) await db.schema.dropTable(table).ifExists().execute();
}
