import { expect } from 'vitest';
import type { ApiResponse, TestServer } from './server.js';

/** Secrets a world plants in its objects; a test scans every captured output for them. */
export interface PlantedSecrets {
  restToken: string;
  httpToken: string;
  apiKeyCredential: string;
  oauthClientSecret: string;
  webhookSecret: string;
}

export function plantedSecrets(tag: string): PlantedSecrets {
  return {
    restToken: `PLANTED-rest-${tag}-7c1d9e`,
    httpToken: `PLANTED-http-${tag}-4b8a2f`,
    apiKeyCredential: `PLANTED-apikey-${tag}-91e3d0`,
    oauthClientSecret: `PLANTED-oauth-${tag}-5f6a1c`,
    webhookSecret: `PLANTED-hook-${tag}-2d4e8b`,
  };
}

/** The ids of one object of every type a team owns (the tenant-isolation and fuzz suites walk them). */
export interface World {
  key: string;
  restConnection: string;
  httpConnection: string;
  definition: string;
  definitionName: string;
  /** A definition with an OAuth2 client-credentials app (its client secret is planted). */
  oauthDefinition: string;
  integrationConnection: string;
  exportId: string;
  importId: string;
  flowGroup: string;
  flow: string;
  job: string;
  app: string;
  appAccount: string;
  file: number;
  filePath: string;
  sync: string;
  webhookEvent: string;
  /** A second API key of the team (its id), for the /v1/keys routes. */
  apiKey: string;
}

async function created<T>(label: string, res: Promise<ApiResponse<T>>): Promise<T> {
  const done = await res;
  expect(done.status, `${label}: ${done.text}`).toBeLessThan(300);
  return done.body;
}

/**
 * Creates one object of every type through the API with `key`, every credential being one of
 * `secrets`; `upstream` is a real HTTP server the connections point at.
 */
