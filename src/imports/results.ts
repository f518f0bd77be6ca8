import { readDotPath } from '../engine/pagination/dot-path.js';
import type { ResponseReading } from './plan.js';

/** A written (or deliberately skipped) record, shaped like the seed's sample response. */
export interface ImportResultOk {
  statusCode: number;
  id?: string;
  _json?: unknown;
  ignored?: true;
}

/**
 * A record that was not written. Codes:
 * - `HTTP_<status>`: the API answered a non-2xx status to the write.
 * - `IMPORT_REJECTED`: a 2xx whose errorPath has a value or whose successPath is not successful.
 * - `IMPORT_LOOKUP_FAILED`: existingLookup answered an error other than 404.
 * - `IMPORT_RESPONSE_INVALID` / `IMPORT_RESPONSE_MISSING`: a batch response without the
 *   per-record array at resourcePath, or with fewer entries than the batch had records; a 2xx
 *   whose body starts like JSON but does not parse (truncated or garbled).
 * - `TEMPLATE_MISSING_VALUE` / `TEMPLATE_CONVERSION_FAILED` / `TEMPLATE_INVALID`: the record
 *   cannot be turned into a request (status 422).
 * - `IMPORT_REQUEST_FAILED` (or the thrown error's own code, e.g. OUTBOUND_BLOCKED): nothing came back (status 502 unless the error says).
 * - `IMPORT_CANCELLED`: the signal aborted before the record was sent (status 503).
 */
export interface ImportResultError {
  statusCode: number;
  errors: Array<{ code: string; message: string }>;
}

export type ImportResult = ImportResultOk | ImportResultError;

export type LookupOutcome = { found: true; id: string | undefined } | { found: false } | ImportResultError;

const MESSAGE_LIMIT = 300;

export function failure(statusCode: number, code: string, message: string): ImportResultError {
  return { statusCode, errors: [{ code, message: clip(message) }] };
}

export function isFailure(value: unknown): value is ImportResultError {
  return typeof value === 'object' && value !== null && 'errors' in value;
}

