import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aRestConnection, anHttpConnection, SEED_SLACK_CONNECTION } from '../helpers/builders.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

type Wire = Record<string, unknown> & { _id: string; name: string; rest?: Record<string, unknown>; http?: Record<string, unknown> };

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

describe('POST /v1/connections', () => {
  it('accepts seed 003 sample verbatim, ignores read-only fields and masks the token', async () => {
    const res = await server.request<Wire>('POST', '/v1/connections', SEED_SLACK_CONNECTION);
    expect(res.status).toBe(201);
    expect(res.body._id).toMatch(/^[0-9a-f]{24}$/);
    expect(res.body._id).not.toBe(SEED_SLACK_CONNECTION._id);
    expect(res.body).toMatchObject({
      type: 'rest',
      name: 'Slack API',
      offline: false,
      queues: [{ name: res.body._id, size: 0 }],
      rest: {
        baseURI: 'https://slack.com/api',
        bearerToken: '******',
        tokenLocation: 'url',
        tokenParam: 'token',
        mediaType: 'urlencoded',
        authType: 'token',
        encryptedFields: [],
        unencryptedFields: [],
        scope: [],
        pingRelativeURI: 'api.test',
      },
    });
    expect(Date.parse(res.body.lastModified as string)).toBeGreaterThan(Date.parse('2020-01-01'));
    expect(res.body.createdAt).toBe(res.body.lastModified);
  });

  it('stores the secret encrypted, never in clear in the store', async () => {
    const res = await server.request<Wire>('POST', '/v1/connections', aRestConnection({ token: 'plain-text-must-not-be-stored-42' }));
    const row = await server.context.store.db.selectFrom('connections').selectAll().where('id', '=', res.body._id).executeTakeFirstOrThrow();
    expect(row.doc).not.toContain('plain-text-must-not-be-stored-42');
    expect(row.secrets).toMatch(/^v1\./);
    expect(row.secrets).not.toContain('plain-text-must-not-be-stored-42');
  });

  it('creates an http connection with its own object', async () => {
    const res = await server.request<Wire>('POST', '/v1/connections', anHttpConnection({ encrypted: { apiSecret: 'enc-value-secret-77' } }));
    expect(res.status).toBe(201);
    expect(res.body.http).toMatchObject({
      baseURI: 'https://api.example.com',
      auth: { type: 'token', token: { token: '******', location: 'header' } },
      encrypted: { apiSecret: '******' },
    });
  });
});

describe('GET /v1/connections', () => {
  it('filters by type and name and pages with a Link header, keeping the array shape', async () => {
    const { key } = await server.newTeam('lister');
    for (let i = 0; i < 5; i++) {
      await server.request('POST', '/v1/connections', aRestConnection({ name: `Alpha ${i}` }), { key });
    }
    await server.request('POST', '/v1/connections', anHttpConnection({ name: 'Beta' }), { key });

    const all = await server.request<Wire[]>('GET', '/v1/connections', undefined, { key });
    expect(all.status).toBe(200);
    expect(all.body).toHaveLength(6);

    const http = await server.request<Wire[]>('GET', '/v1/connections?type=http', undefined, { key });
    expect(http.body.map((c) => c.name)).toEqual(['Beta']);

    const byName = await server.request<Wire[]>('GET', '/v1/connections?name=alpha%203', undefined, { key });
    expect(byName.body.map((c) => c.name)).toEqual(['Alpha 3']);

    const seen: string[] = [];
    let next: string | undefined = '/v1/connections?limit=2';
    let pages = 0;
    while (next) {
      const page: Awaited<ReturnType<typeof server.request<Wire[]>>> = await server.request<Wire[]>('GET', next, undefined, { key });
      expect(page.status).toBe(200);
      expect(Array.isArray(page.body)).toBe(true);
      seen.push(...page.body.map((c) => c._id));
      const link = page.headers.get('link');
      next = link ? new URL(/<([^>]+)>; rel="next"/.exec(link)?.[1] ?? '').pathname + new URL(/<([^>]+)>/.exec(link)?.[1] ?? '').search : undefined;
      pages++;
    }
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(6);
    expect(seen).toEqual(all.body.map((c) => c._id));
  });

  it('refuses a forged cursor and a bad limit', async () => {
    const cursor = await server.request('GET', '/v1/connections?cursor=not-a-cursor');
    expect(cursor.status).toBe(400);
    expect(cursor.body).toMatchObject({ error: { code: 'INVALID_CURSOR' } });
    const limit = await server.request('GET', '/v1/connections?limit=0');
    expect(limit.status).toBe(400);
    expect(limit.body).toMatchObject({ error: { code: 'VALIDATION_FAILED', details: [{ field: 'limit' }] } });
  });
});

