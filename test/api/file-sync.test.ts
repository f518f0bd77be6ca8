import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';

type Sync = { id: string; status: string; counts: Record<string, number>; rowErrors: Array<{ section: string; row: number; field: string; message: string; text: string }>; error: string | null };

let server: TestServer;
let accountId: string;

beforeAll(async () => {
  server = await startTestServer();
  const app = await server.request<{ app: { id: string } }>('POST', '/v1.0/apps/custom', { name: 'Seat Counter', category: 'IT Management' });
  accountId = (await server.request<{ appAccount: { id: string } }>('POST', '/v1.0/app-accounts', { idApp: app.body.app.id, name: 'Seat Counter (prod)' })).body.appAccount.id;
});
afterAll(async () => {
  await server.close();
});

/** The five steps exactly as a script calls them; answers the finished sync. */
async function syncFile(payload: unknown, account = accountId): Promise<Sync> {
  const url = await server.request<{ uploadFileParameters: { url: string; filePath: string } }>('GET', '/v1.0/files/url?name=users.json&type=application/json');
  const put = await fetch(url.body.uploadFileParameters.url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: typeof payload === 'string' ? payload : JSON.stringify(payload) });
  expect(put.status).toBe(200);
  const file = await server.request<{ id: number }>('POST', '/v1.0/files', { path: url.body.uploadFileParameters.filePath, type: 'customIntegrationData' });
  const started = await server.request<{ sync: { id: string; status: string } }>('PUT', '/v1.0/services/sync/custom', { idFile: file.body.id, idAppAccount: account });
  expect(started.status, started.text).toBe(202);
  expect(started.body.sync.status).toBe('running');
  await server.context.syncs.idle();
  return (await server.request<{ sync: Sync }>('GET', `/v1.0/services/sync/custom/${started.body.sync.id}`)).body.sync;
}

async function state(account = accountId) {
  const db = server.context.store.db;
  const users = await db.selectFrom('inv_users').select(['email', 'first_name', 'status', 'roles', 'last_used_date', 'removed_at']).where('app_account_id', '=', account).orderBy('email').execute();
  const licenses = await db.selectFrom('inv_licenses').select(['name', 'unassigned_amount', 'price_per_user', 'removed_at']).where('app_account_id', '=', account).orderBy('name').execute();
  const assignments = await db.selectFrom('inv_license_users').select(['license_name', 'email', 'license_status']).where('app_account_id', '=', account).orderBy('license_name').orderBy('email').execute();
  return { users, licenses, assignments };
}

const FILE = {
  users: [
    { email: 'Ann@Example.com', firstName: 'Ann', roles: ['admin', 'admin'], lastUsedDate: '2026-11-01' },
    { email: 'bob@example.com', firstName: 'Bob', status: 'active', lastUsedDate: '2026-11-20T10:00:00Z' },
    { email: 'cy@example.com', status: 'deleted' },
  ],
  licenses: [{ name: 'Pro', unassignedAmount: 3, pricePerUser: 1200, users: [{ email: 'ann@example.com' }, { email: 'cy@example.com' }] }],
};

