import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Webhook } from '../integrations/definition.js';

/**
 * Signature verification of incoming webhooks (`webhook.signature_verification` of an integration).
 * Pure: the caller passes the request and the clock, with the secret already resolved.
 *
 * What is signed — `config.parts`, joined in order with `config.separator` (default ''):
 * - `body` / `$body`: the raw body bytes, exactly as received;
 * - `$header.<name>`: that header's value (missing header → failure);
 * - `$header.<name>[<key>]`: the value of `<key>` in a header of `key=value` pairs separated by
 *   `,` or `;` (Stripe's `t=…,v1=…`, Paddle's `ts=…;h1=…`);
 * - `header` (the seed's short form): the timestamp — the value `config.timestamp` points at, or the
 *   `x-timestamp` header when `timestamp` is not set;
 * - anything else: literal text (Slack's `v0`). The words `body` and `header` and strings starting
 *   with `$` are therefore not usable as literals.
 * Default parts: `["$body"]`.
 *
 * Where the signature is — `config.compare_with`: `$header.<name>`, `$header.<name>[<key>]` or a bare
 * header name; default `$header.x-signature`. The header may carry several candidates separated by
 * spaces, commas or semicolons (secret rotation: `v1=…,v1=…`); one match is enough. With
 * `config.prefix` (`sha256=`, `v0=`, `v1=`, `v1,`) only candidates starting with it count, and it is
 * stripped. Candidates are decoded with `config.encoding` (default hex); a candidate that is not
 * strictly hex/base64 never matches.
 *
 * Algorithm: `HMAC-SHA256`/`HMAC-SHA1` fix it (a conflicting `config.algorithm` is a definition
 * error); `hmac` takes `config.algorithm` (default sha256).
 *
 * Replay protection: when a timestamp is read — `config.timestamp` (same references as
 * compare_with), or implied `x-timestamp` when parts use the short `header` — it must be an epoch in
 * seconds or milliseconds (or an ISO-8601 date) within `tolerance_seconds` (default 300) of `now`,
 * in the past or the future. `tolerance_seconds` without any timestamp is a definition error.
 */
export type SignatureSpec = NonNullable<Webhook['signature_verification']>;

export interface SignedRequest {
  /** Header names in lower case; a repeated header joined with ", ". */
  headers: Readonly<Record<string, string | undefined>>;
  rawBody: Buffer;
}

export type VerifyFailureReason =
  | 'misconfigured'
  | 'missing_signature'
  | 'missing_header'
  | 'signature_mismatch'
  | 'timestamp_invalid'
  | 'timestamp_out_of_tolerance';

export type VerifyResult = { ok: true } | { ok: false; reason: VerifyFailureReason; message: string };

export const DEFAULT_COMPARE_WITH = '$header.x-signature';
export const DEFAULT_TIMESTAMP_HEADER = 'x-timestamp';
export const DEFAULT_TOLERANCE_SECONDS = 300;
/** More candidates than any provider sends; bounds the work an unsigned request can cause. */
const MAX_CANDIDATES = 16;

type Algorithm = 'sha256' | 'sha1' | 'sha512';
type Reference = { kind: 'body' } | { kind: 'timestamp' } | { kind: 'header'; name: string; key?: string } | { kind: 'literal'; text: string };

