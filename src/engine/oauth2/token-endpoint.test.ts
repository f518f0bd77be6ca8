import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { OAuth2Config } from '../../integrations/definition.js';
import { parseOutboundAllow } from '../outbound-policy.js';
import { createOAuthClient, OAuthError } from './client.js';

// A hand-written token endpoint: it records what it receives and answers what the test says,
// to cover what a real authorization server does not (missing expires_in, odd error shapes).

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}
type Answer = (req: Received, res: ServerResponse) => void;

const SECRET = 'client-secret-value-123';
const local = { policy: parseOutboundAllow('127.0.0.0/8'), timeoutMs: 2000 };
let server: Server;
let base: string;
let received: Received[];
let answer: Answer;

const json = (status: number, body: unknown): Answer => (_req, res) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const entry = { path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString() };
      received.push(entry);
      answer(entry, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

beforeEach(() => {
  received = [];
  answer = json(200, { access_token: 'at-1', token_type: 'bearer' });
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function aConfig(overrides: Partial<OAuth2Config> = {}): OAuth2Config {
  return {
    client: { id: 'my-client', secret: SECRET },
    auth: { tokenHost: base, tokenPath: '/oauth/token', refreshPath: '/oauth/refresh' },
    options: { scopeSeparator: ' ', authorizationMethod: 'header', bodyFormat: 'form' },
    tokenParams: { grant_type: 'client_credentials', audience: 'https://api.example.com' },
    refreshParams: { grant_type: 'refresh_token' },
    tokenExpiryDuration: '3600',
    ...overrides,
  };
}

async function failureOf(promise: Promise<unknown>): Promise<OAuthError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof OAuthError)) throw new Error(`expected an OAuthError, got ${String(error)}`);
  return error;
}

describe('token requests', () => {
  it('falls back to tokenExpiryDuration when the server omits expires_in', async () => {
    const before = Date.now();
    const token = await createOAuthClient(aConfig(), local).clientCredentials();
    const expiresAt = Date.parse(token.expires_at ?? '');
    expect(expiresAt).toBeGreaterThanOrEqual(before + 3600_000);
    expect(expiresAt).toBeLessThan(Date.now() + 3600_000 + 1000);
    expect(token).toMatchObject({ access_token: 'at-1', token_type: 'bearer', raw: { access_token: 'at-1', token_type: 'bearer' } });
  });

  it('leaves expires_at unset when neither the server nor the definition says', async () => {
    const { tokenExpiryDuration: _unset, ...config } = aConfig();
    const token = await createOAuthClient(config, local).clientCredentials();
    expect(token.expires_at).toBeUndefined();
  });

  it('sends client credentials in a Basic header and tokenParams in a form body by default', async () => {
    await createOAuthClient(aConfig({ scope: ['read', 'write'] }), local).clientCredentials();
    const [request] = received;
    expect(request?.path).toBe('/oauth/token');
    expect(request?.headers.authorization).toBe(`Basic ${Buffer.from(`my-client:${SECRET}`).toString('base64')}`);
    expect(Object.fromEntries(new URLSearchParams(request?.body))).toEqual({
      grant_type: 'client_credentials',
      audience: 'https://api.example.com',
      scope: 'read write',
    });
  });

  it('sends credentials in a JSON body when the definition says so, with per-connection overrides', async () => {
    const config = aConfig({ options: { authorizationMethod: 'body', bodyFormat: 'json', scopeSeparator: ',' } });
    const oauth = createOAuthClient(config, local, { clientId: 'conn-client', clientSecret: 'conn-secret' });
    await oauth.clientCredentials({ scope: ['a', 'b'] });
    const [request] = received;
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers.authorization).toBeUndefined();
    expect(JSON.parse(request?.body ?? '')).toMatchObject({ client_id: 'conn-client', client_secret: 'conn-secret', scope: 'a,b' });
  });

  it('exchanges a code with grant_type authorization_code whatever tokenParams says', async () => {
    await createOAuthClient(aConfig(), local).exchangeCode({ code: 'the-code', redirectUri: 'https://app.example/cb', codeVerifier: 'v'.repeat(43) });
    expect(Object.fromEntries(new URLSearchParams(received[0]?.body))).toEqual({
      grant_type: 'authorization_code',
      audience: 'https://api.example.com',
      code: 'the-code',
      redirect_uri: 'https://app.example/cb',
      code_verifier: 'v'.repeat(43),
    });
  });

  it('refreshes against refreshPath and keeps the refresh token the server did not rotate', async () => {
    answer = json(200, { access_token: 'at-2', expires_in: 120 });
    const old = { access_token: 'at-1', refresh_token: 'rt-1', scope: 'read', raw: { access_token: 'at-1', refresh_token: 'rt-1' } };
    const token = await createOAuthClient(aConfig(), local).refresh(old);
    expect(received[0]?.path).toBe('/oauth/refresh');
    expect(Object.fromEntries(new URLSearchParams(received[0]?.body))).toEqual({ grant_type: 'refresh_token', refresh_token: 'rt-1' });
    expect(token).toMatchObject({ access_token: 'at-2', refresh_token: 'rt-1', scope: 'read' });
    expect(Date.parse(token.expires_at ?? '')).toBeLessThanOrEqual(Date.now() + 120_000);
    expect(token.raw).toEqual({ access_token: 'at-2', expires_in: 120 });
  });
});