describe('custom integration file sync', () => {
  it('runs the five steps and replaces the account state with the file', async () => {
    const sync = await syncFile(FILE);
    expect(sync).toMatchObject({ status: 'success', counts: { users: 3, licenses: 1, licenseUsers: 2, removedUsers: 0, rowErrors: 0 } });
    const s = await state();
    expect(s.users.map((u) => u.email)).toEqual(['ann@example.com', 'bob@example.com', 'cy@example.com']);
    expect(s.users[0]).toMatchObject({ first_name: 'Ann', roles: '["admin"]', last_used_date: '2026-11-01T00:00:00.000Z', removed_at: null });
    expect(s.assignments).toEqual([
      { license_name: 'Pro', email: 'ann@example.com', license_status: 'active' },
      { license_name: 'Pro', email: 'cy@example.com', license_status: 'deleted' },
    ]);
    const account = await server.request<{ appAccount: { lastSyncStatus: string; lastSyncTime: string } }>('GET', `/v1.0/app-accounts/${accountId}`);
    expect(account.body.appAccount).toMatchObject({ lastSyncStatus: 'success', lastSyncTime: expect.any(String) });
  });

  it('is idempotent: the same file again changes nothing', async () => {
    const before = await state();
    const sync = await syncFile(FILE);
    expect(sync.status).toBe('success');
    expect(await state()).toEqual(before);
  });

  it('marks users absent from the file as removed, with the date, and drops their assignments', async () => {
    const sync = await syncFile({ users: FILE.users.slice(0, 2), licenses: [{ name: 'Pro', users: [{ email: 'ann@example.com' }] }] });
    expect(sync.counts).toMatchObject({ users: 2, removedUsers: 1 });
    const s = await state();
    expect(s.users.find((u) => u.email === 'cy@example.com')?.removed_at).toEqual(expect.any(String));
    expect(s.assignments).toEqual([{ license_name: 'Pro', email: 'ann@example.com', license_status: 'active' }]);
    // Back in the next file: no longer removed.
    await syncFile(FILE);
    expect((await state()).users.every((u) => u.removed_at === null)).toBe(true);
  });

  it('reports bad rows by row and field and applies the good ones (partial)', async () => {
    const sync = await syncFile({
      licenses: [{ name: 'Team', users: [{ email: 'ann@example.com' }, { email: 'ghost@example.com' }] }],
      users: [{ email: 'ann@example.com' }, { email: 'not-an-email' }, { email: 'dan@example.com', lastUsedDate: '20/11/2026' }, { email: 'ann@example.com' }],
    });
    expect(sync.status).toBe('partial');
    expect(sync.counts).toMatchObject({ users: 1, licenseUsers: 1 });
    const where = sync.rowErrors.map((e) => `${e.section}[${e.row}].${e.field}`);
    expect(where).toEqual(expect.arrayContaining(['users[1].email', 'users[2].lastUsedDate', 'users[3].email', 'licenses.users[1].email']));
    expect(sync.rowErrors[0]?.text).toEqual(expect.any(String));
  });

  it('fails a file that cannot be read or has no valid user, leaving the previous state intact', async () => {
    await syncFile(FILE);
    const before = await state();
    const broken = await syncFile('{"users":[{"email":"x@example.com"},');
    expect(broken).toMatchObject({ status: 'failed', error: expect.stringContaining('cannot be read') });
    const empty = await syncFile({ users: [{ email: 'nope' }] });
    expect(empty).toMatchObject({ status: 'failed', error: expect.stringContaining('no valid user') });
    expect(await state()).toEqual(before);
    const account = await server.request<{ appAccount: { lastSyncStatus: string } }>('GET', `/v1.0/app-accounts/${accountId}`);
    expect(account.body.appAccount.lastSyncStatus).toBe('failed');
  });

  it('refuses a second sync of the same account while one runs (409), and unknown files or accounts (404)', async () => {
    await server.context.store.db
      .insertInto('syncs')
      .values({ id: 'ffffffffffffffffffffffff', team_id: server.team.id, app_account_id: accountId, file_id: '1', status: 'running', counts: '{}', row_errors: '[]', error: null, attempt: 1, lease_until: new Date(Date.now() + 60_000).toISOString(), created_at: new Date().toISOString(), finished_at: null })
      .execute();
    const url = await server.request<{ uploadFileParameters: { url: string; filePath: string } }>('GET', '/v1.0/files/url?name=u.json&type=application/json');
    await fetch(url.body.uploadFileParameters.url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(FILE) });
    const file = await server.request<{ id: number }>('POST', '/v1.0/files', { path: url.body.uploadFileParameters.filePath, type: 'customIntegrationData' });
    const busy = await server.request<{ error: { code: string } }>('PUT', '/v1.0/services/sync/custom', { idFile: file.body.id, idAppAccount: accountId });
    expect(busy.status).toBe(409);
    expect(busy.body.error.code).toBe('SYNC_RUNNING');
    await server.context.store.db.deleteFrom('syncs').where('id', '=', 'ffffffffffffffffffffffff').execute();
    expect((await server.request('PUT', '/v1.0/services/sync/custom', { idFile: 1, idAppAccount: accountId })).status).toBe(404);
    expect((await server.request('PUT', '/v1.0/services/sync/custom', { idFile: file.body.id, idAppAccount: '000000000000000000000000' })).status).toBe(404);
  });
});

