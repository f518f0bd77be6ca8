import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, type MigrationResult } from 'kysely';
import type pg from 'pg';
import { migrations } from './migrations/index.js';
import type { Database } from './schema.js';

export type StoreKind = 'sqlite' | 'postgres';

export type StoreOptions =
  | { kind: 'sqlite'; file: string }
  | { kind: 'postgres'; url: string; schema?: string; poolSize?: number };

/** The database handle every repository receives; one per process. */
export interface Store {
  readonly kind: StoreKind;
  readonly db: Kysely<Database>;
  /** PostgreSQL schema holding the tables (undefined on SQLite). */
  readonly schema?: string;
  /** A short description for logs, without credentials. */
  readonly description: string;
  close(): Promise<void>;
}

export const SQLITE_FILE_NAME = 'switchyard.db';

export function storeOptionsFromConfig(config: {
  databaseUrl: string | undefined;
  databaseSchema: string;
  dataDir: string;
}): StoreOptions {
  return config.databaseUrl
    ? { kind: 'postgres', url: config.databaseUrl, schema: config.databaseSchema }
    : { kind: 'sqlite', file: path.join(config.dataDir, SQLITE_FILE_NAME) };
}

/**
 * Keeps a lost PostgreSQL connection from ending the process. A client whose socket dies (server
 * restart, failover, pg_terminate_backend, a network cut) emits 'error': the pool listens only
 * while a client is idle, so a checked-out client's 'error' would be an uncaught exception. Its
 * pending query fails anyway (that error reaches the caller: 503 STORE_UNAVAILABLE or a run left
 * for takeover), and the pool drops the broken client when it is released.
 */
export function guardPool(pool: pg.Pool): pg.Pool {
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

export async function openStore(options: StoreOptions): Promise<Store> {
  if (options.kind === 'sqlite') {
    mkdirSync(path.dirname(options.file), { recursive: true });
    const database = new SQLite(options.file);
    // WAL lets the CLI read while the server writes; synchronous=FULL makes a 201 survive a power cut.
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = FULL');
    database.pragma('foreign_keys = ON');
    database.pragma('busy_timeout = 5000');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
    return { kind: 'sqlite', db, description: `sqlite:${options.file}`, close: () => db.destroy() };
  }

  // pg is imported only on PostgreSQL: an embedded store never loads it (idle memory).
  const { default: pg } = await import('pg');
  const schema = options.schema ?? 'public';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`Invalid schema name "${schema}"`);
  if (schema !== 'public') {
    const client = new pg.Client({ connectionString: options.url });
    await client.connect();
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    } finally {
      await client.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    options: `-c search_path="${schema}"`,
  });
  guardPool(pool);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const url = new URL(options.url);
  return {
    kind: 'postgres',
    db,
    schema,
    description: `postgres://${url.host}${url.pathname} (schema ${schema})`,
    close: () => db.destroy(),
  };
}

export interface MigrateOutcome {
  error?: unknown;
  results: MigrationResult[];
}

/** Brings the store to the latest schema. Returns the outcome instead of throwing, as Kysely's migrator does. */
export async function migrateToLatest(store: Store): Promise<MigrateOutcome> {
  // On Postgres the migration tables must live in our schema: Kysely otherwise looks for them in
  // every schema of the database and skips creating them when another deployment has its own.
  const migrator = new Migrator({
    db: store.db,
    provider: { getMigrations: async () => migrations },
    ...(store.kind === 'postgres' && store.schema ? { migrationTableSchema: store.schema } : {}),
  });
  for (let attempt = 1; ; attempt++) {
    const { error, results } = await migrator.migrateToLatest();
    if (error === undefined) return { results: results ?? [] };
    // Kysely's introspection lists the tables of every schema; another deployment (or test)
    // dropping its schema at that instant fails it with 3F000. Nothing was migrated yet: retry.
    if (attempt < 3 && (error as { code?: unknown }).code === '3F000') continue;
    return { error, results: results ?? [] };
  }
}
