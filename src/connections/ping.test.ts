import { describe, expect, it } from 'vitest';
import type { FailureKind, OutboundResult } from '../engine/http-client.js';
import type { ConnectionDoc } from './model.js';
import { interpretPing, pingRequest, readPath } from './ping.js';

type HttpPing = NonNullable<NonNullable<ConnectionDoc['http']>['ping']>;

const REST: ConnectionDoc = { type: 'rest', name: 'r', rest: { baseURI: 'https://api.test', bearerToken: 'tok-secret' } };

function anHttpConnection(ping?: HttpPing): ConnectionDoc {
  return { type: 'http', name: 'h', http: { baseURI: 'https://api.test', ...(ping ? { ping } : {}) } };
}

function aResponse(status: number, body: string | Buffer = ''): OutboundResult {
  return {
    ok: true,
    response: { status, headers: {}, body: Buffer.isBuffer(body) ? body : Buffer.from(body), truncated: false, url: 'https://api.test', durationMs: 5 },
  };
}

function aFailure(kind: FailureKind, message: string): OutboundResult {
  return { ok: false, failure: { kind, message, durationMs: 5 } };
}

/** Masks one known secret, the way the caller's redactor would. */
const redact = (text: string) => text.split('tok-secret').join('******');

describe('pingRequest', () => {
  it('GETs the base URI by default', () => {
    expect(pingRequest(REST)).toEqual({ method: 'GET', relativeURI: '' });
    expect(pingRequest(anHttpConnection())).toEqual({ method: 'GET', relativeURI: '' });
    expect(pingRequest({ type: 'http', name: 'empty' })).toEqual({ method: 'GET', relativeURI: '' });
  });

  it("uses a rest connection's ping settings", () => {
    const doc: ConnectionDoc = { type: 'rest', name: 'r', rest: { baseURI: 'https://api.test', pingRelativeURI: '/me', pingMethod: 'POST', pingBody: '{}' } };
    expect(pingRequest(doc)).toEqual({ method: 'POST', relativeURI: '/me', body: '{}' });
  });

  it("uses an http connection's ping settings", () => {
    expect(pingRequest(anHttpConnection({ relativeURI: 'health', method: 'PUT', body: 'x' }))).toEqual({ method: 'PUT', relativeURI: 'health', body: 'x' });
    expect(pingRequest(anHttpConnection({ relativeURI: 'health' }))).toEqual({ method: 'GET', relativeURI: 'health' });
  });
});

