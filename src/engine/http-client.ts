import dns from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Agent, buildConnector, type Dispatcher } from 'undici';
import type { OutboundPolicy, PolicyVerdict } from './outbound-policy.js';

export interface OutboundRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Overrides the client's timeout for this request (connect + headers + body, all hops). */
  timeoutMs?: number;
  maxResponseBytes?: number;
  /** Cancels the request; a cancelled request comes back as kind `other`. */
  signal?: AbortSignal;
}

export interface OutboundResponse {
  status: number;
  /** Lower-cased names; repeated headers joined with ', '. */
  headers: Record<string, string>;
  body: Buffer;
  /** True when the body was cut at maxResponseBytes. */
  truncated: boolean;
  /** The URL of the last hop, after redirects. */
  url: string;
  durationMs: number;
}

export type FailureKind =
  | 'blocked'
  | 'invalid_url'
  | 'dns'
  | 'refused'
  | 'timeout'
  | 'reset'
  | 'tls'
  | 'too_many_redirects'
  | 'other';

export interface OutboundFailure {
  kind: FailureKind;
  /** Meant for the user; never contains header values or query strings. */
  message: string;
  /** The address refused or unreachable, when known. */
  address?: string;
  durationMs: number;
}

export type OutboundResult = { ok: true; response: OutboundResponse } | { ok: false; failure: OutboundFailure };

/** Raised inside the connector when the policy refuses an address; travels through undici's errors. */
export class OutboundBlockedError extends Error {
  readonly address: string;
  constructor(verdict: Extract<PolicyVerdict, { allowed: false }>) {
    super(verdict.message);
    this.name = 'OutboundBlockedError';
    this.address = verdict.address;
  }
}

export interface OutboundClientOptions {
  policy: OutboundPolicy;
  timeoutMs: number;
  /** Redirects followed before giving up; default 5. */
  maxRedirects?: number;
  /** Default 10 MiB. */
  maxResponseBytes?: number;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
// Credentials meant for one origin must not follow a redirect to another.
const CROSS_ORIGIN_DROPPED = new Set(['authorization', 'cookie', 'proxy-authorization']);
const BODY_HEADERS = new Set(['content-type', 'content-length', 'content-encoding', 'transfer-encoding']);

/**
 * Sends outbound HTTP under the outbound policy: the policy is checked on the address each
 * socket actually connects to, on every hop, so DNS rebinding and odd URL spellings cannot
 * reach a refused address. Expected failures come back as values, never as exceptions.
 *
 * @example
 * const client = new OutboundClient({ policy: parseOutboundAllow(''), timeoutMs: 10_000 });
 * const result = await client.request({ method: 'GET', url: 'https://api.example.com/ping' });
 * if (!result.ok) console.log(result.failure.kind, result.failure.message);
 * await client.close();
 */
export class OutboundClient {
  readonly #agent: Agent;
  readonly #timeoutMs: number;
  readonly #maxRedirects: number;
  readonly #maxResponseBytes: number;

  constructor(options: OutboundClientOptions) {
    this.#timeoutMs = options.timeoutMs;
    this.#maxRedirects = options.maxRedirects ?? 5;
    this.#maxResponseBytes = options.maxResponseBytes ?? 10 * 1024 * 1024;
    this.#agent = new Agent({
      connect: guardedConnector(options.policy, options.timeoutMs),
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
  }

  /** Sends one request, following redirects; resolves with a response or a failure, never rejects. */
  async request(req: OutboundRequest): Promise<OutboundResult> {
    const started = performance.now();
    const timeoutMs = req.timeoutMs ?? this.#timeoutMs;
    // A cleared timer rather than AbortSignal.timeout(): the latter keeps every signal alive until it fires.
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new DOMException('Outbound request timed out', 'TimeoutError')), timeoutMs);
    const signal = req.signal ? AbortSignal.any([timeout.signal, req.signal]) : timeout.signal;
    const elapsed = () => Math.round(performance.now() - started);
    const fail = (kind: FailureKind, message: string, address?: string): OutboundResult => ({
      ok: false,
      failure: { kind, message, ...(address === undefined ? {} : { address }), durationMs: elapsed() },
    });

