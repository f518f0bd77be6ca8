import { Readable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RowError, validateLicense, validateLicenseUser, validateUser } from '../../src/inventory/payload/validate.js';
import { applySync } from '../../src/inventory/sync-apply.js';
import { migrateToLatest, type Store } from '../../src/store/db.js';
import { createTestStoreEnv, type TestStoreEnv } from '../helpers/store.js';

/**
 * applySync against a model of the payload contract (docs/inventory-payload.md), computed from the
 * whole file with JSON.parse and the row validators: whatever the layout (users or licenses first,
 * a license's name before or after its users), the store ends up as the model says, with the same
 * counts and row errors. Covers the paths of sync-apply.ts: license users written as they come,
 * staged ones, a refused license taking back its users, repeated license names, re-syncs.
 */

let storeEnv: TestStoreEnv;
let store: Store;

beforeAll(async () => {
  storeEnv = createTestStoreEnv();
  store = await storeEnv.open();
  const migrated = await migrateToLatest(store);
  if (migrated.error) throw migrated.error;
});
afterAll(async () => {
  await store.close();
  await storeEnv.destroy();
});

interface Payload {
  users: unknown[];
  licenses: Array<Record<string, unknown>>;
}

/** What the store must hold for the account after syncing `file`, and the sync's answer. */
function model(file: Payload) {
  const users = new Map<string, { status: string; first_name: string | null }>();
  const errors: RowError[] = [];
  const licenseUserErrors: RowError[] = [];
  file.users.forEach((raw, index) => {
    const result = validateUser(raw, index);
    if (!result.ok) return errors.push(result.error);
    if (users.has(result.user.email)) return errors.push({ section: 'users', row: index, field: 'email', message: 'duplicate' });
    users.set(result.user.email, { status: result.user.status, first_name: result.user.firstName });
  });
  const lookup = { get: (email: string) => users.get(email)?.status as 'active' | 'deleted' | undefined };
  const licenses = new Map<string, { unassigned_amount: number | null; price_per_user: number | null }>();
  const assignments = new Map<string, string>();
  let validLicenses = 0;
  let licenseUsers = 0;
  file.licenses.forEach((raw, index) => {
    const result = validateLicense(raw, index);
    if (!result.ok) return errors.push(result.error);
    validLicenses++;
    licenses.set(result.license.name, { unassigned_amount: result.license.unassignedAmount, price_per_user: result.license.pricePerUser });
    ((raw.users as unknown[] | undefined) ?? []).forEach((user, row) => {
      const checked = validateLicenseUser(user, row, result.license.name, lookup);
      if (!checked.ok) return licenseUserErrors.push(checked.error);
      licenseUsers++;
      assignments.set(`${result.license.name}\u0000${checked.licenseUser.email}`, checked.licenseUser.licenseStatus);
    });
  });
  return {
    users,
    licenses,
    assignments,
    counts: { users: users.size, licenses: validLicenses, licenseUsers, rowErrors: errors.length + licenseUserErrors.length },
    licenseUserErrors,
    otherErrors: errors,
  };
}

async function state(account: string) {
  const db = store.db;
  const users = await db.selectFrom('inv_users').select(['email', 'status', 'first_name', 'removed_at']).where('app_account_id', '=', account).orderBy('email').execute();
  const licenses = await db.selectFrom('inv_licenses').select(['name', 'unassigned_amount', 'price_per_user', 'removed_at']).where('app_account_id', '=', account).orderBy('name').execute();
  const assignments = await db.selectFrom('inv_license_users').select(['license_name', 'email', 'license_status']).where('app_account_id', '=', account).execute();
  return { users, licenses, assignments };
}

const emails = ['ann@example.com', 'Bob@Example.com', 'cy@example.com', 'dee@example.com', 'ghost@example.com', 'nope'];
const user = fc.record(
  {
    email: fc.constantFrom(...emails),
    firstName: fc.constantFrom('Ann', ' Bo ', null),
    status: fc.constantFrom('active', 'deleted', 'gone'),
    lastUsedDate: fc.constantFrom('2024-05-31', '2024-02-30', '2024-05-31T09:30:00+02:00'),
  },
  { requiredKeys: ['email'] },
);
const licenseUser = fc.oneof(
  fc.record({ email: fc.constantFrom(...emails), licenseStatus: fc.constantFrom('active', 'inactive', 'suspended') }, { requiredKeys: ['email'] }),
  fc.constant('not an object'),
);
const license = fc.record({
  name: fc.constantFrom('Pro', ' Pro ', 'Team', ''),
  pricePerUser: fc.constantFrom(1299, 12.99, null),
  users: fc.array(licenseUser, { maxLength: 6 }),
  nameLast: fc.boolean(),
});
const file = fc.record({
  users: fc.array(fc.oneof(user, fc.constant(7)), { minLength: 1, maxLength: 8 }),
  licenses: fc.array(license, { maxLength: 4 }),
  licensesFirst: fc.boolean(),
});

/** The file as text in the layout asked for: licenses or users first, each license's name first or last. */
type Generated = typeof file extends fc.Arbitrary<infer T> ? T : never;

function text(f: Generated): { json: string; payload: Payload } {
  const licenses = f.licenses.map(({ nameLast, name, pricePerUser, users }) => (nameLast ? { users, pricePerUser, name } : { name, pricePerUser, users }));
  const payload = { users: f.users, licenses };
  return { json: JSON.stringify(f.licensesFirst ? { licenses, users: f.users } : payload), payload };
}

function* chunked(bytes: Buffer, size: number): Generator<Buffer> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

