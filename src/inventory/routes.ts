import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { fail } from '../errors.js';
import { ErrorResponse } from '../server/schemas.js';
import type { AppService } from './apps.js';

const TAGS = ['inventory'];
const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };
const App = Type.Object({
  id: Type.String(),
  name: Type.String(),
  category: Type.String(),
  url: Type.Union([Type.String(), Type.Null()]),
  description: Type.Union([Type.String(), Type.Null()]),
  isCustom: Type.Boolean(),
});
const AppAccount = Type.Object({
  id: Type.String(),
  idApp: Type.String(),
  name: Type.String(),
  lastSyncTime: Type.Union([Type.String(), Type.Null()]),
  lastSyncStatus: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
});

/** Apps and app accounts under /v1.0, wrapped in named objects as users of this API know them. */
export const inventoryRoutes: FastifyPluginAsyncTypebox<{ apps: AppService }> = async (app, { apps }) => {
  app.get(
    '/apps',
    {
      schema: {
        tags: TAGS,
        summary: 'List apps (known and custom)',
        querystring: Type.Object(
          { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })), cursor: Type.Optional(Type.String()), category: Type.Optional(Type.String()), q: Type.Optional(Type.String({ description: 'Name contains.' })) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ apps: Type.Array(App), nextCursor: Type.Union([Type.String(), Type.Null()]) }), ...errors },
      },
    },
    async (request) => {
      const cursor = request.query.cursor === undefined ? undefined : Number(request.query.cursor);
      if (cursor !== undefined && (!Number.isInteger(cursor) || cursor < 0)) throw fail('INVALID_CURSOR');
      return apps.list(request.principal.teamId, {
        limit: request.query.limit ?? 100,
        ...(cursor === undefined ? {} : { cursor }),
        ...(request.query.category ? { category: request.query.category } : {}),
        ...(request.query.q ? { q: request.query.q } : {}),
      });
    },
  );

  app.get('/apps/:id', { schema: { tags: TAGS, summary: 'Get an app', params: Type.Object({ id: Type.String() }), response: { 200: Type.Object({ app: App }), ...errors } } }, async (request) => ({
    app: await apps.get(request.principal.teamId, request.params.id),
  }));

  app.post(
    '/apps/custom',
    {
      schema: {
        tags: TAGS,
        summary: 'Add a custom application',
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 200 }),
            category: Type.Optional(Type.String({ maxLength: 100 })),
            url: Type.Optional(Type.String({ maxLength: 2000 })),
            description: Type.Optional(Type.String({ maxLength: 2000 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ app: App }), ...errors, 409: ErrorResponse },
      },
    },
    async (request) => ({ app: await apps.createCustom(request.principal.teamId, request.body) }),
  );

  app.post(
    '/app-accounts',
    {
      schema: {
        tags: TAGS,
        summary: 'Create an app account (a custom integration that receives synced files)',
        body: Type.Object({ idApp: Type.String(), name: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ appAccount: AppAccount }), ...errors },
      },
    },
    async (request) => ({ appAccount: await apps.createAccount(request.principal.teamId, request.body) }),
  );

  app.get(
    '/app-accounts',
    {
      schema: {
        tags: TAGS,
        summary: 'List app accounts',
        querystring: Type.Object({ idApp: Type.Optional(Type.String()), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })), cursor: Type.Optional(Type.String()) }, { additionalProperties: false }),
        response: { 200: Type.Object({ appAccounts: Type.Array(AppAccount), nextCursor: Type.Union([Type.String(), Type.Null()]) }), ...errors },
      },
    },
    async (request) =>
      apps.listAccounts(request.principal.teamId, { limit: request.query.limit ?? 100, ...(request.query.cursor ? { after: request.query.cursor } : {}), ...(request.query.idApp ? { idApp: request.query.idApp } : {}) }),
  );

  app.get('/app-accounts/:id', { schema: { tags: TAGS, summary: 'Get an app account', params: Type.Object({ id: Type.String() }), response: { 200: Type.Object({ appAccount: AppAccount }), ...errors } } }, async (request) => ({
    appAccount: await apps.getAccount(request.principal.teamId, request.params.id),
  }));

  app.delete(
    '/app-accounts/:id',
    { schema: { tags: TAGS, summary: 'Delete an app account and its synced data', params: Type.Object({ id: Type.String() }), response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      await apps.deleteAccount(request.principal.teamId, request.params.id);
      return reply.status(204).send(null);
    },
  );
};
