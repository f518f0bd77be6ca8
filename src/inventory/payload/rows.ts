/**
 * Byte-level helpers of the fast path of `stream.ts`: find where a row (a JSON object) ends in a
 * chunk without tokenizing it, so that the whole row can be handed to `JSON.parse` at once.
 * They only locate; they never decide what is valid JSON (a row that `JSON.parse` refuses goes
 * through the tokenizer, which reports it exactly as before).
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/** JSON whitespace only (space, tab, line feed, carriage return), as JSON.parse reads it. */
export function skipWhitespace(bytes: Uint8Array, from: number): number {
  let i = from;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) break;
    i++;
  }
  return i;
}

/** Where the row starting at `from` (a `{`) ends. */
export type RowEnd =
  /** Index of the `}` that closes it; `utf8` when it has bytes ≥ 0x80 (their encoding must be checked). */
  | { kind: 'end'; at: number; nonAscii: boolean }
  /** The bytes run out first: the row continues in the next chunk. */
  | { kind: 'more' }
  /** Longer than `limit` bytes (counted as the tokenizer path counts them: to its last byte). */
  | { kind: 'long' };

/**
 * Finds the end of the object starting at `bytes[from]` by counting brackets outside strings.
 * On malformed input the answer may be wrong, which is harmless: the caller parses the slice with
 * JSON.parse and falls back to the tokenizer when that fails.
 */
export function findRowEnd(bytes: Uint8Array, from: number, limit: number): RowEnd {
  let depth = 0;
  let nonAscii = false;
  const last = Math.min(bytes.length, from + limit + 1);
  for (let i = from; i < last; i++) {
    const b = bytes[i]!;
    if (b === QUOTE) {
      // Inside a string: only a backslash (skip the next byte) or the closing quote matter.
      for (i++; i < last; i++) {
        const c = bytes[i]!;
        if (c === QUOTE) break;
        if (c === BACKSLASH) i++;
        else if (c >= 0x80) nonAscii = true;
      }
    } else if (b === OPEN_BRACE || b === OPEN_BRACKET) depth++;
    else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
      if (--depth === 0) return { kind: 'end', at: i, nonAscii };
    } else if (b >= 0x80) nonAscii = true;
  }
  return last === bytes.length && bytes.length - from <= limit ? { kind: 'more' } : { kind: 'long' };
}
