import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Sent on every response (unless a route set its own value). */
export const BASE_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/**
 * JSON and other non-HTML answers: nothing may load, nothing may frame them. A CSP on a JSON
 * response does not affect the scripts that fetch it; it only matters if someone opens it as a page.
 */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'";

/** Raw proxy answers carry an upstream's bytes under our origin: never let them run as a page. */
export const PROXY_CSP = "default-src 'none'; frame-ancestors 'none'; sandbox";

/**
 * HTML pages of our own (the console at `/`, error pages): scripts only from our origin, never
 * inline; styles may be inline (React and the pages set style attributes); data: images for icons.
 */
export const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The API reference at /docs (Scalar): its bundle is served from /docs/js, its one inline script
 * (the configuration) is allowed by hash, it injects styles at run time, loads its fonts from
 * fonts.scalar.com and shows images (logos) from anywhere over https.
 */
export function docsCsp(inlineScriptHashes: string[]): string {
  return [
    "default-src 'self'",
    `script-src 'self' ${inlineScriptHashes.map((hash) => `'${hash}'`).join(' ')}`.trim(),
    "style-src 'self' 'unsafe-inline' https://fonts.scalar.com",
    "font-src 'self' data: https://fonts.scalar.com",
    "img-src 'self' data: https:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** `sha256-…` of every inline <script> of a page, as CSP expects them. */
export function inlineScriptHashes(html: string): string[] {
  const hashes: string[] = [];
  for (const match of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    if (/\bsrc\s*=/.test(match[1] ?? '')) continue;
    hashes.push(`sha256-${createHash('sha256').update(match[2] ?? '', 'utf8').digest('base64')}`);
  }
  return hashes;
}

function cspFor(request: FastifyRequest, reply: FastifyReply, payload: unknown): string {
  const path = request.url.split('?')[0] ?? '';
  if (/^\/v1\/connections\/[^/]+\/proxy(\/|$)/.test(path)) return PROXY_CSP;
  const type = String(reply.getHeader('content-type') ?? '');
  if (!type.startsWith('text/html')) return API_CSP;
  if (path === '/docs' || path.startsWith('/docs/')) {
    const html = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : '';
    return docsCsp(inlineScriptHashes(html));
  }
  return PAGE_CSP;
}

/**
 * `onSend` hook: the base headers and a Content-Security-Policy chosen by what is sent (a route
 * that sets its own CSP, such as the connect page, keeps it).
 */
export async function securityHeaders(request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
  for (const [name, value] of Object.entries(BASE_HEADERS)) if (!reply.hasHeader(name)) reply.header(name, value);
  if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', cspFor(request, reply, payload));
  return payload;
}
