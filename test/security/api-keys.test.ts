import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, revokeApiKey } from '../../src/auth/api-keys.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * API keys are stored as SHA-256 hashes: read straight from the store, no row holds a key, only
 * its hash and a 10-character prefix; the key never reaches the log; a revoked key is refused
 * exactly like an unknown one.
 */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

describe('API keys at rest', () => {
  it('stores only the SHA-256 hash and a short prefix, never the key', async () => {
    const { key, apiKey } = await createApiKey(server.context.store.db, { teamId: server.team.id, name: 'hashed', scope: 'read' });
    expect((await server.request('GET', '/v1/connections', undefined, { key })).status).toBe(200);
    const row = await server.context.store.db.selectFrom('api_keys').selectAll().where('id', '=', apiKey.id).executeTakeFirstOrThrow();
    expect(row.key_hash).toBe(createHash('sha256').update(key).digest('hex'));
    expect(row.key_prefix).toBe(key.slice(0, 10));
    expect(key.length).toBeGreaterThan(40);
    for (const k of [key, server.adminKey]) {
      const rows = await sql<Record<string, unknown>>`select * from api_keys`.execute(server.context.store.db);
      const text = JSON.stringify(rows.rows);
      expect(text).not.toContain(k);
      expect(text).not.toContain(k.slice(10));
      expect(server.logs()).not.toContain(k);
    }
  });

  it('refuses a revoked key exactly like an unknown one', async () => {
    const { key, apiKey } = await createApiKey(server.context.store.db, { teamId: server.team.id, name: 'to revoke' });
    expect((await server.request('GET', '/v1/connections', undefined, { key })).status).toBe(200);
    await revokeApiKey(server.context.store.db, apiKey.id, server.team.id);
    const revoked = await server.request('GET', '/v1/connections', undefined, { key });
    const unknown = await server.request('GET', '/v1/connections', undefined, { key: `${key.slice(0, -4)}zzzz` });
    expect(revoked.status).toBe(401);
    expect(revoked.text).toBe(unknown.text);
  });
});
