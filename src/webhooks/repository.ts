import type { Kysely } from 'kysely';
import type { Database, WebhookEventsTable } from '../store/schema.js';

/** One verified incoming webhook as the domain sees it. */
export interface WebhookEvent {
  id: string;
  teamId: string;
  connectionId: string;
  integrationId: string;
  receivedAt: string;
  headers: Record<string, string>;
  /** The body as text (UTF-8). */
  body: string;
  eventType: string | null;
}

/** Where a webhook URL points: a connection of type integration and its team. */
export interface WebhookTarget {
  teamId: string;
  connectionId: string;
  integrationId: string;
}

function toEvent(row: WebhookEventsTable): WebhookEvent {
  return {
    id: row.id,
    teamId: row.team_id,
    connectionId: row.connection_id,
    integrationId: row.integration_id,
    receivedAt: row.received_at,
    headers: JSON.parse(row.headers) as Record<string, string>,
    body: row.body,
    eventType: row.event_type,
  };
}

function fromEvent(event: WebhookEvent): WebhookEventsTable {
  return {
    id: event.id,
    team_id: event.teamId,
    connection_id: event.connectionId,
    integration_id: event.integrationId,
    received_at: event.receivedAt,
    headers: JSON.stringify(event.headers),
    body: event.body,
    event_type: event.eventType,
  };
}

/** Webhook events, always read within a team. */
export class WebhookEventRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * The public webhook URL carries no team: the connection id (globally unique) finds it.
   * Only connections of type integration that point at an integration qualify.
   */
  async findTarget(connectionId: string): Promise<WebhookTarget | undefined> {
    const row = await this.db
      .selectFrom('connections')
      .select(['team_id', 'integration_id'])
      .where('id', '=', connectionId)
      .where('type', '=', 'integration')
      .executeTakeFirst();
    if (!row?.integration_id) return undefined;
    return { teamId: row.team_id, connectionId, integrationId: row.integration_id };
  }

  async insert(event: WebhookEvent): Promise<void> {
    await this.db.insertInto('webhook_events').values(fromEvent(event)).execute();
  }

  /** Newest first; `before` is the id of the last event of the previous page. */
  async list(teamId: string, connectionId: string, options: { before?: string; limit: number }): Promise<WebhookEvent[]> {
    let query = this.db.selectFrom('webhook_events').selectAll().where('team_id', '=', teamId).where('connection_id', '=', connectionId);
    if (options.before !== undefined) query = query.where('id', '<', options.before);
    const rows = await query.orderBy('id', 'desc').limit(options.limit).execute();
    return rows.map(toEvent);
  }
}
