import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DATE_PATTERN } from './schema.js';
import {
  duplicateRowError,
  formatRowError,
  parseIsoDate,
  ValidUsers,
  validateLicense,
  validateLicenseUser,
  validateUser,
  type NormalizedUser,
  type UserStatus,
} from './validate.js';

const aUser = (overrides: Record<string, unknown> = {}) => ({ email: 'ada@example.com', ...overrides });
const known = new Map<string, UserStatus>([
  ['ada@example.com', 'active'],
  ['grace@example.com', 'deleted'],
]);

describe('validateUser', () => {
  it('normalises a full row', () => {
    const row = aUser({
      email: '  Ada@Example.COM ',
      id: 'u-1',
      firstName: ' Ada ',
      lastName: '',
      externalStatus: 'Suspended',
      roles: ['admin', ' admin', 'billing', '', 'admin'],
      lastUsedDate: '2024-05-31T09:30:00+02:00',
      extra: 'ignored',
    });
    expect(validateUser(row, 0)).toEqual({
      ok: true,
      user: {
        email: 'ada@example.com',
        originalEmail: '  Ada@Example.COM ',
        id: 'u-1',
        firstName: 'Ada',
        lastName: null,
        status: 'active',
        externalStatus: 'Suspended',
        roles: ['admin', 'billing'],
        lastUsedDate: '2024-05-31T07:30:00.000Z',
      } satisfies NormalizedUser,
    });
  });

  it('defaults: status active, no roles, nulls for absent or null fields', () => {
    expect(validateUser(aUser({ status: null, roles: null, id: null }), 0)).toEqual({
      ok: true,
      user: {
        email: 'ada@example.com',
        originalEmail: 'ada@example.com',
        id: null,
        firstName: null,
        lastName: null,
        status: 'active',
        externalStatus: null,
        roles: [],
        lastUsedDate: null,
      },
    });
    expect(validateUser(aUser({ status: 'deleted' }), 0)).toMatchObject({ ok: true, user: { status: 'deleted' } });
  });

  it.each([
    [aUser({ email: undefined }), 'email', 'is required'],
    [aUser({ email: null }), 'email', 'is required'],
    [aUser({ email: 42 }), 'email', 'must be a string, not the number 42'],
    [aUser({ email: '   ' }), 'email', 'must not be empty'],
    [aUser({ email: 'ada at example.com' }), 'email', 'must be an email address like "ada@example.com", not "ada at example.com"'],
    [aUser({ email: `${'a'.repeat(315)}@b.com` }), 'email', 'must be at most 320 characters'],
    [aUser({ id: 1001 }), 'id', 'must be a string, not the number 1001'],
    [aUser({ firstName: ['Ada'] }), 'firstName', 'must be a string, not an array'],
    [aUser({ lastName: 'x'.repeat(201) }), 'lastName', 'must be at most 200 characters'],
    [aUser({ status: 'Active' }), 'status', 'must be one of "active", "deleted", not "Active"'],
    [aUser({ status: true }), 'status', 'must be one of "active", "deleted", not the boolean true'],
    [aUser({ externalStatus: {} }), 'externalStatus', 'must be a string, not an object'],
    [aUser({ roles: 'admin' }), 'roles', 'must be an array of strings, not the string "admin"'],
    [aUser({ roles: ['admin', 7] }), 'roles.1', 'must be a string, not the number 7'],
    [aUser({ roles: Array.from({ length: 101 }, (_, i) => `r${i}`) }), 'roles', 'must have at most 100 entries'],
    [aUser({ lastUsedDate: '31/05/2024' }), 'lastUsedDate', 'must be an ISO 8601 date (2024-05-31) or date-time (2024-05-31T09:30:00Z), not "31/05/2024"'],
    [aUser({ lastUsedDate: '2024-02-30' }), 'lastUsedDate', 'must be an ISO 8601 date (2024-05-31) or date-time (2024-05-31T09:30:00Z), not "2024-02-30"'],
    [aUser({ lastUsedDate: 1717142400000 }), 'lastUsedDate', 'must be an ISO 8601 date (2024-05-31) or date-time (2024-05-31T09:30:00Z), not the number 1717142400000'],
  ])('%j → %s: %s', (row, field, message) => {
    expect(validateUser(row, 7)).toEqual({ ok: false, error: { section: 'users', row: 7, field, message } });
  });

  it.each([null, 'ada@example.com', [aUser()], 3])('refuses a row that is not an object: %j', (row) => {
    expect(validateUser(row, 2)).toMatchObject({ ok: false, error: { section: 'users', row: 2, field: '', message: expect.stringMatching(/^must be an object, not /) } });
  });
});

