import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import type * as SimpleOAuth2 from 'simple-oauth2';
import type { AccessToken, ModuleOptions } from 'simple-oauth2';
import type { OAuth2Config } from '../../integrations/definition.js';
import { guardedLookup, OutboundBlockedError } from '../http-client.js';
import type { OutboundPolicy } from '../outbound-policy.js';
import { lazyModule } from '../../util/lazy-module.js';

/** simple-oauth2 (and Joi under it) is loaded at the first OAuth connection, not at start. */
const loadSimpleOAuth2 = lazyModule<typeof SimpleOAuth2>('simple-oauth2');

/** A token as Switchyard stores it; `raw` is the token endpoint's whole answer. */
export interface TokenSet {
  access_token: string;
  refresh_token?: string;
  token_type?: string;
  scope?: string;
  /** ISO 8601; from `expires_in`, else from the definition's `tokenExpiryDuration`, else unknown. */
  expires_at?: string;
  raw: Record<string, unknown>;
}

export type OAuthErrorCode =
  | 'OAUTH_TOKEN_REQUEST_FAILED'
  | 'OAUTH_INVALID_GRANT'
  | 'OAUTH_BLOCKED'
  | 'OAUTH_TIMEOUT'
  | 'OAUTH_CONFIG_INVALID';

/** An expected OAuth failure. Messages quote the server's `error`/`error_description`, never a secret. */
export class OAuthError extends Error {
  readonly code: OAuthErrorCode;
  /** HTTP status of the token endpoint's answer, when there was one. */
  readonly status: number | undefined;
  /** The server's `error` value, e.g. `invalid_grant`. */
  readonly serverError: string | undefined;

  constructor(code: OAuthErrorCode, message: string, extra: { status?: number; serverError?: string; cause?: unknown } = {}) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'OAuthError';
    this.code = code;
    this.status = extra.status;
    this.serverError = extra.serverError;
  }
}

export interface OAuthNetwork {
  policy: OutboundPolicy;
  /** Per token request (connect + answer headers, then again for the body). */
  timeoutMs: number;
}

/** Values that replace the definition's: per-connection app credentials and rendered host templates. */
export interface OAuthOverrides {
  clientId?: string;
  clientSecret?: string;
  renderedTokenHost?: string;
  renderedAuthorizeHost?: string;
}

export interface OAuthClient {
  authorizeUrl(params: { redirectUri: string; state: string; scope?: string | string[]; extraParams?: Record<string, unknown> }): string;
  exchangeCode(params: { code: string; redirectUri: string; codeVerifier?: string }): Promise<TokenSet>;
  clientCredentials(params?: { scope?: string | string[] }): Promise<TokenSet>;
  refresh(token: TokenSet): Promise<TokenSet>;
}

// Errors that mean "this grant is dead, the user must authorize again" (GitHub uses its own names).
const INVALID_GRANT = new Set(['invalid_grant', 'bad_verification_code', 'bad_refresh_token']);
// The call decides the grant; a definition's `grant_type` (the seed sets one) must not turn a
// code exchange into a client-credentials request.
const FLOW_OWNED = new Set(['grant_type', 'code', 'redirect_uri', 'refresh_token', 'code_verifier']);

/**
 * An OAuth 2.0 client for one integration's `credentials.oauth2.config`, which is simple-oauth2's
 * own options shape. Token calls go through the outbound policy (checked on the address each
 * socket connects to) and fail with `OAuthError`.
 *
 * @example
 * const oauth = createOAuthClient(config, { policy, timeoutMs: 10_000 }, { clientSecret });
 * const url = oauth.authorizeUrl({ redirectUri, state });
 * const token = await oauth.exchangeCode({ code, redirectUri });
 */
