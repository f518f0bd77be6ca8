/**
 * Codes of the errors the paging strategies and loop throw. They describe a broken invariant (an
 * upstream that loops, a definition whose expression cannot run), never an ordinary end of data.
 */
export type PaginationErrorCode =
  | 'PAGINATION_REPEATED_CURSOR'
  | 'PAGINATION_MAX_PAGES'
  | 'PAGINATION_EXPRESSION_FAILED'
  | 'PAGINATION_URL_INVALID'
  | 'PAGINATION_CROSS_ORIGIN';

export class PaginationError extends Error {
  constructor(
    readonly code: PaginationErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PaginationError';
  }
}
