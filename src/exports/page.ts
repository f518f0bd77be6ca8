import { parseLinkHeader } from '../engine/pagination/link-header.js';
import { readDotPath } from '../engine/pagination/dot-path.js';
import { toText } from '../engine/templates/index.js';
import { ExportError } from './export-error.js';
import type { ExportPlan } from './plan.js';
import type { ExportCheckpoint } from './request.js';

/** What the caller's `send` returns for one page. */
export interface ExportSendResult {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** The URL the response came from (after redirects): the base of relative next links. */
  url: string;
}

/** Why a run ended without an error. */
export type ExportDoneReason =
  | 'single_page' // no paging configured
  | 'empty_page' // a page had no records
  | 'last_page_status' // the response had lastPageStatusCode
  | 'last_page' // lastPagePath held one of lastPageValues
  | 'total_pages' // as many pages as maxPagePath said
  | 'total_records' // as many records as maxCountPath said
  | 'no_next' // no next token, URL or link
  | 'max_pages'; // the caller's maxPages for this run

export interface ExportTotals {
  totalPages?: number;
  totalRecords?: number;
}

/** One page read: its records, and either the next checkpoint or why there is none. */
export type PageOutcome = { records: unknown[]; totals?: ExportTotals } & (
  | { next: ExportCheckpoint; done?: undefined }
  | { next?: undefined; done: ExportDoneReason }
);

const SNIPPET = 300;

/**
 * Reads one response: the stop status, the error checks, the records, the totals and the next
 * page. `current` is the checkpoint the page was fetched with (its request already in `seen`).
 * Pure: the loop in http-export.ts does the I/O.
 *
 * @example readPage(plan, current, { status: 200, headers: {}, body: Buffer.from('[1,2]'), url })
 * // → { records: [1, 2], next: { page: 2, skip: 2, pageIndex: 1, … } }
 */
export function readPage(plan: ExportPlan, current: ExportCheckpoint, response: ExportSendResult): PageOutcome {
  const { stop, paging } = plan;
  const pageNumber = current.pageIndex + 1;
  if (stop.lastPageStatusCode !== undefined && response.status === stop.lastPageStatusCode) return { records: [], done: 'last_page_status' };
  const body = parseBody(response, pageNumber);
  if (response.status < 200 || response.status > 299) {
    const reported = errorMessage(plan, body);
    throw new ExportError('EXPORT_FAILED', `Page ${pageNumber}: the API answered HTTP ${response.status}${reported ? `: ${reported}` : '.'}`, {
      status: response.status,
      pageIndex: current.pageIndex,
      body: response.body.toString('utf8').slice(0, SNIPPET),
    });
  }
  checkSuccess(plan, body, current.pageIndex);
  const records = extractRecords(plan, body);
  const count = (current.records ?? 0) + records.length;
  const totals = readTotals(plan, body, response.headers);
  const base = totals ? { records, totals } : { records };
  if (records.length === 0) return { ...base, done: 'empty_page' };
  if (stop.lastPagePath !== undefined) {
    const flag = readValue(body, response.headers, stop.lastPagePath);
    if (flag !== undefined && (stop.lastPageValues ?? ['true']).includes(toText(flag))) return { ...base, done: 'last_page' };
  }
  if (totals?.totalPages !== undefined && pageNumber >= totals.totalPages) return { ...base, done: 'total_pages' };
  if (totals?.totalRecords !== undefined && count >= totals.totalRecords) return { ...base, done: 'total_records' };
  if (!paging) return { ...base, done: 'single_page' };

  const next: ExportCheckpoint = {
    kind: 'http',
    page: (current.page ?? paging.firstPage) + 1,
    skip: (current.skip ?? paging.firstSkip) + records.length,
    pageIndex: current.pageIndex + 1,
    seen: current.seen,
    records: count,
  };
  if (current.token !== undefined) next.token = current.token;
  switch (paging.method) {
    case 'page':
    case 'skip':
      return { ...base, next };
    case 'token':
    case 'relativeuri':
    case 'body': {
      if (paging.path === undefined) return { ...base, next };
      const token = readNextValue(paging.pathLocation, paging.path, body, response.headers, current.pageIndex, 'token');
      return token === undefined ? { ...base, done: 'no_next' } : { ...base, next: { ...next, token } };
    }
    case 'url': {
      const link = readNextValue(paging.pathLocation, paging.path ?? '', body, response.headers, current.pageIndex, 'URL');
      return link === undefined ? { ...base, done: 'no_next' } : { ...base, next: { ...next, url: absolute(link, response.url, current.pageIndex) } };
    }
    case 'linkheader': {
      const header = headerValue(response.headers, 'link');
      const wanted = paging.linkHeaderRelation.toLowerCase();
      const link = header === undefined ? undefined : parseLinkHeader(header).find((entry) => entry.rel.includes(wanted) && entry.url !== '');
      return link ? { ...base, next: { ...next, url: absolute(link.url, response.url, current.pageIndex) } } : { ...base, done: 'no_next' };
    }
  }
}

