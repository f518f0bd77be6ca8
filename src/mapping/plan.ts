import { type Converter, converterFor, DATA_TYPES, type DataType } from './convert.js';
import { compileDateConversion, hasDateOptions } from './dates.js';
import { Failure, MappingError } from './errors.js';
import { isStaticLookup } from './lookups.js';
import { type ParsedPath, parsePath, type Segment, segmentsKey, splitAtWildcard } from './path.js';
import type { Lookup, MappingField, MappingList, MappingRule } from './schema.js';
import { isClassicTemplate, isHandlebarsTemplate, parseTemplate } from './template.js';

/**
 * Both mapping forms normalised into one tree of nodes, validated once. The code generator turns
 * this tree into the per-record function; nothing here runs per record.
 */

/** A path read: from the current context (`item` −1) or from the k-th source array's item of a list. */
export interface Read {
  path: ParsedPath;
  item: number;
}

export type Source =
  | { kind: 'path'; read: Read }
  | { kind: 'template'; parts: Array<string | Read> }
  | { kind: 'constant'; value: unknown }
  | { kind: 'expression'; source: string }
  | { kind: 'none' };

interface NodeBase {
  /** The generate path as written, for errors. */
  name: string;
  /** Where the node writes, relative to the enclosing output object. */
  target: Segment[];
  /** The converted `default`, written when the source has no value. */
  fallback: { value: unknown } | undefined;
}

export interface ValueNode extends NodeBase {
  kind: 'value';
  source: Source;
  discardIfEmpty: boolean;
  lookup: Lookup | undefined;
  date: Converter | undefined;
  convert: DataType | undefined;
}

/** A typed object built from child rules, reading from its own extract or from the current context. */
export interface ObjectNode extends NodeBase {
  kind: 'object';
  source: Source;
  children: Node[];
}

/** An output array: one item per item of the source arrays (one item when there is no source). */
export interface ArrayNode extends NodeBase {
  kind: 'array';
  sources: Source[];
  /** Typed objectarray: children read from the item (`$`); classic lists name item paths with [*]. */
  itemContext: boolean;
  children: Node[];
}

export type Node = ValueNode | ObjectNode | ArrayNode;

export interface PlanContext {
  lookups: ReadonlyMap<string, Lookup>;
}

type DateFields = Pick<MappingField, 'extractDateFormat' | 'extractDateTimezone' | 'generateDateFormat' | 'generateDateTimezone'>;

function targetOf(generate: string, name: string): Segment[] {
  const path = parsePath(generate, name, { allowWildcard: false });
  if (path.segments.length === 0) throw new MappingError(name, 'generate must name a field');
  return [...path.segments];
}

function lookupOf(name: string | undefined, field: string, context: PlanContext): Lookup | undefined {
  if (name === undefined) return undefined;
  const lookup = context.lookups.get(name);
  if (!lookup) throw new MappingError(field, `there is no lookup named ${JSON.stringify(name)}`);
  return lookup;
}

function typeOf(type: string | undefined, name: string): DataType | undefined {
  if (type !== undefined && !(DATA_TYPES as readonly string[]).includes(type)) throw new MappingError(name, `dataType must be one of ${DATA_TYPES.join(', ')}`);
  return type as DataType | undefined;
}

function dateOf(field: DateFields, name: string): Converter | undefined {
  return hasDateOptions(field) ? compileDateConversion(field, name) : undefined;
}

/** Runs the constant part of a pipeline at compile time: a broken constant is a broken mapping. */
function precompute(value: unknown, node: Pick<ValueNode, 'name' | 'date' | 'convert'>, what: string): unknown {
  let out = value;
  if (out !== null && node.date) out = node.date(out);
  if (!(out instanceof Failure) && node.convert) out = converterFor(node.convert)(out);
  if (out instanceof Failure) throw new MappingError(node.name, `${what}: ${out.message}`);
  return out;
}

function fallbackOf(value: unknown, node: Pick<ValueNode, 'name' | 'convert'>): NodeBase['fallback'] {
  if (value === undefined) return undefined;
  return { value: precompute(value, { ...node, date: undefined }, 'the default') };
}

/** Classic extract: a template when it holds braces, a path otherwise. */
function classicSource(field: MappingField, name: string, list: ListSources | undefined): Source {
  const given = [field.extract !== undefined, field.hardCodedValue !== undefined, field.expression !== undefined].filter(Boolean).length;
  if (given > 1) throw new MappingError(name, 'give only one of extract, hardCodedValue and expression');
  if (field.hardCodedValue !== undefined) return { kind: 'constant', value: field.hardCodedValue };
  if (field.expression !== undefined) return { kind: 'expression', source: field.expression };
  if (field.extract === undefined) {
    if (field.default === undefined) throw new MappingError(name, 'give one of extract, hardCodedValue, expression or default');
    return { kind: 'none' };
  }
  const read = (path: ParsedPath): Read => (list ? list.read(path) : { path, item: -1 });
  if (isClassicTemplate(field.extract)) {
    const braces = isHandlebarsTemplate(field.extract) ? 2 : 1;
    return { kind: 'template', parts: parseTemplate(field.extract, braces, name).map((part) => (typeof part === 'string' ? part : read(part))) };
  }
  return { kind: 'path', read: read(parsePath(field.extract, name)) };
}

