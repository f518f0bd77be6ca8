import { toAppError } from '../connections/engine-errors.js';
import type { IntegrationCalls } from '../connections/integration-calls.js';
import { buildConnectionRequest, isConfigProblem } from '../connections/requests.js';
import type { StoredConnection } from '../connections/repository.js';
import { maskSecrets, mergeSecrets } from '../connections/secrets.js';
import type { ConnectionService } from '../connections/service.js';
import { type CallTarget, secretRedactor, type UpstreamCaller } from '../connections/upstream.js';
import type { PaginationCheckpoint } from '../engine/pagination/index.js';
import type { SecretBox } from '../crypto/secret-box.js';
import { AppError, fail } from '../errors.js';
import { ExportError, type ExportSend, runHttpExport } from './http-export.js';
import { checkExportModel, type ExportModel } from './model.js';
import { collectPage, exportHash, type OpenSource, type PagedExportState, PagedStateSigner, type SearchPosition } from './paged-export.js';

/** Most records a virtual export answers at once; beyond it, the paged form is the way. */
export const VIRTUAL_EXPORT_MAX_RECORDS = 10_000;
export const DEFAULT_PAGE_SIZE = 100;

const EXPORT_STATUS: Record<string, 'UPSTREAM_ERROR' | 'VALIDATION_FAILED' | 'PAGINATION_FAILED'> = {
  EXPORT_FAILED: 'UPSTREAM_ERROR',
  EXPORT_RESPONSE_INVALID: 'UPSTREAM_ERROR',
  EXPORT_REPEATED_CURSOR: 'PAGINATION_FAILED',
  EXPORT_UNSUPPORTED: 'VALIDATION_FAILED',
  EXPORT_INVALID: 'VALIDATION_FAILED',
};

function targetOf(connection: StoredConnection): CallTarget {
  return { id: connection.id, teamId: connection.teamId, doc: connection.doc, secrets: connection.secrets, debugUntil: connection.debugUntil };
}

/**
 * Exports through a connection (seeds 003/004): the http and rest forms on http/rest
 * connections, `{resource, method, query}` on integration connections; all, or page by page with
 * a signed `pagedExportState` that resumes exactly where the previous call stopped.
 */
export class ExportService {
  readonly #states: PagedStateSigner;

