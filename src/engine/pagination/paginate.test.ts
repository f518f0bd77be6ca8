import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Pagination } from '../../integrations/definition.js';
import { paginate, type PageResult, type PaginateOptions } from './paginate.js';
import { PaginationError } from './pagination-error.js';
import type { PageRequest, PageResponse } from './types.js';

type Format = 'page' | 'offset' | 'cursor' | 'link_header' | 'range' | 'dynamic';
const FORMATS: Format[] = ['page', 'offset', 'cursor', 'link_header', 'range', 'dynamic'];
const BASE = 'https://api.test/items';

interface FakeApi {
  pagination: Pagination;
  first: PageRequest;
  fetchPage: (request: PageRequest) => Promise<PageResponse>;
  requests: PageRequest[];
}

/**
 * An in-memory API serving records {id: 0..total-1}. `cap` makes the server return fewer records
 * than asked (offset/cursor/link_header/range), as real APIs with a hidden maximum do.
 */
function fakeApi(format: Format, total: number, options: { cap?: number; size?: number } = {}): FakeApi {
  const requests: PageRequest[] = [];
  const slice = (start: number, asked: number) => {
    const size = Math.min(asked, options.cap ?? asked);
    return Array.from({ length: Math.max(0, Math.min(total, start + size) - start) }, (_, i) => ({ id: start + i }));
  };
  const ok = (records: unknown[], body: unknown = records, headers: Record<string, string> = {}, url?: string): PageResponse => ({ status: 200, headers, body, records, ...(url ? { url } : {}) });
  const num = (value: unknown, fallback = 0) => (value === undefined ? fallback : Number(value));

  const servers: Record<Format, { pagination: Pagination; first: PageRequest; serve: (r: PageRequest) => PageResponse }> = {
    page: {
      pagination: { format: 'page', config: { limit_key: 'per_page' } },
      first: { query: {}, headers: {} },
      serve: (r) => ok(slice((num(r.query.page) - 1) * num(r.query.per_page), num(r.query.per_page))),
    },
    offset: {
      pagination: { format: 'offset', config: { limit_key: 'limit', ...(options.cap ? { has_next_path: 'has_more' } : {}) } },
      first: { query: {}, headers: {} },
      serve: (r) => {
        const records = slice(num(r.query.offset), num(r.query.limit));
        return ok(records, { data: records, has_more: num(r.query.offset) + records.length < total });
      },
    },
    cursor: {
      pagination: { format: 'cursor', config: { cursor_path: 'meta.next', limit_key: 'limit' } },
      first: { query: {}, headers: {} },
      serve: (r) => {
        const start = typeof r.query.cursor === 'string' ? Number(r.query.cursor.slice(1)) : 0;
        const records = slice(start, num(r.query.limit));
        const end = start + records.length;
        return ok(records, { data: records, meta: { next: end < total ? `c${end}` : null } });
      },
    },
    link_header: {
      pagination: { format: 'link_header', config: { limit_key: 'per_page' } },
      first: { query: {}, headers: {} },
      serve: (r) => {
        const url = new URL(r.url ?? `${BASE}?${new URLSearchParams(Object.entries(r.query).map(([k, v]): [string, string] => [k, String(v)]))}`);
        const start = num(url.searchParams.get('after') ?? undefined);
        const per = num(url.searchParams.get('per_page'));
        const records = slice(start, per);
        const end = start + records.length;
        const link = end < total ? `</items?after=${end}&per_page=${per}>; rel="next", <${BASE}?after=0>; rel="first"` : `<${BASE}?after=0>; rel="first"`;
        return ok(records, records, { link }, url.href);
      },
    },
    range: {
      pagination: { format: 'range' },
      first: { query: {}, headers: {} },
      serve: (r) => {
        const [start, end] = (r.headers.Range ?? '').replace('items=', '').split('-').map(Number) as [number, number];
        if (start >= total && total > 0) return { status: 416, headers: { 'content-range': `items */${total}` }, body: null, records: [] };
        const records = slice(start, end - start + 1);
        const complete = start === 0 && records.length === total;
        const contentRange = records.length ? `items ${start}-${start + records.length - 1}/${total}` : `items */${total}`;
        return { ...ok(records, records, { 'content-range': contentRange }), status: complete ? 200 : 206 };
      },
    },
    dynamic: {
      pagination: { format: 'dynamic', config: { expression: '$count(records) < request.query.size ? null : { "query": { "page": request.query.page + 1 } }' } },
      first: { query: { page: 1, size: options.size ?? 10 }, headers: {} },
      serve: (r) => ok(slice((num(r.query.page) - 1) * num(r.query.size), num(r.query.size))),
    },
  };
  const server = servers[format];
  return {
    pagination: server.pagination,
    first: server.first,
    requests,
    fetchPage: async (request) => {
      requests.push(structuredClone(request));
      return server.serve(request);
    },
  };
}

