import { advance, askedLimit, exposeValues, hasNextFalse, isShortPage, placeValues, resolveLimit, stop } from './step-helpers.js';
import type { NextStep, PageRequest, PaginationConfig, PagingState, StrategyContext } from './types.js';

export const DEFAULT_OFFSET_KEY = 'offset';

/** `?offset=0&<limit_key>=<limit>` on the first request. */
export function firstOffset(config: PaginationConfig, base: PageRequest, limit: number): { request: PageRequest; state: PagingState } {
  const request = placeValues(base, config, [
    [config.offset_key ?? DEFAULT_OFFSET_KEY, 0],
    [config.limit_key, limit],
  ]);
  return { request, state: { pageIndex: 0, seenCursors: [], values: exposeValues(config, { offset: 0, limit }) } };
}

/**
 * Offsets: the same stop rules as page numbers; the offset advances by the records actually
 * received, not by the limit, because an upstream may return fewer than asked (a server-side cap)
 * and skipping `limit` would silently drop the difference.
 *
 * @example // config { offset_key: 'skip', limit_key: 'take' }, 40 records at offset 0 (has_next_path says more)
 * // → { done: false, request: { query: { skip: 40, take: 100 } } }
 */
export function nextOffset({ config, request, response, state, options }: StrategyContext): NextStep {
  const limit = askedLimit(config, state, options.limit);
  const count = response.records.length;
  if (count === 0) return stop('empty_page', state);
  if (hasNextFalse(config, response.body)) return stop('has_next_false', state);
  if (isShortPage(config, count, limit)) return stop('last_page', state);
  const current = typeof state.values.offset === 'number' ? state.values.offset : 0;
  const offset = current + count;
  const nextLimit = options.limit === undefined ? limit : resolveLimit(config, options.limit);
  return {
    done: false,
    request: placeValues(request, config, [
      [config.offset_key ?? DEFAULT_OFFSET_KEY, offset],
      [config.limit_key, nextLimit],
    ]),
    state: advance(state, exposeValues(config, { ...state.values, offset, limit: nextLimit })),
  };
}
