import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { AppError } from '../errors.js';
import { decodeCursor, encodeCursor, UUID } from '../server/cursor.js';
import { ErrorResponse } from '../server/schemas.js';
import { IntegrationConfig } from './definition.js';
import type { IntegrationService } from './service.js';

const ConfigBody = Type.Object({}, {
  additionalProperties: true,
  description: 'The integration config: see /schemas/integration.json and docs/integration-format.md.',
});

const Team = Type.Object({
  id: Type.String(),
  name: Type.String(),
  domain: Type.Union([Type.String(), Type.Null()]),
  logo: Type.Union([Type.String(), Type.Null()]),
  is_verified: Type.Boolean(),
  is_white_label: Type.Boolean(),
  tos_link: Type.Union([Type.String(), Type.Null()]),
  allow_impersonation: Type.Boolean(),
  created_at: Type.String(),
  updated_at: Type.String(),
});

const Sharing = Type.Enum(['allow', 'ask', 'deny']);

export const IntegrationResponse = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  category: Type.String(),
  is_beta: Type.Boolean(),
  config: ConfigBody,
  team_id: Type.String(),
  sharing: Sharing,
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
  installed_environment: Type.Array(Type.String()),
  team: Team,
  version: Type.Integer({ description: 'Send it back on PATCH; a stale version is a 409.' }),
  from_catalog: Type.Union([Type.String(), Type.Null()]),
});

const CreateBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'The name of your integration, e.g. my_custom_crm.' })),
    category: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'A short category, e.g. crm.' })),
    config: Type.Optional(ConfigBody),
    is_beta: Type.Optional(Type.Boolean()),
    sharing: Type.Optional(Sharing),
    from_catalog: Type.Optional(Type.String({ description: 'Start from a shipped definition (GET /v1/catalog); `config` is then merged over it.' })),
  },
  { additionalProperties: false },
);

const PatchBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    category: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    config: Type.Optional(Type.Object({}, { additionalProperties: true, description: 'Deep-merged into the config (RFC 7396: null removes a key, arrays replace).' })),
    is_beta: Type.Optional(Type.Boolean()),
    sharing: Type.Optional(Sharing),
    version: Type.Optional(Type.Integer({ minimum: 1, description: 'The version you read; a stale one is refused with 409.' })),
  },
  { additionalProperties: false },
);

const IdParams = Type.Object({ id: Type.String() });
const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };
const TAGS = ['integrations'];

