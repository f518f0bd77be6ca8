import { describe, expect, it } from 'vitest';
import { parseLinkHeader } from './link-header.js';
import { firstPage, nextPage } from './next-page.js';
import { PaginationError } from './pagination-error.js';
import type { PageResponse, PagingState } from './types.js';

describe('parseLinkHeader', () => {
  it('parses several links with quoted rels', () => {
    const links = parseLinkHeader('<https://api.x/a?page=2>; rel="next", <https://api.x/a?page=9>; rel="last"');
    expect(links).toEqual([
      { url: 'https://api.x/a?page=2', rel: ['next'], params: { rel: 'next' } },
      { url: 'https://api.x/a?page=9', rel: ['last'], params: { rel: 'last' } },
    ]);
  });

  it('splits rel lists and lower-cases them', () => {
    expect(parseLinkHeader('<https://api.x/a?page=3>; rel="Next LAST"')[0]!.rel).toEqual(['next', 'last']);
  });

  it('accepts unquoted values, spaces everywhere and uppercase parameter names', () => {
    const links = parseLinkHeader('  < https://api.x/a?p=2 >  ;  REL = next ;Title="Page 2" ,<https://api.x/a?p=1>;rel=prev');
    expect(links).toEqual([
      { url: 'https://api.x/a?p=2', rel: ['next'], params: { rel: 'next', title: 'Page 2' } },
      { url: 'https://api.x/a?p=1', rel: ['prev'], params: { rel: 'prev' } },
    ]);
  });

  it('keeps commas and semicolons inside <…> as part of the URL', () => {
    const links = parseLinkHeader('<https://api.x/a?ids=1,2,3;x=y>; rel="next", <https://api.x/a?ids=4,5>; rel="prev"');
    expect(links.map((l) => l.url)).toEqual(['https://api.x/a?ids=1,2,3;x=y', 'https://api.x/a?ids=4,5']);
  });

  it('handles commas, semicolons and escapes inside quoted values', () => {
    const links = parseLinkHeader('<https://a/1>; title="a, b; \\"c\\""; rel=next, <https://a/2>; rel=last');
    expect(links[0]).toEqual({ url: 'https://a/1', rel: ['next'], params: { title: 'a, b; "c"', rel: 'next' } });
    expect(links[1]!.rel).toEqual(['last']);
  });

  it('keeps the first occurrence of a repeated parameter, as RFC 8288 says for rel', () => {
    expect(parseLinkHeader('<https://a/1>; rel=next; rel=prev')[0]!.rel).toEqual(['next']);
  });

  it('skips malformed entries and empty input', () => {
    expect(parseLinkHeader('')).toEqual([]);
    expect(parseLinkHeader('garbage; rel=next, <https://a/2>; rel=next')).toEqual([{ url: 'https://a/2', rel: ['next'], params: { rel: 'next' } }]);
    expect(parseLinkHeader('<https://a/unterminated; rel=next')).toEqual([]);
    expect(parseLinkHeader('<https://a/1>')).toEqual([{ url: 'https://a/1', rel: [], params: {} }]);
    expect(parseLinkHeader('<https://a/1>; crossorigin, <https://a/2>; rel=next')[0]!.params).toEqual({ crossorigin: '' });
  });
});

const pagination = { format: 'link_header' as const, config: { limit_key: 'per_page' } };
const page = (link: string | undefined, url = 'https://api.x/items?page=1'): PageResponse => ({
  status: 200,
  headers: link === undefined ? {} : { link },
  body: [],
  records: [{ id: 1 }],
  url,
});

