import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { fail } from '../errors.js';
import { ErrorResponse } from '../server/schemas.js';
import type { Store } from '../store/db.js';
import { createApiKey, listApiKeys, revokeApiKey } from './api-keys.js';
import { getTeam, updateTeam } from './teams.js';

const TAGS = ['team'];
const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };
const Scope = Type.Union([Type.Literal('admin'), Type.Literal('read')]);

const ApiKeyWire = Type.Object({
  id: Type.String(),
  name: Type.String(),
  scope: Scope,
  prefix: Type.String({ description: 'The first characters of the key, to recognise it; never the key.' }),
  createdAt: Type.String(),
  lastUsedAt: Type.Union([Type.String(), Type.Null()]),
  revokedAt: Type.Union([Type.String(), Type.Null()]),
});

const TeamWire = Type.Object({
  id: Type.String(),
  name: Type.String(),
  domain: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

const Me = Type.Object({
  team: TeamWire,
  key: Type.Object({ id: Type.String(), name: Type.String(), scope: Scope }, { description: 'The key this request was made with.' }),
});

/** `/v1/team` and `/v1/keys`: the caller's team and its API keys (what the console's Settings page uses). */
export const teamRoutes: FastifyPluginAsyncTypebox<{ store: Store }> = async (app, { store }) => {
  const db = store.db;

  app.get('/team', { schema: { tags: TAGS, summary: 'The team of this API key, and the key itself', response: { 200: Me, ...errors } } }, async (request) => {
    const team = await getTeam(db, request.principal.teamId);
    if (!team) throw fail('TEAM_NOT_FOUND');
    return { team, key: { id: request.principal.keyId, name: request.principal.keyName, scope: request.principal.scope } };
  });

  app.patch(
    '/team',
    {
      schema: {
        tags: TAGS,
        summary: 'Rename the team or set its domain',
        body: Type.Object(
          { name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })), domain: Type.Optional(Type.Union([Type.String({ maxLength: 253 }), Type.Null()])) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ team: TeamWire }), ...errors, 409: ErrorResponse },
      },
    },
    async (request) => ({ team: await updateTeam(db, request.principal.teamId, request.body) }),
  );

  app.get('/keys', { schema: { tags: TAGS, summary: "List the team's API keys (never the keys themselves)", response: { 200: Type.Object({ keys: Type.Array(ApiKeyWire) }), ...errors } } }, async (request) => ({
    keys: (await listApiKeys(db, request.principal.teamId)).map(({ teamId: _teamId, ...key }) => key),
  }));

  app.post(
    '/keys',
    {
      schema: {
        tags: TAGS,
        summary: 'Create an API key',
        description: 'The response carries the key once; only its hash is stored.',
        body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }), scope: Type.Optional(Scope) }, { additionalProperties: false }),
        response: { 201: Type.Object({ apiKey: ApiKeyWire, key: Type.String({ description: 'Shown once.' }) }), ...errors },
      },
    },
    async (request, reply) => {
      const { apiKey, key } = await createApiKey(db, { teamId: request.principal.teamId, name: request.body.name, scope: request.body.scope ?? 'admin' });
      const { teamId: _teamId, ...wire } = apiKey;
      return reply.status(201).send({ apiKey: wire, key });
    },
  );

  app.delete(
    '/keys/:id',
    { schema: { tags: TAGS, summary: 'Revoke an API key (it stays listed, revoked)', params: Type.Object({ id: Type.String() }), response: { 200: Type.Object({ apiKey: ApiKeyWire }), ...errors } } },
    async (request) => {
      const { teamId: _teamId, ...apiKey } = await revokeApiKey(db, request.params.id, request.principal.teamId);
      return { apiKey };
    },
  );
};
