import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { AppError } from '../errors.js';
import { ErrorResponse } from '../server/schemas.js';
import { PAGE_HEADERS, renderForm, renderMessage } from './page.js';
import { MAX_CONNECT_TTL_SECONDS, type ConnectService } from './service.js';

const TAGS = ['connect'];
const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };

/** API side: make connect links, start an OAuth authorization for a connection. */
export const connectApiRoutes: FastifyPluginAsyncTypebox<{ service: ConnectService }> = async (app, { service }) => {
  app.post(
    '/connect-tokens',
    {
      schema: {
        tags: TAGS,
        summary: 'Create a connect link',
        description: 'A short-lived, single-use link to a hosted page where someone enters the credentials of an integration (or signs in with OAuth); it creates the connection in your team.',
        body: Type.Object(
          {
            _integrationId: Type.String(),
            name: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Name of the connection it creates (default: the integration label).' })),
            context: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'Context values the connection gets (subdomain, org…).' })),
            redirectUrl: Type.Optional(Type.String({ format: 'uri', pattern: '^https?://', description: 'Where the person is sent afterwards, with connection_id and status added.' })),
            expiresInSeconds: Type.Optional(Type.Integer({ minimum: 60, maximum: MAX_CONNECT_TTL_SECONDS, description: 'Default 3600.' })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ token: Type.String(), url: Type.String(), expiresAt: Type.String({ format: 'date-time' }) }), ...errors },
      },
    },
    async (request, reply) => reply.status(201).send(await service.createToken(request.principal.teamId, request.body)),
  );

  app.post(
    '/connections/:_id/oauth/authorize',
    {
      schema: {
        tags: TAGS,
        summary: 'Start the OAuth authorization of a connection',
        description: 'Answers the provider\'s authorization URL; after sign-in the provider returns to /oauth/callback, which stores the token.',
        params: Type.Object({ _id: Type.String() }),
        body: Type.Optional(Type.Object({ redirectUrl: Type.Optional(Type.String({ format: 'uri', pattern: '^https?://' })) }, { additionalProperties: false })),
        response: { 200: Type.Object({ url: Type.String() }), ...errors },
      },
    },
    async (request) => ({ url: await service.startOAuth(request.principal.teamId, request.params._id, request.body?.redirectUrl) }),
  );
};

function page(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply.status(status).headers(PAGE_HEADERS).send(html);
}

function failurePage(reply: FastifyReply, error: unknown): FastifyReply {
  if (!(error instanceof AppError)) throw error;
  const redirect = error.details.find((d) => typeof d.redirect === 'string')?.redirect as string | undefined;
  if (redirect) return reply.redirect(redirect, 303);
  return page(reply, error.status, renderMessage('Could not connect', error.message));
}

/** Public side (no API key): the hosted connect page and the OAuth callback. */
export const connectPageRoutes: FastifyPluginAsyncTypebox<{ service: ConnectService }> = async (app, { service }) => {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  app.get('/connect/:token', { schema: { hide: true, params: Type.Object({ token: Type.String() }) } }, async (request, reply) => {
    try {
      const form = await service.open(request.params.token);
      return page(reply, 200, renderForm({ label: form.label, integrationName: form.integration.name, fields: form.fields, oauth: form.oauth, action: `/connect/${request.params.token}` }));
    } catch (error) {
      return failurePage(reply, error);
    }
  });

  app.post('/connect/:token', { schema: { hide: true, params: Type.Object({ token: Type.String() }) } }, async (request, reply) => {
    const values = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<string, string>;
    try {
      const outcome = await service.submit(request.params.token, values);
      if (outcome.kind === 'authorize') return reply.redirect(outcome.url, 303);
      if (outcome.kind === 'connected') {
        if (outcome.redirect) return reply.redirect(outcome.redirect, 303);
        return page(reply, 201, renderMessage('Connected', 'The account is connected. You can close this window.'));
      }
      const form = await service.open(request.params.token);
      return page(
        reply,
        400,
        renderForm({ label: form.label, integrationName: form.integration.name, fields: form.fields, oauth: form.oauth, action: `/connect/${request.params.token}`, values, errors: outcome.errors, message: outcome.message }),
      );
    } catch (error) {
      return failurePage(reply, error);
    }
  });

  app.get(
    '/oauth/callback',
    { schema: { hide: true, querystring: Type.Object({ code: Type.Optional(Type.String()), state: Type.Optional(Type.String()), error: Type.Optional(Type.String()), error_description: Type.Optional(Type.String()) }) } },
    async (request, reply) => {
      try {
        const done = await service.callback(request.query);
        if (done.redirect) return reply.redirect(done.redirect, 303);
        return page(reply, 200, renderMessage('Connected', 'The account is connected. You can close this window.'));
      } catch (error) {
        return failurePage(reply, error);
      }
    },
  );
};
