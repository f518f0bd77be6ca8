import { REPLAY_DEFAULT_PAGE_SIZE, type ReplayRequest, type ReplayResponse } from './types.js';

/** The request URL on the fake's origin; `url.pathname` keeps whatever prefix the engine sent. */
export function requestUrl(req: ReplayRequest, baseUrl: string): URL {
  return new URL(req.url, new URL(baseUrl).origin);
}

/** A request header, case-insensitively; the first value when repeated. */
export function header(req: ReplayRequest, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(req.headers)) {
    if (key.toLowerCase() === wanted) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

/** `Basic base64(user:password)`, as HTTP basic authentication sends it. */
export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/**
 * The page size a request asks for: absent → the replay default; not a whole number ≥ 1 → null
 * (the fake answers 400); above the vendor's maximum → the maximum (what vendors do silently).
 */
export function pageSize(raw: string | null, max: number): number | null {
  if (raw === null) return REPLAY_DEFAULT_PAGE_SIZE;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) return null;
  return Math.min(Number(raw), max);
}

/**
 * An opaque cursor holding a position, the way vendors hide theirs (base64url of a small JSON).
 * `readToken` returns null for anything this fake did not issue, so a made-up or mangled cursor is
 * refused like a real API refuses it.
 */
export function token(kind: string, position: number): string {
  return Buffer.from(JSON.stringify({ k: kind, p: position })).toString('base64url');
}

export function readToken(kind: string, value: string): number | null {
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as { k?: unknown; p?: unknown };
    return parsed.k === kind && typeof parsed.p === 'number' && Number.isInteger(parsed.p) && parsed.p >= 0 ? parsed.p : null;
  } catch {
    return null;
  }
}

/** An RFC 8288 Link header value: `<url>; rel="next", <url>; rel="last"`. */
export function linkHeader(links: Array<[url: string, rel: string]>): string {
  return links.map(([url, rel]) => `<${url}>; rel="${rel}"`).join(', ');
}

/** The part of the path before `suffix` (the prefix the engine's base_url contributed), or null. */
export function prefixBefore(pathname: string, suffix: string | RegExp): string | null {
  if (typeof suffix === 'string') return pathname.endsWith(suffix) ? pathname.slice(0, pathname.length - suffix.length) : null;
  const match = suffix.exec(pathname);
  return match ? pathname.slice(0, match.index) : null;
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): ReplayResponse {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body };
}

/** The seven people every fake serves, each vendor dressing them in its own ids and fields. */
export const PEOPLE = [
  { first: 'Ada', last: 'Lovelace', login: 'ada', email: 'ada@acme.example' },
  { first: 'Grace', last: 'Hopper', login: 'grace', email: 'grace@acme.example' },
  { first: 'Alan', last: 'Turing', login: 'alan', email: 'alan@acme.example' },
  { first: 'Katherine', last: 'Johnson', login: 'katherine', email: 'katherine@acme.example' },
  { first: 'Edsger', last: 'Dijkstra', login: 'edsger', email: 'edsger@acme.example' },
  { first: 'Barbara', last: 'Liskov', login: 'barbara', email: 'barbara@acme.example' },
  { first: 'Linus', last: 'Torvalds', login: 'linus', email: 'linus@acme.example' },
] as const;
