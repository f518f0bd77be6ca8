import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readSyncPayload } from '../payload/stream.js';
import { checkColumnMapping, emailKey, isCsvContentType, readRow, resolveHeader } from './columns.js';
import { readCsvRecords } from './read.js';
import { CsvFileError, csvSyncSource, formatCsvRowError } from './transcode.js';

const layoutOf = (header: string[], mapping = {}) => {
  const checked = resolveHeader(header, mapping);
  if (!checked.ok) throw new Error(checked.message);
  return checked.layout;
};

describe('checkColumnMapping', () => {
  it('accepts payload fields mapped to header texts', () => {
    expect(checkColumnMapping({ email: ' E-mail ', licenseName: 'Plan' })).toEqual({ ok: true, value: { email: 'E-mail', licenseName: 'Plan' } });
    expect(checkColumnMapping(undefined)).toEqual({ ok: true, value: {} });
  });
  it('refuses unknown fields, blank headers, two fields on one column and non-objects', () => {
    expect(checkColumnMapping({ mail: 'x' })).toMatchObject({ ok: false, details: [{ field: 'columns.mail' }] });
    expect(checkColumnMapping({ email: ' ' })).toMatchObject({ ok: false, details: [{ field: 'columns.email' }] });
    expect(checkColumnMapping({ email: 'A', firstName: 'a' })).toMatchObject({ ok: false, details: [{ field: 'columns.firstName', message: 'names the same column as columns.email ("a")' }] });
    expect(checkColumnMapping(['email'])).toMatchObject({ ok: false, details: [{ field: 'columns' }] });
  });
});

describe('resolveHeader', () => {
  it('finds columns case-insensitively, through the mapping, and ignores unknown columns', () => {
    const layout = layoutOf(['Notes', ' EMAIL ', 'Given', 'licensename'], { firstName: 'given' });
    expect(layout).toEqual({ index: { email: 1, firstName: 2, licenseName: 3 }, names: { email: 'EMAIL', firstName: 'Given', licenseName: 'licensename' }, width: 4 });
  });
  it('names the missing email column', () => {
    expect(resolveHeader(['name'], {})).toMatchObject({ ok: false, message: expect.stringContaining('no "email" column'), details: [{ field: 'columns.email' }] });
    expect(resolveHeader(['name'], { email: 'Mail' })).toMatchObject({ ok: false, details: [{ field: 'columns.email', message: 'names the column "Mail", which the header does not have' }] });
  });
  it('refuses license columns without licenseName and repeated columns', () => {
    expect(resolveHeader(['email', 'licenseStatus'], {})).toMatchObject({ ok: false, details: [{ field: 'columns.licenseName' }] });
    expect(resolveHeader(['email', 'Email'], {})).toMatchObject({ ok: false, details: [{ field: 'columns.email', message: expect.stringContaining('2 times (columns 1, 2)') }] });
  });
});

describe('readRow', () => {
  const layout = layoutOf(['email', 'firstName', 'roles', 'licenseName', 'licenseStatus', 'unassignedAmount', 'pricePerUser']);
  it('turns cells into the payload rows: blank is absent, roles split on ";", numbers as numbers', () => {
    expect(readRow(['ada@example.com', ' ', 'admin; billing', 'Pro', 'inactive', '3', '1299'], layout)).toEqual({
      ok: true,
      user: { email: 'ada@example.com', roles: ['admin', ' billing'] },
      license: { name: 'Pro', unassignedAmount: 3, pricePerUser: 1299, user: { email: 'ada@example.com', licenseStatus: 'inactive' } },
    });
    expect(readRow(['ada@example.com', 'Ada', '', '', '', '', ''], layout)).toEqual({ ok: true, user: { email: 'ada@example.com', firstName: 'Ada' } });
  });
  it('keeps values the validator must refuse as they are (12.99 cents, words)', () => {
    const row = readRow(['a@example.com', '', '', 'Pro', '', 'lots', '12.99'], layout);
    expect(row).toMatchObject({ ok: true, license: { unassignedAmount: 'lots', pricePerUser: 12.99 } });
  });
  it('reports a wrong number of fields and license values without a name', () => {
    expect(readRow(['a@example.com'], layout)).toEqual({ ok: false, field: '', message: 'has 1 field; the header has 7' });
    expect(readRow(['a@example.com', '', '', '', '', '', '5'], layout)).toEqual({ ok: false, field: 'licenseName', message: 'is blank, but pricePerUser is set: a license needs its name' });
  });
});

