import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { joinUri } from '../connections/requests.js';
import { type ExportCheckpoint, type ExportPage, type ExportSend, runHttpExport } from './http-export.js';
import type { ExportModel } from './model.js';

// A fake upstream on 127.0.0.1: routes answer from the URL and body, every request is logged.
interface Reply { status?: number; headers?: Record<string, string | undefined>; json?: unknown }
interface Received { method: string; url: string; headers: IncomingHttpHeaders; body: string }
type Route = (url: URL, request: Received) => Reply;
const closers: Array<() => Promise<void>> = [];
afterEach(async () => void (await Promise.all(closers.splice(0).map((close) => close()))));

async function fakeApi(routes: Record<string, Route>) {
  const log: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const received = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      log.push(received);
      const url = new URL(received.url, 'http://127.0.0.1');
      const reply = routes[url.pathname]?.(url, received) ?? { status: 404, json: { error: 'no route' } };
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...(reply.headers as Record<string, string>) });
      res.end(JSON.stringify(reply.json ?? null));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  const sent: Array<Parameters<ExportSend>[0]> = [];
  const send: ExportSend = async (request) => {
    sent.push(request);
    const body = request.body !== undefined && request.method !== 'GET' ? { body: request.body } : {};
    const res = await fetch(request.absoluteUrl ?? joinUri(base, request.relativeURI), { method: request.method, headers: request.headers, ...body });
    return { status: res.status, headers: Object.fromEntries(res.headers), body: Buffer.from(await res.arrayBuffer()), url: res.url };
  };
  return { base, log, sent, send };
}

async function collect(run: AsyncGenerator<ExportPage, { reason: string }>) {
  const pages: ExportPage[] = [];
  for (;;) {
    const step = await run.next();
    if (step.done) return { pages, reason: step.value.reason, ids: pages.flatMap((p) => p.records.map((r) => (r as { id: number }).id)) };
    pages.push(step.value);
  }
}

const ITEMS = [1, 2, 3, 4, 5, 6, 7].map((id) => ({ id }));
const from = (start: number, size = 3) => ITEMS.slice(start, start + size);
const num = (url: URL, name: string, fallback: number) => Number(url.searchParams.get(name) ?? fallback);
const connection = { doc: { type: 'http', name: 'Fake', http: { baseURI: 'http://127.0.0.1/api', unencrypted: { tenant: 'acme co' } } } };
const httpExport = (http: NonNullable<ExportModel['http']>): ExportModel => ({ http });

// Cursors with characters that must be URI-encoded on the way back.
const cursorOf = (index: number) => `c+${index}/=`;
const indexOf = (cursor: string | null) => (cursor ? Number(cursor.slice(2, -2)) : 0);

const api = () =>
  fakeApi({
    '/api/items': (url) => ({ json: { data: from((num(url, 'page', 1) - 1) * 3) } }),
    '/api/offset': (url) => ({ json: from(num(url, 'offset', 0)) }),
    '/api/cursor': (url) => {
      const start = indexOf(url.searchParams.get('cursor'));
      return { json: { data: from(start), meta: { next: start + 3 < 7 ? cursorOf(start + 3) : null } } };
    },
    '/api/cursor-header': (_url, req) => {
      const start = indexOf((req.headers['x-cursor'] as string | undefined) ?? null);
      return { json: from(start), headers: start + 3 < 7 ? { 'x-next-cursor': cursorOf(start + 3) } : {} };
    },
    '/api/linked': (url) => {
      const page = num(url, 'page', 1);
      return { json: from((page - 1) * 3), headers: page < 3 ? { link: `</api/linked?page=${page + 1}>; rel="next", </api/linked?page=3>; rel="last"` } : {} };
    },
    '/api/urls': (url, req) => {
      const page = num(url, 'page', 1);
      return { json: { items: from((page - 1) * 3), paging: page < 3 ? { next: `http://${req.headers.host}/api/urls?page=${page + 1}` } : {} } };
    },
    '/api/after': (url) => {
      const after = num(url, 'after', 0);
      const items = ITEMS.filter((item) => item.id > after).slice(0, 3);
      return { json: { items, last_id: items.at(-1)?.id ?? null } };
    },
    '/api/search': (_url, req) => {
      const query = JSON.parse(req.body) as { page?: number; size: number };
      return { json: { hits: from(((query.page ?? 1) - 1) * query.size, query.size) } };
    },
    '/api/t/acme%20co/items': (url) => ({ json: from((num(url, 'page', 1) - 1) * 3) }),
  });

