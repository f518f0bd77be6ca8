/**
 * Rendering of template strings and template-bearing values (query maps, bodies, paths) against a
 * scope. A template is split into text and compiled placeholders once and cached; rendering is a
 * walk over the compiled parts with no regular expressions.
 */
import { compilePlaceholder, type CompiledPlaceholder, type Scope, TemplateError, toText } from './placeholder.js';
import { encodeComponent } from './query-string.js';

/** A rendered value and the placeholder paths that had no value (deduplicated, in order). */
export interface RenderResult<T> {
  value: T;
  missing: string[];
}

export type RenderPathResult = { ok: true; value: string } | { ok: false; missing: string[] };

interface CompiledTemplate {
  /** Text around the placeholders: `texts.length === placeholders.length + 1`. */
  readonly texts: readonly string[];
  readonly placeholders: readonly CompiledPlaceholder[];
  /** Set when the template is exactly one placeholder, whose value then keeps its JSON type. */
  readonly whole: CompiledPlaceholder | undefined;
}

const CACHE_LIMIT = 5000;
const cache = new Map<string, CompiledTemplate>();

/**
 * True when the text holds `{{` (it may still be malformed; rendering tells).
 *
 * @example hasPlaceholders('Bearer {{oauth.token.access_token}}') // → true
 */
export function hasPlaceholders(text: string): boolean {
  return text.includes('{{');
}

/**
 * Every path a template (a string, or any value holding strings) reads, fallbacks included.
 * Throws `TemplateError` TEMPLATE_INVALID for malformed templates, so it doubles as validation.
 *
 * @example listPlaceholders('/users/{{id}}?q={{query.q|context.q}}') // → ['id', 'query.q', 'context.q']
 */
export function listPlaceholders(template: unknown): string[] {
  const paths: string[] = [];
  collectPaths(template, paths);
  return paths;
}

function collectPaths(value: unknown, paths: string[]): void {
  if (typeof value === 'string') {
    if (!value.includes('{{')) return;
    for (const placeholder of compileTemplate(value).placeholders) {
      for (const path of placeholder.paths) addOnce(paths, path);
    }
  } else if (Array.isArray(value)) {
    for (const item of value) collectPaths(item, paths);
  } else if (isPlainObject(value)) {
    for (const key of Object.keys(value)) collectPaths(value[key], paths);
  }
}

/**
 * Renders one string. A string that is exactly one placeholder yields the value with its JSON
 * type (`undefined` when missing); otherwise placeholders are interpolated as text and a missing
 * one renders as ''. Either way missing paths are listed.
 *
 * @example renderString('{{context.users}}', { context: { users: [1, 2] } }) // → { value: [1, 2], missing: [] }
 * @example renderString('Bearer {{oauth.token.access_token}}', { oauth: {} }) // → { value: 'Bearer ', missing: ['oauth.token.access_token'] }
 */
export function renderString(template: string, scope: Scope): RenderResult<unknown> {
  const missing: string[] = [];
  if (!template.includes('{{')) return { value: template, missing };
  return { value: renderCompiled(compileTemplate(template), scope, missing), missing };
}

/**
 * Renders every string inside a value (keys are not templated) into fresh objects and arrays. A
 * property or array item that is one whole placeholder with no value is dropped: that is how
 * optional query and body parameters disappear.
 *
 * @example renderValue({ search: '{{search_query}}', page: '{{pagination.page}}' }, { pagination: { page: 2 } })
 * // → { value: { page: 2 }, missing: ['search_query'] }
 */
export function renderValue(value: unknown, scope: Scope): RenderResult<unknown> {
  const missing: string[] = [];
  return { value: walk(value, scope, missing), missing };
}

/**
 * Renders a URL path or base URL: every value is URI-encoded (`encode`, default
 * encodeURIComponent); a missing or empty value fails the whole path, so `/users/{{id}}` can never
 * become `/users/` or reach the upstream with braces in it. A value of `.` or `..` would be
 * resolved away by URL parsing and throws TEMPLATE_CONVERSION_FAILED.
 *
 * @example renderPath('/users/{{id}}', { id: 'a/b c' }) // → { ok: true, value: '/users/a%2Fb%20c' }
 * @example renderPath('/users/{{id}}', {}) // → { ok: false, missing: ['id'] }
 */