// RFC 9110 token characters, so a bare header name is told apart from other text.
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
const HEADER_REFERENCE = /^\$header\.([A-Za-z0-9!#$%&'*+.^_`|~-]+?)(?:\[([^\]]+)\])?$/;
const HEX = /^(?:[0-9a-fA-F]{2})+$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/**
 * Checks a webhook's HMAC signature (and timestamp, when one is configured) in constant time.
 *
 * @example verifySignature(
 *   { format: 'hmac', config: { secret: 's', parts: ['$body'], compare_with: '$header.x-hub-signature-256', prefix: 'sha256=' } },
 *   { headers: { 'x-hub-signature-256': 'sha256=…' }, rawBody },
 *   new Date(),
 * ) // → { ok: true } or { ok: false, reason: 'signature_mismatch', message }
 */
export function verifySignature(spec: SignatureSpec, request: SignedRequest, now: Date): VerifyResult {
  const { config } = spec;
  const algorithm = algorithmOf(spec);
  if (typeof algorithm !== 'string') return algorithm;
  if (config.secret === '') return failure('misconfigured', 'The integration\'s webhook secret is empty.');

  const timestampRef = timestampReference(config);
  if (timestampRef === 'invalid') return failure('misconfigured', `The integration's webhook timestamp "${config.timestamp ?? ''}" does not name a header.`);
  if (timestampRef === undefined && config.tolerance_seconds !== undefined) {
    return failure('misconfigured', 'The integration sets webhook tolerance_seconds but no timestamp to check it against.');
  }
  const compareRef = headerReference(config.compare_with ?? DEFAULT_COMPARE_WITH);
  if (!compareRef) return failure('misconfigured', `The integration's webhook compare_with "${config.compare_with ?? ''}" does not name a header.`);

  const received = readHeader(request.headers, compareRef);
  if (received.length === 0) return failure('missing_signature', `The signature header "${compareRef.name}" is missing or empty.`);

  const message = signedMessage(config.parts ?? ['$body'], config.separator ?? '', request, timestampRef);
  if (!Buffer.isBuffer(message)) return message;
  const expected = createHmac(algorithm, config.secret).update(message).digest();
  const candidates = signatureCandidates(received, compareRef.key !== undefined, config.prefix);
  if (!matchesAny(expected, candidates, config.encoding ?? 'hex')) {
    return failure('signature_mismatch', `The signature in "${compareRef.name}" does not match the request.`);
  }

  if (timestampRef !== undefined) return checkTimestamp(request, timestampRef, config.tolerance_seconds ?? DEFAULT_TOLERANCE_SECONDS, now);
  return { ok: true };
}

/** The header the signature is read from (lower case), e.g. to keep it out of storage; undefined when compare_with names none. */
export function signatureHeaderName(spec: SignatureSpec): string | undefined {
  return headerReference(spec.config.compare_with ?? DEFAULT_COMPARE_WITH)?.name;
}

function failure(reason: VerifyFailureReason, message: string): VerifyResult & { ok: false } {
  return { ok: false, reason, message };
}

function algorithmOf(spec: SignatureSpec): Algorithm | (VerifyResult & { ok: false }) {
  const configured = spec.config.algorithm;
  if (spec.format === 'hmac') return configured ?? 'sha256';
  const fixed = spec.format === 'HMAC-SHA1' ? 'sha1' : 'sha256';
  if (configured !== undefined && configured !== fixed) {
    return failure('misconfigured', `The integration's webhook format ${spec.format} conflicts with algorithm "${configured}".`);
  }
  return fixed;
}

/** `$header.x[key]` or a bare header name; undefined for anything else. */
function headerReference(source: string): (Reference & { kind: 'header' }) | undefined {
  const match = HEADER_REFERENCE.exec(source);
  if (match) return { kind: 'header', name: (match[1] as string).toLowerCase(), ...(match[2] === undefined ? {} : { key: match[2].trim() }) };
  if (HEADER_NAME.test(source) && !source.startsWith('$')) return { kind: 'header', name: source.toLowerCase() };
  return undefined;
}

function timestampReference(config: SignatureSpec['config']): (Reference & { kind: 'header' }) | 'invalid' | undefined {
  if (config.timestamp !== undefined) return headerReference(config.timestamp) ?? 'invalid';
  if (config.parts?.includes('header')) return { kind: 'header', name: DEFAULT_TIMESTAMP_HEADER };
  return undefined;
}

function partReference(part: string): Reference {
  if (part === 'body' || part === '$body') return { kind: 'body' };
  if (part === 'header') return { kind: 'timestamp' };
  return (part.startsWith('$header.') ? headerReference(part) : undefined) ?? { kind: 'literal', text: part };
}

/** Every value a reference reads: the header (trimmed), or each value of `[key]` in it. */
function readHeader(headers: SignedRequest['headers'], ref: Reference & { kind: 'header' }): string[] {
  const value = headers[ref.name]?.trim();
  if (value === undefined || value === '') return [];
  if (ref.key === undefined) return [value];
  const values: string[] = [];
  for (const pair of value.split(/[,;]/)) {
    const at = pair.indexOf('=');
    if (at > 0 && pair.slice(0, at).trim() === ref.key) values.push(pair.slice(at + 1).trim());
  }
  return values.filter((v) => v !== '');
}

function signedMessage(
  parts: readonly string[],
  separator: string,
  request: SignedRequest,
  timestampRef: (Reference & { kind: 'header' }) | undefined,
): Buffer | (VerifyResult & { ok: false }) {
  const chunks: Buffer[] = [];
  for (const [index, part] of parts.entries()) {
    if (index > 0 && separator !== '') chunks.push(Buffer.from(separator, 'utf8'));
    const ref = partReference(part);
    if (ref.kind === 'body') chunks.push(request.rawBody);
    else if (ref.kind === 'literal') chunks.push(Buffer.from(ref.text, 'utf8'));
    else {
      const headerRef = ref.kind === 'timestamp' ? (timestampRef as Reference & { kind: 'header' }) : ref;
      const value = readHeader(request.headers, headerRef)[0];
      if (value === undefined) return failure('missing_header', `The header "${headerRef.name}"${headerRef.key ? ` (key "${headerRef.key}")` : ''} that is signed is missing.`);
      chunks.push(Buffer.from(value, 'utf8'));
    }
  }
  return Buffer.concat(chunks);
}

/** Splits a signature header into candidates; with a prefix, only those carrying it (stripped). */
function signatureCandidates(values: string[], keyed: boolean, prefix: string | undefined): string[] {
  const raw = new Set<string>();
  for (const value of values) {
    if (keyed) {
      raw.add(value);
      continue;
    }
    // Whole space-separated tokens first (Svix-style `v1,<sig>`), then their `,`/`;` pieces (Stripe-style).
    for (const token of value.split(/\s+/)) {
      if (token === '') continue;
      raw.add(token);
      for (const piece of token.split(/[,;]/)) if (piece !== '') raw.add(piece);
    }
  }
  const wanted = prefix?.toLowerCase();
  const candidates: string[] = [];
  for (const candidate of raw) {
    if (wanted === undefined || wanted === '') candidates.push(candidate);
    else if (candidate.toLowerCase().startsWith(wanted)) candidates.push(candidate.slice(wanted.length));
    if (candidates.length >= MAX_CANDIDATES) break;
  }
  return candidates;
}

function decodeSignature(text: string, encoding: 'hex' | 'base64'): Buffer | undefined {
  if (encoding === 'hex') return HEX.test(text) ? Buffer.from(text, 'hex') : undefined;
  return BASE64.test(text) ? Buffer.from(text, 'base64') : undefined;
}

/**
 * Constant-time comparison: both sides are hashed first, so `timingSafeEqual` always sees two
 * 32-byte buffers and neither the length nor the content of the expected MAC leaks through timing.
 * Every candidate is compared (no early exit).
 */
function matchesAny(expected: Buffer, candidates: string[], encoding: 'hex' | 'base64'): boolean {
  const expectedDigest = createHash('sha256').update(expected).digest();
  let matched = false;
  for (const candidate of candidates) {
    const decoded = decodeSignature(candidate, encoding);
    if (decoded === undefined) continue;
    const digest = createHash('sha256').update(decoded).digest();
    if (timingSafeEqual(digest, expectedDigest)) matched = true;
  }
  return matched;
}

/** Epoch seconds, epoch milliseconds (≥ 1e11, i.e. after 1973 in ms) or an ISO-8601 date → ms. */
export function parseTimestamp(text: string): number | undefined {
  if (/^\d+(?:\.\d+)?$/.test(text)) {
    const value = Number(text);
    return value >= 1e11 ? value : value * 1000;
  }
  if (/^\d{4}-\d{2}-\d{2}T/.test(text)) {
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

function checkTimestamp(request: SignedRequest, ref: Reference & { kind: 'header' }, toleranceSeconds: number, now: Date): VerifyResult {
  const text = readHeader(request.headers, ref)[0];
  const where = `"${ref.name}"${ref.key ? ` (key "${ref.key}")` : ''}`;
  if (text === undefined) return failure('missing_header', `The timestamp header ${where} is missing.`);
  const ms = parseTimestamp(text);
  if (ms === undefined) return failure('timestamp_invalid', `The timestamp in ${where} is not an epoch time or ISO-8601 date.`);
  const skewSeconds = Math.round((now.getTime() - ms) / 1000);
  if (Math.abs(skewSeconds) > toleranceSeconds) {
    const when = skewSeconds > 0 ? `${skewSeconds} s old` : `${-skewSeconds} s in the future`;
    return failure('timestamp_out_of_tolerance', `The timestamp in ${where} is ${when}; at most ${toleranceSeconds} s either way is accepted (replay protection).`);
  }
  return { ok: true };
}
