import type { Pagination } from '../../integrations/definition.js';
import { firstCursor, nextCursor } from './cursor.js';
import { nextDynamic } from './dynamic.js';
import { nextLinkHeader } from './link-header.js';
import { firstOffset, nextOffset } from './offset.js';
import { firstPageNumber, nextPageNumber } from './page.js';
import { firstRange, nextRange } from './range.js';
import { advance, exposeValues, placeValues, resolveLimit } from './step-helpers.js';
import type { FirstPageOptions, NextPageOptions, NextStep, PageRequest, PageResponse, PaginationConfig, PagingState } from './types.js';

/**
 * The first request of a list and the state to page on from. Page/offset/limit values go in the
 * query (or the body with `location: 'body'`); range sets the Range header; cursor, link_header and
 * dynamic send `base` unchanged except for the limit (cursor/link_header, when a limit_key is set).
 *
 * @example firstPage({ format: 'page', config: { limit_key: 'per_page', max_limit: 50 } }, { query: {}, headers: {} })
 * // → { request: { query: { page: 1, per_page: 50 }, headers: {} }, state: { pageIndex: 0, seenCursors: [], values: { page: 1, limit: 50, per_page: 50 } } }
 */
export function firstPage(
  pagination: Pagination | null | undefined,
  base: PageRequest,
  options: FirstPageOptions = {},
): { request: PageRequest; state: PagingState } {
  if (!pagination) return { request: base, state: { pageIndex: 0, seenCursors: [], values: {} } };
  const config: PaginationConfig = pagination.config ?? {};
  const limit = resolveLimit(config, options.limit);
  switch (pagination.format) {
    case 'page':
      return firstPageNumber(config, base, limit);
    case 'offset':
      return firstOffset(config, base, limit);
    case 'cursor':
      return firstCursor(config, base, limit);
    case 'range':
      return firstRange(config, base, limit);
    case 'link_header':
      return { request: placeValues(base, config, [[config.limit_key, limit]]), state: { pageIndex: 0, seenCursors: [], values: exposeValues(config, { limit }) } };
    case 'dynamic':
      // The first request carries the page size when the definition names its key; the expression decides the rest.
      return { request: placeValues(base, config, [[config.limit_key, limit]]), state: { pageIndex: 0, seenCursors: [], values: exposeValues(config, { limit }) } };
    default:
      throw unknownFormat(pagination.format);
  }
}

/**
 * Decides, from the page just fetched, whether there is another and what to send for it. Pure
 * apart from JSONata's async evaluation: no network, no clock. `request` is the request that
 * produced `response`; `state` is the state returned with it.
 *
 * @example const step = await nextPage(pagination, request, response, state);
 * if (step.done) console.log(step.reason); else fetch(step.request);
 */
export async function nextPage(
  pagination: Pagination | null | undefined,
  request: PageRequest,
  response: PageResponse,
  state: PagingState,
  options: NextPageOptions = {},
): Promise<NextStep> {
  if (!pagination) return { done: true, reason: 'last_page', state: advance(state, state.values) };
  const context = { config: pagination.config ?? {}, request, response, state, options };
  switch (pagination.format) {
    case 'page':
      return nextPageNumber(context);
    case 'offset':
      return nextOffset(context);
    case 'cursor':
      return nextCursor(context);
    case 'link_header':
      return nextLinkHeader(context);
    case 'range':
      return nextRange(context);
    case 'dynamic':
      return nextDynamic(context);
    default:
      throw unknownFormat(pagination.format);
  }
}

// Definitions are validated against the schema, but a stored one may predate a format's removal.
function unknownFormat(format: never): Error {
  return new TypeError(`Unknown pagination format ${JSON.stringify(format)}.`);
}
