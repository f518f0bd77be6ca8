import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { ErrorDetail } from '../errors.js';
import { createOAuthClient, type OAuthClient, OAuthError, type OAuthNetwork, type TokenSet } from '../engine/oauth2/client.js';
import { type KeyedLock, TokenManager } from '../engine/oauth2/token-manager.js';
import type { EngineTarget } from '../engine/integration-engine.js';
import { renderString, renderValue, type Scope } from '../engine/templates/index.js';
import type { CredentialField, CredentialsFormat, IntegrationConfig } from '../integrations/definition.js';
import type { IntegrationService } from '../integrations/service.js';
import type { StoredIntegration } from '../integrations/repository.js';
import type { Store } from '../store/db.js';
import type { Database } from '../store/schema.js';
import { type ConnectionDoc, SECRET_POINTERS } from './model.js';
import type { SecretPatterns } from './secrets.js';

/** The credentials formats an integration offers, keyed (a single format is keyed by its name). */
export function formatsOf(config: IntegrationConfig): Record<string, CredentialsFormat> {
  const credentials = config.credentials;
  if (!credentials) return {};
  if ('format' in credentials && typeof credentials.format === 'string') return { [credentials.format]: credentials as CredentialsFormat };
  return credentials as Record<string, CredentialsFormat>;
}

/** Picks the format a connection uses: the named one, or the only/first one. */
export function pickFormat(config: IntegrationConfig, wanted: string | undefined): { key: string; format: CredentialsFormat } | { error: string } | undefined {
  const formats = formatsOf(config);
  const keys = Object.keys(formats);
  if (keys.length === 0) return wanted === undefined ? undefined : { error: 'the integration declares no credentials formats' };
  if (wanted === undefined) return { key: keys[0] as string, format: formats[keys[0] as string] as CredentialsFormat };
  const key = keys.find((k) => k === wanted) ?? keys.find((k) => formats[k]?.format === wanted);
  return key ? { key, format: formats[key] as CredentialsFormat } : { error: `must be one of ${keys.map((k) => JSON.stringify(k)).join(', ')}` };
}

function fieldsOf(format: CredentialsFormat | undefined): CredentialField[] {
  return format?.config.fields ?? [];
}

function optionValues(field: CredentialField): string[] {
  return (field.options ?? []).map((o) => (typeof o === 'string' ? o : o.value));
}

/**
 * Checks credentials against the fields the format declares: required ones present (or defaulted),
 * no unknown keys, single_select values among the options. Returns the credentials with defaults.
 */
export function checkCredentials(format: CredentialsFormat | undefined, credentials: Record<string, string | number | boolean> = {}): {
  credentials: Record<string, string | number | boolean>;
  errors: ErrorDetail[];
} {
  const fields = fieldsOf(format);
  const errors: ErrorDetail[] = [];
  const out: Record<string, string | number | boolean> = {};
  const known = new Set(fields.map((f) => f.name));
  for (const key of Object.keys(credentials)) {
    if (!known.has(key)) {
      errors.push({ field: `credentials.${key}`, message: known.size ? `is not a field of this integration (fields: ${[...known].join(', ')})` : 'is not a field of this integration (it takes none)' });
    }
  }
  for (const field of fields) {
    const given = credentials[field.name];
    const value = given === undefined || given === '' ? (field.default as string | number | boolean | undefined) : given;
    if (value === undefined || value === '') {
      if (field.required) errors.push({ field: `credentials.${field.name}`, message: `is required (${field.label ?? field.name})` });
      continue;
    }
    if (field.type === 'single_select' && field.options?.length && !optionValues(field).includes(String(value))) {
      errors.push({ field: `credentials.${field.name}`, message: `must be one of ${optionValues(field).map((v) => JSON.stringify(v)).join(', ')}` });
      continue;
    }
    out[field.name] = value;
  }
  return { credentials: out, errors };
}

/** Secret fields of an integration connection: password fields and the OAuth token. */
export function integrationSecretPatterns(format: CredentialsFormat | undefined): SecretPatterns {
  const passwords = fieldsOf(format)
    .filter((f) => f.type === 'password')
    .map((f) => `/credentials/${f.name.replace(/~/g, '~0').replace(/\//g, '~1')}`);
  return [...passwords, ...SECRET_POINTERS.integration];
}

/** A stored token in the TokenSet shape the OAuth module uses. */
export function toTokenSet(token: Record<string, unknown> | undefined): TokenSet | undefined {
  if (!token || typeof token.access_token !== 'string') return undefined;
  const { access_token, refresh_token, token_type, scope, expires_at, ...rest } = token;
  return {
    access_token,
    ...(typeof refresh_token === 'string' ? { refresh_token } : {}),
    ...(typeof token_type === 'string' ? { token_type } : {}),
    ...(typeof scope === 'string' ? { scope } : {}),
    ...(typeof expires_at === 'string' ? { expires_at } : {}),
    raw: rest,
  };
}

