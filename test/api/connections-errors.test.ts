import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aRestConnection, anHttpConnection } from '../helpers/builders.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

type ErrorBody = { error: { code: string; message: string; details: Array<Record<string, unknown>> } };
type Wire = Record<string, unknown> & { _id: string; name: string; rest?: Record<string, unknown> };

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ SWITCHYARD_BODY_LIMIT: '20000' });
});
afterAll(async () => {
  await server.close();
});

function expectErrorShape(body: unknown): asserts body is ErrorBody {
  expect(body).toEqual({ error: { code: expect.any(String), message: expect.any(String), details: expect.any(Array) } });
}

describe('request validation', () => {
  it('bad JSON → 400 INVALID_JSON', async () => {
    const res = await server.request('POST', '/v1/connections', undefined, { raw: '{"type": "rest",', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expectErrorShape(res.body);
    expect(res.body.error.code).toBe('INVALID_JSON');
  });

  it('empty JSON body → 400 EMPTY_BODY', async () => {
    const res = await server.request('POST', '/v1/connections', undefined, { raw: '', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expectErrorShape(res.body);
  });

  it('wrong content type → 415', async () => {
    const res = await server.request('POST', '/v1/connections', undefined, { raw: 'type=rest', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(res.status).toBe(415);
    expectErrorShape(res.body);
    expect(res.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('oversized body → 413', async () => {
    const body = aRestConnection();
    (body.rest as Record<string, unknown>).pingBody = 'x'.repeat(30_000);
    const res = await server.request('POST', '/v1/connections', body);
    expect(res.status).toBe(413);
    expectErrorShape(res.body);
    expect(res.body.error.code).toBe('BODY_TOO_LARGE');
  });

  it('wrong types are refused, not coerced, and the field is named', async () => {
    const res = await server.request('POST', '/v1/connections', { type: 'rest', name: 123, rest: { baseURI: 'https://x.test', concurrency: 1 } });
    expect(res.status).toBe(400);
    expectErrorShape(res.body);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    const fields = res.body.error.details.map((d) => d.field);
    expect(fields).toContain('name');
    expect(fields).toContain('rest.concurrency');
    expect(res.body.error.message).toMatch(/name|rest\.concurrency/);
  });

  it('unknown fields are refused with their name', async () => {
    const res = await server.request('POST', '/v1/connections', { ...aRestConnection(), sandbox: true });
    expect(res.status).toBe(400);
    expectErrorShape(res.body);
    expect(res.body.error.details).toContainEqual(expect.objectContaining({ field: 'sandbox', message: expect.stringMatching(/not a known field/) }));
  });

  it('missing required fields and bad enum values are named', async () => {
    const res = await server.request('POST', '/v1/connections', { type: 'soap', rest: { tokenLocation: 'cookie' } });
    expect(res.status).toBe(400);
    expectErrorShape(res.body);
    const fields = res.body.error.details.map((d) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['type', 'name', 'rest.baseURI', 'rest.tokenLocation']));
  });

  it('the type object must match the type', async () => {
    const missing = await server.request('POST', '/v1/connections', { type: 'http', name: 'x' });
    expect(missing.status).toBe(400);
    expectErrorShape(missing.body);
    expect(missing.body.error.details).toContainEqual(expect.objectContaining({ field: 'http', message: expect.stringMatching(/required/) }));
    const both = await server.request('POST', '/v1/connections', { ...aRestConnection(), http: anHttpConnection().http });
    expect(both.status).toBe(400);
    expectErrorShape(both.body);
    expect(both.body.error.details).toContainEqual(expect.objectContaining({ field: 'http', message: expect.stringMatching(/not allowed/) }));
  });

  it('a non-http(s) baseURI is refused', async () => {
    const res = await server.request('POST', '/v1/connections', aRestConnection({ baseURI: 'file:///etc/passwd' }));
    expect(res.status).toBe(400);
    expectErrorShape(res.body);
    expect(res.body.error.details.map((d) => d.field)).toContain('rest.baseURI');
  });

  it('a masked secret on create → 400 naming the field', async () => {
    const res = await server.request('POST', '/v1/connections', aRestConnection({ token: '******' }));
    expect(res.status).toBe(400);
    expectErrorShape(res.body);
    expect(res.body.error.code).toBe('MASKED_SECRET_ON_CREATE');
    expect(res.body.error.details).toEqual([expect.objectContaining({ field: 'rest.bearerToken' })]);
  });

  it('debugDate more than an hour ahead → 400', async () => {
    const res = await server.request('POST', '/v1/connections', { ...aRestConnection(), debugDate: new Date(Date.now() + 2 * 3600_000).toISOString() });
    expect(res.status).toBe(400);
    expectErrorShape(res.body);
    expect(res.body.error.code).toBe('DEBUG_DATE_TOO_FAR');
  });

  it('unknown routes answer 404 in the error shape', async () => {
    const res = await server.request('GET', '/v1/nothing-here');
    expect(res.status).toBe(404);
    expectErrorShape(res.body);
  });

  it('the server survives garbage and keeps answering', async () => {
    const bodies = ['null', '[]', '"text"', '{"__proto__":{"polluted":true},"type":"rest"}', '{'.repeat(5000), '\u0000\u0001'];
    for (const raw of bodies) {
      const res = await server.request('POST', '/v1/connections', undefined, { raw, headers: { 'content-type': 'application/json' } });
      expect(res.status, raw.slice(0, 20)).toBeGreaterThanOrEqual(400);
      expect(res.status, raw.slice(0, 20)).toBeLessThan(500);
      expectErrorShape(res.body);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((await server.request('GET', '/health', undefined, { key: null })).status).toBe(200);
  });
});

describe('PATCH /v1/connections/{_id} (JSON Patch)', () => {
  async function create(): Promise<Wire> {
    return (await server.request<Wire>('POST', '/v1/connections', aRestConnection({ token: 'patch-secret-token-001' }))).body;
  }

  it('applies replace/add/remove and answers the masked connection', async () => {
    const created = await create();
    const res = await server.request<Wire>('PATCH', `/v1/connections/${created._id}`, [
      { op: 'replace', path: '/name', value: 'Patched' },
      { op: 'add', path: '/rest/headers', value: [{ name: 'X-Tenant', value: 'acme' }] },
      { op: 'remove', path: '/rest/pingRelativeURI' },
    ]);
    expect(res.status).toBe(200);
    expect(res.body.name).toBe('Patched');
    expect(res.body.rest).toMatchObject({ headers: [{ name: 'X-Tenant', value: 'acme' }], bearerToken: '******' });
    expect(res.body.rest?.pingRelativeURI).toBeUndefined();
  });

  it('accepts application/json-patch+json', async () => {
    const created = await create();
    const res = await server.request<Wire>('PATCH', `/v1/connections/${created._id}`, undefined, {
      raw: JSON.stringify([{ op: 'replace', path: '/name', value: 'Via patch+json' }]),
      headers: { 'content-type': 'application/json-patch+json' },
    });
    expect(res.status).toBe(200);
    expect(res.body.name).toBe('Via patch+json');
  });

  it('replacing a secret stores the new value; a test op cannot probe a secret', async () => {
    const created = await create();
    const probe = await server.request('PATCH', `/v1/connections/${created._id}`, [{ op: 'test', path: '/rest/bearerToken', value: 'patch-secret-token-001' }]);
    expect(probe.status).toBe(422);
    const rotate = await server.request<Wire>('PATCH', `/v1/connections/${created._id}`, [{ op: 'replace', path: '/rest/bearerToken', value: 'rotated-token-002' }]);
    expect(rotate.status).toBe(200);
    expect(rotate.body.rest?.bearerToken).toBe('******');
    const stored = await server.context.connections.get(server.team.id, created._id);
    expect(stored.secrets['/rest/bearerToken']).toBe('rotated-token-002');
  });

  it.each([
    ['not an array', 400, { op: 'replace', path: '/name', value: 'x' }],
    ['empty', 422, []],
    ['unknown op', 422, [{ op: 'merge', path: '/name', value: 'x' }]],
    ['missing value', 422, [{ op: 'replace', path: '/name' }]],
    ['bad pointer', 422, [{ op: 'replace', path: 'name', value: 'x' }]],
    ['unresolvable path', 422, [{ op: 'replace', path: '/rest/nothing/deep', value: 'x' }]],
    ['unknown root', 422, [{ op: 'add', path: '/sandbox', value: true }]],
    ['failing test', 422, [{ op: 'test', path: '/name', value: 'nope' }]],
  ])('%s → %i with the offending operation', async (_label, status, ops) => {
    const created = await create();
    const res = await server.request('PATCH', `/v1/connections/${created._id}`, ops);
    expect(res.status).toBe(status);
    expectErrorShape(res.body);
    if (status === 422) {
      expect(res.body.error.code).toBe('PATCH_OP_INVALID');
      if (Array.isArray(ops) && ops.length > 0) expect(res.body.error.details[0]).toMatchObject({ index: 0, operation: ops[0] });
    }
  });

  it('read-only fields → 422 PATCH_READ_ONLY_FIELD', async () => {
    const created = await create();
    for (const path of ['/_id', '/lastModified', '/queues', '/createdAt']) {
      const res = await server.request('PATCH', `/v1/connections/${created._id}`, [{ op: 'replace', path, value: 'x' }]);
      expect(res.status, path).toBe(422);
      expectErrorShape(res.body);
      expect(res.body.error.code).toBe('PATCH_READ_ONLY_FIELD');
    }
  });

  it('a patch that makes the connection invalid → 422 naming the field, nothing saved', async () => {
    const created = await create();
    const res = await server.request('PATCH', `/v1/connections/${created._id}`, [{ op: 'replace', path: '/rest/tokenLocation', value: 'cookie' }]);
    expect(res.status).toBe(422);
    expectErrorShape(res.body);
    expect(res.body.error.code).toBe('PATCH_RESULT_INVALID');
    expect(res.body.error.details).toContainEqual(expect.objectContaining({ field: 'rest.tokenLocation' }));
    const after = await server.request<Wire>('GET', `/v1/connections/${created._id}`);
    expect(after.body.rest?.tokenLocation).toBe('header');
  });

  it('records field changes in the audit log, secrets masked', async () => {
    const created = await create();
    await server.request('PATCH', `/v1/connections/${created._id}`, [
      { op: 'replace', path: '/name', value: 'Audited' },
      { op: 'replace', path: '/rest/bearerToken', value: 'audited-new-secret-003' },
    ], { headers: { 'x-switchyard-source': 'ui' } });
    const audit = await server.request<Array<Record<string, unknown>>>('GET', `/v1/connections/${created._id}/audit`);
    expect(audit.status).toBe(200);
    expect(audit.body).toHaveLength(2);
    expect(audit.body[0]).toMatchObject({
      resourceType: 'connection',
      _resourceId: created._id,
      source: 'ui',
      event: 'update',
      byUser: { _id: expect.any(String), name: 'test admin' },
      fieldChanges: expect.arrayContaining([
        { fieldPath: 'name', oldValue: 'REST header', newValue: 'Audited' },
        { fieldPath: 'rest.bearerToken', oldValue: '******', newValue: '******' },
      ]),
    });
    expect(audit.body[1]).toMatchObject({ event: 'create', source: 'api', fieldChanges: [] });
    expect(audit.text).not.toContain('audited-new-secret-003');
    expect(audit.text).not.toContain('patch-secret-token-001');
  });
});
