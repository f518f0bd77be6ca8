import { compileExpression, ExpressionError, isHeaderName } from '../engine/expressions.js';
import { listPlaceholders, TemplateError } from '../engine/templates/index.js';
import type { ErrorDetail } from '../errors.js';
import type { IntegrationConfig, Pagination, RateLimit } from './definition.js';

/**
 * Checks what the JSON Schema cannot: every `{{placeholder}}` parses and every JSONata expression
 * compiles, so a definition fails when it is saved, not on its first call. Details name the path.
 */
export function lintConfig(config: IntegrationConfig): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  const walk = (value: unknown, path: string): void => {
    if (typeof value === 'string') {
      if (!value.includes('{{')) return;
      try {
        listPlaceholders(value);
      } catch (error) {
        if (error instanceof TemplateError) details.push({ field: path, message: error.message });
        else throw error;
      }
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => walk(item, `${path}.${i}`));
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) if (key !== 'examples') walk(item, `${path}.${key}`);
    }
  };
  walk(config, 'config');

  const expression = (source: string | undefined, path: string, headerAllowed = false) => {
    if (source === undefined || source.includes('{{') || (headerAllowed && isHeaderName(source))) return;
    try {
      compileExpression(source);
    } catch (error) {
      if (error instanceof ExpressionError) details.push({ field: path, message: error.message });
      else throw error;
    }
  };
  const rateLimit = (r: RateLimit | undefined, path: string) => {
    if (!r) return;
    if (typeof r.is_rate_limited === 'string') expression(r.is_rate_limited, `${path}.is_rate_limited`);
    expression(r.retry_after_header_expression, `${path}.retry_after_header_expression`, true);
    expression(r.rate_limit_header_expression, `${path}.rate_limit_header_expression`, true);
    expression(r.rate_limit_reset_header_expression, `${path}.rate_limit_reset_header_expression`, true);
  };
  const pagination = (p: Pagination | null | undefined, path: string) => {
    if (p?.format === 'dynamic') {
      if (!p.config?.expression) details.push({ field: `${path}.config.expression`, message: 'is required for dynamic pagination' });
      expression(p.config?.expression, `${path}.config.expression`);
    }
  };
  expression(config.error_expression, 'config.error_expression');
  rateLimit(config.rate_limit, 'config.rate_limit');
  pagination(config.pagination, 'config.pagination');
  for (const [resource, methods] of Object.entries(config.resources ?? {})) {
    for (const [name, method] of Object.entries(methods)) {
      const path = `config.resources.${resource}.${name}`;
      expression(method.error_expression, `${path}.error_expression`);
      rateLimit(method.rate_limit, `${path}.rate_limit`);
      pagination(method.pagination, `${path}.pagination`);
    }
  }
  return details;
}