describe('runHttpExport: paging methods against a real server', () => {
  it('page: counts {{export.http.paging.page}} up from 1 until an empty page', async () => {
    const { log, send } = await api();
    const model = httpExport({ relativeURI: '/items?page={{export.http.paging.page}}', paging: { method: 'page' }, response: { resourcePath: 'data' } });
    const { ids, reason, pages } = await collect(runHttpExport(model, connection, send));
    expect(ids).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(reason).toBe('empty_page');
    expect(log.map((r) => r.url)).toEqual(['/api/items?page=1', '/api/items?page=2', '/api/items?page=3', '/api/items?page=4']);
    expect(pages.map((p) => p.next?.page)).toEqual([2, 3, 4]);
  });

  it('skip: grows {{export.http.paging.skip}} by the records received', async () => {
    const { log, send } = await api();
    const model = httpExport({ relativeURI: '/offset?offset={{export.http.paging.skip}}&limit=3', paging: { method: 'skip' } });
    const { ids } = await collect(runHttpExport(model, connection, send));
    expect(ids).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(log.map((r) => r.url)).toEqual(['/api/offset?offset=0&limit=3', '/api/offset?offset=3&limit=3', '/api/offset?offset=6&limit=3', '/api/offset?offset=7&limit=3']);
  });

  it('token in the body: URI-encodes the token and stops when there is none', async () => {
    const { log, send } = await api();
    const model = httpExport({ relativeURI: '/cursor?cursor={{export.http.paging.token}}', paging: { method: 'token', path: 'meta.next' }, response: { resourcePath: 'data' } });
    const { ids, reason, pages } = await collect(runHttpExport(model, connection, send));
    expect(ids).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(reason).toBe('no_next');
    expect(log.map((r) => r.url)).toEqual(['/api/cursor?cursor=', '/api/cursor?cursor=c%2B3%2F%3D', '/api/cursor?cursor=c%2B6%2F%3D']);
    expect(pages.at(-1)?.next).toBeUndefined();
  });

  it('token in a header, sent back in a header (not sent while there is none)', async () => {
    const { log, send } = await api();
    const model = httpExport({
      relativeURI: '/cursor-header',
      headers: [{ name: 'X-Cursor', value: '{{export.http.paging.token}}' }],
      paging: { method: 'token', path: 'X-Next-Cursor', pathLocation: 'header' },
    });
    const { ids } = await collect(runHttpExport(model, connection, send));
    expect(ids).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(log.map((r) => r.headers['x-cursor'])).toEqual([undefined, 'c+3/=', 'c+6/=']);
  });

  it('linkheader: follows rel="next" (relative links resolved) as absolute URLs', async () => {
    const { log, sent, send, base } = await api();
    const model = httpExport({ relativeURI: '/linked', paging: { method: 'linkheader' } });
    const { ids, reason } = await collect(runHttpExport(model, connection, send));
    expect(ids).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(reason).toBe('no_next');
    expect(log.map((r) => r.url)).toEqual(['/api/linked', '/api/linked?page=2', '/api/linked?page=3']);
    expect(sent.map((r) => r.absoluteUrl)).toEqual([undefined, `${base}/linked?page=2`, `${base}/linked?page=3`]);
  });

  it('url: reads the next absolute URL from the body', async () => {
    const { log, send } = await api();
    const model = httpExport({ relativeURI: '/urls', paging: { method: 'url', path: 'paging.next' }, response: { resourcePath: 'items' } });
    const { ids } = await collect(runHttpExport(model, connection, send));
    expect(ids).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(log.map((r) => r.url)).toEqual(['/api/urls', '/api/urls?page=2', '/api/urls?page=3']);
  });

  it('relativeuri: later pages use paging.relativeURI with the token from the previous page', async () => {
    const { log, send } = await api();
    const model = httpExport({
      relativeURI: '/after',
      paging: { method: 'relativeuri', path: 'last_id', relativeURI: '/after?after={{export.http.paging.token}}' },
      response: { resourcePath: 'items' },
    });
    const { ids, reason } = await collect(runHttpExport(model, connection, send));
    expect(ids).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(reason).toBe('empty_page');
    expect(log.map((r) => r.url)).toEqual(['/api/after', '/api/after?after=3', '/api/after?after=6', '/api/after?after=7']);
  });

  it('body: a POST search whose later pages send paging.body with a typed page number', async () => {
    const { log, send } = await api();
    const model = httpExport({
      relativeURI: '/search',
      method: 'POST',
      body: { query: 'status:open', size: 3 },
      paging: { method: 'body', body: { query: 'status:open', size: 3, page: '{{export.http.paging.page}}' } },
      response: { resourcePath: 'hits' },
    });
    const { ids } = await collect(runHttpExport(model, connection, send));
    expect(ids).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(log.map((r) => JSON.parse(r.body) as unknown)).toEqual([
      { query: 'status:open', size: 3 },
      { query: 'status:open', size: 3, page: 2 },
      { query: 'status:open', size: 3, page: 3 },
      { query: 'status:open', size: 3, page: 4 },
    ]);
  });
});

