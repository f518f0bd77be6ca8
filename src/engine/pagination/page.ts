import { advance, askedLimit, exposeValues, hasNextFalse, isShortPage, placeValues, resolveLimit, stop } from './step-helpers.js';
import type { NextStep, PageRequest, PaginationConfig, PagingState, StrategyContext } from './types.js';

export const DEFAULT_PAGE_KEY = 'page';

/** `?page=<start_page>&<limit_key>=<limit>` on the first request. */
export function firstPageNumber(config: PaginationConfig, base: PageRequest, limit: number): { request: PageRequest; state: PagingState } {
  const page = config.start_page ?? 1;
  const request = placeValues(base, config, [
    [config.page_key ?? DEFAULT_PAGE_KEY, page],
    [config.limit_key, limit],
  ]);
  return { request, state: { pageIndex: 0, seenCursors: [], values: exposeValues(config, { page, limit }) } };
}

/**
 * Page numbers: stops on an empty page, on `has_next_path` false, or (without has_next_path, when
 * a limit was sent) on a page shorter than the limit — reason `last_page`. Otherwise asks page + 1.
 *
 * @example // config { page_key: 'page', limit_key: 'per_page' }, 100 records on page 1
 * // → { done: false, request: { query: { page: 2, per_page: 100 } } }
 */
export function nextPageNumber({ config, request, response, state, options }: StrategyContext): NextStep {
  const limit = askedLimit(config, state, options.limit);
  if (response.records.length === 0) return stop('empty_page', state);
  if (hasNextFalse(config, response.body)) return stop('has_next_false', state);
  if (isShortPage(config, response.records.length, limit)) return stop('last_page', state);
  const current = typeof state.values.page === 'number' ? state.values.page : (config.start_page ?? 1);
  const page = current + 1;
  const nextLimit = options.limit === undefined ? limit : resolveLimit(config, options.limit);
  return {
    done: false,
    request: placeValues(request, config, [
      [config.page_key ?? DEFAULT_PAGE_KEY, page],
      [config.limit_key, nextLimit],
    ]),
    state: advance(state, exposeValues(config, { ...state.values, page, limit: nextLimit })),
  };
}
