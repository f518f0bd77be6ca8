import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorObject } from 'ajv';
import { AppError, ERROR_CATALOGUE, type ErrorCode, type ErrorDetail } from '../errors.js';
import { isStoreUnavailable } from '../store/errors.js';
import { validationDetails } from '../validation.js';
import { API_CSP, BASE_HEADERS } from './security-headers.js';
import { isNulCharacterError } from './text-guard.js';

/** The wire shape of every 4xx/5xx unless a seed's contract shows another for that endpoint. */
export interface ErrorBody {
  error: { code: string; message: string; details: ErrorDetail[] };
}

export function errorBody(code: ErrorCode | string, message: string, details: ErrorDetail[] = []): ErrorBody {
  return { error: { code, message, details } };
}

function statusOf(error: FastifyError): number {
  const status = error.statusCode;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}

/** Registers the one error handler and the 404 handler on the root instance. */
export function registerErrorHandling(app: FastifyInstance, options: { fallback?: (request: FastifyRequest, reply: FastifyReply) => boolean } = {}): void {
  app.setErrorHandler((rawError: FastifyError | AppError | Error, request: FastifyRequest, reply: FastifyReply) => {
    if (rawError instanceof AppError) {
      if (rawError.status >= 500) request.log.error({ err: rawError }, 'request failed');
      return reply.status(rawError.status).send(errorBody(rawError.code, rawError.message, rawError.details));
    }
    const error = rawError as FastifyError;
    if (error.validation) {
      const details = validationDetails(error.validation as Partial<ErrorObject>[], error.validationContext);
      const first = details[0];
      const message = first
        ? `Invalid request ${error.validationContext ?? 'body'}: ${first.field} ${first.message}.`
        : ERROR_CATALOGUE.VALIDATION_FAILED.message;
      return reply.status(400).send(errorBody('VALIDATION_FAILED', message, details));
    }
    switch (error.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return reply.status(413).send(errorBody('BODY_TOO_LARGE', ERROR_CATALOGUE.BODY_TOO_LARGE.message));
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
        return reply
          .status(error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 415 : 400)
          .send(
            error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
              ? errorBody('UNSUPPORTED_MEDIA_TYPE', `Content-Type "${request.headers['content-type'] ?? ''}" is not accepted here; send application/json.`)
              : errorBody('VALIDATION_FAILED', 'The Content-Length header does not match the body.'),
          );
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return reply.status(400).send(errorBody('EMPTY_BODY', ERROR_CATALOGUE.EMPTY_BODY.message));
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
        return reply.status(400).send(errorBody('INVALID_JSON', `The request body is not valid JSON: ${error.message}`));
    }
    if (isNulCharacterError(error)) {
      return reply.status(400).send(errorBody('VALIDATION_FAILED', 'A text value contains a NUL character (\\u0000), which cannot be stored.'));
    }
    const status = statusOf(error);
    if (status === 400 && error instanceof SyntaxError) {
      return reply.status(400).send(errorBody('INVALID_JSON', `The request body is not valid JSON: ${error.message}`));
    }
    if (status >= 500 && isStoreUnavailable(error)) {
      request.log.warn({ err: error }, 'request failed: the store is not reachable');
      return reply.status(503).header('retry-after', '1').send(errorBody('STORE_UNAVAILABLE', ERROR_CATALOGUE.STORE_UNAVAILABLE.message));
    }
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed');
      return reply.status(status).send(errorBody('INTERNAL_ERROR', `${ERROR_CATALOGUE.INTERNAL_ERROR.message} (request id ${request.id})`));
    }
    // Other 4xx raised by Fastify or a plugin: keep the status, give the shape.
    const code = typeof error.code === 'string' && error.code !== '' ? error.code.replace(/^FST_ERR_/, '') : 'BAD_REQUEST';
    return reply.status(status).send(errorBody(code, error.message));
  });

  app.setNotFoundHandler((request, reply) => {
    // A browser asking for a console route (e.g. /connections/abc) gets the console's index.html.
    if (options.fallback?.(request, reply)) return;
    reply.status(404).send(errorBody('NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}; see /docs for the API reference.`));
  });
}

/**
 * Fastify's own routing errors (a path that is not valid percent-encoding, a parameter over the
 * length limit) bypass the error handler; pass this as the `frameworkErrors` option so they get
 * the one error shape too.
 */
export function frameworkErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const status = statusOf(error) < 500 ? statusOf(error) : 400;
  const message = error.code === 'FST_ERR_BAD_URL' ? 'The request path is not valid percent-encoding.' : error.message;
  // Sent before routing, so the onSend hooks (security headers) do not run: set them here.
  reply.headers({ ...BASE_HEADERS, 'content-security-policy': API_CSP });
  reply.status(status).send(errorBody(error.code === 'FST_ERR_BAD_URL' ? 'BAD_URL' : String(error.code ?? 'BAD_REQUEST').replace(/^FST_ERR_/, ''), message, [{ field: 'path', message: request.url.slice(0, 200) }]));
}

/**
 * Requests Node's HTTP parser refuses (unknown methods, broken framing, headers too large) never
 * reach Fastify; pass this as `clientErrorHandler` to answer them in the error shape.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, message] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'REQUEST_TIMEOUT', 'The request took too long to arrive.']
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'HEADERS_TOO_LARGE', 'The request headers are larger than the server accepts.']
        : [400, 'BAD_REQUEST', 'The request is not valid HTTP/1.1 (method, framing or headers).'];
  const body = JSON.stringify(errorBody(code, message));
  const headers = Object.entries({ ...BASE_HEADERS, 'content-security-policy': API_CSP })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json; charset=utf-8\r\n${headers}Connection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
