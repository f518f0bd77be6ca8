import jsonPatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { fail } from '../errors.js';
import { MASK } from '../crypto/masking.js';
import { READ_ONLY_FIELDS, SECRET_POINTERS } from './model.js';

const SECRET_PATTERNS = Object.values(SECRET_POINTERS).flat().map((p) => p.split('/').slice(1));

/** True when a patch path is a secret field or contains one (so its value may hold a secret). */
export function touchesSecret(path: unknown): boolean {
  if (typeof path !== 'string' || (path !== '' && !path.startsWith('/'))) return false;
  const parts = path.split('/').slice(1);
  return SECRET_PATTERNS.some((pattern) => parts.every((part, i) => i >= pattern.length || pattern[i] === '*' || pattern[i] === part));
}

/** The operation as it may be quoted back in an error: a value headed for a secret field is masked. */
function quotable(op: unknown): unknown {
  if (typeof op !== 'object' || op === null || !('value' in op)) return op;
  const record = op as Record<string, unknown>;
  return touchesSecret(record.path) ? { ...record, value: MASK } : op;
}

const EDITABLE_ROOTS = new Set(['type', 'name', 'rest', 'http', 'debugDate', '_integrationId', 'credentialsFormat', 'credentials', 'context', 'oauth']);
const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

function rootOf(path: unknown): string | undefined {
  if (typeof path !== 'string' || !path.startsWith('/')) return undefined;
  return path.slice(1).split('/')[0]?.replace(/~1/g, '/').replace(/~0/g, '~');
}

/**
 * Applies a JSON Patch (RFC 6902) to the masked, editable form of a connection and returns the
 * result; never mutates `doc`. Operating on the masked form means a `test` on a secret compares
 * against "******", so a patch can never be used to guess a stored secret.
 * Invalid operations throw PATCH_OP_INVALID / PATCH_READ_ONLY_FIELD naming the operation.
 */
export function applyConnectionPatch<T extends object>(doc: T, operations: unknown): T {
  if (!Array.isArray(operations)) {
    throw fail('PATCH_OP_INVALID', 'A JSON Patch body must be an array of operations, e.g. [{"op":"replace","path":"/name","value":"New name"}].', [
      { field: 'body', message: 'must be an array' },
    ]);
  }
  if (operations.length === 0) throw fail('PATCH_OP_INVALID', 'The JSON Patch has no operations.', [{ field: 'body', message: 'must not be empty' }]);
  operations.forEach((op: unknown, index) => {
    const record = (typeof op === 'object' && op !== null ? op : {}) as Record<string, unknown>;
    const problem = (message: string, code: 'PATCH_OP_INVALID' | 'PATCH_READ_ONLY_FIELD' = 'PATCH_OP_INVALID') =>
      fail(code, `Operation ${index} is invalid: ${message}.`, [{ field: `[${index}]`, message, index, operation: quotable(op) }]);
    if (typeof op !== 'object' || op === null || Array.isArray(op)) throw problem('must be an object with "op" and "path"');
    if (typeof record.op !== 'string' || !OPS.has(record.op)) throw problem(`"op" must be one of ${[...OPS].join(', ')}`);
    for (const key of ['path', ...(record.op === 'move' || record.op === 'copy' ? ['from'] : [])]) {
      const root = rootOf(record[key]);
      if (root === undefined || root === '') throw problem(`"${key}" must be a JSON pointer such as "/name"`);
      if ((READ_ONLY_FIELDS as readonly string[]).includes(root)) throw problem(`"${root}" is read-only`, 'PATCH_READ_ONLY_FIELD');
      if (!EDITABLE_ROOTS.has(root)) throw problem(`"/${root}" is not a field of a connection`);
      // fast-json-patch refuses these with a TypeError, which would otherwise surface as a 500.
      if (/\/(__proto__|constructor\/prototype)(\/|$)/.test(record[key] as string)) throw problem(`"${key}" must not go through "__proto__" or "constructor/prototype"`);
    }
    if (['add', 'replace', 'test'].includes(record.op) && !('value' in record)) throw problem(`"${record.op}" needs a "value"`);
  });

  // One operation at a time on one working copy: fast-json-patch's validator reports index 0 for
  // every path error it finds, so only this loop knows which operation failed. Each operation is
  // cloned so the result never shares objects with the caller's operations.
  let target: T = structuredClone(doc);
  (operations as Operation[]).forEach((op, index) => {
    try {
      target = jsonPatch.applyOperation(target, structuredClone(op), true, true, true, index).newDocument;
    } catch (error) {
      if (!(error instanceof jsonPatch.JsonPatchError)) throw error;
      const reason =
        error.name === 'OPERATION_PATH_UNRESOLVABLE'
          ? `path "${op.path}" does not exist`
          : error.name === 'OPERATION_FROM_UNRESOLVABLE'
            ? `from "${String((op as { from?: string }).from)}" does not exist`
            : error.name === 'TEST_OPERATION_FAILED'
              ? 'the "test" value does not match'
              : (error.message.split('\n')[0] ?? 'invalid operation');
      throw fail('PATCH_OP_INVALID', `Operation ${index} is invalid: ${reason}.`, [{ field: `[${index}]`, message: reason, index, operation: quotable(op) }]);
    }
  });
  return target;
}
