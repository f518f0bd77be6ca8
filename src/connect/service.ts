import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { TokenSigner } from '../crypto/signed-token.js';
import type { IntegrationCalls } from '../connections/integration-calls.js';
import { type IntegrationConnector, pickFormat } from '../connections/integration-connector.js';
import type { ConnectionService } from '../connections/service.js';
import type { StoredConnection } from '../connections/repository.js';
import { mergeSecrets } from '../connections/secrets.js';
import { OAuthError } from '../engine/oauth2/client.js';
import { AppError, fail } from '../errors.js';
import type { CredentialField, CredentialsFormat } from '../integrations/definition.js';
import type { IntegrationService } from '../integrations/service.js';
import type { StoredIntegration } from '../integrations/repository.js';
import type { ConnectTokensTable, Database } from '../store/schema.js';

const CONNECT_PURPOSE = 'connect';
const STATE_TTL_MS = 10 * 60 * 1000;
export const DEFAULT_CONNECT_TTL_SECONDS = 3600;
export const MAX_CONNECT_TTL_SECONDS = 7 * 24 * 3600;

export interface ConnectTokenInput {
  _integrationId: string;
  name?: string;
  context?: Record<string, unknown>;
  redirectUrl?: string;
  expiresInSeconds?: number;
}

/** What an open connect link shows. */
export interface ConnectForm {
  row: ConnectTokensTable;
  integration: StoredIntegration;
  format: CredentialsFormat | undefined;
  fields: CredentialField[];
  oauth: boolean;
  label: string;
}

export type SubmitOutcome =
  | { kind: 'connected'; connectionId: string; redirect?: string }
  | { kind: 'authorize'; url: string }
  | { kind: 'invalid'; errors: Record<string, string>; message: string };

/** Adds query parameters to a caller's redirect URL. */
export function withParams(url: string, params: Record<string, string>): string {
  const target = new URL(url);
  for (const [key, value] of Object.entries(params)) target.searchParams.set(key, value);
  return target.toString();
}

/**
 * Connect links (the hosted form that creates a connection from an integration's credential
 * fields, seed 003's embedded-credentials use) and the OAuth authorization-code flow.
 */
export class ConnectService {
  constructor(
    private readonly deps: {
      db: Kysely<Database>;
      signer: TokenSigner;
      connections: ConnectionService;
      integrations: IntegrationService;
      calls: IntegrationCalls;
      connector: IntegrationConnector;
      publicUrl: string;
    },
  ) {}

  get callbackUrl(): string {
    return `${this.deps.publicUrl}/oauth/callback`;
  }

  async createToken(teamId: string, input: ConnectTokenInput): Promise<{ token: string; url: string; expiresAt: string }> {
    const integration = await this.deps.integrations.repo.get(teamId, input._integrationId);
    if (!integration) throw fail('VALIDATION_FAILED', 'Invalid connect token: _integrationId is not an integration of your team.', [{ field: '_integrationId', message: 'is not an integration of your team' }]);
    const ttl = input.expiresInSeconds ?? DEFAULT_CONNECT_TTL_SECONDS;
    const id = randomBytes(16).toString('hex');
    const now = new Date();
    const expiresAt = new Date(now.getTime() + ttl * 1000).toISOString();
    await this.deps.db
      .insertInto('connect_tokens')
      .values({
        id,
        team_id: teamId,
        integration_id: integration.id,
        name: input.name ?? null,
        context: JSON.stringify(input.context ?? {}),
        redirect_url: input.redirectUrl ?? null,
        expires_at: expiresAt,
        used_at: null,
        connection_id: null,
        created_at: now.toISOString(),
      })
      .execute();
    const token = this.deps.signer.sign(CONNECT_PURPOSE, { id }, ttl);
    return { token, url: `${this.deps.publicUrl}/connect/${token}`, expiresAt };
  }

