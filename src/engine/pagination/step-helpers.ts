import { readDotPath } from './dot-path.js';
import { PaginationError } from './pagination-error.js';
import type { DoneReason, NextStep, PageRequest, PaginationConfig, PagingState } from './types.js';

/** Page size asked for when neither the caller nor the definition says. */
export const DEFAULT_LIMIT = 100;
/** The repeat guard remembers this many cursors, so a checkpoint stays small. */
export const SEEN_CURSORS_KEPT = 1000;

/** `min(limit ?? config.limit ?? 100, config.max_limit)`, as a whole number ≥ 1. */
export function resolveLimit(config: PaginationConfig, limit?: number): number {
  const wanted = limit ?? config.limit ?? DEFAULT_LIMIT;
  const capped = Math.min(wanted, config.max_limit ?? Number.POSITIVE_INFINITY);
  return Number.isFinite(capped) ? Math.max(1, Math.floor(capped)) : DEFAULT_LIMIT;
}

/** The limit the previous request asked for: what the strategy stored, else what options say now. */
export function askedLimit(config: PaginationConfig, state: PagingState, limit?: number): number {
  const stored = state.values.limit;
  return typeof stored === 'number' && Number.isFinite(stored) ? stored : resolveLimit(config, limit);
}

/**
 * Puts paging values in the query, or in the body when `location: 'body'`. Values whose key is
 * undefined are skipped, so an absent `limit_key` sends no limit.
 */
export function placeValues(request: PageRequest, config: PaginationConfig, entries: Array<[string | undefined, unknown]>): PageRequest {
  const set: Record<string, unknown> = {};
  for (const [key, value] of entries) if (key !== undefined && key !== '') set[key] = value;
  if (config.location === 'body') return { ...request, body: { ...(request.body ?? {}), ...set } };
  return { ...request, query: { ...request.query, ...set } };
}

/**
 * Values exposed to templates: the canonical names (page, offset, cursor, limit) plus the same
 * values under the definition's own key names, because definitions write `{{pagination.per_page}}`
 * when their limit_key is per_page. Canonical names win a clash.
 */
export function exposeValues(config: PaginationConfig, canonical: Record<string, unknown>): Record<string, unknown> {
  const out = { ...canonical };
  const alias = (key: string | undefined, name: string) => {
    if (key && !CANONICAL_NAMES.has(key) && canonical[name] !== undefined) out[key] = canonical[name];
  };
  alias(config.page_key, 'page');
  alias(config.offset_key, 'offset');
  alias(config.limit_key, 'limit');
  alias(config.cursor_key, 'cursor');
  return out;
}

const CANONICAL_NAMES = new Set(['page', 'offset', 'limit', 'cursor', 'url']);

/** Case-insensitive header lookup (responses should already be lower-cased; requests may not be). */
export function readHeader(headers: Record<string, string>, name: string): string | undefined {
  const direct = headers[name.toLowerCase()];
  if (direct !== undefined) return direct;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

/** Sets a header, dropping any spelling of the same name that was there before. */
export function withHeader(headers: Record<string, string>, name: string, value: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, existing] of Object.entries(headers)) if (key.toLowerCase() !== name.toLowerCase()) out[key] = existing;
  out[name] = value;
  return out;
}

/** True when `has_next_path` is configured and the body says false, 'false' or null there. */
export function hasNextFalse(config: PaginationConfig, body: unknown): boolean {
  if (!config.has_next_path) return false;
  const flag = readDotPath(body, config.has_next_path);
  return flag === false || flag === null || (typeof flag === 'string' && flag.trim().toLowerCase() === 'false');
}

/**
 * The "short page" rule, only when the definition opts in (`stop_on_short_page`): with no
 * `has_next_path` to ask, a page shorter than the limit we sent is the last one. Off by default:
 * many APIs cap the page size below what was asked without saying so, and stopping there would
 * silently lose the rest; an empty page costs one request and is always right.
 */
export function isShortPage(config: PaginationConfig, recordCount: number, limit: number): boolean {
  return config.stop_on_short_page === true && !config.has_next_path && Boolean(config.limit_key) && recordCount < limit;
}

/** The state after one more page was fetched. */
export function advance(state: PagingState, values: Record<string, unknown>, seen: string[] = state.seenCursors): PagingState {
  return { pageIndex: state.pageIndex + 1, seenCursors: seen, values };
}

export function remember(seen: string[], cursor: string): string[] {
  const next = [...seen, cursor];
  return next.length > SEEN_CURSORS_KEPT ? next.slice(next.length - SEEN_CURSORS_KEPT) : next;
}

/** True when a next URL was already followed, or is the page just fetched. */
export function isSeenUrl(state: PagingState, url: string, base: string | undefined): boolean {
  if (state.seenCursors.includes(url)) return true;
  if (base === undefined) return false;
  try {
    return new URL(base).href === url;
  } catch {
    return false;
  }
}

export function stop(reason: DoneReason, state: PagingState): NextStep {
  return { done: true, reason, state: advance(state, state.values) };
}

/** Done with `repeated_cursor`: the next request would repeat one already sent. */
export function repeated(state: PagingState, error: string): NextStep {
  return { done: true, reason: 'repeated_cursor', error, state: advance(state, state.values) };
}

/** "The API returned the cursor "abc" again …" — names the value, cut to a readable length. */
export function repeatedMessage(what: string, value: string): string {
  return `The API returned ${what} ${JSON.stringify(truncate(value))} again after it was already followed; stopping so paging does not loop forever.`;
}

export function truncate(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/**
 * Resolves a next link against the URL of the current page and refuses one that leaves its origin
 * (the request carries the connection's credentials) unless the caller allows it.
 */
export function resolveNextUrl(link: string, base: string | undefined, allowCrossOrigin = false): string {
  let resolved: URL;
  try {
    resolved = base === undefined ? new URL(link) : new URL(link, base);
  } catch (cause) {
    const hint = base === undefined ? ' (no current URL was given to resolve it against; pass options.currentUrl or response.url)' : '';
    throw new PaginationError('PAGINATION_URL_INVALID', `The next page link ${JSON.stringify(truncate(link))} is not a valid URL${hint}.`, { cause });
  }
  if (resolved.protocol !== 'http:' && resolved.protocol !== 'https:') {
    throw new PaginationError('PAGINATION_URL_INVALID', `The next page link ${JSON.stringify(truncate(link))} is not an http(s) URL.`);
  }
  if (!allowCrossOrigin && base !== undefined) {
    const origin = new URL(base).origin;
    if (resolved.origin !== origin) {
      throw new PaginationError('PAGINATION_CROSS_ORIGIN', `The next page link points to ${resolved.origin}, not ${origin}; refusing to send the connection's credentials there.`);
    }
  }
  return resolved.href;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
