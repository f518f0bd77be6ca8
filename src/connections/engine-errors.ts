import { ExpressionError } from '../engine/expressions.js';
import { EngineError } from '../engine/integration-engine.js';
import { OAuthError } from '../engine/oauth2/client.js';
import { PaginationError } from '../engine/pagination/index.js';
import { TemplateError } from '../engine/templates/index.js';
import { AppError } from '../errors.js';

/**
 * Turns the engine's expected failures into API errors; `redact` masks the connection's secrets
 * in anything quoted from the upstream. Anything else is a bug and is rethrown.
 */
export function toAppError(error: unknown, redact: (text: string) => string): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof EngineError) {
    const details = [
      {
        message: redact(error.message),
        ...(error.details.status === undefined ? {} : { status: error.details.status }),
        ...(error.details.body === undefined ? {} : { body: redact(error.details.body) }),
        ...(error.details.missing ? { missing: error.details.missing } : {}),
      },
    ];
    switch (error.code) {
      case 'RESOURCE_NOT_FOUND':
      case 'METHOD_NOT_FOUND':
        return new AppError('RESOURCE_NOT_FOUND', error.message);
      case 'TEMPLATE_MISSING_VALUE':
      case 'TEMPLATE_INVALID':
      case 'TEMPLATE_CONVERSION_FAILED':
        return new AppError(error.code, redact(error.message), details);
      case 'OUTBOUND_BLOCKED':
      case 'UPSTREAM_TIMEOUT':
      case 'UPSTREAM_RATE_LIMITED':
      case 'UPSTREAM_UNREACHABLE':
        return new AppError(error.code, redact(error.message), details);
      case 'INVALID_URL':
        return new AppError('VALIDATION_FAILED', redact(error.message), details);
      default:
        return new AppError('UPSTREAM_ERROR', redact(error.message), details);
    }
  }
  if (error instanceof OAuthError) {
    if (error.code === 'OAUTH_BLOCKED') return new AppError('OUTBOUND_BLOCKED', redact(error.message));
    return new AppError('OAUTH_FAILED', redact(error.message), [{ message: error.code }]);
  }
  if (error instanceof TemplateError) return new AppError(error.code, redact(error.message));
  if (error instanceof ExpressionError) return new AppError('EXPRESSION_INVALID', redact(error.message));
  if (error instanceof PaginationError) return new AppError('PAGINATION_FAILED', redact(error.message), [{ message: error.code }]);
  throw error;
}