export async function buildWorld(server: TestServer, key: string, upstream: string, secrets: PlantedSecrets, tag: string): Promise<World> {
  const call = <T>(method: string, path: string, body?: unknown) => server.request<T>(method, path, body, { key });
  const restConnection = (
    await created('rest connection', call<{ _id: string }>('POST', '/v1/connections', { type: 'rest', name: `rest ${tag}`, rest: { baseURI: upstream, authType: 'token', bearerToken: secrets.restToken, tokenLocation: 'header', mediaType: 'json', pingRelativeURI: '/ping' } }))
  )._id;
  const httpConnection = (
    await created('http connection', call<{ _id: string }>('POST', '/v1/connections', { type: 'http', name: `http ${tag}`, http: { baseURI: upstream, mediaType: 'json', auth: { type: 'token', token: { token: secrets.httpToken, location: 'header', headerName: 'Authorization', scheme: 'Bearer' } }, ping: { relativeURI: '/ping', method: 'GET' } } }))
  )._id;
  const definitionName = `def_${tag}`;
  const definition = (
    await created('integration', call<{ id: string }>('POST', '/integration', {
      name: definitionName,
      category: 'test',
      config: {
        base_url: upstream,
        credentials: { format: 'api_key', config: { fields: [{ name: 'api_key', label: 'API key', type: 'password', required: true }] } },
        authorization: { format: 'header', config: { headers: { 'X-Api-Key': '{{credentials.api_key}}' } } },
        ping: { path: '/ping' },
        webhook: {
          signature_verification: { format: 'hmac', config: { secret: secrets.webhookSecret, algorithm: 'sha256', parts: ['$body'], compare_with: '$header.x-signature', encoding: 'hex' } },
          handle_verification: 'verify_webhook_signature',
        },
        resources: { items: { list: { method: 'get', path: '/items', response_path: 'items', pagination: null }, get: { method: 'get', path: '/items/{{id}}' } } },
      },
    }))
  ).id;
  // A second definition carrying an OAuth2 client secret (never used for calls, only stored and read back).
  const oauthDefinition = (await created('oauth integration', call<{ id: string }>('POST', '/integration', {
    name: `oauth_${tag}`,
    category: 'test',
    config: {
      base_url: upstream,
      credentials: { format: 'oauth2_client_credentials', config: { client: { id: `client-${tag}`, secret: secrets.oauthClientSecret }, auth: { tokenHost: upstream, tokenPath: '/token' } } },
      resources: { items: { list: { method: 'get', path: '/items', response_path: 'items', pagination: null } } },
    },
  }))).id;
  const integrationConnection = (
    await created('integration connection', call<{ _id: string }>('POST', '/v1/connections', { type: 'integration', name: `int ${tag}`, _integrationId: definition, credentials: { api_key: secrets.apiKeyCredential } }))
  )._id;
  const exportId = (await created('export', call<{ _id: string }>('POST', '/v1/exports', { name: `export ${tag}`, _connectionId: httpConnection, http: { relativeURI: '/items', method: 'GET', response: { resourcePath: 'items' } } })))._id;
  const importId = (
    await created('import', call<{ _id: string }>('POST', '/v1/imports', { name: `import ${tag}`, _connectionId: httpConnection, mapping: { fields: [{ extract: 'id', generate: 'externalId' }] }, http: { relativeURI: '/records', method: 'POST' } }))
  )._id;
  const flowGroup = (await created('flow group', call<{ _id: string }>('POST', '/v1/integrations', { name: `group ${tag}` })))._id;
  const flow = (
    await created('flow', call<{ _id: string }>('POST', '/v1/flows', { name: `flow ${tag}`, _integrationId: flowGroup, pageGenerators: [{ _exportId: exportId }], pageProcessors: [{ type: 'import', _importId: importId }] }))
  )._id;
  const job = (await created('run', call<{ _jobId: string }>('POST', `/v1/flows/${flow}/run`)))._jobId;
  const app = (await created('app', call<{ app: { id: string } }>('POST', '/v1.0/apps/custom', { name: `App ${tag}` }))).app.id;
  const appAccount = (await created('app account', call<{ appAccount: { id: string } }>('POST', '/v1.0/app-accounts', { idApp: app, name: `Account ${tag}` }))).appAccount.id;
  const upload = await created('upload url', call<{ uploadFileParameters: { url: string; filePath: string } }>('GET', '/v1.0/files/url?name=users.json&type=application/json'));
  const put = await fetch(upload.uploadFileParameters.url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ users: [{ email: `a@${tag}.test` }] }) });
  expect(put.status).toBe(200);
  const file = (await created('file', call<{ id: number }>('POST', '/v1.0/files', { path: upload.uploadFileParameters.filePath, type: 'customIntegrationData' }))).id;
  const sync = (await created('sync', call<{ sync: { id: string } }>('PUT', '/v1.0/services/sync/custom', { idFile: file, idAppAccount: appAccount }))).sync.id;
  await server.context.syncs.idle();
  const payload = JSON.stringify({ event: 'created', tag });
  const { createHmac } = await import('node:crypto');
  const delivered = await server.request<{ id: string }>('POST', `/webhooks/${definition}/${integrationConnection}`, undefined, {
    key: null,
    raw: payload,
    headers: { 'content-type': 'application/json', 'x-signature': createHmac('sha256', secrets.webhookSecret).update(payload).digest('hex') },
  });
  expect(delivered.status, delivered.text).toBe(200);
  const apiKey = (await created('api key', call<{ apiKey: { id: string } }>('POST', '/v1/keys', { name: `reader ${tag}`, scope: 'read' }))).apiKey.id;
  return {
    key,
    restConnection,
    httpConnection,
    definition,
    definitionName,
    oauthDefinition,
    integrationConnection,
    exportId,
    importId,
    flowGroup,
    flow,
    job,
    app,
    appAccount,
    file,
    filePath: upload.uploadFileParameters.filePath,
    sync,
    webhookEvent: delivered.body.id,
    apiKey,
  };
}

/**
 * The id of `world`'s object that a route's path parameter names (`/v1/exports/:_id` → its export),
 * so a walk over the route table can call every route on real objects.
 */
export function idFor(world: World, url: string, param: string): string {
  if (url.startsWith('/v1/connections/:_id/debug/:_resourceId') && param === '_resourceId') return '000000000000000000000000';
  if (url.startsWith('/v1/connections')) return url.includes('webhook-events') ? world.integrationConnection : world.httpConnection;
  if (url.startsWith('/v1/exports')) return world.exportId;
  if (url.startsWith('/v1/imports')) return world.importId;
  if (url.startsWith('/v1/integrations')) return world.flowGroup;
  if (url.startsWith('/v1/jobs')) return world.job;
  if (url.startsWith('/v1/keys')) return world.apiKey;
  if (url.startsWith('/v1/flows')) return param === 'stepId' ? world.importId : world.flow;
  if (url.startsWith('/v1/catalog')) return 'github';
  if (url.startsWith('/v1.0/apps')) return world.app;
  if (url.startsWith('/v1.0/app-accounts')) return world.appAccount;
  if (url.startsWith('/v1.0/services/sync')) return world.sync;
  if (url.startsWith('/integration')) return world.definition;
  if (url.startsWith('/proxy')) return param === 'resource' ? 'items' : 'list';
  if (url.startsWith('/webhooks')) return param === 'integration' ? world.definition : world.integrationConnection;
  return 'x';
}

/** Fills a route pattern with `world`'s ids (`*` becomes `items`). */
export function pathFor(world: World, url: string): string {
  return url.replace(/:([A-Za-z_]+)|\*/g, (_m, name: string | undefined) => (name === undefined ? 'items' : encodeURIComponent(idFor(world, url, name))));
}
