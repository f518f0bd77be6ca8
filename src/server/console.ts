import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Paths that belong to the API (or to other server pages) and never fall back to the console's
 * index.html: an unknown path under them stays a JSON 404.
 */
const SERVER_PREFIXES = ['/v1', '/v1.0', '/integration', '/proxy', '/openapi.json', '/docs', '/oauth', '/connect', '/schemas', '/webhooks', '/uploads', '/files', '/health', '/assets'];

/** Where the built console lives: next to the compiled server (dist/web), or dist/web when run from src/ with tsx. */
export function findConsoleDir(explicit?: string): string | undefined {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = explicit ? [explicit] : [path.resolve(here, '../web'), path.resolve(here, '../../dist/web')];
  return candidates.find((dir) => existsSync(path.join(dir, 'index.html')));
}

/** True when a request that matched no route should get the console (a client-side route). */
export function isConsoleRoute(method: string, url: string, accept: string | undefined): boolean {
  if (method !== 'GET' && method !== 'HEAD') return false;
  if (!(accept ?? '').includes('text/html')) return false;
  const pathname = url.split('?')[0] ?? '/';
  return !SERVER_PREFIXES.some((prefix) => pathname === prefix || pathname.startsWith(`${prefix}/`));
}

export interface ConsoleHandle {
  /** Sends index.html for a client-side route; false when the request is not one (or no console is built). */
  fallback(request: FastifyRequest, reply: FastifyReply): boolean;
}

/**
 * Serves the single-page console (web/, built by `npm run build:web` into dist/web): its hashed
 * assets under /assets/, index.html at `/`, and index.html for client routes that match no server
 * route (the 404 handler asks `fallback`). Without a build, the server runs API-only.
 */
export async function registerConsole(app: FastifyInstance, dir: string | undefined): Promise<ConsoleHandle> {
  if (!dir) {
    app.log.info('console not built (npm run build:web); serving the API only');
    return { fallback: () => false };
  }
  const index = readFileSync(path.join(dir, 'index.html'));
  const sendIndex = (reply: FastifyReply) => reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(index);
  if (existsSync(path.join(dir, 'assets'))) {
    await app.register(fastifyStatic, { root: path.join(dir, 'assets'), prefix: '/assets/', immutable: true, maxAge: '365d', index: false });
  }
  app.get('/', { schema: { hide: true } }, async (_request, reply) => sendIndex(reply));
  return {
    fallback(request, reply) {
      if (!isConsoleRoute(request.method, request.url, request.headers.accept)) return false;
      void sendIndex(reply);
      return true;
    },
  };
}
