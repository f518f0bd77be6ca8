import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OAuth2Config } from '../../integrations/definition.js';
import { parseOutboundAllow } from '../outbound-policy.js';
import { createOAuthClient, OAuthError, type TokenSet } from './client.js';
import { TokenManager } from './token-manager.js';
import { authorizeInBrowser as authorizeVia, type AuthorizationServer, startAuthorizationServer } from '../../../test/helpers/oidc.js';

const SECRET = 'super-secret-client-password';
const REDIRECT_URI = 'http://127.0.0.1:1/callback';
const local = { policy: parseOutboundAllow('127.0.0.0/8'), timeoutMs: 5000 };

let auth: AuthorizationServer;
let issuer: string;
let grants: string[];

beforeAll(async () => {
  auth = await startAuthorizationServer([REDIRECT_URI], { clientId: 'switchyard', clientSecret: SECRET });
  issuer = auth.issuer;
  grants = auth.grants;
});

afterAll(async () => {
  await auth.close();
});

function aConfig(overrides: Partial<OAuth2Config> = {}): OAuth2Config {
  return {
    client: { id: 'switchyard', secret: SECRET },
    auth: { tokenHost: issuer, tokenPath: '/token', authorizePath: '/auth' },
    options: { scopeSeparator: ' ', authorizationMethod: 'header', bodyFormat: 'form' },
    // The seed's own example sets grant_type here; the client must not let it change the flow.
    tokenParams: { grant_type: 'client_credentials' },
    refreshParams: { grant_type: 'refresh_token' },
    ...overrides,
  };
}

const authorizeInBrowser = (authorizeUrl: string) => authorizeVia(authorizeUrl, REDIRECT_URI);

async function connectWithCode(): Promise<TokenSet> {
  const oauth = createOAuthClient(aConfig(), local);
  const callback = await authorizeInBrowser(oauth.authorizeUrl({ redirectUri: REDIRECT_URI, state: 'st-1', scope: ['openid'] }));
  expect(callback.searchParams.get('state')).toBe('st-1');
  return oauth.exchangeCode({ code: callback.searchParams.get('code') ?? '', redirectUri: REDIRECT_URI });
}

async function failureOf(promise: Promise<unknown>): Promise<OAuthError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof OAuthError)) throw new Error(`expected an OAuthError, got ${String(error)}`);
  return error;
}

describe('client credentials', () => {
  it('gets an access token with token_type and expires_at', async () => {
    const before = Date.now();
    const token = await createOAuthClient(aConfig(), local).clientCredentials();
    expect(token.access_token).toMatch(/\S{20,}/);
    expect(token.token_type).toBe('Bearer');
    const expiresAt = Date.parse(token.expires_at ?? '');
    expect(expiresAt).toBeGreaterThan(before + 60_000);
    expect(token.raw['expires_in']).toEqual(expect.any(Number));
  });

  it('quotes the server error for a wrong client secret without leaking any secret', async () => {
    const wrong = 'wrong-secret-that-must-not-leak';
    const error = await failureOf(createOAuthClient(aConfig(), local, { clientSecret: wrong }).clientCredentials());
    expect(error.code).toBe('OAUTH_TOKEN_REQUEST_FAILED');
    expect(error.status).toBe(401);
    expect(error.serverError).toBe('invalid_client');
    expect(error.message).toContain('invalid_client');
    expect(error.message).not.toContain(wrong);
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain(wrong);
  });
});

