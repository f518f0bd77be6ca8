import { describe, expect, it } from 'vitest';
import { toPlan } from './plan.js';
import { firstCheckpoint, renderRequest, requestKey, setQueryParam } from './request.js';

describe('setQueryParam', () => {
  it('replaces the parameter and leaves the rest of the query as written', () => {
    expect(setQueryParam('/items?page=1&q=a%20b', 'page', '2')).toBe('/items?q=a%20b&page=2');
    expect(setQueryParam('items', 'cursor', 'a+b/=')).toBe('items?cursor=a%2Bb%2F%3D');
    expect(setQueryParam('/x?', 'p', '1')).toBe('/x?p=1');
  });
});

describe('toPlan', () => {
  it('translates rest legacy paging to the http engine', () => {
    expect(toPlan({ rest: { relativeURI: '/a', pagingMethod: 'pageargument', pageArgument: 'p' } }).paging).toMatchObject({ method: 'page', firstPage: 1, queryParam: 'p' });
    expect(toPlan({ rest: { relativeURI: '/a', pagingMethod: 'nextpageurl', nextPagePath: 'links.next' } }).paging).toMatchObject({ method: 'url', path: 'links.next' });
    expect(toPlan({ rest: { relativeURI: '/a', pagingMethod: 'relativeuri', nextPagePath: 'next' } }).paging).toMatchObject({ method: 'token', tokenIsRelativeURI: true });
    const templated = toPlan({ rest: { relativeURI: '/a', pagingMethod: 'relativeuri', nextPagePath: 'id', nextPageRelativeURI: '/a?after={{export.http.paging.token}}' } });
    expect([templated.paging?.tokenIsRelativeURI, templated.nextRelativeURI]).toEqual([undefined, '/a?after={{export.http.paging.token}}']);
  });

  it('refuses an integration resource and an http url paging without a path', () => {
    expect(() => toPlan({ resource: 'users' })).toThrow(expect.objectContaining({ code: 'EXPORT_UNSUPPORTED' }));
    expect(() => toPlan({ http: { relativeURI: '/a', paging: { method: 'url' } } })).toThrow(expect.objectContaining({ code: 'EXPORT_INVALID' }));
  });
});

describe('renderRequest', () => {
  const plan = toPlan({
    pageSize: 50,
    http: {
      relativeURI: '/v1/{{connection.http.unencrypted.org}}/search',
      method: 'POST',
      headers: { 'X-Token': '{{export.http.paging.token}}', 'X-Org': '{{connection.http.unencrypted.org}}' },
      body: '{"size": {{export.http.paging.pageSize}}}',
      paging: { method: 'token', path: 'next', relativeURI: '/v1/search?after={{export.http.paging.token}}' },
    },
  });
  const scope = { connection: { http: { unencrypted: { org: 'a/b' } } } };

  it('uses the first-page templates, encodes URI values and drops empty headers', () => {
    expect(renderRequest(plan, firstCheckpoint(plan), scope)).toEqual({ method: 'POST', relativeURI: '/v1/a%2Fb/search', headers: { 'X-Org': 'a/b' }, body: '{"size": 50}' });
  });

  it('uses the paging overrides on later pages', () => {
    const request = renderRequest(plan, { kind: 'http', token: 't 1', pageIndex: 1, seen: [] }, scope);
    expect(request).toMatchObject({ relativeURI: '/v1/search?after=t%201', headers: { 'X-Token': 't 1' } });
  });

  it('fingerprints requests independently of header order and case', () => {
    const a = { method: 'GET', relativeURI: '/x', headers: { A: '1', b: '2' } };
    expect(requestKey(a)).toBe(requestKey({ ...a, headers: { B: '2', a: '1' } }));
    expect(requestKey(a)).not.toBe(requestKey({ ...a, body: '{}' }));
  });

  it('reports a malformed template as EXPORT_INVALID', () => {
    const broken = toPlan({ http: { relativeURI: '/x', body: '{{export.http.paging.page' } });
    expect(() => renderRequest(broken, firstCheckpoint(broken))).toThrow(expect.objectContaining({ code: 'EXPORT_INVALID', details: { field: 'body' } }));
  });
});
