import { converterFor } from './convert.js';
import { asObject, hoist, type ReadScope, readExpr } from './codegen-reads.js';
import type { Segment } from './path.js';
import { compileStaticLookup, isStaticLookup } from './lookups.js';
import type { ArrayNode, Node, ObjectNode, Read, Source, ValueNode } from './plan.js';
import type { DynamicLookup } from './schema.js';

/**
 * Emits the JavaScript source of a mapping's per-record function from its plan. The output reads
 * like the function one would write by hand — `o["name"] = r["customer"]["name"]` with the
 * checks a missing value needs — so V8 gives it the same inline caches and the mapping runs at
 * hand-written speed (bench/mapping.ts).
 *
 * Safety: user text only ever reaches the source as `JSON.stringify`-quoted string literals used
 * as property names (never as identifiers or code), and paths were checked for `__proto__`,
 * `constructor` and `prototype` when parsed. Every value — constants, defaults, lookup tables,
 * converters — is passed in through the `K` array, never printed into the source.
 */

const q = (text: string) => JSON.stringify(text);
/** Failures are objects; checking typeof first keeps `instanceof` off the path of every primitive. */
const failed = (v: string) => `(typeof ${v} === "object" && ${v} !== null && ${v} instanceof Failure)`;

interface Scope extends ReadScope {
  hoisted: Map<string, string>;
  /** The output object the node's target is relative to. */
  out: string;
  /** Prefix segments of the target (children of a typed object write into the parent). */
  prefix: readonly Segment[];
  /** A JS expression giving the field name prefix ('""' at the top, `"lines" + "[" + j + "]."` in arrays). */
  name: string;
}

function sourceReads(source: Source): Read[] {
  if (source.kind === 'path') return [source.read];
  if (source.kind === 'template') return source.parts.filter((part): part is Read => typeof part !== 'string');
  return [];
}

/** The reads that run for every record at a scope's level (see `hoist`). */
function scopeReads(nodes: readonly Node[]): Read[] {
  return nodes.flatMap((node) => {
    if (node.kind === 'array') return node.sources.flatMap(sourceReads);
    if (node.kind === 'object' && node.source.kind === 'none') return scopeReads(node.children);
    return sourceReads(node.source);
  });
}

export class Emitter {
  /** Values the generated code reads as K0, K1 … */
  readonly constants: unknown[] = [];
  async = false;
  private counter = 0;

  constant(value: unknown): string {
    this.constants.push(value);
    return `K${this.constants.length - 1}`;
  }

  fresh(stem: string): string {
    return `${stem}${this.counter++}`;
  }

  /** The body of `function map(r)` for a list of top-level nodes. */
  body(nodes: readonly Node[]): string {
    const scope: Scope = { ctx: 'r', root: 'r', items: [], objects: new Map([['r', 'R']]), hoisted: new Map(), out: 'o', prefix: [], name: '""' };
    return [
      'let e = null, t;',
      asObject('R', 'r'),
      ...this.open(nodes, scope),
      'const o = {};',
      ...nodes.map((node) => this.node(node, scope)),
      'return e === null ? { ok: true, record: o } : { ok: false, record: o, errors: e };',
    ].join('\n');
  }

  /** Declarations at the start of a scope: its contexts as objects, then shared prefixes. */
  private open(nodes: readonly Node[], scope: Scope, raw: readonly string[] = []): string[] {
    const objects = new Map(scope.objects);
    const lines = raw.map((name) => {
      const object = this.fresh('b');
      objects.set(name, object);
      return asObject(object, name);
    });
    scope.objects = objects;
    return [...lines, ...hoist(scopeReads(nodes), scope, () => this.fresh('h'))];
  }

  private node(node: Node, scope: Scope): string {
    if (node.kind === 'value') return this.value(node, scope);
    if (node.kind === 'object') return this.object(node, scope);
    return this.array(node, scope);
  }

  private fieldName(node: Node, scope: Scope): string {
    return scope.name === '""' ? q(node.name) : `${scope.name} + ${q(node.name)}`;
  }

  private fail(node: Node, scope: Scope, code: string, label: string): string {
    return `{ (e ??= []).push({ field: ${this.fieldName(node, scope)}, code: ${q(code)}, message: v.message }); break ${label}; }`;
  }

