import { describe, expect, it } from 'vitest';
import { firstPage, nextPage } from './next-page.js';
import type { PageResponse } from './types.js';

const aResponse = (n: number, body: unknown = {}): PageResponse => ({ status: 200, headers: {}, body, records: Array.from({ length: n }, (_, i) => i) });

describe('offset pagination', () => {
  const pagination = { format: 'offset' as const, config: { offset_key: 'skip', limit_key: 'take', has_next_path: 'has_more' } };

  it('starts at offset 0 with the limit', () => {
    expect(firstPage(pagination, { query: {}, headers: {} }, { limit: 100 })).toEqual({
      request: { query: { skip: 0, take: 100 }, headers: {} },
      state: { pageIndex: 0, seenCursors: [], values: { offset: 0, limit: 100, skip: 0, take: 100 } },
    });
    expect(firstPage({ format: 'offset' }, { query: {}, headers: {} }).request.query).toEqual({ offset: 0 });
  });

  it('advances by the records actually received, not by the limit', async () => {
    const first = firstPage(pagination, { query: {}, headers: {} }, { limit: 100 });
    const step = await nextPage(pagination, first.request, aResponse(40, { has_more: true }), first.state);
    expect(step).toEqual({
      done: false,
      request: { query: { skip: 40, take: 100 }, headers: {} },
      state: { pageIndex: 1, seenCursors: [], values: { offset: 40, limit: 100, skip: 40, take: 100 } },
    });
    if (step.done) return;
    const again = await nextPage(pagination, step.request, aResponse(35, { has_more: true }), step.state);
    expect(again.done === false && again.request.query).toEqual({ skip: 75, take: 100 });
  });

  it('stops on has_next false, an empty page, or (opted in) a short page without has_next_path', async () => {
    const first = firstPage(pagination, { query: {}, headers: {} }, { limit: 10 });
    expect(await nextPage(pagination, first.request, aResponse(10, { has_more: false }), first.state)).toMatchObject({ done: true, reason: 'has_next_false' });
    expect(await nextPage(pagination, first.request, aResponse(0, { has_more: true }), first.state)).toMatchObject({ done: true, reason: 'empty_page' });
    const plain = { format: 'offset' as const, config: { limit_key: 'limit' } };
    const p = firstPage(plain, { query: {}, headers: {} }, { limit: 10 });
    expect((await nextPage(plain, p.request, aResponse(7), p.state)).done).toBe(false);
    const optIn = { format: 'offset' as const, config: { limit_key: 'limit', stop_on_short_page: true } };
    const o = firstPage(optIn, { query: {}, headers: {} }, { limit: 10 });
    expect(await nextPage(optIn, o.request, aResponse(7), o.state)).toMatchObject({ done: true, reason: 'last_page' });
    expect((await nextPage(plain, p.request, aResponse(10), p.state)).done).toBe(false);
  });

  it('lets a later call change the limit (still capped by max_limit)', async () => {
    const capped = { format: 'offset' as const, config: { limit_key: 'limit', max_limit: 30 } };
    const first = firstPage(capped, { query: {}, headers: {} }, { limit: 10 });
    const step = await nextPage(capped, first.request, aResponse(10), first.state, { limit: 80 });
    expect(step.done === false && step.request.query).toEqual({ offset: 10, limit: 30 });
  });
});
