import { OAuthError, type TokenSet } from '../engine/oauth2/client.js';
import { type CallResult, EngineError, type EngineTarget, IntegrationEngine, type ListPage, retryPolicyOf, type SendFn } from '../engine/integration-engine.js';
import type { ExecuteResult } from '../engine/executor.js';
import { rateLimitClassifier } from '../engine/rate-limit.js';
import { buildRawRequest, type CallInput, isBuildProblem } from '../engine/request-builder.js';
import type { PaginationCheckpoint } from '../engine/pagination/index.js';
import { TemplateError } from '../engine/templates/index.js';
import { ExpressionError } from '../engine/expressions.js';
import type { IntegrationConfig } from '../integrations/definition.js';
import type { StoredIntegration } from '../integrations/repository.js';
import type { IntegrationService } from '../integrations/service.js';
import { fromTokenSet, type IntegrationConnector, integrationSecretPatterns, pickFormat, toTokenSet, type TokenStore } from './integration-connector.js';
import type { ConnectionDoc } from './model.js';
import type { PingOutcome } from './ping.js';
import type { ConnectionRepository } from './repository.js';
import { mergeSecrets, splitSecrets } from './secrets.js';
import type { CallTarget, UpstreamCaller } from './upstream.js';

const PING_RESOURCE = '__switchyard_ping__';

/** Where a ping of an integration connection goes: the definition's `ping`, else its first list/get, else the base URL. */
export function pingDefinition(config: IntegrationConfig): { resource: string; method: string; config: IntegrationConfig } {
  const ping = config.ping;
  if (ping?.resource) return { resource: ping.resource, method: ping.method ?? 'list', config };
  if (!ping?.path) {
    for (const [resource, methods] of Object.entries(config.resources ?? {})) {
      if (methods.list) return { resource, method: 'list', config };
      if (methods.get && !methods.get.path.includes('{{id')) return { resource, method: 'get', config };
    }
  }
  const synthetic: IntegrationConfig = { ...config, resources: { ...config.resources, [PING_RESOURCE]: { get: { method: 'get', path: ping?.path ?? '', pagination: null } } } };
  return { resource: PING_RESOURCE, method: 'get', config: synthetic };
}

/** Maps an engine failure to what a ping answers. */
export function pingFailure(error: unknown): PingOutcome {
  if (error instanceof EngineError) {
    const status = error.details.status;
    if (error.code === 'UPSTREAM_ERROR' && status !== undefined) {
      const hint = status === 401 ? ": check the connection's credentials" : status === 403 ? ': the credentials lack permission' : status === 404 ? ': check base_url and the ping path' : '';
      return { ok: false, status: 502, code: String(status), message: `${error.message}${hint}` };
    }
    const map: Record<string, number> = { OUTBOUND_BLOCKED: 422, INVALID_URL: 422, TEMPLATE_MISSING_VALUE: 422, RESOURCE_NOT_FOUND: 422, METHOD_NOT_FOUND: 422, UPSTREAM_TIMEOUT: 504 };
    return { ok: false, status: map[error.code] ?? 502, code: error.code, message: error.message };
  }
  if (error instanceof OAuthError) return { ok: false, status: error.code === 'OAUTH_BLOCKED' || error.code === 'OAUTH_CONFIG_INVALID' ? 422 : 502, code: error.code, message: error.message };
  if (error instanceof TemplateError || error instanceof ExpressionError) return { ok: false, status: 422, code: error.code, message: error.message };
  throw error;
}

/**
 * Calls made through connections of type integration: ping, resource calls (the proxy) and
 * lists (exports). Each goes through the connection's door (gate, retries, debug log) and,
 * for OAuth formats, a token that is refreshed and stored encrypted.
 */
export class IntegrationCalls {
  constructor(
    private readonly deps: { repo: ConnectionRepository; integrations: IntegrationService; connector: IntegrationConnector; upstream: UpstreamCaller },
  ) {}