describe('link_header pagination', () => {
  it('sends the limit on the first request and follows rel=next with an emptied query', async () => {
    const first = firstPage(pagination, { query: { sort: 'id' }, headers: {} }, { limit: 30 });
    expect(first.request.query).toEqual({ sort: 'id', per_page: 30 });
    const step = await nextPage(pagination, first.request, page('<https://api.x/items?page=2&per_page=30>; rel="next"'), first.state);
    expect(step).toEqual({
      done: false,
      request: { query: {}, headers: {}, url: 'https://api.x/items?page=2&per_page=30' },
      state: { pageIndex: 1, seenCursors: ['https://api.x/items?page=2&per_page=30'], values: { limit: 30, per_page: 30, url: 'https://api.x/items?page=2&per_page=30' } },
    });
  });

  it('resolves relative links against options.currentUrl, then response.url', async () => {
    const { request, state } = firstPage(pagination, { query: {}, headers: {} });
    const viaOption = await nextPage(pagination, request, { ...page('</items?page=2>; rel=next'), url: undefined }, state, { currentUrl: 'https://api.x/v1/items' });
    expect(viaOption.done === false && viaOption.request.url).toBe('https://api.x/items?page=2');
    const viaResponse = await nextPage(pagination, request, page('<?page=3>; rel=next', 'https://api.x/v1/items?page=2'), state);
    expect(viaResponse.done === false && viaResponse.request.url).toBe('https://api.x/v1/items?page=3');
  });

  it('follows a custom rel and matches it inside rel lists', async () => {
    const custom = { format: 'link_header' as const, config: { rel: 'forward' } };
    const step = await nextPage(custom, { query: {}, headers: {} }, page('<https://api.x/a>; rel="next", <https://api.x/b>; rel="forward last"'), { pageIndex: 0, seenCursors: [], values: {} });
    expect(step.done === false && step.request.url).toBe('https://api.x/b');
  });

  it('stops with no_link when there is no header or no matching rel', async () => {
    const state: PagingState = { pageIndex: 2, seenCursors: [], values: {} };
    expect(await nextPage(pagination, { query: {}, headers: {} }, page(undefined), state)).toMatchObject({ done: true, reason: 'no_link', state: { pageIndex: 3 } });
    expect(await nextPage(pagination, { query: {}, headers: {} }, page('<https://api.x/p>; rel="prev"'), state)).toMatchObject({ done: true, reason: 'no_link' });
  });

  it('reads the header case-insensitively', async () => {
    const response = { ...page(undefined), headers: { Link: '<https://api.x/items?page=2>; rel=next' } };
    const step = await nextPage(pagination, { query: {}, headers: {} }, response, { pageIndex: 0, seenCursors: [], values: {} });
    expect(step.done).toBe(false);
  });

  it('stops with repeated_cursor when a link was followed before or points at the current page', async () => {
    const seen: PagingState = { pageIndex: 3, seenCursors: ['https://api.x/items?page=2'], values: {} };
    const again = await nextPage(pagination, { query: {}, headers: {} }, page('<https://api.x/items?page=2>; rel=next'), seen);
    expect(again).toMatchObject({ done: true, reason: 'repeated_cursor', error: expect.stringContaining('https://api.x/items?page=2') });
    const self = await nextPage(pagination, { query: {}, headers: {} }, page('<https://api.x/items?page=1>; rel=next'), { ...seen, seenCursors: [] });
    expect(self).toMatchObject({ done: true, reason: 'repeated_cursor' });
  });

  it('refuses a link to another origin unless allowed', async () => {
    const state: PagingState = { pageIndex: 0, seenCursors: [], values: {} };
    const foreign = page('<https://evil.example/steal>; rel=next');
    await expect(nextPage(pagination, { query: {}, headers: {} }, foreign, state)).rejects.toMatchObject({ code: 'PAGINATION_CROSS_ORIGIN' });
    const allowed = await nextPage(pagination, { query: {}, headers: {} }, foreign, state, { allowCrossOrigin: true });
    expect(allowed.done === false && allowed.request.url).toBe('https://evil.example/steal');
  });

  it('refuses a relative link with nothing to resolve it against', async () => {
    const response = { ...page('</items?page=2>; rel=next'), url: undefined };
    await expect(nextPage(pagination, { query: {}, headers: {} }, response, { pageIndex: 0, seenCursors: [], values: {} })).rejects.toBeInstanceOf(PaginationError);
  });
});