describe('GET/PUT/DELETE /v1/connections/{_id}', () => {
  it('round-trips: GET answers what POST answered; PUT with the GET body keeps the secret', async () => {
    const created = await server.request<Wire>('POST', '/v1/connections', aRestConnection({ auth: 'basic', name: 'Round trip' }));
    const got = await server.request<Wire>('GET', `/v1/connections/${created.body._id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(created.body);

    const put = await server.request<Wire>('PUT', `/v1/connections/${created.body._id}`, { ...got.body, name: 'Renamed' });
    expect(put.status).toBe(200);
    expect(put.body.name).toBe('Renamed');
    expect(put.body.rest).toMatchObject({ basicAuth: { username: 'alice', password: '******' } });

    const stored = await server.context.connections.get(server.team.id, created.body._id);
    expect(stored.secrets['/rest/basicAuth/password']).toBe('pw-basic-secret-4c3b2a');
  });

  it('PUT replaces a secret sent in clear', async () => {
    const created = await server.request<Wire>('POST', '/v1/connections', aRestConnection({ token: 'first-token-abcdef' }));
    const body = { ...aRestConnection({ token: 'second-token-ghijkl' }), name: 'Rotated' };
    const put = await server.request<Wire>('PUT', `/v1/connections/${created.body._id}`, body);
    expect(put.status).toBe(200);
    const stored = await server.context.connections.get(server.team.id, created.body._id);
    expect(stored.secrets['/rest/bearerToken']).toBe('second-token-ghijkl');
  });

  it('answers 404 with the error shape for an unknown id', async () => {
    for (const [method, body] of [
      ['GET', undefined],
      ['PUT', aRestConnection()],
      ['PATCH', [{ op: 'replace', path: '/name', value: 'x' }]],
      ['DELETE', undefined],
    ] as const) {
      const res = await server.request(method, '/v1/connections/000000000000000000000000', body);
      expect(res.status, method).toBe(404);
      expect(res.body).toEqual({ error: { code: 'CONNECTION_NOT_FOUND', message: expect.any(String), details: [] } });
    }
    for (const path of ['ping', 'debug', 'audit', 'dependencies']) {
      const res = await server.request('GET', `/v1/connections/000000000000000000000000/${path}`);
      expect(res.status, path).toBe(404);
    }
  });

  it('DELETE answers 204, then the connection is gone and its audit shows the deletion', async () => {
    const created = await server.request<Wire>('POST', '/v1/connections', aRestConnection());
    const del = await server.request('DELETE', `/v1/connections/${created.body._id}`);
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    expect((await server.request('GET', `/v1/connections/${created.body._id}`)).status).toBe(404);
    const audit = await server.request<Array<{ event: string }>>('GET', `/v1/connections/${created.body._id}/audit`);
    expect(audit.status).toBe(200);
    expect(audit.body.map((e) => e.event)).toEqual(['delete', 'create']);
  });

  it('GET /dependencies answers the seed 004 shape', async () => {
    const created = await server.request<Wire>('POST', '/v1/connections', aRestConnection());
    const res = await server.request('GET', `/v1/connections/${created.body._id}/dependencies`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ exports: [], imports: [], flows: [], integrations: [] });
  });
});

describe('authentication and tenancy', () => {
  it('answers 401 for a missing, malformed, unknown or revoked key', async () => {
    const missing = await server.request('GET', '/v1/connections', undefined, { key: null });
    expect(missing.status).toBe(401);
    expect(missing.body).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
    const malformed = await server.request('GET', '/v1/connections', undefined, { key: null, headers: { authorization: 'Basic abc' } });
    expect(malformed.status).toBe(401);
    const unknown = await server.request('GET', '/v1/connections', undefined, { key: 'sy_unknownkeyunknownkeyunknownkeyunknownkey0' });
    expect(unknown.status).toBe(401);
    expect(unknown.body).toMatchObject({ error: { code: 'API_KEY_INVALID' } });

    const { key } = await server.newTeam('revoked-team');
    expect((await server.request('GET', '/v1/connections', undefined, { key })).status).toBe(200);
    const { revokeApiKey, listApiKeys } = await import('../../src/auth/api-keys.js');
    const keys = await listApiKeys(server.context.store.db);
    const target = keys.find((k) => k.name === 'revoked-team key');
    await revokeApiKey(server.context.store.db, target?.id ?? '');
    expect((await server.request('GET', '/v1/connections', undefined, { key })).status).toBe(401);
  });

  it('a read key reads but cannot write (403)', async () => {
    const created = await server.request<Wire>('POST', '/v1/connections', aRestConnection());
    const { createApiKey } = await import('../../src/auth/api-keys.js');
    const { key } = await createApiKey(server.context.store.db, { teamId: server.team.id, name: 'reader', scope: 'read' });
    expect((await server.request('GET', `/v1/connections/${created.body._id}`, undefined, { key })).status).toBe(200);
    expect((await server.request('GET', `/v1/connections/${created.body._id}/audit`, undefined, { key })).status).toBe(200);
    for (const [method, path, body] of [
      ['POST', '/v1/connections', aRestConnection()],
      ['PUT', `/v1/connections/${created.body._id}`, aRestConnection()],
      ['PATCH', `/v1/connections/${created.body._id}`, [{ op: 'replace', path: '/name', value: 'x' }]],
      ['DELETE', `/v1/connections/${created.body._id}`, undefined],
      ['POST', '/v1/connections/ping', aRestConnection()],
    ] as const) {
      const res = await server.request(method, path, body, { key });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body).toMatchObject({ error: { code: 'FORBIDDEN_SCOPE' } });
    }
  });

  it("another team's connection is a 404 on every route and never listed", async () => {
    const created = await server.request<Wire>('POST', '/v1/connections', aRestConnection({ name: 'Team A only' }));
    const { key } = await server.newTeam('team-b');
    const id = created.body._id;
    for (const [method, path, body] of [
      ['GET', `/v1/connections/${id}`, undefined],
      ['PUT', `/v1/connections/${id}`, aRestConnection()],
      ['PATCH', `/v1/connections/${id}`, [{ op: 'replace', path: '/name', value: 'stolen' }]],
      ['DELETE', `/v1/connections/${id}`, undefined],
      ['GET', `/v1/connections/${id}/ping`, undefined],
      ['GET', `/v1/connections/${id}/debug`, undefined],
      ['GET', `/v1/connections/${id}/debug/xyz`, undefined],
      ['GET', `/v1/connections/${id}/audit`, undefined],
      ['GET', `/v1/connections/${id}/dependencies`, undefined],
    ] as const) {
      const res = await server.request(method, path, body, { key });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body).toEqual({ error: { code: 'CONNECTION_NOT_FOUND', message: `No connection with _id "${id}".`, details: [] } });
    }
    const list = await server.request<Wire[]>('GET', '/v1/connections?name=Team%20A', undefined, { key });
    expect(list.body).toEqual([]);
    const still = await server.request<Wire>('GET', `/v1/connections/${id}`);
    expect(still.body.name).toBe('Team A only');
  });
});

describe('dependencies', () => {
  it('lists what modules report and refuses DELETE with 409 naming the dependents', async () => {
    const created = await server.request<Wire>('POST', '/v1/connections', aRestConnection({ name: 'Used' }));
    const id = created.body._id;
    server.context.connections.addDependencyProvider(async (teamId, connectionId) =>
      teamId === server.team.id && connectionId === id
        ? {
            exports: [{ id: '65c000000000000000000440', name: 'NASA API Export', paths: ['_connectionId'], accessLevel: 'manage', dependencyIds: { connection: [id] } }],
          }
        : {},
    );
    const deps = await server.request('GET', `/v1/connections/${id}/dependencies`);
    expect(deps.body).toEqual({
      exports: [{ id: '65c000000000000000000440', name: 'NASA API Export', paths: ['_connectionId'], accessLevel: 'manage', dependencyIds: { connection: [id] } }],
      imports: [],
      flows: [],
      integrations: [],
    });
    const del = await server.request<{ error: { code: string; message: string; details: unknown[] } }>('DELETE', `/v1/connections/${id}`);
    expect(del.status).toBe(409);
    expect(del.body.error.code).toBe('CONNECTION_IN_USE');
    expect(del.body.error.message).toContain('NASA API Export');
    expect(del.body.error.details).toEqual([
      { field: 'exports', message: 'used by export "NASA API Export"', _id: '65c000000000000000000440', name: 'NASA API Export' },
    ]);
    expect((await server.request('GET', `/v1/connections/${id}`)).status).toBe(200);
  });
});
