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

/**
 * The credentials a request carries: the connection's secrets plus the values of its credential
 * headers (an OAuth access token or a rendered API key is not among the stored secrets). An
 * upstream that echoes them back must not hand them to the caller, the debug log or a job error.
 */
export function sentCredentials(secrets: Record<string, string>, request: OutboundRequest): string[] {
  const values = Object.values(secrets);
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    if (!SENSITIVE_HEADERS.has(name.toLowerCase()) || typeof value !== 'string') continue;
    values.push(value);
    // "Bearer <token>", "Basic <base64>": the credential alone is what an echo repeats.
    const space = value.indexOf(' ');
    if (space > 0) values.push(value.slice(space + 1).trim());
  }
  return values.filter((value) => value.length >= 4);
}

/**
 * The response with every credential the request carried masked in its body and headers. The
 * body is only decoded when it holds one (so binary bodies pass untouched); a parsed `view` of the
 * old body is dropped then, so callers parse the redacted one.
 */
export function redactEchoedCredentials(executed: ExecuteResult, credentials: string[]): ExecuteResult {
  const { result } = executed;
  if (!result.ok || credentials.length === 0) return executed;
  const spellings = credentials.flatMap((value) => [value, encodeURIComponent(value)]);
  const inBody = spellings.some((value) => result.response.body.includes(value));
  const inHeaders = Object.values(result.response.headers).some((header) => spellings.some((value) => header.includes(value)));
  if (!inBody && !inHeaders) return executed;
  const redact = (text: string) => redactText(text, credentials);
  const headers = Object.fromEntries(Object.entries(result.response.headers).map(([name, value]) => [name, redact(value)]));
  const body = inBody ? Buffer.from(redact(result.response.body.toString('utf8')), 'utf8') : result.response.body;
  const { view: _stale, ...rest } = executed;
  return { ...rest, result: { ...result, response: { ...result.response, headers, body } } };
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
    const executed = await this.#executor.execute(request, {
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
    return redactEchoedCredentials(executed, sentCredentials(target.secrets, request));
  }

  async #recordDebug(target: CallTarget, request: OutboundRequest, result: OutboundResult, startedAt: Date, resourceId: string | undefined): Promise<void> {
    const credentials = sentCredentials(target.secrets, request);
    const redact = (text: string) => redactText(text, credentials);
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
