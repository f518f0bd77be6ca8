import { MappingError } from './errors.js';

/**
 * Paths of both mapping forms, parsed once at compile time:
 * - `address.city`, `lines[0].sku`, `lines[*].sku` (every item: an array of values);
 * - `$.address.city` (the current context: the record, or the item of an array being mapped) and
 *   `$$.orderId` (always the whole record);
 * - keys with spaces as written (`Trial Start`, `$.Trial Start`) or in brackets (`["Trial Start"]`,
 *   `['Trial Start']`, `[Trial Start]`); keys holding a dot or a bracket need the quoted form.
 *
 * `__proto__`, `constructor` and `prototype` are refused: a path must never reach an object's
 * prototype machinery, neither to read nor to write.
 */

export type Segment = { kind: 'key'; key: string } | { kind: 'index'; index: number } | { kind: 'wildcard' };

export interface ParsedPath {
  /** The text as written (for messages). */
  readonly source: string;
  /** `context` for plain and `$.` paths, `record` for `$$.` paths. */
  readonly root: 'context' | 'record';
  readonly segments: readonly Segment[];
  /** Whether any segment is `[*]` (the read yields an array). */
  readonly wildcard: boolean;
}

export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Names an object or array inherits (`toString`, `hasOwnProperty`, `length` …). Reads of these
 * check for an own property; every other key is read directly, which is what keeps the compiled
 * mapping as fast as hand-written code on JSON records.
 */
export const INHERITED_NAMES: ReadonlySet<string> = new Set([
  ...Object.getOwnPropertyNames(Object.prototype),
  ...Object.getOwnPropertyNames(Array.prototype),
  ...Object.getOwnPropertyNames(String.prototype),
]);

const INDEX = /^(?:0|[1-9][0-9]{0,8})$/;

/**
 * Parses a path; `field` names the mapping field in errors.
 *
 * @example parsePath('$.lines[*]["unit price"]', 'price').segments
 * // [{ kind: 'key', key: 'lines' }, { kind: 'wildcard' }, { kind: 'key', key: 'unit price' }]
 */
export function parsePath(text: string, field: string, options: { allowWildcard?: boolean } = {}): ParsedPath {
  const source = text.trim();
  const fail = (why: string): never => {
    throw new MappingError(field, `the path ${JSON.stringify(text)} ${why}`);
  };
  let i = 0;
  let root: ParsedPath['root'] = 'context';
  const rootMark = source.startsWith('$$') ? 2 : source.startsWith('$') ? 1 : 0;
  if (rootMark > 0 && (source.length === rootMark || source[rootMark] === '.' || source[rootMark] === '[')) {
    root = rootMark === 2 ? 'record' : 'context';
    i = rootMark;
    if (source[i] === '.') i++;
    if (i === source.length && source[i - 1] === '.') fail('ends with a dot');
  }
  const segments: Segment[] = [];
  const addKey = (key: string) => {
    if (FORBIDDEN_KEYS.has(key)) fail(`uses the forbidden key ${JSON.stringify(key)}`);
    segments.push({ kind: 'key', key });
  };
  while (i < source.length) {
    if (source[i] === '[') {
      const close = readBracket(source, i, fail);
      const inner = close.content;
      if (close.quoted) addKey(inner);
      else if (inner === '*') segments.push({ kind: 'wildcard' });
      else if (INDEX.test(inner)) segments.push({ kind: 'index', index: Number(inner) });
      else if (inner.trim() === '') fail('has an empty [ ]');
      else addKey(inner);
      i = close.end;
      if (source[i] === '.') {
        i++;
        if (i === source.length) fail('ends with a dot');
      }
      continue;
    }
    let end = i;
    while (end < source.length && source[end] !== '.' && source[end] !== '[') end++;
    const key = source.slice(i, end);
    if (key === '') fail('has an empty segment');
    addKey(key);
    i = end;
    if (source[i] === '.') {
      i++;
      if (i === source.length) fail('ends with a dot');
    }
  }
  const wildcard = segments.some((s) => s.kind === 'wildcard');
  if (wildcard && options.allowWildcard === false) fail('may not use [*] here');
  return { source, root, segments, wildcard };
}

function readBracket(source: string, start: number, fail: (why: string) => never): { content: string; quoted: boolean; end: number } {
  const quote = source[start + 1];
  if (quote === '"' || quote === "'") {
    let content = '';
    let i = start + 2;
    while (i < source.length && source[i] !== quote) {
      if (source[i] === '\\' && i + 1 < source.length) i++;
      content += source[i];
      i++;
    }
    if (source[i] !== quote || source[i + 1] !== ']') fail('has an unclosed quoted key');
    return { content, quoted: true, end: i + 2 };
  }
  const close = source.indexOf(']', start);
  if (close < 0) fail('has an unclosed [');
  return { content: source.slice(start + 1, close), quoted: false, end: close + 1 };
}

/** Reads one own property; inherited members (methods, `length` of strings) are not data. */
export function own(value: unknown, key: string | number): unknown {
  if (typeof value !== 'object' || value === null) return undefined;
  return Object.prototype.hasOwnProperty.call(value, key) ? (value as Record<string | number, unknown>)[key] : undefined;
}

/**
 * Reads a parsed path from `value` (used for `[*]` paths and dynamic lookup responses; plain paths
 * are compiled to inline property reads instead). `[*]` over a non-array treats it as one item;
 * items without the rest of the path are skipped, nested `[*]` flatten.
 *
 * @example readPath({ lines: [{ sku: 'a' }, {}, { sku: 'b' }] }, parsePath('lines[*].sku', 'x')) // ['a', 'b']
 */
export function readPath(value: unknown, path: ParsedPath | readonly Segment[], from = 0): unknown {
  const segments = 'segments' in path ? path.segments : path;
  let current = value;
  for (let i = from; i < segments.length; i++) {
    const segment = segments[i] as Segment;
    if (segment.kind === 'wildcard') {
      if (current === undefined || current === null) return undefined;
      const items = Array.isArray(current) ? current : [current];
      const out: unknown[] = [];
      for (const item of items) {
        const found = i + 1 === segments.length ? item : readPath(item, segments, i + 1);
        if (found === undefined) continue;
        if (Array.isArray(found) && segments.slice(i + 1).some((s) => s.kind === 'wildcard')) out.push(...found);
        else out.push(found);
      }
      return out;
    }
    current = own(current, segment.kind === 'key' ? segment.key : segment.index);
    if (current === undefined) return undefined;
  }
  return current;
}

/** Splits a path at its first `[*]`: the array to iterate and the path within each item. */
export function splitAtWildcard(path: ParsedPath): { array: ParsedPath; item: ParsedPath } | null {
  const at = path.segments.findIndex((s) => s.kind === 'wildcard');
  if (at < 0) return null;
  const array = path.segments.slice(0, at);
  const item = path.segments.slice(at + 1);
  return {
    array: { source: path.source, root: path.root, segments: array, wildcard: false },
    item: { source: path.source, root: 'context', segments: item, wildcard: item.some((s) => s.kind === 'wildcard') },
  };
}

/** A stable text for a segment list, used to compare array sources and generate targets. */
export function segmentsKey(segments: readonly Segment[]): string {
  return segments.map((s) => (s.kind === 'key' ? JSON.stringify(s.key) : s.kind === 'index' ? `[${s.index}]` : '[*]')).join('.');
}
