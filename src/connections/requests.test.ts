import { describe, expect, it } from 'vitest';
import type { ConnectionDoc } from './model.js';
import { buildConnectionRequest, isConfigProblem, joinUri, type RelativeRequest } from './requests.js';

type Rest = NonNullable<ConnectionDoc['rest']>;
type Http = NonNullable<ConnectionDoc['http']>;

function aRestConnection(rest: Partial<Rest> = {}): ConnectionDoc {
  return { type: 'rest', name: 'REST', rest: { baseURI: 'https://api.test/v1', bearerToken: 'tok-123', ...rest } };
}

function anHttpConnection(http: Partial<Http> = {}): ConnectionDoc {
  return { type: 'http', name: 'HTTP', http: { baseURI: 'https://api.test/v1', ...http } };
}

const GET: RelativeRequest = { method: 'GET', relativeURI: '/users' };

function basicHeader(user: string, password: string): string {
  return 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
}

describe('joinUri', () => {
  it.each([
    ['https://x.test/v1', 'users', 'https://x.test/v1/users'],
    ['https://x.test/v1/', '/users?page=2', 'https://x.test/v1/users?page=2'],
    ['https://x.test/v1///', '///users', 'https://x.test/v1/users'],
    ['https://slack.com/api', 'api.test', 'https://slack.com/api/api.test'],
    ['https://x.test/v1/', '', 'https://x.test/v1'],
    ['https://x.test/v1', '?q=1', 'https://x.test/v1?q=1'],
    ['https://x.test/v1', '//evil.test/x', 'https://x.test/v1/evil.test/x'],
    ['https://x.test/v1', 'https://evil.test/x', 'https://x.test/v1/https://evil.test/x'],
  ])('%s + %s → %s', (base, relative, expected) => {
    expect(joinUri(base, relative)).toBe(expected);
  });
});

describe('buildConnectionRequest for rest connections', () => {
  it('sends the token as a Bearer Authorization header by default, with a JSON accept header', () => {
    expect(buildConnectionRequest(aRestConnection(), GET)).toEqual({
      method: 'GET',
      url: 'https://api.test/v1/users',
      headers: { accept: 'application/json', authorization: 'Bearer tok-123' },
    });
  });

  it('uses a custom header and scheme', () => {
    const request = buildConnectionRequest(aRestConnection({ authHeader: 'X-Api-Token', authScheme: 'Token' }), GET);
    expect(request).toEqual({
      method: 'GET',
      url: 'https://api.test/v1/users',
      headers: { accept: 'application/json', 'x-api-token': 'Token tok-123' },
    });
  });

  it('sends the bare token when the scheme is empty', () => {
    const request = buildConnectionRequest(aRestConnection({ authHeader: 'X-Api-Key', authScheme: '' }), GET);
    expect(request).toMatchObject({ headers: { 'x-api-key': 'tok-123' } });
  });

  it('treats oauth like token', () => {
    expect(buildConnectionRequest(aRestConnection({ authType: 'oauth' }), GET)).toMatchObject({ headers: { authorization: 'Bearer tok-123' } });
  });

  it('puts the token in the query, keeping the existing query', () => {
    const request = buildConnectionRequest(aRestConnection({ tokenLocation: 'url', tokenParam: 'access_token', bearerToken: 'a b&c' }), {
      method: 'GET',
      relativeURI: 'users?page=2',
    });
    expect(request).toEqual({
      method: 'GET',
      url: 'https://api.test/v1/users?page=2&access_token=a+b%26c',
      headers: { accept: 'application/json' },
    });
  });

  it('names the query parameter "token" by default', () => {
    expect(buildConnectionRequest(aRestConnection({ tokenLocation: 'url' }), GET)).toMatchObject({ url: 'https://api.test/v1/users?token=tok-123' });
  });

  it('sends basic auth', () => {
    const request = buildConnectionRequest(aRestConnection({ authType: 'basic', basicAuth: { username: 'ann', password: 'pä:ss' } }), GET);
    expect(request).toMatchObject({ headers: { authorization: basicHeader('ann', 'pä:ss') } });
  });

  it('sends basic auth with an empty password when none is set', () => {
    const request = buildConnectionRequest(aRestConnection({ authType: 'basic', basicAuth: { username: 'ann' } }), GET);
    expect(request).toMatchObject({ headers: { authorization: basicHeader('ann', '') } });
  });

  it('adds no auth for custom, leaving it to the connection headers', () => {
    const request = buildConnectionRequest(aRestConnection({ authType: 'custom', headers: [{ name: 'X-Key', value: 'k' }] }), GET);
    expect(request).toEqual({ method: 'GET', url: 'https://api.test/v1/users', headers: { accept: 'application/json', 'x-key': 'k' } });
  });

  it.each([
    ['token without bearerToken', { bearerToken: undefined }, 'rest.bearerToken is empty; set the token to authenticate.'],
    ['token with an empty bearerToken', { bearerToken: '' }, 'rest.bearerToken is empty; set the token to authenticate.'],
    ['oauth without bearerToken', { authType: 'oauth' as const, bearerToken: undefined }, 'rest.bearerToken is empty; set the token to authenticate.'],
    ['basic without basicAuth', { authType: 'basic' as const }, 'rest.basicAuth is missing; set username and password.'],
  ])('reports MISSING_CREDENTIALS for %s', (_label, rest, message) => {
    expect(buildConnectionRequest(aRestConnection(rest), GET)).toEqual({ code: 'MISSING_CREDENTIALS', message });
  });

  it('reports CONNECTION_INCOMPLETE without settings for its type', () => {
    expect(buildConnectionRequest({ type: 'rest', name: 'n' }, GET)).toEqual({
      code: 'CONNECTION_INCOMPLETE',
      message: 'The connection has no "rest" settings.',
    });
    expect(buildConnectionRequest({ type: 'http', name: 'n', rest: { baseURI: 'https://x.test' } }, GET)).toEqual({
      code: 'CONNECTION_INCOMPLETE',
      message: 'The connection has no "http" settings.',
    });
  });
});