export function createOAuthClient(config: OAuth2Config, network: OAuthNetwork, overrides: OAuthOverrides = {}): OAuthClient {
  const clientId = overrides.clientId ?? config.client?.id;
  const clientSecret = overrides.clientSecret ?? config.client?.secret ?? '';
  const tokenHost = overrides.renderedTokenHost ?? config.auth.tokenHost;
  const authorizeHost = overrides.renderedAuthorizeHost ?? config.auth.authorizeHost;
  if (clientId === undefined || clientId === '') throw new OAuthError('OAUTH_CONFIG_INVALID', 'The OAuth client id is missing.');
  for (const [name, value] of [['tokenHost', tokenHost], ['authorizeHost', authorizeHost]] as const) {
    if (value !== undefined && !/^https?:\/\/[^/{}\s]+/i.test(value)) {
      throw new OAuthError('OAUTH_CONFIG_INVALID', `auth.${name} must be an http(s) URL with its placeholders rendered.`);
    }
  }
  const options: ModuleOptions = {
    client: { id: clientId, secret: clientSecret },
    auth: defined({ ...config.auth, tokenHost, authorizeHost }) as ModuleOptions['auth'],
    options: defined({ ...config.options }),
    // Redirects stay off: a token request must not be replayed, with its credentials, elsewhere.
    http: { timeout: network.timeoutMs, maxBytes: 1024 * 1024, redirects: false, json: 'force' },
  };
  const { codeGrant, credentialsGrant } = buildGrants(options);
  const agents = { 'http:': new PolicyHttpAgent(network.policy), 'https:': new PolicyHttpsAgent(network.policy) };
  const expirySeconds = config.tokenExpiryDuration === undefined ? undefined : Number(config.tokenExpiryDuration);
  const defaultScope = config.scope;

  /** Runs one token request and turns its answer or failure into a TokenSet or an OAuthError. */
  const call = async (path: string | undefined, secrets: Array<string | undefined>, send: (httpOptions: { agent: http.Agent }) => Promise<AccessToken>) => {
    const url = new URL(path ?? '/oauth/token', tokenHost);
    const where = url.origin + url.pathname;
    const hide = (text: string) => redact(text, [clientSecret, ...secrets]);
    const agent = url.protocol === 'https:' ? agents['https:'] : agents['http:'];
    let token: AccessToken;
    try {
      token = await send({ agent });
    } catch (error) {
      throw toOAuthError(error, where, network.timeoutMs, hide);
    }
    const body = token.token;
    if (typeof body.access_token !== 'string' || body.access_token === '') {
      // Some providers (GitHub) answer 200 with an error object.
      const failure = serverFailure(body, 200, where, hide);
      throw failure ?? new OAuthError('OAUTH_TOKEN_REQUEST_FAILED', `The token endpoint ${where} answered without an access_token.`);
    }
    return toTokenSet(body, expirySeconds);
  };

  return {
    authorizeUrl({ redirectUri, state, scope, extraParams }) {
      const params = { ...stringify(config.authorizeParams), ...stringify(extraParams) };
      return codeGrant.authorizeURL(defined({ ...params, redirect_uri: redirectUri, state, scope: scope ?? defaultScope }));
    },
    async exchangeCode({ code, redirectUri, codeVerifier }) {
      const params = defined({ ...tokenParams(config.tokenParams), code, redirect_uri: redirectUri, code_verifier: codeVerifier });
      return call(config.auth.tokenPath, [code, codeVerifier], (httpOptions) => codeGrant.getToken(params, httpOptions));
    },
    async clientCredentials({ scope } = {}) {
      const params = defined({ ...tokenParams(config.tokenParams), scope: scope ?? defaultScope });
      return call(config.auth.tokenPath, [], (httpOptions) => credentialsGrant.getToken(params, httpOptions));
    },
    async refresh(token) {
      if (!token.refresh_token) throw new OAuthError('OAUTH_INVALID_GRANT', 'There is no refresh token; authorize the connection again.');
      const current = codeGrant.createToken({ ...token.raw, refresh_token: token.refresh_token });
      const params = tokenParams(config.refreshParams);
      const next = await call(config.auth.refreshPath ?? config.auth.tokenPath, [token.refresh_token, token.access_token], (httpOptions) =>
        current.refresh(params, httpOptions),
      );
      // RFC 6749 §6: no new refresh_token means keep the old one; no scope means the same scope.
      return { ...next, refresh_token: next.refresh_token ?? token.refresh_token, scope: next.scope ?? token.scope };
    },
  };
}

