import { advance, readHeader, repeated, repeatedMessage, resolveLimit, stop, withHeader } from './step-helpers.js';
import type { NextStep, PageRequest, PaginationConfig, PagingState, StrategyContext } from './types.js';

export const DEFAULT_RANGE_UNIT = 'items';

export interface ContentRange {
  unit: string;
  /** Absent in the unsatisfied form `items *\/250`. */
  start?: number;
  end?: number;
  /** Absent when the server says `*` (total unknown). */
  total?: number;
}

/**
 * Parses `Content-Range: items 0-99/250`, `items 0-99/*` and `items *\/250`.
 * Returns undefined for anything else.
 */
export function parseContentRange(value: string | undefined): ContentRange | undefined {
  if (value === undefined) return undefined;
  const match = /^\s*([A-Za-z0-9_.-]+)\s+(?:(\d+)\s*-\s*(\d+)|\*)\s*\/\s*(\d+|\*)\s*$/.exec(value);
  if (!match) return undefined;
  const [, unit, start, end, total] = match;
  return {
    unit: unit!,
    ...(start !== undefined && end !== undefined ? { start: Number(start), end: Number(end) } : {}),
    ...(total !== undefined && total !== '*' ? { total: Number(total) } : {}),
  };
}

function rangeRequest(config: PaginationConfig, request: PageRequest, start: number, limit: number): PageRequest {
  const unit = config.range_unit ?? DEFAULT_RANGE_UNIT;
  return { ...request, headers: withHeader(request.headers, 'Range', `${unit}=${start}-${start + limit - 1}`) };
}

/** `Range: <unit>=0-(limit-1)` on the first request. */
export function firstRange(config: PaginationConfig, base: PageRequest, limit: number): { request: PageRequest; state: PagingState } {
  return { request: rangeRequest(config, base, 0, limit), state: { pageIndex: 0, seenCursors: [], values: { offset: 0, limit } } };
}

/**
 * Range headers (PostgREST, Heroku-style APIs): the next Range starts after the last item the
 * server says it sent (`Content-Range` end + 1, or start + records received without one).
 * Stops on 416, an empty page, the end reaching the total, or — when the total is `*` or there is
 * no Content-Range — a status other than 206, which means the server sent the rest in one go.
 * A 200 with a Content-Range and a larger total continues: some APIs never answer 206.
 *
 * @example // Range items=0-99 → 206, Content-Range: items 0-99/250
 * // → { done: false, request: { headers: { Range: 'items=100-199' } } }
 */
export function nextRange({ config, request, response, state, options }: StrategyContext): NextStep {
  if (response.status === 416) return stop('range_end', state);
  const count = response.records.length;
  if (count === 0) return stop('empty_page', state);
  const range = parseContentRange(readHeader(response.headers, 'content-range'));
  const current = typeof state.values.offset === 'number' ? state.values.offset : 0;
  const start = range?.end !== undefined ? range.end + 1 : current + count;
  if (range?.total !== undefined) {
    if (start >= range.total) return stop('range_end', state);
  } else if (response.status !== 206) {
    return stop('range_end', state);
  }
  // A server that keeps answering the same range would otherwise be asked the same thing forever.
  if (start <= current) return repeated(state, repeatedMessage('the range', `${range?.start}-${range?.end}`));
  const limit = resolveLimit(config, options.limit ?? (typeof state.values.limit === 'number' ? state.values.limit : undefined));
  return {
    done: false,
    request: rangeRequest(config, request, start, limit),
    state: advance(state, { ...state.values, offset: start, limit }),
  };
}
