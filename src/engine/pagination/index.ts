export { readDotPath } from './dot-path.js';
export { parseLinkHeader, type LinkValue } from './link-header.js';
export { parseContentRange, type ContentRange } from './range.js';
export { firstPage, nextPage } from './next-page.js';
export { paginate, DEFAULT_MAX_PAGES, type PaginateOptions, type PageResult, type PaginateEnd, type PaginationCheckpoint } from './paginate.js';
export { PaginationError, type PaginationErrorCode } from './pagination-error.js';
export { DEFAULT_LIMIT } from './step-helpers.js';
export type * from './types.js';
