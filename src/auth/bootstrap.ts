import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { createApiKey } from './api-keys.js';
import { countTeams, createTeam, type Team } from './teams.js';

export interface BootstrapResult {
  team: Team;
  /** The first admin key, when it was generated here (never when it came from SWITCHYARD_BOOTSTRAP_KEY). */
  generatedKey?: string;
}

/**
 * On the first start with an empty store: one team and one admin key. Runs in a transaction
 * so two processes starting together on one Postgres make one team, not two.
 */
export async function bootstrapIfEmpty(
  db: Kysely<Database>,
  bootstrapKey: string | undefined,
): Promise<BootstrapResult | undefined> {
  try {
    return await db.transaction().execute(async (trx) => {
      if ((await countTeams(trx)) > 0) return undefined;
      const team = await createTeam(trx, 'default');
      const created = await createApiKey(trx, {
        teamId: team.id,
        name: 'bootstrap admin',
        scope: 'admin',
        ...(bootstrapKey ? { key: bootstrapKey } : {}),
      });
      return bootstrapKey ? { team } : { team, generatedKey: created.key };
    });
  } catch (error) {
    // Another process won the race (unique team name): the store is bootstrapped, which is all we wanted.
    if ((await countTeams(db)) > 0) return undefined;
    throw error;
  }
}
