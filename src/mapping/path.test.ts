import { describe, expect, it } from 'vitest';
import { MappingError } from './errors.js';
import { parsePath, readPath, splitAtWildcard } from './path.js';

const segments = (text: string) => parsePath(text, 'f').segments;

describe('parsePath', () => {
  it.each([
    ['a.b.c', [{ kind: 'key', key: 'a' }, { kind: 'key', key: 'b' }, { kind: 'key', key: 'c' }]],
    ['a[0].b', [{ kind: 'key', key: 'a' }, { kind: 'index', index: 0 }, { kind: 'key', key: 'b' }]],
    ['lines[*].sku', [{ kind: 'key', key: 'lines' }, { kind: 'wildcard' }, { kind: 'key', key: 'sku' }]],
    ['$.a', [{ kind: 'key', key: 'a' }]],
    ['$', []],
    ['$$.a', [{ kind: 'key', key: 'a' }]],
    ['$id', [{ kind: 'key', key: '$id' }]],
    ['Trial Start', [{ kind: 'key', key: 'Trial Start' }]],
    ['$.Trial Start', [{ kind: 'key', key: 'Trial Start' }]],
    ['["Trial Start"]', [{ kind: 'key', key: 'Trial Start' }]],
    ["$['a.b'][\"c]\"]", [{ kind: 'key', key: 'a.b' }, { kind: 'key', key: 'c]' }]],
    ['[Trial Start].x', [{ kind: 'key', key: 'Trial Start' }, { kind: 'key', key: 'x' }]],
    ['["say \\"hi\\""]', [{ kind: 'key', key: 'say "hi"' }]],
    ['a.0', [{ kind: 'key', key: 'a' }, { kind: 'key', key: '0' }]],
  ])('%s', (text, expected) => {
    expect(segments(text)).toEqual(expected);
  });

  it('tells $ from $$', () => {
    expect(parsePath('$.a', 'f').root).toBe('context');
    expect(parsePath('$$.a', 'f').root).toBe('record');
    expect(parsePath('a', 'f').root).toBe('context');
  });

  it.each([
    ['__proto__', 'uses the forbidden key "__proto__"'],
    ['a.constructor', 'uses the forbidden key "constructor"'],
    ['a["prototype"]', 'uses the forbidden key "prototype"'],
    ['a..b', 'has an empty segment'],
    ['a.', 'ends with a dot'],
    ['$.', 'ends with a dot'],
    ['a[', 'has an unclosed ['],
    ['a["b', 'has an unclosed quoted key'],
    ['a[]', 'has an empty [ ]'],
  ])('refuses %s', (text, message) => {
    expect(() => parsePath(text, 'f')).toThrow(MappingError);
    expect(() => parsePath(text, 'f')).toThrow(message);
  });
});

describe('readPath', () => {
  const record = { a: { b: [{ c: 1 }, { c: 2 }, {}] }, m: [[1, 2], [3]], s: 'text' };
  it.each([
    ['a.b[1].c', 2],
    ['a.b[*].c', [1, 2]],
    ['a.b[*]', [{ c: 1 }, { c: 2 }, {}]],
    ['m[*]', [[1, 2], [3]]],
    ['m[*][*]', [1, 2, 3]],
    ['a.x[*].c', undefined],
    ['s.length', undefined],
    ['a.hasOwnProperty', undefined],
    ['$', record],
  ])('%s', (text, expected) => {
    expect(readPath(record, parsePath(text, 'f'))).toEqual(expected);
  });
});

describe('splitAtWildcard', () => {
  it('splits at the first [*]', () => {
    const split = splitAtWildcard(parsePath('o[*].l[*].sku', 'f'));
    expect(split?.array.segments).toEqual([{ kind: 'key', key: 'o' }]);
    expect(split?.item.segments).toEqual([{ kind: 'key', key: 'l' }, { kind: 'wildcard' }, { kind: 'key', key: 'sku' }]);
    expect(split?.item.wildcard).toBe(true);
    expect(splitAtWildcard(parsePath('a.b', 'f'))).toBeNull();
  });
});
