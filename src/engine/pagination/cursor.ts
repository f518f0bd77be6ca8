import { readDotPath } from './dot-path.js';
import { advance, exposeValues, hasNextFalse, isSeenUrl, placeValues, readHeader, remember, repeated, repeatedMessage, resolveLimit, resolveNextUrl, stop } from './step-helpers.js';
import type { NextStep, PageRequest, PaginationConfig, PagingState, StrategyContext } from './types.js';

export const DEFAULT_CURSOR_KEY = 'cursor';
export const DEFAULT_CURSOR_PATH = 'next_cursor';

/** The first request carries no cursor, only the limit when a limit_key is configured. */
export function firstCursor(config: PaginationConfig, base: PageRequest, limit: number): { request: PageRequest; state: PagingState } {
  const request = placeValues(base, config, [[config.limit_key, limit]]);
  return { request, state: { pageIndex: 0, seenCursors: [], values: exposeValues(config, { limit }) } };
}

/**
 * The next cursor: `cursor_path` as a dot path in the body, or as a header name when
 * `cursor_path_object: 'header'`. Numbers count (some APIs page by last id); anything else that is
 * not a non-empty string means "no more pages".
 */
export function readCursor(config: PaginationConfig, headers: Record<string, string>, body: unknown): string | undefined {
  const path = config.cursor_path ?? DEFAULT_CURSOR_PATH;
  const raw = config.cursor_path_object === 'header' ? readHeader(headers, path) : readDotPath(body, path);
  if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw);
  if (typeof raw !== 'string') return undefined;
  return raw.trim() === '' ? undefined : raw;
}

/**
 * Cursors: stops on `has_next_path` false or when the cursor is missing, empty or null. An empty
 * page with a cursor continues — some APIs (Slack, search endpoints) return empty filtered pages
 * mid-way — and the repeat guard catches an API that hands back a cursor already followed.
 * With `is_link` the cursor is the next page's URL and becomes `request.url`.
 *
 * @example // config { cursor_key: 'after', cursor_path: 'paging.next' }, body { paging: { next: 'b2' } }
 * // → { done: false, request: { query: { after: 'b2' } } }
 */
export function nextCursor({ config, request, response, state, options }: StrategyContext): NextStep {
  if (hasNextFalse(config, response.body)) return stop('has_next_false', state);
  const cursor = readCursor(config, response.headers, response.body);
  if (cursor === undefined) return stop('no_cursor', state);
  const limit = resolveLimit(config, options.limit ?? (typeof state.values.limit === 'number' ? state.values.limit : undefined));

  if (config.is_link) {
    const base = options.currentUrl ?? response.url ?? request.url;
    const url = resolveNextUrl(cursor, base, options.allowCrossOrigin);
    if (isSeenUrl(state, url, base)) return repeated(state, repeatedMessage('the next page URL', url));
    return {
      done: false,
      request: { ...request, query: {}, url },
      state: advance(state, exposeValues(config, { ...state.values, cursor: url, url, limit }), remember(state.seenCursors, url)),
    };
  }

  if (state.seenCursors.includes(cursor)) return repeated(state, repeatedMessage('the cursor', cursor));
  return {
    done: false,
    request: placeValues(request, config, [
      [config.cursor_key ?? DEFAULT_CURSOR_KEY, cursor],
      [config.limit_key, limit],
    ]),
    state: advance(state, exposeValues(config, { ...state.values, cursor, limit }), remember(state.seenCursors, cursor)),
  };
}
