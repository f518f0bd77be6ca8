import { compileExpression, evaluate, ExpressionError } from '../engine/expressions.js';
import { Emitter } from './codegen.js';
import { Failure, MappingError } from './errors.js';
import { DynamicLookups, type DynamicLookupFn, isStaticLookup, type LookupStats } from './lookups.js';
import { own, readPath, type Segment } from './path.js';
import { checkTargets, type Node, planField, planList, planRule } from './plan.js';
import type { ImportMappingSpec, Lookup } from './schema.js';
import { toText } from './template.js';

/** One field that could not be mapped in one record. */
export interface MappingFieldError {
  /** The generate path, with item indexes inside arrays (`lines[2].qty`). */
  field: string;
  code: 'conversion' | 'lookup' | 'expression' | 'date';
  message: string;
}

/**
 * A mapped record. On failure `record` still holds every field that mapped, so a caller can show
 * or partially import it; the failed fields are left out and named in `errors`.
 */
export type MappingResult = { ok: true; record: Record<string, unknown> } | { ok: false; record: Record<string, unknown>; errors: MappingFieldError[] };

interface CompiledBase {
  /** The generated per-record function's source, for debugging and tests. */
  readonly source: string;
  /** Dynamic lookup requests made and cache hits, over the life of this compiled mapping. */
  readonly lookupStats: Readonly<LookupStats>;
}

/** A compiled mapping. `isAsync` is true only when it has a JSONata expression or a dynamic lookup. */
export type CompiledMapping =
  | (CompiledBase & { readonly isAsync: false; map(record: unknown): MappingResult })
  | (CompiledBase & { readonly isAsync: true; map(record: unknown): Promise<MappingResult> });

export interface CompileOptions {
  /**
   * Performs a dynamic lookup's request through the import's connection and resolves with the
   * parsed response body (undefined when the target answered "not found"); the mapping reads
   * `lookup.extract` from it. A rejection is a lookup failure of the record.
   */
  dynamicLookup?: DynamicLookupFn;
}

function lookupTable(lookups: readonly Lookup[] | undefined, dynamic: DynamicLookups): Map<string, Lookup> {
  const table = new Map<string, Lookup>();
  for (const lookup of lookups ?? []) {
    if (table.has(lookup.name)) throw new MappingError(`lookups[${lookup.name}]`, 'two lookups have this name');
    if (!isStaticLookup(lookup)) dynamic.prepare(lookup);
    table.set(lookup.name, lookup);
  }
  return table;
}

/** Compiles every JSONata expression now, so a syntax error is a compile error naming its field. */
function checkExpressions(nodes: readonly Node[], parent = ''): void {
  for (const node of nodes) {
    const name = parent ? `${parent}.${node.name}` : node.name;
    const sources = node.kind === 'array' ? node.sources : [node.source];
    for (const source of sources) {
      if (source.kind !== 'expression') continue;
      try {
        compileExpression(source.source);
      } catch (error) {
        throw new MappingError(name, error instanceof ExpressionError ? error.message : String(error), { cause: error });
      }
    }
    if (node.kind !== 'value') checkExpressions(node.children, name);
  }
}

/** JSONata marks result arrays with an enumerable `sequence` flag; records get plain arrays. */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = plain(item);
    return out;
  }
  return value;
}

async function expr(source: string, context: unknown, record: unknown): Promise<unknown> {
  try {
    return plain(await evaluate(source, context, { record }));
  } catch (error) {
    return new Failure(error instanceof Error ? error.message : String(error));
  }
}

/**
 * Compiles an import's mapping (classic `mapping`, typed `mappings`, or both, with `lookups`) into
 * one function, once. Per record it does what hand-written code would: no path parsing, no
 * regular expressions, no interpretation of the spec. Throws `MappingError` when the spec itself
 * is broken; everything that depends on a record is reported in the `MappingResult`.
 *
 * A missing source value leaves its field out (no error). A value that cannot be converted,
 * looked up, parsed as a date or computed by its expression leaves its field out and is named in
 * `errors`; the record's other fields still map.
 *
 * The spec is expected to have passed the `ImportMappingSpec` schema (the routes validate it); the
 * checks here are the ones a schema cannot make (lookup names, paths, formats, targets).
 *
 * @example
 * const m = compileMapping({ mapping: { fields: [{ extract: 'timestamp', generate: 'timestamp' }, { generate: 'key', hardCodedValue: 'sqs_flow' }] } });
 * if (!m.isAsync) m.map({ timestamp: 1512012818751 });
 * // { ok: true, record: { timestamp: 1512012818751, key: 'sqs_flow' } }
 */
export function compileMapping(spec: ImportMappingSpec, options: CompileOptions = {}): CompiledMapping {
  const dynamic = new DynamicLookups(options.dynamicLookup);
  const context = { lookups: lookupTable(spec.lookups, dynamic) };
  const nodes: Node[] = [
    ...(spec.mapping?.fields ?? []).map((field) => planField(field, context)),
    ...(spec.mapping?.lists ?? []).map((list) => planList(list, context)),
    ...(spec.mappings ?? []).map((rule) => planRule(rule, context)),
  ];
  checkTargets(nodes, '');
  checkExpressions(nodes);

  const emitter = new Emitter();
  const body = emitter.body(nodes);
  const constants = emitter.constants.map((_, i) => `K${i} = K[${i}]`);
  const source = [
    '"use strict";',
    'const { Failure, own, many, text, expr, dynamic, EMPTY } = H;',
    ...(constants.length > 0 ? [`const ${constants.join(', ')};`] : []),
    `return ${emitter.async ? 'async ' : ''}function map(r) {`,
    body,
    '};',
  ].join('\n');
  const helpers = {
    Failure,
    own,
    many: (value: unknown, segments: readonly Segment[]) => readPath(value, segments),
    text: toText,
    expr,
    dynamic,
    EMPTY: Object.freeze({}),
  };
  // The source holds no user text outside JSON-quoted property names (see codegen.ts).
  const map = new Function('K', 'H', source)(emitter.constants, helpers) as (record: unknown) => MappingResult | Promise<MappingResult>;
  const base = { source, lookupStats: dynamic.stats };
  return emitter.async
    ? { ...base, isAsync: true, map: map as (record: unknown) => Promise<MappingResult> }
    : { ...base, isAsync: false, map: map as (record: unknown) => MappingResult };
}
