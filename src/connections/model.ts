import { type Static, Type } from 'typebox';

/**
 * Wire schemas of the connections API (seeds 003/004): `_id` and camelCase, the type's own
 * object beside the common fields. Request bodies are validated with these schemas; the OpenAPI
 * document is generated from them, so the two cannot drift.
 */

const NameValue = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 200 }), value: Type.String({ maxLength: 10_000 }) },
  { additionalProperties: false },
);

const Uri = Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2000, description: 'An absolute http(s) URL.' });
const RelativeUri = Type.String({ maxLength: 2000, description: 'Path (and query) appended to baseURI.' });
const Secret = (description: string) => Type.String({ maxLength: 10_000, description: `${description} Secret: encrypted at rest, returned as "******".` });

export const RestConfig = Type.Object(
  {
    baseURI: Uri,
    mediaType: Type.Optional(Type.Enum(['json', 'urlencoded', 'xml'], { description: 'Default json.' })),
    authType: Type.Optional(Type.Enum(['token', 'basic', 'oauth', 'custom'], { description: 'Default token.' })),
    bearerToken: Type.Optional(Secret('Token sent on every request.')),
    tokenLocation: Type.Optional(Type.Enum(['header', 'url'], { description: 'Default header.' })),
    tokenParam: Type.Optional(Type.String({ maxLength: 200, description: 'Query parameter carrying the token when tokenLocation is "url".' })),
    authHeader: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Header carrying the token (default Authorization).' })),
    authScheme: Type.Optional(Type.String({ maxLength: 50, description: 'Scheme before the token in the header (default Bearer; empty for none).' })),
    basicAuth: Type.Optional(
      Type.Object({ username: Type.String({ maxLength: 1000 }), password: Type.Optional(Secret('Basic auth password.')) }, { additionalProperties: false }),
    ),
    refreshToken: Type.Optional(Secret('OAuth refresh token.')),
    headers: Type.Optional(Type.Array(NameValue, { maxItems: 100, description: 'Headers sent on every request.' })),
    pingRelativeURI: Type.Optional(RelativeUri),
    pingMethod: Type.Optional(Type.Enum(['GET', 'POST', 'HEAD'], { description: 'Default GET.' })),
    pingBody: Type.Optional(Type.String({ maxLength: 100_000 })),
    encryptedFields: Type.Optional(Type.Array(NameValue, { maxItems: 100, description: 'Named values kept encrypted (each value is a secret).' })),
    unencryptedFields: Type.Optional(Type.Array(NameValue, { maxItems: 100, description: 'Named values kept in clear.' })),
    scope: Type.Optional(Type.Array(Type.String({ maxLength: 500 }), { maxItems: 100 })),
  },
  { additionalProperties: false },
);