describe('token request failures', () => {
  it('treats a 200 answer carrying an error (GitHub style) as a failure', async () => {
    answer = json(200, { error: 'bad_verification_code', error_description: 'The code passed is incorrect or expired.' });
    const error = await failureOf(createOAuthClient(aConfig(), local).exchangeCode({ code: 'c0de', redirectUri: 'https://a/cb' }));
    expect(error).toMatchObject({ code: 'OAUTH_INVALID_GRANT', status: 200, serverError: 'bad_verification_code' });
    expect(error.message).toContain('The code passed is incorrect or expired.');
  });

  it('redacts secrets a server echoes in error_description', async () => {
    answer = json(400, { error: 'invalid_request', error_description: `secret ${SECRET} and code the-secret-code are wrong` });
    const error = await failureOf(createOAuthClient(aConfig(), local).exchangeCode({ code: 'the-secret-code', redirectUri: 'https://a/cb' }));
    expect(error.code).toBe('OAUTH_TOKEN_REQUEST_FAILED');
    expect(error.message).toContain('invalid_request');
    expect(error.message).not.toContain(SECRET);
    expect(error.message).not.toContain('the-secret-code');
  });

  it('reports a non-JSON error page with its status', async () => {
    answer = (_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html>bad gateway</html>');
    };
    const error = await failureOf(createOAuthClient(aConfig(), local).clientCredentials());
    expect(error).toMatchObject({ code: 'OAUTH_TOKEN_REQUEST_FAILED', status: 502 });
  });

  it('reports an answer without access_token', async () => {
    answer = json(200, { token_type: 'bearer' });
    const error = await failureOf(createOAuthClient(aConfig(), local).clientCredentials());
    expect(error.code).toBe('OAUTH_TOKEN_REQUEST_FAILED');
    expect(error.message).toContain('access_token');
  });

  it('times out when the server does not answer', async () => {
    answer = () => undefined;
    const error = await failureOf(createOAuthClient(aConfig(), { ...local, timeoutMs: 150 }).clientCredentials());
    expect(error.code).toBe('OAUTH_TIMEOUT');
    expect(error.message).toContain('150 ms');
  });

  it('reports a refused connection', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const config = aConfig({ auth: { tokenHost: `http://127.0.0.1:${port}` } });
    const error = await failureOf(createOAuthClient(config, local).clientCredentials());
    expect(error.code).toBe('OAUTH_TOKEN_REQUEST_FAILED');
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('refuses a token host whose placeholders were not rendered', () => {
    const config = aConfig({ auth: { tokenHost: 'https://{{credentials.subdomain}}.example.com' } });
    expect(() => createOAuthClient(config, local)).toThrow(expect.objectContaining({ code: 'OAUTH_CONFIG_INVALID' }));
    const rendered = createOAuthClient(config, local, { renderedTokenHost: 'https://acme.example.com' });
    expect(rendered.authorizeUrl({ redirectUri: 'https://a/cb', state: 's' })).toMatch(/^https:\/\/acme\.example\.com\/oauth\/authorize\?/);
  });
});