    const url = parseHttpUrl(req.url);
    if (typeof url === 'string') return fail('invalid_url', url);
    let hop: Hop = { url, method: req.method.toUpperCase(), headers: { ...req.headers }, body: req.body };
    const phase = { headersReceived: false };
    try {
      for (let redirects = 0; ; redirects++) {
        phase.headersReceived = false;
        const res = await this.#agent.request({
          origin: hop.url.origin,
          path: hop.url.pathname + hop.url.search,
          method: hop.method as Dispatcher.HttpMethod,
          headers: hop.headers,
          body: hop.body ?? null,
          signal,
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        });
        phase.headersReceived = true;
        const location = REDIRECTS.has(res.statusCode) ? firstHeader(res.headers['location']) : undefined;
        if (location === undefined) {
          const { bytes, truncated } = await readLimited(res.body, req.maxResponseBytes ?? this.#maxResponseBytes);
          const headers = flattenHeaders(res.headers);
          const response = { status: res.statusCode, headers, body: bytes, truncated, url: hop.url.href };
          return { ok: true, response: { ...response, durationMs: elapsed() } };
        }
        // The redirect's own body is noise; drain a little so the connection can be reused.
        await res.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
        if (redirects >= this.#maxRedirects) {
          const message = `Stopped after ${this.#maxRedirects} redirects; ${displayUrl(hop.url)} keeps redirecting.`;
          return fail('too_many_redirects', message);
        }
        const next = redirectHop(hop, res.statusCode, location);
        if (typeof next === 'string') return fail('invalid_url', next);
        hop = next;
      }
    } catch (error) {
      const failure = classify(error, { url: hop.url, timeoutMs, timedOut: timeout.signal.aborted, ...phase });
      if (failure.kind === 'other' && req.signal?.aborted) {
        return fail('other', `Request to ${displayUrl(hop.url)} was cancelled.`);
      }
      return fail(failure.kind, failure.message, failure.address);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Waits for requests in flight, then closes every pooled connection. */
  async close(): Promise<void> {
    await this.#agent.close();
  }
}

/**
 * A connector that refuses disallowed addresses before the socket opens: IP literals are
 * checked directly (net.connect skips `lookup` for them), names through a checking `lookup`.
 */
function guardedConnector(policy: OutboundPolicy, timeoutMs: number): buildConnector.connector {
  const connect = buildConnector({ timeout: timeoutMs, lookup: guardedLookup(policy) });
  return (options, callback) => {
    const host = options.hostname.replace(/^\[(.*)\]$/, '$1');
    if (isIP(host) !== 0) {
      const verdict = policy.check(host);
      if (!verdict.allowed) return callback(new OutboundBlockedError(verdict), null);
    }
    connect(options, callback);
  };
}

// Keeps only allowed addresses so a name resolving to both public and private records
// (a rebinding trick) can only ever reach the public ones; refuses when none is left.
// Shared by every outbound transport (undici here, node:http agents in oauth2/client.ts).
export function guardedLookup(policy: OutboundPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '');
      const allowed = addresses.filter((entry) => policy.check(entry.address, hostname).allowed);
      const first = allowed[0];
      if (first !== undefined) {
        if (options.all) callback(null, allowed);
        else callback(null, first.address, first.family);
        return;
      }
      const verdict = policy.check(addresses[0]?.address ?? '', hostname);
      const noAddress = Object.assign(new Error(`No address found for ${hostname}`), { code: 'ENOTFOUND', hostname });
      callback(verdict.allowed ? noAddress : new OutboundBlockedError(verdict), '');
    });
  };
}

interface Hop {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: string | Uint8Array | undefined;
}

/** The request a redirect asks for, or a message when its Location is unusable. */
function redirectHop(from: Hop, status: number, location: string): Hop | string {
  const url = parseHttpUrl(location, from.url);
  if (typeof url === 'string') return `Redirect from ${displayUrl(from.url)} is invalid: ${url}`;
  let { method, headers, body } = from;
  if (url.origin !== from.url.origin) headers = without(headers, CROSS_ORIGIN_DROPPED);
  // Browsers and RFC 9110 turn 303 (and 301/302 after a POST) into a GET without a body.
  if ((status === 303 && method !== 'HEAD') || (status <= 302 && method === 'POST')) {
    method = 'GET';
    body = undefined;
    headers = without(headers, BODY_HEADERS);
  }
  return { url, method, headers, body };
}

function parseHttpUrl(text: string, base?: URL): URL | string {
  let url: URL;
  try {
    url = new URL(text, base);
  } catch {
    return `"${text.length > 200 ? `${text.slice(0, 200)}…` : text}" is not a valid URL.`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `Unsupported URL scheme "${url.protocol}" in ${displayUrl(url)}; only http and https are allowed.`;
  }
  return url;
}

