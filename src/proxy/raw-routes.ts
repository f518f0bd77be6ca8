import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { toAppError } from '../connections/engine-errors.js';
import type { IntegrationCalls } from '../connections/integration-calls.js';
import { buildConnectionRequest, isConfigProblem } from '../connections/requests.js';
import { mergeSecrets } from '../connections/secrets.js';
import type { ConnectionService } from '../connections/service.js';
import { type CallTarget, secretRedactor, type UpstreamCaller } from '../connections/upstream.js';
import type { ExecuteResult } from '../engine/executor.js';
import { AppError, fail } from '../errors.js';

/** Response headers worth passing back; hop-by-hop and the upstream's cookies are dropped. */
const PASSED_HEADERS = ['content-type', 'link', 'etag', 'last-modified', 'retry-after', 'location', 'x-total-count', 'content-range'];
const FAILURE_CODES = { blocked: 'OUTBOUND_BLOCKED', timeout: 'UPSTREAM_TIMEOUT' } as const;

/**
 * `/v1/connections/{_id}/proxy/*`: forwards a raw request (any method, path, query and body) with
 * the connection's authentication, through its gate, retries and debug log, and answers the
 * upstream's status, body and useful headers as they are.
 */
export const rawProxyRoutes: FastifyPluginAsync<{ connections: ConnectionService; calls: IntegrationCalls; upstream: UpstreamCaller }> = async (app, { connections, calls, upstream }) => {
  // Bodies are forwarded byte for byte, whatever their type.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const params = request.params as { _id: string; '*': string };
    const connection = await connections.get(request.principal.teamId, params._id);
    const target: CallTarget = { id: connection.id, teamId: connection.teamId, doc: connection.doc, secrets: connection.secrets, debugUntil: connection.debugUntil };
    const search = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
    const pathAndQuery = `/${params['*']}${search}`;
    const body = Buffer.isBuffer(request.body) ? request.body : undefined;
    const headers: Record<string, string> = {};
    if (request.headers['content-type']) headers['content-type'] = request.headers['content-type'];
    if (request.headers.accept) headers.accept = request.headers.accept;
    const redact = secretRedactor(connection.secrets);

    let executed: ExecuteResult;
    try {
      if (connection.type === 'integration') {
        executed = await calls.raw(target, { method: request.method, pathAndQuery, headers, ...(body ? { body } : {}) });
      } else {
        const built = buildConnectionRequest(mergeSecrets(connection.doc, connection.secrets), {
          method: request.method,
          relativeURI: pathAndQuery,
          headers,
          ...(body && body.length > 0 ? { body: body.toString('utf8') } : {}),
        });
        if (isConfigProblem(built)) throw fail('VALIDATION_FAILED', built.message, [{ field: 'connection', message: built.code }]);
        executed = await upstream.execute(target, built);
      }
    } catch (error) {
      throw error instanceof AppError ? error : toAppError(error, redact);
    }
    const { result } = executed;
    if (!result.ok) {
      const code = FAILURE_CODES[result.failure.kind as keyof typeof FAILURE_CODES] ?? 'UPSTREAM_UNREACHABLE';
      throw new AppError(code, redact(result.failure.message));
    }
    for (const name of PASSED_HEADERS) {
      const value = result.response.headers[name];
      if (value !== undefined) reply.header(name, name === 'location' || name === 'link' ? redact(value) : value);
    }
    reply.header('x-switchyard-upstream-status', String(result.response.status));
    return reply.status(result.response.status).send(result.response.body);
  };

  app.route({
    method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    url: '/connections/:_id/proxy/*',
    schema: {
      tags: ['connections'],
      summary: 'Forward a raw request through a connection',
      description: 'Any method, path, query and body after /proxy/ go to the connection\'s base URI with its authentication; the upstream status, body and useful headers come back as they are.',
    },
    handler,
  });
};
