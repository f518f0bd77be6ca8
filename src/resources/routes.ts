import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { listAudit } from '../audit/repository.js';
import { actorOf } from '../connections/routes.js';
import { decodeCursor, encodeCursor } from '../server/cursor.js';
import type { ExportModel } from '../exports/model.js';
import type { FlowService } from '../flows/service.js';
import type { ImportModel } from '../imports/model.js';
import { ErrorResponse } from '../server/schemas.js';
import type { Store } from '../store/db.js';
import type { SavedModels } from './saved-models.js';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };
const Any = Type.Object({}, { additionalProperties: true });
const ListQuery = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })), cursor: Type.Optional(Type.String()) },
  { additionalProperties: false },
);
const IdParams = Type.Object({ _id: Type.String() });

interface CrudSpec<T> {
  path: string;
  tag: string;
  noun: string;
  resourceType: string;
  list(teamId: string, options: { limit: number; after?: string }): Promise<Array<T & { id: string }>>;
  get(teamId: string, id: string): Promise<T>;
  create(request: FastifyRequest): Promise<T>;
  replace(request: FastifyRequest, id: string): Promise<T>;
  remove(request: FastifyRequest, id: string): Promise<void>;
  wire(item: T): Record<string, unknown>;
}

/** The same five routes (+ audit) for each saved noun: list, create, get, replace, delete. */
function crud<T>(spec: CrudSpec<T>, store: Store, publicUrl: string): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = [spec.tag];
    app.get(spec.path, { schema: { tags, summary: `List ${spec.noun}s`, querystring: ListQuery, response: { 200: Type.Array(Any), ...errors } } }, async (request, reply: FastifyReply) => {
      const query = request.query as { limit?: number; cursor?: string };
      const limit = query.limit ?? 100;
      const rows = await spec.list(request.principal.teamId, { limit: limit + 1, ...(query.cursor ? { after: decodeCursor(query.cursor) } : {}) });
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      if (rows.length > limit && last) {
        const next = new URL(`/v1${spec.path}`, publicUrl);
        next.searchParams.set('limit', String(limit));
        next.searchParams.set('cursor', encodeCursor(last.id));
        reply.header('link', `<${next.toString()}>; rel="next"`);
      }
      return page.map((item) => spec.wire(item));
    });
    app.post(spec.path, { schema: { tags, summary: `Create a ${spec.noun}`, body: Any, response: { 201: Any, ...errors } } }, async (request, reply) =>
      reply.status(201).send(spec.wire(await spec.create(request))),
    );
    app.get(`${spec.path}/:_id`, { schema: { tags, summary: `Get a ${spec.noun}`, params: IdParams, response: { 200: Any, ...errors } } }, async (request) =>
      spec.wire(await spec.get(request.principal.teamId, request.params._id)),
    );
    app.put(`${spec.path}/:_id`, { schema: { tags, summary: `Update a ${spec.noun}`, params: IdParams, body: Any, response: { 200: Any, ...errors } } }, async (request) =>
      spec.wire(await spec.replace(request, request.params._id)),
    );
    app.delete(`${spec.path}/:_id`, { schema: { tags, summary: `Delete a ${spec.noun}`, description: 'Refused (409) while something uses it.', params: IdParams, response: { 204: Type.Null(), ...errors, 409: ErrorResponse } } }, async (request, reply) => {
      await spec.remove(request, request.params._id);
      return reply.status(204).send(null);
    });
    app.get(`${spec.path}/:_id/audit`, { schema: { tags, summary: `Audit log of a ${spec.noun}`, params: IdParams, response: { 200: Type.Array(Any), ...errors } } }, async (request) => {
      const entries = await listAudit(store.db, request.principal.teamId, spec.resourceType, request.params._id);
      if (entries.length === 0) await spec.get(request.principal.teamId, request.params._id);
      return entries;
    });
  };
}

/** `/v1/exports`, `/v1/imports`, `/v1/flows`, `/v1/integrations` (groups of flows). */
export const savedResourceRoutes: FastifyPluginAsyncTypebox<{
  exports: SavedModels<ExportModel>;
  imports: SavedModels<ImportModel>;
  flows: FlowService;
  store: Store;
  publicUrl: string;
}> = async (app, { exports, imports, flows, store, publicUrl }) => {
  for (const [saved, noun, path] of [
    [exports, 'export', '/exports'],
    [imports, 'import', '/imports'],
  ] as const) {
    const models = saved as SavedModels<object>;
    await app.register(
      crud(
        {
          path,
          tag: `${noun}s`,
          noun,
          resourceType: noun,
          list: (teamId, options) => models.list(teamId, options),
          get: (teamId, id) => models.get(teamId, id),
          create: (request) => models.create(request.principal.teamId, actorOf(request), request.body),
          replace: (request, id) => models.replace(request.principal.teamId, actorOf(request), id, request.body),
          remove: (request, id) => models.remove(request.principal.teamId, actorOf(request), id),
          wire: (item) => models.toWire(item),
        },
        store,
        publicUrl,
      ),
    );
  }
  await app.register(
    crud(
      {
        path: '/flows',
        tag: 'flows',
        noun: 'flow',
        resourceType: 'flow',
        list: (teamId, options) => flows.listFlows(teamId, options),
        get: (teamId, id) => flows.getFlow(teamId, id),
        create: (request) => flows.createFlow(request.principal.teamId, actorOf(request), request.body),
        replace: (request, id) => flows.replaceFlow(request.principal.teamId, actorOf(request), id, request.body),
        remove: (request, id) => flows.removeFlow(request.principal.teamId, actorOf(request), id),
        wire: (flow) => flows.flowWire(flow),
      },
      store,
      publicUrl,
    ),
  );
  await app.register(
    crud(
      {
        path: '/integrations',
        tag: 'flows',
        noun: 'integration',
        resourceType: 'integration',
        list: (teamId, options) => flows.listGroups(teamId, options),
        get: (teamId, id) => flows.getGroup(teamId, id),
        create: (request) => flows.saveGroup(request.principal.teamId, actorOf(request), request.body),
        replace: (request, id) => flows.saveGroup(request.principal.teamId, actorOf(request), request.body, id),
        remove: (request, id) => flows.removeGroup(request.principal.teamId, actorOf(request), id),
        wire: (group) => flows.groupWire(group),
      },
      store,
      publicUrl,
    ),
  );
};
