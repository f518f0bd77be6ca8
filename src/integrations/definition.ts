import { type Static, type TSchema, Type } from 'typebox';

/**
 * The declarative integration format (seed 002): where an API lives, how it authenticates, pages
 * and limits rates, and what resources it has. One TypeBox schema gives the TypeScript types, the
 * request validation and the published JSON Schema (`/schemas/integration.json`), so editors,
 * the API and the engine agree on every field.
 *
 * Strings may hold `{{placeholders}}` (see docs/integration-format.md): `{{path:type|fallback:type}}`
 * with roots id, body, query, context, credentials, oauth, pagination, environment.
 */

const Template = (description: string) => Type.String({ description: `${description} May hold {{placeholders}}.` });
const TemplateMap = (description: string) =>
  Type.Record(Type.String(), Type.Unknown(), { description: `${description} Values may hold {{placeholders}}; a value that is one whole placeholder keeps its JSON type.` });
const Expression = (description: string) => Type.String({ description: `${description} A JSONata expression.` });
const OneOrMore = <T extends TSchema>(item: T) => Type.Union([item, Type.Array(item)]);

export const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head'] as const;

export const CredentialField = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'Key the value is stored under: {{credentials.<name>}}.' }),
    label: Type.Optional(Type.String({ description: 'What the form shows.' })),
    type: Type.Optional(Type.Enum(['text', 'password', 'single_select'], { description: 'Input kind; password values are secrets. Default text.' })),
    required: Type.Optional(Type.Boolean()),
    default: Type.Optional(Type.Unknown({ description: 'Value used when the user leaves the field empty.' })),
    help_text: Type.Optional(Type.String()),
    options: Type.Optional(
      Type.Array(Type.Union([Type.String(), Type.Object({ label: Type.String(), value: Type.String() }, { additionalProperties: false })]), {
        description: 'Choices of a single_select.',
      }),
    ),
  },
  { additionalProperties: false, description: 'One value the user enters when connecting.' },
);
export type CredentialField = Static<typeof CredentialField>;

export const OAuth2Config = Type.Object(
  {
    client: Type.Optional(
      Type.Object({ id: Type.String(), secret: Type.Optional(Type.String()) }, { additionalProperties: false, description: 'The OAuth app; may be overridden per connection by fields client_id/client_secret.' }),
    ),
    auth: Type.Object(
      {
        tokenHost: Template('Base URL of the token endpoint.'),
        tokenPath: Type.Optional(Type.String({ description: 'Default /oauth/token.' })),
        refreshPath: Type.Optional(Type.String({ description: 'Token endpoint for refresh when it differs from tokenPath.' })),
        revokePath: Type.Optional(Type.String()),
        authorizeHost: Type.Optional(Template('Base URL of the authorization page (default tokenHost).')),
        authorizePath: Type.Optional(Type.String({ description: 'Default /oauth/authorize.' })),
      },
      { additionalProperties: false },
    ),
    options: Type.Optional(
      Type.Object(
        {
          scopeSeparator: Type.Optional(Type.String({ description: 'Default " ".' })),
          authorizationMethod: Type.Optional(Type.Enum(['header', 'body'], { description: 'How client credentials reach the token endpoint. Default header.' })),
          bodyFormat: Type.Optional(Type.Enum(['form', 'json'], { description: 'Token request body format. Default form.' })),
        },
        { additionalProperties: false },
      ),
    ),
    fields: Type.Optional(Type.Array(CredentialField)),
    scope: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())])),
    authorizeParams: Type.Optional(TemplateMap('Extra query parameters of the authorization URL.')),
    tokenParams: Type.Optional(TemplateMap('Extra parameters of the token request (e.g. grant_type, audience).')),
    refreshParams: Type.Optional(TemplateMap('Extra parameters of the refresh request.')),
    tokenExpiryDuration: Type.Optional(
      Type.Union([Type.String({ pattern: '^[0-9]+$' }), Type.Integer({ minimum: 1 })], { description: 'Seconds a token lives when the server does not say (expires_in).' }),
    ),
  },
  { additionalProperties: false },
);
export type OAuth2Config = Static<typeof OAuth2Config>;

export const CredentialsFormat = Type.Union(
  [
    Type.Object({ format: Type.Literal('api_key'), config: Type.Object({ fields: Type.Array(CredentialField) }, { additionalProperties: false }) }, { additionalProperties: false }),
    Type.Object({ format: Type.Literal('oauth2'), config: OAuth2Config }, { additionalProperties: false }),
    Type.Object({ format: Type.Literal('oauth2_client_credentials'), config: OAuth2Config }, { additionalProperties: false }),
  ],
  { description: 'How a user authenticates: api_key (fields), oauth2 (authorization code + refresh) or oauth2_client_credentials.' },
);
export type CredentialsFormat = Static<typeof CredentialsFormat>;

