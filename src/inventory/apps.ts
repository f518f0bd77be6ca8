import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Kysely } from 'kysely';
import { fail } from '../errors.js';
import { newId } from '../ids.js';
import type { AppAccountsTable, CustomAppsTable, Database } from '../store/schema.js';

/** An app of the inventory: a known SaaS app shipped with Switchyard, or a team's custom app. */
export interface App {
  id: string;
  name: string;
  category: string;
  url: string | null;
  description: string | null;
  isCustom: boolean;
}

export interface AppAccount {
  id: string;
  idApp: string;
  name: string;
  lastSyncTime: string | null;
  lastSyncStatus: string | null;
  createdAt: string;
}

const KNOWN_APPS_FILE = fileURLToPath(new URL('../../catalog/apps/known-apps.json', import.meta.url));

/** The shipped list of known apps (`catalog/apps/known-apps.json`), read once. */
export function loadKnownApps(file: string = KNOWN_APPS_FILE): App[] {
  if (!existsSync(file)) return [];
  const data = JSON.parse(readFileSync(file, 'utf8')) as { apps: Array<{ id: string; name: string; category: string; url: string; description?: string }> };
  return data.apps.map((a) => ({ id: a.id, name: a.name, category: a.category, url: a.url, description: a.description ?? null, isCustom: false }));
}

function toCustomApp(row: CustomAppsTable): App {
  return { id: row.id, name: row.name, category: row.category, url: row.url, description: row.description, isCustom: true };
}

function toAccount(row: AppAccountsTable): AppAccount {
  return { id: row.id, idApp: row.app_id, name: row.name, lastSyncTime: row.last_sync_time, lastSyncStatus: row.last_sync_status, createdAt: row.created_at };
}

/** Apps (known and custom) and app accounts — the custom integrations that receive synced files. */
export class AppService {
  readonly #known: App[];
  readonly #knownById: Map<string, App>;

  constructor(
    private readonly db: Kysely<Database>,
    known: App[] = loadKnownApps(),
  ) {
    this.#known = [...known].sort((a, b) => a.name.localeCompare(b.name));
    this.#knownById = new Map(this.#known.map((a) => [a.id, a]));
  }

  /** Known apps then the team's custom apps, by name; `cursor` is an offset into that order. */
  async list(teamId: string, options: { limit: number; cursor?: number; category?: string; q?: string }): Promise<{ apps: App[]; nextCursor: string | null }> {
    const custom = (await this.db.selectFrom('custom_apps').selectAll().where('team_id', '=', teamId).orderBy('name').execute()).map(toCustomApp);
    let all = [...this.#known, ...custom];
    if (options.category) all = all.filter((a) => a.category.toLowerCase() === options.category?.toLowerCase());
    if (options.q) {
      const q = options.q.toLowerCase();
      all = all.filter((a) => a.name.toLowerCase().includes(q));
    }
    const start = options.cursor ?? 0;
    const page = all.slice(start, start + options.limit);
    return { apps: page, nextCursor: start + options.limit < all.length ? String(start + options.limit) : null };
  }

  async get(teamId: string, id: string): Promise<App> {
    const known = this.#knownById.get(id);
    if (known) return known;
    const row = await this.db.selectFrom('custom_apps').selectAll().where('team_id', '=', teamId).where('id', '=', id).executeTakeFirst();
    if (!row) throw fail('APP_NOT_FOUND', `No app with id "${id}"; GET /v1.0/apps lists them.`);
    return toCustomApp(row);
  }

  async createCustom(teamId: string, input: { name: string; category?: string; url?: string; description?: string }): Promise<App> {
    const name = input.name.trim();
    const taken = this.#known.some((a) => a.name.toLowerCase() === name.toLowerCase());
    const existing = await this.db
      .selectFrom('custom_apps')
      .select('id')
      .where('team_id', '=', teamId)
      .where((eb) => eb(eb.fn('lower', ['name']), '=', name.toLowerCase()))
      .executeTakeFirst();
    if (taken || existing) throw fail('APP_EXISTS', `An app named "${name}" already exists${taken ? ' in the known apps' : ''}; use its id.`);
    const row: CustomAppsTable = { id: `custom-${newId()}`, team_id: teamId, name, category: input.category ?? 'Other', url: input.url ?? null, description: input.description ?? null, created_at: new Date().toISOString() };
    try {
      await this.db.insertInto('custom_apps').values(row).execute();
    } catch (error) {
      // Lost a race with a concurrent creation of the same name (found by the HTTP fuzzer): the unique index said no.
      const raced = await this.db.selectFrom('custom_apps').select('id').where('team_id', '=', teamId).where('name', '=', name).executeTakeFirst();
      if (raced) throw fail('APP_EXISTS', `An app named "${name}" already exists; use its id.`);
      throw error;
    }
    return toCustomApp(row);
  }

  async createAccount(teamId: string, input: { idApp: string; name: string }): Promise<AppAccount> {
    await this.get(teamId, input.idApp);
    const row: AppAccountsTable = { id: newId(), team_id: teamId, app_id: input.idApp, name: input.name.trim(), last_sync_time: null, last_sync_status: null, created_at: new Date().toISOString() };
    await this.db.insertInto('app_accounts').values(row).execute();
    return toAccount(row);
  }

  async getAccount(teamId: string, id: string): Promise<AppAccount> {
    const row = await this.db.selectFrom('app_accounts').selectAll().where('team_id', '=', teamId).where('id', '=', id).executeTakeFirst();
    if (!row) throw fail('APP_ACCOUNT_NOT_FOUND', `No app account with id "${id}".`);
    return toAccount(row);
  }

  async listAccounts(teamId: string, options: { limit: number; after?: string; idApp?: string }): Promise<{ appAccounts: AppAccount[]; nextCursor: string | null }> {
    let query = this.db.selectFrom('app_accounts').selectAll().where('team_id', '=', teamId);
    if (options.idApp) query = query.where('app_id', '=', options.idApp);
    if (options.after) query = query.where('id', '>', options.after);
    const rows = (await query.orderBy('id').limit(options.limit + 1).execute()).map(toAccount);
    const page = rows.slice(0, options.limit);
    return { appAccounts: page, nextCursor: rows.length > options.limit ? (page.at(-1)?.id ?? null) : null };
  }

  /** Deletes an app account; its synced data goes with it (the sync tables reference it). */
  async deleteAccount(teamId: string, id: string): Promise<void> {
    await this.getAccount(teamId, id);
    await this.db.transaction().execute(async (trx) => {
      for (const table of ['inv_license_users', 'inv_licenses', 'inv_users'] as const) await trx.deleteFrom(table).where('app_account_id', '=', id).execute();
      await trx.deleteFrom('app_accounts').where('team_id', '=', teamId).where('id', '=', id).execute();
    });
  }
}