describe('inventory and insights', () => {
  it('lists users across apps and licenses with utilization and unused cost, as JSON and CSV', async () => {
    const app = await server.request<{ app: { id: string } }>('POST', '/v1.0/apps/custom', { name: 'License Desk' });
    const account = (await server.request<{ appAccount: { id: string } }>('POST', '/v1.0/app-accounts', { idApp: app.body.app.id, name: 'License Desk' })).body.appAccount.id;
    const recent = new Date(Date.now() - 5 * 24 * 3600_000).toISOString();
    const old = new Date(Date.now() - 60 * 24 * 3600_000).toISOString();
    const sync = await syncFile(
      {
        users: [
          { email: 'a@x.test', firstName: '=cmd()', lastUsedDate: recent },
          { email: 'b@x.test', lastUsedDate: old },
          { email: 'c@x.test', status: 'deleted' },
        ],
        licenses: [{ name: 'Pro', unassignedAmount: 3, pricePerUser: 1200, users: [{ email: 'a@x.test' }, { email: 'b@x.test' }, { email: 'c@x.test' }] }],
      },
      account,
    );
    expect(sync.status).toBe('success');

    const users = await server.request<{ users: Array<{ email: string; idApp: string }>; nextCursor: string | null }>('GET', `/v1.0/apps/${app.body.app.id}/users?limit=2`);
    expect(users.body.users.map((u) => u.email)).toEqual(['a@x.test', 'b@x.test']);
    const next = await server.request<{ users: Array<{ email: string }> }>('GET', `/v1.0/apps/${app.body.app.id}/users?limit=2&cursor=${users.body.nextCursor}`);
    expect(next.body.users.map((u) => u.email)).toEqual(['c@x.test']);
    const deleted = await server.request<{ users: Array<{ email: string }> }>('GET', `/v1.0/users?idApp=${app.body.app.id}&status=deleted`);
    expect(deleted.body.users.map((u) => u.email)).toEqual(['c@x.test']);

    const licenses = await server.request<{ licenses: Array<Record<string, unknown>>; apps: Array<Record<string, unknown>> }>('GET', `/v1.0/licenses?idApp=${app.body.app.id}`);
    expect(licenses.body.licenses).toEqual([
      expect.objectContaining({ name: 'Pro', assigned: 3, active: 2, usedLast30Days: 1, usedLast90Days: 2, seats: 6, unusedSeats: 5, unusedMonthlyCost: 6000, pricePerUser: 1200, unassignedAmount: 3 }),
    ]);
    expect(licenses.body.apps).toEqual([expect.objectContaining({ idApp: app.body.app.id, seats: 6, unusedMonthlyCost: 6000 })]);

    const csv = await fetch(`${server.url}/v1.0/apps/${app.body.app.id}/users?format=csv`, { headers: { authorization: `Bearer ${server.adminKey}` } });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const text = await csv.text();
    expect(text.split('\r\n')[0]).toBe('email,firstName,lastName,status,externalStatus,roles,lastUsedDate,removedAt,idApp,idAppAccount');
    expect(text).toContain("'=cmd()");
    expect(text.trim().split('\r\n')).toHaveLength(4);
  });
});