  /** `o["a"]["b"] = value`, creating the objects (or arrays, before an index) on the way. */
  private set(scope: Scope, target: readonly Segment[], value: string): string {
    const segments = [...scope.prefix, ...target];
    const prop = (s: Segment) => (s.kind === 'index' ? `[${s.index}]` : `[${q(s.kind === 'key' ? s.key : '*')}]`);
    let holder = scope.out;
    const lines: string[] = [];
    for (let i = 0; i < segments.length - 1; i++) {
      const next = this.fresh('p');
      const access = `${holder}${prop(segments[i] as Segment)}`;
      const empty = segments[i + 1]?.kind === 'index' ? '[]' : '{}';
      // A non-object in the way (a default or null written by another field) is replaced.
      lines.push(`let ${next} = ${access}; if (typeof ${next} !== "object" || ${next} === null) ${next} = ${access} = ${empty};`);
      holder = next;
    }
    lines.push(`${holder}${prop(segments[segments.length - 1] as Segment)} = ${value};`);
    return lines.length === 1 ? (lines[0] as string) : `{ ${lines.join(' ')} }`;
  }

  private source(source: Source, scope: Scope, into: string, onFail: string): string {
    switch (source.kind) {
      case 'path':
        return `${into} = ${readExpr(source.read, scope, (value) => this.constant(value))};`;
      case 'constant':
        return `${into} = ${this.constant(source.value)};`;
      case 'none':
        return `${into} = undefined;`;
      case 'expression':
        this.async = true;
        return `${into} = await expr(${this.constant(source.source)}, ${scope.ctx}, ${scope.root}); if (${failed(into)}) ${onFail}`;
      case 'template': {
        const names: string[] = [];
        const lines: string[] = [];
        for (const part of source.parts) {
          if (typeof part === 'string') continue;
          const name = this.fresh('s');
          names.push(name);
          lines.push(`const ${name} = ${readExpr(part, scope, (value) => this.constant(value))};`);
        }
        let i = 0;
        const concat = source.parts.map((part) => {
          if (typeof part === 'string') return q(part);
          const name = names[i++] as string;
          return `(typeof ${name} === "string" ? ${name} : text(${name}))`;
        });
        const allMissing = names.map((name) => `${name} == null`).join(' && ') || 'false';
        return `${lines.join(' ')} ${into} = ${allMissing} ? undefined : ${concat.join(' + ') || '""'};`;
      }
    }
  }

  private value(node: ValueNode, scope: Scope): string {
    const { source } = node;
    if (source.kind === 'constant' && source.value !== null && !node.lookup && !node.date && !node.convert) {
      const empty = source.value === '' || (Array.isArray(source.value) && source.value.length === 0);
      return node.discardIfEmpty && empty ? '' : this.set(scope, node.target, this.constant(source.value));
    }
    const label = this.fresh('f');
    const fail = (code: string) => this.fail(node, scope, code, label);
    const lines = [`${label}: { let v;`, this.source(node.source, scope, 'v', fail('expression'))];
    const write = this.set(scope, node.target, 'v');
    const empty = node.fallback ? `{ ${this.set(scope, node.target, this.constant(node.fallback.value))} break ${label}; }` : node.discardIfEmpty ? `break ${label};` : `{ if (v === null) ${write} break ${label}; }`;
    lines.push(`if (v === undefined || v === null) ${empty}`);
    if (node.discardIfEmpty) lines.push(`if (v === "" || (Array.isArray(v) && v.length === 0)) break ${label};`);
    if (node.lookup) {
      if (isStaticLookup(node.lookup)) lines.push(`v = ${this.constant(compileStaticLookup(node.lookup))}(v);`);
      else {
        this.async = true;
        lines.push(`v = await dynamic.resolve(${this.constant(node.lookup as DynamicLookup)}, v);`);
      }
      lines.push(`if (${failed('v')}) ${fail('lookup')}`);
    }
    if (node.date) lines.push(`if (v !== null) { v = ${this.constant(node.date)}(v); if (${failed('v')}) ${fail('date')} }`);
    if (node.convert) lines.push(`v = ${this.constant(converterFor(node.convert))}(v); if (${failed('v')}) ${fail('conversion')}`);
    lines.push(write, '}');
    return lines.join('\n');
  }

