import { describe, expect, it } from 'vitest';
import { ID_PATTERN, isId, newId } from './ids.js';

describe('newId', () => {
  it('is 24 lower-case hex characters', () => {
    const id = newId();
    expect(id).toMatch(/^[0-9a-f]{24}$/);
    expect(isId(id)).toBe(true);
    expect(new RegExp(ID_PATTERN).test(id)).toBe(true);
  });

  it('starts with the creation time in whole seconds, as 8 hex characters', () => {
    expect(newId(new Date(1_700_000_000_999)).slice(0, 8)).toBe('6553f100');
    expect(newId(new Date(0)).slice(0, 8)).toBe('00000000');
    expect(newId(new Date('2106-02-07T06:28:15Z')).slice(0, 8)).toBe('ffffffff');
  });

  it('sorts ids of later seconds after earlier ones', () => {
    const ids = [3, 1, 2, 1000, 0].map((s) => newId(new Date(1_700_000_000_000 + s * 1000)));
    expect([...ids].sort()).toEqual([ids[4], ids[1], ids[2], ids[0], ids[3]]);
  });

  it('never repeats over 10,000 calls in the same second', () => {
    const now = new Date(1_700_000_000_000);
    const ids = new Set(Array.from({ length: 10_000 }, () => newId(now)));
    expect(ids.size).toBe(10_000);
  });

  it('sorts ids of one process in creation order within the same second', () => {
    const now = new Date(1_700_000_000_000);
    const ids = Array.from({ length: 100 }, () => newId(now));
    const wraps = ids.slice(1).filter((id, i) => id < (ids[i] as string)).length;
    expect(wraps).toBeLessThanOrEqual(1); // only a counter wrap-around may break the order
    expect(new Set(ids.map((id) => id.slice(8, 18))).size).toBe(1);
  });

  it('ends with a counter that steps by one per call', () => {
    const a = Number.parseInt(newId().slice(18), 16);
    const b = Number.parseInt(newId().slice(18), 16);
    expect(b).toBe((a + 1) % 0xffffff);
  });
});

describe('isId', () => {
  it.each(['', '6553f100', '6553F1000000000000000001', '6553f100000000000000000g', '6553f10000000000000000011'])('refuses %j', (value) => {
    expect(isId(value)).toBe(false);
  });
});

describe('newUuid', () => {
  it('is a version-7 UUID whose first 48 bits are the milliseconds', async () => {
    const { newUuid } = await import('./ids.js');
    const id = newUuid(new Date(0x0123456789ab));
    expect(id).toMatch(/^01234567-89ab-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('sorts by creation time across milliseconds', async () => {
    const { newUuid } = await import('./ids.js');
    const a = newUuid(new Date(1_700_000_000_000));
    const b = newUuid(new Date(1_700_000_000_001));
    expect(a < b).toBe(true);
  });
});
