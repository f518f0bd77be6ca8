import { api } from '../../api/client';
import type { App, AppAccount } from './types';

export interface AccountsAndApps {
  accounts: AppAccount[];
  /** The apps those accounts belong to, by id. */
  apps: Map<string, App>;
}

/** Every app account of the team (following cursors) and the apps they belong to. */
export async function loadAccounts(signal?: AbortSignal): Promise<AccountsAndApps> {
  const accounts: AppAccount[] = [];
  let cursor: string | null = null;
  do {
    const page: { appAccounts: AppAccount[]; nextCursor: string | null } = await api.get('/v1.0/app-accounts', { limit: 1000, cursor }, signal);
    accounts.push(...page.appAccounts);
    cursor = page.nextCursor;
  } while (cursor);
  const ids = [...new Set(accounts.map((a) => a.idApp))];
  const apps = await Promise.all(
    ids.map(async (id): Promise<App> => {
      try {
        return (await api.get<{ app: App }>(`/v1.0/apps/${encodeURIComponent(id)}`, undefined, signal)).app;
      } catch {
        return { id, name: id, category: '', url: null, description: null, isCustom: false };
      }
    }),
  );
  return { accounts, apps: new Map(apps.map((a) => [a.id, a])) };
}

export function appName(apps: Map<string, App>, id: string): string {
  return apps.get(id)?.name ?? id;
}