async function drain(options: PaginateOptions) {
  const ids: number[] = [];
  const pages: PageResult[] = [];
  const generator = paginate(options);
  for (;;) {
    const step = await generator.next();
    if (step.done) return { ids, pages, end: step.value };
    pages.push(step.value);
    ids.push(...step.value.records.map((r) => (r as { id: number }).id));
  }
}
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('paginate', () => {
  describe.each(FORMATS)('%s', (format) => {
    it.each([
      [0, 5],
      [1, 5],
      [10, 5],
      [23, 5],
      [7, 1],
      [99, 100],
    ])('delivers %i records in pages of %i exactly once, in order', async (total, size) => {
      const api = fakeApi(format, total, { size });
      const { ids, pages, end } = await drain({ ...api, limit: size });
      expect(ids).toEqual(range(total));
      expect(pages.map((p) => p.pageIndex)).toEqual(range(pages.length));
      expect(pages.at(-1)?.next).toBeUndefined();
      expect(end.reason).toEqual(expect.any(String));
    });

    it('resumes from a checkpoint mid-way with exactly the remaining records', async () => {
      const api = fakeApi(format, 42, { size: 5 });
      const generator = paginate({ ...api, limit: 5 });
      const seen: number[] = [];
      let checkpoint: PageResult['next'];
      for (let i = 0; i < 3; i++) {
        const step = await generator.next();
        if (step.done) throw new Error('ended early');
        seen.push(...step.value.records.map((r) => (r as { id: number }).id));
        checkpoint = step.value.next;
      }
      await generator.return({ reason: 'stopped by test' });
      // A checkpoint goes through the store as JSON.
      const resume = JSON.parse(JSON.stringify(checkpoint));
      const rest = await drain({ pagination: api.pagination, fetchPage: api.fetchPage, resume, limit: 5 });
      expect([...seen, ...rest.ids]).toEqual(range(42));
      expect(rest.pages[0]!.pageIndex).toBe(3);
    });
  });

  it.each(['offset', 'cursor', 'link_header', 'range'] as const)('%s: follows a server that returns fewer records than asked', async (format) => {
    const api = fakeApi(format, 57, { cap: 7 });
    const { ids } = await drain({ ...api, limit: 20 });
    expect(ids).toEqual(range(57));
  });

  it('streams: yields a page before fetching the next', async () => {
    const api = fakeApi('page', 30);
    const generator = paginate({ ...api, limit: 10 });
    const first = await generator.next();
    expect(first.done).toBe(false);
    expect(api.requests).toHaveLength(1);
    expect(first.value).toMatchObject({ pageIndex: 0, next: { request: { query: { page: 2, per_page: 10 } } } });
  });

  it('throws PAGINATION_MAX_PAGES before fetching past maxPages, but not when the list ends right there', async () => {
    const api = fakeApi('page', 100);
    const error = await drain({ ...api, limit: 10, maxPages: 3 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaginationError);
    expect(error).toMatchObject({ code: 'PAGINATION_MAX_PAGES' });
    expect(api.requests).toHaveLength(3);
    const exact = fakeApi('offset', 25, { cap: 10 });
    expect((await drain({ ...exact, limit: 10, maxPages: 3 })).ids).toEqual(range(25));
  });

  it('yields the page, then throws PAGINATION_REPEATED_CURSOR when the API hands back a cursor already followed', async () => {
    const pagination: Pagination = { format: 'cursor', config: { cursor_path: 'next' } };
    const cursors = ['a', 'b', 'a'];
    let call = 0;
    const fetchPage = async (): Promise<PageResponse> => ({ status: 200, headers: {}, body: { next: cursors[call] }, records: [++call] });
    const generator = paginate({ pagination, first: { query: {}, headers: {} }, fetchPage });
    const records: unknown[] = [];
    const error = await (async () => {
      for await (const page of generator) records.push(...page.records);
    })().catch((e: unknown) => e);
    expect(records).toEqual([1, 2, 3]);
    expect(error).toMatchObject({ code: 'PAGINATION_REPEATED_CURSOR', message: expect.stringContaining('"a"') });
  });

  it('returns last_page after one page without pagination', async () => {
    const fetchPage = async (): Promise<PageResponse> => ({ status: 200, headers: {}, body: [], records: [1, 2] });
    expect(await drain({ pagination: null, first: { query: {}, headers: {} }, fetchPage })).toMatchObject({ ids: [undefined, undefined], end: { reason: 'last_page' } });
  });

  it('passes the signal to fetchPage and stops when it is aborted', async () => {
    const controller = new AbortController();
    const api = fakeApi('page', 50);
    const generator = paginate({ ...api, limit: 10, signal: controller.signal });
    await generator.next();
    controller.abort();
    await expect(generator.next()).rejects.toMatchObject({ name: 'AbortError' });
    expect(api.requests).toHaveLength(1);
  });

  it('property: page, offset, cursor and link_header deliver every record exactly once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 500 }), fc.integer({ min: 1, max: 50 }), fc.constantFrom<Format>('page', 'offset', 'cursor', 'link_header'), async (total, size, format) => {
        const api = fakeApi(format, total);
        const { ids, pages } = await drain({ ...api, limit: size });
        expect(ids).toEqual(range(total));
        // At most one empty page past the data (the stop signal when the API says nothing else).
        expect(pages.length).toBeLessThanOrEqual(Math.floor(total / size) + 2);
      }),
      { numRuns: 200 },
    );
  });
});