describe('buildConnectionRequest for http connections', () => {
  it('sends no auth for type none or no auth at all', () => {
    const expected = { method: 'GET', url: 'https://api.test/v1/users', headers: { accept: 'application/json' } };
    expect(buildConnectionRequest(anHttpConnection(), GET)).toEqual(expected);
    expect(buildConnectionRequest(anHttpConnection({ auth: { type: 'none' } }), GET)).toEqual(expected);
    expect(buildConnectionRequest(anHttpConnection({ auth: { type: 'custom' } }), GET)).toEqual(expected);
  });

  it('sends basic auth', () => {
    const request = buildConnectionRequest(anHttpConnection({ auth: { type: 'basic', basic: { username: 'u', password: 'p' } } }), GET);
    expect(request).toMatchObject({ headers: { authorization: basicHeader('u', 'p') } });
  });

  it('sends a token in a header, Bearer by default', () => {
    expect(buildConnectionRequest(anHttpConnection({ auth: { type: 'token', token: { token: 't1' } } }), GET)).toMatchObject({
      headers: { authorization: 'Bearer t1' },
    });
    const custom = buildConnectionRequest(
      anHttpConnection({ auth: { type: 'token', token: { token: 't1', location: 'header', headerName: 'X-Auth', scheme: '' } } }),
      GET,
    );
    expect(custom).toEqual({ method: 'GET', url: 'https://api.test/v1/users', headers: { accept: 'application/json', 'x-auth': 't1' } });
  });

  it('sends a token in the URL', () => {
    const request = buildConnectionRequest(anHttpConnection({ auth: { type: 'token', token: { token: 't1', location: 'url', paramName: 'key' } } }), GET);
    expect(request).toEqual({ method: 'GET', url: 'https://api.test/v1/users?key=t1', headers: { accept: 'application/json' } });
  });

  it('merges a token sent in the body into the JSON body', () => {
    const doc = anHttpConnection({ auth: { type: 'token', token: { token: 't1', location: 'body', paramName: 'api_key' } } });
    expect(buildConnectionRequest(doc, { method: 'POST', relativeURI: 'search', body: '{"q":"x"}' })).toEqual({
      method: 'POST',
      url: 'https://api.test/v1/search',
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: '{"q":"x","api_key":"t1"}',
    });
    expect(buildConnectionRequest(doc, { method: 'POST', relativeURI: 'search' })).toMatchObject({ body: '{"api_key":"t1"}' });
  });

  it.each(['not json', '[1,2]', '"text"', 'null'])('reports a body %j the token cannot be merged into', (body) => {
    const doc = anHttpConnection({ auth: { type: 'token', token: { token: 't1', location: 'body', paramName: 'api_key' } } });
    expect(buildConnectionRequest(doc, { method: 'POST', relativeURI: 'x', body })).toEqual({
      code: 'BODY_NOT_JSON_OBJECT',
      message: 'http.auth.token.location is "body", so the request body must be a JSON object to add the token to.',
    });
  });

  it('sends an oauth2 access token as Bearer', () => {
    const request = buildConnectionRequest(anHttpConnection({ auth: { type: 'oauth2', oauth2: { accessToken: 'at-9', clientSecret: 'cs' } } }), GET);
    expect(request).toEqual({
      method: 'GET',
      url: 'https://api.test/v1/users',
      headers: { accept: 'application/json', authorization: 'Bearer at-9' },
    });
  });

  it.each([
    ['basic without basic', { type: 'basic' as const }, 'http.auth.basic is missing; set username and password.'],
    ['token without token', { type: 'token' as const }, 'http.auth.token.token is empty; set the token to authenticate.'],
    ['token with an empty token', { type: 'token' as const, token: { token: '' } }, 'http.auth.token.token is empty; set the token to authenticate.'],
    [
      'token in url without paramName',
      { type: 'token' as const, token: { token: 't', location: 'url' as const } },
      'http.auth.token.paramName is required when the token goes in the url.',
    ],
    [
      'token in body without paramName',
      { type: 'token' as const, token: { token: 't', location: 'body' as const } },
      'http.auth.token.paramName is required when the token goes in the body.',
    ],
    [
      'oauth2 without accessToken',
      { type: 'oauth2' as const, oauth2: { clientId: 'c' } },
      'http.auth.oauth2.accessToken is empty; authorize the connection or set an access token.',
    ],
  ])('reports MISSING_CREDENTIALS for %s', (_label, auth, message) => {
    expect(buildConnectionRequest(anHttpConnection({ auth }), GET)).toEqual({ code: 'MISSING_CREDENTIALS', message });
  });
});

