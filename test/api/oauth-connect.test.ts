import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeInBrowser, startAuthorizationServer, type AuthorizationServer } from '../helpers/oidc.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { json, startUpstream, type Upstream } from '../helpers/upstream.js';

/**
 * OAuth against a real authorization server (oidc-provider): the authorization-code flow through
 * Switchyard's callback, refresh before expiry and after a 401, one refresh for many concurrent
 * callers, client credentials; and connect links (the hosted credentials form).
 */
let server: TestServer;
let auth: AuthorizationServer;
let upstream: Upstream;
const seenTokens: string[] = [];
let rejectToken: string | undefined;
const APP_REDIRECT = 'https://app.example.test/done';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** The resource server: accepts a bearer token only if the authorization server's userinfo does. */
async function tokenIsLive(token: string): Promise<boolean> {
  const res = await fetch(`${auth.issuer}/me`, { headers: { authorization: `Bearer ${token}` } });
  return res.status === 200;
}

beforeAll(async () => {
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  auth = await startAuthorizationServer([`${publicUrl}/oauth/callback`]);
  server = await startTestServer({ PORT: String(port), SWITCHYARD_PUBLIC_URL: publicUrl });
  upstream = await startUpstream(async (req, res) => {
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    seenTokens.push(token);
    // Client-credentials tokens carry no user, so userinfo cannot vouch for them; any token is taken there.
    if (req.url.startsWith('/cc/')) return token ? json(res, 200, { data: [{ id: 1 }] }) : json(res, 401, { error: 'no token' });
    if (token === rejectToken || !(await tokenIsLive(token))) return json(res, 401, { error: 'invalid_token' });
    json(res, 200, { data: [{ id: 1 }, { id: 2 }] });
  });
});
afterAll(async () => {
  await upstream.close();
  await server.close();
  await auth.close();
});

async function anOAuthIntegration(format: 'oauth2' | 'oauth2_client_credentials', name: string): Promise<string> {
  const res = await server.request<{ id: string }>('POST', '/integration', {
    name,
    category: 'test',
    config: {
      base_url: format === 'oauth2' ? upstream.url : `${upstream.url}/cc`,
      label: 'Example OAuth App',
      credentials: {
        format,
        config: {
          client: { id: auth.clientId, secret: auth.clientSecret },
          auth: { tokenHost: auth.issuer, tokenPath: '/token', authorizePath: '/auth' },
          options: { scopeSeparator: ' ', authorizationMethod: 'header', bodyFormat: 'form' },
          scope: ['openid', 'offline_access'],
          authorizeParams: { prompt: 'consent' },
        },
      },
      resources: { things: { list: { method: 'get', path: '/things', response_path: 'data', pagination: null } } },
    },
  });
  expect(res.status, res.text).toBe(201);
  return res.body.id;
}

async function connectWithCode(integrationId: string): Promise<string> {
  const created = await server.request<{ _id: string }>('POST', '/v1/connections', { type: 'integration', name: 'OAuth conn', _integrationId: integrationId });
  expect(created.status, created.text).toBe(201);
  const start = await server.request<{ url: string }>('POST', `/v1/connections/${created.body._id}/oauth/authorize`, { redirectUrl: APP_REDIRECT });
  expect(start.status, start.text).toBe(200);
  const callback = await authorizeInBrowser(start.body.url, `${server.config.publicUrl}/oauth/callback`);
  const done = await fetch(callback, { redirect: 'manual' });
  expect(done.status).toBe(303);
  const landing = new URL(done.headers.get('location') ?? '');
  expect(`${landing.origin}${landing.pathname}`).toBe(APP_REDIRECT);
  expect(landing.searchParams.get('status')).toBe('connected');
  expect(landing.searchParams.get('connection_id')).toBe(created.body._id);
  // The same callback again finds nothing: states are single use.
  const replay = await fetch(callback, { redirect: 'manual' });
  expect(replay.status).toBe(400);
  return created.body._id;
}