export const HttpAuth = Type.Object(
  {
    type: Type.Enum(['none', 'basic', 'token', 'oauth2', 'custom']),
    basic: Type.Optional(
      Type.Object({ username: Type.String({ maxLength: 1000 }), password: Type.Optional(Secret('Basic auth password.')) }, { additionalProperties: false }),
    ),
    token: Type.Optional(
      Type.Object(
        {
          token: Type.Optional(Secret('The token.')),
          location: Type.Optional(Type.Enum(['header', 'url', 'body'], { description: 'Default header.' })),
          headerName: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Default Authorization.' })),
          scheme: Type.Optional(Type.String({ maxLength: 50, description: 'Default Bearer.' })),
          paramName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
        },
        { additionalProperties: false },
      ),
    ),
    oauth2: Type.Optional(
      Type.Object(
        {
          grantType: Type.Optional(Type.Enum(['client_credentials', 'authorization_code'])),
          clientId: Type.Optional(Type.String({ maxLength: 1000 })),
          clientSecret: Type.Optional(Secret('OAuth2 client secret.')),
          tokenURI: Type.Optional(Uri),
          scope: Type.Optional(Type.Array(Type.String({ maxLength: 500 }), { maxItems: 100 })),
          accessToken: Type.Optional(Secret('Current OAuth2 access token.')),
          refreshToken: Type.Optional(Secret('OAuth2 refresh token.')),
          expiresAt: Type.Optional(Type.String({ format: 'date-time' })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export const HttpConfig = Type.Object(
  {
    baseURI: Uri,
    mediaType: Type.Optional(Type.Enum(['json', 'urlencoded', 'xml', 'csv', 'plaintext'], { description: 'Default json.' })),
    headers: Type.Optional(Type.Array(NameValue, { maxItems: 100, description: 'Headers sent on every request.' })),
    auth: Type.Optional(HttpAuth),
    ping: Type.Optional(
      Type.Object(
        {
          relativeURI: Type.Optional(RelativeUri),
          method: Type.Optional(Type.Enum(['GET', 'POST', 'PUT', 'HEAD'], { description: 'Default GET.' })),
          body: Type.Optional(Type.String({ maxLength: 100_000 })),
          successPath: Type.Optional(Type.String({ maxLength: 500, description: 'Dot path into the JSON response that must hold one of successValues.' })),
          successValues: Type.Optional(Type.Array(Type.String({ maxLength: 500 }), { maxItems: 50 })),
        },
        { additionalProperties: false },
      ),
    ),
    concurrencyLevel: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'At most this many requests in flight at once.' })),
    rateLimit: Type.Optional(
      Type.Object(
        {
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000, description: 'At most this many requests per second.' })),
          failStatusCode: Type.Optional(Type.Integer({ minimum: 100, maximum: 599 })),
          failPath: Type.Optional(Type.String({ maxLength: 500 })),
          failValues: Type.Optional(Type.Array(Type.String({ maxLength: 500 }), { maxItems: 50 })),
        },
        { additionalProperties: false },
      ),
    ),
    encrypted: Type.Optional(Type.Record(Type.String(), Secret('A custom secret value.'), { description: 'Custom secret values (all encrypted).' })),
    unencrypted: Type.Optional(Type.Record(Type.String(), Type.String({ maxLength: 10_000 }), { description: 'Custom values kept in clear.' })),
  },
  { additionalProperties: false },
);

/** Types with their own settings object (`rest`, `http`); `integration` connections are described by fields of their own. */
export const OBJECT_TYPES = ['rest', 'http'] as const;
export const CONNECTION_TYPES = ['rest', 'http', 'integration'] as const;
export type ConnectionType = (typeof CONNECTION_TYPES)[number];

/** Values the user of an integration connection enters: its credentials format's fields. */
const CredentialValues = Type.Record(Type.String(), Type.Union([Type.String({ maxLength: 10_000 }), Type.Number(), Type.Boolean()]), {
  description: "Values of the integration's credentials fields (password fields are secrets).",
});

/** An OAuth token to import, or the one the connection holds (secrets masked). */
export const OAuthTokenInput = Type.Object(
  {
    token: Type.Object(
      {
        access_token: Type.String({ minLength: 1, maxLength: 20_000, description: 'Secret.' }),
        refresh_token: Type.Optional(Type.String({ maxLength: 20_000, description: 'Secret.' })),
        expires_at: Type.Optional(Type.String({ format: 'date-time' })),
        token_type: Type.Optional(Type.String({ maxLength: 100 })),
        scope: Type.Optional(Type.String({ maxLength: 5000 })),
        instance_url: Type.Optional(Type.String({ maxLength: 2000, description: 'Per-customer API host some providers return (e.g. Salesforce).' })),
      },
      { additionalProperties: true },
    ),
  },
  { additionalProperties: false, description: 'The OAuth token of an integration connection; refreshed before expiry.' },
);

const QueueInfo = Type.Object({ name: Type.String(), size: Type.Integer() });

/** Fields the server owns: accepted in a request (so a GET response can be sent back verbatim) and ignored. */
export const READ_ONLY_FIELDS = ['_id', 'lastModified', 'createdAt', 'queues', 'offline', 'lastPing'] as const;

