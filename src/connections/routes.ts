import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Actor, AuditSource } from '../audit/repository.js';
import { decodeCursor, encodeCursor } from '../server/cursor.js';
import { ErrorResponse } from '../server/schemas.js';
import { Connection, ConnectionInput } from './model.js';
import type { ConnectionService } from './service.js';

const IdParams = Type.Object({ _id: Type.String({ description: 'The connection _id.' }) });

const ListQuery = Type.Object(
  {
    type: Type.Optional(Type.String({ description: 'Only connections of this type (rest, http).' })),
    name: Type.Optional(Type.String({ description: 'Only connections whose name contains this text (case-insensitive).' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100, description: 'Page size.' })),
    cursor: Type.Optional(Type.String({ description: 'Opaque cursor from the previous page\'s Link rel="next".' })),
  },
  { additionalProperties: false },
);

const PatchOperation = Type.Object(
  {
    op: Type.String({ description: 'add | remove | replace | move | copy | test' }),
    path: Type.String({ description: 'JSON pointer, e.g. /rest/pingRelativeURI' }),
    value: Type.Optional(Type.Unknown()),
    from: Type.Optional(Type.String()),
  },
  { description: 'A JSON Patch (RFC 6902) operation.' },
);

const PingOk = Type.Object({ code: Type.Literal(200) });
const PingErrors = Type.Object({ errors: Type.Array(Type.Object({ code: Type.String(), message: Type.String() })) });

const FieldChange = Type.Object({ fieldPath: Type.String(), oldValue: Type.Unknown(), newValue: Type.Unknown() });
const AuditEntry = Type.Object({
  _id: Type.String(),
  resourceType: Type.String(),
  _resourceId: Type.String(),
  source: Type.Enum(['api', 'ui', 'cli']),
  fieldChanges: Type.Array(FieldChange),
  event: Type.Enum(['create', 'update', 'delete']),
  time: Type.String({ format: 'date-time' }),
  byUser: Type.Object({ _id: Type.Union([Type.String(), Type.Null()]), name: Type.Union([Type.String(), Type.Null()]) }),
});

const DebugEntry = Type.Object({
  _id: Type.String(),
  _connectionId: Type.String(),
  _resourceId: Type.Union([Type.String(), Type.Null()]),
  time: Type.String({ format: 'date-time' }),
  method: Type.String(),
  url: Type.String(),
  status: Type.Union([Type.Integer(), Type.Null()]),
  durationMs: Type.Number(),
  request: Type.Object({ headers: Type.Record(Type.String(), Type.String()), body: Type.Union([Type.String(), Type.Null()]) }),
  response: Type.Union([
    Type.Object({ headers: Type.Union([Type.Record(Type.String(), Type.String()), Type.Null()]), body: Type.Union([Type.String(), Type.Null()]) }),
    Type.Null(),
  ]),
  error: Type.Union([Type.String(), Type.Null()]),
});

const Dependent = Type.Object({
  id: Type.String(),
  name: Type.String(),
  paths: Type.Array(Type.String()),
  accessLevel: Type.String(),
  dependencyIds: Type.Record(Type.String(), Type.Array(Type.String())),
});
const Dependencies = Type.Object({
  exports: Type.Array(Dependent),
  imports: Type.Array(Dependent),
  flows: Type.Array(Dependent),
  integrations: Type.Array(Dependent),
});

const TAGS = ['connections'];
const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };

/** Who is acting: the key, and where from (the console sends `X-Switchyard-Source: ui`). */
export function actorOf(request: FastifyRequest): Actor {
  const header = request.headers['x-switchyard-source'];
  const source: AuditSource = header === 'ui' || header === 'cli' ? header : 'api';
  return { principal: request.principal, source };
}

