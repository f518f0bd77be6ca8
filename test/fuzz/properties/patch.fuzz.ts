import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyConnectionPatch, touchesSecret } from '../../../src/connections/patch.js';
import { AppError } from '../../../src/errors.js';

// Properties of JSON Patch on connections (src/connections/patch.ts).

type Doc = Record<string, unknown>;

const aConnection = fc.record({
  type: fc.constant('http'),
  name: fc.string({ minLength: 1, maxLength: 10 }),
  _id: fc.constant('0123456789abcdef01234567'),
  http: fc.record({
    baseURI: fc.webUrl(),
    mediaType: fc.constantFrom('json', 'xml'),
    headers: fc.array(fc.record({ name: fc.string({ maxLength: 5 }), value: fc.string({ maxLength: 5 }) }), { maxLength: 3 }),
    auth: fc.record({ type: fc.constant('token'), token: fc.record({ token: fc.constant('******'), location: fc.constant('header') }) }),
  }),
  context: fc.dictionary(fc.stringMatching(/^[a-z]{1,4}$/), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
});

/** Pointers into the editable parts of the document, some existing and some not. */
const pointer = fc.oneof(
  fc.constantFrom('/name', '/http/baseURI', '/http/mediaType', '/http/headers/0', '/http/headers/-', '/http/headers/0/name', '/context', '/context/a', '/http/auth/token/token', '/debugDate'),
  fc.array(fc.constantFrom('name', 'http', 'context', 'headers', '0', '-', 'a', '~0', '~1', '__proto__', 'constructor', 'prototype', '_id', 'queues', ''), { minLength: 1, maxLength: 4 }).map((parts) => `/${parts.join('/')}`),
  fc.string({ maxLength: 12 }),
);
const operation = fc.record(
  { op: fc.constantFrom('add', 'remove', 'replace', 'move', 'copy', 'test', 'bogus'), path: pointer, from: pointer, value: fc.jsonValue({ maxDepth: 2 }) },
  { requiredKeys: ['op', 'path'] },
);

/** The reference: RFC 6902 `replace` on an existing object member, written plainly. */
function referenceReplace(doc: Doc, parts: readonly string[], value: unknown): Doc {
  const copy = structuredClone(doc);
  let node = copy as Record<string, unknown>;
  parts.slice(0, -1).forEach((part) => (node = node[part] as Record<string, unknown>));
  node[parts.at(-1)!] = structuredClone(value);
  return copy;
}

describe('JSON Patch on connections: properties', () => {
  it('never throws anything but a typed AppError (PATCH_*), whatever the operations', () => {
    fc.assert(
      fc.property(aConnection, fc.oneof(fc.array(operation, { maxLength: 4 }), fc.jsonValue({ maxDepth: 3 }), fc.array(fc.anything({ maxDepth: 2 }), { maxLength: 3 })), (doc, operations) => {
        try {
          applyConnectionPatch(doc, operations);
        } catch (error) {
          expect(error).toBeInstanceOf(AppError);
          expect((error as AppError).code).toMatch(/^PATCH_/);
          expect((error as AppError).status).toBe(422);
        }
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
    );
  });

  it('never changes the document or the operations it is given', () => {
    fc.assert(
      fc.property(aConnection, fc.array(operation, { minLength: 1, maxLength: 4 }), (doc, operations) => {
        const before = structuredClone(doc);
        const ops = structuredClone(operations);
        try {
          const result = applyConnectionPatch(doc, operations);
          // The result shares nothing with the input: changing it leaves the input alone.
          (result as Doc).name = 'changed';
        } catch {
          // refused patches are covered by the previous property
        }
        expect(doc).toEqual(before);
        expect(operations).toEqual(ops);
      }),
    );
  });

  it('replace equals the reference on existing members, and replacing back restores the document', () => {
    const target = fc.constantFrom(['name'], ['http', 'baseURI'], ['http', 'mediaType'], ['context']);
    fc.assert(
      fc.property(aConnection, target, fc.jsonValue({ maxDepth: 2 }), (doc, parts, value) => {
        const path = `/${parts.join('/')}`;
        const patched = applyConnectionPatch(doc, [{ op: 'replace', path, value }]);
        expect(patched).toEqual(referenceReplace(doc, parts, value));
        const original = parts.reduce<unknown>((node, part) => (node as Doc)[part], doc);
        expect(applyConnectionPatch(patched, [{ op: 'replace', path, value: original }])).toEqual(doc);
      }),
    );
  });

  it('add then remove of a new context key is the identity; a failing patch applies nothing (all or nothing)', () => {
    fc.assert(
      fc.property(aConnection, fc.stringMatching(/^[A-Z]{1,5}$/), fc.jsonValue({ maxDepth: 2 }), (doc, key, value) => {
        const path = `/context/${key}`;
        expect(applyConnectionPatch(doc, [{ op: 'add', path, value }, { op: 'remove', path }])).toEqual(doc);
        expect(() => applyConnectionPatch(doc, [{ op: 'replace', path: '/name', value: 'x' }, { op: 'remove', path: '/context/not-there-at-all' }])).toThrow(AppError);
      }),
    );
  });

  it('quotes no value headed for a secret field in its errors', () => {
    const secretPath = fc.constantFrom('/http/auth/token/token', '/http/auth/basic/password', '/rest/bearerToken', '/rest/basicAuth/password', '/http/auth/oauth2/clientSecret');
    fc.assert(
      fc.property(aConnection, secretPath, fc.string({ minLength: 6, maxLength: 20 }), (doc, path, secret) => {
        expect(touchesSecret(path)).toBe(true);
        const value = `SECRET-${secret}`;
        try {
          applyConnectionPatch(doc, [{ op: 'test', path, value }]);
          throw new Error('a test against a secret succeeded');
        } catch (error) {
          expect(error).toBeInstanceOf(AppError);
          expect(JSON.stringify({ message: (error as AppError).message, details: (error as AppError).details })).not.toContain(value);
        }
      }),
    );
  });
});