/** simple-oauth2 validates its options with Joi; its messages may quote values (secrets), so only the path is kept. */
function buildGrants(options: ModuleOptions) {
  const { AuthorizationCode, ClientCredentials } = loadSimpleOAuth2();
  try {
    // The client-credentials schema refuses the authorization page's keys.
    const { authorizeHost: _host, authorizePath: _path, ...tokenAuth } = options.auth;
    return { codeGrant: new AuthorizationCode(options), credentialsGrant: new ClientCredentials({ ...options, auth: tokenAuth }) };
  } catch (error) {
    const path = (error as { details?: Array<{ path?: unknown[] }> }).details?.[0]?.path?.join('.') ?? 'options';
    throw new OAuthError('OAUTH_CONFIG_INVALID', `The OAuth configuration is invalid at ${path}.`);
  }
}

function toTokenSet(body: Record<string, unknown>, expirySeconds: number | undefined): TokenSet {
  // simple-oauth2 turns expires_in into a Date under expires_at; the raw answer keeps the server's fields.
  const { expires_at: parsed, ...rest } = body;
  const raw = defined(rest);
  if (parsed !== undefined && !(parsed instanceof Date)) raw['expires_at'] = parsed;
  let expiresAt: string | undefined;
  if (parsed instanceof Date && !Number.isNaN(parsed.getTime())) expiresAt = parsed.toISOString();
  else if (expirySeconds !== undefined && expirySeconds > 0) expiresAt = new Date(Date.now() + expirySeconds * 1000).toISOString();
  const text = (name: string) => (typeof raw[name] === 'string' && raw[name] !== '' ? (raw[name] as string) : undefined);
  return defined({
    access_token: raw['access_token'] as string,
    refresh_token: text('refresh_token'),
    token_type: text('token_type'),
    scope: text('scope'),
    expires_at: expiresAt,
    raw,
  }) as TokenSet;
}

type BoomLike = Error & {
  isBoom?: boolean;
  output?: { statusCode: number };
  data?: { isResponseError?: boolean; payload?: unknown; res?: { statusCode?: number } } | Error | null;
};

/** Maps a wreck/simple-oauth2 failure to an OAuthError. The cause is kept only when it holds no request data. */
function toOAuthError(error: unknown, where: string, timeoutMs: number, hide: (text: string) => string): OAuthError {
  if (error instanceof OAuthError) return error;
  const boom = error as BoomLike;
  const data = boom?.data;
  const blocked = findBlocked(error);
  if (blocked) return new OAuthError('OAUTH_BLOCKED', `Token request to ${where} refused: ${blocked.message}`, { cause: blocked });
  if (data && !(data instanceof Error) && data.isResponseError) {
    const status = data.res?.statusCode ?? boom.output?.statusCode ?? 0;
    const failure = serverFailure(data.payload, status, where, hide);
    return failure ?? new OAuthError('OAUTH_TOKEN_REQUEST_FAILED', `The token endpoint ${where} answered ${status}.`, { status });
  }
  const status = boom?.output?.statusCode;
  if (boom?.isBoom && (status === 504 || status === 408) && !data) {
    return new OAuthError('OAUTH_TIMEOUT', `No answer from the token endpoint ${where} within ${timeoutMs} ms.`);
  }
  if (data && !(data instanceof Error) && data.res?.statusCode !== undefined) {
    const code = data.res.statusCode;
    return new OAuthError('OAUTH_TOKEN_REQUEST_FAILED', `The token endpoint ${where} answered ${code} with a body that is not JSON.`, { status: code });
  }
  // Wreck boomifies net/dns errors in place; keep only their code and message (never request data) as the cause.
  const system = (data instanceof Error ? data : error) as (Error & { code?: unknown }) | undefined;
  if (system instanceof Error && typeof system.code === 'string') {
    const cause = Object.assign(new Error(hide(system.message)), { code: system.code });
    return new OAuthError('OAUTH_TOKEN_REQUEST_FAILED', `Token request to ${where} failed: ${system.code}.`, { cause });
  }
  return new OAuthError('OAUTH_TOKEN_REQUEST_FAILED', `Token request to ${where} failed: the answer could not be read.`);
}

