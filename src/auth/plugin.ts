import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { fail } from '../errors.js';
import type { Store } from '../store/db.js';
import { type Principal, verifyApiKey } from './api-keys.js';
import type { AuthFailureLimiter } from './failure-limiter.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set on every route that requires an API key. */
    principal: Principal;
  }
  interface FastifyContextConfig {
    /** Routes that a `read` key may call despite a non-GET method (they change nothing). */
    allowReadScope?: boolean;
  }
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Parses "Authorization: Bearer <key>"; undefined when absent or malformed. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/**
 * `request.authenticate()` for route groups that need an API key: call `app.addHook('onRequest',
 * requireApiKey)` inside the group's plugin. The check runs before the body is read, so an
 * unauthenticated client cannot make the server parse a large body.
 */
export function apiKeyAuth(store: Store, limiter?: AuthFailureLimiter) {
  return async function requireApiKey(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    // An address over its failure limit is refused before its key is even looked at.
    const blockedMs = limiter?.blockedFor(request.ip) ?? 0;
    if (blockedMs > 0) {
      const seconds = Math.ceil(blockedMs / 1000);
      reply.header('retry-after', String(seconds));
      throw fail('RATE_LIMITED', `Too many failed authentication attempts from this address; retry in ${seconds} s.`, [{ field: 'authorization', message: 'too many failed attempts', retryAfterSeconds: seconds }]);
    }
    const key = bearerToken(request.headers.authorization);
    if (key === undefined) {
      limiter?.recordFailure(request.ip);
      throw fail('UNAUTHENTICATED');
    }
    const principal = await verifyApiKey(store.db, key);
    if (!principal) {
      limiter?.recordFailure(request.ip);
      throw fail('API_KEY_INVALID');
    }
    if (principal.scope === 'read' && !READ_METHODS.has(request.method) && request.routeOptions.config.allowReadScope !== true) {
      throw fail('FORBIDDEN_SCOPE');
    }
    request.principal = principal;
  };
}

export const authDecorations = fp(
  async (app: FastifyInstance) => {
    app.decorateRequest('principal', null as unknown as Principal);
  },
  { name: 'switchyard-auth-decorations' },
);
