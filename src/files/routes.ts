import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Readable } from 'node:stream';
import { Type } from 'typebox';
import { ErrorResponse } from '../server/schemas.js';
import type { FileService } from './service.js';

const TAGS = ['files'];
const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };

/** Steps 1 and 4 of the file sync (API key needed). */
export const fileApiRoutes: FastifyPluginAsyncTypebox<{ service: FileService }> = async (app, { service }) => {
  app.get(
    '/files/url',
    {
      schema: {
        tags: TAGS,
        summary: 'Get an upload URL',
        description: 'A URL valid 5 minutes, for one upload of this file name and content type, that needs no API key.',
        querystring: Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }), type: Type.String({ minLength: 3, maxLength: 200, description: 'Content type, e.g. application/json.' }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ uploadFileParameters: Type.Object({ url: Type.String(), filePath: Type.String() }) }), ...errors },
      },
    },
    async (request) => ({ uploadFileParameters: await service.uploadUrl(request.principal.teamId, request.query.name, request.query.type) }),
  );

  app.post(
    '/files',
    {
      schema: {
        tags: TAGS,
        summary: 'Register an uploaded file',
        description: 'Gives the id a sync takes; 404 when nothing was uploaded at that path.',
        body: Type.Object({ path: Type.String({ minLength: 1, maxLength: 400 }), type: Type.String({ description: 'customIntegrationData' }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ id: Type.Number() }), ...errors },
      },
    },
    async (request) => service.register(request.principal.teamId, request.body.path, request.body.type),
  );
};

/** Step 3: `PUT <upload URL>` with the raw body; the signed token in the URL is the only credential. */
export const uploadRoutes: FastifyPluginAsyncTypebox<{ service: FileService }> = async (app, { service }) => {
  // The body is streamed to storage as it arrives, never parsed or buffered.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
  app.put(
    '/uploads/:token',
    {
      bodyLimit: Number.MAX_SAFE_INTEGER,
      schema: { hide: true, params: Type.Object({ token: Type.String() }) },
      // Upload tokens are credentials: keep them out of the request log.
      logLevel: 'warn',
    },
    async (request, reply) => {
      const body = request.body as Readable | undefined;
      if (!body || typeof (body as Readable).pipe !== 'function') {
        return reply.status(400).send({ error: { code: 'EMPTY_BODY', message: 'Send the file as the request body.', details: [] } });
      }
      const stored = await service.receive(request.params.token, request.headers['content-type'], body);
      return reply.status(200).send({ filePath: stored.filePath, size: stored.size });
    },
  );
};
