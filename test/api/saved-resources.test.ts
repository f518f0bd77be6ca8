import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';

type Wire = Record<string, unknown> & { _id: string };
type ErrorBody = { error: { code: string; message: string; details: Array<Record<string, unknown>> } };

let server: TestServer;
let connectionId: string;
beforeAll(async () => {
  server = await startTestServer();
  connectionId = (await server.request<Wire>('POST', '/v1/connections', { type: 'http', name: 'source', http: { baseURI: 'https://api.example.com' } })).body._id;
});
afterAll(async () => {
  await server.close();
});

const anExport = (name = 'NASA API Export') => ({ name, _connectionId: connectionId, http: { relativeURI: '/items', method: 'GET', response: { resourcePath: 'items' } } });
const anImport = (name = 'Slack import') => ({
  name,
  _connectionId: connectionId,
  mapping: { fields: [{ extract: 'id', generate: 'externalId' }] },
  http: { relativeURI: '/records', method: 'POST' },
});

describe('/v1/exports and /v1/imports', () => {
  it('create, get, list, replace with audit, and refuse a bad model naming the field', async () => {
    const created = await server.request<Wire>('POST', '/v1/exports', anExport());
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({ name: 'NASA API Export', _connectionId: connectionId, http: { relativeURI: '/items' } });
    const got = await server.request<Wire>('GET', `/v1/exports/${created.body._id}`);
    expect(got.body).toEqual(created.body);
    const list = await server.request<Wire[]>('GET', '/v1/exports');
    expect(list.body.map((e) => e._id)).toContain(created.body._id);
    const replaced = await server.request<Wire>('PUT', `/v1/exports/${created.body._id}`, { ...got.body, name: 'Renamed export' });
    expect(replaced.status, replaced.text).toBe(200);
    const audit = await server.request<Array<{ event: string; fieldChanges: unknown[] }>>('GET', `/v1/exports/${created.body._id}/audit`);
    expect(audit.body.map((e) => e.event)).toEqual(['update', 'create']);
    expect(audit.body[0]?.fieldChanges).toContainEqual({ fieldPath: 'name', oldValue: 'NASA API Export', newValue: 'Renamed export' });

    const bad = await server.request<ErrorBody>('POST', '/v1/exports', { name: 'x', _connectionId: connectionId, http: { relativeURI: '/x', paging: { method: 'teleport' } } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.error.details)).toContain('paging');
    const noConnection = await server.request<ErrorBody>('POST', '/v1/exports', { ...anExport(), _connectionId: '000000000000000000000000' });
    expect(noConnection.body.error.details).toContainEqual(expect.objectContaining({ field: '_connectionId' }));
    const imp = await server.request<Wire>('POST', '/v1/imports', anImport());
    expect(imp.status, imp.text).toBe(201);
    const badMapping = await server.request<ErrorBody>('POST', '/v1/imports', { ...anImport('bad mapping'), mapping: { fields: [{ extract: 'a', generate: '__proto__.x' }] } });
    expect(badMapping.status).toBe(400);
    expect(JSON.stringify(badMapping.body.error.details)).toContain('__proto__');
  });
});

describe('/v1/flows and /v1/integrations', () => {
  it('ties exports and imports into a flow in a group, fills dependencies and refuses deleting what is used', async () => {
    const exp = await server.request<Wire>('POST', '/v1/exports', anExport('flow source'));
    const imp = await server.request<Wire>('POST', '/v1/imports', anImport('flow target'));
    const group = await server.request<Wire>('POST', '/v1/integrations', { name: 'NASA Astronomy Picture of the Day to Slack' });
    expect(group.status, group.text).toBe(201);
    const flow = await server.request<Wire>('POST', '/v1/flows', {
      name: 'NASA APOD - Slack',
      _integrationId: group.body._id,
      pageGenerators: [{ _exportId: exp.body._id }],
      pageProcessors: [{ type: 'import', _importId: imp.body._id }],
      schedule: '0 9 * * *',
      timezone: 'Europe/Paris',
    });
    expect(flow.status, flow.text).toBe(201);
    expect(flow.body.nextRunAt).toEqual(expect.stringMatching(/T0[78]:00:00.000Z$/));

    const deps = await server.request<Record<string, Array<Record<string, unknown>>>>('GET', `/v1/connections/${connectionId}/dependencies`);
    expect(deps.body.exports).toContainEqual({ id: exp.body._id, name: 'flow source', paths: ['_connectionId'], accessLevel: 'manage', dependencyIds: { connection: [connectionId] } });
    expect(deps.body.flows).toContainEqual(
      expect.objectContaining({ id: flow.body._id, name: 'NASA APOD - Slack', dependencyIds: { export: [exp.body._id], import: [imp.body._id] } }),
    );
    expect(deps.body.integrations).toContainEqual(
      expect.objectContaining({ id: group.body._id, paths: ['_registeredConnectionIds[*]'], dependencyIds: { connection: [connectionId], flow: [flow.body._id] } }),
    );

    const delExport = await server.request<ErrorBody>('DELETE', `/v1/exports/${exp.body._id}`);
    expect(delExport.status).toBe(409);
    expect(delExport.body.error.message).toContain('NASA APOD - Slack');
    const delGroup = await server.request<ErrorBody>('DELETE', `/v1/integrations/${group.body._id}`);
    expect(delGroup.status).toBe(409);
    const delConnection = await server.request<ErrorBody>('DELETE', `/v1/connections/${connectionId}`);
    expect(delConnection.status).toBe(409);

    expect((await server.request('DELETE', `/v1/flows/${flow.body._id}`)).status).toBe(204);
    expect((await server.request('DELETE', `/v1/exports/${exp.body._id}`)).status).toBe(204);
    expect((await server.request('DELETE', `/v1/integrations/${group.body._id}`)).status).toBe(204);
  });

  it('refuses the same import twice in one flow', async () => {
    const exp = await server.request<Wire>('POST', '/v1/exports', anExport('twice source'));
    const imp = await server.request<Wire>('POST', '/v1/imports', anImport('twice target'));
    const res = await server.request<ErrorBody>('POST', '/v1/flows', {
      name: 'twice',
      pageGenerators: [{ _exportId: exp.body._id }],
      pageProcessors: [{ type: 'import', _importId: imp.body._id }, { type: 'import', _importId: imp.body._id }],
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toContainEqual(expect.objectContaining({ field: 'pageProcessors.1._importId', message: 'is already a step of this flow' }));
  });

  it('refuses unknown references, bad cron and bad time zones naming the fields', async () => {
    const res = await server.request<ErrorBody>('POST', '/v1/flows', {
      name: 'broken',
      pageGenerators: [{ _exportId: '000000000000000000000000' }],
      pageProcessors: [{ type: 'import', _importId: '000000000000000000000001' }],
      schedule: 'every tuesday',
      timezone: 'Mars/Olympus',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d) => d.field)).toEqual(expect.arrayContaining(['pageGenerators.0._exportId', 'pageProcessors.0._importId', 'schedule', 'timezone']));
  });

  it("hides another team's flows, exports and groups (404)", async () => {
    const exp = await server.request<Wire>('POST', '/v1/exports', anExport('private'));
    const { key } = await server.newTeam('flow-thief');
    expect((await server.request('GET', `/v1/exports/${exp.body._id}`, undefined, { key })).status).toBe(404);
    expect((await server.request('DELETE', `/v1/exports/${exp.body._id}`, undefined, { key })).status).toBe(404);
    expect((await server.request<Wire[]>('GET', '/v1/exports', undefined, { key })).body).toEqual([]);
  });
});
