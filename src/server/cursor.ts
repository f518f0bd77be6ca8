import { fail } from '../errors.js';

/** Ids of 24 hex digits (connections, webhooks, saved resources). */
export const OBJECT_ID = /^[0-9a-f]{24}$/;
/** UUIDs (integration definitions). */
export const UUID = /^[0-9a-f-]{36}$/;

/** The opaque `cursor` of a list page: the last id seen, base64url-encoded. */
export function encodeCursor(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url');
}

/** Reads a cursor made by `encodeCursor`; anything that does not decode to an id of `shape` is `400 INVALID_CURSOR`. */
export function decodeCursor(cursor: string, shape: RegExp = OBJECT_ID): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!shape.test(id)) throw fail('INVALID_CURSOR');
  return id;
}
