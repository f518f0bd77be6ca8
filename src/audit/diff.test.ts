import { describe, expect, it } from 'vitest';
import { changedPointers, diffFields } from './diff.js';

describe('changedPointers', () => {
  it('finds nothing between equal documents', () => {
    expect(changedPointers({ a: { b: [1, { c: 2 }] } }, { a: { b: [1, { c: 2 }] } })).toEqual([]);
  });

  it('walks nested objects down to the changed leaves, sorted by key', () => {
    const before = { name: 'a', rest: { baseURI: 'https://a.test', basicAuth: { username: 'u', password: 'p' }, mediaType: 'json' } };
    const after = { name: 'b', rest: { baseURI: 'https://a.test', basicAuth: { username: 'u', password: 'q' }, mediaType: 'xml' } };
    expect(changedPointers(before, after)).toEqual(['/name', '/rest/basicAuth/password', '/rest/mediaType']);
  });

  it('treats arrays as leaves', () => {
    expect(changedPointers({ list: [1, 2, 3] }, { list: [1, 2, 4] })).toEqual(['/list']);
    expect(changedPointers({ list: [{ a: 1 }] }, { list: [{ a: 1 }, { a: 2 }] })).toEqual(['/list']);
  });

  it('reports added and removed fields, and a whole object added or removed', () => {
    expect(changedPointers({ a: 1 }, { b: 2 })).toEqual(['/a', '/b']);
    expect(changedPointers({ name: 'n' }, { name: 'n', rest: { baseURI: 'u' } })).toEqual(['/rest']);
    expect(changedPointers({ x: { y: 1 } }, { x: 'flat' })).toEqual(['/x']);
  });

  it('escapes keys holding "/" or "~"', () => {
    expect(changedPointers({ enc: { 'a/b': 1 } }, { enc: { 'a/b': 2 } })).toEqual(['/enc/a~1b']);
  });

  it('tells null from absent', () => {
    expect(changedPointers({ d: null }, {})).toEqual(['/d']);
  });
});

describe('diffFields', () => {
  it('lists each change with dotted field paths', () => {
    const before = { name: 'old', rest: { headers: [{ name: 'a', value: '1' }] } };
    const after = { name: 'new', rest: { headers: [{ name: 'a', value: '2' }] } };
    expect(diffFields(before, after, before, after)).toEqual([
      { fieldPath: 'name', oldValue: 'old', newValue: 'new' },
      { fieldPath: 'rest.headers', oldValue: [{ name: 'a', value: '1' }], newValue: [{ name: 'a', value: '2' }] },
    ]);
  });

  it('shows an added or removed field as null on the other side', () => {
    expect(diffFields({ a: 1 }, { b: 'x' }, { a: 1 }, { b: 'x' })).toEqual([
      { fieldPath: 'a', oldValue: 1, newValue: null },
      { fieldPath: 'b', oldValue: null, newValue: 'x' },
    ]);
  });

  it('records a rotated secret, showing only the masked values', () => {
    const before = { rest: { baseURI: 'https://a.test', bearerToken: 'old-token' } };
    const after = { rest: { baseURI: 'https://a.test', bearerToken: 'new-token' } };
    const masked = { rest: { baseURI: 'https://a.test', bearerToken: '******' } };
    const changes = diffFields(before, after, masked, masked);

    expect(changes).toEqual([{ fieldPath: 'rest.bearerToken', oldValue: '******', newValue: '******' }]);
    expect(JSON.stringify(changes)).not.toMatch(/old-token|new-token/);
  });

  it('shows a secret that was set for the first time as null → mask', () => {
    const changes = diffFields({ rest: {} }, { rest: { bearerToken: 't0ken' } }, { rest: {} }, { rest: { bearerToken: '******' } });
    expect(changes).toEqual([{ fieldPath: 'rest.bearerToken', oldValue: null, newValue: '******' }]);
  });

  it('takes a whole added object from the masked version', () => {
    const after = { rest: { baseURI: 'u', encryptedFields: [{ name: 'k', value: 'secret' }] } };
    const maskedAfter = { rest: { baseURI: 'u', encryptedFields: [{ name: 'k', value: '******' }] } };
    expect(diffFields({}, after, {}, maskedAfter)).toEqual([{ fieldPath: 'rest', oldValue: null, newValue: maskedAfter.rest }]);
  });

  it('finds nothing when only the masks would differ but the values did not', () => {
    const doc = { rest: { bearerToken: 'same' } };
    expect(diffFields(doc, structuredClone(doc), { rest: { bearerToken: '******' } }, { rest: { bearerToken: '******' } })).toEqual([]);
  });
});
