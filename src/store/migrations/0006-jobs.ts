import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('flow_jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id').onDelete('cascade'))
    .addColumn('flow_id', 'text', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('lease_until', 'text')
    .addColumn('worker', 'text')
    .addColumn('checkpoint', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('counts', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('error', 'text')
    .addColumn('retry_step', 'text')
    .addColumn('retry_keys', 'text')
    .addColumn('cancel_requested', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema.createIndex('flow_jobs_status').on('flow_jobs').columns(['status', 'lease_until']).execute();
  await db.schema.createIndex('flow_jobs_flow').on('flow_jobs').columns(['team_id', 'flow_id', 'created_at']).execute();

  await db.schema
    .createTable('job_errors')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('team_id', 'text', (c) => c.notNull())
    .addColumn('flow_id', 'text', (c) => c.notNull())
    .addColumn('step_id', 'text', (c) => c.notNull())
    .addColumn('job_id', 'text', (c) => c.notNull())
    .addColumn('occurred_at', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('classification', 'text', (c) => c.notNull())
    .addColumn('retry_data_key', 'text', (c) => c.notNull())
    .addColumn('record', 'text')
    .addColumn('resolved_at', 'text')
    .execute();
  await db.schema.createIndex('job_errors_step').on('job_errors').columns(['team_id', 'flow_id', 'step_id', 'occurred_at']).execute();

  // Idempotency: a record a job already wrote through a step is never written again by that job,
  // whichever attempt (or worker) processes its page again after a crash.
  await db.schema
    .createTable('job_records')
    .addColumn('job_id', 'text', (c) => c.notNull())
    .addColumn('step_id', 'text', (c) => c.notNull())
    .addColumn('record_key', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('job_records_pk', ['job_id', 'step_id', 'record_key'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['job_records', 'job_errors', 'flow_jobs']) await db.schema.dropTable(table).ifExists().execute();
}
