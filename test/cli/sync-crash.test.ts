import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, killAll, type ServerProcess, startServerProcess } from '../helpers/process.js';
import { createTestStoreEnv, type TestStoreEnv } from '../helpers/store.js';

/**
 * SIGKILL during a large sync: the previous state stays intact, and after a restart the sync
 * completes. Runs on the store of the test project (SQLite: resumed at start; Postgres: taken
 * over when its lease ends).
 */
const KEY = 'sy_sync_crash_test_bootstrap_key_0000001';
const BIG = 150_000;

let storeEnv: TestStoreEnv;
let env: Record<string, string>;
let server: ServerProcess;

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await call<T>(`${server.url}${path}`, method, { key: KEY, ...(body === undefined ? {} : { body }) });
  expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
  return res.body;
}

async function upload(payload: string): Promise<number> {
  const url = await api<{ uploadFileParameters: { url: string; filePath: string } }>('GET', '/v1.0/files/url?name=users.json&type=application/json');
  const put = await fetch(url.uploadFileParameters.url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: payload });
  expect(put.status).toBe(200);
  return (await api<{ id: number }>('POST', '/v1.0/files', { path: url.uploadFileParameters.filePath, type: 'customIntegrationData' })).id;
}

async function waitFor(syncId: string, timeoutMs = 60_000): Promise<{ status: string; counts: Record<string, number> }> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const { sync } = await api<{ sync: { status: string; counts: Record<string, number> } }>('GET', `/v1.0/services/sync/custom/${syncId}`);
    if (sync.status !== 'running') return sync;
    if (Date.now() > until) throw new Error(`sync ${syncId} still running`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('a crash during a large sync', () => {
  beforeAll(async () => {
    storeEnv = createTestStoreEnv();
    env = { ...storeEnv.env, SWITCHYARD_BOOTSTRAP_KEY: KEY, SWITCHYARD_JOB_LEASE_MS: '2000' };
    server = await startServerProcess(env);
  }, 30_000);
  afterAll(async () => {
    await killAll();
    await storeEnv?.destroy();
  });

  it('keeps the previous state and completes the sync after a restart', async () => {
    const app = await api<{ app: { id: string } }>('POST', '/v1.0/apps/custom', { name: 'Crashy' });
    const account = (await api<{ appAccount: { id: string } }>('POST', '/v1.0/app-accounts', { idApp: app.app.id, name: 'Crashy' })).appAccount.id;
    const small = await upload(JSON.stringify({ users: [{ email: 'old1@x.test' }, { email: 'old2@x.test' }] }));
    const first = await api<{ sync: { id: string } }>('PUT', '/v1.0/services/sync/custom', { idFile: small, idAppAccount: account });
    expect((await waitFor(first.sync.id)).status).toBe('success');

    const users = Array.from({ length: BIG }, (_, i) => `{"email":"u${i}@x.test","firstName":"User ${i}","roles":["member"],"lastUsedDate":"2026-11-01"}`);
    const big = await upload(`{"users":[${users.join(',')}],"licenses":[{"name":"Pro","users":[{"email":"u1@x.test"}]}]}`);
    const second = await api<{ sync: { id: string } }>('PUT', '/v1.0/services/sync/custom', { idFile: big, idAppAccount: account });
    await new Promise((r) => setTimeout(r, 400));
    await server.stop('SIGKILL');

    // The killed sync's transaction never committed: the store still holds the small file's state.
    const store = await storeEnv.open();
    try {
      const rows = await store.db.selectFrom('inv_users').select(['email', 'removed_at']).where('app_account_id', '=', account).orderBy('email').execute();
      expect(rows).toEqual([
        { email: 'old1@x.test', removed_at: null },
        { email: 'old2@x.test', removed_at: null },
      ]);
      const sync = await store.db.selectFrom('syncs').select('status').where('id', '=', second.sync.id).executeTakeFirstOrThrow();
      expect(sync.status).toBe('running');
    } finally {
      await store.close();
    }

    server = await startServerProcess(env);
    const done = await waitFor(second.sync.id);
    expect(done).toMatchObject({ status: 'success', counts: { users: BIG, licenses: 1, licenseUsers: 1, removedUsers: 2 } });
    const after = await api<{ users: unknown[] }>('GET', `/v1.0/users?idAppAccount=${account}&limit=5`);
    expect(after.users).toHaveLength(5);
  }, 120_000);
});

