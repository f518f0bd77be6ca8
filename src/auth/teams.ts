import type { Kysely } from 'kysely';
import { fail } from '../errors.js';
import { isId, newId } from '../ids.js';
import type { Database, TeamsTable } from '../store/schema.js';

export interface Team {
  id: string;
  name: string;
  domain: string | null;
  createdAt: string;
  updatedAt: string;
}

function toTeam(row: TeamsTable): Team {
  return { id: row.id, name: row.name, domain: row.domain, createdAt: row.created_at, updatedAt: row.updated_at };
}

export async function createTeam(db: Kysely<Database>, name: string, domain: string | null = null): Promise<Team> {
  const trimmed = name.trim();
  if (trimmed === '') throw fail('VALIDATION_FAILED', 'A team needs a non-empty name.', [{ field: 'name', message: 'must not be empty' }]);
  const existing = await db.selectFrom('teams').select('id').where('name', '=', trimmed).executeTakeFirst();
  if (existing) throw fail('TEAM_EXISTS', `A team named "${trimmed}" already exists.`);
  const now = new Date().toISOString();
  const row: TeamsTable = { id: newId(), name: trimmed, domain, created_at: now, updated_at: now };
  try {
    await db.insertInto('teams').values(row).execute();
  } catch (error) {
    // Lost a race with another creation of the same name: the unique index said no.
    const raced = await db.selectFrom('teams').select('id').where('name', '=', trimmed).executeTakeFirst();
    if (raced) throw fail('TEAM_EXISTS', `A team named "${trimmed}" already exists.`);
    throw error;
  }
  return toTeam(row);
}

export async function getTeam(db: Kysely<Database>, id: string): Promise<Team | undefined> {
  const row = await db.selectFrom('teams').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toTeam(row);
}

/** Finds a team by id or by exact name, as the CLI's `--team <name or id>` allows. */
export async function findTeam(db: Kysely<Database>, nameOrId: string): Promise<Team> {
  let row = isId(nameOrId)
    ? await db.selectFrom('teams').selectAll().where('id', '=', nameOrId).executeTakeFirst()
    : undefined;
  row ??= await db.selectFrom('teams').selectAll().where('name', '=', nameOrId).executeTakeFirst();
  if (!row) throw fail('TEAM_NOT_FOUND', `No team with name or id "${nameOrId}".`);
  return toTeam(row);
}

export async function listTeams(db: Kysely<Database>): Promise<Team[]> {
  const rows = await db.selectFrom('teams').selectAll().orderBy('id').execute();
  return rows.map(toTeam);
}

export async function countTeams(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('teams').select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Renames a team (and sets its domain); a name another team holds is a 409. */
export async function updateTeam(db: Kysely<Database>, id: string, input: { name?: string; domain?: string | null }): Promise<Team> {
  const current = await getTeam(db, id);
  if (!current) throw fail('TEAM_NOT_FOUND');
  const name = input.name === undefined ? current.name : input.name.trim();
  if (name === '') throw fail('VALIDATION_FAILED', 'A team needs a non-empty name.', [{ field: 'name', message: 'must not be empty' }]);
  if (name !== current.name) {
    const taken = await db.selectFrom('teams').select('id').where('name', '=', name).executeTakeFirst();
    if (taken) throw fail('TEAM_EXISTS', `A team named "${name}" already exists.`);
  }
  const domain = input.domain === undefined ? current.domain : input.domain;
  const updatedAt = new Date().toISOString();
  await db.updateTable('teams').set({ name, domain, updated_at: updatedAt }).where('id', '=', id).execute();
  return { ...current, name, domain, updatedAt };
}
