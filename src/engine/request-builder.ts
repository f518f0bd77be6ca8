import type { Authorization, IntegrationConfig, Pagination, RateLimit, ResourceMethod } from '../integrations/definition.js';
import type { OutboundRequest } from './http-client.js';
import type { PageRequest } from './pagination/index.js';
import { renderPath, renderString, renderValue, type Scope, serializeQuery, TemplateError } from './templates/index.js';

/** A resource method with the integration-level defaults it inherits, resolved once per call. */
export interface ResolvedMethod {
  resource: string;
  method: string;
  definition: ResourceMethod;
  /** null = this method does not page. */
  pagination: Pagination | null;
  authorization: Authorization | undefined;
  rateLimit: RateLimit | undefined;
  errorExpression: string | undefined;
  responsePath: string | undefined;
}

/** A problem found while building a request: nothing was sent. */
export interface BuildProblem {
  code: 'RESOURCE_NOT_FOUND' | 'METHOD_NOT_FOUND' | 'TEMPLATE_MISSING_VALUE' | 'TEMPLATE_INVALID' | 'TEMPLATE_CONVERSION_FAILED' | 'INVALID_URL';
  message: string;
  missing?: string[];
}

export function isBuildProblem(value: unknown): value is BuildProblem {
  return typeof value === 'object' && value !== null && 'code' in value && 'message' in value && !('url' in value);
}

/**
 * Finds `resources[resource][method]` and fills in what the method does not override
 * (pagination, authorization, rate_limit, error_expression come from the integration).
 */
export function resolveMethod(config: IntegrationConfig, resource: string, method: string): ResolvedMethod | BuildProblem {
  const methods = config.resources?.[resource];
  if (!methods) {
    const known = Object.keys(config.resources ?? {});
    return { code: 'RESOURCE_NOT_FOUND', message: `The integration has no resource "${resource}"${known.length ? `; it has ${known.join(', ')}` : ''}.` };
  }
  const definition = methods[method];
  if (!definition) {
    return { code: 'METHOD_NOT_FOUND', message: `Resource "${resource}" has no method "${method}"; it has ${Object.keys(methods).join(', ')}.` };
  }
  return {
    resource,
    method,
    definition,
    pagination: definition.pagination === null ? null : (definition.pagination ?? config.pagination ?? null),
    authorization: definition.authorization ?? config.authorization,
    rateLimit: definition.rate_limit ?? config.rate_limit,
    errorExpression: definition.error_expression ?? config.error_expression,
    responsePath: definition.response_path,
  };
}

/** What a caller adds to a call: path id, query parameters, body. */
export interface CallInput {
  id?: string;
  query?: Record<string, unknown>;
  body?: unknown;
}

function render<T>(value: T, scope: Scope): T {
  return renderValue(value, scope).value as T;
}

function problemOf(error: unknown): BuildProblem | undefined {
  if (error instanceof TemplateError) return { code: error.code, message: error.message };
  return undefined;
}

/**
 * The authorization a method applies (seed 002 formats). With none configured, an OAuth token
 * is sent as a bearer token, which is what every OAuth API expects.
 */
export function authorizationParts(authorization: Authorization | undefined, scope: Scope): { headers: Record<string, string>; query: Record<string, unknown> } {
  const headers: Record<string, string> = {};
  const query: Record<string, unknown> = {};
  const oauthToken = (scope.oauth as { token?: { access_token?: string } } | undefined)?.token?.access_token;
  if (!authorization) {
    if (oauthToken) headers.authorization = `Bearer ${oauthToken}`;
    return { headers, query };
  }
  const config = render(authorization.config, scope) as Record<string, unknown>;
  switch (authorization.format) {
    case 'bearer': {
      const token = config.token ?? oauthToken;
      if (token !== undefined && token !== '') headers.authorization = `Bearer ${String(token)}`;
      break;
    }
    case 'basic': {
      const user = config.username === undefined ? '' : String(config.username);
      const pass = config.password === undefined ? '' : String(config.password);
      headers.authorization = `Basic ${Buffer.from(`${user}:${pass}`, 'utf8').toString('base64')}`;
      break;
    }
    case 'header': {
      const map = (config.headers as Record<string, unknown> | undefined) ?? (config.name ? { [String(config.name)]: config.value } : {});
      for (const [name, value] of Object.entries(map)) if (value !== undefined) headers[name.toLowerCase()] = String(value);
      break;
    }
    case 'query': {
      const map = (config.params as Record<string, unknown> | undefined) ?? (config.name ? { [String(config.name)]: config.value } : {});
      Object.assign(query, map);
      break;
    }
  }
  return { headers, query };
}

function lower(headers: Record<string, string> | undefined, scope: Scope): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const rendered = renderString(value, scope).value;
    if (rendered !== undefined && rendered !== '') out[name.toLowerCase()] = String(rendered);
  }
  return out;
}

