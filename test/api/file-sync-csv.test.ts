import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';

type Sync = { id: string; status: string; counts: Record<string, number>; rowErrors: Array<{ section: string; row: number; line: number; column?: string; field: string; message: string; text: string }>; error: string | null };
type ErrorBody = { error: { code: string; message: string; details: Array<{ field: string; message: string }> } };

let server: TestServer;
let appId: string;

beforeAll(async () => {
  server = await startTestServer();
  appId = (await server.request<{ app: { id: string } }>('POST', '/v1.0/apps/custom', { name: 'Seat Counter', category: 'IT Management' })).body.app.id;
});
afterAll(async () => {
  await server.close();
});

async function anAccount(name: string): Promise<string> {
  const res = await server.request<{ appAccount: { id: string } }>('POST', '/v1.0/app-accounts', { idApp: appId, name });
  expect(res.status, res.text).toBe(200);
  return res.body.appAccount.id;
}

/** Steps 1–4 through the upload URL; answers the POST /v1.0/files response. */
async function register(content: string, type: string, columns?: Record<string, string>) {
  const url = await server.request<{ uploadFileParameters: { url: string; filePath: string } }>('GET', `/v1.0/files/url?name=users.csv&type=${encodeURIComponent(type)}`);
  expect(url.status, url.text).toBe(200);
  const put = await fetch(url.body.uploadFileParameters.url, { method: 'PUT', headers: { 'content-type': type }, body: content });
  expect(put.status).toBe(200);
  return server.request<{ id: number } & ErrorBody>('POST', '/v1.0/files', { path: url.body.uploadFileParameters.filePath, type: 'customIntegrationData', ...(columns ? { columns } : {}) });
}

async function sync(idFile: number, account: string): Promise<Sync> {
  const started = await server.request<{ sync: { id: string } }>('PUT', '/v1.0/services/sync/custom', { idFile, idAppAccount: account });
  expect(started.status, started.text).toBe(202);
  await server.context.syncs.idle();
  return (await server.request<{ sync: Sync }>('GET', `/v1.0/services/sync/custom/${started.body.sync.id}`)).body.sync;
}

async function syncCsv(content: string, account: string, columns?: Record<string, string>): Promise<Sync> {
  const file = await register(content, 'text/csv', columns);
  expect(file.status, file.text).toBe(200);
  return sync(file.body.id, account);
}

async function state(account: string) {
  const db = server.context.store.db;
  const users = await db.selectFrom('inv_users').select(['email', 'original_email', 'external_id', 'first_name', 'last_name', 'status', 'external_status', 'roles', 'last_used_date', 'removed_at']).where('app_account_id', '=', account).orderBy('email').execute();
  const licenses = await db.selectFrom('inv_licenses').select(['name', 'unassigned_amount', 'price_per_user', 'removed_at']).where('app_account_id', '=', account).orderBy('name').execute();
  const assignments = await db.selectFrom('inv_license_users').select(['license_name', 'email', 'license_status']).where('app_account_id', '=', account).orderBy('license_name').orderBy('email').execute();
  return { users, licenses, assignments };
}

const JSON_FILE = {
  users: [
    { email: 'Ann@Example.com', id: 'u-1', firstName: 'Ann', lastName: 'Lee, Jr.', status: 'active', externalStatus: 'Active', roles: ['admin', 'billing'], lastUsedDate: '2026-11-01' },
    { email: 'bob@example.com', firstName: 'Bob "the builder"', lastName: 'Stone\nSmith', lastUsedDate: '2026-11-20T10:00:00Z' },
    { email: 'cy@example.com', status: 'deleted', externalStatus: 'Removed' },
  ],
  licenses: [
    { name: 'Pro', unassignedAmount: 3, pricePerUser: 1200, users: [{ email: 'ann@example.com' }, { email: 'cy@example.com', licenseStatus: 'inactive' }] },
    { name: 'Audit', users: [{ email: 'ann@example.com' }] },
  ],
};