describe('headers and body', () => {
  it('lower-cases connection headers and lets per-request headers override them', () => {
    const doc = anHttpConnection({
      headers: [
        { name: 'X-Team', value: 'a' },
        { name: 'Accept', value: 'text/csv' },
      ],
    });
    const request = buildConnectionRequest(doc, { method: 'GET', relativeURI: '', headers: { 'X-TEAM': 'b', 'X-Request': 'r' } });
    expect(request).toEqual({
      method: 'GET',
      url: 'https://api.test/v1',
      headers: { accept: 'text/csv', 'x-team': 'b', 'x-request': 'r' },
    });
  });

  it('lets per-request headers override the auth header', () => {
    const request = buildConnectionRequest(aRestConnection(), { ...GET, headers: { Authorization: 'Bearer other' } });
    expect(request).toMatchObject({ headers: { authorization: 'Bearer other' } });
  });

  it('sets content-type from the media type only when a body is sent', () => {
    const doc = aRestConnection({ mediaType: 'urlencoded' });
    expect(buildConnectionRequest(doc, { method: 'POST', relativeURI: 'x', body: 'a=1' })).toEqual({
      method: 'POST',
      url: 'https://api.test/v1/x',
      headers: { accept: 'application/x-www-form-urlencoded', authorization: 'Bearer tok-123', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a=1',
    });
    expect(buildConnectionRequest(doc, { method: 'POST', relativeURI: 'x' })).toEqual({
      method: 'POST',
      url: 'https://api.test/v1/x',
      headers: { accept: 'application/x-www-form-urlencoded', authorization: 'Bearer tok-123' },
    });
  });

  it.each(['GET', 'HEAD'])('drops the body of a %s request', (method) => {
    const request = buildConnectionRequest(aRestConnection(), { method, relativeURI: 'x', body: '{}' });
    expect(request).toEqual({ method, url: 'https://api.test/v1/x', headers: { accept: 'application/json', authorization: 'Bearer tok-123' } });
  });

  it('keeps a content-type given by the request', () => {
    const request = buildConnectionRequest(anHttpConnection({ mediaType: 'xml' }), {
      method: 'PUT',
      relativeURI: 'x',
      body: 'a,b',
      headers: { 'Content-Type': 'text/csv' },
    });
    expect(request).toMatchObject({ headers: { accept: 'application/xml', 'content-type': 'text/csv' }, body: 'a,b' });
  });

  it.each([
    ['csv', 'text/csv'],
    ['plaintext', 'text/plain'],
    ['xml', 'application/xml'],
  ] as const)('maps the http media type %s to %s', (mediaType, contentType) => {
    expect(buildConnectionRequest(anHttpConnection({ mediaType }), { method: 'POST', relativeURI: '', body: 'b' })).toMatchObject({
      headers: { accept: contentType, 'content-type': contentType },
    });
  });
});

describe('isConfigProblem', () => {
  it('tells a problem from a request', () => {
    expect(isConfigProblem({ code: 'MISSING_CREDENTIALS', message: 'm' })).toBe(true);
    expect(isConfigProblem({ method: 'GET', url: 'https://x.test' })).toBe(false);
  });
});