export const Authorization = Type.Object(
  {
    format: Type.Enum(['bearer', 'basic', 'header', 'query'], {
      description: 'bearer: config.token; basic: config.username/password; header: config.headers {name: value}; query: config.params {name: value}.',
    }),
    config: TemplateMap('Values of the format.'),
  },
  { additionalProperties: false, description: 'How every request carries the credentials.' },
);
export type Authorization = Static<typeof Authorization>;

export const PAGINATION_FORMATS = ['page', 'offset', 'cursor', 'link_header', 'range', 'dynamic'] as const;

export const Pagination = Type.Object(
  {
    format: Type.Enum([...PAGINATION_FORMATS]),
    config: Type.Optional(
      Type.Object(
        {
          page_key: Type.Optional(Type.String({ description: 'page: query key of the page number.' })),
          start_page: Type.Optional(Type.Integer({ description: 'page: first page number (default 1).' })),
          offset_key: Type.Optional(Type.String({ description: 'offset: query key of the offset.' })),
          limit_key: Type.Optional(Type.String({ description: 'Query key of the page size.' })),
          limit: Type.Optional(Type.Integer({ minimum: 1, description: 'Page size to ask for (default 100, capped by max_limit).' })),
          max_limit: Type.Optional(Type.Integer({ minimum: 1, description: 'Largest page size the API accepts.' })),
          cursor_key: Type.Optional(Type.String({ description: 'cursor: query key of the cursor.' })),
          cursor_path: Type.Optional(Type.String({ description: 'cursor: dot path of the next cursor in the response body or headers.' })),
          cursor_path_object: Type.Optional(Type.Enum(['body', 'header'], { description: 'cursor: where cursor_path looks (default body).' })),
          has_next_path: Type.Optional(Type.String({ description: 'Dot path of a "more pages" flag; false stops.' })),
          is_link: Type.Optional(Type.Boolean({ description: 'cursor: the cursor is the full URL of the next page.' })),
          rel: Type.Optional(Type.String({ description: 'link_header: relation of the next page (default next).' })),
          range_unit: Type.Optional(Type.String({ description: 'range: unit of the Range header (default items).' })),
          expression: Type.Optional(Expression('dynamic: computes the next request ({query, body, headers, url}) from {response, request, pagination}; null stops.')),
          location: Type.Optional(Type.Enum(['query', 'body'], { description: 'Where page/offset/cursor/limit values go (default query).' })),
          stop_on_short_page: Type.Optional(
            Type.Boolean({ description: 'page/offset: a page shorter than the limit asked for is the last (saves one request; only for APIs that never cap the page size).' }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false, description: 'How a list pages.' },
);
export type Pagination = Static<typeof Pagination>;

export const RateLimit = Type.Object(
  {
    is_rate_limited: Type.Optional(Type.Union([Type.Boolean(), Expression('True when a response means "slow down", over {status, headers, body}.')])),
    retry_after_header_expression: Type.Optional(Type.String({ description: 'Header (or JSONata over {status, headers, body}) giving the wait: seconds or an HTTP date.' })),
    rate_limit_header_expression: Type.Optional(Type.String({ description: 'Header (or JSONata) giving the calls left; 0 makes the engine wait before the next call.' })),
    rate_limit_reset_header_expression: Type.Optional(Type.String({ description: 'Header (or JSONata) giving when the budget resets: epoch seconds or seconds from now.' })),
    max_retries: Type.Optional(Type.Integer({ minimum: 0, maximum: 20, description: 'Retries of 429/5xx/resets (default 5).' })),
    max_retry_time_ms: Type.Optional(Type.Integer({ minimum: 0, description: 'Give up retrying after this long in total (default 120000).' })),
  },
  { additionalProperties: false },
);
export type RateLimit = Static<typeof RateLimit>;

const MethodCommon = {
  path: Template('Path appended to base_url.'),
  query: Type.Optional(TemplateMap('Query parameters.')),
  headers: Type.Optional(Type.Record(Type.String(), Type.String(), { description: 'Headers; merged over the integration\'s.' })),
  body: Type.Optional(Type.Unknown({ description: 'Request body; may hold {{placeholders}}.' })),
  body_format: Type.Optional(Type.Enum(['json', 'form'], { description: 'Default json.' })),
  response_path: Type.Optional(Type.String({ description: 'Dot path to the records in the response body.' })),
  authorization: Type.Optional(Authorization),
  rate_limit: Type.Optional(RateLimit),
  error_expression: Type.Optional(Type.String({ description: 'JSONata over {status, headers, body}; a non-empty result is an error message.' })),
  examples: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  description: Type.Optional(Type.String()),
};

export const ResourceMethod = Type.Object(
  {
    method: Type.Enum([...HTTP_METHODS, ...HTTP_METHODS.map((m) => m.toUpperCase())]),
    ...MethodCommon,
    pagination: Type.Optional(Type.Union([Pagination, Type.Null()], { description: 'Overrides the integration\'s; null = this method does not page.' })),
  },
  { additionalProperties: false },
);
export type ResourceMethod = Static<typeof ResourceMethod>;

export const Webhook = Type.Object(
  {
    signature_verification: Type.Optional(
      Type.Object(
        {
          format: Type.Enum(['HMAC-SHA256', 'HMAC-SHA1', 'hmac']),
          config: Type.Object(
            {
              secret: Template('Signing secret.'),
              algorithm: Type.Optional(Type.Enum(['sha256', 'sha1', 'sha512'])),
              parts: Type.Optional(Type.Array(Type.String(), { description: 'What is signed, joined in order: "body", "header", "$body", "$header.x-ts", literal text.' })),
              separator: Type.Optional(Type.String({ description: 'Joins the parts (default "").' })),
              compare_with: Type.Optional(Type.String({ description: 'Where the signature is: "$header.x-signature" (default $header.x-signature).' })),
              encoding: Type.Optional(Type.Enum(['hex', 'base64'])),
              prefix: Type.Optional(Type.String({ description: 'Stripped from the received signature, e.g. "sha256=".' })),
              timestamp: Type.Optional(Type.String({ description: 'Where the signing time is, e.g. "$header.x-ts"; checked against tolerance_seconds.' })),
              tolerance_seconds: Type.Optional(Type.Integer({ minimum: 1 })),
            },
            { additionalProperties: false },
          ),
        },
        { additionalProperties: false },
      ),
    ),
    handle_verification: Type.Optional(Type.String({ description: 'Handshake handling: "verify_webhook_signature", or a JSONata expression over {headers, body, query} giving the challenge answer.' })),
  },
  { additionalProperties: false },
);
export type Webhook = Static<typeof Webhook>;

export const Action = Type.Object(
  {
    type: Type.Literal('request'),
    config: Type.Object({ method: Type.Enum([...HTTP_METHODS, ...HTTP_METHODS.map((m) => m.toUpperCase())]), ...MethodCommon }, { additionalProperties: false }),
  },
  { additionalProperties: false },
);

export const IntegrationConfig = Type.Object(
  {
    $schema: Type.Optional(Type.String({ description: 'Ignored; lets editors find the JSON Schema (https://<your server>/schemas/integration.json).' })),
    base_url: Template('Base URL of the API, e.g. https://{{context.subdomain}}.example.com/api.'),
    label: Type.Optional(Type.String()),
    logo: Type.Optional(Type.String()),
    icon: Type.Optional(Type.String()),
    docs_url: Type.Optional(Type.String({ description: 'The vendor\'s API reference.' })),
    headers: Type.Optional(Type.Record(Type.String(), Type.String(), { description: 'Headers of every request.' })),
    query: Type.Optional(TemplateMap('Query parameters of every request.')),
    query_array_format: Type.Optional(Type.Enum(['comma', 'brackets', 'indices', 'repeat'], { description: 'How arrays go into query strings (default comma).' })),
    credentials: Type.Optional(
      Type.Union([CredentialsFormat, Type.Record(Type.String(), CredentialsFormat)], { description: 'One credentials format, or several keyed by format.' }),
    ),
    authorization: Type.Optional(Authorization),
    pagination: Type.Optional(Pagination),
    rate_limit: Type.Optional(RateLimit),
    resources: Type.Optional(Type.Record(Type.String(), Type.Record(Type.String(), ResourceMethod), { description: 'resource → method (list, get, create, update, delete, or custom) → request.' })),
    actions: Type.Optional(Type.Record(Type.String(), Action)),
    webhook: Type.Optional(Webhook),
    error_expression: Type.Optional(Type.String({ description: 'JSONata over {status, headers, body}; a non-empty result is an error message.' })),
    ping: Type.Optional(
      Type.Object(
        { resource: Type.Optional(Type.String()), method: Type.Optional(Type.String()), path: Type.Optional(Template('Path to GET when no resource is named.')) },
        { additionalProperties: false, description: 'What a ping calls (default: the first resource with a list or get method).' },
      ),
    ),
    concurrency: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'Requests in flight per connection (default 10).' })),
  },
  { additionalProperties: false, $id: 'https://switchyard.dev/schemas/integration.json', title: 'Switchyard integration config' },
);
export type IntegrationConfig = Static<typeof IntegrationConfig>;
export type QueryArrayFormat = NonNullable<IntegrationConfig['query_array_format']>;

/** `OneOrMore` is exported for definitions that accept a single value or a list. */
export { OneOrMore };