/** An OAuthError quoting the server's `error`/`error_description`, or undefined when the body has none. */
function serverFailure(payload: unknown, status: number, where: string, hide: (text: string) => string): OAuthError | undefined {
  if (payload === null || typeof payload !== 'object') return undefined;
  const { error, error_description: description } = payload as Record<string, unknown>;
  if (typeof error !== 'string') return undefined;
  const detail = typeof description === 'string' && description !== '' ? `${error} (${description.slice(0, 300)})` : error;
  const code = INVALID_GRANT.has(error) ? 'OAUTH_INVALID_GRANT' : 'OAUTH_TOKEN_REQUEST_FAILED';
  return new OAuthError(code, hide(`The token endpoint ${where} answered ${status}: ${detail}`), { status, serverError: error.slice(0, 100) });
}

function findBlocked(error: unknown): OutboundBlockedError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (current instanceof OutboundBlockedError) return current;
    const next: unknown = (current as BoomLike).data;
    current = next instanceof Error ? next : current.cause;
  }
  return undefined;
}

function redact(text: string, secrets: Array<string | undefined>): string {
  let result = text;
  for (const secret of secrets) {
    // Very short values would redact ordinary words; real secrets are longer.
    if (secret && secret.length >= 4) result = result.split(secret).join('[redacted]');
  }
  return result;
}

/** Extra token/refresh parameters from the definition, minus the ones the flow itself decides. */
function tokenParams(map: Record<string, unknown> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(stringify(map)).filter(([name]) => !FLOW_OWNED.has(name)));
}

function stringify(map: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(map ?? {})) {
    if (value === undefined || value === null) continue;
    out[name] = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  return out;
}

function defined<T extends Record<string, unknown>>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
}

/**
 * Checks every address a token request connects to. IP literals are checked here because
 * net.connect skips `lookup` for them; names go through a `lookup` that drops refused addresses.
 */
function guardConnection(policy: OutboundPolicy, options: { host?: string | null; hostname?: string | null }): OutboundBlockedError | undefined {
  const host = (options.hostname ?? options.host ?? '').replace(/^\[(.*)\]$/, '$1');
  if (isIP(host) === 0) return undefined;
  const verdict = policy.check(host);
  return verdict.allowed ? undefined : new OutboundBlockedError(verdict);
}

type ConnectCallback = (err: Error | null, stream: Duplex) => void;

// `isImmutable` on the prototype stops Hoek (inside simple-oauth2) from deep-cloning the agent
// along with the request options; a clone would lose the pool and share event handlers.
class PolicyHttpAgent extends http.Agent {
  readonly #policy: OutboundPolicy;
  constructor(policy: OutboundPolicy) {
    super({ keepAlive: false, lookup: guardedLookup(policy) } as http.AgentOptions);
    this.#policy = policy;
  }
  get isImmutable(): boolean {
    return true;
  }
  override createConnection(options: http.ClientRequestArgs, callback?: ConnectCallback): Duplex | null | undefined {
    const blocked = guardConnection(this.#policy, options);
    if (blocked) return void callback?.(blocked, undefined as never);
    return super.createConnection(options, callback);
  }
}

class PolicyHttpsAgent extends https.Agent {
  readonly #policy: OutboundPolicy;
  constructor(policy: OutboundPolicy) {
    super({ keepAlive: false, lookup: guardedLookup(policy) } as https.AgentOptions);
    this.#policy = policy;
  }
  get isImmutable(): boolean {
    return true;
  }
  override createConnection(options: https.RequestOptions, callback?: ConnectCallback): Duplex | null | undefined {
    const blocked = guardConnection(this.#policy, options);
    if (blocked) return void callback?.(blocked, undefined as never);
    return super.createConnection(options, callback);
  }
}
