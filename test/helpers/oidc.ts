import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The few oidc-provider members the tests use (the package ships no types). */
interface OidcProvider {
  callback(): RequestListener;
  on(event: 'grant.success', listener: (ctx: { oidc: { params?: { grant_type?: string } } }) => void): void;
}
type ProviderClass = new (issuer: string, configuration: Record<string, unknown>) => OidcProvider;

export interface AuthorizationServer {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** grant_type of every successful token request, in order. */
  grants: string[];
  close(): Promise<void>;
}

/**
 * A real OAuth2/OIDC authorization server (oidc-provider) on 127.0.0.1 with one confidential
 * client allowed authorization_code, refresh_token (rotating) and client_credentials.
 */
export async function startAuthorizationServer(
  redirectUris: string[],
  options: { accessTokenTtl?: number; clientId?: string; clientSecret?: string } = {},
): Promise<AuthorizationServer> {
  const specifier = 'oidc-provider';
  const { default: Provider } = (await import(specifier)) as { default: ProviderClass };
  let handle: RequestListener = (_req, res) => res.end();
  const server: Server = createServer((req, res) => handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = options.clientId ?? 'switchyard-test';
  const clientSecret = options.clientSecret ?? 'oidc-client-secret-7d1f3a';
  const grants: string[] = [];
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
        response_types: ['code'],
        redirect_uris: redirectUris,
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    features: { clientCredentials: { enabled: true }, devInteractions: { enabled: true } },
    cookies: { keys: ['cookie-signing-key-for-tests'] },
    findAccount: async (_ctx: unknown, sub: string) => ({ accountId: sub, claims: async () => ({ sub }) }),
    ttl: { AccessToken: options.accessTokenTtl ?? 3600, ClientCredentials: 600, RefreshToken: 86_400, Grant: 86_400, Session: 3600, Interaction: 600, IdToken: 3600 },
    issueRefreshToken: async () => true,
    rotateRefreshToken: () => true,
  });
  provider.on('grant.success', (ctx) => grants.push(ctx.oidc.params?.grant_type ?? '?'));
  handle = provider.callback();
  return {
    issuer,
    clientId,
    clientSecret,
    grants,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Plays the user in a browser from `startUrl`: follows redirects, keeps cookies, signs in and
 * consents on the provider's dev pages, and stops at the first redirect to `stopAt` (returned).
 */
export async function authorizeInBrowser(startUrl: string, stopAt: string): Promise<URL> {
  const jar = new Map<string, string>();
  let url = new URL(startUrl);
  let form: string | undefined;
  for (let step = 0; step < 15; step++) {
    const res = await fetch(url, {
      method: form === undefined ? 'GET' : 'POST',
      redirect: 'manual',
      headers: {
        cookie: [...jar].map(([name, value]) => `${name}=${value}`).join('; '),
        ...(form === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
      },
      ...(form === undefined ? {} : { body: form }),
    });
    for (const cookie of res.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';');
      const eq = pair.indexOf('=');
      if (pair.slice(eq + 1) === '') jar.delete(pair.slice(0, eq));
      else jar.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    const location = res.headers.get('location');
    if (location !== null) {
      url = new URL(location, url);
      form = undefined;
      if (url.href.startsWith(stopAt)) return url;
      continue;
    }
    const html = await res.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
    if (action === undefined || prompt === undefined) throw new Error(`unexpected page (${res.status}): ${html.slice(0, 300)}`);
    url = new URL(action.replace(/&amp;/g, '&'), url);
    form = prompt === 'login' ? 'prompt=login&login=alice&password=anything' : `prompt=${prompt}`;
  }
  throw new Error(`the authorization flow did not reach ${stopAt}`);
}
