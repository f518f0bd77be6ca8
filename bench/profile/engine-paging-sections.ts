import { performance } from 'node:perf_hooks';
import { Agent } from 'undici';
import type { SendFn } from '../../src/engine/integration-engine.js';
import { IntegrationEngine } from '../../src/engine/integration-engine.js';
import { rateLimitClassifier, viewOf } from '../../src/engine/rate-limit.js';
import { buildRequest, resolveMethod, type ResolvedMethod } from '../../src/engine/request-builder.js';
import { extractRecords } from '../../src/engine/response.js';
import { nextPage } from '../../src/engine/pagination/index.js';
import { benchTarget, engineLoop, engineStack, undiciLoop, withServer } from '../engine-paging.js';
import { median } from '../lib/measure.js';

/**
 * Where the engine's time goes on the engine-paging workload. Not a benchmark (exports no `run`):
 *
 *   npx tsx bench/profile/engine-paging-sections.ts            # section timings
 *   PROFILE_ONLY=engine|plain|one-parse node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/profile/engine-paging-sections.ts
 *
 * 1. Counts JSON.parse calls and their time during one full listing (engine vs plain loop).
 * 2. Splits one listing into time inside SendFn (executor: gate, HTTP, classify) and the rest.
 * 3. Times each per-page step on a real 1000-record page, × the number of pages.
 */

const ROUNDS = 5;