// The same data as CSV: a BOM, CRLF, quoted commas, quotes and a line break; Ann's second license on a second row.
const CSV_FILE =
  '\ufeffemail,id,firstName,lastName,status,externalStatus,roles,lastUsedDate,licenseName,licenseStatus,unassignedAmount,pricePerUser\r\n' +
  'Ann@Example.com,u-1,Ann,"Lee, Jr.",active,Active,admin;billing,2026-11-01,Pro,,3,1200\r\n' +
  'bob@example.com,,"Bob ""the builder""","Stone\nSmith",,,,2026-11-20T10:00:00Z,,,,\r\n' +
  'cy@example.com,,,,deleted,Removed,,,Pro,inactive,,1200\r\n' +
  'ann@example.com,,,,,,,,Audit,,,\r\n';

describe('CSV sync files', () => {
  it('gives the same inventory as the equivalent JSON file (upload URL flow)', async () => {
    const fromJson = await anAccount('from json');
    const fromCsv = await anAccount('from csv');
    const jsonFile = await register(JSON.stringify(JSON_FILE), 'application/json');
    const jsonSync = await sync(jsonFile.body.id, fromJson);
    const csvSync = await syncCsv(CSV_FILE, fromCsv);
    expect(csvSync).toMatchObject({ status: 'success', counts: { users: 3, licenses: 2, licenseUsers: 3, rowErrors: 0 }, rowErrors: [], error: null });
    expect(csvSync.counts).toEqual(jsonSync.counts);
    const csvState = await state(fromCsv);
    expect(csvState).toEqual(await state(fromJson));
    expect(csvState.users[1]).toMatchObject({ first_name: 'Bob "the builder"', last_name: 'Stone\nSmith' });
    // And through the read API.
    const listed = await server.request<{ users: Array<{ email: string }> }>('GET', `/v1.0/apps/${appId}/users`);
    expect(listed.status, listed.text).toBe(200);
  });

  it('maps differently named columns given at registration', async () => {
    const account = await anAccount('mapped');
    const csv = 'E-mail address,Given name,Plan\nada@example.com,Ada,Enterprise\ngrace@example.com,Grace,\n';
    const result = await syncCsv(csv, account, { email: 'E-mail address', firstName: 'given NAME', licenseName: 'Plan' });
    expect(result).toMatchObject({ status: 'success', counts: { users: 2, licenses: 1, licenseUsers: 1 } });
    const s = await state(account);
    expect(s.users.map((u) => [u.email, u.first_name])).toEqual([
      ['ada@example.com', 'Ada'],
      ['grace@example.com', 'Grace'],
    ]);
    expect(s.assignments).toEqual([{ license_name: 'Enterprise', email: 'ada@example.com', license_status: 'active' }]);
  });

  it('takes a CSV file and its columns through POST /v1.0/files/upload', async () => {
    const account = await anAccount('multipart');
    const form = new FormData();
    form.set('type', 'customIntegrationData');
    form.set('columns', JSON.stringify({ email: 'Mail' }));
    form.set('file', new Blob(['Mail,firstName\r\nzoe@example.com,Zoe\r\n'], { type: 'text/csv' }), 'people.csv');
    const res = await fetch(`${server.url}/v1.0/files/upload`, { method: 'POST', headers: { authorization: `Bearer ${server.adminKey}` }, body: form });
    expect(res.status).toBe(200);
    const file = (await res.json()) as { id: number };
    const result = await sync(file.id, account);
    expect(result).toMatchObject({ status: 'success', counts: { users: 1 } });
    expect((await state(account)).users).toEqual([expect.objectContaining({ email: 'zoe@example.com', first_name: 'Zoe' })]);

    // Sent as application/octet-stream (what curl -F does) with a .csv name: read as CSV.
    const generic = new FormData();
    generic.set('type', 'customIntegrationData');
    generic.set('file', new Blob(['email,firstName\nyan@example.com,Yan\n'], { type: 'application/octet-stream' }), 'people.csv');
    const octet = await fetch(`${server.url}/v1.0/files/upload`, { method: 'POST', headers: { authorization: `Bearer ${server.adminKey}` }, body: generic });
    expect(octet.status).toBe(200);
    expect(await sync(((await octet.json()) as { id: number }).id, account)).toMatchObject({ status: 'success', counts: { users: 1, removedUsers: 1 } });

    const bad = new FormData();
    bad.set('type', 'customIntegrationData');
    bad.set('columns', '{not json');
    bad.set('file', new Blob(['Mail\nzoe@example.com\n'], { type: 'text/csv' }), 'people.csv');
    const refused = await fetch(`${server.url}/v1.0/files/upload`, { method: 'POST', headers: { authorization: `Bearer ${server.adminKey}` }, body: bad });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as ErrorBody).error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'columns', message: 'is not valid JSON' }] });

    const noEmail = new FormData();
    noEmail.set('type', 'customIntegrationData');
    noEmail.set('file', new Blob(['Mail\nzoe@example.com\n'], { type: 'text/csv' }), 'people.csv');
    const missing = await fetch(`${server.url}/v1.0/files/upload`, { method: 'POST', headers: { authorization: `Bearer ${server.adminKey}` }, body: noEmail });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as ErrorBody).error.message).toContain('no "email" column');
  });

  it('refuses at registration a header without the email column, naming it', async () => {
    const res = await register('name,firstName\nada@example.com,Ada\n', 'text/csv');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.message).toBe(
      'The CSV header does not fit the sync payload: columns.email the header has no "email" column; name the column that holds the email with columns.email (the header is: name, firstName).',
    );
    expect(res.body.error.details[0]).toEqual({ field: 'columns.email', message: expect.stringContaining('no "email" column') });
  });

  it('refuses a mapping to a column the header lacks, an unknown field, and columns on a JSON file', async () => {
    const missing = await register('email,firstName\nada@example.com,Ada\n', 'text/csv', { firstName: 'Given name' });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details).toEqual([{ field: 'columns.firstName', message: 'names the column "Given name", which the header does not have' }]);

    const unknown = await register('email\nada@example.com\n', 'text/csv', { nickname: 'Nick' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details[0]?.field).toBe('columns.nickname');

    const twice = await register('email,email\nada@example.com,ada@example.com\n', 'text/csv');
    expect(twice.status).toBe(400);
    expect(twice.body.error.details[0]?.message).toContain('2 times');

    const orphan = await register('email,pricePerUser\nada@example.com,100\n', 'text/csv');
    expect(orphan.status).toBe(400);
    expect(orphan.body.error.details[0]).toMatchObject({ field: 'columns.licenseName' });

    const json = await register(JSON.stringify({ users: [{ email: 'ada@example.com' }] }), 'application/json', { email: 'Mail' });
    expect(json.status).toBe(400);
    expect(json.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'columns', message: 'is only for text/csv files' }] });

    const empty = await register('', 'text/csv');
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toContain('The CSV file is empty');
  });

  it('reports bad rows by line and column and syncs the good rows (partial)', async () => {
    const account = await anAccount('row errors');
    const csv = [
      'Mail,firstName,lastUsedDate,licenseName,pricePerUser', // 1
      'ann@example.com,Ann,2026-11-01,Pro,1200', // 2
      'not-an-email,Bad,,,', // 3
      'dan@example.com,Dan,31/05/2024,,', // 4
      'eve@example.com,Eve', // 5: too few fields
      'ann@example.com,,,,', // 6: same user again without a license
      'fay@example.com,Fay,,Pro,999', // 7: another price for Pro
      'gus@example.com,"Gus ""G""",,Pro,12.99', // 8: cents must be whole (user kept, license conflicts first)
      'hal@example.com,Hal,,,5', // 9: price without license name
      'ivy@example.com,Ivy,,,', // 10
      'jon@example.com,"Jon', // 11: quote never closed
    ].join('\r\n');
    const result = await syncCsv(csv, account, { email: 'Mail' });
    expect(result.status).toBe('partial');
    expect(result.counts).toMatchObject({ users: 4, licenseUsers: 1, rowErrors: 8 });
    const where = result.rowErrors.map((e) => `${e.line}:${e.column ?? ''}`);
    expect(where).toEqual(['3:Mail', '4:lastUsedDate', '5:', '6:Mail', '7:pricePerUser', '8:pricePerUser', '9:licenseName', '11:']);
    expect(result.rowErrors[0]).toMatchObject({ section: 'users', row: 3, line: 3, field: 'email', text: 'line 3, column "Mail": must be an email address like "ada@example.com", not "not-an-email"' });
    expect(result.rowErrors[2]?.text).toBe('line 5: has 2 fields; the header has 5');
    expect(result.rowErrors[4]?.text).toContain('is 999 here but 1200 on line 2 for the license "Pro"');
    expect(result.rowErrors[7]?.message).toContain('not closed');
    const s = await state(account);
    expect(s.users.map((u) => u.email)).toEqual(['ann@example.com', 'fay@example.com', 'gus@example.com', 'ivy@example.com']);
    expect(s.users.find((u) => u.email === 'gus@example.com')?.first_name).toBe('Gus "G"');
    expect(s.assignments).toEqual([{ license_name: 'Pro', email: 'ann@example.com', license_status: 'active' }]);
  });

  it('fails the sync of a file with a header and no data row, keeping the previous state', async () => {
    const account = await anAccount('header only');
    await syncCsv('email\nkeep@example.com\n', account);
    const result = await syncCsv('email,firstName\r\n', account);
    expect(result).toMatchObject({ status: 'failed', error: 'The file cannot be read: The CSV file has a header but no data row; at least one user is required.' });
    expect((await state(account)).users).toEqual([expect.objectContaining({ email: 'keep@example.com', removed_at: null })]);
    // Rows that are all unreadable: the sync fails and says why, row by row.
    const unreadable = await syncCsv('email,firstName\nann@example.com\nbob@example.com,Bob,extra\n', account);
    expect(unreadable).toMatchObject({ status: 'failed', error: "The file cannot be read: None of the CSV file's data rows could be read (2 row errors); at least one user is required." });
    expect(unreadable.rowErrors.map((e) => e.text)).toEqual(['line 2: has 1 field; the header has 2', 'line 3: has 3 fields; the header has 2']);
    expect((await state(account)).users).toEqual([expect.objectContaining({ email: 'keep@example.com', removed_at: null })]);
  });

  it('marks users absent from the next CSV file as removed', async () => {
    const account = await anAccount('removal');
    await syncCsv('email\na@example.com\nb@example.com\n', account);
    const second = await syncCsv('email\na@example.com\n', account);
    expect(second.counts).toMatchObject({ users: 1, removedUsers: 1 });
    expect((await state(account)).users.find((u) => u.email === 'b@example.com')?.removed_at).toEqual(expect.any(String));
  });

  it('streams a large file with many license users spilled to disk', async () => {
    const account = await anAccount('large');
    const rows = ['email,licenseName,licenseStatus'];
    for (let i = 0; i < 3000; i++) rows.push(`user${i}@example.com,${i % 2 === 0 ? 'Pro' : 'Basic'},${i % 3 === 0 ? 'inactive' : ''}`);
    const result = await syncCsv(rows.join('\n'), account);
    expect(result).toMatchObject({ status: 'success', counts: { users: 3000, licenses: 2, licenseUsers: 3000, rowErrors: 0 } });
    const s = await state(account);
    expect(s.assignments.filter((a) => a.license_name === 'Pro')).toHaveLength(1500);
    expect(s.assignments.find((a) => a.email === 'user3@example.com')).toEqual({ license_name: 'Basic', email: 'user3@example.com', license_status: 'inactive' });
  });
});
