import { describe, expect, it } from 'vitest';
import { Failure } from './errors.js';
import { compileStaticLookup, DynamicLookups } from './lookups.js';
import type { DynamicLookup } from './schema.js';

describe('compileStaticLookup', () => {
  const lookup = compileStaticLookup({ name: 'codes', map: { a: 1, true: 'yes' } });
  it('reads keys as text and arrays item by item', () => {
    expect(lookup('a')).toBe(1);
    expect(lookup(true)).toBe('yes');
    expect(lookup(['a', 'a'])).toEqual([1, 1]);
  });
  it('fails on objects and on any missing item of an array', () => {
    expect((lookup({ a: 1 }) as Failure).message).toBe('lookup "codes" cannot use an object or array as a key for {"a":1}');
    expect((lookup(['a', 'b']) as Failure).message).toBe('lookup "codes" has no entry for "b"');
  });
});

describe('DynamicLookups', () => {
  const lookup: DynamicLookup = { name: 'user', relativeURI: '/users/{{key}}', extract: 'id' };

  it('shares one pending request between concurrent records', async () => {
    let calls = 0;
    let release: (body: unknown) => void = () => {};
    const lookups = new DynamicLookups(() => {
      calls++;
      return new Promise((resolve) => {
        release = resolve;
      });
    });
    lookups.prepare(lookup);
    const pending = [lookups.resolve(lookup, 'u1'), lookups.resolve(lookup, 'u1'), lookups.resolve(lookup, 'u1')];
    release({ id: 42 });
    expect(await Promise.all(pending)).toEqual([42, 42, 42]);
    expect(calls).toBe(1);
    expect(lookups.stats).toEqual({ requests: 1, cacheHits: 2 });
  });

  it('looks up each item of an array value, failing on the first miss', async () => {
    const lookups = new DynamicLookups(async (_, key) => (key === 'none' ? undefined : { id: `id-${key}` }));
    lookups.prepare(lookup);
    expect(await lookups.resolve(lookup, ['a', 'b', 'a'])).toEqual(['id-a', 'id-b', 'id-a']);
    expect(lookups.stats).toEqual({ requests: 2, cacheHits: 1 });
    expect(((await lookups.resolve(lookup, ['a', 'none'])) as Failure).message).toBe('lookup "user" found nothing for "none"');
  });
});
