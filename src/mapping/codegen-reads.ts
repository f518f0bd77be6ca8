import { INHERITED_NAMES, type Segment, segmentsKey } from './path.js';
import type { Read } from './plan.js';

/**
 * Path reads of the generated code. Each context the code reads from (the record, an array item,
 * a typed object's source) is normalised once to an object (`EMPTY` for anything else), so a read
 * of `address.city` is `R["address"]` plus one guard — and a prefix that several fields share
 * (`address` for city, zip and country) is read once per record into a variable.
 */

const q = (text: string) => JSON.stringify(text);

export interface ReadScope {
  /** Raw values: the current context ($), the record ($$), the current items of a classic list. */
  ctx: string;
  root: string;
  items: readonly string[];
  /** Raw variable → variable holding it as an object (or EMPTY). */
  objects: ReadonlyMap<string, string>;
  /** `${object var}|${segments}` → variable holding that prefix as an object (or EMPTY). */
  hoisted: ReadonlyMap<string, string>;
}

/** The raw variable a read starts from. */
export function baseOf(read: Read, scope: ReadScope): string {
  if (read.path.root === 'record') return scope.root;
  return read.item >= 0 ? (scope.items[read.item] as string) : scope.ctx;
}

function step(on: string, segment: Segment): string {
  if (segment.kind === 'index') return `${on}[${segment.index}]`;
  const key = segment.kind === 'key' ? segment.key : '*';
  // Inherited names (toString, length …) are read as own properties only: they are not data.
  return INHERITED_NAMES.has(key) ? `own(${on}, ${q(key)})` : `${on}[${q(key)}]`;
}

/** Reads `segments` from a variable known to hold an object. */
function chain(object: string, segments: readonly Segment[]): string {
  if (segments.length === 0) return object;
  if (segments.length === 1) return step(object, segments[0] as Segment);
  const guards = [`(t = ${step(object, segments[0] as Segment)}) !== null && typeof t === "object"`];
  for (const segment of segments.slice(1, -1)) guards.push(`(t = ${step('t', segment)}) !== null && typeof t === "object"`);
  return `(${guards.join(' && ')} ? ${step('t', segments[segments.length - 1] as Segment)} : undefined)`;
}

/**
 * A JS expression for a read. `[*]` paths go through `many()` (they build an array anyway);
 * every other path is inline property reads from the longest hoisted prefix.
 */
export function readExpr(read: Read, scope: ReadScope, constant: (value: unknown) => string): string {
  const base = baseOf(read, scope);
  const segments = read.path.segments;
  if (segments.length === 0) return base;
  if (read.path.wildcard) return `many(${base}, ${constant(segments)})`;
  const object = scope.objects.get(base) ?? base;
  for (let k = segments.length - 1; k >= 1; k--) {
    const hoisted = scope.hoisted.get(`${object}|${segmentsKey(segments.slice(0, k))}`);
    if (hoisted) return chain(hoisted, segments.slice(k));
  }
  return chain(object, segments);
}

/** Declares a variable holding `raw` as an object, or EMPTY. */
export function asObject(name: string, raw: string): string {
  return `const ${name} = typeof ${raw} === "object" && ${raw} !== null ? ${raw} : EMPTY;`;
}

/**
 * Declarations of the prefixes at least two reads of a scope share; registers them in `hoisted`.
 * Only reads that run unconditionally at the scope's level may be passed: a hoisted read runs
 * for every record (it is a pure property read, so running it early changes nothing).
 */
export function hoist(reads: readonly Read[], scope: ReadScope & { hoisted: Map<string, string> }, fresh: () => string): string[] {
  const counts = new Map<string, { object: string; segments: readonly Segment[]; count: number }>();
  for (const read of reads) {
    if (read.path.wildcard || read.path.segments.length < 2) continue;
    const base = baseOf(read, scope);
    const object = scope.objects.get(base) ?? base;
    for (let k = 1; k < read.path.segments.length; k++) {
      const segments = read.path.segments.slice(0, k);
      const key = `${object}|${segmentsKey(segments)}`;
      const entry = counts.get(key) ?? { object, segments, count: 0 };
      entry.count++;
      counts.set(key, entry);
    }
  }
  const lines: string[] = [];
  for (const [key, entry] of counts) {
    if (entry.count < 2) continue;
    const name = fresh();
    lines.push(`const ${name} = (t = ${readFromHoisted(entry, scope)}) !== null && typeof t === "object" ? t : EMPTY;`);
    scope.hoisted.set(key, name);
  }
  return lines;
}

function readFromHoisted(entry: { object: string; segments: readonly Segment[] }, scope: ReadScope): string {
  for (let k = entry.segments.length - 1; k >= 1; k--) {
    const hoisted = scope.hoisted.get(`${entry.object}|${segmentsKey(entry.segments.slice(0, k))}`);
    if (hoisted) return chain(hoisted, entry.segments.slice(k));
  }
  return chain(entry.object, entry.segments);
}
