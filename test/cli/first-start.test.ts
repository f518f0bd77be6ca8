import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { call, killAll, startServerProcess } from '../helpers/process.js';
import { createTestStoreEnv, type TestStoreEnv } from '../helpers/store.js';

/** `switchyard start` on an empty store: one admin key, printed once, or the one the operator chose. */

const GENERATED_KEY = /sy_[A-Za-z0-9_-]{43}/g;

/** Each describe gets its own empty store, dropped when it is done (after its servers are gone). */
function useEmptyStore(): () => TestStoreEnv {
  let storeEnv: TestStoreEnv | undefined;
  beforeAll(() => {
    storeEnv = createTestStoreEnv();
  });
  afterAll(async () => {
    await killAll();
    await storeEnv?.destroy();
  });
  return () => storeEnv!;
}

afterEach(killAll);

describe('first start without SWITCHYARD_BOOTSTRAP_KEY', () => {
  const store = useEmptyStore();
  let adminKey: string;

  it('prints a generated admin key once to stdout, and that key works', async () => {
    const storeEnv = store();
    const server = await startServerProcess(storeEnv.env);
    adminKey = (await server.waitForStdout(GENERATED_KEY))[0]!;

    const health = await call(`${server.url}/health`, 'GET');
    expect(health).toEqual({ status: 200, body: { status: 'ok', store: storeEnv.kind, version: expect.any(String) } });
    expect(await call(`${server.url}/v1/connections`, 'GET', { key: adminKey })).toEqual({ status: 200, body: [] });
    expect((await call(`${server.url}/v1/connections`, 'GET')).status).toBe(401);

    expect(await server.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(server.stdout().match(GENERATED_KEY)).toEqual([adminKey]);
  });

  it('prints no key on the second start of the same store, and the first key still works', async () => {
    expect(adminKey).toBeDefined();
    const server = await startServerProcess(store().env);
    expect((await call(`${server.url}/v1/connections`, 'GET', { key: adminKey })).status).toBe(200);

    // Stopped first, so every line the server wrote has been read.
    expect(await server.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(server.stdout()).not.toMatch(GENERATED_KEY);
    expect(server.stdout()).not.toContain('First start');
  });
});

describe('first start with SWITCHYARD_BOOTSTRAP_KEY', () => {
  const store = useEmptyStore();

  it('prints no key, and the given key is the first admin key', async () => {
    const bootstrapKey = `bootstrap-${randomBytes(24).toString('hex')}`;
    const server = await startServerProcess({ ...store().env, SWITCHYARD_BOOTSTRAP_KEY: bootstrapKey });

    expect((await call(`${server.url}/health`, 'GET')).status).toBe(200);
    expect(await call(`${server.url}/v1/connections`, 'GET', { key: bootstrapKey })).toEqual({ status: 200, body: [] });
    const created = await call(`${server.url}/v1/connections`, 'POST', {
      key: bootstrapKey,
      body: { type: 'rest', name: 'admin can write', rest: { baseURI: 'https://api.example.com', mediaType: 'json', authType: 'custom' } },
    });
    expect(created.status).toBe(201);

    expect(await server.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(server.stdout()).not.toMatch(GENERATED_KEY);
    expect(server.stdout() + server.stderr()).not.toContain(bootstrapKey);
    expect(server.stdout()).not.toContain('First start');
  });
});
