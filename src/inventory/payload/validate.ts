import { DATE_PATTERN, EMAIL_PATTERN, LICENSE_STATUSES, LIMITS, USER_STATUSES } from './rules.js';

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
const TEXT_FIELDS = ['id', 'firstName', 'lastName', 'externalStatus'] as const;

// validateUser runs once per row of files with a million rows: it reads each field once, allocates
// only its result, and builds error messages only for bad rows.
export function validateUser(raw: unknown, index: number): UserResult {
  if (!isRecord(raw)) return userError(index, '', `must be an object, not ${describe(raw)}`);
  const originalEmail = raw.email;
  const emailProblem = emailMessage(originalEmail);
  if (emailProblem !== null) return userError(index, 'email', emailProblem);
  const id = raw.id;
  const firstName = raw.firstName;
  const lastName = raw.lastName;
  const externalStatus = raw.externalStatus;
  for (const field of TEXT_FIELDS) {
    const problem = textMessage(raw[field], LIMITS.text);
    if (problem !== null) return userError(index, field, problem);
  }
  const status = raw.status;
  if (status !== undefined && status !== null && status !== 'active' && status !== 'deleted') return userError(index, 'status', enumMessage(status, USER_STATUSES));
  const roles = readRoles(raw.roles);
  if (!Array.isArray(roles)) return userError(index, roles.field, roles.message);
  const date = raw.lastUsedDate;
  let lastUsedDate: string | null = null;
  if (date !== undefined && date !== null) {
    lastUsedDate = typeof date === 'string' ? parseIsoDate(date) : null;
    if (lastUsedDate === null) return userError(index, 'lastUsedDate', `${DATE_MESSAGE}, not ${typeof date === 'string' ? quote(date) : describe(date)}`);
  }
  return {
    ok: true,
    user: {
      email: normalizeEmail(originalEmail as string),
      originalEmail: originalEmail as string,
      id: optionalText(id as string | null | undefined),
      firstName: optionalText(firstName as string | null | undefined),
      lastName: optionalText(lastName as string | null | undefined),
      status: (status as UserStatus | null | undefined) ?? 'active',
      externalStatus: optionalText(externalStatus as string | null | undefined),
      roles,
      lastUsedDate,
    },
  };
}

function userError(row: number, field: string, message: string): UserResult {
  return { ok: false, error: { section: 'users', row, field, message } };
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
  if (!isRecord(raw)) return licenseUserError(index, license, '', `must be an object, not ${describe(raw)}`);
  const originalEmail = raw.email;
  const emailProblem = emailMessage(originalEmail);
  if (emailProblem !== null) return licenseUserError(index, license, 'email', emailProblem);
  const status = raw.licenseStatus;
  if (status !== undefined && status !== null && status !== 'active' && status !== 'inactive' && status !== 'deleted') {
    return licenseUserError(index, license, 'licenseStatus', enumMessage(status, LICENSE_STATUSES));
  }
  const email = normalizeEmail(originalEmail as string);
  const userStatus = users.get(email);
  if (userStatus === undefined) return licenseUserError(index, license, 'email', `is "${email}", which is not among the file's valid users`);
  return { ok: true, licenseUser: { license, email, originalEmail: originalEmail as string, licenseStatus: (status as LicenseStatus | null | undefined) ?? userStatus } };
}

function licenseUserError(row: number, license: string, field: string, message: string): LicenseUserResult {
  return { ok: false, error: { section: 'licenses.users', row, license, field, message } };
}

export { duplicateRowError, ValidUsers } from './valid-users.js';

/** `users[3].email: message`, `licenses.users[2] of "Pro": message`, for logs and reports. */
export function formatRowError(error: RowError): string {
  const field = error.field === '' ? '' : `.${error.field}`;
  if (error.section === 'licenses.users') return `licenses["${error.license ?? ''}"].users[${error.row}]${field}: ${error.message}`;
  return `${error.section}[${error.row}]${field}: ${error.message}`;
}