/** Origin and path only: query strings and user info often carry secrets. */
function displayUrl(url: URL): string {
  return url.origin + url.pathname;
}

async function readLimited(body: AsyncIterable<Buffer> & { destroy(): unknown }, limit: number) {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    if (size + chunk.length > limit) {
      chunks.push(chunk.subarray(0, limit - size));
      // Leaving the loop destroys the stream, so the rest is never downloaded.
      return { bytes: Buffer.concat(chunks), truncated: true };
    }
    chunks.push(chunk);
    size += chunk.length;
  }
  return { bytes: Buffer.concat(chunks), truncated: false };
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function without(headers: Record<string, string>, names: Set<string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !names.has(name.toLowerCase())));
}

interface ErrorContext {
  url: URL;
  timeoutMs: number;
  timedOut: boolean;
  headersReceived: boolean;
}

type Classified = { kind: FailureKind; message: string; address?: string };
/** Fields node's net, dns and tls errors carry. */
type SystemError = Error & { code?: unknown; hostname?: string; address?: string; port?: number };

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ENODATA']);
const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);
const RESET_CODES = new Set(['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_CLOSED']);
const TLS_CODE = /^ERR_(TLS|SSL)_|CERT|^UNABLE_TO_|_SIGNATURE_|^SELF_SIGNED/;

/** Turns an error from undici, net, tls or dns into a failure a user can act on. */
function classify(error: unknown, ctx: ErrorContext): Classified {
  const chain = errorChain(error);
  const blocked = chain.find((e): e is OutboundBlockedError => e instanceof OutboundBlockedError);
  if (blocked) return { kind: 'blocked', message: blocked.message, address: blocked.address };
  const find = (test: (code: string) => boolean) => chain.find((e) => test(String(e.code ?? '')));
  const where = displayUrl(ctx.url);

  const dnsError = find((code) => DNS_CODES.has(code));
  if (dnsError) {
    const why = dnsError.code === 'EAI_AGAIN' ? 'the DNS server did not answer (try again later)' : 'the host name does not exist';
    return { kind: 'dns', message: `DNS lookup failed for ${dnsError.hostname ?? ctx.url.hostname}: ${why}.` };
  }
  const refused = find((code) => code === 'ECONNREFUSED');
  if (refused) {
    const { address, port } = refused;
    const target = address ? `${address.includes(':') ? `[${address}]` : address}:${port ?? ctx.url.port}` : ctx.url.host;
    const message = `Connection refused by ${target}: nothing is listening there.`;
    return { kind: 'refused', message, ...(address ? { address } : {}) };
  }
  if (ctx.timedOut || find((code) => TIMEOUT_CODES.has(code)) || chain.some((e) => e.name === 'TimeoutError')) {
    const message = ctx.headersReceived
      ? `The response from ${where} did not finish within ${ctx.timeoutMs} ms.`
      : `No answer from ${where} within ${ctx.timeoutMs} ms.`;
    return { kind: 'timeout', message };
  }
  const tls = find((code) => TLS_CODE.test(code));
  if (tls) {
    // OpenSSL messages carry a whole error stack; its reason part is what a user can read.
    const reason = /:SSL routines:[^:]*:([^:]+)/.exec(tls.message)?.[1] ?? tls.message.split('\n')[0];
    return { kind: 'tls', message: `TLS connection to ${ctx.url.host} failed: ${reason} (${String(tls.code)}).` };
  }
  if (find((code) => RESET_CODES.has(code)) || chain.some((e) => /other side closed|socket hang up/i.test(e.message))) {
    const when = ctx.headersReceived ? 'before the response was complete' : 'before it answered';
    return { kind: 'reset', message: `The connection to ${ctx.url.host} was closed ${when}.` };
  }
  return { kind: 'other', message: `Request to ${where} failed: ${chain[0]?.message ?? String(error)}` };
}

/** The error, its `cause`s and the members of any AggregateError (happy-eyeballs connects). */
function errorChain(error: unknown): SystemError[] {
  const found: SystemError[] = [];
  const queue: unknown[] = [error];
  while (queue.length > 0 && found.length < 20) {
    const next = queue.shift();
    if (!(next instanceof Error) || found.includes(next)) continue;
    found.push(next);
    queue.push(next.cause);
    if (next instanceof AggregateError) queue.push(...next.errors);
  }
  return found;
}
