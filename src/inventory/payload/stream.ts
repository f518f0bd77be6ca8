import { isUtf8 } from 'node:buffer';
import { Tokenizer } from '@streamparser/json';
import { findRowEnd, skipWhitespace } from './rows.js';
import type { RowError } from './validate.js';
import { PayloadWalker, ROW_BYTES_LIMIT } from './walker.js';

/** The file as a whole cannot be read; items yielded before it were read from the part before. */
export interface FileError {
  section: 'file';
  message: string;
  /** Byte offset in the file where the problem was found, when known. */
  position?: number;
}

/**
 * A license's own fields as found in the file (unchecked), and how many entries its `users` array
 * had. `users` is only present when the file's `users` was not an array (so `validateLicense`
 * can report it).
 */
export interface StreamedLicense {
  name: unknown;
  unassignedAmount: unknown;
  pricePerUser: unknown;
  usersCount: number;
  users?: unknown;
}

export type PayloadItem =
  | { kind: 'user'; index: number; raw: unknown }
  | { kind: 'license'; index: number; raw: StreamedLicense }
  | { kind: 'license-user'; license: string; licenseIndex: number; index: number; raw: unknown }
  | { kind: 'error'; error: RowError | FileError };

export interface ReadSyncPayloadOptions {
  /** More users than this stops the read with a file error. Default: no limit. */
  maxUsers?: number;
  /**
   * Hand whole rows to JSON.parse where possible (default). false sends every byte through the
   * tokenizer: same items, slower; the tests compare both.
   */
  wholeRows?: boolean;
}

/**
 * Reads a sync payload (see `schema.ts`) as it arrives and yields its rows one by one, unchecked:
 * pass them to `validate.ts`. Memory stays bounded by the largest row and the size of one chunk,
 * whatever the number of users.
 *
 * Order: items come in file order. `users` and `licenses` may come in either order. The users of
 * a license come before its `license` item (which carries their count); each carries the license's
 * name, and they belong to it only once a valid `license` item with the same `licenseIndex`
 * follows. A row error for a license (`field: ''`, an oversized field, too many users before its
 * `name`) comes instead of its `license` item.
 *
 * A `file` error item is the last item: the file is not JSON, not an object, has no `users`
 * array, is cut short, or has more than `maxUsers` users. Unknown top-level keys are skipped.
 *
 * @example
 * for await (const item of readSyncPayload(createReadStream(path), { maxUsers: 1_000_000 })) {
 *   if (item.kind === 'user') batch.push(validateUser(item.raw, item.index));
 * }
 */
export async function* readSyncPayload(
  source: AsyncIterable<Uint8Array | string> | NodeJS.ReadableStream,
  options: ReadSyncPayloadOptions = {},
): AsyncGenerator<PayloadItem> {
  for await (const batch of readSyncPayloadBatches(source, options)) {
    for (const item of batch) if (item.kind !== 'users-end') yield item;
  }
}

/** Marks the end of the `users` array: every user of the file has been yielded before it. */
export interface UsersEnd {
  kind: 'users-end';
}

/**
 * `readSyncPayload` one chunk at a time (no promise per row), with a `users-end` marker where the
 * `users` array closes: license users after it can be checked at once, all users being known.
 */
export async function* readSyncPayloadBatches(
  source: AsyncIterable<Uint8Array | string> | NodeJS.ReadableStream,
  options: ReadSyncPayloadOptions = {},
): AsyncGenerator<Array<PayloadItem | UsersEnd>> {
  const walker = new PayloadWalker(options.maxUsers ?? Number.POSITIVE_INFINITY);
  const reader = new ChunkReader(walker, options.wholeRows ?? true);
  // One chunk at a time: the items of a chunk are handed out before the next chunk is read, so a
  // slow consumer slows the reading down instead of letting items pile up.
  for await (const chunk of source as AsyncIterable<Uint8Array | string>) {
    reader.write(chunk);
    const items = walker.take();
    if (items.length > 0) yield items;
    if (walker.failed) return;
  }
  reader.end();
  const items = walker.take();
  if (items.length > 0) yield items;
}

