import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { json, startUpstream, type Upstream } from '../helpers/upstream.js';

type Result = { statusCode: number; id?: string; _json?: Record<string, unknown>; errors?: Array<{ code: string; message: string }> };

/** The seed's virtual import example, verbatim (seed 003, example 5). */
const SEED_IMPORT = {
  import: {
    mapping: { fields: [{ extract: 'timestamp', generate: 'timestamp' }, { generate: 'key', hardCodedValue: 'sqs_flow' }] },
    rest: { relativeURI: ['/system/v1/heartbeat'], method: ['PUT'] },
  },
  data: [{ timestamp: 1512012818751 }, { timestamp: 1512012818751 }, { timestamp: 1512012818751 }, { timestamp: 1512012818751 }],
};

let server: TestServer;
let upstream: Upstream;
let restId: string;
let counter = 0;
let lookups = 0;

beforeAll(async () => {
  server = await startTestServer();
  upstream = await startUpstream((req, res) => {
    if (req.headers.authorization !== 'Bearer import-token') return json(res, 401, { message: 'bad token' });
    const body = req.body ? (JSON.parse(req.body) as Record<string, unknown>) : {};
    if (req.url === '/system/v1/heartbeat' && req.method === 'PUT') {
      const now = new Date().toISOString();
      return json(res, 200, { _id: '5a1000000000000000000ab6', lastModified: now, createdAt: '2017-11-21T21:37:10.497Z', key: body.key, timestamp: new Date(Number(body.timestamp)).toISOString(), __v: 0 });
    }
    const owner = /^\/owners\?email=(.+)$/.exec(req.url);
    if (owner) {
      lookups++;
      const email = decodeURIComponent(owner[1] ?? '');
      return email === 'nobody@example.com' ? json(res, 200, { data: [] }) : json(res, 200, { data: [{ id: `owner-${email.split('@')[0] ?? ''}` }] });
    }
    if (req.url === '/contacts' && req.method === 'POST') {
      if (body.email === 'broken@example.com') return json(res, 422, { message: 'email is blocked' });
      counter++;
      return json(res, 201, { id: `c${counter}`, ...body });
    }
    json(res, 404, { message: 'no route' });
  });
  restId = (await server.request<{ _id: string }>('POST', '/v1/connections', { type: 'rest', name: 'target', rest: { baseURI: upstream.url, bearerToken: 'import-token' } })).body._id;
});
afterAll(async () => {
  await upstream.close();
  await server.close();
});

describe('POST /v1/connections/{_id}/import', () => {
  it('resolves dynamic lookups through the connection once per distinct value', async () => {
    lookups = 0;
    const res = await server.request<Result[]>('POST', `/v1/connections/${restId}/import/map`, {
      import: {
        mapping: { fields: [{ extract: 'ownerEmail', generate: 'ownerId', lookupName: 'owner' }] },
        lookups: [{ name: 'owner', relativeURI: '/owners?email={{key}}', extract: 'data[0].id' }],
        http: { relativeURI: '/contacts', method: 'POST' },
      },
      data: [{ ownerEmail: 'ann@example.com' }, { ownerEmail: 'bob@example.com' }, { ownerEmail: 'ann@example.com' }, { ownerEmail: 'nobody@example.com' }],
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.slice(0, 3)).toEqual([{ ownerId: 'owner-ann' }, { ownerId: 'owner-bob' }, { ownerId: 'owner-ann' }]);
    expect(res.body[3]).toMatchObject({ statusCode: 422, errors: [expect.objectContaining({ code: 'MAPPING_LOOKUP', message: expect.stringContaining('ownerId') })] });
    expect(lookups).toBe(3);
  });

  it("runs the seed's example verbatim and answers in the seed's shape", async () => {
    const res = await server.request<Result[]>('POST', `/v1/connections/${restId}/import`, SEED_IMPORT);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toHaveLength(4);
    for (const result of res.body) {
      expect(result).toEqual({
        statusCode: 200,
        id: '5a1000000000000000000ab6',
        _json: { _id: '5a1000000000000000000ab6', lastModified: expect.any(String), createdAt: '2017-11-21T21:37:10.497Z', key: 'sqs_flow', timestamp: '2017-11-30T03:33:38.751Z', __v: 0 },
      });
    }
    const sent = upstream.requests.filter((r) => r.url === '/system/v1/heartbeat').slice(-4);
    expect(sent.map((r) => JSON.parse(r.body) as unknown)).toEqual(Array(4).fill({ timestamp: 1512012818751, key: 'sqs_flow' }));
  });

  it('keeps going past a bad record and a record the mapping refuses, results in order', async () => {
    const res = await server.request<Result[]>('POST', `/v1/connections/${restId}/import`, {
      import: {
        mappings: [
          { generate: 'email', dataType: 'string', extract: '$.mail' },
          { generate: 'age', dataType: 'number', extract: '$.age' },
        ],
        http: { relativeURI: '/contacts', method: 'POST' },
      },
      data: [{ mail: 'a@example.com', age: '30' }, { mail: 'broken@example.com', age: 1 }, { mail: 'c@example.com', age: 'old' }, { mail: 'd@example.com' }],
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.map((r) => r.statusCode)).toEqual([201, 422, 422, 201]);
    expect(res.body[0]).toMatchObject({ id: expect.stringMatching(/^c\d+$/), _json: { email: 'a@example.com', age: 30 } });
    expect(res.body[1]?.errors?.[0]).toMatchObject({ code: 'HTTP_422', message: expect.stringContaining('email is blocked') });
    expect(res.body[2]?.errors?.[0]).toMatchObject({ code: expect.stringMatching(/^MAPPING_/), message: expect.stringContaining('age') });
    expect(res.body[3]?._json).toEqual({ id: expect.any(String), email: 'd@example.com' });
  });

  it('answers only the mapped records at /import/map and sends nothing', async () => {
    const before = upstream.requests.length;
    const res = await server.request<unknown[]>('POST', `/v1/connections/${restId}/import/map`, SEED_IMPORT);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(Array(4).fill({ timestamp: 1512012818751, key: 'sqs_flow' }));
    expect(upstream.requests.length).toBe(before);
  });

  it('refuses an invalid mapping or model naming the field, and a foreign connection', async () => {
    const bad = await server.request<{ error: { details: Array<{ field: string }> } }>('POST', `/v1/connections/${restId}/import`, {
      import: { mapping: { fields: [{ extract: 'a', generate: 'b', dataType: 'complex' }] }, rest: { relativeURI: ['/x'], method: ['PUT'] } },
      data: [{}],
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.error.details)).toContain('dataType');
    const noTarget = await server.request('POST', `/v1/connections/${restId}/import`, { import: { mapping: { fields: [] } }, data: [] });
    expect(noTarget.status).toBe(400);
    const { key } = await server.newTeam('import-thief');
    expect((await server.request('POST', `/v1/connections/${restId}/import`, SEED_IMPORT, { key })).status).toBe(404);
  });
});
