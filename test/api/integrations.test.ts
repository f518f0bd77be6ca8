import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';

const SEED_CONFIG = JSON.parse(readFileSync(new URL('../fixtures/seed-002-config.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const SEED_REQUEST_CONFIG = JSON.parse(readFileSync(new URL('../fixtures/seed-002-request-config.json', import.meta.url), 'utf8')) as Record<string, unknown>;

type Integration = {
  id: string;
  name: string;
  category: string;
  is_beta: boolean;
  config: Record<string, unknown> & { credentials?: Record<string, { config: { client?: { secret?: string } } }> };
  team_id: string;
  sharing: string;
  version: number;
  team: { id: string; name: string };
  installed_environment: string[];
  from_catalog: string | null;
  created_at: string;
  updated_at: string;
};
type ErrorBody = { error: { code: string; message: string; details: Array<Record<string, unknown>> } };

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

/** The seed config as the API shows it: the OAuth client secret and the webhook secret masked. */
function maskedSeed(): Record<string, unknown> {
  const copy = structuredClone(SEED_CONFIG) as { credentials: { oauth2: { config: { client: { secret: string } } } }; webhook: { signature_verification: { config: { secret: string } } } };
  copy.credentials.oauth2.config.client.secret = '******';
  copy.webhook.signature_verification.config.secret = '******';
  return copy;
}

describe('POST /integration', () => {
  it("accepts seed 002's request example and answers the documented shape", async () => {
    const res = await server.request<Integration>('POST', '/integration', { name: 'my_custom_crm', category: 'crm', config: SEED_REQUEST_CONFIG, is_beta: false });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      name: 'my_custom_crm',
      category: 'crm',
      is_beta: false,
      config: SEED_REQUEST_CONFIG,
      team_id: server.team.id,
      sharing: 'allow',
      installed_environment: [server.team.id],
      team: { id: server.team.id, name: 'test-team', domain: null, is_verified: false },
      version: 1,
      from_catalog: null,
    });
    expect(res.body.created_at).toBe(res.body.updated_at);
  });

  it("round-trips seed 002's whole example config unchanged, secrets masked and kept", async () => {
    const created = await server.request<Integration>('POST', '/integration', { name: 'example_api', category: 'helpdesk', config: SEED_CONFIG, is_beta: true });
    expect(created.status).toBe(201);
    expect(created.body.config).toEqual(maskedSeed());
    const got = await server.request<Integration>('GET', `/integration/${created.body.id}`);
    expect(got.body.config).toEqual(maskedSeed());
    expect(got.text).not.toContain('your-client-secret');
    expect(got.text).not.toContain('your-webhook-secret');

    // Sending the masked config back keeps the stored secrets.
    const patched = await server.request<Integration>('PATCH', `/integration/${created.body.id}`, { config: got.body.config, version: 1 });
    expect(patched.status).toBe(200);
    const stored = await server.context.integrations.get(server.team.id, created.body.id);
    expect(server.context.integrations.fullConfig(stored)).toEqual(SEED_CONFIG);
  });

  it('creates from the catalogue, merging a config override', async () => {
    const catalog = await server.request<Array<{ name: string; resources: string[] }>>('GET', '/v1/catalog');
    expect(catalog.status).toBe(200);
    const first = catalog.body[0];
    if (!first) return; // the catalogue tests cover its contents
    const res = await server.request<Integration>('POST', '/integration', { from_catalog: first.name, name: `${first.name}-eu`, config: { base_url: 'https://eu.example.com' } });
    expect(res.status).toBe(201);
    expect(res.body.from_catalog).toBe(first.name);
    expect(res.body.config.base_url).toBe('https://eu.example.com');
    expect(Object.keys((res.body.config.resources as object) ?? {})).toEqual(first.resources);
  });

  it('refuses an unknown catalogue entry with 404', async () => {
    const res = await server.request<ErrorBody>('POST', '/integration', { from_catalog: 'no-such-app' });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('CATALOG_ENTRY_NOT_FOUND');
  });

  it('names the JSON path of each config error and what was expected', async () => {
    const res = await server.request<ErrorBody>('POST', '/integration', {
      name: 'broken',
      category: 'crm',
      config: {
        base_url: 42,
        pagination: { format: 'pages' },
        resources: { users: { list: { method: 'fetch', path: '/users' } } },
        query_array_format: 'csv',
        webhooks: {},
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    const fields = res.body.error.details.map((d) => d.field);
    expect(fields).toEqual(
      expect.arrayContaining(['config.base_url', 'config.pagination.format', 'config.resources.users.list.method', 'config.query_array_format', 'config.webhooks']),
    );
    const format = res.body.error.details.find((d) => d.field === 'config.pagination.format');
    expect(format?.message).toMatch(/one of "page", "offset", "cursor", "link_header", "range", "dynamic"/);
  });

  it('requires name, category and config without from_catalog; refuses duplicate names', async () => {
    const missing = await server.request<ErrorBody>('POST', '/integration', {});
    expect(missing.status).toBe(400);
    expect(missing.body.error.details.map((d) => d.field)).toEqual(['name', 'category', 'config']);
    await server.request('POST', '/integration', { name: 'dup', category: 'crm', config: { base_url: 'https://x.test' } });
    const dup = await server.request<ErrorBody>('POST', '/integration', { name: 'dup', category: 'crm', config: { base_url: 'https://x.test' } });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('INTEGRATION_NAME_TAKEN');
  });

  it('refuses a masked secret on create', async () => {
    const config = structuredClone(SEED_CONFIG) as { credentials: { oauth2: { config: { client: { secret: string } } } } };
    config.credentials.oauth2.config.client.secret = '******';
    const res = await server.request<ErrorBody>('POST', '/integration', { name: 'masked', category: 'x', config });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('MASKED_SECRET_ON_CREATE');
    expect(res.body.error.details[0]?.field).toBe('config.credentials.oauth2.config.client.secret');
  });
});

describe('PATCH /integration/{id}', () => {
  it('deep-merges config, bumps the version, and refuses a stale version with 409', async () => {
    const created = await server.request<Integration>('POST', '/integration', {
      name: 'merge_me',
      category: 'crm',
      config: { base_url: 'https://a.test', headers: { Accept: 'application/json', 'X-Old': '1' }, resources: { users: { list: { method: 'get', path: '/users' } } } },
    });
    const patched = await server.request<Integration>('PATCH', `/integration/${created.body.id}`, {
      version: 1,
      config: { base_url: 'https://b.test', headers: { 'X-Old': null, 'X-New': '2' }, resources: { users: { get: { method: 'get', path: '/users/{{id}}' } } } },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.version).toBe(2);
    expect(patched.body.config).toEqual({
      base_url: 'https://b.test',
      headers: { Accept: 'application/json', 'X-New': '2' },
      resources: { users: { list: { method: 'get', path: '/users' }, get: { method: 'get', path: '/users/{{id}}' } } },
    });
    const stale = await server.request<ErrorBody>('PATCH', `/integration/${created.body.id}`, { version: 1, is_beta: true });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('INTEGRATION_VERSION_CONFLICT');
    expect(stale.body.error.message).toContain('version 2');
  });

  it('validates the merged config and keeps the old one on error', async () => {
    const created = await server.request<Integration>('POST', '/integration', { name: 'strict_merge', category: 'crm', config: { base_url: 'https://a.test' } });
    const bad = await server.request<ErrorBody>('PATCH', `/integration/${created.body.id}`, { config: { pagination: { format: 'cursor', config: { cursor_path_object: 'cookie' } } } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d) => d.field)).toContain('config.pagination.config.cursor_path_object');
    const after = await server.request<Integration>('GET', `/integration/${created.body.id}`);
    expect(after.body.config).toEqual({ base_url: 'https://a.test' });
    expect(after.body.version).toBe(1);
  });
});

describe('GET, DELETE and tenancy', () => {
  it('lists with next_cursor paging', async () => {
    const { key } = await server.newTeam('integration-lister');
    for (let i = 0; i < 3; i++) await server.request('POST', '/integration', { name: `i${i}`, category: 'crm', config: { base_url: 'https://x.test' } }, { key });
    const first = await server.request<{ result: Integration[]; next_cursor: string | null }>('GET', '/integration?limit=2', undefined, { key });
    expect(first.body.result.map((i) => i.name)).toEqual(['i0', 'i1']);
    expect(first.body.next_cursor).toEqual(expect.any(String));
    const second = await server.request<{ result: Integration[]; next_cursor: string | null }>('GET', `/integration?limit=2&next_cursor=${first.body.next_cursor}`, undefined, { key });
    expect(second.body.result.map((i) => i.name)).toEqual(['i2']);
    expect(second.body.next_cursor).toBeNull();
  });

  it("another team's integration is a 404", async () => {
    const created = await server.request<Integration>('POST', '/integration', { name: 'private', category: 'crm', config: { base_url: 'https://x.test' } });
    const { key } = await server.newTeam('integration-thief');
    for (const [method, body] of [['GET', undefined], ['PATCH', { is_beta: true }], ['DELETE', undefined]] as const) {
      const res = await server.request<ErrorBody>(method, `/integration/${created.body.id}`, body, { key });
      expect(res.status, method).toBe(404);
      expect(res.body.error.code).toBe('INTEGRATION_NOT_FOUND');
    }
    const list = await server.request<{ result: Integration[] }>('GET', '/integration', undefined, { key });
    expect(list.body.result.map((i) => i.id)).not.toContain(created.body.id);
  });

  it('deletes with 204; a read key cannot; no key is 401', async () => {
    const created = await server.request<Integration>('POST', '/integration', { name: 'doomed', category: 'crm', config: { base_url: 'https://x.test' } });
    expect((await server.request('DELETE', `/integration/${created.body.id}`, undefined, { key: null })).status).toBe(401);
    const { createApiKey } = await import('../../src/auth/api-keys.js');
    const { key: readKey } = await createApiKey(server.context.store.db, { teamId: server.team.id, name: 'integration reader', scope: 'read' });
    expect((await server.request('GET', `/integration/${created.body.id}`, undefined, { key: readKey })).status).toBe(200);
    expect((await server.request('DELETE', `/integration/${created.body.id}`, undefined, { key: readKey })).status).toBe(403);
    const del = await server.request('DELETE', `/integration/${created.body.id}`);
    expect(del.status).toBe(204);
    expect((await server.request('GET', `/integration/${created.body.id}`)).status).toBe(404);
  });
});

describe('GET /schemas/integration.json', () => {
  it('publishes the JSON Schema without a key', async () => {
    const res = await server.request<{ $schema: string; type: string; properties: Record<string, unknown>; required: string[] }>('GET', '/schemas/integration.json', undefined, { key: null });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/schema+json');
    expect(res.body.$schema).toContain('2020-12');
    expect(res.body.required).toEqual(['base_url']);
    expect(Object.keys(res.body.properties)).toEqual(expect.arrayContaining(['base_url', 'credentials', 'authorization', 'pagination', 'rate_limit', 'resources', 'webhook']));
  });
});

describe('config checks beyond the schema', () => {
  it('refuses malformed placeholders and invalid JSONata on save, naming the path', async () => {
    const res = await server.request<ErrorBody>('POST', '/integration', {
      name: 'linted',
      category: 'crm',
      config: {
        base_url: 'https://x.test',
        error_expression: 'body.ok = ',
        resources: { users: { list: { method: 'get', path: '/users/{{id:date}}', pagination: { format: 'dynamic', config: {} } } } },
      },
    });
    expect(res.status).toBe(400);
    const fields = res.body.error.details.map((d) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['config.resources.users.list.path', 'config.error_expression', 'config.resources.users.list.pagination.config.expression']));
  });

  it('accepts a "$schema" pointer for editors', async () => {
    const res = await server.request('POST', '/integration', { name: 'with_schema', category: 'crm', config: { $schema: 'http://127.0.0.1:8080/schemas/integration.json', base_url: 'https://x.test' } });
    expect(res.status).toBe(201);
  });
});