/** The base URL: a placeholder filling the whole base (an instance URL) is taken as a URL, not encoded. */
function baseUrl(config: IntegrationConfig, scope: Scope): string | BuildProblem {
  // A base that starts with a placeholder takes a whole URL from it (an instance URL such as
  // Salesforce's), so that value is not encoded; placeholders elsewhere (a subdomain) are.
  const leading = config.base_url.trim().startsWith('{{');
  const rendered = renderPath(config.base_url, scope, leading ? (v) => v : encodeURIComponent);
  if (!rendered.ok) {
    return { code: 'TEMPLATE_MISSING_VALUE', message: `base_url needs ${rendered.missing.join(', ')}; set it in the connection's context or credentials.`, missing: rendered.missing };
  }
  try {
    const url = new URL(rendered.value);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('not http');
  } catch {
    return { code: 'INVALID_URL', message: 'base_url does not render to an absolute http(s) URL.' };
  }
  return rendered.value.replace(/\/+$/, '');
}

/**
 * Builds the outbound request for one page of a method: base URL + path, query (integration,
 * method, caller, paging values — later ones win), headers (integration → method → auth), body.
 * Pure: templates are rendered against `scope` with `pagination` set to the page's values.
 */
export function buildRequest(
  config: IntegrationConfig,
  method: ResolvedMethod,
  scope: Scope,
  input: CallInput,
  page: PageRequest = { query: {}, headers: {} },
): OutboundRequest | BuildProblem {
  try {
    const auth = authorizationParts(method.authorization, scope);
    const declared = { ...lower(config.headers, scope), ...lower(method.definition.headers, scope) };
    // An explicit authorization block wins over declared headers; the implicit OAuth bearer does not.
    const headers = method.authorization ? { ...declared, ...auth.headers, ...page.headers } : { ...auth.headers, ...declared, ...page.headers };
    let url: string;
    if (page.url) {
      // A followed link already carries its parameters: set auth parameters, never duplicate them.
      const link = new URL(page.url);
      for (const [name, value] of Object.entries(auth.query)) if (value !== undefined) link.searchParams.set(name, String(value));
      url = link.toString();
    } else {
      const base = baseUrl(config, scope);
      if (typeof base !== 'string') return base;
      const path = renderPath(method.definition.path, scope);
      if (!path.ok) {
        return {
          code: 'TEMPLATE_MISSING_VALUE',
          message: `The path of ${method.resource}.${method.method} needs ${path.missing.join(', ')}${path.missing.includes('id') ? ' (pass an id)' : ''}.`,
          missing: path.missing,
        };
      }
      const query = {
        ...render(config.query ?? {}, scope),
        ...render(method.definition.query ?? {}, scope),
        ...(input.query ?? {}),
        ...page.query,
        ...auth.query,
      };
      const qs = serializeQuery(query, config.query_array_format ?? 'comma');
      url = `${base}${path.value.startsWith('/') || path.value === '' ? '' : '/'}${path.value}${qs ? (path.value.includes('?') ? '&' : '?') + qs : ''}`;
    }
    const verb = method.definition.method.toUpperCase();
    const request: OutboundRequest = { method: verb, url, headers };
    if (verb !== 'GET' && verb !== 'HEAD') {
      let body: unknown = method.definition.body === undefined ? input.body : render(method.definition.body, scope);
      if (page.body) body = { ...((body as Record<string, unknown> | undefined) ?? {}), ...page.body };
      if (body !== undefined) {
        const format = method.definition.body_format ?? 'json';
        headers['content-type'] ??= format === 'form' ? 'application/x-www-form-urlencoded' : 'application/json';
        request.body = format === 'form' ? serializeQuery(body as Record<string, unknown>, 'brackets') : JSON.stringify(body);
      }
    }
    headers.accept ??= 'application/json';
    return request;
  } catch (error) {
    const problem = problemOf(error);
    if (problem) return problem;
    throw error;
  }
}

/**
 * A raw request through an integration connection (`/v1/connections/{_id}/proxy/*`): the caller's
 * path and query appended to the rendered base_url as they are (never templated), with the
 * integration's headers and authorization.
 */
export function buildRawRequest(
  config: IntegrationConfig,
  scope: Scope,
  raw: { method: string; pathAndQuery: string; headers: Record<string, string>; body?: Buffer },
): OutboundRequest | BuildProblem {
  try {
    const base = baseUrl(config, scope);
    if (typeof base !== 'string') return base;
    const auth = authorizationParts(config.authorization, scope);
    const headers = { ...lower(config.headers, scope), ...raw.headers, ...auth.headers };
    let url = base + (raw.pathAndQuery.startsWith('/') ? raw.pathAndQuery : `/${raw.pathAndQuery}`);
    const extra = serializeQuery(auth.query, config.query_array_format ?? 'comma');
    if (extra) url += (url.includes('?') ? '&' : '?') + extra;
    return { method: raw.method, url, headers, ...(raw.body && raw.body.length > 0 ? { body: raw.body } : {}) };
  } catch (error) {
    const problem = problemOf(error);
    if (problem) return problem;
    throw error;
  }
}
