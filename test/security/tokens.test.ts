import { readFileSync } from 'node:fs';
import * as crypto from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TokenSigner } from '../../src/crypto/signed-token.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

// Count the constant-time comparisons the code makes, without changing what they answer.
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

/**
 * Signed tokens (upload URLs, proxy cursors, connect links) expire, serve one purpose, and their
 * signatures are compared in constant time (crypto.timingSafeEqual, checked by a spy and by
 * reading the sources); upload URLs are single-use. Over HTTP, a token made for one use fails
 * every other one.
 */

const KEY = Buffer.alloc(32, 7);
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

interface Envelope {
  p: string;
  e: number;
  d: unknown;
}

function envelopeOf(token: string): Envelope {
  return JSON.parse(Buffer.from(token.slice(0, token.lastIndexOf('.')), 'base64url').toString('utf8')) as Envelope;
}

describe('TokenSigner', () => {
  it('accepts a token until its expiry and refuses it from then on', () => {
    let now = 1_700_000_000_000;
    const signer = new TokenSigner(KEY, () => now);
    const token = signer.sign('upload', { id: 1 }, 300);
    expect(signer.verify('upload', token)).toMatchObject({ ok: true, payload: { id: 1 } });
    now += 299_000;
    expect(signer.verify('upload', token).ok).toBe(true);
    now += 1_000;
    expect(signer.verify('upload', token)).toEqual({ ok: false, reason: 'expired' });
  });

  it('binds a token to its purpose: valid for one use, refused for every other', () => {
    const signer = new TokenSigner(KEY);
    const token = signer.sign('upload', { id: 1 }, 300);
    for (const other of ['proxy-cursor', 'connect', 'paged-export', 'Upload']) expect(signer.verify(other, token)).toEqual({ ok: false, reason: 'wrong_purpose' });
    // Re-labelling the envelope's purpose does not help: the signature is under the upload key.
    const body = Buffer.from(JSON.stringify({ ...envelopeOf(token), p: 'connect' })).toString('base64url');
    expect(signer.verify('connect', `${body}.${token.split('.')[1]}`).ok).toBe(false);
  });

  it('refuses every single-character change of a token, and tokens of another key', () => {
    const signer = new TokenSigner(KEY);
    const token = signer.sign('proxy-cursor', { page: 2, c: 'abc' }, 300);
    fc.assert(
      fc.property(fc.nat({ max: token.length - 1 }), fc.constantFrom(...'ABCabc019-_.'), (index, char) => {
        fc.pre(token[index] !== char);
        const changed = token.slice(0, index) + char + token.slice(index + 1);
        // base64url has slack bits: a change that decodes to the same bytes is the same token.
        const sameBytes = changed.split('.').map((part) => Buffer.from(part, 'base64url').toString('hex')).join('.') === token.split('.').map((part) => Buffer.from(part, 'base64url').toString('hex')).join('.');
        expect(signer.verify('proxy-cursor', changed).ok).toBe(sameBytes);
      }),
    );
    expect(new TokenSigner(Buffer.alloc(32, 8)).verify('proxy-cursor', token)).toEqual({ ok: false, reason: 'tampered' });
  });

  it('compares signatures with crypto.timingSafeEqual, for valid and forged tokens alike', () => {
    const spy = vi.mocked(crypto.timingSafeEqual);
    const signer = new TokenSigner(KEY);
    const token = signer.sign('upload', { id: 1 }, 300);
    spy.mockClear();
    signer.verify('upload', token);
    expect(spy).toHaveBeenCalledTimes(1);
    spy.mockClear();
    const forged = `${token.slice(0, token.lastIndexOf('.'))}.${Buffer.alloc(32, 1).toString('base64url')}`;
    expect(signer.verify('upload', forged).ok).toBe(false);
    expect(spy).toHaveBeenCalled();
  });

  it('has no other comparison of a signature in the code that checks signatures (inspection)', () => {
    const files = ['src/crypto/signed-token.ts', 'src/exports/paged-export.ts', 'src/webhooks/verify.ts'];
    for (const file of files) {
      const source = readFileSync(file, 'utf8');
      expect(source, file).toContain('timingSafeEqual(');
      // A signature, MAC or digest compared with ===, !== or Buffer.equals would leak timing.
      const direct = source.split('\n').filter((line) => line.includes('.equals(') || comparesSecrets(line));
      expect(direct, file).toEqual([]);
    }
  });
});

