import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorResponse } from '../server/schemas.js';
import { SYNC_STATUSES, type SyncService } from './sync-service.js';

const TAGS = ['files'];
const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };
const Sync = Type.Object({}, { additionalProperties: true, description: 'id, status (running, success, partial, failed), idAppAccount, idFile, counts, rowErrorCount, rowErrors, error, createdAt, finishedAt.' });
const SyncSummary = Type.Object({}, { additionalProperties: true, description: 'The object of GET /services/sync/custom/{id} without rowErrors: id, status, idAppAccount, idFile, counts, rowErrorCount, error, createdAt, finishedAt.' });

/** Step 5 of the file sync, under /v1.0. */
export const syncRoutes: FastifyPluginAsyncTypebox<{ service: SyncService }> = async (app, { service }) => {
  app.put(
    '/services/sync/custom',
    {
      schema: {
        tags: TAGS,
        summary: 'Sync an uploaded file into an app account',
        description: "The app account's users and licenses become the file's (absent users are marked removed). Runs in the background; 409 while another sync of the account runs.",
        body: Type.Object({ idFile: Type.Union([Type.Number(), Type.String()]), idAppAccount: Type.String() }, { additionalProperties: false }),
        response: { 202: Type.Object({ sync: Type.Object({ id: Type.String(), status: Type.String() }) }), ...errors, 409: ErrorResponse },
      },
    },
    async (request, reply) => {
      const sync = await service.start(request.principal.teamId, request.body);
      return reply.status(202).send({ sync: { id: sync.id, status: sync.status } });
    },
  );

  app.get(
    '/services/sync/custom',
    {
      schema: {
        tags: TAGS,
        summary: "List an app account's syncs",
        description:
          'Newest first (by start time). Each sync is light: its counts, status and rowErrorCount, but not the rowErrors array; read GET /services/sync/custom/{id} for those. Page with limit (default 100) and the nextCursor of the previous page. 404 when the app account does not exist (or is another team\'s).',
        querystring: Type.Object(
          {
            idAppAccount: Type.String({ minLength: 1 }),
            status: Type.Optional(Type.Union(SYNC_STATUSES.map((s) => Type.Literal(s)))),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
            cursor: Type.Optional(Type.String()),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ syncs: Type.Array(SyncSummary), nextCursor: Type.Union([Type.String(), Type.Null()]) }), ...errors },
      },
    },
    async (request) => {
      const { idAppAccount, status, limit, cursor } = request.query;
      return service.list(request.principal.teamId, { idAppAccount, limit: limit ?? 100, ...(status ? { status } : {}), ...(cursor === undefined ? {} : { cursor }) });
    },
  );

  app.get(
    '/services/sync/custom/:id',
    { schema: { tags: TAGS, summary: 'Status of a sync', params: Type.Object({ id: Type.String() }), response: { 200: Type.Object({ sync: Sync }), ...errors } } },
    async (request) => ({ sync: await service.get(request.principal.teamId, request.params.id) }),
  );
};