  /**
   * What an object or array node writes when its source has no value: its default, else null
   * when the (single) source said null, else nothing.
   */
  private missing(node: ObjectNode | ArrayNode, scope: Scope, value: string | null, label: string): string {
    if (node.fallback) return `{ ${this.set(scope, node.target, this.constant(node.fallback.value))} break ${label}; }`;
    return value === null ? `break ${label};` : `{ if (${value} === null) ${this.set(scope, node.target, 'null')} break ${label}; }`;
  }

  private object(node: ObjectNode, scope: Scope): string {
    if (node.source.kind === 'none') {
      // Children write into the parent's output through the prefix; the object appears with its first field.
      const inner: Scope = { ...scope, prefix: [...scope.prefix, ...node.target], name: this.childName(node, scope) };
      return node.children.map((child) => this.node(child, inner)).join('\n');
    }
    const label = this.fresh('f');
    const ctx = this.fresh('c');
    const inner: Scope = { ...scope, ctx, items: [], hoisted: new Map(scope.hoisted), prefix: [...scope.prefix, ...node.target], name: this.childName(node, scope) };
    return [
      `${label}: { let ${ctx};`,
      this.source(node.source, scope, ctx, `{ const v = ${ctx}; ${this.fail(node, scope, 'expression', label)} }`),
      `if (${ctx} === undefined || ${ctx} === null) ${this.missing(node, scope, ctx, label)}`,
      ...this.open(node.children, inner, [ctx]),
      ...node.children.map((child) => this.node(child, inner)),
      '}',
    ].join('\n');
  }

  /** The name prefix of a node's children: `customer.` or, inside an array, `lines[3].customer.`. */
  private childName(node: Node, scope: Scope, index?: string): string {
    return index ? `${this.fieldName(node, scope)} + "[" + ${index} + "]."` : `${this.fieldName(node, scope)} + "."`;
  }

  private array(node: ArrayNode, scope: Scope): string {
    const label = this.fresh('f');
    const sources = node.sources.map(() => this.fresh('a'));
    const lines = [`${label}: {`];
    for (const [i, source] of node.sources.entries()) {
      const name = sources[i] as string;
      lines.push(`let ${name};`, this.source(source, scope, name, `{ const v = ${name}; ${this.fail(node, scope, 'expression', label)} }`));
    }
    if (sources.length > 0) {
      const first = sources[0] as string;
      const none = sources.map((name) => `${name} === undefined || ${name} === null`).join(' && ');
      lines.push(`if (${none}) ${this.missing(node, scope, sources.length === 1 ? first : null, label)}`);
      for (const name of sources) lines.push(`${name} = ${name} == null ? [] : Array.isArray(${name}) ? ${name} : [${name}];`);
    }
    const n = this.fresh('n');
    const j = this.fresh('j');
    const list = this.fresh('l');
    const item = this.fresh('i');
    const itemVars = sources.map(() => this.fresh('x'));
    lines.push(`const ${n} = ${sources.length === 0 ? '1' : `Math.max(${sources.map((s) => `${s}.length`).join(', ')})`};`, `const ${list} = [];`);
    lines.push(`for (let ${j} = 0; ${j} < ${n}; ${j}++) {`, `const ${item} = {};`);
    for (const [i, name] of itemVars.entries()) lines.push(`const ${name} = ${sources[i]}[${j}];`);
    const inner: Scope = {
      ctx: node.itemContext ? (itemVars[0] as string) : scope.ctx,
      root: scope.root,
      items: node.itemContext ? [] : itemVars,
      objects: scope.objects,
      hoisted: new Map(scope.hoisted),
      out: item,
      prefix: [],
      name: this.childName(node, scope, j),
    };
    lines.push(...this.open(node.children, inner, itemVars), ...node.children.map((child) => this.node(child, inner)));
    lines.push(`${list}.push(${item});`, '}', this.set(scope, node.target, list), '}');
    return lines.join('\n');
  }
}
