import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorResponse } from '../server/schemas.js';
import type { ImportService } from './service.js';

const TAGS = ['imports'];
const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 413: ErrorResponse };
const Body = Type.Object(
  {
    import: Type.Object({}, { additionalProperties: true, description: 'The import model: mapping/mappings/lookups and rest or http {relativeURI[], method[]}, or resource/method for integration connections.' }),
    data: Type.Array(Type.Unknown(), { description: 'The records to import (at most 10,000).' }),
  },
  { additionalProperties: false },
);
const Result = Type.Object(
  {
    statusCode: Type.Integer(),
    id: Type.Optional(Type.String()),
    _json: Type.Optional(Type.Unknown()),
    ignored: Type.Optional(Type.Boolean()),
    errors: Type.Optional(Type.Array(Type.Object({ code: Type.String(), message: Type.String() }))),
  },
  { additionalProperties: false },
);

/** Virtual imports through a connection (seeds 003/004). */
export const importRoutes: FastifyPluginAsyncTypebox<{ service: ImportService }> = async (app, { service }) => {
  app.post(
    '/connections/:_id/import',
    {
      schema: {
        tags: TAGS,
        summary: 'Execute a virtual import',
        description: 'Maps every record, then writes it; answers one result per record, in order. One failing record never fails the others.',
        params: Type.Object({ _id: Type.String() }),
        body: Body,
        response: { 200: Type.Array(Result), ...errors },
      },
    },
    async (request) => service.importRecords(request.principal.teamId, request.params._id, request.body),
  );

  app.post(
    '/connections/:_id/import/map',
    {
      schema: {
        tags: TAGS,
        summary: 'Evaluate only the mapping of a virtual import',
        description: 'Answers the post-mapped records in order; a record the mapping refuses shows {statusCode: 422, errors}. Nothing is sent.',
        params: Type.Object({ _id: Type.String() }),
        body: Body,
        response: { 200: Type.Array(Type.Unknown()), ...errors },
      },
    },
    async (request) => service.mapOnly(request.principal.teamId, request.params._id, request.body),
  );
};