describe('interpretPing', () => {
  it('passes on 2xx', () => {
    expect(interpretPing(REST, aResponse(200, 'anything'), redact)).toEqual({ ok: true });
    expect(interpretPing(REST, aResponse(204), redact)).toEqual({ ok: true });
  });

  it.each([
    ['blocked', 422, 'OUTBOUND_BLOCKED'],
    ['invalid_url', 422, 'INVALID_URL'],
    ['dns', 502, 'DNS_LOOKUP_FAILED'],
    ['refused', 502, 'CONNECTION_REFUSED'],
    ['reset', 502, 'CONNECTION_RESET'],
    ['tls', 502, 'TLS_ERROR'],
    ['too_many_redirects', 502, 'TOO_MANY_REDIRECTS'],
    ['timeout', 504, 'TIMEOUT'],
    ['other', 502, 'REQUEST_FAILED'],
  ] as const)('maps the failure %s to %i %s, redacting its message', (kind, status, code) => {
    expect(interpretPing(REST, aFailure(kind, 'failed near tok-secret'), redact)).toEqual({
      ok: false,
      status,
      code,
      message: 'failed near ******',
    });
  });

  it.each([
    [401, "check the connection's credentials"],
    [403, "the credentials are valid but lack permission, or the token's scopes are too narrow"],
    [404, 'check baseURI and the ping relative URI'],
    [405, 'check the ping method'],
    [429, 'the remote is rate limiting; ping again later'],
    [500, 'the remote failed; try again later'],
    [503, 'the remote failed; try again later'],
    [400, 'check the request settings'],
    [302, 'check the request settings'],
  ])('answers a remote %i as 502 with the status as code and the hint "%s"', (status, hint) => {
    expect(interpretPing(REST, aResponse(status), redact)).toEqual({
      ok: false,
      status: 502,
      code: String(status),
      message: `The remote answered ${status}: ${hint}.`,
    });
  });

  it('quotes the response body with secrets redacted and whitespace collapsed', () => {
    const body = '  {"error": "bad token tok-secret",\n\n  "hint":\t"renew"}  ';
    expect(interpretPing(REST, aResponse(401, body), redact)).toEqual({
      ok: false,
      status: 502,
      code: '401',
      message: `The remote answered 401: check the connection's credentials. Response: {"error": "bad token ******", "hint": "renew"}`,
    });
  });

  it('cuts the quoted body to 300 characters', () => {
    const outcome = interpretPing(REST, aResponse(500, 'y'.repeat(1000)), redact);
    expect(outcome).toEqual({
      ok: false,
      status: 502,
      code: '500',
      message: `The remote answered 500: the remote failed; try again later. Response: ${'y'.repeat(300)}`,
    });
  });

  it('redacts a secret that straddles the cut', () => {
    const outcome = interpretPing(REST, aResponse(401, 'x'.repeat(295) + 'tok-secret and more'), redact);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.message).not.toContain('tok-');
    expect(outcome.message).toBe(`The remote answered 401: check the connection's credentials. Response: ${'x'.repeat(295)}*****`);
  });

  describe('successPath', () => {
    it('passes when the path holds one of successValues (compared as strings)', () => {
      const doc = anHttpConnection({ successPath: 'data.ok', successValues: ['true', 'yes'] });
      expect(interpretPing(doc, aResponse(200, '{"data":{"ok":true}}'), redact)).toEqual({ ok: true });
      expect(interpretPing(doc, aResponse(200, '{"data":{"ok":"yes"}}'), redact)).toEqual({ ok: true });
    });

    it('fails when the path holds another value', () => {
      const doc = anHttpConnection({ successPath: 'data.ok', successValues: ['true'] });
      expect(interpretPing(doc, aResponse(200, '{"data":{"ok":false}}'), redact)).toEqual({
        ok: false,
        status: 502,
        code: 'PING_UNEXPECTED_RESPONSE',
        message: 'The remote answered 200 but data.ok is false, expected one of "true".',
      });
    });

    it('redacts the value it quotes and says when the path is missing', () => {
      const doc = anHttpConnection({ successPath: 'status', successValues: ['ok', 'fine'] });
      expect(interpretPing(doc, aResponse(200, '{"status":"tok-secret"}'), redact)).toMatchObject({
        message: 'The remote answered 200 but status is "******", expected one of "ok", "fine".',
      });
      expect(interpretPing(doc, aResponse(200, '{}'), redact)).toMatchObject({
        message: 'The remote answered 200 but status is missing, expected one of "ok", "fine".',
      });
    });

    it('without successValues, passes on a truthy value', () => {
      const doc = anHttpConnection({ successPath: 'items.0.id' });
      expect(interpretPing(doc, aResponse(200, '{"items":[{"id":7}]}'), redact)).toEqual({ ok: true });
      expect(interpretPing(doc, aResponse(200, '{"items":[{"id":0}]}'), redact)).toEqual({ ok: true });
      for (const body of ['{"items":[{"id":null}]}', '{"items":[{"id":false}]}', '{"items":[]}']) {
        expect(interpretPing(doc, aResponse(200, body), redact)).toMatchObject({ ok: false, code: 'PING_UNEXPECTED_RESPONSE' });
      }
      expect(interpretPing(doc, aResponse(200, '{"items":[]}'), redact)).toMatchObject({
        message: 'The remote answered 200 but items.0.id is missing, expected a truthy value.',
      });
    });

    it('fails on a response that is not JSON', () => {
      const doc = anHttpConnection({ successPath: 'ok' });
      expect(interpretPing(doc, aResponse(200, '<html>ok</html>'), redact)).toEqual({
        ok: false,
        status: 502,
        code: 'PING_UNEXPECTED_RESPONSE',
        message: 'The remote answered 200 but not with JSON, so ping.successPath "ok" cannot be read.',
      });
    });

    it('is not read for a non-2xx answer', () => {
      const doc = anHttpConnection({ successPath: 'ok' });
      expect(interpretPing(doc, aResponse(404, '{"ok":true}'), redact)).toMatchObject({ ok: false, code: '404' });
    });
  });
});

describe('readPath', () => {
  const value = { data: { ok: true, items: [{ id: 'a' }, { id: 'b' }] }, zero: 0 };

  it.each([
    ['data.ok', true],
    ['data.items.1.id', 'b'],
    ['zero', 0],
    ['', value],
    ['.data..ok.', true],
  ])('%j → %j', (path, expected) => {
    expect(readPath(value, path)).toEqual(expected);
  });

  it.each(['data.missing', 'data.items.2.id', 'zero.x', 'data.items.length.x', 'constructor', '__proto__', 'data.toString'])(
    '%j → undefined',
    (path) => {
      expect(readPath(value, path)).toBeUndefined();
    },
  );
});

describe('rate-limit signals of http connections', () => {
  const ok = (status: number, body: unknown, headers: Record<string, string> = {}): OutboundResult => ({
    ok: true,
    response: { status, headers, body: Buffer.from(JSON.stringify(body)), truncated: false, url: 'https://api.example.com/me', durationMs: 3 },
  });
  const doc = (rateLimit: Record<string, unknown>): ConnectionDoc =>
    ({ type: 'http', name: 'x', http: { baseURI: 'https://api.example.com', rateLimit } }) as ConnectionDoc;

  it('reports a custom failStatusCode as RATE_LIMITED with Retry-After', () => {
    const outcome = interpretPing(doc({ failStatusCode: 503 }), ok(503, {}, { 'retry-after': '30' }), (t) => t);
    expect(outcome).toEqual({ ok: false, status: 502, code: 'RATE_LIMITED', message: 'The remote is rate limiting requests (status 503); it asks to retry after 30. Ping again later.' });
  });

  it('reports a failPath/failValues match even on a 200', () => {
    const outcome = interpretPing(doc({ failPath: 'error.type', failValues: ['throttled'] }), ok(200, { error: { type: 'throttled' } }), (t) => t);
    expect(outcome).toMatchObject({ ok: false, code: 'RATE_LIMITED', message: expect.stringContaining('error.type is "throttled"') });
  });

  it('ignores a failPath whose value is not listed', () => {
    expect(interpretPing(doc({ failPath: 'error.type', failValues: ['throttled'] }), ok(200, { error: { type: 'other' } }), (t) => t)).toEqual({ ok: true });
  });
});
