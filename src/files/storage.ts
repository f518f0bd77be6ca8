import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** The upload was bigger than the limit; nothing was kept. */
export class TooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`The upload is larger than ${limit} bytes.`);
    this.name = 'TooLargeError';
  }
}

/** Where uploaded files live: the data dir by default, any S3-compatible store when configured. */
export interface FileStorage {
  readonly kind: 'local' | 's3';
  /** Streams `body` to `key` (never buffered whole); the file appears only when complete. */
  put(key: string, body: Readable, options: { maxBytes: number; contentType: string }): Promise<{ size: number }>;
  open(key: string): Promise<Readable>;
  size(key: string): Promise<number | undefined>;
  remove(key: string): Promise<void>;
  /** Stores that take uploads directly (S3) give a presigned PUT URL. */
  presignPut?(key: string, contentType: string, expiresIn: number): Promise<string>;
}

/** Counts bytes as they pass and fails the stream past `maxBytes`. */
export function byteLimit(maxBytes: number, onSize: (size: number) => void): Transform {
  let size = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      if (size > maxBytes) return callback(new TooLargeError(maxBytes));
      onSize(size);
      callback(null, chunk);
    },
  });
}

/**
 * Files under `<dataDir>/files`. A file is written to a temporary name and renamed when complete,
 * so a reader never sees half a file and a failed upload leaves nothing behind.
 */
export class LocalStorage implements FileStorage {
  readonly kind = 'local' as const;

  constructor(private readonly root: string) {}

  #path(key: string): string {
    const resolved = path.resolve(this.root, key);
    // Keys are built by the server, but a key must still never leave the root.
    if (!resolved.startsWith(path.resolve(this.root) + path.sep)) throw new Error(`Invalid storage key "${key}"`);
    return resolved;
  }

  async put(key: string, body: Readable, options: { maxBytes: number }): Promise<{ size: number }> {
    const target = this.#path(key);
    await mkdir(path.dirname(target), { recursive: true });
    const temp = `${target}.part-${process.pid}-${Date.now()}`;
    let size = 0;
    try {
      await pipeline(body, byteLimit(options.maxBytes, (n) => (size = n)), createWriteStream(temp, { flags: 'wx' }));
      await rename(temp, target);
      return { size };
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  async open(key: string): Promise<Readable> {
    return createReadStream(this.#path(key));
  }

  async size(key: string): Promise<number | undefined> {
    try {
      return (await stat(this.#path(key))).size;
    } catch {
      return undefined;
    }
  }

  async remove(key: string): Promise<void> {
    await rm(this.#path(key), { force: true });
  }
}
