import pg from 'pg';

/**
 * The stores every store-backed benchmark runs on: the embedded SQLite store always, PostgreSQL
 * when BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) answers. Each
 * server gets a private schema (test/helpers/store.ts), dropped at the end.
 */
export type BenchStore = 'sqlite' | 'postgres';

export const BENCH_DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Benchmarks that could not run on a store, and why (run.ts lists them in results.md). */
export const skipped: string[] = [];

let reachable: Promise<boolean> | undefined;

async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: BENCH_DATABASE_URL, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The stores to run on; notes a skipped PostgreSQL run for `benchmark` when it is not reachable. */
export async function benchStores(benchmark: string): Promise<BenchStore[]> {
  if (process.env.BENCH_STORES) return process.env.BENCH_STORES.split(',').filter((s): s is BenchStore => s === 'sqlite' || s === 'postgres');
  reachable ??= postgresReachable();
  if (await reachable) return ['sqlite', 'postgres'];
  const url = new URL(BENCH_DATABASE_URL);
  skipped.push(`${benchmark} on PostgreSQL: ${url.host}${url.pathname} is not reachable (set BENCH_DATABASE_URL)`);
  console.warn(`! skipping ${benchmark} on PostgreSQL: ${url.host}${url.pathname} is not reachable`);
  return ['sqlite'];
}

/**
 * Runs `fn` with the test helpers pointed at `store` (startTestServer reads SWITCHYARD_TEST_STORE
 * and TEST_DATABASE_URL), restoring the environment afterwards.
 */
export async function onStore<T>(store: BenchStore, fn: () => Promise<T>): Promise<T> {
  const saved = { kind: process.env.SWITCHYARD_TEST_STORE, url: process.env.TEST_DATABASE_URL };
  process.env.SWITCHYARD_TEST_STORE = store;
  if (store === 'postgres') process.env.TEST_DATABASE_URL = BENCH_DATABASE_URL;
  try {
    return await fn();
  } finally {
    restore('SWITCHYARD_TEST_STORE', saved.kind);
    restore('TEST_DATABASE_URL', saved.url);
  }
}

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
