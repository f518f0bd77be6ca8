import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aRestConnection } from '../helpers/builders.js';
import { call, killAll, type ServerProcess, startServerProcess } from '../helpers/process.js';
import { createTestStoreEnv, type TestStoreEnv, testStoreKind } from '../helpers/store.js';
import { json, startUpstream, type Upstream } from '../helpers/upstream.js';

/**
 * A 201 is a promise: the connection, and the key that decrypts its secret, must survive the
 * process being killed the instant after. SQLite keeps the generated key in the data dir;
 * Postgres servers take it from SWITCHYARD_ENCRYPTION_KEY.
 */

interface ConnectionJson {
  _id: string;
  name: string;
  rest: Record<string, unknown>;
}

const ADMIN_KEY = `crash-admin-${'k'.repeat(24)}`;
const UPSTREAM_TOKEN = 'tok-crash-survivor-3d4e5f6a';
const KEY_FILE = 'encryption.key';

let storeEnv: TestStoreEnv;
let upstream: Upstream;
let restarted: ServerProcess;
let created: ConnectionJson;
let keyFileBeforeCrash: string | undefined;

beforeAll(async () => {
  storeEnv = createTestStoreEnv();
  upstream = await startUpstream((request, res) =>
    request.headers.authorization === `Bearer ${UPSTREAM_TOKEN}` ? json(res, 200, { ok: true }) : json(res, 401, { error: 'invalid_token' }),
  );
  const env = { ...storeEnv.env, SWITCHYARD_BOOTSTRAP_KEY: ADMIN_KEY, SWITCHYARD_OUTBOUND_ALLOW: '127.0.0.0/8' };

  const first = await startServerProcess(env);
  const body = aRestConnection({ name: 'Survives SIGKILL', baseURI: upstream.url, token: UPSTREAM_TOKEN, pingRelativeURI: '/ping' });
  const response = await call<ConnectionJson>(`${first.url}/v1/connections`, 'POST', { key: ADMIN_KEY, body });
  // No graceful shutdown: whatever was not durable at the 201 is lost here.
  expect(await first.stop('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
  expect(response.status).toBe(201);
  created = response.body;
  const keyFile = path.join(storeEnv.dataDir, KEY_FILE);
  keyFileBeforeCrash = existsSync(keyFile) ? readFileSync(keyFile, 'utf8') : undefined;

  restarted = await startServerProcess(env);
});

afterAll(async () => {
  await killAll();
  await upstream?.close();
  await storeEnv?.destroy();
});

describe('a server killed with SIGKILL right after a 201, then restarted on the same store', () => {
  it('serves the connection by id with the same name and the secret masked', async () => {
    const res = await call<ConnectionJson>(`${restarted.url}/v1/connections/${created._id}`, 'GET', { key: ADMIN_KEY });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ _id: created._id, name: 'Survives SIGKILL', rest: { baseURI: upstream.url, bearerToken: '******' } });
  });

  it('still decrypts the secret: a ping sends the original token upstream', async () => {
    const before = upstream.requests.length;
    const res = await call(`${restarted.url}/v1/connections/${created._id}/ping`, 'GET', { key: ADMIN_KEY });
    expect(res).toEqual({ status: 200, body: { code: 200 } });
    expect(upstream.requests.slice(before)).toEqual([
      expect.objectContaining({ method: 'GET', url: '/ping', headers: expect.objectContaining({ authorization: `Bearer ${UPSTREAM_TOKEN}` }) }),
    ]);
  });

  it.runIf(testStoreKind() === 'sqlite')('kept the generated encryption.key (mode 0600) in the data dir, unchanged by the restart', () => {
    const file = path.join(storeEnv.dataDir, KEY_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(keyFileBeforeCrash).toMatch(/^[0-9a-f]{64}\n$/);
    expect(readFileSync(file, 'utf8')).toBe(keyFileBeforeCrash);
  });

  it.runIf(testStoreKind() === 'postgres')('took the key from SWITCHYARD_ENCRYPTION_KEY and wrote no key file', () => {
    expect(keyFileBeforeCrash).toBeUndefined();
    expect(existsSync(path.join(storeEnv.dataDir, KEY_FILE))).toBe(false);
  });
});
