import { describe, expect, it } from 'vitest';
import { readDotPath } from './dot-path.js';

describe('readDotPath', () => {
  it('follows nested own properties and array indexes', () => {
    expect(readDotPath({ meta: { next: 'abc' } }, 'meta.next')).toBe('abc');
    expect(readDotPath({ data: { items: [{ id: 1 }, { id: 2 }] } }, 'data.items.1.id')).toBe(2);
  });

  it('returns the value itself for an empty path', () => {
    expect(readDotPath({ a: 1 }, '')).toEqual({ a: 1 });
  });

  it('returns undefined for missing paths and non-objects', () => {
    expect(readDotPath({ a: 1 }, 'b')).toBeUndefined();
    expect(readDotPath({ a: 1 }, 'a.b')).toBeUndefined();
    expect(readDotPath(null, 'a')).toBeUndefined();
    expect(readDotPath('text', 'length')).toBeUndefined();
  });

  it('keeps null and false values (they mean "no more")', () => {
    expect(readDotPath({ next: null }, 'next')).toBeNull();
    expect(readDotPath({ more: false }, 'more')).toBe(false);
  });

  it('never reaches into the prototype chain', () => {
    expect(readDotPath({}, 'constructor')).toBeUndefined();
    expect(readDotPath({}, '__proto__')).toBeUndefined();
    expect(readDotPath({}, 'toString')).toBeUndefined();
    expect(readDotPath({ a: {} }, 'a.constructor.prototype')).toBeUndefined();
    expect(readDotPath(JSON.parse('{"__proto__": {"x": 1}}'), '__proto__.x')).toBeUndefined();
    expect(readDotPath({ constructor: 'own' }, 'constructor')).toBeUndefined();
  });
});
