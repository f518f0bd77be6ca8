import { createHash } from 'node:crypto';
import { renderString, renderValue, type Scope, TemplateError, toText } from '../engine/templates/index.js';
import { ExportError } from './export-error.js';
import type { ExportPlan } from './plan.js';

/**
 * Where a paged export stands: the values of the page to fetch next. Resuming from a checkpoint
 * re-fetches exactly that page. Small and JSON-safe, so a job can store it after every page.
 */
export interface ExportCheckpoint {
  kind: 'http';
  /** Page number of the next request ({{export.http.paging.page}}). */
  page?: number;
  /** Offset of the next request ({{export.http.paging.skip}}): the first offset plus the records received. */
  skip?: number;
  /** Token of the next request ({{export.http.paging.token}}); for rest `relativeuri`, the next relative URI. */
  token?: string;
  /** url, linkheader, nextpageurl: the absolute URL of the next request. */
  url?: string;
  /** 0-based index of the page this checkpoint fetches. */
  pageIndex: number;
  /** Fingerprints of the requests already sent (the last 1000), for the repeat guard. */
  seen: string[];
  /** Records received before this page (for maxCountPath). */
  records?: number;
}

/** A page request before the connection's base URI and auth are applied. */
export interface ExportRequest {
  method: string;
  relativeURI: string;
  /** Set for url / linkheader / nextpageurl pages: send to this URL, ignoring relativeURI (the caller checks the origin). */
  absoluteUrl?: string;
  headers: Record<string, string>;
  body?: string;
}

/** The repeat guard keeps this many fingerprints, so a checkpoint stays small. */
export const SEEN_KEPT = 1000;

/** The checkpoint of the first page. */
export function firstCheckpoint(plan: ExportPlan): ExportCheckpoint {
  const paging = plan.paging;
  const checkpoint: ExportCheckpoint = { kind: 'http', page: paging?.firstPage ?? 1, skip: paging?.firstSkip ?? 0, pageIndex: 0, seen: [], records: 0 };
  if (paging?.firstToken !== undefined) checkpoint.token = paging.firstToken;
  return checkpoint;
}

/** What templates see under `export.http.paging`. */
export function pagingValues(plan: ExportPlan, checkpoint: ExportCheckpoint): Record<string, unknown> {
  const values: Record<string, unknown> = { page: checkpoint.page ?? plan.paging?.firstPage ?? 1, skip: checkpoint.skip ?? plan.paging?.firstSkip ?? 0 };
  if (checkpoint.token !== undefined) values.token = checkpoint.token;
  if (plan.paging?.pageSize !== undefined) values.pageSize = plan.paging.pageSize;
  return values;
}

/**
 * Renders the request of the page a checkpoint points at. The first page uses relativeURI and
 * body; later ones the paging overrides when set. Values in the relative URI are URI-encoded; a
 * URI placeholder outside `export.*` with no value is an error (it would call the wrong URL),
 * while a missing paging value (no token yet) renders empty. Body and header placeholders with no
 * value render empty; a header left empty is not sent.
 *
 * @example renderRequest(plan, { kind: 'http', page: 2, pageIndex: 1, seen: [] }, { connection })
 * // → { method: 'GET', relativeURI: '/items?page=2', headers: {} }
 */
export function renderRequest(plan: ExportPlan, checkpoint: ExportCheckpoint, extra: Scope = {}): ExportRequest {
  const scope: Scope = { ...extra, export: { http: { paging: pagingValues(plan, checkpoint) } } };
  const later = checkpoint.pageIndex > 0;
  const paging = plan.paging;
  const request: ExportRequest = { method: plan.method, relativeURI: '', headers: renderHeaders(plan.headers, scope) };
  const body = later ? (plan.nextBody ?? plan.body) : plan.body;
  if (body !== undefined) request.body = renderBody(body, scope);

  if (checkpoint.url !== undefined && (paging?.method === 'url' || paging?.method === 'linkheader')) {
    const url = new URL(checkpoint.url);
    request.absoluteUrl = url.toString();
    request.relativeURI = url.pathname + url.search;
    return request;
  }
  if (later && paging?.tokenIsRelativeURI && checkpoint.token !== undefined) {
    request.relativeURI = checkpoint.token;
    return request;
  }
  let uri = renderUri(later ? (plan.nextRelativeURI ?? plan.relativeURI) : plan.relativeURI, scope);
  if (paging?.queryParam !== undefined) {
    const value = paging.method === 'page' ? checkpoint.page : paging.method === 'skip' ? checkpoint.skip : checkpoint.token;
    if (value !== undefined) uri = setQueryParam(uri, paging.queryParam, String(value));
  }
  request.relativeURI = uri;
  return request;
}

