import type { Pagination } from '../../integrations/definition.js';

/** The `config` object of a pagination block, always present (empty when the definition has none). */
export type PaginationConfig = NonNullable<Pagination['config']>;

/**
 * What the strategy may change on the next request. Template rendering, auth and the base URL are
 * applied by the caller; a strategy only sets paging values.
 */
export interface PageRequest {
  query: Record<string, unknown>;
  body?: Record<string, unknown>;
  headers: Record<string, string>;
  /**
   * Absolute URL that replaces the definition's path and query (cursor `is_link`, `link_header`,
   * or a dynamic expression returning `url`). Strategies that follow links set `query` to `{}`
   * along with it, because the link already carries every parameter the server wants back.
   */
  url?: string;
}

export interface PageResponse {
  status: number;
  /** Lower-case keys. */
  headers: Record<string, string>;
  /** Parsed JSON, or text. */
  body: unknown;
  /** Already extracted via response_path. */
  records: unknown[];
  /** The URL the response came from (after redirects); base for relative next links. */
  url?: string;
}

export interface PagingState {
  /** 0-based count of pages fetched. */
  pageIndex: number;
  /** Cursors / next URLs / request fingerprints already followed, for the repeat guard; the last 1000. */
  seenCursors: string[];
  /** Strategy-specific (page, offset, cursor, limit, url…), exposed to templates as `{{pagination.*}}`. */
  values: Record<string, unknown>;
}

export type DoneReason = 'empty_page' | 'no_cursor' | 'has_next_false' | 'last_page' | 'expression_null' | 'no_link' | 'range_end';

export type NextStep =
  | { done: false; request: PageRequest; state: PagingState }
  | { done: true; reason: DoneReason; state: PagingState }
  | { done: true; reason: 'repeated_cursor'; error: string; state: PagingState };

export interface FirstPageOptions {
  /** Page size wanted by the caller; capped by `config.max_limit`. Default `config.limit`, else 100. */
  limit?: number;
}

export interface NextPageOptions extends FirstPageOptions {
  /**
   * URL of the request that produced `response`, used to resolve relative next links. Defaults to
   * `response.url`, then `request.url`.
   */
  currentUrl?: string;
  /**
   * Follow next links (is_link, link_header, dynamic `url`) to another origin than `currentUrl`.
   * Off by default: the request carries the connection's credentials, and a link to another
   * host would hand them over.
   */
  allowCrossOrigin?: boolean;
}

/** What every strategy receives once `nextPage` has normalised its arguments. */
export interface StrategyContext {
  config: PaginationConfig;
  request: PageRequest;
  response: PageResponse;
  state: PagingState;
  options: NextPageOptions;
}
