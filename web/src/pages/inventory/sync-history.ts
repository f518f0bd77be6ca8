/**
 * The syncs this browser started, per app account (newest first, at most 20 each). The API
 * answers one sync by id (GET /v1.0/services/sync/custom/{id}) but has no list of an account's
 * syncs, so the console remembers the ids it got from step 5.
 */
const KEY = 'switchyard.inventory.syncs';
const KEEP = 20;

type Stored = Record<string, Array<{ id: string; at: string }>>;

function read(): Stored {
  try {
    const value = JSON.parse(localStorage.getItem(KEY) ?? '{}') as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Stored) : {};
  } catch {
    return {};
  }
}

export function rememberSync(accountId: string, syncId: string, at: string = new Date().toISOString()): void {
  const all = read();
  const list = (all[accountId] ?? []).filter((s) => s.id !== syncId);
  all[accountId] = [{ id: syncId, at }, ...list].slice(0, KEEP);
  try {
    localStorage.setItem(KEY, JSON.stringify(all));
  } catch {
    // Storage full or disabled: the sync still ran; only the list is lost.
  }
}

export function knownSyncs(accountId: string): string[] {
  const list = read()[accountId];
  return Array.isArray(list) ? list.map((s) => s.id).filter((id) => typeof id === 'string') : [];
}