describe('authorization code', () => {
  it('builds the authorize URL from the config', () => {
    const config = aConfig({ authorizeParams: { prompt: 'consent' }, scope: ['openid', 'email'] });
    const url = new URL(createOAuthClient(config, local).authorizeUrl({ redirectUri: REDIRECT_URI, state: 's', extraParams: { access_type: 'offline' } }));
    expect(url.origin + url.pathname).toBe(`${issuer}/auth`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'switchyard',
      redirect_uri: REDIRECT_URI,
      state: 's',
      scope: 'openid email',
      prompt: 'consent',
      access_type: 'offline',
    });
  });

  it('exchanges the code for an access and a refresh token, then refreshes with rotation', async () => {
    const token = await connectWithCode();
    expect(token.access_token).toBeTruthy();
    expect(token.refresh_token).toBeTruthy();
    expect(token.scope).toBe('openid');
    const refreshed = await createOAuthClient(aConfig(), local).refresh(token);
    expect(refreshed.access_token).not.toBe(token.access_token);
    expect(refreshed.refresh_token).toBeTruthy();
    expect(refreshed.refresh_token).not.toBe(token.refresh_token);
    expect(Date.parse(refreshed.expires_at ?? '')).toBeGreaterThan(Date.now());
  });

  it('reports a spent or garbage refresh token as OAUTH_INVALID_GRANT without quoting it', async () => {
    const oauth = createOAuthClient(aConfig(), local);
    const token = await connectWithCode();
    await oauth.refresh(token);
    const spent = await failureOf(oauth.refresh(token));
    expect(spent.code).toBe('OAUTH_INVALID_GRANT');
    expect(spent.message).toContain('invalid_grant');
    expect(spent.message).not.toContain(token.refresh_token ?? '?');
    const garbage = await failureOf(oauth.refresh({ ...token, refresh_token: 'garbage-refresh-token' }));
    expect(garbage.code).toBe('OAUTH_INVALID_GRANT');
    expect(garbage.message).not.toContain('garbage-refresh-token');
  });

  it('rejects a bad code as OAUTH_INVALID_GRANT', async () => {
    const error = await failureOf(createOAuthClient(aConfig(), local).exchangeCode({ code: 'not-a-real-code', redirectUri: REDIRECT_URI }));
    expect(error.code).toBe('OAUTH_INVALID_GRANT');
    expect(error.message).not.toContain('not-a-real-code');
  });
});

describe('outbound policy', () => {
  const blocked = { policy: parseOutboundAllow(''), timeoutMs: 5000 };

  it('refuses a token host on a loopback address by default', async () => {
    const error = await failureOf(createOAuthClient(aConfig(), blocked).clientCredentials());
    expect(error.code).toBe('OAUTH_BLOCKED');
    expect(error.message).toContain('127.0.0.1');
    expect(error.message).toContain('SWITCHYARD_OUTBOUND_ALLOW');
  });

  it('checks the resolved address of a host name too', async () => {
    const port = new URL(issuer).port;
    const config = aConfig({ auth: { tokenHost: `http://localhost:${port}`, tokenPath: '/token' } });
    const error = await failureOf(createOAuthClient(config, blocked).clientCredentials());
    expect(error.code).toBe('OAUTH_BLOCKED');
  });
});

describe('TokenManager with the real server', () => {
  it('refreshes a rotating token once for 10 concurrent callers', async () => {
    const oauth = createOAuthClient(aConfig(), local);
    const store: { token: TokenSet | undefined } = { token: { ...(await connectWithCode()), expires_at: new Date(0).toISOString() } };
    const manager = new TokenManager();
    const refreshesBefore = grants.filter((grant) => grant === 'refresh_token').length;
    const load = async () => store.token;
    const save = async (token: TokenSet) => {
      store.token = token;
    };
    const tokens = await Promise.all(
      Array.from({ length: 10 }, () => manager.getToken('conn-1', load, save, { refresh: (t) => oauth.refresh(t) })),
    );
    expect(grants.filter((grant) => grant === 'refresh_token').length - refreshesBefore).toBe(1);
    expect(new Set(tokens.map((t) => t.access_token)).size).toBe(1);
    // The stored, rotated refresh token still works: nobody spent it twice.
    await expect(oauth.refresh(store.token as TokenSet)).resolves.toMatchObject({ access_token: expect.any(String) });
  });
});
