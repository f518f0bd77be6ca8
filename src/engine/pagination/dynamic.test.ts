import { describe, expect, it } from 'vitest';
import { compileExpression } from './dynamic.js';
import { firstPage, nextPage } from './next-page.js';
import type { PageRequest, PageResponse, PagingState } from './types.js';

const dynamic = (expression: string) => ({ format: 'dynamic' as const, config: { expression } });
const aResponse = (body: unknown, n = 2, headers: Record<string, string> = {}): PageResponse => ({
  status: 200,
  headers,
  body,
  records: Array.from({ length: n }, (_, i) => ({ id: i })),
  url: 'https://api.x/items',
});
const request: PageRequest = { query: { page: 1, q: 'x' }, headers: { accept: 'application/json' } };
const state: PagingState = { pageIndex: 0, seenCursors: [], values: { page: 1 } };

describe('dynamic pagination', () => {
  it('sends the base request unchanged first', () => {
    const pagination = dynamic('null');
    expect(firstPage(pagination, request, { limit: 20 })).toEqual({ request, state: { pageIndex: 0, seenCursors: [], values: { limit: 20 } } });
  });

  it('merges query changes and replaces values', async () => {
    const pagination = dynamic('response.body.has_more ? { "query": { "page": pagination.page + 1 }, "values": { "page": pagination.page + 1 } } : null');
    const step = await nextPage(pagination, request, aResponse({ has_more: true }), state);
    expect(step).toMatchObject({
      done: false,
      request: { query: { page: 2, q: 'x' }, headers: { accept: 'application/json' } },
      state: { pageIndex: 1, values: { page: 2 } },
    });
    expect(await nextPage(pagination, request, aResponse({ has_more: false }), state)).toMatchObject({ done: true, reason: 'expression_null', state: { pageIndex: 1 } });
  });

  it('sees records, request and response headers', async () => {
    const pagination = dynamic(
      '$count(records) = 0 ? null : { "headers": { "X-Cursor": response.headers."x-next" }, "body": { "after": records[-1].id, "q": request.query.q } }',
    );
    const step = await nextPage(pagination, request, aResponse({}, 3, { 'x-next': 'n9' }), state);
    expect(step.done === false && step.request).toEqual({ query: { page: 1, q: 'x' }, body: { after: 2, q: 'x' }, headers: { accept: 'application/json', 'X-Cursor': 'n9' } });
    expect(await nextPage(pagination, request, aResponse({}, 0), state)).toMatchObject({ done: true, reason: 'expression_null' });
  });

  it('stops on false, undefined and {} (an object whose fields all came out undefined)', async () => {
    for (const expression of ['false', 'nothing.here', '{ "url": response.body.next }']) {
      expect(await nextPage(dynamic(expression), request, aResponse({}), state)).toMatchObject({ done: true, reason: 'expression_null' });
    }
  });

  it('follows a returned url with a fresh query, resolved against the current page', async () => {
    const pagination = dynamic('{ "url": response.body.next }');
    const step = await nextPage(pagination, request, aResponse({ next: '/items?page=2' }), state);
    expect(step.done === false && step.request).toEqual({ query: {}, headers: { accept: 'application/json' }, url: 'https://api.x/items?page=2' });
  });

  it('removes query keys set to null', async () => {
    const step = await nextPage(dynamic('{ "query": { "q": null, "token": "t" } }'), request, aResponse({}), state);
    expect(step.done === false && step.request.query).toEqual({ page: 1, token: 't' });
  });

  it('stops an expression that repeats the same request', async () => {
    const stuck = dynamic('{ "query": { "page": 1 } }');
    expect(await nextPage(stuck, request, aResponse({}), state)).toMatchObject({ done: true, reason: 'repeated_cursor', error: expect.stringContaining('already sent') });
    const cycle = dynamic('{ "query": { "page": request.query.page = 1 ? 2 : 1 } }');
    const step = await nextPage(cycle, request, aResponse({}), state);
    if (step.done) throw new Error('expected to continue');
    expect(await nextPage(cycle, step.request, aResponse({}), step.state)).toMatchObject({ done: true, reason: 'repeated_cursor' });
  });

  it('treats a change of values alone as progress (templates may render them)', async () => {
    const step = await nextPage(dynamic('{ "values": { "page": pagination.page + 1 } }'), request, aResponse({}), state);
    expect(step).toMatchObject({ done: false, request, state: { values: { page: 2 } } });
  });

  it('throws PAGINATION_EXPRESSION_FAILED for bad expressions and results', async () => {
    for (const expression of ['{ "query": ', '$error("boom")', '"a string"', '{ "page": 2 }', '{ "query": "page=2" }', '{ "url": 5 }']) {
      await expect(nextPage(dynamic(expression), request, aResponse({}), state)).rejects.toMatchObject({ code: 'PAGINATION_EXPRESSION_FAILED' });
    }
  });

  it('compiles each expression once', () => {
    expect(compileExpression('pagination.page + 1')).toBe(compileExpression('pagination.page + 1'));
  });
});