/** The body as JSON when it parses, else its text; undefined when empty. */
export function parseBody(body: Buffer): unknown {
  const text = body.toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * A 2xx whose body starts like JSON but does not parse: truncated or garbled on the way. The
 * records may or may not have been written, so they are not counted as imported.
 */
function garbled(status: number, body: Buffer): ImportResultError | undefined {
  if (status < 200 || status > 299) return undefined;
  const text = body.toString('utf8').trim();
  if (!text.startsWith('{') && !text.startsWith('[')) return undefined;
  try {
    JSON.parse(text);
    return undefined;
  } catch {
    return failure(status, 'IMPORT_RESPONSE_INVALID', `The API answered HTTP ${status} with a body that is not valid JSON (truncated or garbled); the record may or may not have been written.`);
  }
}

/**
 * The result of one record's write.
 *
 * @example readWriteResponse(reading, 200, Buffer.from('{"_id":"5a1"}')) // { statusCode: 200, id: '5a1', _json: { _id: '5a1' } }
 */
export function readWriteResponse(reading: ResponseReading, status: number, body: Buffer): ImportResult {
  const broken = garbled(status, body);
  if (broken) return broken;
  const json = parseBody(body);
  if (status < 200 || status > 299) return failure(status, `HTTP_${status}`, upstreamMessage(json, reading.errorPath) ?? `The API answered HTTP ${status}.`);
  const at = reading.resourcePath ? readDotPath(json, reading.resourcePath) : json;
  const item = Array.isArray(at) ? (at[0] as unknown) : at;
  const rejected = rejection(reading, status, item);
  if (rejected) return rejected;
  return ok(status, idOf(item, reading.idPath, reading.resourcePath !== undefined), json);
}

/**
 * Splits a batch response into one result per record, in batch order. A whole-batch failure
 * (error status, no per-record array) is repeated for every record; a missing entry fails only
 * its own record, so results never shift onto the wrong record.
 */
export function readBatchResponse(reading: ResponseReading, status: number, body: Buffer, size: number): ImportResult[] {
  const json = parseBody(body);
  const every = (result: ImportResult) => Array.from({ length: size }, () => result);
  const broken = garbled(status, body);
  if (broken) return every(broken);
  if (status < 200 || status > 299) return every(failure(status, `HTTP_${status}`, upstreamMessage(json, reading.errorPath) ?? `The API answered HTTP ${status}.`));
  const at = reading.resourcePath ? readDotPath(json, reading.resourcePath) : json;
  let items: unknown[];
  if (Array.isArray(at)) items = at;
  else if (reading.resourcePath === undefined || (size === 1 && typeof at === 'object' && at !== null)) {
    // No per-record array (an API answering `{"ok":true,"count":3}`): the body speaks for every record.
    const rejected = rejection(reading, status, at);
    return every(rejected ?? ok(status, idOf(at, reading.idPath), json));
  } else {
    const said = upstreamMessage(json, reading.errorPath);
    return every(failure(status, 'IMPORT_RESPONSE_INVALID', `The batch response has no array at "${reading.resourcePath}"${said ? `: ${said}` : '.'}`));
  }
  return Array.from({ length: size }, (_, i) => {
    if (i >= items.length) {
      return failure(status, 'IMPORT_RESPONSE_MISSING', `The batch response has ${items.length} results for ${size} records; this record's result is missing.`);
    }
    const item = items[i];
    return rejection(reading, status, item) ?? ok(status, idOf(item, reading.idPath, true), item);
  });
}

/**
 * What existingLookup found: a 404 or an empty result is "missing"; other error statuses fail
 * the record, because writing blind could create a duplicate.
 */
export function readLookupResponse(resultPath: string | undefined, status: number, body: Buffer): LookupOutcome {
  if (status === 404) return { found: false };
  const json = parseBody(body);
  if (status < 200 || status > 299) {
    return failure(status, 'IMPORT_LOOKUP_FAILED', `existingLookup answered HTTP ${status}: ${upstreamMessage(json, undefined) ?? 'no message'}`);
  }
  const value = resultPath ? readDotPath(json, resultPath) : json;
  if (value === undefined || value === null || value === '' || value === false) return { found: false };
  if (Array.isArray(value)) return value.length === 0 ? { found: false } : { found: true, id: idOf(value[0], undefined, true) };
  if (typeof value === 'object' && Object.keys(value).length === 0) return { found: false };
  return { found: true, id: idOf(value, undefined, true) };
}

/**
 * The id of a written or found record: at `idPath`, else its `id`, else its `_id`. With
 * `scalarIsId` (lookups, existingExtract) a string or number is its own id; a write answering
 * plain text ("accepted") has none.
 */
export function idOf(item: unknown, idPath: string | undefined, scalarIsId = false): string | undefined {
  let value: unknown;
  if (idPath) value = readDotPath(item, idPath);
  else if (typeof item === 'object' && item !== null) value = readDotPath(item, 'id') ?? readDotPath(item, '_id');
  else value = scalarIsId ? item : undefined;
  if (typeof value === 'string') return value === '' ? undefined : value;
  return typeof value === 'number' || typeof value === 'bigint' ? String(value) : undefined;
}

function ok(statusCode: number, id: string | undefined, json: unknown): ImportResultOk {
  const result: ImportResultOk = { statusCode };
  if (id !== undefined) result.id = id;
  if (json !== undefined) result._json = json;
  return result;
}

function rejection(reading: ResponseReading, status: number, item: unknown): ImportResultError | undefined {
  if (reading.errorPath) {
    const error = readDotPath(item, reading.errorPath);
    if (present(error)) return failure(status, 'IMPORT_REJECTED', textOf(error));
  }
  if (reading.successPath) {
    const flag = readDotPath(item, reading.successPath);
    const succeeded = reading.successValues ? reading.successValues.includes(textOf(flag)) : flag === true || flag === 'true';
    if (!succeeded) {
      const said = upstreamMessage(item, undefined);
      return failure(status, 'IMPORT_REJECTED', said ?? `successPath "${reading.successPath}" is ${flag === undefined ? 'missing' : JSON.stringify(flag)}.`);
    }
  }
  return undefined;
}

/** The upstream's own words: errorPath, then the usual message fields, then the text itself. */
function upstreamMessage(json: unknown, errorPath: string | undefined): string | undefined {
  const candidates = [
    errorPath ? readDotPath(json, errorPath) : undefined,
    readDotPath(json, 'message'),
    readDotPath(json, 'error.message'),
    readDotPath(json, 'error'),
    readDotPath(json, 'errors.0.message'),
    readDotPath(json, 'errors.0'),
    readDotPath(json, 'errors'),
  ];
  const found = candidates.find(present);
  if (found !== undefined) return clip(textOf(found));
  if (typeof json === 'string' && json.trim() !== '') return clip(json.trim());
  if (typeof json === 'object' && json !== null && Object.keys(json).length > 0) return clip(JSON.stringify(json));
  return undefined;
}

function present(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === '') return false;
  return !Array.isArray(value) || value.length > 0;
}

function textOf(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
}

function clip(text: string): string {
  return text.length > MESSAGE_LIMIT ? text.slice(0, MESSAGE_LIMIT) : text;
}
