import swagger from '@fastify/swagger';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * OpenAPI 3.1 generated from the route schemas, served at /openapi.json, and Scalar's interactive
 * reference (with request samples in many languages) at /docs. Call before registering routes.
 */
export async function registerOpenApi(app: FastifyInstance, publicUrl: string, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Switchyard API',
        version,
        description:
          'Define an API, connect it, move its records, keep the inventory. Authenticate with `Authorization: Bearer <api key>`. ' +
          'Errors are `{"error":{"code","message","details"}}` unless an endpoint documents another shape.',
      },
      servers: [{ url: publicUrl }],
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'A Switchyard API key.' } } },
      security: [{ apiKey: [] }],
      tags: [
        { name: 'connections', description: 'Authenticated endpoints of other apps (seeds 003/004).' },
        { name: 'integrations', description: 'Declarative definitions of REST APIs (seed 002) and the shipped catalogue.' },
        { name: 'proxy', description: 'Run the resource methods of an integration connection (list, get, create, update, delete, custom).' },
        { name: 'connect', description: 'Connect links (a hosted credentials form) and OAuth authorization of connections.' },
        { name: 'exports', description: 'Read records through a connection: all at once or page by page (seeds 003/004).' },
        { name: 'imports', description: 'Write mapped records through a connection (seeds 003/004).' },
        { name: 'flows', description: 'Saved flows (exports → imports, on a schedule) and the integrations that group them (seed 004).' },
        { name: 'jobs', description: 'Runs of flows, their per-record errors and retries.' },
        { name: 'files', description: 'Custom-integration file sync: upload URLs, uploads and files (seeds 000/001).' },
        { name: 'inventory', description: 'Apps, app accounts, users and licenses (seeds 000/001).' },
        { name: 'team', description: 'The caller\'s team and its API keys.' },
        { name: 'system' },
      ],
    },
  });
}

/** Scalar's three routes (the page redirects from /docs to /docs/, which loads /docs/js/scalar.js). */
const DOCS_PATHS = ['/docs', '/docs/', '/docs/js/scalar.js'];
const DOCS_OPTIONS = { routePrefix: '/docs' as const, configuration: { url: '/openapi.json', pageTitle: 'Switchyard API reference' } };
/** Headers of Scalar's answer that belong to its own (injected) connection, not to ours. */
const HOP_HEADERS = new Set(['connection', 'content-length', 'date', 'keep-alive', 'transfer-encoding']);

/**
 * /openapi.json, and Scalar's reference at /docs. Scalar's module holds its ~4 MB browser bundle
 * as a string (~30 MiB of RSS once parsed), so it is imported at the first /docs request, not at
 * start: its plugin runs on a private Fastify instance and our routes answer with what it answers.
 */
export async function registerDocsRoutes(app: FastifyInstance): Promise<void> {
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  let docs: Promise<FastifyInstance> | undefined;
  const load = async (): Promise<FastifyInstance> => {
    const [{ default: Fastify }, { default: scalar }] = await Promise.all([import('fastify'), import('@scalar/fastify-api-reference')]);
    const inner = Fastify({ logger: false });
    await inner.register(scalar, DOCS_OPTIONS);
    await inner.ready();
    return inner;
  };
  const serve = async (request: FastifyRequest, reply: FastifyReply) => {
    docs ??= load().catch((error: unknown) => {
      docs = undefined;
      throw error;
    });
    const answer = await (await docs).inject({ method: 'GET', url: request.url });
    for (const [name, value] of Object.entries(answer.headers)) if (value !== undefined && !HOP_HEADERS.has(name)) reply.header(name, value);
    return reply.status(answer.statusCode).send(answer.rawPayload);
  };
  for (const url of DOCS_PATHS) app.get(url, { schema: { hide: true } }, serve);
  app.addHook('onClose', async () => {
    if (docs) await (await docs.catch(() => undefined))?.close();
  });
}
