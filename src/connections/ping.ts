import type { OutboundFailure, OutboundResult } from '../engine/http-client.js';
import type { ConnectionDoc } from './model.js';
import type { RelativeRequest } from './requests.js';

/** What a ping answers: `{"code":200}` or an HTTP status with `{"errors":[{code,message}]}`. */
export type PingOutcome = { ok: true } | { ok: false; status: number; code: string; message: string };

/** The request a ping sends: the connection's ping URI and method (GET on the base URI by default). */
export function pingRequest(doc: ConnectionDoc): RelativeRequest {
  if (doc.type === 'rest' && doc.rest) {
    return {
      method: doc.rest.pingMethod ?? 'GET',
      relativeURI: doc.rest.pingRelativeURI ?? '',
      ...(doc.rest.pingBody === undefined ? {} : { body: doc.rest.pingBody }),
    };
  }
  const ping = doc.http?.ping;
  return {
    method: ping?.method ?? 'GET',
    relativeURI: ping?.relativeURI ?? '',
    ...(ping?.body === undefined ? {} : { body: ping.body }),
  };
}

const FAILURE_STATUS: Record<OutboundFailure['kind'], { status: number; code: string }> = {
  blocked: { status: 422, code: 'OUTBOUND_BLOCKED' },
  invalid_url: { status: 422, code: 'INVALID_URL' },
  dns: { status: 502, code: 'DNS_LOOKUP_FAILED' },
  refused: { status: 502, code: 'CONNECTION_REFUSED' },
  reset: { status: 502, code: 'CONNECTION_RESET' },
  tls: { status: 502, code: 'TLS_ERROR' },
  too_many_redirects: { status: 502, code: 'TOO_MANY_REDIRECTS' },
  timeout: { status: 504, code: 'TIMEOUT' },
  other: { status: 502, code: 'REQUEST_FAILED' },
};

const REMOTE_HINTS: Record<number, string> = {
  401: "check the connection's credentials",
  403: "the credentials are valid but lack permission, or the token's scopes are too narrow",
  404: 'check baseURI and the ping relative URI',
  405: 'check the ping method',
  429: 'the remote is rate limiting; ping again later',
};

/** Reads a dot path (`data.ok`, `items.0.id`) from parsed JSON. */
export function readPath(value: unknown, path: string): unknown {
  let current = value;
  for (const part of path.split('.').filter(Boolean)) {
    if (typeof current !== 'object' || current === null || !Object.prototype.hasOwnProperty.call(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/**
 * An http connection can say how its API signals "slow down" besides 429: a status
 * (`rateLimit.failStatusCode`) or a value at a path of the JSON body (`failPath`/`failValues`).
 * Returns what matched, or undefined.
 */
export function rateLimitSignal(doc: ConnectionDoc, status: number, body: Buffer): string | undefined {
  const rateLimit = doc.type === 'http' ? doc.http?.rateLimit : undefined;
  if (!rateLimit) return undefined;
  if (rateLimit.failStatusCode !== undefined && status === rateLimit.failStatusCode) return `status ${status}`;
  if (rateLimit.failPath) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      return undefined;
    }
    const value = readPath(parsed, rateLimit.failPath);
    if (value === undefined) return undefined;
    const matches = rateLimit.failValues?.length ? rateLimit.failValues.includes(String(value)) : true;
    if (matches) return `${rateLimit.failPath} is ${JSON.stringify(value)}`;
  }
  return undefined;
}

/** Decides what a ping's response means. `redact` masks secrets in anything quoted back. */
export function interpretPing(doc: ConnectionDoc, result: OutboundResult, redact: (text: string) => string): PingOutcome {
  if (!result.ok) {
    const mapped = FAILURE_STATUS[result.failure.kind];
    return { ok: false, ...mapped, message: redact(result.failure.message) };
  }
  const { status, body } = result.response;
  const limited = rateLimitSignal(doc, status, body);
  if (limited) {
    const retryAfter = result.response.headers['retry-after'];
    return {
      ok: false,
      status: 502,
      code: 'RATE_LIMITED',
      message: `The remote is rate limiting requests (${limited})${retryAfter ? `; it asks to retry after ${retryAfter}` : ''}. Ping again later.`,
    };
  }
  if (status < 200 || status >= 300) {
    // Redact before cutting: a secret cut in half at the limit would no longer match and leak its start.
    const snippet = redact(body.toString('utf8')).slice(0, 300).replace(/\s+/g, ' ').trim();
    const hint = REMOTE_HINTS[status] ?? (status >= 500 ? 'the remote failed; try again later' : 'check the request settings');
    return {
      ok: false,
      status: 502,
      code: String(status),
      message: `The remote answered ${status}: ${hint}.${snippet ? ` Response: ${snippet}` : ''}`,
    };
  }
  const ping = doc.type === 'http' ? doc.http?.ping : undefined;
  if (ping?.successPath) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      return { ok: false, status: 502, code: 'PING_UNEXPECTED_RESPONSE', message: `The remote answered ${status} but not with JSON, so ping.successPath "${ping.successPath}" cannot be read.` };
    }
    const value = readPath(parsed, ping.successPath);
    const passes = ping.successValues?.length ? ping.successValues.includes(String(value)) : value !== undefined && value !== null && value !== false;
    if (!passes) {
      return {
        ok: false,
        status: 502,
        code: 'PING_UNEXPECTED_RESPONSE',
        message: `The remote answered ${status} but ${ping.successPath} is ${redact(JSON.stringify(value) ?? 'missing')}, expected ${
          ping.successValues?.length ? `one of ${ping.successValues.map((v) => JSON.stringify(v)).join(', ')}` : 'a truthy value'
        }.`,
      };
    }
  }
  return { ok: true };
}
