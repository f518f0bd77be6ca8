import type { Kysely } from 'kysely';

/** Custom-integration syncs and the inventory they maintain (users, licenses, assignments). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('syncs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('team_id', 'text', (c) => c.notNull())
    .addColumn('app_account_id', 'text', (c) => c.notNull())
    .addColumn('file_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('counts', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('row_errors', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('error', 'text')
    .addColumn('attempt', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('lease_until', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema.createIndex('syncs_account').on('syncs').columns(['team_id', 'app_account_id', 'status']).execute();

  await db.schema
    .createTable('inv_users')
    .addColumn('app_account_id', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('team_id', 'text', (c) => c.notNull())
    .addColumn('original_email', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text')
    .addColumn('first_name', 'text')
    .addColumn('last_name', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('external_status', 'text')
    .addColumn('roles', 'text', (c) => c.notNull())
    .addColumn('last_used_date', 'text')
    .addColumn('removed_at', 'text')
    .addColumn('seen_sync', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('inv_users_pk', ['app_account_id', 'email'])
    .execute();
  await db.schema.createIndex('inv_users_team').on('inv_users').columns(['team_id', 'email']).execute();

  await db.schema
    .createTable('inv_licenses')
    .addColumn('app_account_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('team_id', 'text', (c) => c.notNull())
    .addColumn('unassigned_amount', 'integer')
    .addColumn('price_per_user', 'integer')
    .addColumn('removed_at', 'text')
    .addColumn('seen_sync', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('inv_licenses_pk', ['app_account_id', 'name'])
    .execute();

  await db.schema
    .createTable('inv_license_users')
    .addColumn('app_account_id', 'text', (c) => c.notNull())
    .addColumn('license_name', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('license_status', 'text', (c) => c.notNull())
    .addColumn('seen_sync', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('inv_license_users_pk', ['app_account_id', 'license_name', 'email'])
    .execute();

  // License users wait here until the whole file is read (the users they name may come later).
  await db.schema
    .createTable('sync_pending_license_users')
    .addColumn('sync_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('license_index', 'integer', (c) => c.notNull())
    .addColumn('license', 'text', (c) => c.notNull())
    .addColumn('row', 'integer', (c) => c.notNull())
    .addColumn('raw', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('sync_pending_pk', ['sync_id', 'seq'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['sync_pending_license_users', 'inv_license_users', 'inv_licenses', 'inv_users', 'syncs']) await db.schema.dropTable(table).ifExists().execute();
}
