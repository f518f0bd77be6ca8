import type { ErrorDetail } from '../../errors.js';

/**
 * The columns of a CSV sync file and how a row becomes the payload's user and license user
 * (`docs/inventory-payload.md`, "CSV files"). Pure: no I/O; `transcode.ts` streams the file.
 *
 * A row is one user, optionally with one license it holds. A user holding several licenses is
 * repeated on more rows with the same email; only the first row of an email is read as the user.
 *
 * @example
 * const layout = resolveHeader(['E-mail', 'First name', 'licenseName'], { email: 'E-mail', firstName: 'First name' });
 * // → { ok: true, layout: { index: { email: 0, firstName: 1, licenseName: 2 }, … } }
 * readRow(['ada@example.com', 'Ada', 'Pro'], layout.layout)
 * // → { ok: true, user: { email: 'ada@example.com', firstName: 'Ada' }, license: { name: 'Pro', user: { email: 'ada@example.com' } } }
 */

export const USER_COLUMNS = ['email', 'id', 'firstName', 'lastName', 'status', 'externalStatus', 'roles', 'lastUsedDate'] as const;
export const LICENSE_COLUMNS = ['licenseName', 'licenseStatus', 'unassignedAmount', 'pricePerUser'] as const;
export const CSV_FIELDS = [...USER_COLUMNS, ...LICENSE_COLUMNS] as const;
export type CsvField = (typeof CSV_FIELDS)[number];

/** `columns`: payload field → the header text of the column that holds it (when it differs from the field's name). */
export type ColumnMapping = Partial<Record<CsvField, string>>;

/** Several roles in one cell: `admin;billing`. */
export const ROLES_SEPARATOR = ';';
/** Content types read as CSV; any other file is read as JSON. */
export const CSV_CONTENT_TYPES: readonly string[] = ['text/csv', 'application/csv'];

export interface CsvLayout {
  /** Column position of each field the file has. */
  index: Partial<Record<CsvField, number>>;
  /** The header text of each field the file has (as written, for messages). */
  names: Partial<Record<CsvField, string>>;
  /** Fields per row (the header's). */
  width: number;
}

export type HeaderCheck = { ok: true; layout: CsvLayout } | { ok: false; message: string; details: ErrorDetail[] };

/** Raw payload rows, unchecked: the payload validators check them exactly as JSON rows. */
export interface CsvRow {
  user: Record<string, unknown>;
  /** The license on this row, when it has a licenseName. */
  license?: { name: string; unassignedAmount?: unknown; pricePerUser?: unknown; user: Record<string, unknown> };
}

export type RowRead = ({ ok: true } & CsvRow) | { ok: false; field: CsvField | ''; message: string };

const FIELD_NAME_LIMIT = 200;

/** Checks a `columns` mapping given by a caller (a value, not a throw). */
export function checkColumnMapping(input: unknown): { ok: true; value: ColumnMapping } | { ok: false; details: ErrorDetail[] } {
  if (input === undefined || input === null) return { ok: true, value: {} };
  if (typeof input !== 'object' || Array.isArray(input)) return { ok: false, details: [{ field: 'columns', message: 'must be an object of payload field → column header, e.g. {"email": "E-mail"}' }] };
  const details: ErrorDetail[] = [];
  const used = new Map<string, string>();
  const value: ColumnMapping = {};
  for (const [field, header] of Object.entries(input as Record<string, unknown>)) {
    if (!(CSV_FIELDS as readonly string[]).includes(field)) {
      details.push({ field: `columns.${field}`, message: `is not a field of the sync payload; use one of ${CSV_FIELDS.join(', ')}` });
      continue;
    }
    if (typeof header !== 'string' || header.trim() === '' || header.length > FIELD_NAME_LIMIT) {
      details.push({ field: `columns.${field}`, message: `must be the column's header text (1 to ${FIELD_NAME_LIMIT} characters)` });
      continue;
    }
    const key = headerKey(header);
    const other = used.get(key);
    if (other !== undefined) details.push({ field: `columns.${field}`, message: `names the same column as columns.${other} ("${header.trim()}")` });
    used.set(key, field);
    value[field as CsvField] = header.trim();
  }
  return details.length > 0 ? { ok: false, details } : { ok: true, value };
}

/**
 * Finds each field's column in the header row. Headers match case-insensitively, trimmed; a field
 * without a mapping is looked up under its own name. `email` is required; license columns need
 * `licenseName`. Columns the payload does not know are ignored, as unknown JSON fields are.
 */