async function timed(fn: () => Promise<number>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

function perCall(fn: () => unknown, iterations = 30): number {
  for (let i = 0; i < 3; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  return median(times);
}

async function perCallAsync(fn: () => Promise<unknown>, iterations = 30): Promise<number> {
  for (let i = 0; i < 3; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return median(times);
}

/** Wraps JSON.parse to count calls and bytes and time them while `fn` runs. */
async function jsonParseAccounting(fn: () => Promise<number>): Promise<{ calls: number; ms: number; mib: number }> {
  const original = JSON.parse;
  let calls = 0;
  let ms = 0;
  let bytes = 0;
  JSON.parse = function patched(text: string, reviver?: (this: unknown, key: string, value: unknown) => unknown) {
    const t = performance.now();
    try {
      return original(text, reviver);
    } finally {
      ms += performance.now() - t;
      calls++;
      bytes += text.length;
    }
  } as typeof JSON.parse;
  try {
    await fn();
  } finally {
    JSON.parse = original;
  }
  return { calls, ms: Math.round(ms), mib: Math.round((bytes / 1024 / 1024) * 10) / 10 };
}

await withServer(async (server) => {
  const agent = new Agent();
  const stack = engineStack();
  const target = benchTarget(server.base);
  const plain = undiciLoop(server.base, agent);
  const viaEngine = engineLoop(stack.engine, target);
  const only = process.env.PROFILE_ONLY;
  try {
    // One-parse what-if (see below): the Executor sends without a classifier, so it never parses.
    const onePassSend: SendFn = (req, options) => stack.executor.execute(req, { gateKey: 'bench-connection', limits: { concurrency: options.concurrency } });
    const onePass = engineLoop(new IntegrationEngine(onePassSend), target);
    const profiled = { engine: viaEngine, plain, 'one-parse': onePass }[only ?? ''];
    if (profiled) {
      for (let i = 0; i < 8; i++) await profiled();
      return;
    }
    await plain();
    await viaEngine();

    console.log(`workload: ${server.pages} pages, ${(server.totalBytes / 1024 / 1024).toFixed(1)} MiB JSON\n`);

    // 1. JSON.parse work per listing.
    const plainParse = await jsonParseAccounting(plain);
    const engineParse = await jsonParseAccounting(viaEngine);
    console.log(`JSON.parse per listing — plain loop: ${plainParse.calls} calls, ${plainParse.mib} MiB, ${plainParse.ms} ms; engine: ${engineParse.calls} calls, ${engineParse.mib} MiB, ${engineParse.ms} ms`);

    // 2. Time inside SendFn vs the engine's own work, and the wall time of both loops.
    let inSend = 0;
    const timedSend: SendFn = async (req, options) => {
      const t = performance.now();
      try {
        return await stack.send(req, options);
      } finally {
        inSend += performance.now() - t;
      }
    };
    const splitEngine = engineLoop(new IntegrationEngine(timedSend), target);
    const walls = { plain: [] as number[], engine: [] as number[], send: [] as number[] };
    for (let i = 0; i < ROUNDS; i++) {
      walls.plain.push(await timed(plain));
      inSend = 0;
      walls.engine.push(await timed(splitEngine));
      walls.send.push(inSend);
    }
    const [p, e, s] = [median(walls.plain), median(walls.engine), median(walls.send)];
    console.log(`wall per listing (median of ${ROUNDS}) — plain loop ${p.toFixed(0)} ms; engine ${e.toFixed(0)} ms = inside SendFn ${s.toFixed(0)} ms + engine's own ${(e - s).toFixed(0)} ms`);
    console.log(`engine overhead over plain: ${(e - p).toFixed(0)} ms per listing, ${(((e - p) / server.pages) * 1000).toFixed(0)} µs per page`);

    // What-if: the Executor not parsing the body for classification. Without rate_limit rules the
    // classifier reads only status and Retry-After, so leaving `classify` out is equivalent here
    // (the Executor still treats 429 as rate-limited) and shows what a lazy/shared view would save.
    const whatIf = { plain: [] as number[], engine: [] as number[] };
    for (let i = 0; i < ROUNDS; i++) {
      whatIf.plain.push(await timed(plain));
      whatIf.engine.push(await timed(onePass));
    }
    const [wp, we] = [median(whatIf.plain), median(whatIf.engine)];
    console.log(`what-if, one parse per page (classifier skips the body): plain ${wp.toFixed(0)} ms, engine ${we.toFixed(0)} ms → ratio ${(wp / we).toFixed(3)}\n`);

    // 3. Per-page steps on one real page.
    const page = server.samplePage;
    const headers = { 'content-type': 'application/json; charset=utf-8', 'content-length': String(page.length) };
    const chunks: Buffer[] = [];
    for (let at = 0; at < page.length; at += 64 * 1024) chunks.push(Buffer.from(page.subarray(at, at + 64 * 1024)));
    const resolved = resolveMethod(target.config, 'records', 'list') as ResolvedMethod;
    const scope = { query: {}, body: undefined, context: {}, credentials: target.credentials, environment: {}, pagination: { cursor: 'cGFnZToxMA', limit: 1000 } };
    const view = viewOf(200, headers, page);
    const classify = rateLimitClassifier(resolved.rateLimit);
    const pageRequest = { query: { limit: 1000, cursor: 'cGFnZToxMA' }, headers: {} };
    const state = { pageIndex: 10, seenCursors: Array.from({ length: 10 }, (_, i) => `c${i}`), values: { cursor: 'cGFnZToxMA', limit: 1000 } };
    const steps: Array<[string, number]> = [
      ['Buffer.concat(chunks) (http-client readLimited)', perCall(() => Buffer.concat(chunks))],
      ['buffer.toString(utf8)', perCall(() => page.toString('utf8'))],
      ['JSON.parse(text)', perCall(() => JSON.parse(page.toString('utf8')) as unknown) - perCall(() => page.toString('utf8'))],
      ['viewOf (toString + JSON.parse)', perCall(() => viewOf(200, headers, page))],
      ['classify(view) (no rate_limit rules)', await perCallAsync(() => classify(view))],
      ['extractRecords(body, "data")', perCall(() => extractRecords(view.body, 'data'))],
      ['buildRequest (templates, query string)', perCall(() => buildRequest(target.config, resolved, scope, {}, pageRequest), 300)],
      ['nextPage (cursor strategy)', await perCallAsync(() => nextPage(resolved.pagination, pageRequest, { status: 200, headers, body: view.body, records: [], url: '' }, state), 300)],
    ];
    console.log('per-page step (median)                         per page     × pages');
    for (const [label, ms] of steps) {
      console.log(`${label.padEnd(46)} ${(ms * 1000).toFixed(0).padStart(7)} µs ${(ms * server.pages).toFixed(1).padStart(8)} ms`);
    }
  } finally {
    await agent.close();
    await stack.client.close();
  }
});
