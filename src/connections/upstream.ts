import type { ConnectionGates } from '../engine/connection-gate.js';
import { Executor, type ExecuteResult } from '../engine/executor.js';
import type { OutboundClient, OutboundRequest, OutboundResult } from '../engine/http-client.js';
import type { ResponseClassifier } from '../engine/rate-limit.js';
import { parseRetryAfter, type RetryPolicy } from '../engine/retry.js';
import { MASK, redactText } from '../crypto/masking.js';
import type { DebugLog } from './debug-log.js';
import type { ConnectionDoc } from './model.js';
import { rateLimitSignal } from './ping.js';

/** The part of a connection an outbound call needs. */
export interface CallTarget {
  /** Undefined for an unsaved (virtual) connection: no gate sharing, no debug log. */
  id?: string;
  teamId: string;
  doc: ConnectionDoc;
  secrets: Record<string, string>;
  debugUntil: string | null;
}

export interface CallOptions {
  /** The export or import the call is made for (filters the debug log). */
  resourceId?: string;
  /** false = a single attempt (ping answers what it saw, at once). */
  retry?: RetryPolicy | false;
  /** How responses signal "slow down"; default: the connection's own rules. */
  classify?: ResponseClassifier;
  /** Overrides the connection's concurrency (integration connections take it from the definition). */
  concurrency?: number;
  signal?: AbortSignal;
}

/** Headers whose values are credentials whatever they contain. */
const SENSITIVE_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'api-key']);

export function redactHeaders(headers: Record<string, string>, redact: (text: string) => string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[name] = SENSITIVE_HEADERS.has(name.toLowerCase()) ? MASK : redact(value);
  return out;
}

export function secretRedactor(secrets: Record<string, string>): (text: string) => string {
  const values = Object.values(secrets);
  return (text) => redactText(text, values);
}

function limitsOf(doc: ConnectionDoc, concurrency: number | undefined): { concurrency: number; perSecond?: number } {
  if (doc.type === 'http' && doc.http) {
    return {
      concurrency: concurrency ?? doc.http.concurrencyLevel ?? 10,
      ...(doc.http.rateLimit?.limit === undefined ? {} : { perSecond: doc.http.rateLimit.limit }),
    };
  }
  return { concurrency: concurrency ?? 10 };
}

/** The http connection's own "slow down" rules (429, failStatusCode, failPath/failValues) as a classifier. */
function connectionClassifier(doc: ConnectionDoc): ResponseClassifier {
  const hasRules = doc.type === 'http' && doc.http?.rateLimit !== undefined;
  return async (response) => {
    // Only connections with their own rules need the body again (as text, for failPath).
    const limited =
      response.status === 429 ||
      (hasRules && rateLimitSignal(doc, response.status, Buffer.from(typeof response.body === 'string' ? response.body : JSON.stringify(response.body))) !== undefined);
    const retryAfter = response.headers['retry-after'];
    const retryAfterMs = limited ? parseRetryAfter(retryAfter, Date.now()) : undefined;
    return { rateLimited: limited, ...(retryAfterMs === undefined ? {} : { retryAfterMs }), pauseMs: retryAfterMs ?? 0 };
  };
}

/**
 * The one door for a connection's outbound calls: the engine's executor (gate, retries,
 * rate-limit pauses, HTTP client) and the debug log while the connection's debugDate is in
 * the future (every attempt is recorded, secrets redacted).
 */
export class UpstreamCaller {
  readonly #executor: Executor;

  constructor(private readonly deps: { client: OutboundClient; gates: ConnectionGates; debugLog: DebugLog }) {
    this.#executor = new Executor({ client: deps.client, gates: deps.gates });
  }

  async call(target: CallTarget, request: OutboundRequest, options: CallOptions = {}): Promise<OutboundResult> {
    return (await this.execute(target, request, options)).result;
  }

  async execute(target: CallTarget, request: OutboundRequest, options: CallOptions = {}): Promise<ExecuteResult> {
    const debugging = target.id !== undefined && target.debugUntil !== null;
    return this.#executor.execute(request, {
      ...(target.id ? { gateKey: target.id } : {}),
      limits: limitsOf(target.doc, options.concurrency),
      ...(options.retry === undefined ? {} : { retry: options.retry }),
      classify: options.classify ?? connectionClassifier(target.doc),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(debugging
        ? {
            onAttempt: async (sent, result, startedAt) => {
              if (Date.parse(target.debugUntil as string) > startedAt.getTime()) await this.#recordDebug(target, sent, result, startedAt, options.resourceId);
            },
          }
        : {}),
    });
  }

  async #recordDebug(target: CallTarget, request: OutboundRequest, result: OutboundResult, startedAt: Date, resourceId: string | undefined): Promise<void> {
    const redact = secretRedactor(target.secrets);
    const requestBody = request.body === undefined ? null : typeof request.body === 'string' ? request.body : Buffer.from(request.body).toString('utf8');
    await this.deps.debugLog.record({
      teamId: target.teamId,
      _connectionId: target.id as string,
      _resourceId: resourceId ?? null,
      time: startedAt.toISOString(),
      method: request.method,
      url: redact(request.url),
      status: result.ok ? result.response.status : null,
      durationMs: result.ok ? result.response.durationMs : result.failure.durationMs,
      request: { headers: redactHeaders(request.headers ?? {}, redact), body: requestBody === null ? null : redact(requestBody) },
      response: result.ok
        ? { headers: redactHeaders(result.response.headers, redact), body: redact(result.response.body.toString('utf8')) }
        : null,
      error: result.ok ? null : redact(result.failure.message),
    });
  }
}