/** `/integration` (seed 002's contract, snake_case). */
export const integrationRoutes: FastifyPluginAsyncTypebox<{ service: IntegrationService }> = async (app, { service }) => {
  app.post(
    '/integration',
    { schema: { tags: TAGS, summary: 'Create an integration', description: 'From a config, or `from_catalog` a shipped definition.', body: CreateBody, response: { 201: IntegrationResponse, ...errors, 409: ErrorResponse } } },
    async (request, reply) => reply.status(201).send(await service.toWire(await service.create(request.principal.teamId, request.body))),
  );

  app.post(
    '/integration/validate',
    {
      config: { allowReadScope: true },
      schema: {
        tags: TAGS,
        summary: 'Check a config without saving it',
        description: 'The same checks as a create (the published schema, then the definition rules); `errors[].field` is the JSON path under `config`. Editors call it as the user types.',
        body: Type.Object({ config: Type.Unknown() }, { additionalProperties: false }),
        response: { 200: Type.Object({ valid: Type.Boolean(), errors: Type.Array(Type.Object({ field: Type.String(), message: Type.String() })) }), ...errors },
      },
    },
    async (request) => {
      try {
        service.validateConfig(request.body.config);
        return { valid: true, errors: [] };
      } catch (error) {
        if (!(error instanceof AppError) || error.code !== 'VALIDATION_FAILED') throw error;
        return { valid: false, errors: error.details.map((d) => ({ field: d.field ?? 'config', message: d.message })) };
      }
    },
  );

  app.get(
    '/integration',
    {
      schema: {
        tags: TAGS,
        summary: 'List integrations',
        querystring: Type.Object(
          {
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, description: 'Default 100.' })),
            next_cursor: Type.Optional(Type.String()),
            category: Type.Optional(Type.String()),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ result: Type.Array(IntegrationResponse), next_cursor: Type.Union([Type.String(), Type.Null()]) }), ...errors },
      },
    },
    async (request) => {
      const limit = request.query.limit ?? 100;
      const rows = await service.list(request.principal.teamId, {
        limit: limit + 1,
        ...(request.query.next_cursor ? { after: decodeCursor(request.query.next_cursor, UUID) } : {}),
        ...(request.query.category ? { category: request.query.category } : {}),
      });
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return { result: await Promise.all(page.map((i) => service.toWire(i))), next_cursor: rows.length > limit && last ? encodeCursor(last.id) : null };
    },
  );

  app.get(
    '/integration/:id',
    { schema: { tags: TAGS, summary: 'Get an integration', params: IdParams, response: { 200: IntegrationResponse, ...errors } } },
    async (request) => service.toWire(await service.get(request.principal.teamId, request.params.id)),
  );

  app.patch(
    '/integration/:id',
    { schema: { tags: TAGS, summary: 'Update an integration', params: IdParams, body: PatchBody, response: { 200: IntegrationResponse, ...errors, 409: ErrorResponse } } },
    async (request) => service.toWire(await service.patch(request.principal.teamId, request.params.id, request.body)),
  );

  app.delete(
    '/integration/:id',
    { schema: { tags: TAGS, summary: 'Delete an integration', description: 'Refused (409) while connections use it.', params: IdParams, response: { 204: Type.Null(), ...errors, 409: ErrorResponse } } },
    async (request, reply) => {
      await service.remove(request.principal.teamId, request.params.id);
      return reply.status(204).send(null);
    },
  );
};

const CatalogItem = Type.Object({
  name: Type.String(),
  category: Type.String(),
  description: Type.String(),
  docs_url: Type.Optional(Type.String()),
  is_beta: Type.Boolean(),
  label: Type.Optional(Type.String()),
  credentials: Type.Array(Type.String({ description: 'Credential formats offered.' })),
  resources: Type.Array(Type.String()),
});

/** `/v1/catalog`: the shipped definitions. */
export const catalogRoutes: FastifyPluginAsyncTypebox<{ service: IntegrationService }> = async (app, { service }) => {
  app.get(
    '/catalog',
    { schema: { tags: TAGS, summary: 'List the shipped catalogue', response: { 200: Type.Array(CatalogItem), ...errors } } },
    async () =>
      service.catalog().map((entry) => {
        const credentials = entry.config.credentials;
        const formats = !credentials ? [] : 'format' in credentials ? [credentials.format as string] : Object.values(credentials).map((c) => c.format as string);
        return {
          name: entry.name,
          category: entry.category,
          description: entry.description,
          ...(entry.docs_url ? { docs_url: entry.docs_url } : {}),
          is_beta: entry.is_beta,
          ...(entry.config.label ? { label: entry.config.label } : {}),
          credentials: formats,
          resources: Object.keys(entry.config.resources ?? {}),
        };
      }),
  );
  app.get(
    '/catalog/:name',
    { schema: { tags: TAGS, summary: 'Get a catalogue definition', params: Type.Object({ name: Type.String() }), response: { 200: Type.Object({}, { additionalProperties: true }), ...errors } } },
    async (request) => service.catalogEntry(request.params.name),
  );
};

/** The published JSON Schema of `config`, for editors (no API key needed). */
export const schemaRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/schemas/integration.json', { schema: { tags: TAGS, summary: 'JSON Schema of an integration config', security: [] } }, async (_request, reply) =>
    reply.type('application/schema+json').send(JSON.stringify({ $schema: 'https://json-schema.org/draft/2020-12/schema', ...IntegrationConfig })),
  );
};