let run = 0;
async function sync(account: string, json: string, parallel: boolean, chunk = 7 + (run % 50)) {
  const syncId = `s${(run++).toString().padStart(23, '0')}`;
  // Small chunks, so that rows cross chunk boundaries (and, in parallel, many messages cross threads).
  const source = Readable.from(chunked(Buffer.from(json), chunk));
  return applySync(store.db, { syncId, teamId: 'team', appAccountId: account, source, parallel });
}

describe.each([false, true])('applySync follows the payload contract in every layout (parallel: %s)', (parallel) => {
  it('store, counts and row errors match the model, over two syncs of the same account', async () => {
    let accounts = 0;
    await fc.assert(
      fc.asyncProperty(file, file, async (first, second) => {
        const account = `${parallel ? 'par' : 'seq'}${(accounts++).toString().padStart(20, '0')}`;
        const a = text(first);
        await sync(account, a.json, parallel);
        const b = text(second);
        const outcome = await sync(account, b.json, parallel);
        const expected = model(b.payload);
        if (expected.users.size === 0) {
          expect(outcome).toMatchObject({ ok: false, message: expect.stringContaining('no valid user') });
          return;
        }
        if (!outcome.ok) throw new Error(outcome.message);
        expect(outcome.counts).toMatchObject(expected.counts);
        // License users' errors come last, in file order; the others in file order of their own layout.
        const licenseUserErrors = outcome.rowErrors.filter((e) => e.section === 'licenses.users');
        expect(licenseUserErrors).toEqual(expected.licenseUserErrors);
        expect(outcome.rowErrors.slice(outcome.rowErrors.length - licenseUserErrors.length)).toEqual(licenseUserErrors);
        const where = (e: RowError) => `${e.section}[${e.row}].${e.field}`;
        expect(outcome.rowErrors.filter((e) => e.section !== 'licenses.users').map(where).sort()).toEqual(expected.otherErrors.map(where).sort());

        const s = await state(account);
        expect(s.users.filter((u) => u.removed_at === null).map((u) => [u.email, u.status, u.first_name])).toEqual(
          [...expected.users.entries()].sort(([x], [y]) => (x < y ? -1 : 1)).map(([email, u]) => [email, u.status, u.first_name]),
        );
        expect(s.users.filter((u) => u.removed_at !== null).every((u) => !expected.users.has(u.email))).toBe(true);
        expect(s.licenses.filter((l) => l.removed_at === null).map((l) => [l.name, l.unassigned_amount, l.price_per_user])).toEqual(
          [...expected.licenses.entries()].sort(([x], [y]) => (x < y ? -1 : 1)).map(([name, l]) => [name, l.unassigned_amount, l.price_per_user]),
        );
        expect(new Map(s.assignments.map((r) => [`${r.license_name}\u0000${r.email}`, r.license_status]))).toEqual(expected.assignments);
      }),
      // A worker per sync is slow to start from the TypeScript sources: fewer runs in parallel.
      { numRuns: parallel ? 5 : 60 },
    );
  }, 120_000);
});

describe.each([false, true])('applySync refuses a file as a whole, leaving the previous state (parallel: %s)', (parallel) => {
  it('cut short after valid rows, or with no valid user', async () => {
    const account = `refused${parallel ? 'par' : 'seq'}`.padEnd(24, '0');
    const good = await sync(account, JSON.stringify({ users: [{ email: 'ann@example.com' }], licenses: [{ name: 'Pro', users: [{ email: 'ann@example.com' }] }] }), parallel);
    expect(good).toMatchObject({ ok: true, counts: { users: 1, licenseUsers: 1 } });
    const before = await state(account);
    const rows = Array.from({ length: 3000 }, (_, i) => JSON.stringify({ email: `u${i}@example.com` })).join(',');
    const cut = await sync(account, `{"users":[${rows},{"email":"x@example.com"},{"email":`, parallel);
    expect(cut).toMatchObject({ ok: false, message: expect.stringContaining('cannot be read') });
    const none = await sync(account, JSON.stringify({ users: [{ email: 'nope' }, 7] }), parallel);
    expect(none).toEqual({
      ok: false,
      message: 'The file has no valid user; at least one is required (see the row errors).',
      rowErrors: [expect.objectContaining({ section: 'users', row: 0, field: 'email' }), expect.objectContaining({ section: 'users', row: 1, field: '' })],
    });
    expect(await state(account)).toEqual(before);
  }, 60_000);
});

describe.each([false, true])('a license the reader refuses after its users (parallel: %s)', (parallel) => {
  it('takes back the users written for it', async () => {
    const account = `oversized${parallel ? 'par' : 'seq'}`.padEnd(24, '0');
    const huge = JSON.stringify(Array.from({ length: 150_000 }, () => 12345678));
    const json = `{"users":[{"email":"ann@example.com"},{"email":"bob@example.com"}],"licenses":[{"name":"Pro","users":[{"email":"ann@example.com"}],"pricePerUser":${huge}},{"name":"Team","users":[{"email":"bob@example.com"}]}]}`;
    const outcome = await sync(account, json, parallel, 64 * 1024);
    expect(outcome).toMatchObject({ ok: true, counts: { users: 2, licenses: 1, licenseUsers: 1, rowErrors: 1 } });
    expect(outcome.rowErrors).toEqual([expect.objectContaining({ section: 'licenses', row: 0, field: 'pricePerUser', message: expect.stringContaining('larger than 1 MiB') })]);
    expect((await state(account)).assignments).toEqual([{ license_name: 'Team', email: 'bob@example.com', license_status: 'active' }]);
  }, 60_000);
});
