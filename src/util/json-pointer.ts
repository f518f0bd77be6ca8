/** Minimal RFC 6901 helpers over plain JSON values (no prototype keys are ever followed). */

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Error(`Invalid JSON pointer "${pointer}"`);
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function formatPointer(parts: readonly string[]): string {
  return parts.map((p) => '/' + p.replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/** `/rest/basicAuth/password` → `rest.basicAuth.password`, the way users name fields. */
export function pointerToPath(pointer: string): string {
  return parsePointer(pointer).join('.');
}

function isContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  return typeof value === 'object' && value !== null;
}

function own(container: Record<string, unknown> | unknown[], key: string): boolean {
  return Object.prototype.hasOwnProperty.call(container, key);
}

export function getAt(doc: unknown, pointer: string): unknown {
  let current: unknown = doc;
  for (const part of parsePointer(pointer)) {
    if (!isContainer(current) || !own(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** Sets a value, creating plain objects on the way; arrays must already exist. */
export function setAt(doc: Record<string, unknown>, pointer: string, value: unknown): void {
  const parts = parsePointer(pointer);
  const last = parts.pop();
  if (last === undefined) throw new Error('Cannot set the document root');
  let current: unknown = doc;
  for (const part of parts) {
    if (!isContainer(current)) throw new Error(`Cannot set ${pointer}: parent is not a container`);
    const record = current as Record<string, unknown>;
    if (!own(record, part) || !isContainer(record[part])) record[part] = {};
    current = record[part];
  }
  if (!isContainer(current)) throw new Error(`Cannot set ${pointer}: parent is not a container`);
  (current as Record<string, unknown>)[last] = value;
}

export function deleteAt(doc: unknown, pointer: string): void {
  const parts = parsePointer(pointer);
  const last = parts.pop();
  if (last === undefined) return;
  const parent = getAt(doc, formatPointer(parts));
  if (isContainer(parent) && !Array.isArray(parent) && own(parent, last)) delete (parent as Record<string, unknown>)[last];
}

/**
 * Expands a pattern whose segments may be `*` (any key or index) into the pointers that
 * exist in `doc`.
 *
 * @example expandPattern({ a: [{ v: 1 }, { v: 2 }] }, '/a/*\/v') // ['/a/0/v', '/a/1/v']
 */
export function expandPattern(doc: unknown, pattern: string): string[] {
  const out: string[] = [];
  const walk = (value: unknown, rest: string[], prefix: string[]): void => {
    if (rest.length === 0) {
      if (value !== undefined) out.push(formatPointer(prefix));
      return;
    }
    if (!isContainer(value)) return;
    const [head, ...tail] = rest as [string, ...string[]];
    const keys = head === '*' ? Object.keys(value) : own(value, head) ? [head] : [];
    for (const key of keys) walk((value as Record<string, unknown>)[key], tail, [...prefix, key]);
  };
  walk(doc, parsePointer(pattern), []);
  return out;
}
