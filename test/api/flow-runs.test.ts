import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Scheduler } from '../../src/jobs/loop.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { json, startUpstream, type Upstream } from '../helpers/upstream.js';

type Job = { _id: string; status: string; counts: { pages: number; exported: number; imported: number; failed: number; ignored: number }; trigger: string; durationMs: number | null };
type StepError = { errorId: string; retryDataKey: string; code: string; message: string; classification: string; _flowJobId: string; source: string; occurredAt: string };

const TOTAL = 17;
let server: TestServer;
let source: Upstream;
let target: Upstream;
const stored = new Map<string, Record<string, unknown>>();
const blocked = new Set<string>(['u5', 'u12']);
let sinceSeen: string[] = [];

beforeAll(async () => {
  server = await startTestServer();
  source = await startUpstream((req, res) => {
    const url = new URL(req.url, 'http://x');
    const since = url.searchParams.get('since');
    if (since !== null) sinceSeen.push(since);
    const page = Number(url.searchParams.get('page') ?? 1);
    const users = Array.from({ length: TOTAL }, (_, i) => ({ id: `u${i + 1}`, email: `user${i + 1}@example.com`, first: 'User', last: String(i + 1) }));
    json(res, 200, { users: users.slice((page - 1) * 4, page * 4) });
  });
  target = await startUpstream((req, res) => {
    const body = JSON.parse(req.body || '{}') as Record<string, unknown>;
    if (blocked.has(String(body.externalId))) return json(res, 422, { message: `${String(body.externalId)} is blocked` });
    stored.set(String(body.externalId), body);
    json(res, 201, { id: `t-${String(body.externalId)}` });
  });
});
afterAll(async () => {
  await source.close();
  await target.close();
  await server.close();
});

async function aFlow(type: 'all' | 'delta' | 'once' = 'all', schedule?: string): Promise<{ flowId: string; importId: string; exportId: string }> {
  const from = await server.request<{ _id: string }>('POST', '/v1/connections', { type: 'http', name: 'users source', http: { baseURI: source.url } });
  const to = await server.request<{ _id: string }>('POST', '/v1/connections', { type: 'http', name: 'users target', http: { baseURI: target.url } });
  const exp = await server.request<{ _id: string }>('POST', '/v1/exports', {
    name: 'users',
    _connectionId: from.body._id,
    type,
    ...(type === 'delta' ? { delta: { dateField: 'updated' } } : {}),
    http: { relativeURI: `/users?page={{export.http.paging.page}}${type === 'delta' ? '&since={{lastExportDateTime}}' : ''}`, method: 'GET', paging: { method: 'page' }, response: { resourcePath: 'users' } },
  });
  expect(exp.status, JSON.stringify(exp.body)).toBe(201);
  const imp = await server.request<{ _id: string }>('POST', '/v1/imports', {
    name: 'contacts',
    _connectionId: to.body._id,
    mapping: { fields: [{ extract: 'id', generate: 'externalId' }, { extract: 'email', generate: 'contact.email' }, { extract: '{first} {last}', generate: 'contact.name' }] },
    http: { relativeURI: '/contacts', method: 'POST' },
  });
  expect(imp.status, JSON.stringify(imp.body)).toBe(201);
  const flow = await server.request<{ _id: string }>('POST', '/v1/flows', {
    name: `users to contacts ${type}`,
    pageGenerators: [{ _exportId: exp.body._id }],
    pageProcessors: [{ type: 'import', _importId: imp.body._id }],
    ...(schedule ? { schedule } : {}),
  });
  expect(flow.status, JSON.stringify(flow.body)).toBe(201);
  return { flowId: flow.body._id, importId: imp.body._id, exportId: exp.body._id };
}

