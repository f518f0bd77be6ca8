import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TokenSigner } from './signed-token.js';

describe('TokenSigner', () => {
  const key = randomBytes(32);

  it('round-trips a payload before expiry', () => {
    const signer = new TokenSigner(key, () => 1_000_000);
    const token = signer.sign('proxy-cursor', { page: 2, ids: ['a'] }, 60);
    expect(signer.verify('proxy-cursor', token)).toEqual({ ok: true, payload: { page: 2, ids: ['a'] }, expiresAt: 1060 });
  });

  it('refuses an expired token', () => {
    let now = 1_000_000;
    const signer = new TokenSigner(key, () => now);
    const token = signer.sign('upload', { path: 'x' }, 300);
    now += 300_000;
    expect(signer.verify('upload', token)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses a tampered payload or signature', () => {
    const signer = new TokenSigner(key);
    const token = signer.sign('proxy-cursor', { page: 2 }, 60);
    const [body, mac] = token.split('.') as [string, string];
    const forged = Buffer.from(Buffer.from(body, 'base64url').toString().replace('2', '3')).toString('base64url');
    expect(signer.verify('proxy-cursor', `${forged}.${mac}`)).toEqual({ ok: false, reason: 'tampered' });
    expect(signer.verify('proxy-cursor', `${body}.${mac.slice(0, -2)}AA`)).toEqual({ ok: false, reason: 'tampered' });
    expect(signer.verify('proxy-cursor', `${body}.`)).toEqual({ ok: false, reason: 'tampered' });
  });

  it('refuses a token made for another purpose, or by another key', () => {
    const signer = new TokenSigner(key);
    const upload = signer.sign('upload', { path: 'x' }, 60);
    expect(signer.verify('proxy-cursor', upload)).toEqual({ ok: false, reason: 'wrong_purpose' });
    expect(new TokenSigner(randomBytes(32)).verify('upload', upload)).toEqual({ ok: false, reason: 'tampered' });
  });

  it.each([undefined, 42, '', 'abc', '.abc', 'x'.repeat(70_000)])('refuses malformed input %#', (value) => {
    expect(new TokenSigner(key).verify('upload', value).ok).toBe(false);
  });
});
