import type { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import type { Database, InvUsersTable } from '../store/schema.js';
import { readSyncPayload } from './payload/stream.js';
import { type RowError, validateLicense, validateLicenseUser, validateUser, ValidUsers } from './payload/validate.js';

/** How much of the file went where. */
export interface SyncCounts {
  users: number;
  licenses: number;
  licenseUsers: number;
  removedUsers: number;
  removedLicenses: number;
  rowErrors: number;
}

export type ApplyOutcome = { ok: true; counts: SyncCounts; rowErrors: RowError[] } | { ok: false; message: string; rowErrors: RowError[] };

/** Row errors kept on the sync (all are counted). */
export const ROW_ERRORS_KEPT = 1000;
const BATCH = 500;

/** A failed file: the transaction is rolled back, so the previous state stays. */
class FileRefused extends Error {}

/**
 * Applies one payload to an app account inside one transaction: the account's users, licenses
 * and assignments become the file's. Users and licenses absent from the file are marked removed
 * (with the date), not deleted; assignments absent are dropped. Rows are streamed and written in
 * batches, so memory holds one batch and the set of valid emails, whatever the file's size.
 * Any failure rolls the whole transaction back: the previous state is intact.
 */
export async function applySync(
  db: Kysely<Database>,
  input: { syncId: string; teamId: string; appAccountId: string; source: Readable; now?: Date },
): Promise<ApplyOutcome> {
  const rowErrors: RowError[] = [];
  let errorCount = 0;
  const addError = (error: RowError) => {
    errorCount++;
    if (rowErrors.length < ROW_ERRORS_KEPT) rowErrors.push(error);
  };
  const now = (input.now ?? new Date()).toISOString();
  try {
    const counts = await db.transaction().execute(async (trx) => {
      const users = new ValidUsers();
      const validLicenses = new Map<number, string>();
      let userBatch: InvUsersTable[] = [];
      let pending: Array<{ sync_id: string; seq: number; license_index: number; license: string; row: number; raw: string }> = [];
      let seq = 0;
      let licenses = 0;
      const flushUsers = async () => {
        if (userBatch.length === 0) return;
        await trx
          .insertInto('inv_users')
          .values(userBatch)
          .onConflict((oc) =>
            oc.columns(['app_account_id', 'email']).doUpdateSet((eb) => ({
              original_email: eb.ref('excluded.original_email'),
              external_id: eb.ref('excluded.external_id'),
              first_name: eb.ref('excluded.first_name'),
              last_name: eb.ref('excluded.last_name'),
              status: eb.ref('excluded.status'),
              external_status: eb.ref('excluded.external_status'),
              roles: eb.ref('excluded.roles'),
              last_used_date: eb.ref('excluded.last_used_date'),
              removed_at: null,
              seen_sync: eb.ref('excluded.seen_sync'),
            })),
          )
          .execute();
        userBatch = [];
      };
      const flushPending = async () => {
        if (pending.length === 0) return;
        await trx.insertInto('sync_pending_license_users').values(pending).execute();
        pending = [];
      };

      for await (const item of readSyncPayload(input.source)) {
        if (item.kind === 'error') {
          if (item.error.section === 'file') throw new FileRefused(`The file cannot be read: ${item.error.message}`);
          addError(item.error);
        } else if (item.kind === 'user') {
          const result = validateUser(item.raw, item.index);
          if (!result.ok) {
            addError(result.error);
            continue;
          }
          const duplicate = users.add(result.user, item.index);
          if (duplicate) {
            addError(duplicate);
            continue;
          }
          const u = result.user;
          userBatch.push({
            app_account_id: input.appAccountId,
            email: u.email,
            team_id: input.teamId,
            original_email: u.originalEmail,
            external_id: u.id,
            first_name: u.firstName,
            last_name: u.lastName,
            status: u.status,
            external_status: u.externalStatus,
            roles: JSON.stringify(u.roles),
            last_used_date: u.lastUsedDate,
            removed_at: null,
            seen_sync: input.syncId,
          });
          if (userBatch.length >= BATCH) await flushUsers();
        } else if (item.kind === 'license') {
          const result = validateLicense(item.raw, item.index);
          if (!result.ok) {
            addError(result.error);
            continue;
          }
          licenses++;
          validLicenses.set(item.index, result.license.name);
          await trx
            .insertInto('inv_licenses')
            .values({ app_account_id: input.appAccountId, name: result.license.name, team_id: input.teamId, unassigned_amount: result.license.unassignedAmount, price_per_user: result.license.pricePerUser, removed_at: null, seen_sync: input.syncId })
            .onConflict((oc) =>
              oc.columns(['app_account_id', 'name']).doUpdateSet((eb) => ({
                unassigned_amount: eb.ref('excluded.unassigned_amount'),
                price_per_user: eb.ref('excluded.price_per_user'),
                removed_at: null,
                seen_sync: eb.ref('excluded.seen_sync'),
              })),
            )
            .execute();
        } else {
          pending.push({ sync_id: input.syncId, seq: seq++, license_index: item.licenseIndex, license: item.license, row: item.index, raw: JSON.stringify(item.raw) });
          if (pending.length >= BATCH) await flushPending();
        }
      }
      await flushUsers();
      await flushPending();
      if (users.size === 0) throw new FileRefused('The file has no valid user; at least one is required (see the row errors).');

      // License users, now that every user of the file is known.
      let licenseUsers = 0;
      for (let from = 0; ; from += BATCH) {
        const rows = await trx.selectFrom('sync_pending_license_users').selectAll().where('sync_id', '=', input.syncId).where('seq', '>=', from).where('seq', '<', from + BATCH).orderBy('seq').execute();
        if (rows.length === 0) break;
        const values = [];
        for (const row of rows) {
          const license = validLicenses.get(row.license_index);
          if (license === undefined) continue; // its license had a row error, already reported
          const result = validateLicenseUser(JSON.parse(row.raw) as unknown, row.row, license, users);
          if (!result.ok) {
            addError(result.error);
            continue;
          }
          values.push({ app_account_id: input.appAccountId, license_name: license, email: result.licenseUser.email, license_status: result.licenseUser.licenseStatus, seen_sync: input.syncId });
        }
        if (values.length > 0) {
          await trx
            .insertInto('inv_license_users')
            .values(values)
            .onConflict((oc) => oc.columns(['app_account_id', 'license_name', 'email']).doUpdateSet((eb) => ({ license_status: eb.ref('excluded.license_status'), seen_sync: eb.ref('excluded.seen_sync') })))
            .execute();
          licenseUsers += values.length;
        }
      }
      await trx.deleteFrom('sync_pending_license_users').where('sync_id', '=', input.syncId).execute();

      // What the file no longer has: users and licenses marked removed, assignments dropped.
      const removedUsers = await trx
        .updateTable('inv_users')
        .set({ removed_at: now })
        .where('app_account_id', '=', input.appAccountId)
        .where('seen_sync', '!=', input.syncId)
        .where('removed_at', 'is', null)
        .executeTakeFirst();
      const removedLicenses = await trx
        .updateTable('inv_licenses')
        .set({ removed_at: now })
        .where('app_account_id', '=', input.appAccountId)
        .where('seen_sync', '!=', input.syncId)
        .where('removed_at', 'is', null)
        .executeTakeFirst();
      await trx.deleteFrom('inv_license_users').where('app_account_id', '=', input.appAccountId).where('seen_sync', '!=', input.syncId).execute();
      return {
        users: users.size,
        licenses,
        licenseUsers,
        removedUsers: Number(removedUsers.numUpdatedRows),
        removedLicenses: Number(removedLicenses.numUpdatedRows),
        rowErrors: errorCount,
      };
    });
    return { ok: true, counts, rowErrors };
  } catch (error) {
    if (error instanceof FileRefused) return { ok: false, message: error.message, rowErrors };
    throw error;
  }
}
