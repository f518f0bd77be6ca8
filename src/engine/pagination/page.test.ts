import { describe, expect, it } from 'vitest';
import { firstPage, nextPage } from './next-page.js';
import type { PageResponse } from './types.js';

const records = (n: number) => Array.from({ length: n }, (_, i) => ({ id: i }));
const aResponse = (n: number, body: unknown = {}): PageResponse => ({ status: 200, headers: {}, body, records: records(n) });
const base = { query: { sort: 'id' }, headers: { accept: 'application/json' } };

describe('page pagination', () => {
  const pagination = { format: 'page' as const, config: { page_key: 'page', limit_key: 'per_page' } };

  it('starts at page 1 with the limit, and exposes values under canonical and configured names', () => {
    expect(firstPage(pagination, base, { limit: 25 })).toEqual({
      request: { query: { sort: 'id', page: 1, per_page: 25 }, headers: { accept: 'application/json' } },
      state: { pageIndex: 0, seenCursors: [], values: { page: 1, limit: 25, per_page: 25 } },
    });
  });

  it('starts at start_page and defaults the page key to "page" and the limit to 100', () => {
    const first = firstPage({ format: 'page', config: { start_page: 0, limit_key: 'size' } }, { query: {}, headers: {} });
    expect(first.request.query).toEqual({ page: 0, size: 100 });
    expect(firstPage({ format: 'page' }, { query: {}, headers: {} }).request.query).toEqual({ page: 1 });
  });

  it('asks page + 1 after a full page', async () => {
    const first = firstPage(pagination, base, { limit: 2 });
    const step = await nextPage(pagination, first.request, aResponse(2), first.state);
    expect(step).toEqual({
      done: false,
      request: { query: { sort: 'id', page: 2, per_page: 2 }, headers: { accept: 'application/json' } },
      state: { pageIndex: 1, seenCursors: [], values: { page: 2, limit: 2, per_page: 2 } },
    });
  });

  it('stops on an empty page', async () => {
    const first = firstPage(pagination, base);
    expect(await nextPage(pagination, first.request, aResponse(0), first.state)).toEqual({
      done: true,
      reason: 'empty_page',
      state: { ...first.state, pageIndex: 1 },
    });
  });

  it('asks for the next page after a short page by default (APIs may cap the page size)', async () => {
    const first = firstPage(pagination, base, { limit: 10 });
    expect((await nextPage(pagination, first.request, aResponse(9), first.state)).done).toBe(false);
  });

  it('stops on a short page (last_page) when the definition opts in with stop_on_short_page', async () => {
    const optIn = { ...pagination, config: { ...pagination.config, stop_on_short_page: true } };
    const first = firstPage(optIn, base, { limit: 10 });
    expect(await nextPage(optIn, first.request, aResponse(9), first.state)).toMatchObject({ done: true, reason: 'last_page' });
  });

  it('does not apply the short-page rule without a limit_key (the server chose the size)', async () => {
    const noLimit = { format: 'page' as const, config: { page_key: 'p' } };
    const first = firstPage(noLimit, base, { limit: 10 });
    const step = await nextPage(noLimit, first.request, aResponse(3), first.state);
    expect(step.done === false && step.request.query).toEqual({ sort: 'id', p: 2 });
  });

  it('uses has_next_path instead of the short-page rule when configured', async () => {
    const flagged = { format: 'page' as const, config: { limit_key: 'per_page', has_next_path: 'meta.more' } };
    const first = firstPage(flagged, base, { limit: 10 });
    const short = await nextPage(flagged, first.request, aResponse(3, { meta: { more: true } }), first.state);
    expect(short.done).toBe(false);
    for (const more of [false, 'false', 'FALSE', null]) {
      expect(await nextPage(flagged, first.request, aResponse(10, { meta: { more } }), first.state)).toMatchObject({ done: true, reason: 'has_next_false' });
    }
    // A missing flag is not "false": paging goes on until an empty page.
    expect((await nextPage(flagged, first.request, aResponse(10, {}), first.state)).done).toBe(false);
  });

  it('caps the limit by max_limit', () => {
    const capped = { format: 'page' as const, config: { limit_key: 'per_page', limit: 500, max_limit: 50 } };
    expect(firstPage(capped, base).request.query.per_page).toBe(50);
    expect(firstPage(capped, base, { limit: 1000 }).request.query.per_page).toBe(50);
    expect(firstPage(capped, base, { limit: 20 }).request.query.per_page).toBe(20);
  });

  it('puts the values in the body with location: body', async () => {
    const inBody = { format: 'page' as const, config: { page_key: 'page', limit_key: 'size', location: 'body' as const } };
    const first = firstPage(inBody, { query: { q: 'x' }, body: { filter: 'a' }, headers: {} }, { limit: 5 });
    expect(first.request).toEqual({ query: { q: 'x' }, body: { filter: 'a', page: 1, size: 5 }, headers: {} });
    const step = await nextPage(inBody, first.request, aResponse(5), first.state);
    expect(step.done === false && step.request).toEqual({ query: { q: 'x' }, body: { filter: 'a', page: 2, size: 5 }, headers: {} });
  });
});
