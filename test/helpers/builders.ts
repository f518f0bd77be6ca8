/** Builders for request bodies, so tests say what matters and nothing else (style.md §12). */

export const SEED_SLACK_CONNECTION = {
  _id: '123ab456c789de1011fg12h13i',
  lastModified: '2015-05-02T05:13:43.736Z',
  type: 'rest',
  name: 'Slack API',
  rest: {
    baseURI: 'https://slack.com/api',
    bearerToken: 'xoxb-seed-secret-token-1',
    tokenLocation: 'url',
    tokenParam: 'token',
    mediaType: 'urlencoded',
    authType: 'token',
    encryptedFields: [],
    unencryptedFields: [],
    scope: [],
    pingRelativeURI: 'api.test',
  },
  queues: [{ name: '123ab456c789de1011fg12h13i', size: 8 }],
};

export interface RestOptions {
  baseURI?: string;
  auth?: 'header' | 'url' | 'basic' | 'custom';
  token?: string;
  password?: string;
  name?: string;
  pingRelativeURI?: string;
}

export function aRestConnection(options: RestOptions = {}): Record<string, unknown> {
  const auth = options.auth ?? 'header';
  const rest: Record<string, unknown> = {
    baseURI: options.baseURI ?? 'https://api.example.com/v1',
    mediaType: 'json',
    pingRelativeURI: options.pingRelativeURI ?? '/ping',
  };
  if (auth === 'header' || auth === 'url') {
    Object.assign(rest, { authType: 'token', bearerToken: options.token ?? 'tok-header-secret-9f8e7d', tokenLocation: auth });
    if (auth === 'url') rest.tokenParam = 'token';
  } else if (auth === 'basic') {
    Object.assign(rest, { authType: 'basic', basicAuth: { username: 'alice', password: options.password ?? 'pw-basic-secret-4c3b2a' } });
  } else {
    rest.authType = 'custom';
  }
  return { type: 'rest', name: options.name ?? `REST ${auth}`, rest };
}

export interface HttpOptions {
  baseURI?: string;
  token?: string;
  ping?: Record<string, unknown>;
  name?: string;
  encrypted?: Record<string, string>;
  concurrencyLevel?: number;
}

export function anHttpConnection(options: HttpOptions = {}): Record<string, unknown> {
  const http: Record<string, unknown> = {
    baseURI: options.baseURI ?? 'https://api.example.com',
    mediaType: 'json',
    headers: [{ name: 'X-Client', value: 'switchyard-test' }],
    auth: { type: 'token', token: { token: options.token ?? 'tok-http-secret-1a2b3c', location: 'header', headerName: 'Authorization', scheme: 'Bearer' } },
    ping: options.ping ?? { relativeURI: '/me', method: 'GET' },
  };
  if (options.encrypted) http.encrypted = options.encrypted;
  if (options.concurrencyLevel !== undefined) http.concurrencyLevel = options.concurrencyLevel;
  return { type: 'http', name: options.name ?? 'HTTP token', http };
}