describe('parseIsoDate', () => {
  it.each([
    ['2024-05-31', '2024-05-31T00:00:00.000Z'],
    ['2024-02-29', '2024-02-29T00:00:00.000Z'],
    ['2024-05-31T09:30', '2024-05-31T09:30:00.000Z'],
    ['2024-05-31T09:30:15', '2024-05-31T09:30:15.000Z'],
    ['2024-05-31T09:30:15.5Z', '2024-05-31T09:30:15.500Z'],
    ['2024-05-31T09:30:15.123456789Z', '2024-05-31T09:30:15.123Z'],
    ['2024-05-31T00:30:00+02:00', '2024-05-30T22:30:00.000Z'],
    ['2024-12-31T23:30:00-01:00', '2025-01-01T00:30:00.000Z'],
    ['0099-01-01', '0099-01-01T00:00:00.000Z'],
  ])('%s → %s', (text, iso) => expect(parseIsoDate(text)).toBe(iso));

  it.each(['2023-02-29', '2024-13-01', '2024-00-10', '2024-05-32', '2024-05-31T24:00', '2024-05-31T10:60', '2024-05-31T10:00:60', '2024-05-31T10:00+24:00',
    '2024-5-31', '20240531', '2024-05-31T10', '2024-05-31t10:00z', '2024-05-31 10:00', 'May 31, 2024', ' 2024-05-31'])('refuses %s', (text) => {
    expect(parseIsoDate(text)).toBeNull();
  });
});

describe('validateLicense', () => {
  it('accepts the streamed header and a whole license object', () => {
    expect(validateLicense({ name: ' Pro ', unassignedAmount: 3, pricePerUser: 1299, usersCount: 2 }, 0)).toEqual({
      ok: true,
      license: { name: 'Pro', unassignedAmount: 3, pricePerUser: 1299, usersCount: 2 },
    });
    expect(validateLicense({ name: 'Pro', users: [{}, {}, {}] }, 0)).toEqual({
      ok: true,
      license: { name: 'Pro', unassignedAmount: null, pricePerUser: null, usersCount: 3 },
    });
  });

  it.each([
    [{}, 'name', 'is required'],
    [{ name: 5 }, 'name', 'must be a string, not the number 5'],
    [{ name: ' ' }, 'name', 'must not be empty'],
    [{ name: 'x'.repeat(201) }, 'name', 'must be at most 200 characters'],
    [{ name: 'Pro', unassignedAmount: -1 }, 'unassignedAmount', 'must be a whole number ≥ 0, not the number -1'],
    [{ name: 'Pro', unassignedAmount: '3' }, 'unassignedAmount', 'must be a whole number ≥ 0, not the string "3"'],
    [{ name: 'Pro', pricePerUser: 12.99 }, 'pricePerUser', 'must be a whole number of cents ≥ 0 (1299 for 12.99), not the number 12.99'],
    [{ name: 'Pro', users: 'everyone' }, 'users', 'must be an array of license users, not the string "everyone"'],
    [[], '', 'must be an object, not an array'],
  ])('%j → %s: %s', (row, field, message) => {
    expect(validateLicense(row, 4)).toEqual({ ok: false, error: { section: 'licenses', row: 4, field, message } });
  });
});

describe('validateLicenseUser', () => {
  it('defaults licenseStatus from the user status and normalises the email', () => {
    expect(validateLicenseUser({ email: ' ADA@example.com' }, 0, 'Pro', known)).toEqual({
      ok: true,
      licenseUser: { license: 'Pro', email: 'ada@example.com', originalEmail: ' ADA@example.com', licenseStatus: 'active' },
    });
    expect(validateLicenseUser({ email: 'grace@example.com' }, 1, 'Pro', known)).toMatchObject({ ok: true, licenseUser: { licenseStatus: 'deleted' } });
    expect(validateLicenseUser({ email: 'grace@example.com', licenseStatus: 'inactive' }, 1, 'Pro', known)).toMatchObject({
      ok: true,
      licenseUser: { licenseStatus: 'inactive' },
    });
  });

  it.each([
    [{ email: 'nobody@example.com' }, 'email', 'is "nobody@example.com", which is not among the file\'s valid users'],
    [{}, 'email', 'is required'],
    [{ email: 'ada@example.com', licenseStatus: 'suspended' }, 'licenseStatus', 'must be one of "active", "inactive", "deleted", not "suspended"'],
    ['ada@example.com', '', 'must be an object, not the string "ada@example.com"'],
  ])('%j → %s: %s', (row, field, message) => {
    expect(validateLicenseUser(row, 9, 'Pro', known)).toEqual({ ok: false, error: { section: 'licenses.users', row: 9, license: 'Pro', field, message } });
  });
});

