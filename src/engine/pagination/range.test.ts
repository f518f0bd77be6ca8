import { describe, expect, it } from 'vitest';
import { firstPage, nextPage } from './next-page.js';
import { parseContentRange } from './range.js';
import type { PageResponse } from './types.js';

const aResponse = (status: number, contentRange: string | undefined, n: number): PageResponse => ({
  status,
  headers: contentRange === undefined ? {} : { 'content-range': contentRange },
  body: [],
  records: Array.from({ length: n }, (_, i) => i),
});

describe('parseContentRange', () => {
  it('parses ranges with a total, an unknown total and the unsatisfied form', () => {
    expect(parseContentRange('items 0-99/250')).toEqual({ unit: 'items', start: 0, end: 99, total: 250 });
    expect(parseContentRange('items 100-199/*')).toEqual({ unit: 'items', start: 100, end: 199 });
    expect(parseContentRange('items */250')).toEqual({ unit: 'items', total: 250 });
    expect(parseContentRange('nonsense')).toBeUndefined();
    expect(parseContentRange(undefined)).toBeUndefined();
  });
});

describe('range pagination', () => {
  const pagination = { format: 'range' as const, config: { limit: 100 } };

  it('asks the first items with a Range header, replacing any other spelling', () => {
    expect(firstPage(pagination, { query: {}, headers: { range: 'bytes=0-1' } })).toEqual({
      request: { query: {}, headers: { Range: 'items=0-99' } },
      state: { pageIndex: 0, seenCursors: [], values: { offset: 0, limit: 100 } },
    });
    expect(firstPage({ format: 'range', config: { range_unit: 'users' } }, { query: {}, headers: {} }, { limit: 10 }).request.headers).toEqual({ Range: 'users=0-9' });
  });

  it('starts the next range after the last item sent, and stops at the total', async () => {
    const first = firstPage(pagination, { query: {}, headers: {} });
    const second = await nextPage(pagination, first.request, aResponse(206, 'items 0-99/250', 100), first.state);
    expect(second).toEqual({ done: false, request: { query: {}, headers: { Range: 'items=100-199' } }, state: { pageIndex: 1, seenCursors: [], values: { offset: 100, limit: 100 } } });
    if (second.done) return;
    const third = await nextPage(pagination, second.request, aResponse(206, 'items 100-199/250', 100), second.state);
    expect(third.done === false && third.request.headers.Range).toBe('items=200-299');
    if (third.done) return;
    expect(await nextPage(pagination, third.request, aResponse(206, 'items 200-249/250', 50), third.state)).toMatchObject({ done: true, reason: 'range_end', state: { pageIndex: 3 } });
  });

  it('follows a server that sends less than asked', async () => {
    const first = firstPage(pagination, { query: {}, headers: {} });
    const step = await nextPage(pagination, first.request, aResponse(206, 'items 0-24/*', 25), first.state);
    expect(step.done === false && step.request.headers.Range).toBe('items=25-124');
  });

  it('without a total, continues on 206 and stops on 200, 416 or an empty page', async () => {
    const first = firstPage(pagination, { query: {}, headers: {} });
    expect((await nextPage(pagination, first.request, aResponse(206, 'items 0-99/*', 100), first.state)).done).toBe(false);
    expect(await nextPage(pagination, first.request, aResponse(200, 'items 0-99/*', 100), first.state)).toMatchObject({ done: true, reason: 'range_end' });
    expect(await nextPage(pagination, first.request, aResponse(416, 'items */100', 0), first.state)).toMatchObject({ done: true, reason: 'range_end' });
    expect(await nextPage(pagination, first.request, aResponse(206, undefined, 0), first.state)).toMatchObject({ done: true, reason: 'empty_page' });
  });

  it('without Content-Range, advances by the records received on 206 and stops on 200 (Range ignored)', async () => {
    const first = firstPage(pagination, { query: {}, headers: {} });
    const step = await nextPage(pagination, first.request, aResponse(206, undefined, 60), first.state);
    expect(step.done === false && step.request.headers.Range).toBe('items=60-159');
    expect(await nextPage(pagination, first.request, aResponse(200, undefined, 500), first.state)).toMatchObject({ done: true, reason: 'range_end' });
  });

  it('continues on 200 when Content-Range says more remain (APIs that never answer 206)', async () => {
    const first = firstPage(pagination, { query: {}, headers: {} });
    const step = await nextPage(pagination, first.request, aResponse(200, 'posts 0-99/319', 100), first.state);
    expect(step.done === false && step.request.headers.Range).toBe('items=100-199');
  });

  it('stops as repeated when the server keeps answering a range that does not advance', async () => {
    const state = { pageIndex: 3, seenCursors: [], values: { offset: 200, limit: 100 } };
    const step = await nextPage(pagination, { query: {}, headers: { Range: 'items=200-299' } }, aResponse(206, 'items 100-199/*', 100), state);
    expect(step).toMatchObject({ done: true, reason: 'repeated_cursor', error: expect.stringContaining('100-199') });
  });
});
