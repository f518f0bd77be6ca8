import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChaosSource, type RecordingTarget, startChaosSource, startRecordingTarget } from '../helpers/faults.js';
import { createChaosFlow, type JobView } from '../helpers/fault-flows.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * A 50,000-record flow between two misbehaving APIs. The source fails 15% of its page requests
 * (429 with Retry-After, 500/502/503, connection resets, timeouts, garbage JSON, truncated
 * bodies); the target fails 4% of its batch writes, before applying them (nothing arrives) or
 * after (the records arrived, the answer is lost). Seeded, so a failure reproduces.
 *
 * The guarantee: every record is at the target exactly once, or is a per-record error of the run;
 * none is silently dropped, none is applied twice.
 */
const TOTAL = 50_000;
const PAGE = 250;
const BATCH = 50;
const SEED = Number(process.env.FAULT_SEED ?? 20261123);

let server: TestServer;
let source: ChaosSource;
let target: RecordingTarget;

async function ok<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await server.request<T>(method, path, body);
  expect(res.status, `${method} ${path}: ${res.text}`).toBeLessThan(300);
  return res.body;
}

beforeAll(async () => {
  source = await startChaosSource({ total: TOTAL, pageSize: PAGE, rate: 0.15, seed: SEED });
  target = await startRecordingTarget({ rate: 0.04, seed: SEED + 7 });
  // A short outbound timeout, so the hung requests cost a second each, not thirty.
  server = await startTestServer({ SWITCHYARD_OUTBOUND_TIMEOUT_MS: '1000', LOG_LEVEL: 'warn' });
});

afterAll(async () => {
  await server?.close();
  await source?.close();
  await target?.close();
});

describe(`a ${TOTAL.toLocaleString('en-US')}-record flow between a faulty source and a faulty target (seed ${SEED})`, () => {
  let flowId: string;
  let importId: string;
  let job: JobView;

  it('runs to the end despite the faults', async () => {
    ({ flowId, importId } = await createChaosFlow((m, p, b) => server.request(m, p, b), { sourceUrl: source.url, targetUrl: target.url, batchSize: BATCH }));
    const run = await ok<{ _jobId: string }>('POST', `/v1/flows/${flowId}/run`);
    await server.context.jobLoop.drain(240_000);
    job = await ok<JobView>('GET', `/v1/jobs/${run._jobId}`);

    expect(job.error).toBeNull();
    expect(job.status).toBe(job.counts.failed > 0 ? 'partial' : 'success');
    expect(job.counts.exported).toBe(TOTAL);
    expect(job.counts.pages).toBe(TOTAL / PAGE + 1);
    expect(job.counts.imported + job.counts.failed).toBe(TOTAL);
    expect(job.counts.ignored).toBe(0);
  }, 240_000);

  it('met every kind of fault on the way (otherwise it proves nothing)', () => {
    for (const kind of ['429', '500', '502', '503', 'reset', 'timeout', 'garbage', 'truncated'] as const) {
      expect(source.faults.get(kind) ?? 0, `source ${kind}`).toBeGreaterThan(0);
    }
    expect([...source.faults.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(10);
    expect([...target.faults.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(5);
    expect(target.faults.get('429') ?? 0).toBeGreaterThan(0);
    expect((target.faults.get('applied-then-reset') ?? 0) + (target.faults.get('applied-then-garbage') ?? 0)).toBeGreaterThan(0);
  });

  it('applied no record twice', () => {
    const twice = [...target.applied.entries()].filter(([, n]) => n > 1);
    expect(twice).toEqual([]);
  });

  it('delivered every record or reported it as a per-record error of the run', async () => {
    const errors = await server.context.store.db
      .selectFrom('job_errors')
      .select(['record', 'code', 'classification', 'source'])
      .where('job_id', '=', job._id)
      .where('step_id', '=', importId)
      .execute();
    expect(errors).toHaveLength(job.counts.failed);
    const reported = new Set(errors.map((e) => (JSON.parse(e.record ?? '{}') as { id?: string }).id));
    expect(reported.size, 'one error per failed record').toBe(errors.length);
    const missing: string[] = [];
    for (let n = 0; n < TOTAL; n++) {
      const id = `r${n}`;
      if (!target.applied.has(id) && !reported.has(id)) missing.push(id);
    }
    expect(missing, 'records neither delivered nor reported').toEqual([]);
    // Records the target did not apply are exactly the reported ones, minus the ones it applied but could not confirm.
    expect(TOTAL - target.applied.size).toBeLessThanOrEqual(errors.length);
    for (const e of errors) expect(e.source).toBe('import');
    expect(new Set(errors.map((e) => e.classification))).not.toContain('value');
  });

  it('lists the errors over the API with what went wrong', async () => {
    const listed = await ok<{ errors: Array<{ code: string; classification: string; retryDataKey: string; _flowJobId: string }> }>('GET', `/v1/flows/${flowId}/${importId}/errors?limit=1000`);
    expect(listed.errors.length).toBe(Math.min(1000, job.counts.failed));
    for (const e of listed.errors) {
      expect(e._flowJobId).toBe(job._id);
      expect(['intermittent', 'parse', 'connection', 'rate limit']).toContain(e.classification);
    }
  });
});