  /** Resolves a link to its form; refusals are AppErrors with a reason a person can act on. */
  async open(token: string): Promise<ConnectForm> {
    const verified = this.deps.signer.verify<{ id: string }>(CONNECT_PURPOSE, token);
    if (!verified.ok) {
      throw new AppError('CONNECT_LINK_INVALID', verified.reason === 'expired' ? 'This connect link has expired; ask for a new one.' : 'This connect link is not valid.');
    }
    const row = await this.deps.db.selectFrom('connect_tokens').selectAll().where('id', '=', verified.payload.id).executeTakeFirst();
    if (!row) throw new AppError('CONNECT_LINK_INVALID', 'This connect link is not valid.');
    if (row.used_at) throw new AppError('CONNECT_LINK_INVALID', 'This connect link was already used; each link connects one account.');
    const integration = await this.deps.integrations.repo.get(row.team_id, row.integration_id);
    if (!integration) throw new AppError('CONNECT_LINK_INVALID', 'The integration of this link no longer exists.');
    const config = this.deps.integrations.fullConfig(integration);
    const picked = pickFormat(config, undefined);
    const format = picked && !('error' in picked) ? picked.format : undefined;
    return {
      row,
      integration,
      format,
      fields: format?.config.fields ?? [],
      oauth: format?.format === 'oauth2',
      label: config.label ?? integration.name,
    };
  }