/** The source arrays of a classic list, found from the [*] in its fields' paths. */
class ListSources {
  readonly arrays: ParsedPath[] = [];
  /** The list's generate, for compile errors of its fields. */
  constructor(readonly owner: string) {}
  private readonly index = new Map<string, number>();
  read(path: ParsedPath): Read {
    const split = splitAtWildcard(path);
    if (!split) return { path, item: -1 };
    const key = `${split.array.root}:${segmentsKey(split.array.segments)}`;
    let item = this.index.get(key);
    if (item === undefined) {
      item = this.arrays.length;
      this.index.set(key, item);
      this.arrays.push(split.array);
    }
    return { path: split.item, item };
  }
}

export function planField(field: MappingField, context: PlanContext, list?: ListSources): ValueNode {
  // Errors name the full path; the node keeps the local one (the generated code adds `items[i].`).
  const name = list ? `${list.owner}[].${field.generate}` : field.generate;
  const node: ValueNode = {
    kind: 'value',
    name: field.generate,
    target: targetOf(field.generate, name),
    source: classicSource(field, name, list),
    discardIfEmpty: field.discardIfEmpty === true,
    lookup: lookupOf(field.lookupName, name, context),
    date: dateOf(field, name),
    convert: typeOf(field.dataType, name),
    fallback: undefined,
  };
  node.fallback = fallbackOf(field.default, { name, convert: node.convert });
  return finishConstant(node, name);
}

export function planList(list: MappingList, context: PlanContext): ArrayNode {
  const sources = new ListSources(list.generate);
  const children = list.fields.map((field) => planField(field, context, sources));
  checkTargets(children, list.generate);
  const arrays: Source[] = sources.arrays.map((path) => ({ kind: 'path', read: { path, item: -1 } }));
  return { kind: 'array', name: list.generate, target: targetOf(list.generate, list.generate), fallback: undefined, sources: arrays, itemContext: false, children };
}

/** A constant without a lookup is converted now, once (and refused now if it cannot be). */
function finishConstant(node: ValueNode, name = node.name): ValueNode {
  if (node.source.kind !== 'constant' || node.lookup || node.source.value === null) return node;
  const value = precompute(node.source.value, { ...node, name }, 'the constant value');
  return { ...node, source: { kind: 'constant', value }, date: undefined, convert: undefined };
}

/** Typed extract: `$…` path, `{{…}}` template, or literal text. */
function typedSource(rule: MappingRule, name: string): Source {
  if (rule.extract !== undefined && rule.expression !== undefined) throw new MappingError(name, 'give only one of extract and expression');
  if (rule.expression !== undefined) return { kind: 'expression', source: rule.expression };
  const extract = rule.extract;
  if (extract === undefined) return { kind: 'none' };
  const trimmed = extract.trim();
  if (/^\$\$?(?:$|[.[])/.test(trimmed)) return { kind: 'path', read: { path: parsePath(trimmed, name), item: -1 } };
  if (isHandlebarsTemplate(extract)) return { kind: 'template', parts: parseTemplate(extract, 2, name).map((part) => (typeof part === 'string' ? part : { path: part, item: -1 })) };
  return { kind: 'constant', value: extract };
}

export function planRule(rule: MappingRule, context: PlanContext, parent = ''): Node {
  // Errors name the full path; nodes keep the local one (the generated code prefixes its parents).
  const name = parent ? `${parent}.${rule.generate}` : rule.generate;
  const local = rule.generate;
  const target = targetOf(rule.generate, name);
  const source = typedSource(rule, name);
  typeOf(rule.dataType, name);
  const children = rule.mappings;
  if (children && rule.dataType !== 'object' && rule.dataType !== 'objectarray') {
    throw new MappingError(name, `nested mappings need dataType object or objectarray, not ${rule.dataType}`);
  }
  if (children) {
    if (rule.lookupName !== undefined || hasDateOptions(rule)) throw new MappingError(name, 'an object with nested mappings takes no lookup or date options');
    const nodes = children.map((child) => planRule(child, context, name));
    checkTargets(nodes, name);
    const fallback = fallbackOf(rule.default, { name, convert: rule.dataType });
    if (rule.dataType === 'object') return { kind: 'object', name: local, target, fallback, source, children: nodes };
    return { kind: 'array', name: local, target, fallback, sources: source.kind === 'none' ? [] : [source], itemContext: source.kind !== 'none', children: nodes };
  }
  if (source.kind === 'none' && rule.default === undefined) throw new MappingError(name, 'give extract, expression, mappings or default');
  const node: ValueNode = {
    kind: 'value',
    name: local,
    target,
    source,
    discardIfEmpty: false,
    lookup: lookupOf(rule.lookupName, name, context),
    date: dateOf(rule, name),
    convert: rule.dataType,
    fallback: undefined,
  };
  node.fallback = fallbackOf(rule.default, { name, convert: node.convert });
  return finishConstant(node, name);
}

/**
 * Refuses two fields writing the same target, or one writing inside another's value
 * (`customer` and `customer.name`). Children of typed objects write into their parent's output.
 */
export function checkTargets(nodes: readonly Node[], scope: string): void {
  const written: Array<{ key: string; name: string }> = [];
  const collect = (list: readonly Node[], prefix: readonly Segment[]) => {
    for (const node of list) {
      const full = [...prefix, ...node.target];
      if (node.kind === 'object') collect(node.children, full);
      else written.push({ key: segmentsKey(full), name: node.name });
    }
  };
  collect(nodes, []);
  for (const a of written) {
    for (const b of written) {
      if (a !== b && (a.key === b.key || b.key.startsWith(`${a.key}.`))) {
        throw new MappingError(b.name, `it writes ${a.key === b.key ? 'the same target as' : 'inside the value of'} ${JSON.stringify(a.name)}${scope ? ` (in ${scope})` : ''}`);
      }
    }
  }
}
