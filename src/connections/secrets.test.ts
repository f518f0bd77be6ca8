import { describe, expect, it } from 'vitest';
import type { ConnectionDoc } from './model.js';
import { maskSecrets, mergeSecrets, patternsOf, resolveMaskedSecrets, secretPointers, splitSecrets } from './secrets.js';

function aRestDoc(rest: Partial<NonNullable<ConnectionDoc['rest']>> = {}): ConnectionDoc {
  return {
    type: 'rest',
    name: 'Slack',
    rest: {
      baseURI: 'https://slack.test/api',
      authType: 'token',
      bearerToken: 'xoxb-token',
      refreshToken: 'refresh-1',
      basicAuth: { username: 'me', password: 'pw-1' },
      encryptedFields: [
        { name: 'a', value: 'enc-a' },
        { name: 'b', value: 'enc-b' },
      ],
      unencryptedFields: [{ name: 'region', value: 'eu' }],
      ...rest,
    },
  };
}

function anHttpDoc(): ConnectionDoc {
  return {
    type: 'http',
    name: 'Shop',
    http: {
      baseURI: 'https://shop.test',
      auth: {
        type: 'oauth2',
        basic: { username: 'u', password: 'basic-pw' },
        token: { token: 'tok-1', location: 'header' },
        oauth2: { clientId: 'cid', clientSecret: 'cs-1', accessToken: 'at-1', refreshToken: 'rt-1' },
      },
      encrypted: { apiKey: 'k-1', 'a/b': 'k-2' },
      unencrypted: { shop: 'demo' },
    },
  };
}

describe('secretPointers', () => {
  it('lists the secret fields present in a rest document', () => {
    expect(secretPointers(patternsOf('rest'), aRestDoc())).toEqual([
      '/rest/bearerToken',
      '/rest/refreshToken',
      '/rest/basicAuth/password',
      '/rest/encryptedFields/0/value',
      '/rest/encryptedFields/1/value',
    ]);
  });

  it('lists the secret fields present in an http document, escaping custom keys', () => {
    expect(secretPointers(patternsOf('http'), anHttpDoc())).toEqual([
      '/http/auth/basic/password',
      '/http/auth/token/token',
      '/http/auth/oauth2/clientSecret',
      '/http/auth/oauth2/accessToken',
      '/http/auth/oauth2/refreshToken',
      '/http/encrypted/apiKey',
      '/http/encrypted/a~1b',
    ]);
  });

  it('lists nothing for absent fields', () => {
    expect(secretPointers(patternsOf('rest'), { type: 'rest', name: 'n', rest: { baseURI: 'https://x.test' } })).toEqual([]);
  });
});

