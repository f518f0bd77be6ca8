import type { Pagination } from '../../integrations/definition.js';
import { firstPage, nextPage } from './next-page.js';
import { PaginationError } from './pagination-error.js';
import type { NextStep, PageRequest, PageResponse, PagingState } from './types.js';

/** Upper bound on pages per list, so an upstream that never stops cannot keep a worker forever. */
export const DEFAULT_MAX_PAGES = 100_000;

/** Where to continue from: the `next` of the last page a previous run yielded (its checkpoint). */
export interface PaginationCheckpoint {
  request: PageRequest;
  state: PagingState;
}

interface PaginateCommon {
  pagination: Pagination | null | undefined;
  /** The only I/O: sends one request, returns the parsed page. Should set `response.url`. */
  fetchPage: (request: PageRequest, context: { signal?: AbortSignal; pageIndex: number; values: Record<string, unknown> }) => Promise<PageResponse>;
  /** Page size (capped by the definition's max_limit). */
  limit?: number;
  /** Total pages over the whole list, resumed runs included (state.pageIndex counts them). Default 100000. */
  maxPages?: number;
  signal?: AbortSignal;
  /** Lets next links leave the current page's origin (off by default; see NextPageOptions). */
  allowCrossOrigin?: boolean;
}

export type PaginateOptions = PaginateCommon & ({ first: PageRequest; resume?: undefined } | { resume: PaginationCheckpoint; first?: undefined });

export interface PageResult {
  records: unknown[];
  /** 0-based index of this page in the whole list. */
  pageIndex: number;
  /** The state this page was requested with. */
  state: PagingState;
  response: PageResponse;
  /** Checkpoint to resume after this page; absent when this was the last page. */
  next?: PaginationCheckpoint;
}

export interface PaginateEnd {
  reason: string;
  error?: string;
}

/**
 * The paging loop: fetches a page, yields its records at once (nothing is accumulated), asks the
 * strategy for the next request, and repeats until the strategy says done. The next step is worked
 * out before the page is yielded, so each yielded page carries the checkpoint to resume after it.
 *
 * Throws `PaginationError` PAGINATION_REPEATED_CURSOR (after yielding the page that repeated) and
 * PAGINATION_MAX_PAGES (before fetching page maxPages + 1); the strategies' own PaginationErrors and
 * fetchPage's errors pass through. Returns `{ reason }` when the list ends.
 *
 * @example
 * for await (const page of paginate({ pagination, first, fetchPage })) {
 *   await save(page.records);
 *   await checkpoint(page.next); // resume later with paginate({ pagination, resume: page.next, fetchPage })
 * }
 */
export async function* paginate(options: PaginateOptions): AsyncGenerator<PageResult, PaginateEnd, undefined> {
  const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
  let { request, state } = options.resume ?? firstPage(options.pagination, options.first as PageRequest, { limit: options.limit });

  for (;;) {
    options.signal?.throwIfAborted();
    if (state.pageIndex >= maxPages) {
      throw new PaginationError('PAGINATION_MAX_PAGES', `Stopped after ${maxPages} pages: the API kept returning more. Raise maxPages if the list really is that long.`);
    }
    const response = await options.fetchPage(request, { signal: options.signal, pageIndex: state.pageIndex, values: state.values });
    const step: NextStep = await nextPage(options.pagination, request, response, state, {
      limit: options.limit,
      currentUrl: response.url ?? request.url,
      allowCrossOrigin: options.allowCrossOrigin,
    });
    const next = step.done ? undefined : { request: step.request, state: step.state };
    yield { records: response.records, pageIndex: state.pageIndex, state, response, ...(next ? { next } : {}) };
    if (step.done) {
      if (step.reason === 'repeated_cursor') throw new PaginationError('PAGINATION_REPEATED_CURSOR', step.error);
      return { reason: step.reason };
    }
    ({ request, state } = step);
  }
}