const LastPing = Type.Object(
  { at: Type.String({ format: 'date-time' }), ok: Type.Boolean(), code: Type.Union([Type.String(), Type.Null()], { description: 'The error code of a failed ping.' }) },
  { description: 'The last ping: when, whether the API answered, and the error code if not (null when never pinged).' },
);

export const ConnectionInput = Type.Object(
  {
    type: Type.Enum([...CONNECTION_TYPES]),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    rest: Type.Optional(RestConfig),
    http: Type.Optional(HttpConfig),
    _integrationId: Type.Optional(Type.String({ description: 'type integration: the integration (definition) this connection uses.' })),
    credentialsFormat: Type.Optional(Type.String({ description: 'type integration: which of the integration\'s credentials formats (when it offers several).' })),
    credentials: Type.Optional(CredentialValues),
    context: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'type integration: values for {{context.*}} placeholders (subdomain, org…).' })),
    oauth: Type.Optional(OAuthTokenInput),
    debugDate: Type.Optional(
      Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
        description: 'Record outbound requests in the debug log until this time (at most 1 hour ahead).',
      }),
    ),
    _id: Type.Optional(Type.String({ description: 'Ignored (read-only).' })),
    lastModified: Type.Optional(Type.String({ description: 'Ignored (read-only).' })),
    createdAt: Type.Optional(Type.String({ description: 'Ignored (read-only).' })),
    offline: Type.Optional(Type.Boolean({ description: 'Ignored (read-only).' })),
    queues: Type.Optional(Type.Array(QueueInfo, { description: 'Ignored (read-only).' })),
    lastPing: Type.Optional(Type.Union([LastPing, Type.Null()], { description: 'Ignored (read-only).' })),
  },
  { additionalProperties: false },
);
export type ConnectionInput = Static<typeof ConnectionInput>;

export const Connection = Type.Object(
  {
    _id: Type.String(),
    lastModified: Type.String({ format: 'date-time' }),
    createdAt: Type.String({ format: 'date-time' }),
    type: Type.Enum([...CONNECTION_TYPES]),
    name: Type.String(),
    rest: Type.Optional(RestConfig),
    http: Type.Optional(HttpConfig),
    _integrationId: Type.Optional(Type.String()),
    credentialsFormat: Type.Optional(Type.String()),
    credentials: Type.Optional(CredentialValues),
    context: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    oauth: Type.Optional(OAuthTokenInput),
    debugDate: Type.Optional(Type.String({ format: 'date-time' })),
    offline: Type.Boolean(),
    queues: Type.Array(QueueInfo),
    lastPing: Type.Optional(Type.Union([LastPing, Type.Null()])),
  },
  { additionalProperties: false },
);
export type Connection = Static<typeof Connection>;

/** The stored, validated document of a connection: what a user may set. */
export interface ConnectionDoc {
  type: ConnectionType;
  name: string;
  rest?: Static<typeof RestConfig>;
  http?: Static<typeof HttpConfig>;
  _integrationId?: string;
  credentialsFormat?: string;
  credentials?: Record<string, string | number | boolean>;
  context?: Record<string, unknown>;
  oauth?: Static<typeof OAuthTokenInput>;
}

/** Fields only a connection of type integration may have. */
export const INTEGRATION_FIELDS = ['_integrationId', 'credentialsFormat', 'credentials', 'context', 'oauth'] as const;

/**
 * Where each type keeps its secrets, as JSON pointers; `*` matches any key or index.
 * Everything matched is encrypted at rest and masked on the way out.
 */
export const SECRET_POINTERS: Record<ConnectionType, string[]> = {
  rest: ['/rest/bearerToken', '/rest/refreshToken', '/rest/basicAuth/password', '/rest/encryptedFields/*/value'],
  integration: ['/oauth/token/access_token', '/oauth/token/refresh_token', '/oauth/token/id_token'],
  http: [
    '/http/auth/basic/password',
    '/http/auth/token/token',
    '/http/auth/oauth2/clientSecret',
    '/http/auth/oauth2/accessToken',
    '/http/auth/oauth2/refreshToken',
    '/http/encrypted/*',
  ],
};
