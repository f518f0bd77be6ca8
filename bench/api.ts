import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import autocannon, { type Result } from 'autocannon';
import { startTestServer, type TestServer } from '../test/helpers/server.js';
import { type BenchResult, compare, runIfMain, median, round, type SideStats } from './lib/measure.js';
import { type BenchStore, benchStores, onStore } from './lib/stores.js';

/**
 * API throughput and latency under load (autocannon, loopback, keep-alive), on each store:
 *
 * - `GET /v1/connections/{_id}` (API key check, store read, secret masking, JSON out) against a
 *   bare `node:http` server answering the same JSON body: what the API costs over the HTTP floor.
 * - `GET /v1/connections/{_id}/proxy/items` (key check, connection read and decryption, gate,
 *   outbound request with the connection's bearer token, answer passed back) against calling the
 *   same upstream directly: what the proxy hop costs.
 *
 * Each pair runs interleaved (baseline, candidate, baseline, candidate …) for ROUNDS rounds of
 * DURATION seconds; the ratio is candidate req/s ÷ baseline req/s, medians. Load generator,
 * server and upstream share this process and its cores, on both sides alike.
 *
 *   npm run bench:api                 # BENCH_API_SECONDS=n BENCH_API_ROUNDS=n BENCH_API_CONNECTIONS=n
 */

const DURATION = Number(process.env.BENCH_API_SECONDS ?? 4);
const ROUNDS = Number(process.env.BENCH_API_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_API_CONNECTIONS ?? 16);
const TOKEN = 'bench-upstream-token-0123456789';

/** A small JSON API: `GET /items` answers 20 items, checking the bearer token. */
async function startUpstream(): Promise<{ url: string; close(): Promise<void> }> {
  const body = JSON.stringify({ items: Array.from({ length: 20 }, (_, i) => ({ id: `item_${i}`, name: `Item ${i}`, price: i * 1.5, tags: ['a', 'b'] })) });
  const server = http.createServer((req, res) => {
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return void res.writeHead(401).end();
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
  });
  return serve(server);
}

/** The HTTP floor: answers every request with `body`, nothing else. */
async function startStatic(body: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) }).end(body));
  return serve(server);
}

async function serve(server: http.Server): Promise<{ url: string; close(): Promise<void> }> {
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface LoadSide {
  label: string;
  url: string;
  headers: Record<string, string>;
}

async function load(side: LoadSide, seconds: number): Promise<Result> {
  const result = await autocannon({ url: side.url, headers: side.headers, connections: CONNECTIONS, duration: seconds, timeout: 10 });
  if (result.errors > 0 || result.non2xx > 0 || result.timeouts > 0) {
    throw new Error(`${side.label}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx answers under load`);
  }
  return result;
}

/** Interleaved rounds of each side; req/s, p50 and p99 are the medians over the rounds. */
async function compareLoad(baseline: LoadSide, candidate: LoadSide): Promise<[SideStats, SideStats]> {
  await load(baseline, 1);
  await load(candidate, 1);
  const rounds: Result[][] = [[], []];
  for (let r = 0; r < ROUNDS; r++) {
    rounds[0]?.push(await load(baseline, DURATION));
    rounds[1]?.push(await load(candidate, DURATION));
  }
  const stats = (side: LoadSide, results: Result[]): SideStats => {
    const rps = median(results.map((x) => x.requests.average));
    return {
      label: side.label,
      runs: results.length,
      medianMs: DURATION * 1000,
      minMs: DURATION * 1000,
      maxMs: DURATION * 1000,
      records: Math.round(median(results.map((x) => x['2xx']))),
      recordsPerSec: Math.round(rps),
      peakRssMiB: round(process.memoryUsage.rss() / 1024 / 1024, 1),
      rssGrowthMiB: 0,
      latency: { p50Ms: median(results.map((x) => x.latency.p50)), p99Ms: median(results.map((x) => x.latency.p99)) },
    };
  };
  return [stats(baseline, rounds[0] ?? []), stats(candidate, rounds[1] ?? [])];
}

async function onOneStore(store: BenchStore): Promise<BenchResult[]> {
  const upstream = await startUpstream();
  let server: TestServer | undefined;
  let floor: { url: string; close(): Promise<void> } | undefined;
  try {
    server = await onStore(store, () => startTestServer({ LOG_LEVEL: 'warn', SWITCHYARD_OUTBOUND_ALLOW: '127.0.0.0/8' }));
    const created = await server.request<{ _id: string }>('POST', '/v1/connections', { type: 'rest', name: 'bench upstream', rest: { baseURI: upstream.url, authType: 'token', bearerToken: TOKEN } });
    if (created.status !== 201) throw new Error(`creating the connection answered ${created.status}: ${created.text}`);
    const id = created.body._id;
    const auth = { authorization: `Bearer ${server.adminKey}` };
    const one = await server.request('GET', `/v1/connections/${id}`);
    if (one.status !== 200 || !one.text.includes('******')) throw new Error(`GET /v1/connections/${id} answered ${one.status}: ${one.text}`);
    const proxied = await fetch(`${server.url}/v1/connections/${id}/proxy/items`, { headers: auth });
    if (proxied.status !== 200 || !(await proxied.text()).includes('item_19')) throw new Error(`the proxy answered ${proxied.status}`);
    floor = await startStatic(one.text);

    const started = performance.now();
    const [floorStats, getStats] = await compareLoad(
      { label: 'node:http answering the same JSON', url: `${floor.url}/`, headers: {} },
      { label: `GET /v1/connections/{_id} (${store})`, url: `${server.url}/v1/connections/${id}`, headers: auth },
    );
    const [directStats, proxyStats] = await compareLoad(
      { label: 'the upstream called directly', url: `${upstream.url}/items`, headers: { authorization: `Bearer ${TOKEN}` } },
      { label: `GET /v1/connections/{_id}/proxy/items (${store})`, url: `${server.url}/v1/connections/${id}/proxy/items`, headers: auth },
    );
    const context = `autocannon, ${CONNECTIONS} keep-alive connections, ${ROUNDS} interleaved rounds of ${DURATION} s per side after a 1 s warm-up; load generator, server and upstream in one process (${round((performance.now() - started) / 1000, 1)} s)`;
    return [
      { ...compare(`api GET /v1/connections/{_id} ${store} (vs node:http floor)`, floorStats, getStats, undefined, [context, `body ${one.text.length} bytes (the connection with its token masked)`]), unit: 'req/s' },
      { ...compare(`api proxy ${store} (vs upstream direct)`, directStats, proxyStats, undefined, ['upstream: GET /items, 20 items, bearer token checked; the proxy adds the key check, the connection read + decryption, the gate and the outbound hop']), unit: 'req/s' },
    ];
  } finally {
    await server?.close();
    await floor?.close();
    await upstream.close();
  }
}

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const store of await benchStores('api')) results.push(...(await onOneStore(store)));
  return results;
}

await runIfMain(import.meta.url, run);
