import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import { authDecorations, apiKeyAuth } from '../auth/plugin.js';
import { AuthFailureLimiter } from '../auth/failure-limiter.js';
import { teamRoutes } from '../auth/routes.js';
import type { Config } from '../config.js';
import { connectionRoutes } from '../connections/routes.js';
import { catalogRoutes, integrationRoutes, schemaRoutes } from '../integrations/routes.js';
import { connectApiRoutes, connectPageRoutes } from '../connect/routes.js';
import { exportRoutes } from '../exports/routes.js';
import { fileApiRoutes, uploadRoutes } from '../files/routes.js';
import { inventoryRoutes } from '../inventory/routes.js';
import { syncRoutes } from '../inventory/sync-routes.js';
import { insightRoutes } from '../inventory/insight-routes.js';
import { InventoryQueries } from '../inventory/insights.js';
import { importRoutes } from '../imports/routes.js';
import { jobRoutes } from '../jobs/routes.js';
import { savedResourceRoutes } from '../resources/routes.js';
import { rawProxyRoutes } from '../proxy/raw-routes.js';
import { proxyRoutes } from '../proxy/routes.js';
import { createAjv } from '../validation.js';
import { webhookEventRoutes, webhookReceiverRoutes } from '../webhooks/routes.js';
import type { AppContext } from './context.js';
import { clientErrorHandler, frameworkErrorHandler, registerErrorHandling } from './error-handler.js';
import { findConsoleDir, registerConsole } from './console.js';
import { registerDocsRoutes, registerOpenApi } from './openapi.js';
import { recordRoutes } from './route-table.js';
import { securityHeaders } from './security-headers.js';
import { refuseNulInUrl } from './text-guard.js';
import { version } from './version.js';

export interface BuildAppOptions {
  config: Config;
  context: AppContext;
  logger: Logger;
}

/** Builds the HTTP app: plugins, routes, error handling. Listening is the caller's business. */
export async function buildApp({ config, context, logger }: BuildAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: config.bodyLimit,
    // Signed tokens travel in paths (/connect/{token}); Fastify's default of 100 characters is too short.
    routerOptions: { maxParamLength: 4096 },
    trustProxy: false,
    // Request ids let a user quote a 500 back to an operator.
    requestIdHeader: false,
    genReqId: () => Math.random().toString(36).slice(2, 12),
    // Errors raised before routing (bad percent-encoding, unparsable HTTP) get the error shape too.
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Bodies are validated strictly (wrong types are errors, not coerced); query and path are coerced from text.
  const strict = createAjv('strict');
  const coerce = createAjv('coerce');
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? strict : coerce).compile(schema));

  // JSON Patch bodies come as application/json-patch+json as well as application/json.
  app.addContentTypeParser('application/json-patch+json', { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));

  app.addHook('onSend', securityHeaders);

  recordRoutes(app);
  app.addHook('preValidation', refuseNulInUrl);
  // One limiter for every group that needs an API key: failures anywhere count together.
  const limiter = new AuthFailureLimiter({ limit: config.authFailureLimit, windowMs: config.authFailureWindowSeconds * 1000 });
  const requireApiKey = apiKeyAuth(context.store, limiter);

  // The console (web/) is served from the same server; its fallback never shadows an API route.
  const webConsole = await registerConsole(app, findConsoleDir());
  registerErrorHandling(app, { fallback: webConsole.fallback });
  await app.register(authDecorations);
  await registerOpenApi(app, config.publicUrl, version);

  app.get(
    '/health',
    { schema: { tags: ['system'], summary: 'Liveness and store readiness (no API key needed)', security: [] } },
    async (_request, reply) => {
      try {
        await sql`select 1`.execute(context.store.db);
        return { status: 'ok', store: context.store.kind, version };
      } catch {
        return reply.status(503).send({ error: { code: 'STORE_UNAVAILABLE', message: 'The store is not reachable; retry shortly.', details: [] } });
      }
    },
  );

  await app.register(
    async (v1) => {
      v1.addHook('onRequest', requireApiKey);
      await v1.register(teamRoutes, { store: context.store });
      await v1.register(connectionRoutes, { service: context.connections, publicUrl: config.publicUrl });
      await v1.register(catalogRoutes, { service: context.integrations });
      await v1.register(connectApiRoutes, { service: context.connect });
      await v1.register(exportRoutes, { service: context.exports });
      await v1.register(importRoutes, { service: context.imports });
      await v1.register(jobRoutes, { jobs: context.jobs, flows: context.flows });
      await v1.register(savedResourceRoutes, { exports: context.savedExports, imports: context.savedImports, flows: context.flows, store: context.store, publicUrl: config.publicUrl });
      await v1.register(rawProxyRoutes, { connections: context.connections, calls: context.integrationCalls, upstream: context.upstream });
      await v1.register(webhookEventRoutes, { service: context.webhooks, publicUrl: config.publicUrl });
    },
    { prefix: '/v1' },
  );

  // The /integration family keeps the paths of its seed (no /v1 prefix).
  await app.register(async (root) => {
    root.addHook('onRequest', requireApiKey);
    await root.register(integrationRoutes, { service: context.integrations });
    await root.register(proxyRoutes, { connections: context.connections, calls: context.integrationCalls, signer: context.signer });
  });
  await app.register(schemaRoutes);
  await app.register(connectPageRoutes, { service: context.connect });
  await app.register(uploadRoutes, { service: context.files });
  // The inventory family keeps its seed's /v1.0 prefix.
  await app.register(
    async (v10) => {
      v10.addHook('onRequest', requireApiKey);
      await v10.register(fileApiRoutes, { service: context.files, maxUploadBytes: config.uploadLimit });
      await v10.register(inventoryRoutes, { apps: context.apps });
      await v10.register(syncRoutes, { service: context.syncs });
      await v10.register(insightRoutes, { queries: new InventoryQueries(context.store.db), apps: context.apps });
    },
    { prefix: '/v1.0' },
  );
  // Public: a webhook's signature is its authentication (no API key).
  await app.register(webhookReceiverRoutes, { service: context.webhooks });

  await registerDocsRoutes(app);
  return app;
}
