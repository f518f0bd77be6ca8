import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeRfc3986, serializeQuery } from './query-string.js';

describe('serializeQuery arrays', () => {
  const params = { ids: [1, 2], q: 'x' };

  it.each([
    ['comma', 'ids=1,2&q=x'],
    ['brackets', 'ids[]=1&ids[]=2&q=x'],
    ['indices', 'ids[0]=1&ids[1]=2&q=x'],
    ['repeat', 'ids=1&ids=2&q=x'],
  ] as const)('%s → %s', (format, expected) => {
    expect(serializeQuery(params, format)).toBe(expected);
  });

  it('defaults to comma', () => {
    expect(serializeQuery(params)).toBe('ids=1,2&q=x');
  });

  it('encodes commas inside comma-joined items so they stay distinguishable', () => {
    expect(serializeQuery({ tags: ['a,b', 'c d'] }, 'comma')).toBe('tags=a%2Cb,c%20d');
  });

  it('drops undefined items and writes null items as empty', () => {
    expect(serializeQuery({ a: [1, undefined, null, 2] }, 'comma')).toBe('a=1,,2');
    expect(serializeQuery({ a: [1, undefined, null] }, 'repeat')).toBe('a=1&a=');
  });

  it('drops empty arrays and empty objects', () => {
    expect(serializeQuery({ a: [], b: {}, c: 1 }, 'brackets')).toBe('c=1');
  });

  it.each([
    ['comma', 'items[0][id]=1&items[1][id]=2'],
    ['brackets', 'items[][id]=1&items[][id]=2'],
    ['indices', 'items[0][id]=1&items[1][id]=2'],
    ['repeat', 'items[id]=1&items[id]=2'],
  ] as const)('arrays of objects in %s → %s', (format, expected) => {
    expect(serializeQuery({ items: [{ id: 1 }, { id: 2 }] }, format)).toBe(expected);
  });
});

describe('serializeQuery values', () => {
  it('nests objects with brackets in every format', () => {
    for (const format of ['comma', 'brackets', 'indices', 'repeat'] as const) {
      expect(serializeQuery({ filter: { status: 'open', owner: { id: 7 } } }, format)).toBe('filter[status]=open&filter[owner][id]=7');
    }
    expect(serializeQuery({ filter: { ids: [1, 2] } }, 'brackets')).toBe('filter[ids][]=1&filter[ids][]=2');
    expect(serializeQuery({ filter: { ids: [1, 2] } }, 'comma')).toBe('filter[ids]=1,2');
  });

  it('drops undefined, writes null empty and stringifies scalars and dates', () => {
    const params = { gone: undefined, empty: null, n: 1.5, t: true, f: false, z: 0, d: new Date('2024-01-02T03:04:05.000Z') };
    expect(serializeQuery(params)).toBe('empty=&n=1.5&t=true&f=false&z=0&d=2024-01-02T03%3A04%3A05.000Z');
  });

  it('percent-encodes keys and values per RFC 3986', () => {
    expect(serializeQuery({ 'a b': "it's (x)*!", 'k&=': 'v+w/é' })).toBe('a%20b=it%27s%20%28x%29%2A%21&k%26%3D=v%2Bw%2F%C3%A9');
    expect(serializeQuery({ f: { 'a]b': 1 } })).toBe('f[a%5Db]=1');
  });

  it('returns an empty string for no parameters', () => {
    expect(serializeQuery({})).toBe('');
  });
});

describe('encodeRfc3986', () => {
  it('encodes what encodeURIComponent leaves and survives lone surrogates', () => {
    expect(encodeRfc3986("!'()*~-._")).toBe('%21%27%28%29%2A~-._');
    expect(encodeRfc3986('\uDC00x')).toBe('%EF%BF%BDx');
  });
});

describe('properties', () => {
  it('a flat string map in repeat format parses back with URLSearchParams', () => {
    const key = fc.string({ minLength: 1 }).filter((k) => !k.includes('\u0000'));
    fc.assert(
      fc.property(fc.dictionary(key, fc.string()), (params) => {
        const parsed = new URLSearchParams(serializeQuery(params, 'repeat'));
        expect(Object.fromEntries(parsed)).toEqual({ ...params });
        expect([...parsed.keys()]).toEqual(Object.keys(params));
      }),
    );
  });

  it('flat arrays of strings in repeat format parse back in order', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.array(fc.string()), (key, values) => {
        expect(new URLSearchParams(serializeQuery({ [key]: values }, 'repeat')).getAll(key)).toEqual(values);
      }),
    );
  });
});
