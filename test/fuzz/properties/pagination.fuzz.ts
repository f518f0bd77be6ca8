import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstPage, nextPage, PaginationError, parseContentRange, parseLinkHeader, readDotPath } from '../../../src/engine/pagination/index.js';
import type { PageRequest, PageResponse } from '../../../src/engine/pagination/index.js';
import type { Pagination } from '../../../src/integrations/definition.js';

// Properties of the paging strategies (src/engine/pagination); the completeness of the paging
// loop per format is already a property in src/engine/pagination/paginate.test.ts.

const ORIGIN = 'https://api.test';
const url = fc.webUrl({ withQueryParameters: true }).filter((u) => !u.includes('>') && !u.includes(','));

const paginations: Pagination[] = [
  { format: 'page', config: { limit_key: 'per_page' } },
  { format: 'offset', config: { limit_key: 'limit', has_next_path: 'meta.more' } },
  { format: 'cursor', config: { cursor_key: 'after', cursor_path: 'paging.next' } },
  { format: 'cursor', config: { cursor_path: 'next', is_link: true } },
  { format: 'cursor', config: { cursor_path: 'x-next', cursor_path_object: 'header' } },
  { format: 'link_header', config: {} },
  { format: 'range', config: {} },
  { format: 'dynamic', config: { expression: 'response.body.next ? { "url": response.body.next, "query": response.body.q } : null' } },
];

/** Upstream bodies and headers as a hostile or broken API sends them. */
const hostileBody = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.record({ paging: fc.record({ next: fc.oneof(fc.string(), url, fc.integer(), fc.constant(null)) }), next: fc.oneof(url, fc.string()), meta: fc.record({ more: fc.jsonValue({ maxDepth: 1 }) }) }, { requiredKeys: [] }),
);
const hostileHeaders = fc.record(
  {
    link: fc.oneof(fc.string(), url.map((u) => `<${u}>; rel="next"`), fc.constant('<//evil.test/x>; rel=next')),
    'content-range': fc.oneof(fc.string(), fc.tuple(fc.nat(), fc.nat(), fc.nat()).map(([a, b, c]) => `items ${a}-${b}/${c}`)),
    'x-next': fc.oneof(fc.string(), url),
  },
  { requiredKeys: [] },
);

describe('pagination: properties', () => {
  it('parseLinkHeader round-trips a list of links with their relations', () => {
    const rel = fc.stringMatching(/^[a-z]{1,8}$/);
    fc.assert(
      fc.property(fc.array(fc.tuple(url, fc.array(rel, { minLength: 1, maxLength: 2 })), { maxLength: 4 }), (links) => {
        const header = links.map(([u, rels]) => `<${u}>; rel="${rels.join(' ')}"`).join(', ');
        expect(parseLinkHeader(header).map((l) => [l.url, l.rel])).toEqual(links.map(([u, rels]) => [u, rels]));
      }),
    );
  });

  it('parseLinkHeader and parseContentRange never throw on any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('<', '>', ';', ',', '"', '\\', '=', ' ', 'a', '/', '-', '*', '1') }), (text) => {
        expect(Array.isArray(parseLinkHeader(text))).toBe(true);
        const range = parseContentRange(text);
        if (range) expect(typeof range.unit).toBe('string');
      }),
    );
  });

  it('parseContentRange round-trips "unit start-end/total"', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z]{1,6}$/), fc.nat(), fc.nat(), fc.option(fc.nat(), { nil: undefined }), (unit, start, end, total) => {
        expect(parseContentRange(`${unit} ${start}-${end}/${total ?? '*'}`)).toEqual({ unit, start, end, ...(total === undefined ? {} : { total }) });
      }),
    );
  });

  it('readDotPath equals a reference reader on objects without dotted keys', () => {
    const key = fc.constantFrom('a', 'b', 'c', '0', '1', '__proto__', 'constructor');
    const tree = fc.letrec((tie) => ({ node: fc.oneof({ depthSize: 'small' }, fc.jsonValue({ maxDepth: 0 }), fc.dictionary(key, tie('node'), { maxKeys: 3 }), fc.array(tie('node'), { maxLength: 3 })) })).node;
    const reference = (value: unknown, parts: string[]): unknown => {
      let current = value;
      for (const part of parts) {
        if (typeof current !== 'object' || current === null || ['__proto__', 'constructor', 'prototype'].includes(part) || !Object.hasOwn(current, part)) return undefined;
        current = (current as Record<string, unknown>)[part];
      }
      return current;
    };
    fc.assert(
      fc.property(tree, fc.array(key, { minLength: 1, maxLength: 4 }), (value, parts) => {
        expect(readDotPath(value, parts.join('.'))).toEqual(reference(value, parts));
      }),
    );
  });

  it('nextPage on any upstream answer either stops, or asks for a page on the same origin; it throws only PaginationError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paginations), hostileBody, hostileHeaders, fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 5 }), async (pagination, body, headers, records) => {
        const first = firstPage(pagination, { query: {}, headers: {}, url: `${ORIGIN}/items` } as PageRequest, { limit: 5 });
        const response: PageResponse = { status: 200, headers, body, records, url: `${ORIGIN}/items` };
        try {
          const step = await nextPage(pagination, first.request, response, first.state, { currentUrl: `${ORIGIN}/items` });
          if (!step.done) {
            if (step.request.url !== undefined) expect(new URL(step.request.url).origin).toBe(ORIGIN);
            expect(step.state.pageIndex).toBe(first.state.pageIndex + 1);
          }
        } catch (error) {
          expect(error).toBeInstanceOf(PaginationError);
        }
      }),
    );
  });

  it('a cursor API that repeats its cursor is stopped, never followed forever', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 10 }).filter((c) => c.trim() !== ''), async (cursor) => {
        const pagination: Pagination = { format: 'cursor', config: { cursor_path: 'next' } };
        let { request, state } = firstPage(pagination, { query: {}, headers: {} });
        for (let i = 0; i < 5; i++) {
          const step = await nextPage(pagination, request, { status: 200, headers: {}, body: { next: cursor }, records: [1] }, state);
          if (step.done) {
            expect(i).toBe(1);
            return;
          }
          ({ request, state } = step);
        }
        throw new Error('a repeated cursor was followed more than once');
      }),
    );
  });
});
