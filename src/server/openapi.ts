import swagger from '@fastify/swagger';
import scalar from '@scalar/fastify-api-reference';
import type { FastifyInstance } from 'fastify';

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

export async function registerDocsRoutes(app: FastifyInstance): Promise<void> {
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(scalar, {
    routePrefix: '/docs',
    configuration: { url: '/openapi.json', pageTitle: 'Switchyard API reference' },
  });
}
