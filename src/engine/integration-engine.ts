import type { IntegrationConfig, RateLimit } from '../integrations/definition.js';
import { DEFAULT_RETRY, type RetryPolicy } from './retry.js';
import type { ExecuteResult } from './executor.js';
import type { OutboundRequest, OutboundResult } from './http-client.js';
import { paginate, type PageRequest, type PageResponse, type PaginationCheckpoint } from './pagination/index.js';
import { rateLimitClassifier, type ResponseClassifier, viewOf } from './rate-limit.js';
import { buildRequest, type CallInput, isBuildProblem, resolveMethod, type ResolvedMethod } from './request-builder.js';
import { errorFromExpression, extractRecords } from './response.js';
import type { Scope } from './templates/index.js';

/** An expected failure of an engine call, with what the caller needs to say what went wrong. */
export class EngineError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: { status?: number; missing?: string[]; body?: string } = {},
  ) {
    super(message);
    this.name = 'EngineError';
  }
}

/** A current OAuth token for a connection; `force` refreshes even when it looks valid (after a 401). */
export type TokenSource = (options: { force: boolean }) => Promise<Record<string, unknown> | undefined>;

/** The connection-specific part of a call. */
export interface EngineTarget {
  /** The full config (secrets merged). */
  config: IntegrationConfig;
  credentials: Record<string, unknown>;
  context: Record<string, unknown>;
  environment?: Record<string, unknown>;
  /** Present for OAuth connections. */
  token?: TokenSource;
}

export type SendFn = (request: OutboundRequest, options: { classify: ResponseClassifier; concurrency: number; retry: RetryPolicy; signal?: AbortSignal }) => Promise<ExecuteResult>;

/** The definition's retry bounds over the defaults (seed 002 `rate_limit.max_retries` / `max_retry_time_ms`). */
export function retryPolicyOf(rateLimit: RateLimit | undefined): RetryPolicy {
  return {
    ...DEFAULT_RETRY,
    ...(rateLimit?.max_retries === undefined ? {} : { maxRetries: rateLimit.max_retries }),
    ...(rateLimit?.max_retry_time_ms === undefined ? {} : { maxRetryTimeMs: rateLimit.max_retry_time_ms }),
  };
}

export interface CallResult {
  status: number;
  headers: Record<string, string>;
  body: unknown;
  records: unknown[];
}

export interface ListPage {
  records: unknown[];
  pageIndex: number;
  /** Where to resume after this page; undefined after the last page. */
  next?: PaginationCheckpoint;
}

function describeFailure(result: OutboundResult & { ok: false }): EngineError {
  const code = { blocked: 'OUTBOUND_BLOCKED', dns: 'UPSTREAM_UNREACHABLE', refused: 'UPSTREAM_UNREACHABLE', reset: 'UPSTREAM_UNREACHABLE', tls: 'UPSTREAM_UNREACHABLE', timeout: 'UPSTREAM_TIMEOUT', too_many_redirects: 'UPSTREAM_UNREACHABLE', invalid_url: 'INVALID_URL', other: 'UPSTREAM_UNREACHABLE' }[result.failure.kind];
  return new EngineError(code, result.failure.message);
}

/**
 * Runs a definition's resource methods: builds each request from templates, sends it through
 * the connection's door (gate, retries, rate limits, debug log), checks the response, extracts
 * the records and follows the pagination. One 401 triggers one forced token refresh.
 */
export class IntegrationEngine {
  constructor(private readonly send: SendFn) {}

