import { MASK } from '../crypto/masking.js';
import type { ErrorDetail } from '../errors.js';
import { deleteAt, expandPattern, getAt, pointerToPath, setAt } from '../util/json-pointer.js';
import { type ConnectionType, SECRET_POINTERS } from './model.js';

/** Where secrets sit in a document: JSON-pointer patterns, `*` matching any key or index. */
export type SecretPatterns = readonly string[];

/** The patterns of a connection type (connections of an integration add their credential fields). */
export function patternsOf(type: ConnectionType): SecretPatterns {
  return SECRET_POINTERS[type] ?? [];
}

/** Secret values of one connection, keyed by JSON pointer (`/rest/bearerToken`). */
export type SecretMap = Record<string, string>;

/** Pointers of the secret fields present in a document. */
export function secretPointers(patterns: SecretPatterns, doc: unknown): string[] {
  return patterns.flatMap((pattern) => expandPattern(doc, pattern));
}

/**
 * Splits a full document into what is stored in clear and the secrets to encrypt.
 * Secret fields are removed from the public part (not blanked), so a leak of the clear
 * column shows that a secret exists, never what it is.
 */
export function splitSecrets<T extends object>(patterns: SecretPatterns, doc: T): { publicDoc: T; secrets: SecretMap } {
  const publicDoc = structuredClone(doc);
  const secrets: SecretMap = {};
  for (const pointer of secretPointers(patterns, doc)) {
    const value = getAt(doc, pointer);
    if (typeof value === 'string') secrets[pointer] = value;
    deleteAt(publicDoc, pointer);
  }
  return { publicDoc, secrets };
}

/** The full document, secrets put back: only for making outbound calls, never for responses. */
export function mergeSecrets<T extends object>(publicDoc: T, secrets: SecretMap): T {
  const doc = structuredClone(publicDoc);
  for (const [pointer, value] of Object.entries(secrets)) setAt(doc as Record<string, unknown>, pointer, value);
  return doc;
}

/** The document as everyone outside the store sees it: each stored secret as "******". */
export function maskSecrets<T extends object>(publicDoc: T, secrets: SecretMap): T {
  const doc = structuredClone(publicDoc);
  for (const pointer of Object.keys(secrets)) setAt(doc as Record<string, unknown>, pointer, MASK);
  return doc;
}

/**
 * On update, a secret sent as "******" means "keep what is stored". Returns the document with
 * those masks replaced by the stored values, and an error for each mask with nothing stored
 * behind it (which is also the create case: nothing is stored yet).
 */
export function resolveMaskedSecrets<T extends object>(
  patterns: SecretPatterns,
  doc: T,
  stored: SecretMap,
): { doc: T; errors: ErrorDetail[] } {
  const resolved = structuredClone(doc);
  const errors: ErrorDetail[] = [];
  for (const pointer of secretPointers(patterns, doc)) {
    if (getAt(doc, pointer) !== MASK) continue;
    const previous = stored[pointer];
    if (previous === undefined) {
      errors.push({ field: pointerToPath(pointer), message: 'holds the mask "******" but no secret is stored there; send the real value' });
    } else {
      setAt(resolved as Record<string, unknown>, pointer, previous);
    }
  }
  return { doc: resolved, errors };
}
