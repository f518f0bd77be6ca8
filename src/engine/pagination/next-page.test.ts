import { describe, expect, it } from 'vitest';
import type { Pagination } from '../../integrations/definition.js';
import { firstPage, nextPage } from './next-page.js';

const base = { query: { q: 1 }, headers: {} };
const response = { status: 200, headers: {}, body: {}, records: [1, 2, 3] };

describe('firstPage / nextPage without pagination', () => {
  it('sends the base request and stops after the first page', async () => {
    for (const none of [null, undefined]) {
      const first = firstPage(none, base);
      expect(first).toEqual({ request: base, state: { pageIndex: 0, seenCursors: [], values: {} } });
      expect(await nextPage(none, first.request, response, first.state)).toEqual({ done: true, reason: 'last_page', state: { ...first.state, pageIndex: 1 } });
    }
  });

  it('does not mutate the request or state it is given', async () => {
    const pagination: Pagination = { format: 'page', config: { limit_key: 'n' } };
    const first = firstPage(pagination, base, { limit: 3 });
    const frozen = structuredClone(first);
    await nextPage(pagination, first.request, response, first.state);
    expect(first).toEqual(frozen);
    expect(base).toEqual({ query: { q: 1 }, headers: {} });
  });

  it('rejects an unknown format loudly', async () => {
    const bogus = { format: 'bogus' } as unknown as Pagination;
    expect(() => firstPage(bogus, base)).toThrow(/Unknown pagination format "bogus"/);
    await expect(nextPage(bogus, base, response, { pageIndex: 0, seenCursors: [], values: {} })).rejects.toThrow(/bogus/);
  });

  it('never asks for a limit below 1', () => {
    expect(firstPage({ format: 'offset', config: { limit_key: 'n' } }, base, { limit: 0 }).request.query.n).toBe(1);
  });
});
