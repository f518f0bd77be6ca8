import type { ConnectionGates } from '../engine/connection-gate.js';
import type { OutboundClient, OutboundRequest, OutboundResult } from '../engine/http-client.js';
import { MASK, redactText } from '../crypto/masking.js';
import type { DebugLog } from './debug-log.js';
import type { ConnectionDoc } from './model.js';

/** The part of a connection an outbound call needs. */
export interface CallTarget {
  /** Undefined for an unsaved (virtual) connection: no gate sharing, no debug log. */
  id?: string;
  teamId: string;
  doc: ConnectionDoc;
  secrets: Record<string, string>;
  debugUntil: string | null;
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

function concurrencyOf(doc: ConnectionDoc): { concurrency: number; perSecond?: number } {
  if (doc.type === 'http' && doc.http) {
    return {
      concurrency: doc.http.concurrencyLevel ?? 10,
      ...(doc.http.rateLimit?.limit === undefined ? {} : { perSecond: doc.http.rateLimit.limit }),
    };
  }
  return { concurrency: 10 };
}

/**
 * The one door for a connection's outbound calls: the per-connection gate, the HTTP client,
 * and the debug log while the connection's debugDate is in the future.
 */
export class UpstreamCaller {
  constructor(
    private readonly deps: { client: OutboundClient; gates: ConnectionGates; debugLog: DebugLog; now?: () => Date },
  ) {}

  async call(target: CallTarget, request: OutboundRequest, options: { resourceId?: string } = {}): Promise<OutboundResult> {
    const release = target.id ? await this.deps.gates.acquire(target.id, concurrencyOf(target.doc)) : undefined;
    const startedAt = (this.deps.now ?? (() => new Date()))();
    let result: OutboundResult;
    try {
      result = await this.deps.client.request(request);
    } finally {
      release?.();
    }
    if (target.id && target.debugUntil !== null && Date.parse(target.debugUntil) > startedAt.getTime()) {
      await this.#recordDebug(target, request, result, startedAt, options.resourceId);
    }
    return result;
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
