import { describe, expect, it } from 'vitest';
import type { ExecuteResult } from '../engine/executor.js';
import { redactEchoedCredentials, sentCredentials } from './upstream.js';

function executed(body: Buffer | string, headers: Record<string, string> = {}): ExecuteResult {
  return {
    result: { ok: true, response: { status: 200, headers, body: Buffer.isBuffer(body) ? body : Buffer.from(body), truncated: false, url: 'https://api.test/x', durationMs: 1 } },
    view: { status: 200, headers, body: 'stale' } as unknown as ExecuteResult['view'],
    attempts: 1,
  };
}

describe('sentCredentials', () => {
  it('takes the stored secrets and the credential headers, with and without their scheme', () => {
    const values = sentCredentials({ '/rest/bearerToken': 'stored-secret' }, { method: 'GET', url: 'https://api.test', headers: { Authorization: 'Bearer oauth-token-1', 'x-api-key': 'key-123', accept: 'application/json' } });
    expect(values).toEqual(['stored-secret', 'Bearer oauth-token-1', 'oauth-token-1', 'key-123']);
  });
});

describe('redactEchoedCredentials', () => {
  it('masks an echoed credential in the body and the headers, and drops the stale parsed view', () => {
    const out = redactEchoedCredentials(executed('{"you_sent":"oauth-token-1","q":"oauth-token-1"}', { 'x-echo': 'Bearer oauth-token-1' }), ['oauth-token-1']);
    if (!out.result.ok) throw new Error('expected a response');
    expect(out.result.response.body.toString()).toBe('{"you_sent":"******","q":"******"}');
    expect(out.result.response.headers['x-echo']).toBe('Bearer ******');
    expect(out.view).toBeUndefined();
  });

  it('leaves a response without any credential untouched (binary bodies are not re-encoded)', () => {
    const binary = Buffer.from([0xff, 0xfe, 0x00, 0x80]);
    const input = executed(binary);
    expect(redactEchoedCredentials(input, ['oauth-token-1'])).toBe(input);
  });
});