  /** Creates the connection from a submitted form; OAuth formats continue at the provider. */
  async submit(token: string, values: Record<string, string>): Promise<SubmitOutcome> {
    const form = await this.open(token);
    const credentials: Record<string, string> = {};
    for (const field of form.fields) if (values[field.name] !== undefined && values[field.name] !== '') credentials[field.name] = values[field.name] as string;
    let connection: StoredConnection;
    try {
      connection = await this.deps.connections.create(
        form.row.team_id,
        { source: 'ui', principal: { teamId: form.row.team_id, keyId: `connect:${form.row.id}`, keyName: 'connect link', scope: 'admin' } },
        {
          type: 'integration',
          name: form.row.name ?? form.label,
          _integrationId: form.integration.id,
          credentials,
          context: JSON.parse(form.row.context) as Record<string, unknown>,
        },
      );
    } catch (error) {
      if (error instanceof AppError && error.code === 'VALIDATION_FAILED') {
        const errors: Record<string, string> = {};
        for (const detail of error.details) if (detail.field?.startsWith('credentials.')) errors[detail.field.slice('credentials.'.length)] = detail.message;
        return { kind: 'invalid', errors, message: 'Some values need fixing.' };
      }
      throw error;
    }
    // Only one connection per link: a second submit (double click, back button) is refused.
    const claimed = await this.deps.db
      .updateTable('connect_tokens')
      .set({ used_at: new Date().toISOString(), connection_id: connection.id })
      .where('id', '=', form.row.id)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) {
      await this.deps.connections.remove(form.row.team_id, { source: 'ui' }, connection.id);
      throw new AppError('CONNECT_LINK_INVALID', 'This connect link was already used; each link connects one account.');
    }
    if (form.oauth) return { kind: 'authorize', url: await this.startOAuth(form.row.team_id, connection.id, form.row.redirect_url ?? undefined) };
    return { kind: 'connected', connectionId: connection.id, ...(form.row.redirect_url ? { redirect: withParams(form.row.redirect_url, { connection_id: connection.id, status: 'connected' }) } : {}) };
  }

  /** The provider's authorization URL for a connection; the state is single-use and lives 10 minutes. */
  async startOAuth(teamId: string, connectionId: string, redirectUrl?: string): Promise<string> {
    const connection = await this.deps.connections.get(teamId, connectionId);
    const { format, integration } = await this.#oauthFormat(connection);
    const full = mergeSecrets(connection.doc, connection.secrets);
    const client = this.deps.connector.oauthClient(this.deps.integrations.fullConfig(integration), format, full.credentials ?? {}, full.context ?? {});
    const state = randomBytes(24).toString('base64url');
    const now = Date.now();
    await this.deps.db
      .insertInto('oauth_states')
      .values({ state, team_id: teamId, connection_id: connectionId, code_verifier: null, redirect_url: redirectUrl ?? null, expires_at: new Date(now + STATE_TTL_MS).toISOString(), created_at: new Date(now).toISOString() })
      .execute();
    const scope = format.config.scope;
    return client.authorizeUrl({ redirectUri: this.callbackUrl, state, ...(scope === undefined ? {} : { scope }) });
  }

  async #oauthFormat(connection: StoredConnection): Promise<{ format: CredentialsFormat & { format: 'oauth2' }; integration: StoredIntegration }> {
    if (connection.type !== 'integration') throw fail('NOT_AN_INTEGRATION_CONNECTION');
    const integration = await this.deps.integrations.get(connection.teamId, connection.doc._integrationId ?? '');
    const picked = pickFormat(this.deps.integrations.fullConfig(integration), connection.doc.credentialsFormat);
    if (!picked || 'error' in picked || picked.format.format !== 'oauth2') {
      throw fail('VALIDATION_FAILED', 'This connection does not use the oauth2 (authorization code) credentials format.', [{ field: 'credentialsFormat', message: 'is not oauth2' }]);
    }
    return { format: picked.format as CredentialsFormat & { format: 'oauth2' }, integration };
  }

  /** The provider sent the user back: exchange the code, store the token, say where to go next. */
  async callback(query: { code?: string; state?: string; error?: string; error_description?: string }): Promise<{ connectionId: string; redirect?: string }> {
    if (!query.state) throw new AppError('OAUTH_STATE_INVALID', 'The provider sent no state; start connecting again.');
    const row = await this.deps.db.selectFrom('oauth_states').selectAll().where('state', '=', query.state).executeTakeFirst();
    // Single use: delete first, so a replayed callback finds nothing.
    const deleted = await this.deps.db.deleteFrom('oauth_states').where('state', '=', query.state).executeTakeFirst();
    if (!row || Number(deleted.numDeletedRows) !== 1) throw new AppError('OAUTH_STATE_INVALID', 'This sign-in is unknown or was already completed; start connecting again.');
    if (Date.parse(row.expires_at) < Date.now()) throw new AppError('OAUTH_STATE_INVALID', 'This sign-in took longer than 10 minutes; start connecting again.');
    const redirect = (params: Record<string, string>) => (row.redirect_url ? { redirect: withParams(row.redirect_url, params) } : {});
    if (query.error || !query.code) {
      const reason = query.error_description ?? query.error ?? 'no code';
      throw new AppError('OAUTH_DENIED', `The provider did not grant access: ${reason}.`, [{ message: reason, ...redirect({ connection_id: row.connection_id, status: 'error', error: query.error ?? 'no_code' }) }]);
    }
    const connection = await this.deps.connections.get(row.team_id, row.connection_id);
    const { format, integration } = await this.#oauthFormat(connection);
    const full = mergeSecrets(connection.doc, connection.secrets);
    const client = this.deps.connector.oauthClient(this.deps.integrations.fullConfig(integration), format, full.credentials ?? {}, full.context ?? {});
    try {
      const token = await client.exchangeCode({ code: query.code, redirectUri: this.callbackUrl });
      await this.deps.calls.saveToken({ id: connection.id, teamId: connection.teamId, doc: connection.doc, secrets: connection.secrets, debugUntil: connection.debugUntil }, token);
    } catch (error) {
      if (error instanceof OAuthError) throw new AppError('OAUTH_FAILED', error.message, [{ message: error.code, ...redirect({ connection_id: row.connection_id, status: 'error', error: error.code }) }]);
      throw error;
    }
    return { connectionId: connection.id, ...redirect({ connection_id: connection.id, status: 'connected' }) };
  }
}
