import type { Kysely } from 'kysely';
import type { SecretBox } from '../crypto/secret-box.js';
import type { Database, IntegrationsTable } from '../store/schema.js';
import type { SecretMap } from '../connections/secrets.js';
import type { IntegrationConfig } from './definition.js';

export type Sharing = 'allow' | 'ask' | 'deny';

/** An integration as the domain sees it: the clear config and its decrypted secrets apart. */
export interface StoredIntegration {
  id: string;
  teamId: string;
  name: string;
  category: string;
  isBeta: boolean;
  sharing: Sharing;
  /** The config without its secrets. */
  config: IntegrationConfig;
  secrets: SecretMap;
  fromCatalog: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** Team-scoped persistence of integrations; secrets sealed with the integration id as associated data. */
export class IntegrationRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly box: SecretBox,
  ) {}

  private toIntegration(row: IntegrationsTable): StoredIntegration {
    return {
      id: row.id,
      teamId: row.team_id,
      name: row.name,
      category: row.category,
      isBeta: row.is_beta === 1,
      sharing: row.sharing,
      config: JSON.parse(row.config) as IntegrationConfig,
      secrets: row.secrets ? this.box.decryptJson<SecretMap>(row.secrets, row.id) : {},
      fromCatalog: row.from_catalog,
      version: row.version,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }

  private fromIntegration(integration: StoredIntegration): IntegrationsTable {
    return {
      id: integration.id,
      team_id: integration.teamId,
      name: integration.name,
      category: integration.category,
      is_beta: integration.isBeta ? 1 : 0,
      sharing: integration.sharing,
      config: JSON.stringify(integration.config),
      secrets: Object.keys(integration.secrets).length > 0 ? this.box.encryptJson(integration.secrets, integration.id) : null,
      from_catalog: integration.fromCatalog,
      version: integration.version,
      created_at: integration.createdAt,
      updated_at: integration.updatedAt,
    };
  }

  async get(teamId: string, id: string): Promise<StoredIntegration | undefined> {
    const row = await this.db.selectFrom('integrations').selectAll().where('team_id', '=', teamId).where('id', '=', id).executeTakeFirst();
    return row && this.toIntegration(row);
  }

  async findByName(teamId: string, name: string): Promise<StoredIntegration | undefined> {
    const row = await this.db.selectFrom('integrations').selectAll().where('team_id', '=', teamId).where('name', '=', name).executeTakeFirst();
    return row && this.toIntegration(row);
  }

  async list(teamId: string, options: { after?: string; limit: number; category?: string }): Promise<StoredIntegration[]> {
    let query = this.db.selectFrom('integrations').selectAll().where('team_id', '=', teamId);
    if (options.after !== undefined) query = query.where('id', '>', options.after);
    if (options.category !== undefined) query = query.where('category', '=', options.category);
    const rows = await query.orderBy('id').limit(options.limit).execute();
    return rows.map((row) => this.toIntegration(row));
  }

  async insert(integration: StoredIntegration): Promise<void> {
    await this.db.insertInto('integrations').values(this.fromIntegration(integration)).execute();
  }

  /** Writes `next` only if the stored version is still `expectedVersion`; false when someone else won. */
  async update(next: StoredIntegration, expectedVersion: number): Promise<boolean> {
    const { id, team_id, created_at, ...changes } = this.fromIntegration(next);
    void created_at;
    const result = await this.db
      .updateTable('integrations')
      .set(changes)
      .where('team_id', '=', team_id)
      .where('id', '=', id)
      .where('version', '=', expectedVersion)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async delete(teamId: string, id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('integrations').where('team_id', '=', teamId).where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Connections that use the integration (they block its deletion). */
  async connectionsUsing(teamId: string, id: string): Promise<Array<{ id: string; name: string }>> {
    return this.db.selectFrom('connections').select(['id', 'name']).where('team_id', '=', teamId).where('integration_id', '=', id).orderBy('id').execute();
  }
}