export function renderPath(template: string, scope: Scope, encode: (value: string) => string = encodeComponent): RenderPathResult {
  if (!template.includes('{{')) return { ok: true, value: template };
  const { texts, placeholders } = compileTemplate(template);
  let missing: string[] | undefined;
  let out = texts[0] as string;
  for (let i = 0; i < placeholders.length; i += 1) {
    const placeholder = placeholders[i] as CompiledPlaceholder;
    const text = toText(placeholder.evaluate(scope));
    if (text === '') {
      missing ??= [];
      addOnce(missing, placeholder.name);
    } else if (text === '.' || text === '..') {
      throw new TemplateError(
        'TEMPLATE_CONVERSION_FAILED',
        `Placeholder {{${placeholder.source.trim()}}} is "${text}", which cannot be a URL path segment.`,
        `{{${placeholder.source}}}`,
      );
    } else if (missing === undefined) {
      out += encode(text);
    }
    out += texts[i + 1] as string;
  }
  return missing ? { ok: false, missing } : { ok: true, value: out };
}

function walk(value: unknown, scope: Scope, missing: string[]): unknown {
  if (typeof value === 'string') {
    return value.includes('{{') ? renderCompiled(compileTemplate(value), scope, missing) : value;
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) {
      const rendered = walk(item, scope, missing);
      if (rendered !== undefined) out.push(rendered);
    }
    return out;
  }
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const rendered = walk(value[key], scope, missing);
      if (rendered === undefined) continue;
      // A JSON "__proto__" key is an own property; plain assignment would set the prototype.
      if (key === '__proto__') Object.defineProperty(out, key, { value: rendered, enumerable: true, writable: true, configurable: true });
      else out[key] = rendered;
    }
    return out;
  }
  return value;
}

function renderCompiled(compiled: CompiledTemplate, scope: Scope, missing: string[]): unknown {
  const { texts, placeholders, whole } = compiled;
  if (whole) {
    const value = whole.evaluate(scope);
    if (value === undefined) addOnce(missing, whole.name);
    return value;
  }
  let out = texts[0] as string;
  for (let i = 0; i < placeholders.length; i += 1) {
    const placeholder = placeholders[i] as CompiledPlaceholder;
    const value = placeholder.evaluate(scope);
    if (value === undefined) addOnce(missing, placeholder.name);
    else out += toText(value);
    out += texts[i + 1] as string;
  }
  return out;
}

function compileTemplate(template: string): CompiledTemplate {
  const cached = cache.get(template);
  if (cached) return cached;
  const texts: string[] = [];
  const placeholders: CompiledPlaceholder[] = [];
  let last = 0;
  let open = template.indexOf('{{');
  while (open !== -1) {
    const close = findClose(template, open + 2);
    texts.push(template.slice(last, open));
    placeholders.push(compileWithin(template, template.slice(open + 2, close)));
    last = close + 2;
    open = template.indexOf('{{', last);
  }
  texts.push(template.slice(last));
  const whole = placeholders.length === 1 && texts[0] === '' && texts[1] === '' ? placeholders[0] : undefined;
  const compiled: CompiledTemplate = { texts, placeholders, whole };
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(template, compiled);
  return compiled;
}

/** Index of the `}}` closing a placeholder whose body starts at `from`; quotes may hold braces. */
function findClose(template: string, from: number): number {
  let quote: string | undefined;
  for (let i = from; i < template.length; i += 1) {
    const ch = template[i];
    if (quote) {
      if (ch === '\\') i += 1;
      else if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
    } else if (ch === '}' && template[i + 1] === '}') {
      return i;
    } else if (ch === '{' && template[i + 1] === '{') {
      throw invalidTemplate(template, `placeholder at position ${from - 2} is not closed before the next "{{"`);
    }
  }
  throw invalidTemplate(template, `placeholder at position ${from - 2} is not closed with "}}"`);
}

function compileWithin(template: string, source: string): CompiledPlaceholder {
  try {
    return compilePlaceholder(source);
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    throw invalidTemplate(template, error.message, error);
  }
}

function invalidTemplate(template: string, reason: string, cause?: unknown): TemplateError {
  const shown = template.length > 200 ? `${template.slice(0, 200)}…` : template;
  return new TemplateError('TEMPLATE_INVALID', `Invalid template "${shown}": ${reason}`, template, { cause });
}

function addOnce(list: string[], item: string): void {
  if (!list.includes(item)) list.push(item);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
