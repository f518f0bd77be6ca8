import { describe, expect, it } from 'vitest';
import { firstPage, nextPage } from './next-page.js';
import type { PageResponse, PagingState } from './types.js';

const aResponse = (body: unknown, headers: Record<string, string> = {}, n = 2): PageResponse => ({
  status: 200,
  headers,
  body,
  records: Array.from({ length: n }, (_, i) => i),
  url: 'https://api.x/v1/items?limit=2',
});
const fresh: PagingState = { pageIndex: 0, seenCursors: [], values: {} };

describe('cursor pagination', () => {
  const pagination = { format: 'cursor' as const, config: { cursor_key: 'after', cursor_path: 'paging.next', limit_key: 'limit' } };

  it('sends no cursor on the first request', () => {
    expect(firstPage(pagination, { query: { q: 1 }, headers: {} }, { limit: 2 })).toEqual({
      request: { query: { q: 1, limit: 2 }, headers: {} },
      state: { pageIndex: 0, seenCursors: [], values: { limit: 2 } },
    });
  });

  it('puts the cursor from the body under cursor_key and remembers it', async () => {
    const first = firstPage(pagination, { query: { q: 1 }, headers: {} }, { limit: 2 });
    const step = await nextPage(pagination, first.request, aResponse({ paging: { next: 'b2' } }), first.state);
    expect(step).toEqual({
      done: false,
      request: { query: { q: 1, limit: 2, after: 'b2' }, headers: {} },
      state: { pageIndex: 1, seenCursors: ['b2'], values: { limit: 2, cursor: 'b2', after: 'b2' } },
    });
  });

  it('accepts numeric cursors and defaults to cursor / next_cursor', async () => {
    const defaults = { format: 'cursor' as const };
    const step = await nextPage(defaults, { query: {}, headers: {} }, aResponse({ next_cursor: 42 }), fresh);
    expect(step.done === false && step.request.query).toEqual({ cursor: '42' });
  });

  it('stops with no_cursor when the cursor is missing, empty or null', async () => {
    for (const body of [{}, { paging: {} }, { paging: { next: '' } }, { paging: { next: null } }, { paging: { next: { x: 1 } } }, 'text']) {
      expect(await nextPage(pagination, { query: {}, headers: {} }, aResponse(body), fresh)).toMatchObject({ done: true, reason: 'no_cursor', state: { pageIndex: 1 } });
    }
  });

  it('stops with has_next_false even when a cursor is present', async () => {
    const flagged = { format: 'cursor' as const, config: { cursor_path: 'next', has_next_path: 'has_more' } };
    expect(await nextPage(flagged, { query: {}, headers: {} }, aResponse({ next: 'c', has_more: false }), fresh)).toMatchObject({ done: true, reason: 'has_next_false' });
  });

  it('continues past an empty page that still has a cursor', async () => {
    const step = await nextPage(pagination, { query: {}, headers: {} }, aResponse({ paging: { next: 'c3' } }, {}, 0), fresh);
    expect(step.done).toBe(false);
  });

  it('reads the cursor from a header, case-insensitively', async () => {
    const inHeader = { format: 'cursor' as const, config: { cursor_path: 'X-Next-Cursor', cursor_path_object: 'header' as const, cursor_key: 'cursor' } };
    const step = await nextPage(inHeader, { query: {}, headers: {} }, aResponse({ next: 'ignored' }, { 'x-next-cursor': 'h1' }), fresh);
    expect(step.done === false && step.request.query).toEqual({ cursor: 'h1' });
    expect(await nextPage(inHeader, { query: {}, headers: {} }, aResponse({}, {}), fresh)).toMatchObject({ done: true, reason: 'no_cursor' });
  });

  it('puts the cursor in the body with location: body', async () => {
    const inBody = { format: 'cursor' as const, config: { cursor_key: 'cursor', cursor_path: 'next', location: 'body' as const } };
    const step = await nextPage(inBody, { query: {}, body: { q: 'x' }, headers: {} }, aResponse({ next: 'n1' }), fresh);
    expect(step.done === false && step.request).toEqual({ query: {}, body: { q: 'x', cursor: 'n1' }, headers: {} });
  });

  it('detects a cursor that was already followed', async () => {
    const state: PagingState = { pageIndex: 5, seenCursors: ['a', 'b'], values: {} };
    const step = await nextPage(pagination, { query: {}, headers: {} }, aResponse({ paging: { next: 'a' } }), state);
    expect(step).toEqual({ done: true, reason: 'repeated_cursor', error: expect.stringContaining('"a"'), state: { ...state, pageIndex: 6 } });
  });

  it('keeps only the last 1000 cursors', async () => {
    const seen = Array.from({ length: 1000 }, (_, i) => `c${i}`);
    const step = await nextPage(pagination, { query: {}, headers: {} }, aResponse({ paging: { next: 'new' } }), { pageIndex: 1000, seenCursors: seen, values: {} });
    expect(step.state.seenCursors).toHaveLength(1000);
    expect(step.state.seenCursors.at(0)).toBe('c1');
    expect(step.state.seenCursors.at(-1)).toBe('new');
  });

  describe('is_link', () => {
    const linked = { format: 'cursor' as const, config: { cursor_path: 'links.next', is_link: true } };

    it('follows an absolute URL and empties the query', async () => {
      const step = await nextPage(linked, { query: { limit: 2 }, headers: { a: 'b' } }, aResponse({ links: { next: 'https://api.x/v1/items?page=2' } }), fresh);
      expect(step).toEqual({
        done: false,
        request: { query: {}, headers: { a: 'b' }, url: 'https://api.x/v1/items?page=2' },
        state: { pageIndex: 1, seenCursors: ['https://api.x/v1/items?page=2'], values: { cursor: 'https://api.x/v1/items?page=2', url: 'https://api.x/v1/items?page=2', limit: 100 } },
      });
    });

    it('resolves a relative URL against currentUrl', async () => {
      const step = await nextPage(linked, { query: {}, headers: {} }, aResponse({ links: { next: '/v2/items?cursor=z' } }), fresh, { currentUrl: 'https://api.x/v1/items' });
      expect(step.done === false && step.request.url).toBe('https://api.x/v2/items?cursor=z');
      const sibling = await nextPage(linked, { query: {}, headers: {} }, aResponse({ links: { next: 'items?cursor=y' } }), fresh);
      expect(sibling.done === false && sibling.request.url).toBe('https://api.x/v1/items?cursor=y');
    });

    it('treats a link to the current page or one already followed as repeated', async () => {
      const same = await nextPage(linked, { query: {}, headers: {} }, aResponse({ links: { next: 'https://api.x/v1/items?limit=2' } }), fresh);
      expect(same).toMatchObject({ done: true, reason: 'repeated_cursor' });
    });

    it('refuses another origin', async () => {
      await expect(nextPage(linked, { query: {}, headers: {} }, aResponse({ links: { next: 'http://169.254.169.254/latest' } }), fresh)).rejects.toMatchObject({ code: 'PAGINATION_CROSS_ORIGIN' });
      await expect(nextPage(linked, { query: {}, headers: {} }, aResponse({ links: { next: 'file:///etc/passwd' } }), fresh)).rejects.toMatchObject({ code: 'PAGINATION_URL_INVALID' });
    });
  });
});
