import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import multipart from '@fastify/multipart';
import { PassThrough, pipeline, type Readable } from 'node:stream';
import { AppError, fail } from '../errors.js';
import { Type } from 'typebox';
import { ErrorResponse } from '../server/schemas.js';
import type { FileService } from './service.js';

const TAGS = ['files'];

/** Errors busboy raises for a malformed form (as opposed to storage or programming errors). */
const MULTIPART_ERROR = /boundary|multipart|terminated early|malformed|unexpected end/i;

function isMultipartError(error: unknown): error is Error {
  return error instanceof Error && (MULTIPART_ERROR.test(error.message) || (error as { code?: unknown }).code === 'FST_INVALID_MULTIPART_CONTENT_TYPE');
}

/**
 * Busboy reports a part cut off before its boundary with an 'error' event that a consumer
 * attaching later never sees (the upload then waited forever). Piping at once into a
 * PassThrough turns that event into a destroyed stream any later consumer observes; a part
 * already destroyed when we get it (the form ended before the handler ran) is refused the same way.
 */
function guarded(file: Readable): Readable {
  // The consumer attaches later; until then the error lives in the stream's state, not as an unhandled event.
  const body = new PassThrough().on('error', () => undefined);
  // Destroyed before we read it: the form ended inside this part (the plugin destroys it then).
  if (file.destroyed && !file.readableEnded) return body.destroy(new Error('Part terminated early: the form ended inside the file part'));
  pipeline(file, body, () => undefined);
  return body;
}
const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };

/** Steps 1 and 4 of the file sync (API key needed), and the one-call upload for small files. */
export const fileApiRoutes: FastifyPluginAsyncTypebox<{ service: FileService; maxUploadBytes: number }> = async (app, { service, maxUploadBytes }) => {
  await app.register(multipart, { limits: { files: 1, fields: 10, fileSize: maxUploadBytes } });

  app.post(
    '/files/upload',
    {
      schema: {
        tags: TAGS,
        summary: 'Upload a file in one call (multipart)',
        description:
          'Steps 1–4 at once for small files: multipart/form-data with a `file` part and a `type` field (customIntegrationData). Answers the file id. ' +
          'A text/csv file part may come with a `columns` field: a JSON object of payload field → column header.',
        consumes: ['multipart/form-data'],
        response: { 200: Type.Object({ id: Type.Number() }), ...errors, 413: ErrorResponse },
      },
    },
    async (request) => {
      if (!request.isMultipart()) throw fail('UNSUPPORTED_MEDIA_TYPE', 'Send multipart/form-data with a `file` part and a `type` field.');
      let stored: { filePath: string } | undefined;
      let type: string | undefined;
      let columnsText: string | undefined;
      try {
        for await (const part of request.parts()) {
          if (part.type === 'file') {
            if (part.fieldname !== 'file' || stored) {
              part.file.resume();
              continue;
            }
            // curl -F file=@users.csv sends application/octet-stream: a .csv name says what it is.
            const mimetype = /^application\/octet-stream$/i.test(part.mimetype) && /\.csv$/i.test(part.filename) ? 'text/csv' : part.mimetype;
            stored = await service.uploadDirect(request.principal.teamId, part.filename, mimetype, guarded(part.file));
            if (part.file.truncated) throw fail('BODY_TOO_LARGE', `The upload is larger than the limit of ${maxUploadBytes} bytes (SWITCHYARD_UPLOAD_LIMIT).`);
          } else if (part.fieldname === 'type' && typeof part.value === 'string') {
            type = part.value;
          } else if (part.fieldname === 'columns' && typeof part.value === 'string') {
            columnsText = part.value;
          }
        }
      } catch (error) {
        // A malformed form (no boundary, a part cut off) is the client's mistake, not a 500.
        if (error instanceof AppError || !isMultipartError(error)) throw error;
        throw fail('VALIDATION_FAILED', `The multipart body is malformed: ${error.message}.`);
      }
      const details = [...(stored ? [] : [{ field: 'file', message: 'is required' }]), ...(type ? [] : [{ field: 'type', message: 'is required (customIntegrationData)' }])];
      if (details.length > 0 || !stored || !type) throw fail('VALIDATION_FAILED', 'The form needs a `file` part and a `type` field.', details);
      return service.register(request.principal.teamId, stored.filePath, type, columnsText === undefined ? {} : { columns: parseColumnsField(columnsText) });
    },
  );

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
        description: 'Gives the id a sync takes; 404 when nothing was uploaded at that path. A CSV file (text/csv) has its header checked here (400 naming the missing column).',
        body: Type.Object(
          {
            path: Type.String({ minLength: 1, maxLength: 400 }),
            type: Type.String({ description: 'customIntegrationData' }),
            columns: Type.Optional(
              Type.Record(Type.String(), Type.String(), { description: 'CSV files only: payload field → the header of the column holding it, e.g. {"email": "E-mail address"}.' }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ id: Type.Number() }), ...errors },
      },
    },
    async (request) =>
      service.register(request.principal.teamId, request.body.path, request.body.type, request.body.columns === undefined ? {} : { columns: request.body.columns }),
  );
};

/** The multipart `columns` field: a JSON object as text. */
function parseColumnsField(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw fail('VALIDATION_FAILED', 'columns must be a JSON object of payload field → column header, e.g. {"email":"E-mail"}.', [{ field: 'columns', message: 'is not valid JSON' }]);
  }
}

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
