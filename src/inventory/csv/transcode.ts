import { createReadStream } from 'node:fs';
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import type { RowError } from '../payload/validate.js';
import { type ApplyOutcome, ROW_ERRORS_KEPT } from '../sync-apply.js';
import { type ColumnMapping, type CsvField, type CsvLayout, type CsvRow, emailKey, readRow, resolveHeader } from './columns.js';
import { readCsvRecords } from './read.js';

/** The CSV file as a whole cannot be synced (no header, a header without an email column). */
export class CsvFileError extends Error {
  constructor(
    message: string,
    /** The rows reported before the file was given up (each unreadable row, when none was readable). */
    readonly rowErrors: CsvRowError[] = [],
  ) {
    super(message);
    this.name = 'CsvFileError';
  }
}

/** A row error of a CSV file: `row` and `line` are the line the row starts on; `column` its header text. */
export interface CsvRowError extends RowError {
  line: number;
  column?: string;
}

/** Most different licenses one CSV file may name (each holds a small write buffer). */
export const CSV_LICENSES_LIMIT = 1000;
const SPILL_BYTES = 16 * 1024;

interface LicenseEntry {
  index: number;
  name: string;
  line: number;
  values: { unassignedAmount?: { value: unknown; line: number }; pricePerUser?: { value: unknown; line: number } };
  /** Line of each of its users, in order (the payload's `licenses[i].users[j]` → line). */
  lines: number[];
  buffer: string[];
  bufferBytes: number;
  spilled: boolean;
}

export interface CsvSyncSource {
  /** The file as a JSON sync payload (`{"users":[…],"licenses":[…]}`), produced while the CSV is read. */
  stream: Readable;
  /** Once the payload was applied: the outcome with the CSV's own row errors added and every row named by its line. */
  finish(outcome: ApplyOutcome): ApplyOutcome;
}

/**
 * Reads a CSV sync file as the JSON payload the sync applies, so a CSV file and the equivalent JSON
 * file give the same inventory through the same validation. Streamed: users are written out as
 * rows arrive; each license's users wait in a small buffer that spills to a temporary file, so
 * memory holds the emails seen (to merge rows of one user), one line number per row, and at most
 * `CSV_LICENSES_LIMIT` × 16 KiB of buffers. A bad row is reported by line and skipped.
 */
