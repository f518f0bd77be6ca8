import { DATE_PATTERN, EMAIL_PATTERN, LICENSE_STATUSES, LIMITS, USER_STATUSES } from './schema.js';

/**
 * Per-row validation of a sync payload: pure functions from one raw row (as `stream.ts` yields it)
 * to a normalised row or one error that names the row and the field. A bad row never stops the
 * others; the caller collects errors and keeps the good rows.
 *
 * @example
 * validateUser({ email: ' Ada@Example.com ', lastUsedDate: '2024-05-31' }, 0)
 * // → { ok: true, user: { email: 'ada@example.com', originalEmail: ' Ada@Example.com ', status: 'active',
 * //     lastUsedDate: '2024-05-31T00:00:00.000Z', roles: [], id: null, … } }
 * validateUser({ email: 'nope' }, 3)
 * // → { ok: false, error: { section: 'users', row: 3, field: 'email', message: 'must be an email address like "ada@example.com", not "nope"' } }
 */

export type UserStatus = (typeof USER_STATUSES)[number];
export type LicenseStatus = (typeof LICENSE_STATUSES)[number];

/** What is wrong with one row. `field` is '' when the row as a whole is wrong (not an object, too large). */
export interface RowError {
  section: 'users' | 'licenses' | 'licenses.users';
  /** Index of the row in its array (for `licenses.users`, in the license's `users`). */
  row: number;
  /** For `licenses.users`: the license's name. */
  license?: string;
  /** Dotted path inside the row: `email`, `roles.2`. */
  field: string;
  message: string;
}

export interface NormalizedUser {
  /** Trimmed and lower-cased: the key that license users refer to. */
  email: string;
  /** As written in the file. */
  originalEmail: string;
  id: string | null;
  firstName: string | null;
  lastName: string | null;
  status: UserStatus;
  externalStatus: string | null;
  roles: string[];
  /** ISO 8601 date-time in UTC (`2024-05-31T00:00:00.000Z`). */
  lastUsedDate: string | null;
}

export interface NormalizedLicense {
  name: string;
  unassignedAmount: number | null;
  /** In cents. */
  pricePerUser: number | null;
  /** How many entries the license's `users` array had (valid or not). */
  usersCount: number;
}

export interface NormalizedLicenseUser {
  license: string;
  email: string;
  originalEmail: string;
  licenseStatus: LicenseStatus;
}

export type UserResult = { ok: true; user: NormalizedUser } | { ok: false; error: RowError };
export type LicenseResult = { ok: true; license: NormalizedLicense } | { ok: false; error: RowError };
export type LicenseUserResult = { ok: true; licenseUser: NormalizedLicenseUser } | { ok: false; error: RowError };

/** Answers "is this normalised email a valid user of the file, and with which status?". A `Map` fits. */
export interface UserLookup {
  get(email: string): UserStatus | undefined;
}

type Check<T> = { value: T } | { message: string };

const EMAIL = new RegExp(EMAIL_PATTERN);
const DATE = new RegExp(DATE_PATTERN);

export function validateUser(raw: unknown, index: number): UserResult {
  const fail = (field: string, message: string): UserResult => ({ ok: false, error: { section: 'users', row: index, field, message } });
  if (!isRecord(raw)) return fail('', `must be an object, not ${describe(raw)}`);
  const email = readEmail(raw.email);
  if ('message' in email) return fail('email', email.message);
  const texts: Record<'id' | 'firstName' | 'lastName' | 'externalStatus', string | null> = { id: null, firstName: null, lastName: null, externalStatus: null };
  for (const field of ['id', 'firstName', 'lastName', 'externalStatus'] as const) {
    const text = readOptionalText(raw[field], LIMITS.text);
    if ('message' in text) return fail(field, text.message);
    texts[field] = text.value;
  }
  const status = readEnum(raw.status, USER_STATUSES);
  if ('message' in status) return fail('status', status.message);
  const roles = readRoles(raw.roles);
  if ('message' in roles) return fail(roles.field, roles.message);
  const lastUsedDate = readDate(raw.lastUsedDate);
  if ('message' in lastUsedDate) return fail('lastUsedDate', lastUsedDate.message);
  return {
    ok: true,
    user: { ...email.value, ...texts, status: status.value ?? 'active', roles: roles.value, lastUsedDate: lastUsedDate.value },
  };
}

/**
 * Checks a license row: either the header `stream.ts` yields (`usersCount`, and `users` only when it
 * was not an array) or a whole license object with its `users` array.
 */
