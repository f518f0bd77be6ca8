import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { collectPage, exportHash, type OpenSource, PagedStateSigner, type SearchPosition } from './paged-export.js';

/** A fake upstream: `total` records in pages whose sizes follow `sizes` (cycled); position = page number. */
function source(total: number, sizes: number[]): { open: OpenSource; fetches: number[] } {
  const starts: number[] = [];
  for (let at = 0, i = 0; at < total; i++) {
    starts.push(at);
    at += sizes[i % sizes.length] ?? 1;
  }
  const fetches: number[] = [];
  const open: OpenSource = async function* (resume) {
    for (let p = (resume as number | undefined) ?? 0; p < Math.max(starts.length, 1); p++) {
      fetches.push(p);
      const from = starts[p] ?? 0;
      const to = starts[p + 1] ?? total;
      const records = Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
      yield { records, ...(p + 1 < starts.length ? { next: p + 1 } : {}), totals: { totalRecords: total } };
    }
  };
  return { open, fetches };
}

async function drain(open: OpenSource, pageSize: number): Promise<{ all: unknown[]; calls: number }> {
  const all: unknown[] = [];
  let position: { cp?: unknown; skip: number } = { skip: 0 };
  for (let calls = 1; calls < 10_000; calls++) {
    const page = await collectPage(open, position, pageSize);
    expect(page.data.length).toBeLessThanOrEqual(pageSize);
    all.push(...page.data);
    if (page.done) return { all, calls };
    if (!page.position) throw new Error('not done but no position');
    position = page.position;
  }
  throw new Error('never done');
}

describe('collectPage', () => {
  it('serves pages of 5 from upstream pages of 3, 7 and 2 with nothing skipped or repeated', async () => {
    const { open } = source(23, [3, 7, 2]);
    const { all } = await drain(open, 5);
    expect(all).toEqual(Array.from({ length: 23 }, (_, i) => i));
  });

  it('re-fetches only the upstream page it stopped in', async () => {
    const { open, fetches } = source(10, [10]);
    const first = await collectPage(open, { skip: 0 }, 4);
    expect(first).toMatchObject({ data: [0, 1, 2, 3], done: false, position: { cp: undefined, skip: 4 } });
    const second = await collectPage(open, first.position ?? { skip: 0 }, 4);
    expect(second.data).toEqual([4, 5, 6, 7]);
    expect(fetches).toEqual([0, 0]);
  });

  it('property: any total, upstream page sizes and page size give every record exactly once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 120 }), fc.array(fc.integer({ min: 1, max: 15 }), { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 20 }), async (total, sizes, pageSize) => {
        const { open } = source(total, sizes);
        const { all } = await drain(open, pageSize);
        expect(all).toEqual(Array.from({ length: total }, (_, i) => i));
      }),
      { numRuns: 150 },
    );
  });
});

describe('PagedStateSigner', () => {
  const key = randomBytes(32);
  const expected = { teamId: 't1', connectionId: 'c1', hash: exportHash({ http: { relativeURI: '/x' } }) };
  const position: SearchPosition = { v: 1, t: 't1', c: 'c1', h: expected.hash, cp: { page: 2 }, skip: 3 };
  const searchId = Buffer.from(JSON.stringify(position)).toString('base64url');
  const now = 1_700_000_000_000;
  const signer = new PagedStateSigner(key, () => now);
  const state = signer.sign({ searchId, pageIndex: 2, pageSize: 5, totalRecords: 822, done: false, issuedAt: now / 1000 });

  it('signs with a 64-hex HMAC and verifies the position back', () => {
    expect(state.sig).toMatch(/^[0-9a-f]{64}$/);
    expect(signer.verify(state, expected)).toEqual({ ok: true, state, position });
  });

  it.each([
    ['a changed pageIndex', { ...state, pageIndex: 3 }, 'tampered'],
    ['a changed searchId', { ...state, searchId: Buffer.from(JSON.stringify({ ...position, skip: 0 })).toString('base64url') }, 'tampered'],
    ['a changed done flag', { ...state, done: true }, 'tampered'],
    ['a broken signature', { ...state, sig: 'ab'.repeat(32) }, 'tampered'],
    ['no object', 'state', 'malformed'],
  ])('refuses %s', (_label, candidate, reason) => {
    expect(signer.verify(candidate, expected)).toEqual({ ok: false, reason });
  });

  it('refuses an expired state, another team or connection, and another export', () => {
    expect(new PagedStateSigner(key, () => now + 3601_000).verify(state, expected)).toEqual({ ok: false, reason: 'expired' });
    expect(signer.verify(state, { ...expected, teamId: 't2' })).toEqual({ ok: false, reason: 'foreign' });
    expect(signer.verify(state, { ...expected, connectionId: 'c2' })).toEqual({ ok: false, reason: 'foreign' });
    expect(signer.verify(state, { ...expected, hash: exportHash({ http: { relativeURI: '/y' } }) })).toEqual({ ok: false, reason: 'different_export' });
  });

  it('hashes exports regardless of key order, pageSize and asynchronous', () => {
    expect(exportHash({ a: 1, b: { c: 2, d: 3 }, pageSize: 5 })).toBe(exportHash({ b: { d: 3, c: 2 }, a: 1, asynchronous: true }));
    expect(exportHash({ a: 1 })).not.toBe(exportHash({ a: 2 }));
  });
});
