import type { Kysely } from 'kysely';
import { AppError, type ErrorDetail } from '../errors.js';
import type { ImportModel, InventoryImport } from '../imports/model.js';
import type { ImportResult } from '../imports/results.js';
import type { Mapped } from '../imports/service.js';
import type { Database, InvUsersTable } from '../store/schema.js';
import type { AppService } from './apps.js';
import { validateUser } from './payload/validate.js';

/**
 * The switchyard-inventory import target: a flow's mapped records become users of one of the
 * team's app accounts, checked by the same rules as a sync file's `users[]` rows
 * (`docs/inventory-payload.md`). A run writes page by page; every user it writes carries the run's
 * marker (`seen_sync`), so "replace" can mark the users no page named as removed — once, when the
 * run completes — and a page written again after a crash writes the same rows again.
 */
export class InventoryTarget {
  constructor(private readonly deps: { db: Kysely<Database>; apps: AppService }) {}

  /** The marker a run's users carry: the same for every attempt of the run. */
  static marker(jobId: string): string {
    return `flow-run:${jobId}`;
  }

  /** Writes one page of mapped records; results line up with `mapped`. */
  async write(teamId: string, target: InventoryImport, mapped: Mapped[], marker: string): Promise<ImportResult[]> {
    // The account must still be the team's: a deleted one fails the run (404), never writes elsewhere.
    await this.deps.apps.getAccount(teamId, target.idAppAccount);
    const results: ImportResult[] = [];
    // One statement may not touch a row twice (PostgreSQL): within a page, the last record of an email wins.
    const rows = new Map<string, InvUsersTable>();
    for (const [i, item] of mapped.entries()) {
      if (!item.ok) {
        results.push(item.result);
        continue;
      }
      const checked = validateUser(item.record, i);
      if (!checked.ok) {
        const { field, message } = checked.error;
        results.push({ statusCode: 422, errors: [{ code: 'INVENTORY_USER_INVALID', message: field === '' ? `The record ${message}.` : `${field}: ${message}` }] });
        continue;
      }
      const u = checked.user;
      rows.set(u.email, {
        app_account_id: target.idAppAccount,
        email: u.email,
        team_id: teamId,
        original_email: u.originalEmail,
        external_id: u.id,
        first_name: u.firstName,
        last_name: u.lastName,
        status: u.status,
        external_status: u.externalStatus,
        roles: JSON.stringify(u.roles),
        last_used_date: u.lastUsedDate,
        removed_at: null,
        seen_sync: marker,
      });
      results.push({ statusCode: 200, id: u.email });
    }
    if (rows.size > 0) {
      await this.deps.db
        .insertInto('inv_users')
        .values([...rows.values()])
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
    }
    return results;
  }

  /**
   * A run read every page. In "replace" mode, when no record failed (a failed record may be a user
   * who still exists) and the run's exports read everything (`all`, not `delta` or `once`), the
   * account's users that no record of the run wrote are marked removed, with the date. The account's last sync time and status are the run's. Idempotent: a
   * second call for the same run removes nothing more. Answers how many users were marked removed.
   */
  async completeRun(teamId: string, target: InventoryImport, marker: string, run: { status: 'success' | 'partial'; readEverything: boolean; now?: Date }): Promise<number> {
    const { status, now = new Date() } = run;
    await this.deps.apps.getAccount(teamId, target.idAppAccount);
    const finishedAt = now.toISOString();
    await this.deps.db.updateTable('app_accounts').set({ last_sync_time: finishedAt, last_sync_status: status }).where('team_id', '=', teamId).where('id', '=', target.idAppAccount).execute();
    if (target.mode !== 'replace' || status !== 'success' || !run.readEverything) return 0;
    const removed = await this.deps.db
      .updateTable('inv_users')
      .set({ removed_at: finishedAt })
      .where('team_id', '=', teamId)
      .where('app_account_id', '=', target.idAppAccount)
      .where('seen_sync', '!=', marker)
      .where('removed_at', 'is', null)
      .executeTakeFirst();
    return Number(removed.numUpdatedRows);
  }
}

/** An inventory import names an app account of the team saving it (otherwise a 400 naming the field). */
export async function inventoryReferences(apps: AppService, teamId: string, model: ImportModel): Promise<ErrorDetail[]> {
  if (!model.inventory) return [];
  try {
    await apps.getAccount(teamId, model.inventory.idAppAccount);
    return [];
  } catch (error) {
    if (error instanceof AppError && error.code === 'APP_ACCOUNT_NOT_FOUND') return [{ field: 'inventory.idAppAccount', message: 'is not an app account of your team' }];
    throw error;
  }
}