export function validateLicense(raw: unknown, index: number): LicenseResult {
  const fail = (field: string, message: string): LicenseResult => ({ ok: false, error: { section: 'licenses', row: index, field, message } });
  if (!isRecord(raw)) return fail('', `must be an object, not ${describe(raw)}`);
  if (raw.name === undefined || raw.name === null) return fail('name', 'is required');
  if (typeof raw.name !== 'string') return fail('name', `must be a string, not ${describe(raw.name)}`);
  const name = raw.name.trim();
  if (name === '') return fail('name', 'must not be empty');
  if (tooLong(raw.name, LIMITS.licenseName)) return fail('name', `must be at most ${LIMITS.licenseName} characters`);
  const unassignedAmount = readCount(raw.unassignedAmount, 'must be a whole number ≥ 0');
  if ('message' in unassignedAmount) return fail('unassignedAmount', unassignedAmount.message);
  const pricePerUser = readCount(raw.pricePerUser, 'must be a whole number of cents ≥ 0 (1299 for 12.99)');
  if ('message' in pricePerUser) return fail('pricePerUser', pricePerUser.message);
  if (raw.users !== undefined && raw.users !== null && !Array.isArray(raw.users)) {
    return fail('users', `must be an array of license users, not ${describe(raw.users)}`);
  }
  const usersCount = typeof raw.usersCount === 'number' ? raw.usersCount : Array.isArray(raw.users) ? raw.users.length : 0;
  return { ok: true, license: { name, unassignedAmount: unassignedAmount.value, pricePerUser: pricePerUser.value, usersCount } };
}

/**
 * Checks one entry of a license's `users`. `users` knows the file's valid users: an email that is
 * not among them is an error, and the user's status gives the default licenseStatus.
 */
export function validateLicenseUser(raw: unknown, index: number, license: string, users: UserLookup): LicenseUserResult {
  const fail = (field: string, message: string): LicenseUserResult => ({
    ok: false,
    error: { section: 'licenses.users', row: index, license, field, message },
  });
  if (!isRecord(raw)) return fail('', `must be an object, not ${describe(raw)}`);
  const email = readEmail(raw.email);
  if ('message' in email) return fail('email', email.message);
  const licenseStatus = readEnum(raw.licenseStatus, LICENSE_STATUSES);
  if ('message' in licenseStatus) return fail('licenseStatus', licenseStatus.message);
  const userStatus = users.get(email.value.email);
  if (userStatus === undefined) return fail('email', `is "${email.value.email}", which is not among the file's valid users`);
  return { ok: true, licenseUser: { license, ...email.value, licenseStatus: licenseStatus.value ?? userStatus } };
}

/** The error of a later row that repeats an earlier row's key (an email, a license name). */
export function duplicateRowError(input: {
  section: RowError['section'];
  row: number;
  firstRow: number;
  field: string;
  value: string;
  license?: string;
}): RowError {
  const where = input.section === 'licenses.users' ? `users[${input.firstRow}] of this license` : `${input.section}[${input.firstRow}]`;
  return {
    section: input.section,
    row: input.row,
    ...(input.license !== undefined ? { license: input.license } : {}),
    field: input.field,
    message: `"${input.value}" is already used by ${where}; this later row is skipped`,
  };
}

/**
 * The file's valid users by normalised email: refuses duplicates (the later row) and serves as the
 * `UserLookup` of `validateLicenseUser`. Holds one entry per valid user (about 100 bytes each).
 */
export class ValidUsers implements UserLookup {
  private readonly rows = new Map<string, { row: number; status: UserStatus }>();

  /** Returns the duplicate error when the email was already taken by an earlier row. */
  add(user: NormalizedUser, row: number): RowError | null {
    const first = this.rows.get(user.email);
    if (first) return duplicateRowError({ section: 'users', row, firstRow: first.row, field: 'email', value: user.email });
    this.rows.set(user.email, { row, status: user.status });
    return null;
  }

  get(email: string): UserStatus | undefined {
    return this.rows.get(email)?.status;
  }

  get size(): number {
    return this.rows.size;
  }
}

/** `users[3].email: message`, `licenses.users[2] of "Pro": message`, for logs and reports. */
export function formatRowError(error: RowError): string {
  const field = error.field === '' ? '' : `.${error.field}`;
  if (error.section === 'licenses.users') return `licenses["${error.license ?? ''}"].users[${error.row}]${field}: ${error.message}`;
  return `${error.section}[${error.row}]${field}: ${error.message}`;
}

