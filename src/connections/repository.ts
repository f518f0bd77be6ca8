import { type Kysely, sql } from 'kysely';
import type { SecretBox } from '../crypto/secret-box.js';
import type { ConnectionsTable, Database } from '../store/schema.js';
import type { ConnectionDoc, ConnectionType } from './model.js';
import type { SecretMap } from './secrets.js';

/** A connection as the domain sees it: the clear document and its decrypted secrets apart. */
export interface StoredConnection {
  id: string;
  teamId: string;
  type: ConnectionType;
  name: string;
  /** The document without secrets. */
  doc: ConnectionDoc;
  secrets: SecretMap;
  offline: boolean;
  debugUntil: string | null;
  createdAt: string;
  lastModified: string;
  /** For type "integration": the definition it uses. */
  integrationId?: string | null;
  /** The last ping: when, and its error code (null when it answered). */
  lastPing?: { at: string; code: string | null } | null;
}

export interface ListFilter {
  type?: string;
  name?: string;
  /** Return connections with ids greater than this (the cursor). */
  after?: string;
  limit: number;
}

/**
 * Every query takes the team id: a connection of another team is simply not found.
 * Secrets are sealed with the connection id as associated data, so a sealed value copied
 * to another row does not decrypt.
 */
export class ConnectionRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly box: SecretBox,
  ) {}

  private toConnection(row: ConnectionsTable): StoredConnection {
    return {
      id: row.id,
      teamId: row.team_id,
      type: row.type as ConnectionType,
      name: row.name,
      doc: JSON.parse(row.doc) as ConnectionDoc,
      secrets: row.secrets ? this.box.decryptJson<SecretMap>(row.secrets, row.id) : {},
      offline: row.offline === 1,
      debugUntil: row.debug_until,
      createdAt: row.created_at,
      lastModified: row.last_modified,
      integrationId: row.integration_id,
      lastPing: row.last_ping_at ? { at: row.last_ping_at, code: row.last_ping_code ?? null } : null,
    };
  }

  fromConnection(connection: StoredConnection): ConnectionsTable {
    return {
      id: connection.id,
      team_id: connection.teamId,
      type: connection.type,
      name: connection.name,
      doc: JSON.stringify(connection.doc),
      secrets: Object.keys(connection.secrets).length > 0 ? this.box.encryptJson(connection.secrets, connection.id) : null,
      offline: connection.offline ? 1 : 0,
      debug_until: connection.debugUntil,
      created_at: connection.createdAt,
      last_modified: connection.lastModified,
      integration_id: connection.integrationId ?? null,
    };
  }

  async get(teamId: string, id: string, db: Kysely<Database> = this.db): Promise<StoredConnection | undefined> {
    const row = await db.selectFrom('connections').selectAll().where('team_id', '=', teamId).where('id', '=', id).executeTakeFirst();
    return row && this.toConnection(row);
  }

  async list(teamId: string, filter: ListFilter): Promise<StoredConnection[]> {
    let query = db(this.db).where('team_id', '=', teamId);
    if (filter.type !== undefined) query = query.where('type', '=', filter.type);
    if (filter.name !== undefined) {
      const escaped = filter.name.toLowerCase().replace(/[\\%_]/g, (c) => '\\' + c);
      // ESCAPE is spelled out: SQLite has no default escape character.
      query = query.where(sql<boolean>`lower(name) like ${`%${escaped}%`} escape '\\'`);
    }
    if (filter.after !== undefined) query = query.where('id', '>', filter.after);
    const rows = await query.orderBy('id').limit(filter.limit).execute();
    return rows.map((row) => this.toConnection(row));
  }

  async insert(connection: StoredConnection, db: Kysely<Database> = this.db): Promise<void> {
    await db.insertInto('connections').values(this.fromConnection(connection)).execute();
  }

  async update(connection: StoredConnection, db: Kysely<Database> = this.db): Promise<void> {
    const { id, team_id, created_at, ...changes } = this.fromConnection(connection);
    void created_at;
    await db.updateTable('connections').set(changes).where('team_id', '=', team_id).where('id', '=', id).execute();
  }

  async setOffline(teamId: string, id: string, offline: boolean): Promise<void> {
    await this.db
      .updateTable('connections')
      .set({ offline: offline ? 1 : 0 })
      .where('team_id', '=', teamId)
      .where('id', '=', id)
      .execute();
  }

  /** Records a ping: when, its error code (null = it answered) and the offline flag it implies. */
  async recordPing(teamId: string, id: string, ping: { at: string; code: string | null }): Promise<void> {
    await this.db
      .updateTable('connections')
      .set({ offline: ping.code === null ? 0 : 1, last_ping_at: ping.at, last_ping_code: ping.code })
      .where('team_id', '=', teamId)
      .where('id', '=', id)
      .execute();
  }

  async delete(teamId: string, id: string, db: Kysely<Database> = this.db): Promise<boolean> {
    const result = await db.deleteFrom('connections').where('team_id', '=', teamId).where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}

function db(kysely: Kysely<Database>) {
  return kysely.selectFrom('connections').selectAll();
}