const SECRET_NAMES = /^(sig|mac|signature|digest|given|want|hmac)/i;
const LITERALS = new Set(['undefined', 'null', 'true', 'false']);

/** True when a line compares two values with ===/!== and one of them is named like a signature. */
function comparesSecrets(line: string): boolean {
  for (const [, left = '', right = ''] of line.matchAll(/([A-Za-z_$][\w$.]*)\s*(?:===|!==)\s*([A-Za-z_$][\w$.]*)/g)) {
    const names = [left, right].map((side) => side.split('.').at(-1) ?? '');
    if (names.some((name) => LITERALS.has(name) || name === 'length')) continue;
    if (names.some((name) => SECRET_NAMES.test(name))) return true;
  }
  return false;
}

describe('tokens over HTTP', () => {
  async function uploadUrl(): Promise<{ url: string; token: string; filePath: string }> {
    const res = await server.request<{ uploadFileParameters: { url: string; filePath: string } }>('GET', '/v1.0/files/url?name=users.json&type=application/json');
    expect(res.status).toBe(200);
    const { url, filePath } = res.body.uploadFileParameters;
    return { url, token: url.slice(url.lastIndexOf('/') + 1), filePath };
  }
  const put = (token: string) => fetch(`${server.url}/uploads/${token}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"users":[]}' });

  it('refuses an expired upload URL', async () => {
    const { token } = await uploadUrl();
    const expired = server.context.signer.sign('upload', envelopeOf(token).d, -1);
    const res = await put(expired);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: 'UPLOAD_REFUSED', details: [{ message: 'expired' }] } });
  });

  it('uses an upload URL once', async () => {
    const { token } = await uploadUrl();
    expect((await put(token)).status).toBe(200);
    const again = await put(token);
    expect(again.status).toBe(403);
    expect(await again.json()).toMatchObject({ error: { code: 'UPLOAD_REFUSED', details: [{ message: 'already used' }] } });
  });

  it('refuses a token made for another purpose at every door that takes one', async () => {
    const { token } = await uploadUrl();
    const claims = envelopeOf(token).d;
    const asCursor = server.context.signer.sign('proxy-cursor', claims, 300);
    const asConnect = server.context.signer.sign('connect', claims, 300);
    const upload = await put(asCursor);
    expect(upload.status).toBe(403);
    expect(await upload.json()).toMatchObject({ error: { code: 'UPLOAD_REFUSED', details: [{ message: 'wrong_purpose' }] } });
    expect((await fetch(`${server.url}/connect/${token}`)).status).toBe(403);
    expect((await fetch(`${server.url}/connect/${asCursor}`)).status).toBe(403);
    const integration = await server.request<{ id: string }>('POST', '/integration', { name: 'cursor_probe', category: 'x', config: { base_url: 'https://api.example.com', resources: { items: { list: { method: 'get', path: '/items' } } } } });
    const connection = await server.request<{ _id: string }>('POST', '/v1/connections', { type: 'integration', name: 'probe', _integrationId: integration.body.id });
    for (const wrong of [token, asConnect]) {
      const res = await server.request<{ error: { code: string } }>('GET', `/proxy/items?integrated_account_id=${connection.body._id}&next_cursor=${wrong}`);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('INVALID_CURSOR');
    }
  });

  it('refuses an upload URL signed with another key', async () => {
    const { token } = await uploadUrl();
    const foreign = new TokenSigner(Buffer.alloc(32, 9)).sign('upload', envelopeOf(token).d, 300);
    const res = await put(foreign);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: 'UPLOAD_REFUSED', details: [{ message: 'tampered' }] } });
  });
});
