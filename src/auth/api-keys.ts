import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { fail } from '../errors.js';
import { newId } from '../ids.js';
import type { ApiKeysTable, Database } from '../store/schema.js';

export type Scope = 'admin' | 'read';

export interface ApiKey {
  id: string;
  teamId: string;
  name: string;
  scope: Scope;
  /** First characters of the key, enough to recognise it; never the key. */
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** What a request runs as once its key is verified. */
export interface Principal {
  teamId: string;
  keyId: string;
  keyName: string;
  scope: Scope;
}

const KEY_PREFIX = 'sy_';

/** A new key: `sy_` + 32 random bytes in base64url (256 bits, so a fast hash is safe to store). */
export function generateKey(): string {
  return KEY_PREFIX + randomBytes(32).toString('base64url');
}

/**
 * Keys are stored as SHA-256 hashes. Keys have 256 bits of entropy, so a slow password hash
 * would add nothing but latency on every request; the lookup is by hash, so no key material
 * is ever compared byte by byte.
 */
export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

function toApiKey(row: ApiKeysTable): ApiKey {
  return {
    id: row.id,
    teamId: row.team_id,
    name: row.name,
    scope: row.scope,
    prefix: row.key_prefix,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

export interface CreatedKey {
  apiKey: ApiKey;
  /** The key itself: shown once, never stored. */
  key: string;
}

export async function createApiKey(
  db: Kysely<Database>,
  input: { teamId: string; name: string; scope?: Scope; key?: string },
): Promise<CreatedKey> {
  const name = input.name.trim();
  if (name === '') throw fail('VALIDATION_FAILED', 'An API key needs a name.', [{ field: 'name', message: 'must not be empty' }]);
  const key = input.key ?? generateKey();
  const row: ApiKeysTable = {
    id: newId(),
    team_id: input.teamId,
    name,
    scope: input.scope ?? 'admin',
    key_hash: hashKey(key),
    key_prefix: key.slice(0, 10),
    created_at: new Date().toISOString(),
    last_used_at: null,
    revoked_at: null,
  };
  await db.insertInto('api_keys').values(row).execute();
  return { apiKey: toApiKey(row), key };
}

export async function listApiKeys(db: Kysely<Database>, teamId?: string): Promise<ApiKey[]> {
  let query = db.selectFrom('api_keys').selectAll().orderBy('id');
  if (teamId !== undefined) query = query.where('team_id', '=', teamId);
  return (await query.execute()).map(toApiKey);
}

/** Revokes a key; `teamId` scopes the lookup when the caller acts for one team. */
export async function revokeApiKey(db: Kysely<Database>, id: string, teamId?: string): Promise<ApiKey> {
  let query = db.selectFrom('api_keys').selectAll().where('id', '=', id);
  if (teamId !== undefined) query = query.where('team_id', '=', teamId);
  const row = await query.executeTakeFirst();
  if (!row) throw fail('API_KEY_NOT_FOUND', `No API key with id "${id}".`);
  const revokedAt = row.revoked_at ?? new Date().toISOString();
  await db.updateTable('api_keys').set({ revoked_at: revokedAt }).where('id', '=', id).execute();
  return toApiKey({ ...row, revoked_at: revokedAt });
}

/** Resolves a presented key to its principal, or undefined when unknown or revoked. */
export async function verifyApiKey(db: Kysely<Database>, key: string): Promise<Principal | undefined> {
  const row = await db
    .selectFrom('api_keys')
    .select(['id', 'team_id', 'name', 'scope', 'revoked_at'])
    .where('key_hash', '=', hashKey(key))
    .executeTakeFirst();
  if (!row || row.revoked_at !== null) return undefined;
  return { teamId: row.team_id, keyId: row.id, keyName: row.name, scope: row.scope };
}
