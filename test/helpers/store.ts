import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openStore, type Store } from '../../src/store/db.js';

export type TestStoreKind = 'sqlite' | 'postgres';

/** Which store this test project runs on (vitest.config.ts sets SWITCHYARD_TEST_STORE). */
export function testStoreKind(): TestStoreKind {
  return process.env.SWITCHYARD_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite';
}

export interface TestStoreEnv {
  kind: TestStoreKind;
  dataDir: string;
  /** Environment variables that point a server or the CLI at this store. */
  env: Record<string, string>;
  open(): Promise<Store>;
  /** Drops the schema or removes the data dir. */
  destroy(): Promise<void>;
}

/**
 * A fresh, private store for one test file: a temp data dir (SQLite) or a new schema in the
 * TEST_DATABASE_URL database (Postgres), so parallel runs never see each other's rows.
 */
export function createTestStoreEnv(): TestStoreEnv {
  const kind = testStoreKind();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'switchyard-test-'));
  if (kind === 'sqlite') {
    return {
      kind,
      dataDir,
      env: { SWITCHYARD_DATA_DIR: dataDir },
      open: () => openStore({ kind: 'sqlite', file: path.join(dataDir, 'switchyard.db') }),
      destroy: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('SWITCHYARD_TEST_STORE=postgres needs TEST_DATABASE_URL');
  const schema = `t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  return {
    kind,
    dataDir,
    env: {
      SWITCHYARD_DATA_DIR: dataDir,
      DATABASE_URL: url,
      SWITCHYARD_DATABASE_SCHEMA: schema,
      SWITCHYARD_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    },
    open: () => openStore({ kind: 'postgres', url, schema, poolSize: 5 }),
    destroy: async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await client.query(`DROP SCHEMA IF EXISTS "${schema}_boss" CASCADE`);
      } finally {
        await client.end();
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