/**
 * A fingerprint of a request: two pages with the same one would return the same records, so the
 * second is a loop (a repeated token or URL, or templates that do not use the paging values).
 */
export function requestKey(request: ExportRequest): string {
  const headers = Object.entries(request.headers)
    .map(([name, value]) => [name.toLowerCase(), value])
    .sort(([a], [b]) => (a! < b! ? -1 : a! > b! ? 1 : 0));
  const text = JSON.stringify([request.method, request.absoluteUrl ?? request.relativeURI, headers, request.body ?? null]);
  return createHash('sha256').update(text).digest('base64url').slice(0, 22);
}

/** Adds a fingerprint, keeping the last SEEN_KEPT. */
export function remember(seen: readonly string[], key: string): string[] {
  const out = [...seen, key];
  return out.length > SEEN_KEPT ? out.slice(out.length - SEEN_KEPT) : out;
}

/**
 * Sets one query parameter on a relative URI, replacing any of that name and leaving the rest of
 * the query exactly as written (re-serialising it would change how the API sees other values).
 *
 * @example setQueryParam('/items?page=1&q=a%20b', 'page', '2') // → '/items?q=a%20b&page=2'
 */
export function setQueryParam(uri: string, name: string, value: string): string {
  const hash = uri.indexOf('#');
  const withoutHash = hash === -1 ? uri : uri.slice(0, hash);
  const question = withoutHash.indexOf('?');
  const path = question === -1 ? withoutHash : withoutHash.slice(0, question);
  const query = question === -1 ? '' : withoutHash.slice(question + 1);
  const kept = query.split('&').filter((pair) => pair !== '' && safeDecode(pair.split('=')[0]!.replace(/\+/g, ' ')) !== name);
  kept.push(`${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
  return `${path}?${kept.join('&')}`;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function renderUri(template: string, scope: Scope): string {
  const { value, missing } = guarded('relativeURI', () => renderString(template, encodeStrings(scope) as Scope));
  const unknown = missing.filter((path) => !path.startsWith('export.'));
  if (unknown.length > 0) {
    throw new ExportError('EXPORT_INVALID', `relativeURI placeholder {{${unknown[0]}}} has no value; fix the path or give it a fallback ({{path|'default'}}).`, {
      field: 'relativeURI',
      missing: unknown,
    });
  }
  return toText(value);
}

function renderBody(body: string | Record<string, unknown>, scope: Scope): string {
  if (typeof body === 'string') return toText(guarded('body', () => renderString(body, scope)).value);
  return JSON.stringify(guarded('body', () => renderValue(body, scope)).value);
}

function renderHeaders(headers: Record<string, string>, scope: Scope): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, template] of Object.entries(headers)) {
    const text = toText(guarded(`headers.${name}`, () => renderString(template, scope)).value);
    if (text !== '' || template === '') out[name] = text;
  }
  return out;
}

function guarded<T>(field: string, render: () => T): T {
  try {
    return render();
  } catch (error) {
    if (error instanceof TemplateError) throw new ExportError('EXPORT_INVALID', `${field}: ${error.message}`, { field }, { cause: error });
    throw error;
  }
}

/** The scope with every string URI-encoded, so values interpolated into a URI cannot add path segments or parameters. */
function encodeStrings(value: unknown): unknown {
  if (typeof value === 'string') return encodeURIComponent(value);
  if (Array.isArray(value)) return value.map(encodeStrings);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (key === '__proto__') continue;
      out[key] = encodeStrings(item);
    }
    return out;
  }
  return value;
}
