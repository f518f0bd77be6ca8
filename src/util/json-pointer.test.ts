import { describe, expect, it } from 'vitest';
import { deleteAt, expandPattern, formatPointer, getAt, parsePointer, pointerToPath, setAt } from './json-pointer.js';

describe('parsePointer / formatPointer', () => {
  it.each([
    ['', []],
    ['/', ['']],
    ['/rest/basicAuth/password', ['rest', 'basicAuth', 'password']],
    ['/a~1b/c~0d', ['a/b', 'c~d']],
    ['/~01', ['~1']],
    ['/~10', ['/0']],
    ['/items/0', ['items', '0']],
  ])('%j ⇄ %j', (pointer, parts) => {
    expect(parsePointer(pointer)).toEqual(parts);
    expect(formatPointer(parts)).toBe(pointer);
  });

  it('refuses a pointer that does not start with "/"', () => {
    expect(() => parsePointer('rest/bearerToken')).toThrow('Invalid JSON pointer "rest/bearerToken"');
  });

  it('names pointers the way users name fields', () => {
    expect(pointerToPath('/rest/basicAuth/password')).toBe('rest.basicAuth.password');
    expect(pointerToPath('/http/encrypted/a~1b')).toBe('http.encrypted.a/b');
  });
});

describe('getAt', () => {
  const doc = { rest: { headers: [{ name: 'x', value: 'y' }], 'a/b': 1, '~': 2, zero: 0, none: null } };

  it('reads objects and array items', () => {
    expect(getAt(doc, '/rest/headers/0/value')).toBe('y');
    expect(getAt(doc, '/rest/a~1b')).toBe(1);
    expect(getAt(doc, '/rest/~0')).toBe(2);
    expect(getAt(doc, '/rest/zero')).toBe(0);
    expect(getAt(doc, '/rest/none')).toBeNull();
    expect(getAt(doc, '')).toBe(doc);
  });

  it('gives undefined for missing paths and paths through primitives', () => {
    expect(getAt(doc, '/rest/missing')).toBeUndefined();
    expect(getAt(doc, '/rest/headers/1')).toBeUndefined();
    expect(getAt(doc, '/rest/zero/x')).toBeUndefined();
    expect(getAt(doc, '/rest/none/x')).toBeUndefined();
    expect(getAt(undefined, '/a')).toBeUndefined();
  });

  it('never follows inherited keys', () => {
    expect(getAt({}, '/__proto__')).toBeUndefined();
    expect(getAt({}, '/constructor')).toBeUndefined();
    expect(getAt({}, '/constructor/prototype')).toBeUndefined();
    expect(getAt({}, '/toString')).toBeUndefined();
    expect(getAt([], '/length')).toBe(0); // own property of arrays
    expect(getAt([], '/map')).toBeUndefined();
  });
});

describe('setAt', () => {
  it('sets a value, creating plain objects on the way', () => {
    const doc: Record<string, unknown> = { name: 'n' };
    setAt(doc, '/rest/basicAuth/password', 'pw');
    expect(doc).toEqual({ name: 'n', rest: { basicAuth: { password: 'pw' } } });
  });

  it('replaces a primitive standing in the way with an object', () => {
    const doc: Record<string, unknown> = { rest: 'x' };
    setAt(doc, '/rest/bearerToken', 't');
    expect(doc).toEqual({ rest: { bearerToken: 't' } });
  });

  it('sets inside existing arrays and unescapes ~0 ~1', () => {
    const doc: Record<string, unknown> = { rest: { encryptedFields: [{ name: 'a' }, { name: 'b' }] }, http: { encrypted: {} } };
    setAt(doc, '/rest/encryptedFields/1/value', 'v');
    setAt(doc, '/http/encrypted/a~1b~0c', 's');
    expect(doc).toEqual({ rest: { encryptedFields: [{ name: 'a' }, { name: 'b', value: 'v' }] }, http: { encrypted: { 'a/b~c': 's' } } });
  });

  it('refuses the document root', () => {
    expect(() => setAt({}, '', 1)).toThrow('Cannot set the document root');
  });

  it('does not pollute Object.prototype', () => {
    for (const pointer of ['/__proto__/polluted', '/constructor/prototype/polluted', '/a/__proto__/polluted']) {
      setAt({}, pointer, 'yes');
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });
});

describe('deleteAt', () => {
  it('removes an object key and leaves the rest', () => {
    const doc = { rest: { bearerToken: 't', baseURI: 'u' } };
    deleteAt(doc, '/rest/bearerToken');
    expect(doc).toEqual({ rest: { baseURI: 'u' } });
  });

  it('ignores missing paths, the root and array items', () => {
    const doc = { list: [1, 2], rest: {} };
    deleteAt(doc, '/rest/missing/deeper');
    deleteAt(doc, '/nope');
    deleteAt(doc, '');
    deleteAt(doc, '/list/0');
    expect(doc).toEqual({ list: [1, 2], rest: {} });
  });

  it('never deletes inherited keys', () => {
    deleteAt({}, '/constructor/prototype/toString');
    deleteAt({}, '/__proto__/hasOwnProperty');
    expect(typeof Object.prototype.toString).toBe('function');
    expect(typeof Object.prototype.hasOwnProperty).toBe('function');
  });
});

describe('expandPattern', () => {
  it('expands "*" over array indexes', () => {
    expect(expandPattern({ a: [{ v: 1 }, { v: 2 }, { w: 3 }] }, '/a/*/v')).toEqual(['/a/0/v', '/a/1/v']);
  });

  it('expands "*" over object keys, escaping them', () => {
    expect(expandPattern({ enc: { x: '1', 'a/b': '2', 't~': '3' } }, '/enc/*')).toEqual(['/enc/x', '/enc/a~1b', '/enc/t~0']);
  });

  it('returns a literal pointer only when it exists (null counts, undefined does not)', () => {
    expect(expandPattern({ a: { b: null } }, '/a/b')).toEqual(['/a/b']);
    expect(expandPattern({ a: { b: undefined } }, '/a/b')).toEqual([]);
    expect(expandPattern({ a: {} }, '/a/b')).toEqual([]);
    expect(expandPattern({ a: 'text' }, '/a/*')).toEqual([]);
    expect(expandPattern({ a: [] }, '/a/*/v')).toEqual([]);
  });

  it('never follows prototype keys', () => {
    expect(expandPattern({}, '/__proto__')).toEqual([]);
    expect(expandPattern({}, '/constructor/prototype')).toEqual([]);
    expect(expandPattern({}, '/*')).toEqual([]);
    expect(expandPattern(Object.create({ inherited: 'x' }) as object, '/*')).toEqual([]);
  });
});