  constructor(
    private readonly deps: { connections: ConnectionService; calls: IntegrationCalls; upstream: UpstreamCaller; stateKey: Buffer; box: SecretBox },
  ) {
    // searchId is encrypted: it carries the upstream position, which can be a next-page URL with a token in it.
    this.#states = new PagedStateSigner(deps.stateKey, Date.now, {
      encode: (position) => deps.box.encrypt(JSON.stringify(position), 'paged-export'),
      decode: (searchId) => JSON.parse(deps.box.decrypt(searchId, 'paged-export')) as SearchPosition,
    });
  }

  /** Validates the body's export against the connection; expected problems are 400s naming the field. */
  check(connection: StoredConnection, model: unknown): ExportModel {
    const checked = checkExportModel(model, connection.type);
    if (!checked.ok) throw new AppError(checked.code === 'EXPORT_UNSUPPORTED' ? 'EXPORT_UNSUPPORTED' : 'VALIDATION_FAILED', checked.message, checked.details);
    return checked.value;
  }

  /** A source of upstream pages for this export, openable at any checkpoint. */
  source(connection: StoredConnection, model: ExportModel, options: { resourceId?: string; signal?: AbortSignal; scope?: Record<string, unknown> } = {}): OpenSource {
    const target = targetOf(connection);
    if (model.resource) {
      const resource = model.resource;
      return (resume) =>
        this.deps.calls.list(target, resource, model.method ?? 'list', { query: { ...(options.scope ?? {}), ...(model.query ?? {}) } }, {
          ...(resume === undefined ? {} : { resume: resume as PaginationCheckpoint }),
          ...(model.pageSize === undefined ? {} : { limit: model.pageSize }),
          ...(options.resourceId ? { resourceId: options.resourceId } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
        });
    }
    const full = mergeSecrets(connection.doc, connection.secrets);
    const send: ExportSend = async (request) => {
      const built = buildConnectionRequest(full, {
        method: request.method,
        relativeURI: request.relativeURI,
        headers: request.headers,
        ...(request.body === undefined ? {} : { body: request.body }),
      });
      if (isConfigProblem(built)) throw fail('VALIDATION_FAILED', built.message, [{ field: 'connection', message: built.code }]);
      if (request.absoluteUrl) {
        // Next-page URLs from the API stay on the connection's host: its credentials go nowhere else.
        if (new URL(request.absoluteUrl).origin !== new URL(built.url).origin) {
          throw new ExportError('EXPORT_FAILED', `The next-page URL leaves ${new URL(built.url).origin}; refusing to send the connection's credentials elsewhere.`);
        }
        built.url = request.absoluteUrl;
      }
      const { result } = await this.deps.upstream.execute(target, built, { ...(options.resourceId ? { resourceId: options.resourceId } : {}), ...(options.signal ? { signal: options.signal } : {}) });
      if (!result.ok) {
        throw new AppError(result.failure.kind === 'blocked' ? 'OUTBOUND_BLOCKED' : result.failure.kind === 'timeout' ? 'UPSTREAM_TIMEOUT' : 'UPSTREAM_UNREACHABLE', result.failure.message);
      }
      return { status: result.response.status, headers: result.response.headers, body: result.response.body, url: result.response.url };
    };
    const view = { doc: maskSecrets(connection.doc, connection.secrets) };
    return (resume) =>
      runHttpExport(model, view, send, {
        ...(resume === undefined ? {} : { resume: resume as never }),
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.scope ? { scope: options.scope } : {}),
      });
  }

  #fail(connection: StoredConnection, error: unknown): AppError {
    const redact = secretRedactor(connection.secrets);
    if (error instanceof ExportError) {
      const code = EXPORT_STATUS[error.code] ?? 'UPSTREAM_ERROR';
      const details = Object.entries(error.details ?? {}).map(([field, value]) => ({ field, message: redact(String(value)) }));
      return new AppError(code, redact(error.message), details);
    }
    return toAppError(error, redact);
  }

  /** All records (bounded); a `test` export reads at most `test.limit` (default 1). */
  async exportAll(teamId: string, connectionId: string, body: unknown): Promise<unknown[]> {
    const connection = await this.deps.connections.get(teamId, connectionId);
    const model = this.check(connection, body);
    const limit = model.type === 'test' ? (model.test?.limit ?? 1) : VIRTUAL_EXPORT_MAX_RECORDS + 1;
    const data: unknown[] = [];
    try {
      const pages = this.source(connection, model)(undefined);
      for await (const page of pages) {
        data.push(...page.records);
        if (data.length >= limit) {
          await pages.return(undefined);
          break;
        }
      }
    } catch (error) {
      throw this.#fail(connection, error);
    }
    if (model.type === 'test') return data.slice(0, limit);
    if (data.length > VIRTUAL_EXPORT_MAX_RECORDS) {
      throw fail('EXPORT_TOO_LARGE', `The export has more than ${VIRTUAL_EXPORT_MAX_RECORDS} records; use POST /v1/connections/${connectionId}/export/pages and follow pagedExportState.`);
    }
    return data;
  }

  /** One page of `pageSize` records and the signed state to get the next. */
  async exportPage(teamId: string, connectionId: string, body: { export: unknown; pagedExportState?: unknown }): Promise<{ data: unknown[]; dataURIs: null[]; pagedExportState: PagedExportState }> {
    const connection = await this.deps.connections.get(teamId, connectionId);
    const model = this.check(connection, body.export);
    const hash = exportHash(model);
    let position: { cp?: unknown; skip: number } = { skip: 0 };
    let pageIndex = 1;
    let pageSize = model.pageSize ?? DEFAULT_PAGE_SIZE;
    let previous: PagedExportState | undefined;
    if (body.pagedExportState !== undefined) {
      const verified = this.#states.verify(body.pagedExportState, { teamId, connectionId, hash });
      if (!verified.ok) {
        const why = {
          malformed: 'it is not a pagedExportState returned by this server',
          tampered: 'its signature does not match (it was changed)',
          expired: 'it expired (states last 1 hour); start the export again',
          foreign: 'it belongs to another connection',
          different_export: 'it was issued for a different export; send the same export as on the first call',
        }[verified.reason];
        throw fail('PAGED_STATE_INVALID', `pagedExportState refused: ${why}.`, [{ field: 'pagedExportState', message: verified.reason }]);
      }
      previous = verified.state;
      pageSize = verified.state.pageSize;
      pageIndex = verified.state.pageIndex + 1;
      if (verified.state.done) {
        return { data: [], dataURIs: [], pagedExportState: this.#sign(teamId, connectionId, hash, undefined, pageIndex - 1, pageSize, true, previous) };
      }
      position = { ...(verified.position.cp === undefined ? {} : { cp: verified.position.cp }), skip: verified.position.skip };
    }
    let result;
    try {
      result = await collectPage(this.source(connection, model), position, pageSize);
    } catch (error) {
      throw this.#fail(connection, error);
    }
    const totals = result.totals ?? (previous ? { totalPages: previous.totalPages, totalRecords: previous.totalRecords } : undefined);
    const state = this.#sign(teamId, connectionId, hash, result.position, pageIndex, pageSize, result.done, totals);
    return { data: result.data, dataURIs: result.data.map(() => null), pagedExportState: state };
  }

  #sign(
    teamId: string,
    connectionId: string,
    hash: string,
    position: { cp?: unknown; skip: number } | undefined,
    pageIndex: number,
    pageSize: number,
    done: boolean,
    totals: { totalPages?: number | undefined; totalRecords?: number | undefined } | undefined,
  ): PagedExportState {
    const search: SearchPosition = { v: 1, t: teamId, c: connectionId, h: hash, skip: position?.skip ?? 0, ...(position?.cp === undefined ? {} : { cp: position.cp }) };
    const totalRecords = totals?.totalRecords;
    const totalPages = totals?.totalPages ?? (totalRecords === undefined ? undefined : Math.ceil(totalRecords / pageSize));
    return this.#states.sign({
      searchId: this.#states.searchId(search),
      pageIndex,
      pageSize,
      ...(totalPages === undefined ? {} : { totalPages }),
      ...(totalRecords === undefined ? {} : { totalRecords }),
      done,
      issuedAt: Math.floor(Date.now() / 1000),
    });
  }
}