export function csvSyncSource(source: Readable, mapping: ColumnMapping): CsvSyncSource {
  const errors: CsvRowError[] = [];
  let errorCount = 0;
  const userLines: number[] = [];
  const licenses = new Map<string, LicenseEntry>();
  let layout: CsvLayout | undefined;

  const addError = (error: CsvRowError) => {
    errorCount++;
    if (errors.length < ROW_ERRORS_KEPT) errors.push(error);
  };
  const columnOf = (field: CsvField | ''): string | undefined => (field === '' ? undefined : layout?.names[field]);
  const rowError = (line: number, section: RowError['section'], field: CsvField | '', message: string, license?: string): CsvRowError => {
    const column = columnOf(field);
    return { section, row: line, line, field, message, ...(license === undefined ? {} : { license }), ...(column === undefined ? {} : { column }) };
  };

  async function* payload(): AsyncGenerator<string> {
    let dir: string | undefined;
    const spill = async (entry: LicenseEntry) => {
      dir ??= await mkdtemp(path.join(tmpdir(), 'switchyard-csv-'));
      await appendFile(path.join(dir, `${entry.index}.jsonl`), `${entry.buffer.join('\n')}\n`);
      entry.buffer = [];
      entry.bufferBytes = 0;
      entry.spilled = true;
    };
    try {
      const seen = new Map<string, number>();
      let users = 0;
      yield '{"users":[';
      for await (const record of readCsvRecords(source)) {
        if (record.kind === 'error') {
          addError(rowError(record.line, 'users', '', record.message));
          continue;
        }
        if (!layout) {
          const header = resolveHeader(record.cells, mapping);
          if (!header.ok) throw new CsvFileError(header.message);
          layout = header.layout;
          continue;
        }
        const row = readRow(record.cells, layout);
        if (!row.ok) {
          addError(rowError(record.line, row.field.startsWith('license') ? 'licenses.users' : 'users', row.field, row.message));
          continue;
        }
        const key = emailKey(row.user.email);
        const first = key === '' ? undefined : seen.get(key);
        if (first !== undefined && !row.license) {
          addError(rowError(record.line, 'users', 'email', `"${key}" is already on line ${first}; a later row of the same user only adds a license (give it a licenseName), so this row is skipped`));
          continue;
        }
        if (first === undefined) {
          yield `${users === 0 ? '' : ','}${JSON.stringify(row.user)}`;
          users++;
          userLines.push(record.line);
          if (key !== '') seen.set(key, record.line);
        }
        if (!row.license || key === '') continue;
        const entry = licenseFor(row.license.name, record.line);
        if (!entry) {
          addError(rowError(record.line, 'licenses', 'licenseName', `names a license beyond the ${CSV_LICENSES_LIMIT} different licenses a CSV file may have; this row's license is skipped`));
          continue;
        }
        const conflict = agree(entry, row.license, record.line);
        if (conflict) {
          addError(rowError(record.line, 'licenses', conflict.field, conflict.message, entry.name));
          continue;
        }
        const text = JSON.stringify(row.license.user);
        entry.buffer.push(text);
        entry.bufferBytes += text.length;
        entry.lines.push(record.line);
        if (entry.bufferBytes >= SPILL_BYTES) await spill(entry);
      }
      if (!layout) throw new CsvFileError('The CSV file is empty; its first line must be the header (email, firstName, lastName, …).');
      if (users === 0) {
        if (errorCount === 0) throw new CsvFileError('The CSV file has a header but no data row; at least one user is required.');
        throw new CsvFileError(`None of the CSV file's data rows could be read (${errorCount} row error${errorCount === 1 ? '' : 's'}); at least one user is required.`, errors.slice());
      }
      yield '],"licenses":[';
      let first = true;
      for (const entry of licenses.values()) {
        const head: Record<string, unknown> = { name: entry.name };
        if (entry.values.unassignedAmount) head.unassignedAmount = entry.values.unassignedAmount.value;
        if (entry.values.pricePerUser) head.pricePerUser = entry.values.pricePerUser.value;
        yield `${first ? '' : ','}${JSON.stringify(head).slice(0, -1)},"users":[`;
        first = false;
        let sep = '';
        if (entry.spilled && dir) {
          const lines = createInterface({ input: createReadStream(path.join(dir, `${entry.index}.jsonl`)), crlfDelay: Number.POSITIVE_INFINITY });
          for await (const line of lines) {
            if (line === '') continue;
            yield `${sep}${line}`;
            sep = ',';
          }
        }
        for (const text of entry.buffer) {
          yield `${sep}${text}`;
          sep = ',';
        }
        entry.buffer = [];
        yield ']}';
      }
      yield ']}';
    } finally {
      if (dir) await rm(dir, { recursive: true, force: true });
    }
  }

  function licenseFor(name: string, line: number): LicenseEntry | undefined {
    let entry = licenses.get(name);
    if (entry) return entry;
    if (licenses.size >= CSV_LICENSES_LIMIT) return undefined;
    entry = { index: licenses.size, name, line, values: {}, lines: [], buffer: [], bufferBytes: 0, spilled: false };
    licenses.set(name, entry);
    return entry;
  }

  /** One license has one price and one unassigned amount: the first row that gives one sets it. */
  function agree(entry: LicenseEntry, license: NonNullable<CsvRow['license']>, line: number): { field: CsvField; message: string } | undefined {
    for (const field of ['unassignedAmount', 'pricePerUser'] as const) {
      const value = license[field];
      if (value === undefined) continue;
      const known = entry.values[field];
      if (!known) entry.values[field] = { value, line };
      else if (known.value !== value) {
        return { field, message: `is ${JSON.stringify(value)} here but ${JSON.stringify(known.value)} on line ${known.line} for the license "${entry.name}"; this row's license is skipped` };
      }
    }
    return undefined;
  }

  const byIndex = () => [...licenses.values()];

  /** `users[3].email` of the JSON payload → the CSV line and column it came from. */
  function locate(error: RowError): CsvRowError {
    const base = error.field.split('.')[0] ?? '';
    if (error.section === 'users') {
      const line = userLines[error.row] ?? 0;
      return withColumn({ ...error, row: line, line }, base as CsvField);
    }
    if (error.section === 'licenses') {
      const entry = byIndex()[error.row];
      const line = entry?.line ?? 0;
      const field = base === 'name' ? 'licenseName' : (base as CsvField);
      return withColumn({ ...error, row: line, line, ...(entry ? { license: entry.name } : {}) }, field);
    }
    const entry = licenses.get(error.license ?? '');
    const line = entry?.lines[error.row] ?? 0;
    return withColumn({ ...error, row: line, line }, base as CsvField);
  }

  function withColumn(error: CsvRowError, field: CsvField): CsvRowError {
    const column = columnOf(field);
    return column === undefined ? error : { ...error, column };
  }

  return {
    stream: Readable.from(inChunks(payload()), { objectMode: false }),
    finish(outcome) {
      const rowErrors = [...errors, ...outcome.rowErrors.map(locate)].sort((a, b) => a.line - b.line).slice(0, ROW_ERRORS_KEPT);
      if (!outcome.ok) return { ...outcome, rowErrors };
      const counts = { ...outcome.counts, rowErrors: outcome.counts.rowErrors + errorCount };
      return { ok: true, counts, rowErrors };
    },
  };
}

/** Many small strings as fewer, larger chunks: the JSON reader's cost is per chunk as well as per byte. */
async function* inChunks(parts: AsyncIterable<string>, size = 64 * 1024): AsyncGenerator<string> {
  let pending: string[] = [];
  let length = 0;
  for await (const part of parts) {
    pending.push(part);
    length += part.length;
    if (length >= size) {
      yield pending.join('');
      pending = [];
      length = 0;
    }
  }
  if (pending.length > 0) yield pending.join('');
}

/** `line 7, column "E-mail": must be an email address …` */
export function formatCsvRowError(error: CsvRowError): string {
  const where = error.column === undefined ? `line ${error.line}` : `line ${error.line}, column "${error.column}"`;
  const license = error.section !== 'users' && error.license ? ` (license "${error.license}")` : '';
  return `${where}${license}: ${error.message}`;
}

export function isCsvRowError(error: RowError): error is CsvRowError {
  return typeof (error as Partial<CsvRowError>).line === 'number';
}
