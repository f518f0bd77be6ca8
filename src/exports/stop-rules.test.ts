import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { joinUri } from '../connections/requests.js';
import { type ExportPage, type ExportSend, runHttpExport } from './http-export.js';
import type { ExportModel } from './model.js';

// A fake upstream on 127.0.0.1 (same shape as in http-export.test.ts): routes answer from the URL.
interface Reply { status?: number; headers?: Record<string, string>; json?: unknown; text?: string }
const closers: Array<() => Promise<void>> = [];
afterEach(async () => void (await Promise.all(closers.splice(0).map((close) => close()))));

async function fakeApi(routes: Record<string, (url: URL) => Reply>) {
  const urls: string[] = [];
  const server = createServer((req, res) => {
    req.resume().on('end', () => {
      urls.push(req.url ?? '/');
      const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
      const reply = routes[url.pathname]?.(url) ?? { status: 404, json: { error: 'no route' } };
      res.writeHead(reply.status ?? 200, { 'content-type': reply.text === undefined ? 'application/json' : 'text/html', ...reply.headers });
      res.end(reply.text ?? JSON.stringify(reply.json ?? null));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const send: ExportSend = async (request) => {
    const res = await fetch(request.absoluteUrl ?? joinUri(base, request.relativeURI), { method: request.method, headers: request.headers });
    return { status: res.status, headers: Object.fromEntries(res.headers), body: Buffer.from(await res.arrayBuffer()), url: res.url };
  };
  return { urls, send };
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
const page = (url: URL) => Number(url.searchParams.get('page') ?? 1);
const slice = (n: number) => ITEMS.slice((n - 1) * 3, n * 3);
const connection = { doc: { type: 'http', name: 'Fake' } };
const PAGED = '/items?page={{export.http.paging.page}}';
const http = (h: NonNullable<ExportModel['http']>): ExportModel => ({ http: h });

const api = () =>
  fakeApi({
    // 404 after the last page, as some APIs do.
    '/items': (url) => (slice(page(url)).length > 0 ? { json: { data: slice(page(url)) } } : { status: 404, json: { message: 'no such page' } }),
    '/more': (url) => ({ json: { data: slice(page(url)), has_more: page(url) < 3 } }),
    // Never empty: only the totals can stop it.
    '/forever': () => ({ json: { data: ITEMS.slice(0, 3), meta: { total_pages: '2' } }, headers: { 'x-total-count': '5' } }),
    '/loop': () => ({ json: { data: ITEMS.slice(0, 3), next: 'same' } }),
    '/links': () => ({ json: ITEMS.slice(0, 3), headers: { link: '</links?x=1>; rel="next"' } }),
    '/broken': () => ({ status: 500, json: { error: { message: 'database is down' } } }),
    '/soft': () => ({ json: { ok: false, error: { message: 'quota exceeded' } } }),
    '/html': () => ({ text: '<html>maintenance</html>' }),
    '/one': () => ({ json: { result: { id: 42 } } }),
    '/rest': (url) => {
      const offset = url.searchParams.get('offset');
      const start = offset !== null ? Number(offset) : (page(url) - 1) * 3;
      const cursor = url.searchParams.get('cursor');
      const from = cursor ? Number(cursor) : start;
      const end = Math.min(from + 3, 7);
      const next = end < 7 ? end : null;
      return { json: { results: ITEMS.slice(from, end), next_cursor: next, next_url: next === null ? null : `/rest?offset=${next}`, next_path: next === null ? null : `/rest?offset=${next}` } };
    },
  });

describe('stop rules', () => {
  it('lastPageStatusCode: a 404 ends the export instead of failing it', async () => {
    const { send, urls } = await api();
    const model = http({ relativeURI: PAGED, paging: { method: 'page', lastPageStatusCode: 404 }, response: { resourcePath: 'data' } });
    const { ids, reason } = await collect(runHttpExport(model, connection, send));
    expect([ids, reason, urls.length]).toEqual([[1, 2, 3, 4, 5, 6, 7], 'last_page_status', 4]);
    const strict = http({ relativeURI: PAGED, paging: { method: 'page' }, response: { resourcePath: 'data', errorPath: 'message' } });
    await expect(collect(runHttpExport(strict, connection, send))).rejects.toMatchObject({
      code: 'EXPORT_FAILED',
      message: 'Page 4: the API answered HTTP 404: no such page',
      details: { status: 404 },
    });
  });

  it('lastPagePath + lastPageValues: the flagged page is the last one fetched', async () => {
    const { send, urls } = await api();
    const model = http({ relativeURI: PAGED.replace('items', 'more'), paging: { method: 'page', lastPagePath: 'has_more', lastPageValues: ['false'] }, response: { resourcePath: 'data' } });
    const { ids, reason, pages } = await collect(runHttpExport(model, connection, send));
    expect([ids, reason, urls.length]).toEqual([[1, 2, 3, 4, 5, 6, 7], 'last_page', 3]);
    expect(pages.at(-1)?.next).toBeUndefined();
  });

  it('maxPagePath: stops after the reported number of pages and reports it', async () => {
    const { send, urls } = await api();
    const model = http({ relativeURI: PAGED.replace('items', 'forever'), paging: { method: 'page', maxPagePath: 'meta.total_pages' }, response: { resourcePath: 'data' } });
    const { pages, reason } = await collect(runHttpExport(model, connection, send));
    expect([pages.length, reason, urls.length]).toEqual([2, 'total_pages', 2]);
    expect(pages[0]?.totals).toEqual({ totalPages: 2 });
  });

  it('maxCountPath: stops once the reported record count arrived (read from a header when the body lacks it)', async () => {
    const { send, urls } = await api();
    const model = http({ relativeURI: PAGED.replace('items', 'forever'), paging: { method: 'page', maxCountPath: 'X-Total-Count' }, response: { resourcePath: 'data' } });
    const { pages, reason } = await collect(runHttpExport(model, connection, send));
    expect([pages.length, reason, urls.length, pages[1]?.totals]).toEqual([2, 'total_records', 2, { totalRecords: 5 }]);
  });

  it('no paging: one page, an object at resourcePath is one record', async () => {
    const { send } = await api();
    const { pages, reason } = await collect(runHttpExport(http({ relativeURI: '/one', response: { resourcePath: 'result' } }), connection, send));
    expect([pages, reason]).toEqual([[{ records: [{ id: 42 }] }], 'single_page']);
  });
});

describe('loops and failures', () => {
  it('a repeated token throws EXPORT_REPEATED_CURSOR after the pages already read', async () => {
    const { send, urls } = await api();
    const run = runHttpExport(http({ relativeURI: '/loop?c={{export.http.paging.token}}', paging: { method: 'token', path: 'next' }, response: { resourcePath: 'data' } }), connection, send);
    const pages: ExportPage[] = [];
    await expect(
      (async () => {
        for await (const p of run) pages.push(p);
      })(),
    ).rejects.toMatchObject({ code: 'EXPORT_REPEATED_CURSOR', message: expect.stringContaining('token') });
    expect([pages.length, urls]).toEqual([2, ['/loop?c=', '/loop?c=same']]);
  });

  it('a link back to a followed URL, or a page template without paging values, is a loop too', async () => {
    const { send } = await api();
    await expect(collect(runHttpExport(http({ relativeURI: '/links', paging: { method: 'linkheader' } }), connection, send))).rejects.toMatchObject({
      code: 'EXPORT_REPEATED_CURSOR',
    });
    await expect(collect(runHttpExport(http({ relativeURI: '/forever', paging: { method: 'page' }, response: { resourcePath: 'data' } }), connection, send))).rejects.toMatchObject({
      code: 'EXPORT_REPEATED_CURSOR',
      message: expect.stringContaining('{{export.http.paging.page}}'),
    });
  });

  it('an error status, errorPath, successPath and a non-JSON page fail with clear messages', async () => {
    const { send } = await api();
    const run = (h: NonNullable<ExportModel['http']>) => collect(runHttpExport(http(h), connection, send));
    await expect(run({ relativeURI: '/broken', response: { errorPath: 'error.message' } })).rejects.toMatchObject({
      code: 'EXPORT_FAILED',
      message: 'Page 1: the API answered HTTP 500: database is down',
    });
    await expect(run({ relativeURI: '/soft', response: { errorPath: 'error.message' } })).rejects.toMatchObject({
      code: 'EXPORT_FAILED',
      message: 'Page 1: the API reported an error: quota exceeded',
    });
    await expect(run({ relativeURI: '/soft', response: { successPath: 'ok' } })).rejects.toMatchObject({ code: 'EXPORT_FAILED', message: expect.stringContaining('successPath "ok" is false') });
    await expect(run({ relativeURI: '/html' })).rejects.toMatchObject({ code: 'EXPORT_RESPONSE_INVALID', message: expect.stringContaining('not JSON (content-type text/html') });
  });

  it('stops before the next request once the signal is aborted', async () => {
    const { send, urls } = await api();
    const controller = new AbortController();
    const run = runHttpExport(http({ relativeURI: PAGED, paging: { method: 'page' }, response: { resourcePath: 'data' } }), connection, send, { signal: controller.signal });
    await run.next();
    controller.abort();
    await expect(run.next()).rejects.toThrow();
    expect(urls).toEqual(['/items?page=1']);
  });

  it('refuses a NetSuite export with the clear message, before any request', async () => {
    const { send, urls } = await api();
    const netsuite = { asynchronous: true, pageSize: 5, netsuite: { type: 'search', searches: [{ recordType: 'customRecord', savedSearchId: '123456' }] } };
    await expect(collect(runHttpExport(netsuite as ExportModel, connection, send))).rejects.toMatchObject({
      code: 'EXPORT_UNSUPPORTED',
      message: 'NetSuite exports are not supported; use http/rest or an integration resource.',
    });
    expect(urls).toEqual([]);
  });
});

describe('rest (legacy) forms on the same engine', () => {
  const rest = (r: NonNullable<ExportModel['rest']>) => ({ rest: { resourcePath: 'results', ...r } });
  const cases: Array<[string, NonNullable<ExportModel['rest']>, string[]]> = [
    ['pageargument', { relativeURI: '/rest?page=9', pagingMethod: 'pageargument', pageArgument: 'page' }, ['/rest?page=1', '/rest?page=2', '/rest?page=3', '/rest?page=4']],
    ['skipargument', { relativeURI: '/rest', pagingMethod: 'skipargument', skipArgument: 'offset' }, ['/rest?offset=0', '/rest?offset=3', '/rest?offset=6', '/rest?offset=7']],
    ['token', { relativeURI: '/rest', pagingMethod: 'token', nextPagePath: 'next_cursor', pageArgument: 'cursor' }, ['/rest', '/rest?cursor=3', '/rest?cursor=6']],
    ['nextpageurl', { relativeURI: '/rest', pagingMethod: 'nextpageurl', nextPagePath: 'next_url' }, ['/rest', '/rest?offset=3', '/rest?offset=6']],
    ['relativeuri', { relativeURI: '/rest', pagingMethod: 'relativeuri', nextPagePath: 'next_path' }, ['/rest', '/rest?offset=3', '/rest?offset=6']],
  ];
  it.each(cases)('%s reads every record', async (_name, model, expected) => {
    const { send, urls } = await api();
    const { ids } = await collect(runHttpExport(rest(model), connection, send));
    expect(ids).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(urls).toEqual(expected);
  });

  it('a paging method without the field it needs is EXPORT_INVALID', async () => {
    const { send } = await api();
    await expect(collect(runHttpExport(rest({ relativeURI: '/rest', pagingMethod: 'token', nextPagePath: 'next_cursor' }), connection, send))).rejects.toMatchObject({
      code: 'EXPORT_INVALID',
      message: 'pagingMethod "token" needs rest.pageArgument.',
    });
  });
});
