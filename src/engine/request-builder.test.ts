import { describe, expect, it } from 'vitest';
import type { IntegrationConfig } from '../integrations/definition.js';
import { retryPolicyOf } from './integration-engine.js';
import { buildRawRequest, buildRequest, isBuildProblem, resolveMethod, type ResolvedMethod } from './request-builder.js';

const config = (extra: Partial<IntegrationConfig> = {}): IntegrationConfig => ({
  base_url: 'https://{{context.subdomain}}.example.com/api',
  headers: { Accept: 'application/json' },
  query: { locale: 'en' },
  resources: {
    users: {
      list: { method: 'get', path: '/users', query: { role: '{{query.role}}', page: '{{pagination.page}}' } },
      get: { method: 'get', path: '/users/{{id}}', headers: { Authorization: 'Token {{credentials.key}}' } },
      create: { method: 'post', path: '/users', body: { user: { name: '{{body.name}}', tags: '{{body.tags}}' } } },
      import: { method: 'post', path: '/import', body_format: 'form' },
    },
  },
  ...extra,
});
const scope = { context: { subdomain: 'acme' }, credentials: { key: 'k1' }, query: { role: 'admin' }, body: { name: 'Ann', tags: ['a', 'b'] }, oauth: { token: { access_token: 'oauth-1' } }, pagination: { page: 3 } };

function method(c: IntegrationConfig, resource: string, name: string): ResolvedMethod {
  const resolved = resolveMethod(c, resource, name);
  if (isBuildProblem(resolved)) throw new Error(resolved.message);
  return resolved;
}

describe('buildRequest', () => {
  it('merges query integration → method → caller → paging values, and renders the base URL', () => {
    const c = config();
    const request = buildRequest(c, method(c, 'users', 'list'), scope, { query: { role: 'owner', extra: 1 } }, { query: { page: 4 }, headers: {} });
    expect(isBuildProblem(request)).toBe(false);
    if (isBuildProblem(request)) return;
    expect(request.url).toBe('https://acme.example.com/api/users?locale=en&role=owner&page=4&extra=1');
    expect(request.headers).toEqual({ accept: 'application/json', authorization: 'Bearer oauth-1' });
  });

  it('keeps a method\'s own Authorization header over the implicit OAuth bearer', () => {
    const c = config();
    const request = buildRequest(c, method(c, 'users', 'get'), { ...scope, id: '7' }, { id: '7' });
    expect(!isBuildProblem(request) && request.headers?.authorization).toBe('Token k1');
  });

  it('lets an explicit authorization block win over declared headers', () => {
    const c = config({ authorization: { format: 'bearer', config: { token: '{{credentials.key}}' } } });
    const request = buildRequest(c, method(c, 'users', 'get'), { ...scope, id: '7' }, { id: '7' });
    expect(!isBuildProblem(request) && request.headers?.authorization).toBe('Bearer k1');
  });

  it('renders bodies keeping JSON types, and form bodies', () => {
    const c = config();
    const json = buildRequest(c, method(c, 'users', 'create'), scope, { body: scope.body });
    expect(!isBuildProblem(json) && JSON.parse(String(json.body))).toEqual({ user: { name: 'Ann', tags: ['a', 'b'] } });
    const form = buildRequest(c, method(c, 'users', 'import'), scope, { body: { a: 1, b: 'x y' } });
    expect(!isBuildProblem(form) && form.body).toBe('a=1&b=x%20y');
    expect(!isBuildProblem(form) && form.headers?.['content-type']).toBe('application/x-www-form-urlencoded');
  });

  it('sets query auth parameters on a followed link without duplicating them', () => {
    const c = config({ authorization: { format: 'query', config: { params: { api_key: '{{credentials.key}}' } } } });
    const request = buildRequest(c, method(c, 'users', 'list'), scope, {}, { query: {}, headers: {}, url: 'https://acme.example.com/api/users?page=2&api_key=k1' });
    expect(!isBuildProblem(request) && request.url).toBe('https://acme.example.com/api/users?page=2&api_key=k1');
  });

  it('takes a whole instance URL from a leading placeholder, encodes a subdomain', () => {
    const leading: IntegrationConfig = { base_url: '{{context.instance_url}}/services/data', resources: { users: { list: { method: 'get', path: '/query' } } } };
    const a = buildRequest(leading, method(leading, 'users', 'list'), { context: { instance_url: 'https://na1.salesforce.com' } }, {});
    expect(!isBuildProblem(a) && a.url).toBe('https://na1.salesforce.com/services/data/query');
    const c = config();
    // A subdomain value cannot move the request to another host: its "/" and "?" are encoded, which no host accepts.
    expect(buildRequest(c, method(c, 'users', 'list'), { ...scope, context: { subdomain: 'evil.com/x?' } }, {})).toMatchObject({ code: 'INVALID_URL' });
    const ok = buildRequest(c, method(c, 'users', 'list'), { ...scope, context: { subdomain: 'eu-1' } }, {});
    expect(!isBuildProblem(ok) && new URL(ok.url).hostname).toBe('eu-1.example.com');
  });

  it('reports a missing path value without building a URL', () => {
    const c = config();
    const problem = buildRequest(c, method(c, 'users', 'get'), scope, {});
    expect(problem).toMatchObject({ code: 'TEMPLATE_MISSING_VALUE', missing: ['id'] });
  });
});

describe('buildRawRequest', () => {
  it('appends the raw path untouched, with the integration\'s headers and auth', () => {
    const c = config({ authorization: { format: 'header', config: { headers: { 'X-Key': '{{credentials.key}}' } } } });
    const request = buildRawRequest(c, scope, { method: 'GET', pathAndQuery: '/raw/{{not-a-template}}?x=1', headers: {} });
    expect(!isBuildProblem(request) && request.url).toBe('https://acme.example.com/api/raw/{{not-a-template}}?x=1');
    expect(!isBuildProblem(request) && request.headers).toEqual({ accept: 'application/json', 'x-key': 'k1' });
  });
});

describe('retryPolicyOf', () => {
  it('applies the definition\'s max_retries and max_retry_time_ms over the defaults', () => {
    expect(retryPolicyOf({ max_retries: 1, max_retry_time_ms: 5000 })).toMatchObject({ maxRetries: 1, maxRetryTimeMs: 5000, baseDelayMs: 500 });
    expect(retryPolicyOf(undefined)).toMatchObject({ maxRetries: 5, maxRetryTimeMs: 120_000 });
  });
});