const list = (id: string) => server.request<{ result: unknown[] }>('GET', `/proxy/things?integrated_account_id=${id}`);

describe('authorization code', () => {
  it('connects through the callback, stores the tokens encrypted and masked, and calls the API with them', async () => {
    const id = await connectWithCode(await anOAuthIntegration('oauth2', 'code-app'));
    const wire = await server.request<{ oauth: { token: Record<string, string> } }>('GET', `/v1/connections/${id}`);
    expect(wire.body.oauth.token).toMatchObject({ access_token: '******', refresh_token: '******', token_type: 'Bearer', expires_at: expect.any(String) });
    const res = await list(id);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.result).toEqual([{ id: 1 }, { id: 2 }]);
    expect(auth.grants.filter((g) => g === 'authorization_code')).toHaveLength(1);
  });

  it('refreshes a token that is about to expire, and once more after a 401', async () => {
    const id = await connectWithCode(await anOAuthIntegration('oauth2', 'refresh-app'));
    await list(id);
    const first = seenTokens.at(-1);
    const refreshesBefore = auth.grants.filter((g) => g === 'refresh_token').length;
    const patched = await server.request('PATCH', `/v1/connections/${id}`, [{ op: 'replace', path: '/oauth/token/expires_at', value: new Date(Date.now() + 5000).toISOString() }]);
    expect(patched.status, patched.text).toBe(200);
    expect((await list(id)).status).toBe(200);
    const second = seenTokens.at(-1);
    expect(second).not.toBe(first);
    expect(auth.grants.filter((g) => g === 'refresh_token').length).toBe(refreshesBefore + 1);

    rejectToken = second;
    const afterReject = await list(id);
    rejectToken = undefined;
    expect(afterReject.status).toBe(200);
    expect(seenTokens.at(-1)).not.toBe(second);
    expect(auth.grants.filter((g) => g === 'refresh_token').length).toBe(refreshesBefore + 2);
  });

  it('lets ten concurrent calls with an expired token share one refresh', async () => {
    const id = await connectWithCode(await anOAuthIntegration('oauth2', 'concurrent-app'));
    await server.request('PATCH', `/v1/connections/${id}`, [{ op: 'replace', path: '/oauth/token/expires_at', value: new Date(Date.now() - 1000).toISOString() }]);
    const before = auth.grants.filter((g) => g === 'refresh_token').length;
    const results = await Promise.all(Array.from({ length: 10 }, () => list(id)));
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(auth.grants.filter((g) => g === 'refresh_token').length).toBe(before + 1);
  });

  it('reports a denied or unknown callback on a page, and to the app when it can', async () => {
    const bad = await fetch(`${server.url}/oauth/callback?code=x&state=unknown`, { redirect: 'manual' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('start connecting again');
    const integrationId = await anOAuthIntegration('oauth2', 'denied-app');
    const created = await server.request<{ _id: string }>('POST', '/v1/connections', { type: 'integration', name: 'denied', _integrationId: integrationId });
    const start = await server.request<{ url: string }>('POST', `/v1/connections/${created.body._id}/oauth/authorize`, { redirectUrl: APP_REDIRECT });
    const state = new URL(start.body.url).searchParams.get('state') ?? '';
    const denied = await fetch(`${server.url}/oauth/callback?error=access_denied&state=${state}`, { redirect: 'manual' });
    expect(denied.status).toBe(303);
    expect(new URL(denied.headers.get('location') ?? '').searchParams.get('status')).toBe('error');
  });
});

describe('client credentials', () => {
  it('gets a token on first use and reuses it', async () => {
    const integrationId = await anOAuthIntegration('oauth2_client_credentials', 'cc-app');
    const created = await server.request<{ _id: string }>('POST', '/v1/connections', { type: 'integration', name: 'cc', _integrationId: integrationId });
    const before = auth.grants.filter((g) => g === 'client_credentials').length;
    expect((await server.request('GET', `/v1/connections/${created.body._id}/ping`)).status).toBeLessThan(600);
    const token = seenTokens.at(-1);
    await list(created.body._id);
    expect(seenTokens.at(-1)).toBe(token);
    expect(auth.grants.filter((g) => g === 'client_credentials').length).toBe(before + 1);
  });
});

describe('connect links', () => {
  it('renders a form from the credential fields, checks it, creates the connection once, then refuses the link', async () => {
    const integration = await server.request<{ id: string }>('POST', '/integration', {
      name: 'form-app',
      category: 'test',
      config: {
        base_url: upstream.url,
        label: 'Form <App>',
        credentials: {
          format: 'api_key',
          config: {
            fields: [
              { name: 'api_key', label: 'API key', type: 'password', required: true, help_text: 'Settings → API' },
              { name: 'region', label: 'Region', type: 'single_select', options: [{ label: 'Europe', value: 'eu' }, { label: 'US', value: 'us' }] },
            ],
          },
        },
      },
    });
    const link = await server.request<{ token: string; url: string; expiresAt: string }>('POST', '/v1/connect-tokens', {
      _integrationId: integration.body.id,
      name: 'From the form',
      context: { tenant: 'acme' },
      redirectUrl: APP_REDIRECT,
    });
    expect(link.status, link.text).toBe(201);
    expect(link.body.url).toBe(`${server.config.publicUrl}/connect/${link.body.token}`);

    const page = await fetch(link.body.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await page.text();
    expect(html).toContain('Form &#60;App&#62;');
    expect(html).toContain('type="password"');
    expect(html).toContain('<option value="eu"');

    const post = (body: string) => fetch(link.body.url, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    const invalid = await post('region=mars');
    expect(invalid.status).toBe(400);
    const invalidHtml = await invalid.text();
    expect(invalidHtml).toContain('is required');
    expect(invalidHtml).toContain('must be one of');

    const ok = await post('api_key=form-secret-key-123&region=us');
    expect(ok.status).toBe(303);
    const landing = new URL(ok.headers.get('location') ?? '');
    const connectionId = landing.searchParams.get('connection_id') ?? '';
    const connection = await server.request<Record<string, unknown>>('GET', `/v1/connections/${connectionId}`);
    expect(connection.body).toMatchObject({ name: 'From the form', credentials: { api_key: '******', region: 'us' }, context: { tenant: 'acme' } });
    const audit = await server.request<Array<{ source: string; byUser: { name: string } }>>('GET', `/v1/connections/${connectionId}/audit`);
    expect(audit.body[0]).toMatchObject({ source: 'ui', byUser: { name: 'connect link' } });

    expect((await post('api_key=again-1234')).status).toBe(403);
    expect((await fetch(link.body.url)).status).toBe(403);
  });

  it('sends OAuth apps to the provider and finishes at the callback', async () => {
    const integrationId = await anOAuthIntegration('oauth2', 'form-oauth-app');
    const link = await server.request<{ url: string }>('POST', '/v1/connect-tokens', { _integrationId: integrationId, redirectUrl: APP_REDIRECT });
    const submitted = await fetch(link.body.url, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
    expect(submitted.status).toBe(303);
    const authorizeUrl = submitted.headers.get('location') ?? '';
    expect(authorizeUrl.startsWith(auth.issuer)).toBe(true);
    const callback = await authorizeInBrowser(authorizeUrl, `${server.config.publicUrl}/oauth/callback`);
    const done = await fetch(callback, { redirect: 'manual' });
    expect(new URL(done.headers.get('location') ?? '').searchParams.get('status')).toBe('connected');
  });

  it('refuses expired, tampered and foreign links', async () => {
    const tampered = await fetch(`${server.url}/connect/abc.def`);
    expect(tampered.status).toBe(403);
    const { key } = await server.newTeam('connect-thief');
    const integrationId = await anOAuthIntegration('oauth2', 'foreign-app');
    const foreign = await server.request<{ error: { code: string } }>('POST', '/v1/connect-tokens', { _integrationId: integrationId }, { key });
    expect(foreign.status).toBe(400);
  });
});