describe('runHttpExport: templates', () => {
  it('renders the connection and paging values in relativeURI (encoded), string bodies and headers', async () => {
    const { log, send } = await api();
    const model = httpExport({
      relativeURI: '/t/{{connection.http.unencrypted.tenant}}/items?page={{export.http.paging.page}}',
      method: 'PUT',
      headers: { 'X-Page': 'p{{export.http.paging.page}}' },
      body: 'page={{export.http.paging.page}}&size={{export.http.paging.pageSize}}',
      paging: { method: 'page', pageSize: 3 },
    });
    const { ids } = await collect(runHttpExport(model, connection, send, { maxPages: 2 }));
    expect(ids).toEqual([1, 2, 3, 4, 5, 6]);
    expect(log.map((r) => [r.url, r.headers['x-page'], r.body])).toEqual([
      ['/api/t/acme%20co/items?page=1', 'p1', 'page=1&size=3'],
      ['/api/t/acme%20co/items?page=2', 'p2', 'page=2&size=3'],
    ]);
  });

  it('refuses a relativeURI placeholder with no value before sending anything', async () => {
    const { log, send } = await api();
    const model = httpExport({ relativeURI: '/t/{{connection.http.unencrypted.missing}}/items' });
    await expect(collect(runHttpExport(model, connection, send))).rejects.toMatchObject({ code: 'EXPORT_INVALID', message: expect.stringContaining('connection.http.unencrypted.missing') });
    expect(log).toEqual([]);
  });
});

describe('runHttpExport: resuming from a checkpoint', () => {
  async function resumeAfterFirstPage(model: ExportModel) {
    const { send, log } = await api();
    const first = await collect(runHttpExport(model, connection, send, { maxPages: 1 }));
    expect(first.reason).toBe('max_pages');
    const checkpoint = JSON.parse(JSON.stringify(first.pages[0]?.next)) as ExportCheckpoint; // as a job row stores it
    const requestsBefore = log.length;
    const rest = await collect(runHttpExport(model, connection, send, { resume: checkpoint }));
    return { first: first.ids, rest: rest.ids, urls: log.slice(requestsBefore).map((r) => r.url) };
  }

  it('page paging gives exactly the remaining records', async () => {
    const result = await resumeAfterFirstPage(httpExport({ relativeURI: '/items?page={{export.http.paging.page}}', paging: { method: 'page' }, response: { resourcePath: 'data' } }));
    expect(result).toEqual({ first: [1, 2, 3], rest: [4, 5, 6, 7], urls: ['/api/items?page=2', '/api/items?page=3', '/api/items?page=4'] });
  });

  it('token paging resumes with the stored token', async () => {
    const result = await resumeAfterFirstPage(httpExport({ relativeURI: '/cursor?cursor={{export.http.paging.token}}', paging: { method: 'token', path: 'meta.next' }, response: { resourcePath: 'data' } }));
    expect(result).toEqual({ first: [1, 2, 3], rest: [4, 5, 6, 7], urls: ['/api/cursor?cursor=c%2B3%2F%3D', '/api/cursor?cursor=c%2B6%2F%3D'] });
  });

  it('link header paging resumes with the stored URL', async () => {
    const result = await resumeAfterFirstPage(httpExport({ relativeURI: '/linked', paging: { method: 'linkheader' } }));
    expect(result).toEqual({ first: [1, 2, 3], rest: [4, 5, 6, 7], urls: ['/api/linked?page=2', '/api/linked?page=3'] });
  });

  it('refuses a checkpoint of another shape', async () => {
    const { send } = await api();
    const resume = { kind: 'http', pageIndex: -1, seen: [] } as ExportCheckpoint;
    await expect(collect(runHttpExport(httpExport({ relativeURI: '/items' }), connection, send, { resume }))).rejects.toMatchObject({ code: 'EXPORT_INVALID' });
  });
});
