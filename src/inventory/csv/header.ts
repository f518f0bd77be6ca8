import type { Readable } from 'node:stream';
import { type ColumnMapping, type HeaderCheck, resolveHeader } from './columns.js';
import { readCsvRecords } from './read.js';

/**
 * Reads only the header of a CSV file (then stops reading) and checks it against the mapping, so
 * a file without an email column is refused when it is registered, not minutes later by its sync.
 */
export async function checkCsvHeader(source: Readable, mapping: ColumnMapping): Promise<HeaderCheck> {
  for await (const record of readCsvRecords(source)) {
    if (record.kind === 'error') return { ok: false, message: `The CSV header (line ${record.line}) cannot be read: ${record.message}.`, details: [{ field: 'file', message: record.message }] };
    return resolveHeader(record.cells, mapping);
  }
  return { ok: false, message: 'The CSV file is empty; its first line must be the header (email, firstName, lastName, …).', details: [{ field: 'file', message: 'is empty' }] };
}