function readEmail(value: unknown): Check<{ email: string; originalEmail: string }> {
  if (value === undefined || value === null) return { message: 'is required' };
  if (typeof value !== 'string') return { message: `must be a string, not ${describe(value)}` };
  if (value.trim() === '') return { message: 'must not be empty' };
  if (tooLong(value, LIMITS.email)) return { message: `must be at most ${LIMITS.email} characters` };
  if (!EMAIL.test(value)) return { message: `must be an email address like "ada@example.com", not ${quote(value)}` };
  return { value: { email: value.trim().toLowerCase(), originalEmail: value } };
}

/** Optional text: null and blank mean absent; otherwise trimmed. */
function readOptionalText(value: unknown, max: number): Check<string | null> {
  if (value === undefined || value === null) return { value: null };
  if (typeof value !== 'string') return { message: `must be a string, not ${describe(value)}` };
  if (tooLong(value, max)) return { message: `must be at most ${max} characters` };
  const trimmed = value.trim();
  return { value: trimmed === '' ? null : trimmed };
}

function readEnum<T extends string>(value: unknown, allowed: readonly T[]): Check<T | null> {
  if (value === undefined || value === null) return { value: null };
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return { value: value as T };
  return { message: `must be one of ${allowed.map((a) => `"${a}"`).join(', ')}, not ${typeof value === 'string' ? quote(value) : describe(value)}` };
}

function readRoles(value: unknown): { value: string[] } | { field: string; message: string } {
  if (value === undefined || value === null) return { value: [] };
  if (!Array.isArray(value)) return { field: 'roles', message: `must be an array of strings, not ${describe(value)}` };
  if (value.length > LIMITS.roles) return { field: 'roles', message: `must have at most ${LIMITS.roles} entries` };
  const roles = new Set<string>();
  for (const [i, role] of value.entries()) {
    if (typeof role !== 'string') return { field: `roles.${i}`, message: `must be a string, not ${describe(role)}` };
    if (tooLong(role, LIMITS.role)) return { field: `roles.${i}`, message: `must be at most ${LIMITS.role} characters` };
    if (role.trim() !== '') roles.add(role.trim());
  }
  return { value: [...roles] };
}

function readCount(value: unknown, message: string): Check<number | null> {
  if (value === undefined || value === null) return { value: null };
  return Number.isSafeInteger(value) && (value as number) >= 0 ? { value: value as number } : { message: `${message}, not ${describe(value)}` };
}

/** `2024-05-31` → midnight UTC; a date-time without offset is UTC; anything else is refused. */
function readDate(value: unknown): Check<string | null> {
  if (value === undefined || value === null) return { value: null };
  const message = 'must be an ISO 8601 date (2024-05-31) or date-time (2024-05-31T09:30:00Z)';
  if (typeof value !== 'string') return { message: `${message}, not ${describe(value)}` };
  const iso = parseIsoDate(value);
  return iso === null ? { message: `${message}, not ${quote(value)}` } : { value: iso };
}

/** The `DATE_PATTERN` forms → an ISO date-time in UTC; null for anything else, dates that do not exist included. */
export function parseIsoDate(text: string): string | null {
  const m = DATE.exec(text);
  if (!m) return null;
  const [year, month, day, hour = 0, minute = 0, second = 0] = m.slice(1, 7).map((part) => (part === undefined ? undefined : Number(part)));
  const millis = m[7] === undefined ? 0 : Math.floor(Number(`0.${m[7]}`) * 1000);
  if (month! < 1 || month! > 12 || day! < 1 || day! > daysInMonth(year!, month!) || hour! > 23 || minute! > 59 || second! > 59) return null;
  let offset = 0;
  const zone = m[8];
  if (zone !== undefined && zone !== 'Z') {
    const hours = Number(zone.slice(1, 3));
    const minutes = Number(zone.slice(4, 6));
    if (hours > 23 || minutes > 59) return null;
    offset = (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
  }
  const date = new Date(0);
  date.setUTCFullYear(year!, month! - 1, day!);
  date.setUTCHours(hour!, minute! - offset, second!, millis);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Lengths are counted in characters (code points), as JSON Schema does. */
function tooLong(value: string, max: number): boolean {
  return value.length > max && [...value].length > max;
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the string ${quote(value)}`;
  return `${typeof value === 'number' ? 'the number' : 'the boolean'} ${String(value)}`;
}

function quote(value: string): string {
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
}
