import { ExportError } from './export-error.js';
import type { ExportModel } from './model.js';
import { type ExportDoneReason, type ExportSendResult, type ExportTotals, readPage } from './page.js';
import { type ExportPlan, toPlan } from './plan.js';
import { type ExportCheckpoint, type ExportRequest, firstCheckpoint, remember, renderRequest, requestKey } from './request.js';

export { ExportError, type ExportErrorCode } from './export-error.js';
export type { ExportDoneReason, ExportSendResult, ExportTotals } from './page.js';
export type { ExportCheckpoint, ExportRequest } from './request.js';

/** One upstream page: its records, where to resume after it (absent on the last page), the totals it reported. */
export interface ExportPage {
  records: unknown[];
  next?: ExportCheckpoint;
  totals?: ExportTotals;
}

/**
 * Sends one page request. The caller applies the connection's base URI and auth (to `relativeURI`,
 * or uses `absoluteUrl` after checking it has the connection's origin), the outbound policy, the
 * rate-limit gate and retries.
 */
export type ExportSend = (request: ExportRequest & { signal?: AbortSignal }) => Promise<ExportSendResult>;

/** The connection as templates see it: `{{connection.http.unencrypted.region}}`. Pass it with secrets masked. */
export interface ExportConnectionView {
  doc: object;
}

export interface RunHttpExportOptions {
  /** Continue from a yielded page's `next`: that page is fetched again, then the rest. */
  resume?: ExportCheckpoint;
  /** Fetch at most this many pages in this call, then return `max_pages` (the last yielded page's `next` resumes). */
  maxPages?: number;
  signal?: AbortSignal;
  /** More template roots, e.g. `lastExportDateTime` and `currentExportDateTime` for delta exports. */
  scope?: Record<string, unknown>;
}

/**
 * Runs an http or rest export page by page. Each upstream page is yielded with the checkpoint of
 * the page after it; the generator returns why it stopped. Stops on: an empty page, the
 * lastPageStatusCode, a lastPagePath value, no next token/URL/link, the page count of maxPagePath,
 * the record count of maxCountPath, or `maxPages`. Throws ExportError: EXPORT_REPEATED_CURSOR when a
 * page's request equals an earlier one, EXPORT_FAILED for an error status or a failed
 * successPath/errorPath, EXPORT_RESPONSE_INVALID, EXPORT_UNSUPPORTED, EXPORT_INVALID.
 *
 * @example
 * const run = runHttpExport({ http: { relativeURI: '/items?page={{export.http.paging.page}}', paging: { method: 'page' } } }, { doc }, send);
 * for await (const page of run) await save(page.records, page.next);
 */
export async function* runHttpExport(
  model: ExportModel,
  connection: ExportConnectionView,
  send: ExportSend,
  options: RunHttpExportOptions = {},
): AsyncGenerator<ExportPage, { reason: ExportDoneReason }> {
  const plan = toPlan(model);
  let checkpoint = options.resume ? checkResume(options.resume) : firstCheckpoint(plan);
  const scope = { ...options.scope, connection: connection.doc };
  let fetched = 0;
  for (;;) {
    options.signal?.throwIfAborted();
    const request = renderRequest(plan, checkpoint, scope);
    const key = requestKey(request);
    if (checkpoint.seen.includes(key)) throw repeated(plan, checkpoint, request);
    const current: ExportCheckpoint = { ...checkpoint, seen: remember(checkpoint.seen, key) };
    const response = await send(options.signal ? { ...request, signal: options.signal } : request);
    const outcome = readPage(plan, current, response);
    fetched += 1;
    if (outcome.records.length > 0) {
      const page: ExportPage = { records: outcome.records };
      if (outcome.next) page.next = outcome.next;
      if (outcome.totals) page.totals = outcome.totals;
      yield page;
    }
    if (!outcome.next) return { reason: outcome.done };
    checkpoint = outcome.next;
    if (options.maxPages !== undefined && fetched >= options.maxPages) return { reason: 'max_pages' };
  }
}

/** A checkpoint comes back from a job row or a client: check its shape before trusting it. */
function checkResume(checkpoint: ExportCheckpoint): ExportCheckpoint {
  const count = (value: unknown) => value === undefined || (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0);
  const ok =
    checkpoint.kind === 'http' &&
    count(checkpoint.pageIndex) &&
    count(checkpoint.page) &&
    count(checkpoint.skip) &&
    count(checkpoint.records) &&
    (checkpoint.token === undefined || typeof checkpoint.token === 'string') &&
    (checkpoint.url === undefined || (typeof checkpoint.url === 'string' && URL.canParse(checkpoint.url))) &&
    Array.isArray(checkpoint.seen) &&
    checkpoint.seen.every((key) => typeof key === 'string');
  if (!ok) throw new ExportError('EXPORT_INVALID', 'The resume checkpoint is not one this export produced.', { field: 'resume' });
  return checkpoint;
}

function repeated(plan: ExportPlan, checkpoint: ExportCheckpoint, request: ExportRequest): ExportError {
  const page = checkpoint.pageIndex + 1;
  const method = plan.paging?.method;
  let message: string;
  if (request.absoluteUrl !== undefined) {
    const url = new URL(request.absoluteUrl);
    message = `Page ${page}: the next page URL ${url.origin}${url.pathname} (same query) was already followed; the API links back to an earlier page.`;
  } else if (method === 'token' || (plan.paging?.path !== undefined && checkpoint.token !== undefined)) {
    message = `Page ${page}: the API returned a next page token that was already used; it would loop forever.`;
  } else {
    message =
      `Page ${page}'s request is the same as an earlier page's; make relativeURI, the body or a header use ` +
      `{{export.http.paging.${method === 'skip' ? 'skip' : 'page'}}} (or skip/token).`;
  }
  return new ExportError('EXPORT_REPEATED_CURSOR', message, { pageIndex: checkpoint.pageIndex, method: method ?? 'none' });
}
