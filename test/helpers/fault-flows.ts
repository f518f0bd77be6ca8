import type { TestServer } from './server.js';

/** What GET /v1/jobs/{id} answers, as far as the fault suite reads it. */
export interface JobView {
  _id: string;
  status: string;
  error: string | null;
  attempt: number;
  counts: { pages: number; exported: number; imported: number; failed: number; ignored: number };
}

export const FINAL = new Set(['success', 'partial', 'failed', 'cancelled']);

/**
 * The flow every fault test runs, created over the API: `GET {source}/records?page=N` (page
 * paging, `records`) → map `id → ref`, `name → fullName` → `POST {target}/contacts` in batches.
 */
export async function createChaosFlow(
  request: (method: string, path: string, body?: unknown) => Promise<{ status: number; body: unknown; text?: string }>,
  options: { sourceUrl: string; targetUrl: string; batchSize: number },
): Promise<{ flowId: string; importId: string }> {
  const ok = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await request(method, path, body);
    if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body as T;
  };
  const from = await ok<{ _id: string }>('POST', '/v1/connections', { type: 'http', name: 'chaos source', http: { baseURI: options.sourceUrl } });
  const to = await ok<{ _id: string }>('POST', '/v1/connections', { type: 'http', name: 'chaos target', http: { baseURI: options.targetUrl } });
  const exp = await ok<{ _id: string }>('POST', '/v1/exports', {
    name: 'records',
    _connectionId: from._id,
    http: { relativeURI: '/records?page={{export.http.paging.page}}', method: 'GET', paging: { method: 'page' }, response: { resourcePath: 'records' } },
  });
  const imp = await ok<{ _id: string }>('POST', '/v1/imports', {
    name: 'contacts',
    _connectionId: to._id,
    mapping: { fields: [{ extract: 'id', generate: 'ref' }, { extract: 'name', generate: 'fullName' }] },
    http: { relativeURI: '/contacts', method: 'POST', batchSize: options.batchSize },
  });
  const flow = await ok<{ _id: string }>('POST', '/v1/flows', { name: 'chaos', pageGenerators: [{ _exportId: exp._id }], pageProcessors: [{ type: 'import', _importId: imp._id }] });
  return { flowId: flow._id, importId: imp._id };
}

/** Polls a job (through the store, which may be briefly away) until it reaches a final status. */
export async function waitForJob(server: TestServer, jobId: string, timeoutMs: number): Promise<JobView> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await server.request<JobView>('GET', `/v1/jobs/${jobId}`).catch(() => undefined);
    if (res?.status === 200 && FINAL.has(res.body.status)) return res.body;
    if (Date.now() > until) throw new Error(`job ${jobId} did not finish within ${timeoutMs} ms (last answer ${res?.status}: ${res?.text})`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Missing (never applied) and duplicated (applied twice or more) records r0 … r{total-1}. */
export function deliveryGaps(applied: Map<string, number>, total: number): { missing: string[]; twice: string[] } {
  const missing: string[] = [];
  for (let n = 0; n < total; n++) if (!applied.has(`r${n}`)) missing.push(`r${n}`);
  const twice = [...applied.entries()].filter(([, count]) => count > 1).map(([id]) => id);
  return { missing, twice };
}