function parseBody(response: ExportSendResult, pageNumber: number): unknown {
  const text = response.body.toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    // An error page is often HTML; its status says more than "not JSON".
    if (response.status < 200 || response.status > 299) return undefined;
    const type = headerValue(response.headers, 'content-type') ?? 'none';
    throw new ExportError(
      'EXPORT_RESPONSE_INVALID',
      `Page ${pageNumber}: the response is not JSON (content-type ${type}); exports read JSON responses.`,
      { pageIndex: pageNumber - 1, body: text.slice(0, SNIPPET) },
      { cause: error },
    );
  }
}

function errorMessage(plan: ExportPlan, body: unknown): string | undefined {
  if (plan.response.errorPath === undefined) return undefined;
  const value = readDotPath(body, plan.response.errorPath);
  if (value === undefined || value === null || value === '' || value === false) return undefined;
  return toText(value).slice(0, SNIPPET);
}

function checkSuccess(plan: ExportPlan, body: unknown, pageIndex: number): void {
  const { successPath, successValues } = plan.response;
  const reported = errorMessage(plan, body);
  if (reported !== undefined) {
    throw new ExportError('EXPORT_FAILED', `Page ${pageIndex + 1}: the API reported an error: ${reported}`, { pageIndex, field: plan.response.errorPath });
  }
  if (successPath === undefined) return;
  const value = readDotPath(body, successPath);
  const ok = successValues ? value !== undefined && successValues.includes(toText(value)) : isTruthy(value);
  if (!ok) {
    throw new ExportError('EXPORT_FAILED', `Page ${pageIndex + 1}: response.successPath "${successPath}" is ${value === undefined ? 'missing' : JSON.stringify(value)}, not a success value.`, {
      pageIndex,
      field: successPath,
    });
  }
}

function isTruthy(value: unknown): boolean {
  if (typeof value === 'string') return value !== '' && value.toLowerCase() !== 'false' && value !== '0';
  return Boolean(value);
}

/** The records at resourcePath (the whole body without one): an array's items, or one record; nothing when absent or null. */
function extractRecords(plan: ExportPlan, body: unknown): unknown[] {
  const value = plan.response.resourcePath === undefined ? body : readDotPath(body, plan.response.resourcePath);
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function readTotals(plan: ExportPlan, body: unknown, headers: Record<string, string>): ExportTotals | undefined {
  const totals: ExportTotals = {};
  const pages = plan.stop.maxPagePath === undefined ? undefined : toCount(readValue(body, headers, plan.stop.maxPagePath));
  const records = plan.stop.maxCountPath === undefined ? undefined : toCount(readValue(body, headers, plan.stop.maxCountPath));
  if (pages !== undefined) totals.totalPages = pages;
  if (records !== undefined) totals.totalRecords = records;
  return pages === undefined && records === undefined ? undefined : totals;
}

function toCount(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  return Number.isFinite(n) && n >= 0 ? Math.floor(n) : undefined;
}

/** A stop value: the body path when the body has it, else a response header of that name (X-Total-Count). */
function readValue(body: unknown, headers: Record<string, string>, path: string): unknown {
  const fromBody = readDotPath(body, path);
  return fromBody !== undefined ? fromBody : headerValue(headers, path);
}

function readNextValue(
  location: 'body' | 'header',
  path: string,
  body: unknown,
  headers: Record<string, string>,
  pageIndex: number,
  what: 'token' | 'URL',
): string | undefined {
  const value = location === 'header' ? headerValue(headers, path) : readDotPath(body, path);
  if (value === undefined || value === null || value === '' || value === false) return undefined;
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw new ExportError('EXPORT_RESPONSE_INVALID', `Page ${pageIndex + 1}: the next page ${what} at "${path}" is a ${Array.isArray(value) ? 'list' : typeof value}, not text.`, {
      pageIndex,
      field: path,
    });
  }
  return String(value);
}

function absolute(link: string, base: string, pageIndex: number): string {
  let url: URL;
  try {
    url = new URL(link, base);
  } catch (error) {
    throw new ExportError('EXPORT_RESPONSE_INVALID', `Page ${pageIndex + 1}: the next page URL is not a valid URL.`, { pageIndex }, { cause: error });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ExportError('EXPORT_RESPONSE_INVALID', `Page ${pageIndex + 1}: the next page URL uses ${url.protocol}; only http(s) is followed.`, { pageIndex });
  }
  return url.toString();
}

function headerValue(headers: Record<string, string>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}