/** What of @streamparser/json's Tokenizer the fast path reads and moves (plain fields of the class). */
interface TokenizerPosition {
  state: number;
  offset: number;
  streamByteLength: number;
}
/** The tokenizer's state between two tokens. */
const BETWEEN_TOKENS = 0;

/**
 * Feeds the bytes to the tokenizer, except rows: where the walker expects a row (a value of
 * `users` or of a license's `users`) and the tokenizer is between tokens, a row that ends in the
 * bytes at hand and that `JSON.parse` accepts is handed to the walker whole, and the tokenizer is
 * moved past it as if it had read it. Anything else — a row that JSON.parse refuses, that is not
 * an object, that is too long — goes through the tokenizer, so errors read exactly as before.
 * A row cut by the end of a chunk is carried over to the next chunk.
 */
class ChunkReader {
  private readonly tokenizer = new Tokenizer();
  private readonly position: TokenizerPosition;
  private carry: Buffer | null = null;

  constructor(
    private readonly walker: PayloadWalker,
    private readonly wholeRows: boolean,
  ) {
    this.tokenizer.onToken = ({ token, value, offset }) => walker.token(token, value, offset);
    this.tokenizer.onError = (error) => walker.syntaxError(error);
    this.position = this.tokenizer as unknown as TokenizerPosition;
  }

  write(chunk: Uint8Array | string): void {
    if (typeof chunk === 'string' || !this.wholeRows) {
      this.flushCarry();
      this.tokenizer.write(chunk);
      return;
    }
    const bytes = this.carry === null ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength) : Buffer.concat([this.carry, chunk]);
    this.carry = null;
    const walker = this.walker;
    const end = bytes.length;
    let pos = 0;
    while (pos < end && !walker.failed) {
      if (this.position.state === BETWEEN_TOKENS && walker.rowSlot()) {
        const start = skipWhitespace(bytes, pos);
        this.skip(start - pos);
        pos = start;
        if (pos === end) break;
        if (bytes[pos] === 0x7b) {
          const row = findRowEnd(bytes, pos, ROW_BYTES_LIMIT);
          if (row.kind === 'more') {
            this.carry = Buffer.from(bytes.subarray(pos));
            return;
          }
          if (row.kind === 'end') {
            const value = parseRow(bytes, pos, row.at + 1, row.nonAscii);
            if (value !== NOT_PARSED) {
              this.skip(row.at + 1 - pos);
              pos = row.at + 1;
              walker.wholeRow(value);
              const next = skipWhitespace(bytes, pos);
              if (next < end && bytes[next] === 0x2c) {
                this.skip(next + 1 - pos);
                pos = next + 1;
                walker.rowComma();
              }
              continue;
            }
          }
        }
      }
      // The tokenizer, up to the next place where a row may start (after a "," or a "[").
      let stop = pos;
      while (stop < end && bytes[stop] !== 0x2c && bytes[stop] !== 0x5b) stop++;
      stop = stop < end ? stop + 1 : end;
      this.tokenizer.write(bytes.subarray(pos, stop));
      pos = stop;
    }
  }

  end(): void {
    this.flushCarry();
    if (!this.walker.failed) this.tokenizer.end();
    this.walker.end();
  }

  private flushCarry(): void {
    if (this.carry === null) return;
    const carry = this.carry;
    this.carry = null;
    if (!this.walker.failed) this.tokenizer.write(carry);
  }

  /** The tokenizer moves past `count` bytes read by the fast path. */
  private skip(count: number): void {
    this.position.offset += count;
    this.position.streamByteLength += count;
  }
}

const NOT_PARSED = Symbol('not parsed');

function parseRow(bytes: Buffer, from: number, to: number, nonAscii: boolean): unknown {
  // Invalid UTF-8 is an error on the tokenizer path; toString would silently replace it.
  if (nonAscii && !isUtf8(bytes.subarray(from, to))) return NOT_PARSED;
  try {
    return JSON.parse(bytes.toString('utf8', from, to)) as unknown;
  } catch {
    return NOT_PARSED;
  }
}
