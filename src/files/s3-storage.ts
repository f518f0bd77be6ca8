import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { byteLimit, type FileStorage } from './storage.js';

export interface S3Options {
  bucket: string;
  region: string;
  endpoint?: string;
  /** Path-style addressing (bucket in the path): needed by most S3-compatible servers. */
  forcePathStyle: boolean;
}

/**
 * Any S3-compatible store. Uploads go straight to it with presigned PUT URLs (seed 000: "puts the
 * file contents directly into an AWS S3 bucket"); the server streams from it when it syncs.
 * Credentials come from the AWS SDK's usual chain (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, …).
 */
export class S3Storage implements FileStorage {
  readonly kind = 's3' as const;
  readonly #client: S3Client;

  constructor(private readonly options: S3Options) {
    this.#client = new S3Client({
      region: options.region,
      forcePathStyle: options.forcePathStyle,
      // Otherwise the SDK signs a CRC32 of the (empty) presign-time body into PUT URLs, and S3 refuses every real upload.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    });
  }

  /** A PUT URL for one object, bound to its content type, valid `expiresIn` seconds. */
  async presignPut(key: string, contentType: string, expiresIn: number): Promise<string> {
    // content-type is signed, so an upload with another type is refused by the store itself.
    return getSignedUrl(this.#client, new PutObjectCommand({ Bucket: this.options.bucket, Key: key, ContentType: contentType }), { expiresIn, signableHeaders: new Set(['content-type']) });
  }

  async put(key: string, body: Readable, options: { maxBytes: number; contentType: string }): Promise<{ size: number }> {
    let size = 0;
    const counted = new PassThrough();
    const counting = pipeline(body, byteLimit(options.maxBytes, (n) => (size = n)), counted);
    // A multipart upload streams parts as they fill: the file is never held whole.
    const upload = new Upload({ client: this.#client, params: { Bucket: this.options.bucket, Key: key, Body: counted, ContentType: options.contentType } });
    await Promise.all([counting, upload.done()]);
    return { size };
  }

  async open(key: string): Promise<Readable> {
    const result = await this.#client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: key }));
    return result.Body as Readable;
  }

  async size(key: string): Promise<number | undefined> {
    try {
      const head = await this.#client.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: key }));
      return head.ContentLength ?? 0;
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 404 || (error as { name?: string }).name === 'NotFound') return undefined;
      throw error;
    }
  }

  async remove(key: string): Promise<void> {
    await this.#client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: key }));
  }

  destroy(): void {
    this.#client.destroy();
  }
}