describe('ValidUsers', () => {
  it('refuses the later of two rows with the same email, naming both rows', () => {
    const users = new ValidUsers();
    const first = validateUser({ email: 'Ada@example.com', status: 'deleted' }, 0);
    const second = validateUser({ email: ' ada@EXAMPLE.com' }, 5);
    if (!first.ok || !second.ok) throw new Error('fixture rows must be valid');
    expect(users.add(first.user, 0)).toBeNull();
    expect(users.add(second.user, 5)).toEqual({
      section: 'users',
      row: 5,
      field: 'email',
      message: '"ada@example.com" is already used by users[0]; this later row is skipped',
    });
    expect(users.size).toBe(1);
    expect(users.get('ada@example.com')).toBe('deleted');
    expect(validateLicenseUser({ email: 'ada@example.com' }, 0, 'Pro', users)).toMatchObject({ ok: true, licenseUser: { licenseStatus: 'deleted' } });
  });

  it('duplicateRowError names the earlier license user', () => {
    expect(duplicateRowError({ section: 'licenses.users', row: 4, firstRow: 1, field: 'email', value: 'a@b', license: 'Pro' })).toEqual({
      section: 'licenses.users',
      row: 4,
      license: 'Pro',
      field: 'email',
      message: '"a@b" is already used by users[1] of this license; this later row is skipped',
    });
  });
});

describe('formatRowError', () => {
  it('names the row and the field', () => {
    expect(formatRowError({ section: 'users', row: 3, field: 'email', message: 'is required' })).toBe('users[3].email: is required');
    expect(formatRowError({ section: 'licenses', row: 0, field: '', message: 'must be an object, not null' })).toBe('licenses[0]: must be an object, not null');
    expect(formatRowError({ section: 'licenses.users', row: 2, license: 'Pro', field: 'licenseStatus', message: 'x' })).toBe('licenses["Pro"].users[2].licenseStatus: x');
  });
});

describe('ValidUsers at scale', () => {
  it('answers like a Map for many emails, colliding hashes and growth included', () => {
    const users = new ValidUsers();
    const reference = new Map<string, { row: number; status: UserStatus }>();
    for (let i = 0; i < 50_000; i++) {
      const email = `u${i % 37_000}@x${i % 3}.test`;
      const status: UserStatus = i % 5 === 0 ? 'deleted' : 'active';
      const duplicate = users.add({ email, originalEmail: email, id: null, firstName: null, lastName: null, status, externalStatus: null, roles: [], lastUsedDate: null }, i);
      const first = reference.get(email);
      if (first) expect(duplicate?.message).toBe(`"${email}" is already used by users[${first.row}]; this later row is skipped`);
      else {
        expect(duplicate).toBeNull();
        reference.set(email, { row: i, status });
      }
    }
    expect(users.size).toBe(reference.size);
    for (const [email, { status }] of reference) expect(users.get(email)).toBe(status);
    expect(users.get('nobody@x0.test')).toBeUndefined();
    expect(users.get('u1@x1.tes')).toBeUndefined();
  });

  it('keeps non-ASCII emails apart', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ minLength: 1, maxLength: 30, unit: 'grapheme' }), { maxLength: 40 }), (emails) => {
        const users = new ValidUsers();
        emails.forEach((email, row) => expect(users.add({ email, originalEmail: email, id: null, firstName: null, lastName: null, status: 'active', externalStatus: null, roles: [], lastUsedDate: null }, row)).toBeNull());
        for (const email of emails) expect(users.get(email)).toBe('active');
        expect(users.get(`${emails[0] ?? ''}!`)).toBe(emails.includes(`${emails[0] ?? ''}!`) ? 'active' : undefined);
      }),
    );
  });
});

describe('parseIsoDate matches the regular-expression reading', () => {
  const reference = (text: string): string | null => {
    const m = new RegExp(DATE_PATTERN).exec(text);
    if (!m) return null;
    const [year, month, day, hour = 0, minute = 0, second = 0] = m.slice(1, 7).map((part) => (part === undefined ? undefined : Number(part)));
    const millis = m[7] === undefined ? 0 : Math.floor(Number(`0.${m[7]}`) * 1000);
    const dim = new Date(Date.UTC(2000, month!, 0)).getUTCDate();
    const leap = (year! % 4 === 0 && year! % 100 !== 0) || year! % 400 === 0;
    const days = month === 2 ? (leap ? 29 : 28) : dim;
    if (month! < 1 || month! > 12 || day! < 1 || day! > days || hour! > 23 || minute! > 59 || second! > 59) return null;
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
  };
  const digits = (n: number) => fc.stringMatching(new RegExp(`^[0-9]{${n}}$`));
  const plain = fc.tuple(digits(4), digits(2), digits(2)).map(([y, m, d]) => `${y}-${m}-${d}`);
  it('on plain dates, date-times and near misses', () => {
    fc.assert(
      fc.property(fc.oneof(plain, plain.map((d) => `${d}T12:30:00Z`), fc.string({ maxLength: 12 }), plain.map((d) => d.replace('-', '/'))), (text) => {
        expect(parseIsoDate(text)).toBe(reference(text));
      }),
      { numRuns: 2000 },
    );
    for (const text of ['0000-02-29', '1900-02-29', '2000-02-29', '2023-02-29', '2024-02-29', '2024-04-31', '2024-12-31', '٢٠٢٤-05-31']) expect(parseIsoDate(text)).toBe(reference(text));
  });
});
