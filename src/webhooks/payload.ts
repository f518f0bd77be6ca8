/**
 * What a received webhook looks like once verified: its body as a value, the headers worth keeping,
 * and a best-effort event type. Pure functions over the raw request.
 */

/** Headers that authenticate the request; never stored (the signature is useless to a reader and may be replayable). */
const DROPPED_HEADER = /signature|hmac|authorization|cookie|api-key|apikey|token|secret|password/i;
/** Hop-by-hop and transport headers that say nothing about the event. */
const TRANSPORT_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'expect']);

/**
 * The headers stored with an event: every header except credentials and signatures (names matching
 * signature, hmac, authorization, cookie, api-key, token, secret, password), the signature header of
 * the integration, and transport headers.
 *
 * @example storedHeaders({ 'x-github-event': 'push', 'x-hub-signature-256': 'sha256=…' }, ['x-hub-signature-256']) // → { 'x-github-event': 'push' }
 */
export function storedHeaders(headers: Readonly<Record<string, string | undefined>>, alsoDrop: readonly string[] = []): Record<string, string> {
  const dropped = new Set(alsoDrop.map((name) => name.toLowerCase()));
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || dropped.has(name) || TRANSPORT_HEADERS.has(name) || DROPPED_HEADER.test(name)) continue;
    kept[name] = value;
  }
  return kept;
}

/**
 * The body as the handshake expression and the event list see it: a JSON document when it parses
 * as one (whatever the content type says), a form as an object of strings, otherwise the text.
 *
 * @example parseBody('{"type":"url_verification"}', 'application/json') // → { type: 'url_verification' }
 * @example parseBody('a=1&b=2', 'application/x-www-form-urlencoded') // → { a: '1', b: '2' }
 */
export function parseBody(text: string, contentType: string | undefined): unknown {
  const json = parseJsonBody(text);
  if (json !== text) return json;
  if (contentType !== undefined && /^application\/x-www-form-urlencoded\b/i.test(contentType)) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  return text;
}

/**
 * A JSON object or array when the text is one, otherwise the text unchanged.
 *
 * @example parseJsonBody('{"a":1}') // → { a: 1 }
 * @example parseJsonBody('a=1') // → 'a=1'
 */
export function parseJsonBody(text: string): unknown {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return text;
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return text;
  }
}

// Headers that name the event, most specific first: GitHub, GitLab, Bitbucket, Shopify, generic.
const EVENT_HEADERS = ['x-github-event', 'x-gitlab-event', 'x-event-key', 'x-shopify-topic', 'x-event-type', 'x-webhook-event'];
const EVENT_FIELDS = ['type', 'event_type', 'eventType', 'event', 'topic'];
const MAX_EVENT_TYPE = 200;

/**
 * A best-effort event type: a known event header, else the body's `type`, `event_type`,
 * `eventType`, `event` (a string, or an object's `type`, as Slack's `event_callback` nests it)
 * or `topic`. Null when none is found.
 *
 * @example eventType({ 'x-github-event': 'push' }, {}) // → 'push'
 * @example eventType({}, { type: 'event_callback', event: { type: 'message' } }) // → 'event_callback'
 */
export function eventType(headers: Readonly<Record<string, string | undefined>>, body: unknown): string | null {
  for (const name of EVENT_HEADERS) {
    const value = headers[name]?.trim();
    if (value) return value.slice(0, MAX_EVENT_TYPE);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const record = body as Record<string, unknown>;
  for (const field of EVENT_FIELDS) {
    const value = Object.prototype.hasOwnProperty.call(record, field) ? record[field] : undefined;
    if (typeof value === 'string' && value.trim() !== '') return value.trim().slice(0, MAX_EVENT_TYPE);
    if (typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string') {
      return ((value as { type: string }).type).slice(0, MAX_EVENT_TYPE);
    }
  }
  return null;
}
