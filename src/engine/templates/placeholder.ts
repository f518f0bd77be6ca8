/**
 * One placeholder expression — the text between `{{` and `}}` — compiled once and evaluated per
 * request: `path:type | fallback:type | 'literal'`. Compiled expressions are cached by source,
 * because the same integration templates are rendered for every request and every page.
 */

/** What templates can read: the request, the connection and the engine's state, by root key. */
export interface Scope {
  id?: unknown;
  body?: unknown;
  query?: unknown;
  context?: unknown;
  credentials?: unknown;
  oauth?: unknown;
  pagination?: unknown;
  environment?: unknown;
  response?: unknown;
  [root: string]: unknown;
}

export const PLACEHOLDER_TYPES = ['str', 'int', 'num', 'bool', 'json', 'null', 'any'] as const;
export type PlaceholderType = (typeof PLACEHOLDER_TYPES)[number];

export type TemplateErrorCode = 'TEMPLATE_INVALID' | 'TEMPLATE_CONVERSION_FAILED';

/**
 * A template that cannot be compiled (`TEMPLATE_INVALID`, a bug in the integration definition) or
 * a value that cannot take the requested type (`TEMPLATE_CONVERSION_FAILED`, usually bad caller
 * input → 400). Messages name the placeholder and the types, never the value: scopes hold secrets.
 */
export class TemplateError extends Error {
  constructor(
    readonly code: TemplateErrorCode,
    message: string,
    /** The template (TEMPLATE_INVALID) or placeholder source (TEMPLATE_CONVERSION_FAILED). */
    readonly template: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TemplateError';
  }
}

/** A compiled `{{…}}` expression. `evaluate` returns `undefined` when no alternative has a value. */
export interface CompiledPlaceholder {
  /** The expression as written, without the braces. */
  readonly source: string;
  /** Every path the expression reads, primary first (for validation and docs). */
  readonly paths: readonly string[];
  /** The name reported when the value is missing: the first path, or the source. */
  readonly name: string;
  /** An untyped path keeps its JSON type; `render` turns values into text where needed. */
  evaluate(scope: Scope): unknown;
}

type Alternative =
  | { kind: 'path'; path: string; segments: readonly string[]; type: PlaceholderType | undefined }
  | { kind: 'literal'; value: unknown };