/** Why `value` is not a usable email, or null when it is. */
function emailMessage(value: unknown): string | null {
  if (value === undefined || value === null) return 'is required';
  if (typeof value !== 'string') return `must be a string, not ${describe(value)}`;
  if (value.trim() === '') return 'must not be empty';
  if (tooLong(value, LIMITS.email)) return `must be at most ${LIMITS.email} characters`;
  if (!EMAIL.test(value)) return `must be an email address like "ada@example.com", not ${quote(value)}`;
  return null;
}

/** Trimmed and lower-cased: the form that identifies a user. */
function normalizeEmail(value: string): string {
  return value.trim().toLowerCase();
}

/** Why `value` is not an optional text of at most `max` characters, or null when it is one. */
function textMessage(value: unknown, max: number): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') return `must be a string, not ${describe(value)}`;
  if (tooLong(value, max)) return `must be at most ${max} characters`;
  return null;
}

/** Optional text (already checked by `textMessage`): null and blank mean absent; otherwise trimmed. */
function optionalText(value: string | null | undefined): string | null {
  if (value === undefined || value === null) return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

function enumMessage(value: unknown, allowed: readonly string[]): string {
  return `must be one of ${allowed.map((a) => `"${a}"`).join(', ')}, not ${typeof value === 'string' ? quote(value) : describe(value)}`;
}

function readRoles(value: unknown): string[] | { field: string; message: string } {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return { field: 'roles', message: `must be an array of strings, not ${describe(value)}` };
  if (value.length > LIMITS.roles) return { field: 'roles', message: `must have at most ${LIMITS.roles} entries` };
  const roles: string[] = [];
  for (let i = 0; i < value.length; i++) {
    const role: unknown = value[i];
    if (typeof role !== 'string') return { field: `roles.${i}`, message: `must be a string, not ${describe(role)}` };
    if (tooLong(role, LIMITS.role)) return { field: `roles.${i}`, message: `must be at most ${LIMITS.role} characters` };
    const trimmed = role.trim();
    // First occurrence kept; at most LIMITS.roles entries, so a linear search is cheap.
    if (trimmed !== '' && !roles.includes(trimmed)) roles.push(trimmed);
  }
  return roles;
}

function readCount(value: unknown, message: string): Check<number | null> {
  if (value === undefined || value === null) return { value: null };
  return Number.isSafeInteger(value) && (value as number) >= 0 ? { value: value as number } : { message: `${message}, not ${describe(value)}` };
}

const DATE_MESSAGE = 'must be an ISO 8601 date (2024-05-31) or date-time (2024-05-31T09:30:00Z)';

/** The `DATE_PATTERN` forms → an ISO date-time in UTC; null for anything else, dates that do not exist included. */
export function parseIsoDate(text: string): string | null {
  if (text.length === 10) return parsePlainDate(text);
  const m = DATE.exec(text);
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = m[4] === undefined ? 0 : Number(m[4]);
  const minute = m[5] === undefined ? 0 : Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const millis = m[7] === undefined ? 0 : Math.floor(Number(`0.${m[7]}`) * 1000);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) return null;
  let offset = 0;
  const zone = m[8];
  if (zone !== undefined && zone !== 'Z') {
    const hours = Number(zone.slice(1, 3));
    const minutes = Number(zone.slice(4, 6));
    if (hours > 23 || minutes > 59) return null;
    offset = (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
  }
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute - offset, second, millis);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** `YYYY-MM-DD` (the common case) without a regular expression or a Date: midnight UTC of that day. */
function parsePlainDate(text: string): string | null {
  for (let i = 0; i < 10; i++) {
    const c = text.charCodeAt(i);
    if (i === 4 || i === 7 ? c !== 45 : c < 48 || c > 57) return null;
  }
  const year = Number(text.slice(0, 4));
  const month = (text.charCodeAt(5) - 48) * 10 + text.charCodeAt(6) - 48;
  const day = (text.charCodeAt(8) - 48) * 10 + text.charCodeAt(9) - 48;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return `${text}T00:00:00.000Z`;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
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
