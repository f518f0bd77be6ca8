import { randomBytes, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import type { TokenSigner } from '../crypto/signed-token.js';
import { AppError, fail } from '../errors.js';
import { checkColumnMapping, isCsvContentType } from '../inventory/csv/columns.js';
import { checkCsvHeader } from '../inventory/csv/header.js';
import type { Database, FilesTable } from '../store/schema.js';
import { type FileStorage, TooLargeError } from './storage.js';

/** An upload URL is valid this long (seed 000: "only valid for 5 minutes"). */
export const UPLOAD_URL_TTL_SECONDS = 300;
const UPLOAD_PURPOSE = 'upload';

interface UploadClaims {
  /** token id (single use) */
  j: string;
  /** team */
  t: string;
  /** file path */
  p: string;
  /** content type */
  c: string;
}

// Each process starts its counter at a random point, so two processes in one millisecond rarely meet.
let sequence = randomBytes(2).readUInt16BE(0) % 1000;
/**
 * Numeric, time-ordered file ids (the contract shows a number): milliseconds × 1000 + a counter,
 * below 2^53 until the year 2255. The primary key catches the rare cross-process collision.
 */
function newFileId(): string {
  sequence = (sequence + 1) % 1000;
  return String(Date.now() * 1000 + sequence);
}

/** A file name from a query parameter, safe as the last part of a storage key. */
export function safeFileName(name: string): string | undefined {
  const base = name.trim().split(/[\\/]/).pop() ?? '';
  if (base === '' || base === '.' || base === '..' || base.length > 200 || /[\u0000-\u001f]/.test(base)) return undefined;
  return base;
}

function mediaType(value: string | undefined): string {
  return (value ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/**
 * The upload steps of the custom-integration file sync (seeds 000/001): a short-lived, single-use,
 * path- and type-bound upload URL that needs no API key; the upload streamed to storage; then the
 * file registered for a sync.
 */
export class FileService {
  constructor(
    private readonly deps: { db: Kysely<Database>; signer: TokenSigner; storage: FileStorage; publicUrl: string; maxUploadBytes: number; now?: () => number },
  ) {}

  async uploadUrl(teamId: string, name: string, type: string): Promise<{ url: string; filePath: string }> {
    const file = safeFileName(name);
    if (!file) throw fail('VALIDATION_FAILED', 'name must be a file name (no slashes, at most 200 characters).', [{ field: 'name', message: 'is not a valid file name' }]);
    if (!/^[\w.+-]+\/[\w.+-]+$/.test(mediaType(type))) throw fail('VALIDATION_FAILED', 'type must be a content type such as application/json.', [{ field: 'type', message: 'is not a content type' }]);
    const filePath = `${randomUUID()}/${file}`;
    const tokenId = randomBytes(16).toString('hex');
    const now = this.deps.now?.() ?? Date.now();
    await this.deps.db
      .insertInto('uploads')
      .values({ token_id: tokenId, team_id: teamId, path: filePath, content_type: mediaType(type), expires_at: new Date(now + UPLOAD_URL_TTL_SECONDS * 1000).toISOString(), used_at: null, size: null })
      .execute();
    if (this.deps.storage.presignPut) {
      // S3: the client uploads straight to the bucket with a presigned URL bound to the key and type.
      return { url: await this.deps.storage.presignPut(`${teamId}/${filePath}`, mediaType(type), UPLOAD_URL_TTL_SECONDS), filePath };
    }
    const token = this.deps.signer.sign<UploadClaims>(UPLOAD_PURPOSE, { j: tokenId, t: teamId, p: filePath, c: mediaType(type) }, UPLOAD_URL_TTL_SECONDS);
    return { url: `${this.deps.publicUrl}/uploads/${token}`, filePath };
  }

  /** Receives an upload; every refusal is a 403 that says why. */
  async receive(token: string, contentType: string | undefined, body: Readable): Promise<{ filePath: string; size: number }> {
    const verified = this.deps.signer.verify<UploadClaims>(UPLOAD_PURPOSE, token);
    if (!verified.ok) {
      const why = {
        expired: 'the upload URL expired (it is valid for 5 minutes); ask for a new one with GET /v1.0/files/url',
        tampered: 'the upload URL was changed or is not one of this server\'s',
        malformed: 'the upload URL is not valid',
        wrong_purpose: 'this token is not an upload URL',
      }[verified.reason];
      throw new AppError('UPLOAD_REFUSED', `Upload refused: ${why}.`, [{ field: 'url', message: verified.reason }]);
    }
    const claims = verified.payload;
    if (mediaType(contentType) !== claims.c) {
      throw new AppError('UPLOAD_REFUSED', `Upload refused: the URL was made for Content-Type ${claims.c}, the request sent ${contentType ?? 'none'}.`, [{ field: 'content-type', message: 'does not match the upload URL' }]);
    }
    // Claim the token before reading the body: a second PUT with the same URL is refused at once.
    const claimed = await this.deps.db.updateTable('uploads').set({ used_at: new Date().toISOString() }).where('token_id', '=', claims.j).where('used_at', 'is', null).executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) throw new AppError('UPLOAD_REFUSED', 'Upload refused: this upload URL was already used; ask for a new one.', [{ field: 'url', message: 'already used' }]);
    try {
      const { size } = await this.deps.storage.put(`${claims.t}/${claims.p}`, body, { maxBytes: this.deps.maxUploadBytes, contentType: claims.c });
      await this.deps.db.updateTable('uploads').set({ size }).where('token_id', '=', claims.j).execute();
      return { filePath: claims.p, size };
    } catch (error) {
      // A failed upload gives the URL back, so the client can try again while it is valid.
      await this.deps.db.updateTable('uploads').set({ used_at: null }).where('token_id', '=', claims.j).execute();
      if (error instanceof TooLargeError) throw new AppError('BODY_TOO_LARGE', `The upload is larger than the limit of ${this.deps.maxUploadBytes} bytes (SWITCHYARD_UPLOAD_LIMIT).`);
      throw error;
    }
  }

  /**
   * Steps 1–4 in one call for small files (`POST /v1.0/files/upload`): stores the stream under a
   * fresh path and registers it. The caller checks the type after the whole form was read.
   */
  async uploadDirect(teamId: string, name: string, contentType: string, body: Readable): Promise<{ filePath: string; size: number }> {
    const file = safeFileName(name);
    if (!file) throw fail('VALIDATION_FAILED', 'The file part needs a file name (no slashes, at most 200 characters).', [{ field: 'file', message: 'has no valid file name' }]);
    const filePath = `${randomUUID()}/${file}`;
    try {
      const { size } = await this.deps.storage.put(`${teamId}/${filePath}`, body, { maxBytes: this.deps.maxUploadBytes, contentType: mediaType(contentType) || 'application/octet-stream' });
      const now = new Date().toISOString();
      await this.deps.db
        .insertInto('uploads')
        .values({ token_id: randomBytes(16).toString('hex'), team_id: teamId, path: filePath, content_type: mediaType(contentType) || 'application/octet-stream', expires_at: now, used_at: now, size })
        .execute();
      return { filePath, size };
    } catch (error) {
      if (error instanceof TooLargeError) throw new AppError('BODY_TOO_LARGE', `The upload is larger than the limit of ${this.deps.maxUploadBytes} bytes (SWITCHYARD_UPLOAD_LIMIT).`);
      throw error;
    }
  }

  /**
   * Registers an uploaded file (step 4); the same path twice gives the same id. A CSV file's header
   * is checked here against its column mapping, so a missing column is a 400 now, not a failed sync.
   */
  async register(teamId: string, filePath: string, type: string, options: { columns?: unknown } = {}): Promise<{ id: number }> {
    const existing = await this.deps.db.selectFrom('files').select('id').where('team_id', '=', teamId).where('path', '=', filePath).executeTakeFirst();
    if (existing) return { id: Number(existing.id) };
    let upload = await this.deps.db
      .selectFrom('uploads')
      .selectAll()
      .where('team_id', '=', teamId)
      .where('path', '=', filePath)
      .where('used_at', 'is not', null)
      .where('size', 'is not', null)
      .executeTakeFirst();
    if (!upload && this.deps.storage.presignPut) {
      // Uploads to S3 bypass the server: the object's presence is the proof.
      const issued = await this.deps.db.selectFrom('uploads').selectAll().where('team_id', '=', teamId).where('path', '=', filePath).executeTakeFirst();
      const size = issued ? await this.deps.storage.size(`${teamId}/${filePath}`) : undefined;
      if (issued && size !== undefined) {
        await this.deps.db.updateTable('uploads').set({ used_at: new Date().toISOString(), size }).where('token_id', '=', issued.token_id).execute();
        upload = { ...issued, size };
      }
    }
    if (!upload) throw fail('FILE_NOT_FOUND', `Nothing was uploaded at path "${filePath}"; upload to the URL from GET /v1.0/files/url first.`);
    const columns = await this.#csvColumns(teamId, filePath, upload.content_type, options.columns);
    const row: FilesTable = {
      id: newFileId(),
      team_id: teamId,
      path: filePath,
      type,
      content_type: upload.content_type,
      size: Number(upload.size),
      storage_key: `${teamId}/${filePath}`,
      created_at: new Date().toISOString(),
      columns,
    };
    try {
      await this.deps.db.insertInto('files').values(row).execute();
    } catch (error) {
      // A concurrent registration of the same path won (unique index): the same path gives the same id.
      const raced = await this.deps.db.selectFrom('files').select('id').where('team_id', '=', teamId).where('path', '=', filePath).executeTakeFirst();
      if (raced) return { id: Number(raced.id) };
      throw error;
    }
    return { id: Number(row.id) };
  }

  /** The stored column mapping of a CSV file (checked against its header); null for other files. */
  async #csvColumns(teamId: string, filePath: string, contentType: string, columns: unknown): Promise<string | null> {
    if (!isCsvContentType(contentType)) {
      if (columns !== undefined) throw fail('VALIDATION_FAILED', `columns is only for CSV files (text/csv); this file was uploaded as ${contentType}.`, [{ field: 'columns', message: 'is only for text/csv files' }]);
      return null;
    }
    const mapping = checkColumnMapping(columns);
    if (!mapping.ok) throw fail('VALIDATION_FAILED', `Invalid columns: ${mapping.details.map((d) => `${d.field} ${d.message}`).join('; ')}.`, mapping.details);
    const header = await checkCsvHeader(await this.deps.storage.open(`${teamId}/${filePath}`), mapping.value);
    if (!header.ok) throw fail('VALIDATION_FAILED', header.message, header.details);
    return JSON.stringify(mapping.value);
  }

  async get(teamId: string, id: number | string): Promise<FilesTable> {
    const row = await this.deps.db.selectFrom('files').selectAll().where('team_id', '=', teamId).where('id', '=', String(id)).executeTakeFirst();
    if (!row) throw fail('FILE_NOT_FOUND', `No file with id ${String(id)}.`);
    return row;
  }

  open(file: FilesTable): Promise<Readable> {
    return this.deps.storage.open(file.storage_key);
  }
}