describe('helpers', () => {
  it('normalises email keys and recognises CSV content types', () => {
    expect(emailKey(' Ada@Example.COM ')).toBe('ada@example.com');
    expect(emailKey(3)).toBe('');
    expect(isCsvContentType('text/csv; charset=utf-8')).toBe(true);
    expect(isCsvContentType('application/json')).toBe(false);
  });
});

async function records(text: string) {
  const out = [];
  for await (const r of readCsvRecords(Readable.from([Buffer.from(text)]))) out.push(r);
  return out;
}

describe('readCsvRecords', () => {
  it('reads RFC 4180 quoting, a BOM, CRLF and blank lines, with the line each record starts on', async () => {
    expect(await records('\ufeffa,b\r\n"x, ""y""","multi\r\nline"\r\n\r\nlast,1\r\n')).toEqual([
      { kind: 'record', line: 1, cells: ['a', 'b'] },
      { kind: 'record', line: 2, cells: ['x, "y"', 'multi\r\nline'] },
      { kind: 'record', line: 5, cells: ['last', '1'] },
    ]);
  });
  it('reports a quote that is never closed as an error item', async () => {
    const out = await records('a\n1\n"open\n');
    expect(out.slice(0, 2)).toEqual([
      { kind: 'record', line: 1, cells: ['a'] },
      { kind: 'record', line: 2, cells: ['1'] },
    ]);
    expect(out[2]).toMatchObject({ kind: 'error', line: 3, message: expect.stringContaining('not closed') });
  });
});

async function transcode(text: string, mapping = {}) {
  const source = csvSyncSource(Readable.from([Buffer.from(text)]), mapping);
  const items = [];
  for await (const item of readSyncPayload(source.stream)) items.push(item);
  return { items, source };
}

describe('csvSyncSource', () => {
  it('yields the payload items of the equivalent JSON: one user per email, licenses grouped with their users', async () => {
    const { items } = await transcode('email,licenseName,pricePerUser\nann@example.com,Pro,100\nbob@example.com,Team,\nANN@example.com,Team,\n');
    expect(items).toEqual([
      { kind: 'user', index: 0, raw: { email: 'ann@example.com' } },
      { kind: 'user', index: 1, raw: { email: 'bob@example.com' } },
      { kind: 'license-user', license: 'Pro', licenseIndex: 0, index: 0, raw: { email: 'ann@example.com' } },
      { kind: 'license', index: 0, raw: { name: 'Pro', pricePerUser: 100, unassignedAmount: undefined, usersCount: 1 } },
      { kind: 'license-user', license: 'Team', licenseIndex: 1, index: 0, raw: { email: 'bob@example.com' } },
      { kind: 'license-user', license: 'Team', licenseIndex: 1, index: 1, raw: { email: 'ANN@example.com' } },
      { kind: 'license', index: 1, raw: { name: 'Team', pricePerUser: undefined, unassignedAmount: undefined, usersCount: 2 } },
    ]);
  });

  it('names validator errors by line and column', async () => {
    const { source } = await transcode('Mail,x\na@example.com,1\nbad,2\n', { email: 'Mail' });
    const finished = source.finish({ ok: true, counts: { users: 1, licenses: 0, licenseUsers: 0, removedUsers: 0, removedLicenses: 0, rowErrors: 1 }, rowErrors: [{ section: 'users', row: 1, field: 'email', message: 'is wrong' }] });
    expect(finished).toMatchObject({ ok: true, counts: { rowErrors: 1 }, rowErrors: [{ section: 'users', row: 3, line: 3, column: 'Mail', field: 'email' }] });
    expect(formatCsvRowError({ section: 'users', row: 3, line: 3, column: 'Mail', field: 'email', message: 'is wrong' })).toBe('line 3, column "Mail": is wrong');
  });

  it('fails the whole file on a header without email and on a file without rows', async () => {
    await expect(transcode('name\nx\n')).rejects.toBeInstanceOf(CsvFileError);
    await expect(transcode('email\n')).rejects.toThrow('has a header but no data row');
    await expect(transcode('email,x\na@example.com\n')).rejects.toMatchObject({ rowErrors: [{ line: 2, message: 'has 1 field; the header has 2' }] });
    await expect(transcode('')).rejects.toThrow('The CSV file is empty');
  });
});
