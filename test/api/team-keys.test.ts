import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';

type ErrorBody = { error: { code: string; message: string; details: Array<{ field?: string; message: string }> } };
type KeyWire = { id: string; name: string; scope: string; prefix: string; revokedAt: string | null; lastUsedAt: string | null };

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

describe('GET/PATCH /v1/team', () => {
  it('answers the team and the key the request was made with', async () => {
    const res = await server.request<{ team: { id: string; name: string }; key: { name: string; scope: string } }>('GET', '/v1/team');
    expect(res.status).toBe(200);
    expect(res.body.team).toMatchObject({ id: server.team.id, name: 'test-team' });
    expect(res.body.key).toMatchObject({ name: 'test admin', scope: 'admin' });
    expect(res.text).not.toContain(server.adminKey);
  });

  it('renames the team; a name another team holds is a 409, an empty one a 400', async () => {
    await server.newTeam('taken-name');
    const taken = await server.request<ErrorBody>('PATCH', '/v1/team', { name: 'taken-name' });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('TEAM_EXISTS');
    const empty = await server.request<ErrorBody>('PATCH', '/v1/team', { name: '' });
    expect(empty.status).toBe(400);
    expect(empty.body.error.details[0]?.field).toBe('name');
    const renamed = await server.request<{ team: { name: string; domain: string | null } }>('PATCH', '/v1/team', { name: 'renamed', domain: 'acme.test' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.team).toMatchObject({ name: 'renamed', domain: 'acme.test' });
    expect((await server.request<{ team: { name: string } }>('GET', '/v1/team')).body.team.name).toBe('renamed');
  });

  it('needs a key, and an admin key to change', async () => {
    expect((await server.request<ErrorBody>('GET', '/v1/team', undefined, { key: null })).status).toBe(401);
    const read = await server.request<{ key: string }>('POST', '/v1/keys', { name: 'reader', scope: 'read' });
    const refused = await server.request<ErrorBody>('PATCH', '/v1/team', { name: 'x' }, { key: read.body.key });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('FORBIDDEN_SCOPE');
  });
});

describe('/v1/keys', () => {
  it('creates a key shown once, lists it without the key, and revokes it', async () => {
    const created = await server.request<{ apiKey: KeyWire; key: string }>('POST', '/v1/keys', { name: 'ci', scope: 'admin' });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^sy_/);
    expect(created.body.apiKey).toMatchObject({ name: 'ci', scope: 'admin', revokedAt: null, prefix: created.body.key.slice(0, 10) });
    // The new key works.
    expect((await server.request('GET', '/v1/team', undefined, { key: created.body.key })).status).toBe(200);

    const list = await server.request<{ keys: KeyWire[] }>('GET', '/v1/keys');
    expect(list.status).toBe(200);
    expect(list.body.keys.map((k) => k.name)).toEqual(expect.arrayContaining(['test admin', 'ci']));
    expect(list.text).not.toContain(created.body.key);
    expect(list.text).not.toContain(server.adminKey);

    const revoked = await server.request<{ apiKey: KeyWire }>('DELETE', `/v1/keys/${created.body.apiKey.id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.apiKey.revokedAt).not.toBeNull();
    const after = await server.request<ErrorBody>('GET', '/v1/team', undefined, { key: created.body.key });
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('API_KEY_INVALID');
  });

  it("refuses another team's key as not found, an unknown id, and a bad body", async () => {
    const other = await server.newTeam('other-keys');
    const otherKeys = await server.request<{ keys: KeyWire[] }>('GET', '/v1/keys', undefined, { key: other.key });
    expect(otherKeys.body.keys).toHaveLength(1);
    const foreign = await server.request<ErrorBody>('DELETE', `/v1/keys/${otherKeys.body.keys[0]?.id}`);
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBe('API_KEY_NOT_FOUND');
    expect((await server.request('GET', '/v1/team', undefined, { key: other.key })).status).toBe(200);
    const unknown = await server.request<ErrorBody>('DELETE', '/v1/keys/nope');
    expect(unknown.status).toBe(404);
    const bad = await server.request<ErrorBody>('POST', '/v1/keys', { name: 'x', scope: 'root' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    const readKey = (await server.request<{ key: string }>('POST', '/v1/keys', { name: 'r2', scope: 'read' })).body.key;
    expect((await server.request<ErrorBody>('POST', '/v1/keys', { name: 'y' }, { key: readKey })).status).toBe(403);
  });
});

describe('POST /integration/validate', () => {
  it('answers the problems of a config by path, without saving anything', async () => {
    const bad = await server.request<{ valid: boolean; errors: Array<{ field: string; message: string }> }>('POST', '/integration/validate', {
      config: { base_urll: 'https://x.test', resources: { users: { list: { method: 'fetch', path: '/u' } } } },
    });
    expect(bad.status).toBe(200);
    expect(bad.body.valid).toBe(false);
    const fields = bad.body.errors.map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['config.base_url', 'config.base_urll', 'config.resources.users.list.method']));
    const good = await server.request<{ valid: boolean; errors: unknown[] }>('POST', '/integration/validate', { config: { $schema: '/schemas/integration.json', base_url: 'https://x.test' } });
    expect(good.body).toEqual({ valid: true, errors: [] });
    const list = await server.request<{ result: unknown[] }>('GET', '/integration');
    expect(list.body.result).toHaveLength(0);
  });

  it('works with a read key and refuses a body without config', async () => {
    const readKey = (await server.request<{ key: string }>('POST', '/v1/keys', { name: 'r3', scope: 'read' })).body.key;
    const res = await server.request<{ valid: boolean }>('POST', '/integration/validate', { config: {} }, { key: readKey });
    expect(res.status).toBe(200);
    expect(res.body.valid).toBe(false);
    const missing = await server.request<ErrorBody>('POST', '/integration/validate', {});
    expect(missing.status).toBe(400);
  });
});
