/**
 * Query strings the way the integration's `query_array_format` asks for them. Upstream APIs
 * disagree on arrays (`a=1,2` vs `a[]=1&a[]=2` vs `a=1&a=2`); nested objects always use brackets.
 */
import type { QueryArrayFormat } from '../../integrations/definition.js';

export type { QueryArrayFormat };

/**
 * Serializes query parameters without the leading `?`. Keys and values are percent-encoded per
 * RFC 3986 (space → %20, brackets of nested keys stay literal); `undefined`, empty arrays and empty
 * objects are dropped, `null` becomes `a=`, numbers and booleans are stringified, dates use ISO 8601.
 *
 * @example serializeQuery({ ids: [1, 2], filter: { status: 'open' } }, 'brackets') // → 'ids[]=1&ids[]=2&filter[status]=open'
 * @example serializeQuery({ ids: [1, 2] }) // → 'ids=1,2'
 */
export function serializeQuery(params: Readonly<Record<string, unknown>>, format: QueryArrayFormat = 'comma'): string {
  const pairs: string[] = [];
  for (const key of Object.keys(params)) addValue(pairs, encodeRfc3986(key), params[key], format);
  return pairs.join('&');
}

/** `encodedKey` is already encoded; only the values below it still need encoding. */
function addValue(pairs: string[], encodedKey: string, value: unknown, format: QueryArrayFormat): void {
  if (value === undefined) return;
  if (Array.isArray(value)) {
    addArray(pairs, encodedKey, value, format);
  } else if (value instanceof Date) {
    pairs.push(`${encodedKey}=${encodeRfc3986(value.toISOString())}`);
  } else if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    for (const sub of Object.keys(record)) addValue(pairs, `${encodedKey}[${encodeRfc3986(sub)}]`, record[sub], format);
  } else {
    pairs.push(`${encodedKey}=${encodeScalar(value)}`);
  }
}

function addArray(pairs: string[], encodedKey: string, items: readonly unknown[], format: QueryArrayFormat): void {
  // Comma joining only works for scalars; an array holding objects or arrays falls back to indices.
  if (format === 'comma' && items.every((item) => !isNested(item))) {
    const present = items.filter((item) => item !== undefined);
    if (present.length > 0) pairs.push(`${encodedKey}=${present.map(encodeScalar).join(',')}`);
    return;
  }
  items.forEach((item, index) => {
    const itemKey = format === 'brackets' ? `${encodedKey}[]` : format === 'repeat' ? encodedKey : `${encodedKey}[${index}]`;
    addValue(pairs, itemKey, item, format);
  });
}

function isNested(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !(value instanceof Date);
}

function encodeScalar(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return encodeRfc3986(value.toISOString());
  return encodeRfc3986(typeof value === 'string' ? value : String(value));
}

/**
 * encodeURIComponent plus the RFC 3986 reserved characters it leaves alone (`!'()*`), so the
 * output means the same to every server.
 */
export function encodeRfc3986(text: string): string {
  return encodeComponent(text).replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** encodeURIComponent that writes lone surrogates (which make it throw URIError) as U+FFFD. */
export function encodeComponent(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return encodeURIComponent(text.replace(LONE_SURROGATE, '\uFFFD'));
  }
}
