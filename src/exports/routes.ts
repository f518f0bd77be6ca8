import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorResponse } from '../server/schemas.js';
import type { ExportService } from './service.js';

const TAGS = ['exports'];
const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 413: ErrorResponse, 502: ErrorResponse, 504: ErrorResponse };
const ExportBody = Type.Object({}, { additionalProperties: true, description: 'The export model: exactly one of http, rest, or resource (+ method, query) for integration connections.' });
const PagedState = Type.Object(
  {
    searchId: Type.String(),
    pageIndex: Type.Integer(),
    pageSize: Type.Integer(),
    totalPages: Type.Optional(Type.Integer()),
    totalRecords: Type.Optional(Type.Integer()),
    done: Type.Boolean(),
    issuedAt: Type.Integer(),
    sig: Type.String(),
  },
  { additionalProperties: true, description: 'Send it back unchanged to get the next page (valid 1 hour).' },
);

/** Virtual exports through a connection (seeds 003/004). */
export const exportRoutes: FastifyPluginAsyncTypebox<{ service: ExportService }> = async (app, { service }) => {
  app.post(
    '/connections/:_id/export',
    {
      schema: {
        tags: TAGS,
        summary: 'Execute a virtual export',
        description: 'Reads every record the export describes (at most 10,000; beyond that use /export/pages).',
        params: Type.Object({ _id: Type.String() }),
        body: Type.Object({ export: ExportBody }, { additionalProperties: false }),
        response: { 200: Type.Object({ data: Type.Array(Type.Unknown()) }), ...errors },
      },
    },
    async (request) => ({ data: await service.exportAll(request.principal.teamId, request.params._id, request.body.export) }),
  );

  app.post(
    '/connections/:_id/export/pages',
    {
      schema: {
        tags: TAGS,
        summary: 'Execute a virtual export page by page',
        description: 'Answers pageSize records and a signed pagedExportState; send the state back with the same export for the next page, until done.',
        params: Type.Object({ _id: Type.String() }),
        body: Type.Object({ export: ExportBody, pagedExportState: Type.Optional(PagedState) }, { additionalProperties: false }),
        response: { 200: Type.Object({ data: Type.Array(Type.Unknown()), dataURIs: Type.Array(Type.Null()), pagedExportState: PagedState }), ...errors },
      },
    },
    async (request) =>
      service.exportPage(request.principal.teamId, request.params._id, {
        export: request.body.export,
        ...(request.body.pagedExportState === undefined ? {} : { pagedExportState: request.body.pagedExportState }),
      }),
  );
};