  #engine(target: CallTarget, resourceId: string | undefined): IntegrationEngine {
    const send: SendFn = (request, options) =>
      this.deps.upstream.execute(target, request, {
        classify: options.classify,
        concurrency: options.concurrency,
        retry: options.retry,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(resourceId ? { resourceId } : {}),
      });
    return new IntegrationEngine(send);
  }

  /** Loads and saves the OAuth token of a stored connection (or of an unsaved one, in memory). */
  #tokenStore(target: CallTarget, integration: StoredIntegration): TokenStore {
    if (!target.id) {
      let current = toTokenSet(mergeSecrets(target.doc, target.secrets).oauth?.token);
      return {
        load: async () => current,
        save: async (token) => {
          current = token;
        },
      };
    }
    const id = target.id;
    return {
      load: async () => {
        const stored = await this.deps.repo.get(target.teamId, id);
        return stored ? toTokenSet(mergeSecrets(stored.doc, stored.secrets).oauth?.token) : undefined;
      },
      save: async (token: TokenSet) => {
        const stored = await this.deps.repo.get(target.teamId, id);
        if (!stored) return;
        const config = this.deps.integrations.fullConfig(integration);
        const picked = pickFormat(config, stored.doc.credentialsFormat);
        const patterns = integrationSecretPatterns(picked && !('error' in picked) ? picked.format : undefined);
        const full: ConnectionDoc = { ...mergeSecrets(stored.doc, stored.secrets), oauth: { token: fromTokenSet(token) as { access_token: string } } };
        const { publicDoc, secrets } = splitSecrets(patterns, full);
        // A token refresh is the platform's doing, not a user's change: no audit entry, lastModified kept.
        await this.deps.repo.update({ ...stored, doc: publicDoc, secrets });
      },
    };
  }

  async #target(target: CallTarget): Promise<{ integration: StoredIntegration; engineTarget: EngineTarget }> {
    const integration = await this.deps.integrations.get(target.teamId, target.doc._integrationId ?? '');
    const full = mergeSecrets(target.doc, target.secrets);
    return { integration, engineTarget: this.deps.connector.target(integration, full, target.id, this.#tokenStore(target, integration)) };
  }

  /** Stores a token obtained outside the engine (the authorization-code callback). */
  async saveToken(target: CallTarget, token: TokenSet): Promise<void> {
    const integration = await this.deps.integrations.get(target.teamId, target.doc._integrationId ?? '');
    await this.#tokenStore(target, integration).save(token);
  }

  async ping(target: CallTarget): Promise<PingOutcome> {
    try {
      const { engineTarget } = await this.#target(target);
      const ping = pingDefinition(engineTarget.config);
      await this.#engine(target, undefined).call({ ...engineTarget, config: ping.config }, ping.resource, ping.method, {});
      return { ok: true };
    } catch (error) {
      return pingFailure(error);
    }
  }

  /** A raw request (path and query as given) with the definition's base URL, headers and auth. */
  async raw(target: CallTarget, raw: { method: string; pathAndQuery: string; headers: Record<string, string>; body?: Buffer }): Promise<ExecuteResult> {
    const { engineTarget } = await this.#target(target);
    for (let attempt = 0; ; attempt++) {
      const token = engineTarget.token ? await engineTarget.token({ force: attempt > 0 }) : undefined;
      const scope = { credentials: engineTarget.credentials, context: engineTarget.context, ...(token ? { oauth: { token } } : {}) };
      const request = buildRawRequest(engineTarget.config, scope, raw);
      if (isBuildProblem(request)) throw new EngineError(request.code, request.message, request.missing ? { missing: request.missing } : {});
      const result = await this.deps.upstream.execute(target, request, {
        classify: rateLimitClassifier(engineTarget.config.rate_limit),
        concurrency: engineTarget.config.concurrency ?? 10,
        retry: retryPolicyOf(engineTarget.config.rate_limit),
      });
      if (result.result.ok && result.result.response.status === 401 && engineTarget.token && attempt === 0) continue;
      return result;
    }
  }

  /** One call of a resource method (get, create, update, delete, custom). Throws EngineError/OAuthError. */
  async call(target: CallTarget, resource: string, method: string, input: CallInput, options: { resourceId?: string; signal?: AbortSignal } = {}): Promise<CallResult> {
    const { engineTarget } = await this.#target(target);
    return this.#engine(target, options.resourceId).call(engineTarget, resource, method, input, options.signal);
  }

  /** Pages of a list method, streamed, resumable from a checkpoint. */
  async *list(
    target: CallTarget,
    resource: string,
    method: string,
    input: CallInput,
    options: { limit?: number; resume?: PaginationCheckpoint; maxPages?: number; resourceId?: string; signal?: AbortSignal } = {},
  ): AsyncGenerator<ListPage, { reason: string }> {
    const { engineTarget } = await this.#target(target);
    const { resourceId, ...listOptions } = options;
    return yield* this.#engine(target, resourceId).list(engineTarget, resource, method, input, listOptions);
  }
}
