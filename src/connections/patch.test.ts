import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { applyConnectionPatch, touchesSecret } from './patch.js';

/** The editable, masked form a patch applies to. */
function aMaskedConnection() {
  return {
    type: 'rest',
    name: 'Slack',
    rest: {
      baseURI: 'https://slack.test/api',
      bearerToken: '******',
      headers: [{ name: 'x-team', value: 'a' }],
      basicAuth: { username: 'me', password: '******' },
    },
  };
}

/** Applies the patch and returns the AppError it throws; fails the test when it does not throw one. */
function patchError(operations: unknown, doc: object = aMaskedConnection()): AppError {
  try {
    applyConnectionPatch(doc, operations);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error(`expected the patch ${JSON.stringify(operations)} to fail`);
}

describe('applyConnectionPatch', () => {
  it('applies add, remove, replace, move, copy and test in order', () => {
    const result = applyConnectionPatch(aMaskedConnection(), [
      { op: 'test', path: '/name', value: 'Slack' },
      { op: 'replace', path: '/name', value: 'Slack EU' },
      { op: 'add', path: '/rest/headers/-', value: { name: 'x-b', value: 'b' } },
      { op: 'remove', path: '/rest/headers/0' },
      { op: 'copy', from: '/rest/baseURI', path: '/rest/pingRelativeURI' },
      { op: 'move', from: '/rest/basicAuth', path: '/http' },
      { op: 'add', path: '/debugDate', value: null },
    ]);
    expect(result).toEqual({
      type: 'rest',
      name: 'Slack EU',
      rest: {
        baseURI: 'https://slack.test/api',
        bearerToken: '******',
        headers: [{ name: 'x-b', value: 'b' }],
        pingRelativeURI: 'https://slack.test/api',
      },
      http: { username: 'me', password: '******' },
      debugDate: null,
    });
  });

  it('a test on a secret compares against the mask, never the stored value', () => {
    expect(applyConnectionPatch(aMaskedConnection(), [{ op: 'test', path: '/rest/bearerToken', value: '******' }])).toEqual(aMaskedConnection());
    expect(patchError([{ op: 'test', path: '/rest/bearerToken', value: 'real-token' }]).message).toBe(
      'Operation 0 is invalid: the "test" value does not match.',
    );
  });

  it('never mutates the document or the operations', () => {
    const doc = aMaskedConnection();
    const operations = [
      { op: 'replace', path: '/rest/basicAuth/username', value: 'you' },
      { op: 'remove', path: '/rest/headers/0' },
    ];
    const result = applyConnectionPatch(doc, operations);
    expect(doc).toEqual(aMaskedConnection());
    expect(operations).toEqual([
      { op: 'replace', path: '/rest/basicAuth/username', value: 'you' },
      { op: 'remove', path: '/rest/headers/0' },
    ]);
    expect(result.rest.basicAuth.username).toBe('you');
    expect(result.rest.headers).toEqual([]);
  });

  it('never shares objects between the result and the operations', () => {
    const operations = [
      { op: 'add', path: '/rest/headers', value: [] as Array<{ name: string; value: string }> },
      { op: 'add', path: '/rest/headers/-', value: { name: 'x', value: 'y' } },
    ];
    const result = applyConnectionPatch(aMaskedConnection(), operations);
    expect(result.rest.headers).toEqual([{ name: 'x', value: 'y' }]);
    expect(operations[0]?.value).toEqual([]);
  });

  it('leaves the document untouched when a later operation fails', () => {
    const doc = aMaskedConnection();
    patchError([{ op: 'replace', path: '/name', value: 'x' }, { op: 'remove', path: '/rest/missing' }], doc);
    expect(doc).toEqual(aMaskedConnection());
  });

  describe('refuses', () => {
    it('a body that is not an array', () => {
      const error = patchError({ op: 'replace', path: '/name', value: 'x' });
      expect(error.code).toBe('PATCH_OP_INVALID');
      expect(error.status).toBe(422);
      expect(error.message).toBe(
        'A JSON Patch body must be an array of operations, e.g. [{"op":"replace","path":"/name","value":"New name"}].',
      );
      expect(error.details).toEqual([{ field: 'body', message: 'must be an array' }]);
    });

    it('an empty patch', () => {
      const error = patchError([]);
      expect(error.code).toBe('PATCH_OP_INVALID');
      expect(error.message).toBe('The JSON Patch has no operations.');
      expect(error.details).toEqual([{ field: 'body', message: 'must not be empty' }]);
    });

    it.each([
      ['a non-object operation', ['replace'], 'must be an object with "op" and "path"'],
      ['an array operation', [['replace']], 'must be an object with "op" and "path"'],
      ['an unknown op', [{ op: 'merge', path: '/name', value: 'x' }], '"op" must be one of add, remove, replace, move, copy, test'],
      ['a missing op', [{ path: '/name', value: 'x' }], '"op" must be one of add, remove, replace, move, copy, test'],
      ['a path without a leading "/"', [{ op: 'replace', path: 'name', value: 'x' }], '"path" must be a JSON pointer such as "/name"'],
      ['the root path', [{ op: 'remove', path: '' }], '"path" must be a JSON pointer such as "/name"'],
      ['the path "/"', [{ op: 'remove', path: '/' }], '"path" must be a JSON pointer such as "/name"'],
      ['a non-string path', [{ op: 'remove', path: 3 }], '"path" must be a JSON pointer such as "/name"'],
      ['a move without from', [{ op: 'move', path: '/name' }], '"from" must be a JSON pointer such as "/name"'],
      ['an unknown root', [{ op: 'add', path: '/color', value: 'red' }], '"/color" is not a field of a connection'],
      ['an unknown root in from', [{ op: 'copy', from: '/color', path: '/name' }], '"/color" is not a field of a connection'],
      ['a replace without value', [{ op: 'replace', path: '/name' }], '"replace" needs a "value"'],
      ['an add without value', [{ op: 'add', path: '/name' }], '"add" needs a "value"'],
      ['a test without value', [{ op: 'test', path: '/name' }], '"test" needs a "value"'],
      ['a path through __proto__', [{ op: 'add', path: '/rest/__proto__/x', value: 1 }], '"path" must not go through "__proto__" or "constructor/prototype"'],
      ['a path through constructor/prototype', [{ op: 'add', path: '/rest/constructor/prototype', value: 1 }], '"path" must not go through "__proto__" or "constructor/prototype"'],
      ['a from through __proto__', [{ op: 'copy', from: '/rest/__proto__', path: '/name' }], '"from" must not go through "__proto__" or "constructor/prototype"'],
    ])('%s', (_label, operations, message) => {
      const error = patchError(operations);
      expect(error.code).toBe('PATCH_OP_INVALID');
      expect(error.message).toBe(`Operation 0 is invalid: ${message}.`);
      expect(error.details).toEqual([{ field: '[0]', message, index: 0, operation: (operations as unknown[])[0] }]);
    });

    it.each(['_id', 'lastModified', 'createdAt', 'queues', 'offline'])('the read-only root "%s"', (root) => {
      const operation = { op: 'replace', path: `/${root}`, value: 'x' };
      const error = patchError([{ op: 'replace', path: '/name', value: 'ok' }, operation]);
      expect(error.code).toBe('PATCH_READ_ONLY_FIELD');
      expect(error.status).toBe(422);
      expect(error.message).toBe(`Operation 1 is invalid: "${root}" is read-only.`);
      expect(error.details).toEqual([{ field: '[1]', message: `"${root}" is read-only`, index: 1, operation }]);
    });

    it('a read-only root as the source of a copy', () => {
      expect(patchError([{ op: 'copy', from: '/_id', path: '/name' }]).code).toBe('PATCH_READ_ONLY_FIELD');
    });

    it('a path that does not exist', () => {
      const operation = { op: 'replace', path: '/rest/missing', value: 'x' };
      const error = patchError([{ op: 'test', path: '/type', value: 'rest' }, operation]);
      expect(error.code).toBe('PATCH_OP_INVALID');
      expect(error.message).toBe('Operation 1 is invalid: path "/rest/missing" does not exist.');
      expect(error.details).toEqual([{ field: '[1]', message: 'path "/rest/missing" does not exist', index: 1, operation }]);
    });

    it('a from that does not exist', () => {
      const operation = { op: 'move', from: '/rest/missing', path: '/name' };
      const error = patchError([{ op: 'replace', path: '/name', value: 'x' }, operation]);
      expect(error.message).toBe('Operation 1 is invalid: from "/rest/missing" does not exist.');
      expect(error.details).toEqual([{ field: '[1]', message: 'from "/rest/missing" does not exist', index: 1, operation }]);
    });

    it('a path removed by an earlier operation of the same patch', () => {
      const error = patchError([
        { op: 'remove', path: '/rest/basicAuth' },
        { op: 'replace', path: '/rest/basicAuth/username', value: 'x' },
      ]);
      expect(error.message).toBe('Operation 1 is invalid: path "/rest/basicAuth/username" does not exist.');
    });

    it('an add under a parent that does not exist', () => {
      const operation = { op: 'add', path: '/http/auth/type', value: 'none' };
      const error = patchError([{ op: 'test', path: '/type', value: 'rest' }, operation]);
      expect(error.code).toBe('PATCH_OP_INVALID');
      expect(error.message).toBe('Operation 1 is invalid: Cannot perform an `add` operation at the desired path.');
      expect(error.details).toEqual([{ field: '[1]', message: 'Cannot perform an `add` operation at the desired path', index: 1, operation }]);
    });

    it('an array index out of bounds', () => {
      const error = patchError([{ op: 'add', path: '/rest/headers/5', value: { name: 'x', value: 'y' } }]);
      expect(error.message).toBe(
        'Operation 0 is invalid: The specified index MUST NOT be greater than the number of elements in the array.',
      );
    });

    it('a failing test', () => {
      const operation = { op: 'test', path: '/name', value: 'Other' };
      const error = patchError([{ op: 'replace', path: '/rest/baseURI', value: 'https://b.test' }, operation]);
      expect(error.code).toBe('PATCH_OP_INVALID');
      expect(error.message).toBe('Operation 1 is invalid: the "test" value does not match.');
      expect(error.details).toEqual([{ field: '[1]', message: 'the "test" value does not match', index: 1, operation }]);
    });
  });

  describe('quoting operations back', () => {
    it('masks the value of an operation headed for a secret', () => {
      const error = patchError([{ op: 'add', path: '/rest/bearerToken', value: 'real-token' }, { op: 'merge', path: '/name' }]);
      expect(error.details[0]?.operation).toEqual({ op: 'merge', path: '/name' });

      const secretError = patchError([{ op: 'merge', path: '/rest/bearerToken', value: 'real-token' }]);
      expect(secretError.details[0]?.operation).toEqual({ op: 'merge', path: '/rest/bearerToken', value: '******' });
    });

    it('masks a whole object that contains a secret', () => {
      const error = patchError([{ op: 'test', path: '/rest/basicAuth', value: { username: 'me', password: 'guess' } }]);
      expect(error.details).toEqual([
        { field: '[0]', message: 'the "test" value does not match', index: 0, operation: { op: 'test', path: '/rest/basicAuth', value: '******' } },
      ]);
      expect(JSON.stringify(error.details)).not.toContain('guess');
    });

    it('masks the value of a failing test on a secret', () => {
      const error = patchError([{ op: 'test', path: '/rest/bearerToken', value: 'guess' }]);
      expect(error.details).toEqual([
        { field: '[0]', message: 'the "test" value does not match', index: 0, operation: { op: 'test', path: '/rest/bearerToken', value: '******' } },
      ]);
    });

    it('masks a value headed for the document root', () => {
      const error = patchError([{ op: 'replace', path: '', value: { rest: { bearerToken: 'real' } } }]);
      expect(error.details[0]?.operation).toEqual({ op: 'replace', path: '', value: '******' });
    });

    it('quotes values headed for other fields as sent', () => {
      const operation = { op: 'replace', path: '/rest/missing', value: 'visible' };
      expect(patchError([operation]).details[0]?.operation).toEqual(operation);
    });
  });
});

describe('touchesSecret', () => {
  it.each([
    '/rest/bearerToken',
    '/rest/refreshToken',
    '/rest/basicAuth',
    '/rest/basicAuth/password',
    '/rest',
    '/http',
    '/http/auth',
    '/http/auth/token/token',
    '/http/auth/oauth2/clientSecret',
    '/http/encrypted',
    '/http/encrypted/x',
    '/rest/encryptedFields',
    '/rest/encryptedFields/0',
    '/rest/encryptedFields/0/value',
    '/rest/encryptedFields/-',
    '',
  ])('is true for %j', (path) => {
    expect(touchesSecret(path)).toBe(true);
  });

  it.each(['/name', '/type', '/rest/baseURI', '/rest/basicAuth/username', '/rest/encryptedFields/0/name', '/http/unencrypted/x', '/', '/restful'])(
    'is false for %j',
    (path) => {
      expect(touchesSecret(path)).toBe(false);
    },
  );

  it('is false for a path that is not a string', () => {
    expect(touchesSecret(undefined)).toBe(false);
    expect(touchesSecret(42)).toBe(false);
  });
});
