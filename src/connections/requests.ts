import type { OutboundRequest } from '../engine/http-client.js';
import type { ConnectionDoc } from './model.js';

/** A request relative to a connection, before its base URI, headers and auth are applied. */
export interface RelativeRequest {
  method: string;
  relativeURI: string;
  body?: string;
  headers?: Record<string, string>;
}

/** Failures that come from the connection's own settings, found before anything is sent. */
export interface ConfigProblem {
  code: string;
  message: string;
}

const MEDIA_TYPES: Record<string, string> = {
  json: 'application/json',
  urlencoded: 'application/x-www-form-urlencoded',
  xml: 'application/xml',
  csv: 'text/csv',
  plaintext: 'text/plain',
};

/**
 * Joins a base URI and a relative URI the way users of this API write them: `https://slack.com/api`
 * + `api.test` → `https://slack.com/api/api.test`. The relative part never changes the host.
 *
 * @example joinUri('https://x.test/v1/', '/users?page=2') // 'https://x.test/v1/users?page=2'
 */
export function joinUri(baseURI: string, relativeURI: string): string {
  const base = baseURI.replace(/\/+$/, '');
  if (relativeURI === '') return base;
  if (relativeURI.startsWith('?')) return base + relativeURI;
  return `${base}/${relativeURI.replace(/^\/+/, '')}`;
}

function basic(username: string, password: string | undefined): string {
  return 'Basic ' + Buffer.from(`${username}:${password ?? ''}`, 'utf8').toString('base64');
}

function withQuery(url: string, name: string, value: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set(name, value);
  return parsed.toString();
}

function jsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function nameValues(list: Array<{ name: string; value: string }> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { name, value } of list ?? []) out[name.toLowerCase()] = value;
  return out;
}

/**
 * Builds the outbound request for a connection: base URI, the connection's headers, its media
 * type and its authentication. `doc` must be the full document (secrets merged). Pure.
 */
export function buildConnectionRequest(doc: ConnectionDoc, relative: RelativeRequest): OutboundRequest | ConfigProblem {
  if (doc.type === 'rest' && doc.rest) {
    const rest = doc.rest;
    let url = joinUri(rest.baseURI, relative.relativeURI);
    const headers: Record<string, string> = {
      accept: MEDIA_TYPES[rest.mediaType ?? 'json'] ?? 'application/json',
      ...nameValues(rest.headers),
    };
    const authType = rest.authType ?? 'token';
    if (authType === 'token' || authType === 'oauth') {
      if (!rest.bearerToken) return { code: 'MISSING_CREDENTIALS', message: 'rest.bearerToken is empty; set the token to authenticate.' };
      if ((rest.tokenLocation ?? 'header') === 'url') {
        url = withQuery(url, rest.tokenParam ?? 'token', rest.bearerToken);
      } else {
        const scheme = rest.authScheme ?? 'Bearer';
        headers[(rest.authHeader ?? 'Authorization').toLowerCase()] = scheme ? `${scheme} ${rest.bearerToken}` : rest.bearerToken;
      }
    } else if (authType === 'basic') {
      if (!rest.basicAuth) return { code: 'MISSING_CREDENTIALS', message: 'rest.basicAuth is missing; set username and password.' };
      headers.authorization = basic(rest.basicAuth.username, rest.basicAuth.password);
    }
    return finish(url, headers, relative, rest.mediaType);
  }

  if (doc.type === 'http' && doc.http) {
    const http = doc.http;
    let url = joinUri(http.baseURI, relative.relativeURI);
    const headers: Record<string, string> = {
      accept: MEDIA_TYPES[http.mediaType ?? 'json'] ?? 'application/json',
      ...nameValues(http.headers),
    };
    let body = relative.body;
    const auth = http.auth ?? { type: 'none' as const };
    switch (auth.type) {
      case 'basic':
        if (!auth.basic) return { code: 'MISSING_CREDENTIALS', message: 'http.auth.basic is missing; set username and password.' };
        headers.authorization = basic(auth.basic.username, auth.basic.password);
        break;
      case 'token': {
        const token = auth.token?.token;
        if (!token) return { code: 'MISSING_CREDENTIALS', message: 'http.auth.token.token is empty; set the token to authenticate.' };
        const location = auth.token?.location ?? 'header';
        if (location === 'header') {
          const scheme = auth.token?.scheme ?? 'Bearer';
          headers[(auth.token?.headerName ?? 'Authorization').toLowerCase()] = scheme ? `${scheme} ${token}` : token;
        } else {
          const param = auth.token?.paramName;
          if (!param) return { code: 'MISSING_CREDENTIALS', message: `http.auth.token.paramName is required when the token goes in the ${location}.` };
          if (location === 'url') url = withQuery(url, param, token);
          else {
            const fields = body ? jsonObject(body) : {};
            if (fields === undefined) {
              return { code: 'BODY_NOT_JSON_OBJECT', message: 'http.auth.token.location is "body", so the request body must be a JSON object to add the token to.' };
            }
            body = JSON.stringify({ ...fields, [param]: token });
          }
        }
        break;
      }
      case 'oauth2': {
        const token = auth.oauth2?.accessToken;
        if (!token) {
          return {
            code: 'MISSING_CREDENTIALS',
            message: 'http.auth.oauth2.accessToken is empty; authorize the connection or set an access token.',
          };
        }
        headers.authorization = `Bearer ${token}`;
        break;
      }
      default:
        break; // none, custom: the connection's headers carry whatever the API needs
    }
    return finish(url, headers, { ...relative, ...(body === undefined ? {} : { body }) }, http.mediaType);
  }

  return { code: 'CONNECTION_INCOMPLETE', message: `The connection has no "${doc.type}" settings.` };
}

function finish(url: string, headers: Record<string, string>, relative: RelativeRequest, mediaType: string | undefined): OutboundRequest {
  const merged = { ...headers };
  for (const [name, value] of Object.entries(relative.headers ?? {})) merged[name.toLowerCase()] = value;
  const request: OutboundRequest = { method: relative.method, url, headers: merged };
  if (relative.body !== undefined && relative.method !== 'GET' && relative.method !== 'HEAD') {
    merged['content-type'] ??= MEDIA_TYPES[mediaType ?? 'json'] ?? 'application/json';
    request.body = relative.body;
  }
  return request;
}

export function isConfigProblem(value: OutboundRequest | ConfigProblem): value is ConfigProblem {
  return 'code' in value;
}
