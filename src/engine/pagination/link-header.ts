import { advance, isSeenUrl, readHeader, remember, repeated, repeatedMessage, resolveNextUrl, stop } from './step-helpers.js';
import type { NextStep, StrategyContext } from './types.js';

export interface LinkValue {
  url: string;
  /** Relation types, lower-cased (`rel="next last"` → ['next', 'last']). */
  rel: string[];
  /** Every parameter, lower-cased names, unquoted values; the first occurrence of a name wins. */
  params: Record<string, string>;
}

/**
 * Parses an RFC 8288 `Link` header: several links separated by commas, commas and semicolons
 * inside `<…>` kept as part of the URL, quoted or bare parameter values, backslash escapes in
 * quoted strings, case-insensitive parameter names, space-separated relation lists. A malformed
 * entry is skipped rather than failing the whole header.
 *
 * @example parseLinkHeader('<https://api.x/a?page=2>; rel="next", <https://api.x/a?page=9>; rel=last')
 * // → [{ url: 'https://api.x/a?page=2', rel: ['next'], ... }, { url: '…page=9', rel: ['last'], ... }]
 */
export function parseLinkHeader(header: string): LinkValue[] {
  const links: LinkValue[] = [];
  let i = 0;
  const n = header.length;
  const skipSpace = () => {
    while (i < n && /\s/.test(header[i]!)) i++;
  };
  // Skips to just past the next top-level comma (outside quotes and angle brackets).
  const skipEntry = () => {
    let quoted = false;
    for (; i < n; i++) {
      const c = header[i];
      if (quoted) {
        if (c === '\\') i++;
        else if (c === '"') quoted = false;
      } else if (c === '"') quoted = true;
      else if (c === '<') {
        const close = header.indexOf('>', i);
        if (close === -1) return void (i = n);
        i = close;
      } else if (c === ',') return void i++;
    }
  };

  while (i < n) {
    skipSpace();
    if (header[i] === ',') {
      i++;
      continue;
    }
    if (i >= n) break;
    const close = header[i] === '<' ? header.indexOf('>', i) : -1;
    if (close === -1) {
      skipEntry();
      continue;
    }
    const url = header.slice(i + 1, close).trim();
    i = close + 1;
    const params = readParams();
    const rel = (params.rel ?? '').toLowerCase().split(/\s+/).filter(Boolean);
    links.push({ url, rel, params });
  }
  return links;

  function readParams(): Record<string, string> {
    const params: Record<string, string> = {};
    for (;;) {
      skipSpace();
      if (i >= n) return params;
      if (header[i] === ',') {
        i++;
        return params;
      }
      if (header[i] !== ';') {
        skipEntry();
        return params;
      }
      i++;
      skipSpace();
      const nameStart = i;
      while (i < n && !/[\s=;,]/.test(header[i]!)) i++;
      const name = header.slice(nameStart, i).toLowerCase();
      skipSpace();
      let value = '';
      if (header[i] === '=') {
        i++;
        skipSpace();
        value = header[i] === '"' ? readQuoted() : readToken();
      }
      if (name !== '' && !Object.prototype.hasOwnProperty.call(params, name)) params[name] = value;
    }
  }

  function readQuoted(): string {
    let out = '';
    for (i++; i < n; i++) {
      const c = header[i]!;
      if (c === '\\' && i + 1 < n) out += header[++i];
      else if (c === '"') {
        i++;
        return out;
      } else out += c;
    }
    return out;
  }

  function readToken(): string {
    const start = i;
    while (i < n && header[i] !== ';' && header[i] !== ',') i++;
    return header.slice(start, i).trim();
  }
}

/**
 * Link header paging (GitHub, GitLab, Shopify…): follows the link whose rel list contains
 * `config.rel` (default `next`), resolved against the current page's URL. No such link → done
 * `no_link`; a link already followed → `repeated_cursor`. The link carries every parameter the
 * server wants back, so the next request's query is emptied.
 */
export function nextLinkHeader({ config, request, response, state, options }: StrategyContext): NextStep {
  const header = readHeader(response.headers, 'link');
  const wanted = (config.rel ?? 'next').toLowerCase();
  const link = header === undefined ? undefined : parseLinkHeader(header).find((l) => l.rel.includes(wanted) && l.url !== '');
  if (!link) return stop('no_link', state);
  const base = options.currentUrl ?? response.url ?? request.url;
  const url = resolveNextUrl(link.url, base, options.allowCrossOrigin);
  if (isSeenUrl(state, url, base)) return repeated(state, repeatedMessage('the next page URL', url));
  return {
    done: false,
    request: { ...request, query: {}, url },
    state: advance(state, { ...state.values, url }, remember(state.seenCursors, url)),
  };
}
