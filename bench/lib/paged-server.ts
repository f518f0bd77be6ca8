import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local upstream for paging benchmarks: `GET /records?limit=N[&cursor=C]` answers
 * `{ data: [...], meta: { next_cursor } }` (null after the last page). Every page is serialised
 * once up front, so the server's own share of the process's time is small and the same for every
 * client measured against it.
 */
export interface PagedServer {
  base: string;
  totalRecords: number;
  pageSize: number;
  pages: number;
  /** Bytes of JSON a full listing transfers. */
  totalBytes: number;
  /** One page body, for micro-measurements of per-page work. */
  samplePage: Buffer;
  /** Requests answered since start (or since the last reset). */
  requests(): number;
  resetRequests(): void;
  close(): Promise<void>;
}

const COUNTRIES = ['DE', 'FR', 'US', 'GB', 'NL', 'SE', 'ES', 'IT'];

/** An 8-field record of the kind a CRM or HR API lists. */
export function aRecord(i: number): Record<string, unknown> {
  return {
    id: `rec_${String(i).padStart(7, '0')}`,
    email: `user${i}@example.com`,
    name: `User Number ${i}`,
    country: COUNTRIES[i % COUNTRIES.length],
    active: i % 3 !== 0,
    score: (i * 7919) % 1000,
    created_at: new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString(),
    tags: i % 2 ? ['customer', 'newsletter'] : ['lead'],
  };
}

function cursorOf(page: number): string {
  return Buffer.from(`page:${page}`).toString('base64url');
}

export async function startPagedServer(options: { totalRecords: number; pageSize: number; token: string }): Promise<PagedServer> {
  const { totalRecords, pageSize } = options;
  const pageCount = Math.ceil(totalRecords / pageSize);
  const bodies = new Map<string, Buffer>();
  let totalBytes = 0;
  for (let p = 0; p < pageCount; p++) {
    const data = Array.from({ length: Math.min(pageSize, totalRecords - p * pageSize) }, (_, k) => aRecord(p * pageSize + k));
    const next = p + 1 < pageCount ? cursorOf(p + 1) : null;
    const body = Buffer.from(JSON.stringify({ data, meta: { next_cursor: next, page_size: pageSize } }));
    bodies.set(p === 0 ? '' : cursorOf(p), body);
    totalBytes += body.length;
  }
  let served = 0;

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const body = url.pathname === '/records' ? bodies.get(url.searchParams.get('cursor') ?? '') : undefined;
    // Both clients must ask for the same thing: a different page size or a missing token is a bench bug.
    const problem =
      body === undefined ? 'unknown path or cursor'
      : url.searchParams.get('limit') !== String(pageSize) ? `limit must be ${pageSize}`
      : req.headers.authorization !== `Bearer ${options.token}` ? 'bad token'
      : undefined;
    if (problem || body === undefined) {
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: problem }));
      return;
    }
    served++;
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    base: `http://127.0.0.1:${port}`,
    totalRecords,
    pageSize,
    pages: pageCount,
    totalBytes,
    samplePage: bodies.get('') as Buffer,
    requests: () => served,
    resetRequests: () => {
      served = 0;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
