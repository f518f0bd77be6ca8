import { Tokenizer } from '@streamparser/json';
import type { RowError } from './validate.js';
import { PayloadWalker } from './walker.js';

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
  source: AsyncIterable<Uint8Array> | NodeJS.ReadableStream,
  options: ReadSyncPayloadOptions = {},
): AsyncGenerator<PayloadItem> {
  const walker = new PayloadWalker(options.maxUsers ?? Number.POSITIVE_INFINITY);
  const tokenizer = new Tokenizer();
  tokenizer.onToken = ({ token, value, offset }) => walker.token(token, value, offset);
  tokenizer.onError = (error) => walker.syntaxError(error);
  // One chunk at a time: the items of a chunk are handed out before the next chunk is read, so a
  // slow consumer slows the reading down instead of letting items pile up.
  for await (const chunk of source as AsyncIterable<Uint8Array | string>) {
    tokenizer.write(chunk);
    yield* walker.take();
    if (walker.failed) return;
  }
  tokenizer.end();
  walker.end();
  yield* walker.take();
}