// Keys that reach an object's prototype machinery; a template must never walk into them.
const FORBIDDEN = new Set(['__proto__', 'prototype', 'constructor']);
const NUMBER = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const WORD_END = /[\s|:'"{}]/;
const FAIL: unique symbol = Symbol('conversion failed');
const CACHE_LIMIT = 5000;
const cache = new Map<string, CompiledPlaceholder>();

/**
 * Reads a dot path (`items.0.id`) from a value, following only own properties and never
 * `__proto__`, `prototype` or `constructor`.
 *
 * @example resolvePath({ items: [{ id: 'a' }] }, 'items.0.id') // → 'a'
 */
export function resolvePath(root: unknown, path: string | readonly string[]): unknown {
  const segments = typeof path === 'string' ? path.split('.') : path;
  let current = root;
  for (const segment of segments) {
    if (typeof current !== 'object' || current === null || FORBIDDEN.has(segment)) return undefined;
    if (!Object.prototype.hasOwnProperty.call(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/**
 * Compiles the inside of one `{{…}}` (cached by source); throws `TemplateError` TEMPLATE_INVALID.
 *
 * @example compilePlaceholder("query.limit:int | 100").evaluate({ query: { limit: '20' } }) // → 20
 */
export function compilePlaceholder(source: string): CompiledPlaceholder {
  const cached = cache.get(source);
  if (cached) return cached;
  const alternatives = parseExpression(source);
  const paths = alternatives.flatMap((alt) => (alt.kind === 'path' ? [alt.path] : []));
  const compiled: CompiledPlaceholder = {
    source,
    paths,
    name: paths[0] ?? source.trim(),
    evaluate: (scope) => evaluate(alternatives, source, scope),
  };
  // A bound, not an LRU: definitions hold a few thousand templates at most; evicting the oldest
  // keeps a stream of one-off templates from growing the map forever.
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(source, compiled);
  return compiled;
}

function evaluate(alternatives: readonly Alternative[], source: string, scope: Scope): unknown {
  for (const alt of alternatives) {
    if (alt.kind === 'literal') return alt.value;
    const raw = resolvePath(scope, alt.segments);
    if (raw === undefined) continue;
    const type = alt.type;
    if (raw === null && type !== 'null' && type !== 'any') continue;
    if (type === undefined) return raw;
    const converted = convert(raw, type);
    if (converted === FAIL) {
      throw new TemplateError(
        'TEMPLATE_CONVERSION_FAILED',
        `Placeholder {{${source.trim()}}} cannot convert the ${describeType(raw)} at "${alt.path}" to ${type}.`,
        `{{${source}}}`,
      );
    }
    return converted;
  }
  return undefined;
}

/** How a value is written inside a longer string: strings as-is, null as '', objects as JSON. */
export function toText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function convert(value: unknown, type: PlaceholderType): unknown {
  switch (type) {
    case 'str':
      if (typeof value === 'object' && value !== null) return safeStringify(value);
      return value === null ? FAIL : String(value);
    case 'int': {
      const n = toNumber(value);
      return n === FAIL ? FAIL : Math.trunc(n);
    }
    case 'num':
      return toNumber(value);
    case 'bool':
      return toBoolean(value);
    case 'json':
      if (typeof value !== 'string') return value;
      try {
        return JSON.parse(value) as unknown;
      } catch {
        return FAIL;
      }
    case 'null':
      return null;
    case 'any':
      return value;
  }
}

// Stricter than parseInt on purpose: '12abc' and '' are bad input, not 12 and 0.
function toNumber(value: unknown): number | typeof FAIL {
  if (typeof value === 'number') return Number.isFinite(value) ? value : FAIL;
  if (typeof value !== 'string' || value.trim() === '') return FAIL;
  const n = Number(value);
  return Number.isFinite(n) ? n : FAIL;
}

function toBoolean(value: unknown): boolean | typeof FAIL {
  if (typeof value === 'boolean') return value;
  if (value === 1 || value === 0) return value === 1;
  if (typeof value !== 'string') return FAIL;
  const text = value.trim().toLowerCase();
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0') return false;
  return FAIL;
}

function safeStringify(value: object): string | typeof FAIL {
  try {
    return JSON.stringify(value);
  } catch {
    return FAIL; // circular or BigInt inside
  }
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value === 'object' ? 'object' : typeof value;
}

// ---- parsing -----------------------------------------------------------------------------------

type Token = { kind: 'word'; text: string } | { kind: 'string'; text: string } | { kind: '|' } | { kind: ':' };

function invalid(source: string, reason: string): TemplateError {
  const shown = source.length > 200 ? `${source.slice(0, 200)}…` : source;
  return new TemplateError('TEMPLATE_INVALID', `Invalid placeholder {{${shown}}}: ${reason}.`, `{{${source}}}`);
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i] as string;
    if (/\s/.test(ch)) {
      i += 1;
    } else if (ch === '|' || ch === ':') {
      tokens.push({ kind: ch });
      i += 1;
    } else if (ch === "'" || ch === '"') {
      let text = '';
      let j = i + 1;
      for (; j < source.length && source[j] !== ch; j += 1) {
        if (source[j] === '\\' && j + 1 < source.length) j += 1; // \' \" \\ escape the next char
        text += source[j];
      }
      if (j >= source.length) throw invalid(source, 'unterminated quoted string');
      tokens.push({ kind: 'string', text });
      i = j + 1;
    } else if (ch === '{' || ch === '}') {
      throw invalid(source, `unexpected "${ch}"`);
    } else {
      let j = i + 1;
      while (j < source.length && !WORD_END.test(source[j] as string)) j += 1;
      tokens.push({ kind: 'word', text: source.slice(i, j) });
      i = j;
    }
  }
  return tokens;
}

function parseExpression(source: string): Alternative[] {
  const tokens = tokenize(source);
  if (tokens.length === 0) throw invalid(source, 'empty placeholder');
  const alternatives: Alternative[] = [];
  let i = 0;
  for (;;) {
    const atom = tokens[i];
    if (!atom || atom.kind === '|' || atom.kind === ':') throw invalid(source, 'expected a path or a literal');
    let type: PlaceholderType | undefined;
    if (tokens[i + 1]?.kind === ':') {
      const typeToken = tokens[i + 2];
      if (typeToken?.kind !== 'word') throw invalid(source, 'expected a type after ":"');
      if (!(PLACEHOLDER_TYPES as readonly string[]).includes(typeToken.text)) {
        throw invalid(source, `unknown type "${typeToken.text}" (use ${PLACEHOLDER_TYPES.join(', ')})`);
      }
      type = typeToken.text as PlaceholderType;
      i += 2;
    }
    alternatives.push(toAlternative(source, atom, type));
    i += 1;
    if (i === tokens.length) return alternatives;
    if (tokens[i]?.kind !== '|') throw invalid(source, 'expected "|" between alternatives');
    i += 1;
  }
}

function toAlternative(source: string, atom: Token & { text: string }, type: PlaceholderType | undefined): Alternative {
  let literal: { value: unknown } | undefined;
  if (atom.kind === 'string') literal = { value: atom.text };
  else if (NUMBER.test(atom.text)) literal = { value: Number(atom.text) };
  else if (atom.text === 'true' || atom.text === 'false') literal = { value: atom.text === 'true' };
  else if (atom.text === 'null') literal = { value: null };
  if (literal) {
    // A literal is written by the integration author, so a bad conversion is a definition bug.
    if (type === undefined) return { kind: 'literal', value: literal.value };
    const value = literal.value === null && type !== 'null' && type !== 'any' ? FAIL : convert(literal.value, type);
    if (value === FAIL) throw invalid(source, `literal ${atom.kind === 'string' ? `'${atom.text}'` : atom.text} cannot be converted to ${type}`);
    return { kind: 'literal', value };
  }
  const segments = atom.text.split('.');
  if (segments.some((s) => s === '')) throw invalid(source, `"${atom.text}" has an empty path segment`);
  return { kind: 'path', path: atom.text, segments, type };
}