export function resolveHeader(header: readonly string[], mapping: ColumnMapping): HeaderCheck {
  const positions = new Map<string, number[]>();
  header.forEach((text, i) => {
    const key = headerKey(text);
    if (key !== '') positions.set(key, [...(positions.get(key) ?? []), i]);
  });
  const layout: CsvLayout = { index: {}, names: {}, width: header.length };
  const details: ErrorDetail[] = [];
  for (const field of CSV_FIELDS) {
    const wanted = mapping[field] ?? field;
    const found = positions.get(headerKey(wanted));
    if (!found) {
      if (mapping[field] !== undefined) details.push({ field: `columns.${field}`, message: `names the column "${wanted}", which the header does not have` });
      continue;
    }
    if (found.length > 1) {
      details.push({ field: `columns.${field}`, message: `the header has the column "${wanted}" ${found.length} times (columns ${found.map((i) => i + 1).join(', ')}); which one holds ${field} is ambiguous` });
      continue;
    }
    layout.index[field] = found[0] as number;
    layout.names[field] = (header[found[0] as number] ?? wanted).trim();
  }
  if (layout.index.email === undefined && !details.some((d) => d.field === 'columns.email')) {
    details.unshift({ field: 'columns.email', message: `the header has no "${mapping.email ?? 'email'}" column; name the column that holds the email with columns.email` });
  }
  const licenseExtras = LICENSE_COLUMNS.filter((f) => f !== 'licenseName' && layout.index[f] !== undefined);
  if (licenseExtras.length > 0 && layout.index.licenseName === undefined && !details.some((d) => d.field === 'columns.licenseName')) {
    details.push({ field: 'columns.licenseName', message: `the header has ${licenseExtras.join(', ')} but no "${mapping.licenseName ?? 'licenseName'}" column: license columns need the license's name` });
  }
  if (details.length === 0) return { ok: true, layout };
  const shown = header.length > 20 ? `${header.slice(0, 20).join(', ')}, …` : header.join(', ');
  const first = details[0] as ErrorDetail;
  return { ok: false, message: `The CSV header does not fit the sync payload: ${first.field} ${first.message} (the header is: ${shown}).`, details };
}

/** One data row → the raw user and, when the row names one, the raw license user. */
export function readRow(cells: readonly string[], layout: CsvLayout): RowRead {
  if (cells.length !== layout.width) return { ok: false, field: '', message: `has ${cells.length} field${cells.length === 1 ? '' : 's'}; the header has ${layout.width}` };
  const cell = (field: CsvField): string | undefined => {
    const i = layout.index[field];
    const text = i === undefined ? undefined : cells[i];
    return text === undefined || text.trim() === '' ? undefined : text;
  };
  const user: Record<string, unknown> = {};
  for (const field of USER_COLUMNS) {
    const text = cell(field);
    if (text === undefined) continue;
    user[field] = field === 'roles' ? text.split(ROLES_SEPARATOR) : text;
  }
  const name = cell('licenseName');
  if (name === undefined) {
    const stray = LICENSE_COLUMNS.find((f) => cell(f) !== undefined);
    if (stray) return { ok: false, field: 'licenseName', message: `is blank, but ${stray} is set: a license needs its name` };
    return { ok: true, user };
  }
  const licenseUser: Record<string, unknown> = { email: user.email };
  const status = cell('licenseStatus');
  if (status !== undefined) licenseUser.licenseStatus = status;
  const license: NonNullable<CsvRow['license']> = { name: name.trim(), user: licenseUser };
  const unassigned = cell('unassignedAmount');
  if (unassigned !== undefined) license.unassignedAmount = number(unassigned);
  const price = cell('pricePerUser');
  if (price !== undefined) license.pricePerUser = number(price);
  return { ok: true, user, license };
}

/** A key for "the same user" across rows, as the validator normalises emails. */
export function emailKey(value: unknown): string {
  return typeof value === 'string' ? value.trim().toLowerCase() : '';
}

/** Numbers as JSON would carry them, so the validator answers as for JSON (`12.99` → not whole cents). */
function number(text: string): unknown {
  const trimmed = text.trim();
  return /^[+-]?\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : text;
}

function headerKey(text: string): string {
  return text.trim().toLowerCase();
}

/** Whether a stored file is read as CSV. */
export function isCsvContentType(contentType: string): boolean {
  return CSV_CONTENT_TYPES.includes(contentType.split(';')[0]?.trim().toLowerCase() ?? '');
}