describe('splitSecrets / mergeSecrets / maskSecrets', () => {
  it('takes rest secrets out of the public document, and puts them back', () => {
    const doc = aRestDoc();
    const { publicDoc, secrets } = splitSecrets(patternsOf('rest'), doc);

    expect(secrets).toEqual({
      '/rest/bearerToken': 'xoxb-token',
      '/rest/refreshToken': 'refresh-1',
      '/rest/basicAuth/password': 'pw-1',
      '/rest/encryptedFields/0/value': 'enc-a',
      '/rest/encryptedFields/1/value': 'enc-b',
    });
    expect(publicDoc).toEqual({
      type: 'rest',
      name: 'Slack',
      rest: {
        baseURI: 'https://slack.test/api',
        authType: 'token',
        basicAuth: { username: 'me' },
        encryptedFields: [{ name: 'a' }, { name: 'b' }],
        unencryptedFields: [{ name: 'region', value: 'eu' }],
      },
    });
    expect(mergeSecrets(publicDoc, secrets)).toEqual(doc);
  });

  it('takes http secrets out of the public document, and puts them back', () => {
    const doc = anHttpDoc();
    const { publicDoc, secrets } = splitSecrets(patternsOf('http'), doc);

    expect(secrets).toEqual({
      '/http/auth/basic/password': 'basic-pw',
      '/http/auth/token/token': 'tok-1',
      '/http/auth/oauth2/clientSecret': 'cs-1',
      '/http/auth/oauth2/accessToken': 'at-1',
      '/http/auth/oauth2/refreshToken': 'rt-1',
      '/http/encrypted/apiKey': 'k-1',
      '/http/encrypted/a~1b': 'k-2',
    });
    expect(publicDoc.http).toEqual({
      baseURI: 'https://shop.test',
      auth: { type: 'oauth2', basic: { username: 'u' }, token: { location: 'header' }, oauth2: { clientId: 'cid' } },
      encrypted: {},
      unencrypted: { shop: 'demo' },
    });
    expect(JSON.stringify(publicDoc)).not.toMatch(/basic-pw|tok-1|cs-1|at-1|rt-1|k-1|k-2/);
    expect(mergeSecrets(publicDoc, secrets)).toEqual(doc);
  });

  it('shows each stored secret as "******" and nothing else', () => {
    const { publicDoc, secrets } = splitSecrets(patternsOf('rest'), aRestDoc());
    expect(maskSecrets(publicDoc, secrets)).toEqual(
      aRestDoc({
        bearerToken: '******',
        refreshToken: '******',
        basicAuth: { username: 'me', password: '******' },
        encryptedFields: [
          { name: 'a', value: '******' },
          { name: 'b', value: '******' },
        ],
      }),
    );

    const http = splitSecrets(patternsOf('http'), anHttpDoc());
    const masked = maskSecrets(http.publicDoc, http.secrets);
    expect(masked.http?.encrypted).toEqual({ apiKey: '******', 'a/b': '******' });
    expect(masked.http?.auth?.oauth2).toEqual({ clientId: 'cid', clientSecret: '******', accessToken: '******', refreshToken: '******' });
  });

  it('never mutates its inputs', () => {
    const doc = aRestDoc();
    const { publicDoc, secrets } = splitSecrets(patternsOf('rest'), doc);
    const publicCopy = structuredClone(publicDoc);
    mergeSecrets(publicDoc, secrets);
    maskSecrets(publicDoc, secrets);
    expect(doc).toEqual(aRestDoc());
    expect(publicDoc).toEqual(publicCopy);
  });
});

describe('resolveMaskedSecrets', () => {
  const stored = {
    '/rest/bearerToken': 'stored-token',
    '/rest/encryptedFields/0/value': 'stored-a',
  };

  it('replaces "******" with the stored secret and keeps new values as sent', () => {
    const doc = aRestDoc({
      bearerToken: '******',
      refreshToken: 'new-refresh',
      basicAuth: { username: 'me', password: 'new-pw' },
      encryptedFields: [
        { name: 'a', value: '******' },
        { name: 'b', value: 'new-b' },
      ],
    });
    const { doc: resolved, errors } = resolveMaskedSecrets(patternsOf('rest'), doc, stored);

    expect(errors).toEqual([]);
    expect(resolved.rest).toMatchObject({
      bearerToken: 'stored-token',
      refreshToken: 'new-refresh',
      basicAuth: { username: 'me', password: 'new-pw' },
      encryptedFields: [
        { name: 'a', value: 'stored-a' },
        { name: 'b', value: 'new-b' },
      ],
    });
    expect(doc.rest?.bearerToken).toBe('******');
  });

  it('reports each mask with nothing stored behind it', () => {
    const doc = aRestDoc({
      bearerToken: '******',
      basicAuth: { username: 'me', password: '******' },
      encryptedFields: [
        { name: 'a', value: 'plain' },
        { name: 'b', value: '******' },
      ],
    });
    const { errors } = resolveMaskedSecrets(patternsOf('rest'), doc, stored);

    const message = 'holds the mask "******" but no secret is stored there; send the real value';
    expect(errors).toEqual([
      { field: 'rest.basicAuth.password', message },
      { field: 'rest.encryptedFields.1.value', message },
    ]);
  });

  it('reports every mask on create, when nothing is stored', () => {
    const doc: ConnectionDoc = {
      type: 'http',
      name: 'n',
      http: { baseURI: 'https://x.test', encrypted: { apiKey: '******', other: 'real' } },
    };
    expect(resolveMaskedSecrets(patternsOf('http'), doc, {}).errors).toEqual([
      { field: 'http.encrypted.apiKey', message: 'holds the mask "******" but no secret is stored there; send the real value' },
    ]);
  });
});