  #resolve(config: IntegrationConfig, resource: string, method: string): ResolvedMethod {
    const resolved = resolveMethod(config, resource, method);
    if (isBuildProblem(resolved)) throw new EngineError(resolved.code, resolved.message);
    return resolved;
  }

  async #scope(target: EngineTarget, input: CallInput, pagination: Record<string, unknown>, force: boolean): Promise<Scope> {
    const token = target.token ? await target.token({ force }) : undefined;
    return {
      ...(input.id === undefined ? {} : { id: input.id }),
      query: input.query ?? {},
      body: input.body,
      context: target.context,
      credentials: target.credentials,
      environment: target.environment ?? {},
      pagination,
      ...(token ? { oauth: { token } } : {}),
    };
  }

  /** Sends one request of a method (one page), with the 401-refresh rule; throws EngineError on failure. */
  async #exchange(target: EngineTarget, method: ResolvedMethod, input: CallInput, page: PageRequest, signal?: AbortSignal, values: Record<string, unknown> = {}): Promise<CallResult & { url: string }> {
    const pagination = { ...values, ...page.query, ...(page.body ?? {}) };
    for (let attempt = 0; ; attempt++) {
      const scope = await this.#scope(target, input, pagination, attempt > 0);
      const request = buildRequest(target.config, method, scope, input, page);
      if (isBuildProblem(request)) throw new EngineError(request.code, request.message, request.missing ? { missing: request.missing } : {});
      const { result, gaveUp, view: parsed } = await this.send(request, {
        classify: rateLimitClassifier(method.rateLimit),
        concurrency: target.config.concurrency ?? 10,
        retry: retryPolicyOf(method.rateLimit),
        ...(signal ? { signal } : {}),
      });
      if (!result.ok) throw describeFailure(result);
      const { status, headers, body: raw } = result.response;
      if (status === 401 && target.token && attempt === 0) continue;
      const view = parsed ?? viewOf(status, headers, raw);
      if (status < 200 || status >= 300) {
        const snippet = raw.toString('utf8', 0, Math.min(raw.length, 500));
        throw new EngineError(status === 429 ? 'UPSTREAM_RATE_LIMITED' : 'UPSTREAM_ERROR', `${method.resource}.${method.method}: the API answered ${status}${gaveUp && gaveUp !== 'not retryable' ? ` (${gaveUp})` : ''}.`, { status, body: snippet });
      }
      const error = await errorFromExpression(method.errorExpression, view);
      if (error !== undefined) throw new EngineError('UPSTREAM_ERROR', `${method.resource}.${method.method}: the API reported an error: ${error}`, { status });
      return { status, headers, body: view.body, records: extractRecords(view.body, method.responsePath), url: result.response.url };
    }
  }

  /** One call of a method without paging (get, create, update, delete, custom methods). */
  async call(target: EngineTarget, resource: string, method: string, input: CallInput = {}, signal?: AbortSignal): Promise<CallResult> {
    const resolved = this.#resolve(target.config, resource, method);
    const { url, ...result } = await this.#exchange(target, resolved, input, { query: {}, headers: {} }, signal);
    void url;
    return result;
  }

  /**
   * Every page of a list method, streamed: each page is yielded as it arrives with the checkpoint
   * to resume after it. `resume` continues a list a previous call stopped (paged exports).
   */
  async *list(
    target: EngineTarget,
    resource: string,
    method: string,
    input: CallInput = {},
    options: { limit?: number; resume?: PaginationCheckpoint; maxPages?: number; signal?: AbortSignal } = {},
  ): AsyncGenerator<ListPage, { reason: string }> {
    const resolved = this.#resolve(target.config, resource, method);
    const fetchPage = async (request: PageRequest, context: { signal?: AbortSignal; values: Record<string, unknown> }): Promise<PageResponse> => {
      const response = await this.#exchange(target, resolved, input, request, context.signal, context.values);
      return { status: response.status, headers: response.headers, body: response.body, records: response.records, url: response.url };
    };
    const common = {
      pagination: resolved.pagination,
      fetchPage,
      ...(options.limit === undefined ? {} : { limit: options.limit }),
      ...(options.maxPages === undefined ? {} : { maxPages: options.maxPages }),
      ...(options.signal ? { signal: options.signal } : {}),
    };
    const pages = options.resume
      ? paginate({ ...common, resume: options.resume })
      : paginate({ ...common, first: { query: {}, headers: {} } });
    for (;;) {
      const step = await pages.next();
      if (step.done) return { reason: step.value.reason };
      yield { records: step.value.records, pageIndex: step.value.pageIndex, ...(step.value.next ? { next: step.value.next } : {}) };
    }
  }
}