/** What is stored of a token: the standard fields plus simple extras the API returned (instance_url…). */
export function fromTokenSet(token: TokenSet): Record<string, string> {
  const stored: Record<string, string> = { access_token: token.access_token };
  if (token.refresh_token) stored.refresh_token = token.refresh_token;
  if (token.token_type) stored.token_type = token.token_type;
  if (token.scope) stored.scope = token.scope;
  if (token.expires_at) stored.expires_at = token.expires_at;
  for (const [key, value] of Object.entries(token.raw)) {
    if (typeof value === 'string' && !(key in stored) && key !== 'expires_in' && value.length < 2000) stored[key] = value;
  }
  return stored;
}

/**
 * A lock every process sharing the store respects: a transaction-scoped advisory lock on
 * Postgres; on SQLite (one server process) the token manager's in-process single flight suffices.
 */
export function storeLock(store: Store): KeyedLock | undefined {
  if (store.kind !== 'postgres') return undefined;
  const db: Kysely<Database> = store.db;
  return (key, fn) =>
    db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(hashtext(${`switchyard:token:${key}`}))`.execute(trx);
      return fn();
    });
}

export interface TokenStore {
  load(): Promise<TokenSet | undefined>;
  save(token: TokenSet): Promise<void>;
}

/**
 * Everything about integration connections that needs the definition: credentials checks,
 * secret fields, OAuth clients and tokens, and the engine target of a connection.
 */
export class IntegrationConnector {
  readonly tokens: TokenManager;

  constructor(
    readonly deps: { integrations: IntegrationService; network: OAuthNetwork; lock?: KeyedLock },
  ) {
    this.tokens = new TokenManager(deps.lock ? { lock: deps.lock } : {});
  }

  /** The OAuth client of a connection, with its own client id/secret when its credentials carry them. */
  oauthClient(config: IntegrationConfig, format: CredentialsFormat, credentials: Record<string, unknown>, context: Record<string, unknown>): OAuthClient {
    if (format.format === 'api_key') throw new OAuthError('OAUTH_CONFIG_INVALID', 'This integration uses API keys, not OAuth.');
    const scope: Scope = { credentials, context };
    const host = (template: string | undefined) => (template === undefined ? undefined : String(renderString(template, scope).value ?? ''));
    const clientId = credentials.client_id;
    const clientSecret = credentials.client_secret;
    const tokenHost = host(format.config.auth.tokenHost);
    const authorizeHost = host(format.config.auth.authorizeHost);
    void config;
    // Parameter maps may hold placeholders (an audience per tenant, a subdomain): render them first.
    const rendered = { ...format.config };
    for (const key of ['authorizeParams', 'tokenParams', 'refreshParams'] as const) {
      if (format.config[key]) rendered[key] = renderValue(format.config[key], scope).value as Record<string, unknown>;
    }
    return createOAuthClient(rendered, this.deps.network, {
      ...(typeof clientId === 'string' && clientId ? { clientId } : {}),
      ...(typeof clientSecret === 'string' && clientSecret ? { clientSecret } : {}),
      ...(tokenHost ? { renderedTokenHost: tokenHost } : {}),
      ...(authorizeHost ? { renderedAuthorizeHost: authorizeHost } : {}),
    });
  }

  /**
   * The engine target of a connection: the full definition, its credentials and context, and
   * (for OAuth formats) a token source that refreshes before expiry, after a 401, and once
   * across processes.
   */
  target(integration: StoredIntegration, doc: ConnectionDoc, key: string | undefined, tokenStore: TokenStore): EngineTarget {
    const config = this.deps.integrations.fullConfig(integration);
    const picked = pickFormat(config, doc.credentialsFormat);
    const credentials = doc.credentials ?? {};
    const context = doc.context ?? {};
    const target: EngineTarget = { config, credentials, context };
    if (!picked || 'error' in picked || picked.format.format === 'api_key') return target;
    const format = picked.format;
    target.token = async ({ force }) => {
      const client = this.oauthClient(config, format, credentials, context);
      const scopeOf = () => format.config.scope;
      const token = await this.tokens.getToken(
        key ?? `virtual:${Math.random()}`,
        tokenStore.load,
        tokenStore.save,
        {
          refresh: (t) => client.refresh(t),
          ...(format.format === 'oauth2_client_credentials' ? { fresh: () => client.clientCredentials(scopeOf() === undefined ? {} : { scope: scopeOf() as string | string[] }) } : {}),
        },
        { force },
      );
      return fromTokenSet(token);
    };
    return target;
  }
}
