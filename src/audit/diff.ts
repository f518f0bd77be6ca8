import { isDeepStrictEqual } from 'node:util';
import { formatPointer, getAt, pointerToPath } from '../util/json-pointer.js';

/** One changed field, as audit entries show it (seed 004's `fieldChanges`). */
export interface FieldChange {
  fieldPath: string;
  oldValue: unknown;
  newValue: unknown;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Pointers of the leaves (primitives and whole arrays) that differ between two documents. */
export function changedPointers(before: unknown, after: unknown, prefix: string[] = []): string[] {
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    return [...keys].sort().flatMap((key) => changedPointers(before[key], after[key], [...prefix, key]));
  }
  return isDeepStrictEqual(before, after) ? [] : [formatPointer(prefix)];
}

/**
 * Field changes between two versions of a document. Changes are detected on the real values
 * (`before`/`after`, secrets included, so a rotated secret is recorded) but the values shown are
 * taken from the masked versions, so an audit entry never holds a secret.
 *
 * @example diffFields({a:1},{a:2},{a:1},{a:2}) // [{ fieldPath: 'a', oldValue: 1, newValue: 2 }]
 */
export function diffFields(before: unknown, after: unknown, maskedBefore: unknown, maskedAfter: unknown): FieldChange[] {
  return changedPointers(before, after).map((pointer) => ({
    fieldPath: pointerToPath(pointer),
    oldValue: getAt(maskedBefore, pointer) ?? null,
    newValue: getAt(maskedAfter, pointer) ?? null,
  }));
}
