import http from 'node:http';
import net, { type AddressInfo } from 'node:net';

/**
 * Misbehaving peers for the fault suite (test/faults): a paged source and an import target that
 * fail at a set, seeded rate in every way an HTTP API fails, and a TCP proxy that can be cut.
 * All are real servers on 127.0.0.1.
 */

/** A small, fast, seeded PRNG (mulberry32): the same seed gives the same faults in the same order. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every way a response goes wrong here. */
export type FaultKind = '429' | '500' | '502' | '503' | 'reset' | 'timeout' | 'garbage' | 'truncated';
export const FAULT_KINDS: readonly FaultKind[] = ['429', '500', '502', '503', 'reset', 'timeout', 'garbage', 'truncated'];

/**
 * Draws "no fault" with probability 1 - rate; a fault takes the next kind of a seeded shuffle of
 * `kinds`, round robin, so any `kinds.length` faults in a row cover every kind (a test that
 * asserts each kind happened does not depend on luck).
 */
export function faultPicker(rate: number, seed: number, kinds: readonly FaultKind[] = FAULT_KINDS): () => FaultKind | undefined {
  const random = seeded(seed);
  const order = [...kinds];
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j] as FaultKind, order[i] as FaultKind];
  }
  let next = 0;
  return () => {
    if (random() >= rate) return undefined;
    return order[next++ % order.length];
  };
}

function listen(server: http.Server | net.Server, port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

function closeHttp(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

/**
 * Answers with `fault`; true when it did (the caller then does not answer normally).
 * `body` is what a correct answer would have been (a truncated answer sends half of it).
 */
function misbehave(fault: FaultKind | undefined, req: http.IncomingMessage, res: http.ServerResponse, body: string, hung: Set<http.ServerResponse>): boolean {
  switch (fault) {
    case undefined:
      return false;
    case '429':
      // Retry-After 0 or 1 second: both must be waited out, neither may lose the request.
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(body.length % 2) }).end('{"error":"slow down"}');
      return true;
    case '500':
    case '502':
    case '503':
      res.writeHead(Number(fault), { 'content-type': 'text/html' }).end(`<html><body>${fault} Bad Gateway-ish</body></html>`);
      return true;
    case 'reset':
      req.socket.destroy();
      return true;
    case 'timeout':
      // Never answers; the client's timeout ends it (the socket is destroyed at close()).
      hung.add(res);
      return true;
    case 'garbage':
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"records": [ {"id": oops, <html>');
      return true;
    case 'truncated': {
      const half = Buffer.from(body).subarray(0, Math.floor(Buffer.byteLength(body) / 2));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.write(half, () => req.socket.destroy());
      return true;
    }
  }
}

export interface ChaosSource {
  url: string;
  /** Faults served so far, by kind. */
  faults: Map<FaultKind, number>;
  /** Pages answered correctly. */
  served(): number;
  setRate(rate: number): void;
  close(): Promise<void>;
}

/**
 * `GET /records?page=N` (1-based; past the end an empty page) of `total` records `{ id, n, name }`
 * in pages of `pageSize`, failing at `rate` (seeded); good pages take `delayMs` (a slow API).
 */
export async function startChaosSource(options: { total: number; pageSize: number; rate: number; seed: number; delayMs?: number }): Promise<ChaosSource> {
  let pick = faultPicker(options.rate, options.seed);
  const faults = new Map<FaultKind, number>();
  const hung = new Set<http.ServerResponse>();
  let served = 0;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const page = Number(url.searchParams.get('page'));
    const from = (page - 1) * options.pageSize;
    const records = Array.from({ length: Math.max(0, Math.min(options.pageSize, options.total - from)) }, (_, k) => ({ id: `r${from + k}`, n: from + k, name: `Record ${from + k}` }));
    const body = JSON.stringify({ records });
    const fault = pick();
    if (fault) faults.set(fault, (faults.get(fault) ?? 0) + 1);
    if (misbehave(fault, req, res, body, hung)) return;
    served++;
    if (options.delayMs) setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(body), options.delayMs);
    else res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  server.keepAliveTimeout = 30_000;
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    faults,
    served: () => served,
    setRate: (rate) => {
      pick = faultPicker(rate, options.seed + 1);
    },
    close: () => closeHttp(server),
  };
}