describe('running a flow', () => {
  it('moves every record, reports counts and history, and keeps per-record errors', async () => {
    const { flowId, importId } = await aFlow();
    const run = await server.request<{ _jobId: string; status: string }>('POST', `/v1/flows/${flowId}/run`);
    expect(run.status).toBe(202);
    await server.context.jobLoop.drain();
    const job = await server.request<Job>('GET', `/v1/jobs/${run.body._jobId}`);
    expect(job.body).toMatchObject({ status: 'partial', trigger: 'manual', counts: { exported: TOTAL, imported: TOTAL - 2, failed: 2, pages: 6 } });
    expect(stored.get('u1')).toEqual({ externalId: 'u1', contact: { email: 'user1@example.com', name: 'User 1' } });
    expect(stored.size).toBe(TOTAL - 2);

    const history = await server.request<Job[]>('GET', `/v1/jobs?_flowId=${flowId}`);
    expect(history.body.map((j) => j._id)).toEqual([run.body._jobId]);

    const errors = await server.request<{ errors: StepError[] }>('GET', `/v1/flows/${flowId}/${importId}/errors`);
    expect(errors.body.errors).toHaveLength(2);
    expect(errors.body.errors[0]).toMatchObject({ source: 'import', code: 'HTTP_422', classification: 'value', _flowJobId: run.body._jobId, message: expect.stringContaining('is blocked') });

    // Fix the target, retry only the failed records.
    blocked.clear();
    const before = target.requests.length;
    const retry = await server.request<{ _jobId: string }>('POST', `/v1/flows/${flowId}/${importId}/retry`, { retryDataKeys: errors.body.errors.map((e) => e.retryDataKey) });
    expect(retry.status).toBe(202);
    await server.context.jobLoop.drain();
    expect(target.requests.length - before).toBe(2);
    expect((await server.request<Job>('GET', `/v1/jobs/${retry.body._jobId}`)).body).toMatchObject({ status: 'success', counts: { imported: 2, failed: 0 } });
    expect(stored.size).toBe(TOTAL);
    expect((await server.request<{ errors: StepError[] }>('GET', `/v1/flows/${flowId}/${importId}/errors`)).body.errors).toEqual([]);
  });

  it('cancels a queued run and marks errors resolved on request', async () => {
    const { flowId } = await aFlow();
    const run = await server.request<{ _jobId: string }>('POST', `/v1/flows/${flowId}/run`);
    const cancelled = await server.request<Job>('POST', `/v1/jobs/${run.body._jobId}/cancel`);
    expect(cancelled.body.status).toBe('cancelled');
    await server.context.jobLoop.drain();
    expect((await server.request<Job>('GET', `/v1/jobs/${run.body._jobId}`)).body.status).toBe('cancelled');
  });

  it('advances a delta export only after a completed run', async () => {
    blocked.clear();
    const { flowId } = await aFlow('delta');
    sinceSeen = [];
    await server.request('POST', `/v1/flows/${flowId}/run`);
    await server.context.jobLoop.drain();
    expect(sinceSeen[0]).toBe('1970-01-01T00:00:00.000Z');
    const firstRunStart = (await server.request<Job[]>('GET', `/v1/jobs?_flowId=${flowId}`)).body[0];
    sinceSeen = [];
    await server.request('POST', `/v1/flows/${flowId}/run`);
    await server.context.jobLoop.drain();
    expect(sinceSeen[0]).not.toBe('1970-01-01T00:00:00.000Z');
    expect(Date.parse(sinceSeen[0] ?? '')).toBeGreaterThanOrEqual(Date.parse(String((firstRunStart as unknown as { createdAt: string }).createdAt)) - 1000);
  });

  it('delivers each record of a once export a single time across runs', async () => {
    blocked.clear();
    const { flowId } = await aFlow('once');
    const first = await server.request<{ _jobId: string }>('POST', `/v1/flows/${flowId}/run`);
    await server.context.jobLoop.drain();
    const second = await server.request<{ _jobId: string }>('POST', `/v1/flows/${flowId}/run`);
    await server.context.jobLoop.drain();
    expect((await server.request<Job>('GET', `/v1/jobs/${first.body._jobId}`)).body.counts).toMatchObject({ exported: TOTAL, imported: TOTAL });
    expect((await server.request<Job>('GET', `/v1/jobs/${second.body._jobId}`)).body).toMatchObject({ status: 'success', counts: { exported: 0, imported: 0 } });
  });

  it('fires a cron schedule once when it is due', async () => {
    const { flowId } = await aFlow('all', '*/5 * * * *');
    const flow = await server.request<{ nextRunAt: string }>('GET', `/v1/flows/${flowId}`);
    const due = new Date(Date.parse(flow.body.nextRunAt) + 1000);
    const scheduler = new Scheduler({ db: server.context.store.db, jobs: server.context.jobs, now: () => due });
    const early = new Scheduler({ db: server.context.store.db, jobs: server.context.jobs, now: () => new Date(Date.parse(flow.body.nextRunAt) - 60_000) });
    expect(await early.tick()).toBe(0);
    expect(await scheduler.tick()).toBeGreaterThanOrEqual(1);
    expect(await scheduler.tick()).toBe(0);
    const jobs = await server.request<Job[]>('GET', `/v1/jobs?_flowId=${flowId}`);
    expect(jobs.body.map((j) => j.trigger)).toEqual(['schedule']);
    const after = await server.request<{ nextRunAt: string }>('GET', `/v1/flows/${flowId}`);
    expect(Date.parse(after.body.nextRunAt)).toBeGreaterThan(due.getTime());
    await server.context.jobLoop.drain();
  });
});