/** The connections API of seeds 003/004, under /v1. */
export const connectionRoutes: FastifyPluginAsyncTypebox<{ service: ConnectionService; publicUrl: string }> = async (app, { service, publicUrl }) => {
  app.get(
    '/connections',
    {
      schema: {
        tags: TAGS,
        summary: 'List connections',
        description: 'Connections of your team, oldest first. More pages: follow the `Link: <...>; rel="next"` header.',
        querystring: ListQuery,
        response: { 200: Type.Array(Connection), ...errors },
      },
    },
    async (request, reply) => {
      const limit = request.query.limit ?? 100;
      const rows = await service.list(request.principal.teamId, {
        limit: limit + 1,
        ...(request.query.type === undefined ? {} : { type: request.query.type }),
        ...(request.query.name === undefined ? {} : { name: request.query.name }),
        ...(request.query.cursor === undefined ? {} : { after: decodeCursor(request.query.cursor) }),
      });
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      if (rows.length > limit && last) {
        const next = new URL('/v1/connections', publicUrl);
        for (const [key, value] of Object.entries(request.query)) if (key !== 'cursor' && value !== undefined) next.searchParams.set(key, String(value));
        next.searchParams.set('limit', String(limit));
        next.searchParams.set('cursor', encodeCursor(last.id));
        reply.header('link', `<${next.toString()}>; rel="next"`);
      }
      return page.map((c) => service.toWire(c));
    },
  );

  app.post(
    '/connections',
    {
      schema: {
        tags: TAGS,
        summary: 'Create a connection',
        description: 'Secrets are encrypted at rest and returned as "******". Read-only fields in the body (_id, lastModified, queues...) are ignored.',
        body: ConnectionInput,
        response: { 201: Connection, ...errors },
      },
    },
    async (request, reply) => {
      const created = await service.create(request.principal.teamId, actorOf(request), request.body);
      return reply.status(201).send(service.toWire(created));
    },
  );

  app.post(
    '/connections/ping',
    {
      schema: {
        tags: TAGS,
        summary: 'Test an unsaved connection',
        description: 'Pings the connection given in the body without saving it.',
        body: ConnectionInput,
        response: { 200: PingOk, 422: PingErrors, 502: PingErrors, 504: PingErrors, ...errors },
      },
    },
    async (request, reply) => {
      const outcome = await service.pingVirtual(request.principal.teamId, request.body);
      return outcome.ok ? { code: 200 as const } : reply.status(outcome.status).send({ errors: [{ code: outcome.code, message: outcome.message }] });
    },
  );

  app.get(
    '/connections/:_id',
    { schema: { tags: TAGS, summary: 'Get a connection', params: IdParams, response: { 200: Connection, ...errors } } },
    async (request) => service.toWire(await service.get(request.principal.teamId, request.params._id)),
  );

  app.put(
    '/connections/:_id',
    {
      schema: {
        tags: TAGS,
        summary: 'Update a connection',
        description: 'Replaces the connection. A secret sent as "******" keeps the stored value.',
        params: IdParams,
        body: ConnectionInput,
        response: { 200: Connection, ...errors },
      },
    },
    async (request) => service.toWire(await service.replace(request.principal.teamId, actorOf(request), request.params._id, request.body)),
  );

  app.patch(
    '/connections/:_id',
    {
      schema: {
        tags: TAGS,
        summary: 'Update part of a connection (JSON Patch)',
        description: 'An RFC 6902 JSON Patch array. Operations see secrets as "******"; replacing a secret with a new value stores it.',
        params: IdParams,
        body: Type.Array(PatchOperation),
        response: { 200: Connection, ...errors, 422: ErrorResponse },
      },
    },
    async (request) => service.toWire(await service.patch(request.principal.teamId, actorOf(request), request.params._id, request.body)),
  );

  app.delete(
    '/connections/:_id',
    {
      schema: {
        tags: TAGS,
        summary: 'Delete a connection',
        params: IdParams,
        response: { 204: Type.Null({ description: 'Deleted.' }), ...errors, 409: ErrorResponse },
      },
    },
    async (request, reply) => {
      await service.remove(request.principal.teamId, actorOf(request), request.params._id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/connections/:_id/ping',
    {
      schema: {
        tags: TAGS,
        summary: 'Test a connection',
        description: 'Sends a real request to the connection\'s ping URI with its authentication.',
        params: IdParams,
        response: { 200: PingOk, 422: PingErrors, 502: PingErrors, 504: PingErrors, ...errors },
      },
    },
    async (request, reply) => {
      const outcome = await service.ping(request.principal.teamId, request.params._id);
      return outcome.ok ? { code: 200 as const } : reply.status(outcome.status).send({ errors: [{ code: outcome.code, message: outcome.message }] });
    },
  );

  const debugSchema = (withResource: boolean) => ({
    tags: TAGS,
    summary: withResource ? 'Get debug logs for one export or import' : 'Get debug logs',
    description: 'Outbound requests recorded while the connection\'s debugDate was in the future, newest first, secrets redacted.',
    params: withResource ? Type.Object({ _id: Type.String(), _resourceId: Type.String() }) : IdParams,
    response: { 200: Type.Array(DebugEntry), ...errors },
  });
  app.get('/connections/:_id/debug', { schema: debugSchema(false) }, async (request) =>
    service.debug(request.principal.teamId, request.params._id),
  );
  app.get('/connections/:_id/debug/:_resourceId', { schema: debugSchema(true) }, async (request) => {
    const params = request.params as { _id: string; _resourceId: string };
    return service.debug(request.principal.teamId, params._id, params._resourceId);
  });

  app.get(
    '/connections/:_id/audit',
    { schema: { tags: TAGS, summary: 'Get the audit log of a connection', params: IdParams, response: { 200: Type.Array(AuditEntry), ...errors } } },
    async (request) => service.audit(request.principal.teamId, request.params._id),
  );

  app.get(
    '/connections/:_id/dependencies',
    {
      schema: {
        tags: TAGS,
        summary: 'Get the resources using this connection',
        params: IdParams,
        response: { 200: Dependencies, ...errors },
      },
    },
    async (request) => service.dependencies(request.principal.teamId, request.params._id),
  );
};