export interface RecordingTarget {
  url: string;
  /** How many times each record id was applied (a duplicate shows as 2+). */
  applied: Map<string, number>;
  /** Requests that carried an Idempotency-Key already seen (answered as replays, not applied). */
  replays(): number;
  faults: Map<FaultKind | 'applied-then-reset' | 'applied-then-garbage', number>;
  setRate(rate: number): void;
  close(): Promise<void>;
}

/**
 * `POST /contacts` with a JSON array of `{ ref }` (or one object): applies each record (counted
 * by `ref`, as `scope:ref` when posted to `/scope/contacts`) and answers an aligned array of `{ id }`. Fails at `rate` (seeded): faults *before*
 * applying (429, 5xx, reset, timeout: nothing applied) and faults *after* applying (reset or
 * garbage: applied, but the caller cannot know). With `idempotency`, a repeated Idempotency-Key
 * is answered as a replay and not applied again, as payment-style APIs do.
 */
export async function startRecordingTarget(options: { rate: number; seed: number; idempotency?: boolean }): Promise<RecordingTarget> {
  let pick = faultPicker(options.rate, options.seed);
  const after = seeded(options.seed ^ 0x5eed);
  const applied = new Map<string, number>();
  const faults: RecordingTarget['faults'] = new Map();
  const keys = new Set<string>();
  const hung = new Set<http.ServerResponse>();
  let replays = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const fault = pick();
      // A fault after applying is drawn for a third of the non-429 faults.
      const late = fault !== undefined && fault !== '429' && after() < 1 / 3;
      if (fault && !late) {
        faults.set(fault, (faults.get(fault) ?? 0) + 1);
        if (misbehave(fault, req, res, '[]', hung)) return;
      }
      const key = req.headers['idempotency-key'];
      const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
      const batch = (Array.isArray(parsed) ? parsed : [parsed]) as Array<{ ref: string }>;
      if (options.idempotency && typeof key === 'string' && keys.has(key)) {
        replays++;
      } else {
        if (typeof key === 'string') keys.add(key);
        // A path before /contacts (e.g. /f3/contacts) scopes the refs: one target serves many flows.
        const scope = (req.url ?? '').replace(/\/contacts.*$/, '').replace(/^\//, '');
        for (const record of batch) {
          const id = scope ? `${scope}:${record.ref}` : record.ref;
          applied.set(id, (applied.get(id) ?? 0) + 1);
        }
      }
      if (late) {
        const kind = after() < 0.5 ? 'applied-then-reset' : 'applied-then-garbage';
        faults.set(kind, (faults.get(kind) ?? 0) + 1);
        if (kind === 'applied-then-reset') req.socket.destroy();
        else res.writeHead(200, { 'content-type': 'application/json' }).end('[{"id": <truncated');
        return;
      }
      const body = JSON.stringify(Array.isArray(parsed) ? batch.map((r) => ({ id: `t-${r.ref}` })) : { id: `t-${batch[0]?.ref}` });
      res.writeHead(Array.isArray(parsed) ? 200 : 201, { 'content-type': 'application/json' }).end(body);
    });
  });
  server.keepAliveTimeout = 30_000;
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    applied,
    replays: () => replays,
    faults,
    setRate: (rate) => {
      pick = faultPicker(rate, options.seed + 1);
    },
    close: () => closeHttp(server),
  };
}

export interface TcpProxy {
  port: number;
  /** Connections currently piped. */
  open(): number;
  /** Destroys every piped connection and refuses new ones (a database that went away). */
  cut(): void;
  /** Accepts connections again (the database is back). */
  restore(): void;
  close(): Promise<void>;
}

/** A TCP proxy on 127.0.0.1 forwarding to `target`; `cut()` drops everything until `restore()`. */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<[net.Socket, net.Socket]>();
  let down = false;
  const server = net.createServer((client) => {
    if (down) return void client.destroy();
    const upstream = net.connect(target.port, target.host);
    const pair: [net.Socket, net.Socket] = [client, upstream];
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  const port = await listen(server);
  return {
    port,
    open: () => pairs.size,
    cut: () => {
      down = true;
      for (const [a, b] of pairs) {
        a.destroy();
        b.destroy();
      }
      pairs.clear();
    },
    restore: () => {
      down = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        down = true;
        for (const [a, b] of pairs) {
          a.destroy();
          b.destroy();
        }
        server.close(() => resolve());
      }),
  };
}
