import { Agent, request } from 'undici';
import { ConnectionGates } from '../src/engine/connection-gate.js';
import { Executor } from '../src/engine/executor.js';
import { OutboundClient } from '../src/engine/http-client.js';
import { type EngineTarget, IntegrationEngine, type SendFn } from '../src/engine/integration-engine.js';
import { parseOutboundAllow } from '../src/engine/outbound-policy.js';
import { type BenchResult, compare, runIfMain, interleave } from './lib/measure.js';
import { type PagedServer, startPagedServer } from './lib/paged-server.js';

/**
 * Engine paging throughput: 200,000 records in 200 cursor pages of 1000 from a local server,
 * read by a plain hand-written loop (baseline) and by IntegrationEngine.list through the real
 * request path (Executor + OutboundClient + ConnectionGates), interleaved in one process.
 *
 * Two baselines: undici `request` (the transport the engine itself uses, so the ratio is what the
 * engine adds on top of it) and the global `fetch` (what a hand-written script would use).
 */

const TOTAL = 200_000;
const PAGE_SIZE = 1000;
const TOKEN = 'bench-token';
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const GOAL = { minRatio: 0.85, text: 'ratio ≥ 0.85 (engine within 15% of the plain loop)' };

interface Page {
  data: unknown[];
  meta: { next_cursor: string | null };
}

function pageUrl(base: string, cursor: string | null): string {
  return `${base}/records?limit=${PAGE_SIZE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
}

const HEADERS = { authorization: `Bearer ${TOKEN}`, accept: 'application/json' };

/** Baseline 1: undici.request with its own keep-alive pool, following the cursor. */
export function undiciLoop(base: string, dispatcher: Agent): () => Promise<number> {
  return async () => {
    let count = 0;
    let cursor: string | null = null;
    do {
      const res = await request(pageUrl(base, cursor), { dispatcher, headers: HEADERS });
      if (res.statusCode !== 200) throw new Error(`baseline got ${res.statusCode}: ${await res.body.text()}`);
      const page = (await res.body.json()) as Page;
      count += page.data.length;
      cursor = page.meta.next_cursor;
    } while (cursor);
    return count;
  };
}

/** Baseline 2: the global fetch, following the cursor. */
export function fetchLoop(base: string): () => Promise<number> {
  return async () => {
    let count = 0;
    let cursor: string | null = null;
    do {
      const res = await fetch(pageUrl(base, cursor), { headers: HEADERS });
      if (res.status !== 200) throw new Error(`baseline got ${res.status}: ${await res.text()}`);
      const page = (await res.json()) as Page;
      count += page.data.length;
      cursor = page.meta.next_cursor;
    } while (cursor);
    return count;
  };
}

/** The definition a user would write for this API. */
export function benchTarget(base: string): EngineTarget {
  return {
    config: {
      base_url: base,
      authorization: { format: 'bearer', config: { token: '{{credentials.api_key}}' } },
      resources: {
        records: {
          list: {
            method: 'get',
            path: '/records',
            response_path: 'data',
            pagination: { format: 'cursor', config: { cursor_key: 'cursor', cursor_path: 'meta.next_cursor', limit_key: 'limit', max_limit: PAGE_SIZE } },
          },
        },
      },
    },
    credentials: { api_key: TOKEN },
    context: {},
  };
}

/** The production wiring of the request path (as UpstreamCaller does it, without a debug log). */
export function engineStack(): { engine: IntegrationEngine; send: SendFn; client: OutboundClient; executor: Executor } {
  const client = new OutboundClient({ policy: parseOutboundAllow('127.0.0.0/8'), timeoutMs: 30_000 });
  const gates = new ConnectionGates();
  const executor = new Executor({ client, gates });
  const send: SendFn = (req, options) =>
    executor.execute(req, { gateKey: 'bench-connection', limits: { concurrency: options.concurrency }, classify: options.classify, ...(options.signal ? { signal: options.signal } : {}) });
  return { engine: new IntegrationEngine(send), send, client, executor };
}

export function engineLoop(engine: IntegrationEngine, target: EngineTarget): () => Promise<number> {
  return async () => {
    let count = 0;
    for await (const page of engine.list(target, 'records', 'list', {}, { limit: PAGE_SIZE })) count += page.records.length;
    return count;
  };
}

export async function withServer<T>(fn: (server: PagedServer) => Promise<T>): Promise<T> {
  const server = await startPagedServer({ totalRecords: TOTAL, pageSize: PAGE_SIZE, token: TOKEN });
  try {
    return await fn(server);
  } finally {
    await server.close();
  }
}

export async function run(): Promise<BenchResult[]> {
  return withServer(async (server) => {
    const agent = new Agent();
    const { engine, client } = engineStack();
    try {
      const [viaUndici, viaFetch, viaEngine] = await interleave(
        [
          { label: 'undici.request loop', run: undiciLoop(server.base, agent) },
          { label: 'fetch loop', run: fetchLoop(server.base) },
          { label: 'IntegrationEngine.list', run: engineLoop(engine, benchTarget(server.base)) },
        ],
        { runs: RUNS, warmup: 2, expectedRecords: TOTAL },
      );
      if (!viaUndici || !viaFetch || !viaEngine) throw new Error('interleave lost a variant');
      const payload = `${server.pages} pages × ${PAGE_SIZE} records, ${(server.totalBytes / 1024 / 1024).toFixed(1)} MiB of JSON per listing`;
      return [
        compare('engine-paging (vs undici.request)', viaUndici, viaEngine, GOAL, [payload]),
        compare('engine-paging (vs fetch)', viaFetch, viaEngine, GOAL),
      ];
    } finally {
      await agent.close();
      await client.close();
    }
  });
}

await runIfMain(import.meta.url, run);
