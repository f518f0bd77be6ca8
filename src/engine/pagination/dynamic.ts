import { createHash } from 'node:crypto';
import type jsonata from 'jsonata';
import { lazyModule } from '../../util/lazy-module.js';
import { PaginationError } from './pagination-error.js';
import { advance, isPlainObject, remember, repeated, resolveNextUrl, truncate, withHeader } from './step-helpers.js';
import type { NextStep, PageRequest, StrategyContext } from './types.js';

const loadJsonata = lazyModule<typeof jsonata>('jsonata');
const CACHE_MAX = 500;
const compiled = new Map<string, jsonata.Expression>();

/** Compiles a JSONata expression once per source text (bounded cache, oldest dropped first). */
export function compileExpression(source: string): jsonata.Expression {
  const hit = compiled.get(source);
  if (hit) return hit;
  let expression: jsonata.Expression;
  try {
    expression = loadJsonata()(source);
  } catch (cause) {
    throw new PaginationError('PAGINATION_EXPRESSION_FAILED', `The pagination expression does not compile: ${describe(cause)}.`, { cause });
  }
  if (compiled.size >= CACHE_MAX) compiled.delete(compiled.keys().next().value!);
  compiled.set(source, expression);
  return expression;
}

const KEYS = ['query', 'body', 'headers', 'url', 'values'] as const;

/**
 * Dynamic paging: `config.expression` (JSONata) sees
 * `{ response: {status, headers, body}, request: {query, body, headers, url}, pagination, records }`
 * and returns the changes for the next request, or null/false (or `{}`) to stop.
 * `query`/`body`/`headers` are merged over the previous request (a null value removes a key);
 * a returned `url` starts a fresh query (the URL carries its own); `values` replaces the state's
 * values (`{{pagination.*}}`). An expression that produces the same request twice is stopped by
 * the repeat guard instead of looping.
 *
 * @example expression: `response.body.has_more ? { "query": { "page": request.query.page + 1 } } : null`
 */
export async function nextDynamic({ config, request, response, state, options }: StrategyContext): Promise<NextStep> {
  if (!config.expression) throw new PaginationError('PAGINATION_EXPRESSION_FAILED', 'Dynamic pagination needs config.expression.');
  const scope = {
    response: { status: response.status, headers: response.headers, body: response.body },
    request: { query: request.query, body: request.body, headers: request.headers, url: request.url },
    pagination: state.values,
    records: response.records,
  };
  let result: unknown;
  try {
    result = await compileExpression(config.expression).evaluate(scope);
  } catch (cause) {
    throw new PaginationError('PAGINATION_EXPRESSION_FAILED', `The pagination expression failed: ${describe(cause)}.`, { cause });
  }
  if (result === null || result === undefined || result === false) return stopped(state);
  if (!isPlainObject(result)) throw invalid(result);
  const present = KEYS.filter((key) => result[key] !== undefined && result[key] !== null);
  if (present.length === 0) {
    if (Object.keys(result).length === 0) return stopped(state);
    throw invalid(result);
  }

  const next = applyChanges(request, result, options.currentUrl ?? response.url ?? request.url, options.allowCrossOrigin);
  const values = isPlainObject(result.values) ? { ...result.values } : state.values;
  // Values take part because the caller may render {{pagination.*}} into the request templates.
  const fingerprint = fingerprintOf(next, values);
  const current = fingerprintOf(request, state.values);
  if (fingerprint === current || state.seenCursors.includes(fingerprint)) {
    return repeated(state, `The pagination expression produced a request that was already sent (${truncate(JSON.stringify(next))}); stopping so paging does not loop forever.`);
  }
  return { done: false, request: next, state: advance(state, values, remember(seenWith(state.seenCursors, current), fingerprint)) };
}

// The first request was never a "next" one, so it joins the seen list when the second is made.
function seenWith(seen: string[], fingerprint: string): string[] {
  return seen.includes(fingerprint) ? seen : remember(seen, fingerprint);
}

function stopped(state: StrategyContext['state']): NextStep {
  return { done: true, reason: 'expression_null', state: advance(state, state.values) };
}

function applyChanges(request: PageRequest, result: Record<string, unknown>, base: string | undefined, allowCrossOrigin?: boolean): PageRequest {
  const next: PageRequest = { ...request };
  if (typeof result.url === 'string' && result.url !== '') {
    next.url = resolveNextUrl(result.url, base, allowCrossOrigin);
    next.query = {};
  } else if (result.url !== undefined && result.url !== null) {
    throw new PaginationError('PAGINATION_EXPRESSION_FAILED', 'The pagination expression returned a "url" that is not a non-empty string.');
  }
  if (result.query !== undefined && result.query !== null) next.query = merge(next.query, objectField(result, 'query'));
  if (result.body !== undefined && result.body !== null) next.body = merge(next.body ?? {}, objectField(result, 'body'));
  if (result.headers !== undefined && result.headers !== null) {
    let headers = request.headers;
    for (const [name, value] of Object.entries(objectField(result, 'headers'))) {
      if (value === null || value === undefined) headers = Object.fromEntries(Object.entries(headers).filter(([key]) => key.toLowerCase() !== name.toLowerCase()));
      else headers = withHeader(headers, name, typeof value === 'string' ? value : JSON.stringify(value));
    }
    next.headers = headers;
  }
  return next;
}

function objectField(result: Record<string, unknown>, key: string): Record<string, unknown> {
  const value = result[key];
  if (!isPlainObject(value)) throw new PaginationError('PAGINATION_EXPRESSION_FAILED', `The pagination expression returned a "${key}" that is not an object.`);
  return value;
}

function merge(previous: Record<string, unknown>, changes: Record<string, unknown>): Record<string, unknown> {
  const out = { ...previous };
  for (const [key, value] of Object.entries(changes)) {
    if (value === null || value === undefined) delete out[key];
    else out[key] = value;
  }
  return out;
}

function invalid(result: unknown): PaginationError {
  return new PaginationError(
    'PAGINATION_EXPRESSION_FAILED',
    `The pagination expression must return null/false to stop or an object with any of ${KEYS.join(', ')}; it returned ${truncate(JSON.stringify(result) ?? String(result))}.`,
  );
}

/** A stable hash of what the next request would send, for the repeat guard. */
function fingerprintOf(request: PageRequest, values: Record<string, unknown>): string {
  const canonical = stableStringify({ url: request.url ?? null, query: request.query, body: request.body ?? null, headers: request.headers, values });
  return `request:${createHash('sha256').update(canonical).digest('hex')}`;
}

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (isPlainObject(value)) {
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${stableStringify(value[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function describe(cause: unknown): string {
  if (cause && typeof cause === 'object' && 'message' in cause) return String((cause as { message: unknown }).message);
  return String(cause);
}
