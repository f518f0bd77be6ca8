import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { decodeCursor, encodeCursor } from '../server/cursor.js';
import { ErrorResponse } from '../server/schemas.js';
import { type IncomingWebhook, normalizeHeaders, WEBHOOK_BODY_LIMIT, type WebhookService } from './service.js';

const TAGS = ['webhooks'];

const WebhookParams = Type.Object({
  integration: Type.String({ description: 'The integration\'s id (uuid) or name.' }),
  connection: Type.String({ description: 'The _id of a connection of type integration that uses it.' }),
});

const Received = Type.Object({ received: Type.Literal(true), id: Type.String({ description: 'The stored event\'s _id.' }) });

export const WebhookEventSchema = Type.Object({
  _id: Type.String(),
  _connectionId: Type.String(),
  receivedAt: Type.String({ format: 'date-time' }),
  eventType: Type.Union([Type.String(), Type.Null()], { description: 'Best effort: an event header (x-github-event…) or the body\'s type/event_type/event.' }),
  headers: Type.Record(Type.String(), Type.String(), { description: 'Request headers, signatures and credentials removed.' }),
  body: Type.Unknown({ description: 'The JSON document when the body is JSON, else the text.' }),
});

const ListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100, description: 'Page size.' })),
    cursor: Type.Optional(Type.String({ description: 'Opaque cursor from the previous page\'s Link rel="next".' })),
  },
  { additionalProperties: false },
);

function incoming(request: { params: { integration: string; connection: string }; headers: Record<string, string | string[] | undefined>; query: unknown }): Omit<IncomingWebhook, 'rawBody'> {
  return {
    integration: request.params.integration,
    connection: request.params.connection,
    headers: normalizeHeaders(request.headers),
    query: (request.query ?? {}) as Record<string, unknown>,
  };
}

/** A handshake answer: text, or JSON already serialized (sent as-is, not through the response serializer). */
const HandshakeAnswer = Type.String({ description: 'A handshake answer: text/plain, or the JSON the handle_verification expression gave.' });

/**
 * `POST /webhooks/{integration}/{connection}`: public (no API key — the signature is the
 * authentication). Registered at the root, outside the API-key scope.
 */
export const webhookReceiverRoutes: FastifyPluginAsyncTypebox<{ service: WebhookService }> = async (app, { service }) => {
  // HMACs are computed over the exact bytes sent, so this plugin keeps every body as a raw Buffer,
  // whatever its content type (JSON, form, text, none); parsing happens after verification.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT }, (_request, body, done) => done(null, body));

  const errors = { 401: ErrorResponse, 404: ErrorResponse };

  app.post(
    '/webhooks/:integration/:connection',
    {
      bodyLimit: WEBHOOK_BODY_LIMIT,
      schema: {
        tags: TAGS,
        summary: 'Receive a webhook',
        description:
          'Verifies the integration\'s webhook.signature_verification (HMAC over the raw body and headers, constant-time compare, optional ' +
          'timestamp tolerance) and stores the event. A handshake that webhook.handle_verification answers is answered and not stored. ' +
          'Any content type; at most 1 MiB. See docs/api/webhooks.md.',
        security: [],
        params: WebhookParams,
        response: { 200: Type.Union([Received, HandshakeAnswer]), ...errors, 413: ErrorResponse },
      },
    },
    async (request, reply) => {
      const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const outcome = await service.receive({ ...incoming(request), rawBody });
      if (outcome.kind === 'handshake') return reply.status(200).type(outcome.contentType).send(outcome.payload);
      if (outcome.handshakeError) {
        request.log.warn({ err: outcome.handshakeError, integration: request.params.integration }, 'webhook handle_verification expression failed; treated the request as an event');
      }
      return { received: true as const, id: outcome.id };
    },
  );

  app.get(
    '/webhooks/:integration/:connection',
    {
      schema: {
        tags: TAGS,
        summary: 'Answer a webhook subscription handshake sent with GET',
        description: 'Only for providers that confirm a URL with a GET (Meta\'s hub.challenge): answered by webhook.handle_verification; anything else is a 405.',
        security: [],
        params: WebhookParams,
        response: { 200: HandshakeAnswer, ...errors, 405: ErrorResponse },
      },
    },
    async (request, reply) => {
      const answer = await service.handshake(incoming(request));
      return reply.status(200).type(answer.contentType).send(answer.payload);
    },
  );
};

/** `GET /v1/connections/{_id}/webhook-events`: inside the API-key scope. */
export const webhookEventRoutes: FastifyPluginAsyncTypebox<{ service: WebhookService; publicUrl: string }> = async (app, { service, publicUrl }) => {
  app.get(
    '/connections/:_id/webhook-events',
    {
      schema: {
        tags: ['connections', ...TAGS],
        summary: 'List the webhooks a connection received',
        description: 'Verified incoming webhooks of the connection, newest first. More pages: follow the `Link: <...>; rel="next"` header.',
        params: Type.Object({ _id: Type.String({ description: 'The connection _id.' }) }),
        querystring: ListQuery,
        response: { 200: Type.Array(WebhookEventSchema), 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      const limit = request.query.limit ?? 100;
      const rows = await service.list(request.principal.teamId, request.params._id, {
        limit: limit + 1,
        ...(request.query.cursor === undefined ? {} : { before: decodeCursor(request.query.cursor) }),
      });
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      if (rows.length > limit && last) {
        const next = new URL(`/v1/connections/${encodeURIComponent(request.params._id)}/webhook-events`, publicUrl);
        next.searchParams.set('limit', String(limit));
        next.searchParams.set('cursor', encodeCursor(last.id));
        reply.header('link', `<${next.toString()}>; rel="next"`);
      }
      return page.map((event) => service.toWire(event));
    },
  );
};
