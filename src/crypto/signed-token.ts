import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/** Why a token was refused; each reason is a different user mistake. */
export type TokenRefusal = 'malformed' | 'tampered' | 'expired' | 'wrong_purpose';

export type VerifyResult<T> = { ok: true; payload: T; expiresAt: number } | { ok: false; reason: TokenRefusal };

interface Envelope<T> {
  /** What the token is for ("proxy-cursor", "upload", ...): a token made for one use fails the others. */
  p: string;
  /** Expiry, epoch seconds. */
  e: number;
  d: T;
}

/**
 * Signed, expiring, purpose-bound tokens (list cursors, paging state, upload URLs, connect
 * links): `base64url(json).base64url(hmac-sha256)`. The HMAC key is derived from the master key
 * per purpose (HKDF), checked in constant time. Tokens are signed, not encrypted: put nothing
 * secret in them.
 *
 * @example
 * const signer = new TokenSigner(key);
 * const token = signer.sign('proxy-cursor', { page: 2 }, 3600);
 * signer.verify<{ page: number }>('proxy-cursor', token) // { ok: true, payload: { page: 2 }, expiresAt }
 */
export class TokenSigner {
  readonly #keys = new Map<string, Buffer>();

  constructor(
    private readonly masterKey: Buffer,
    private readonly now: () => number = Date.now,
  ) {}

  #key(purpose: string): Buffer {
    let key = this.#keys.get(purpose);
    if (!key) {
      key = Buffer.from(hkdfSync('sha256', this.masterKey, Buffer.alloc(0), `switchyard:${purpose}`, 32));
      this.#keys.set(purpose, key);
    }
    return key;
  }

  #mac(purpose: string, body: string): Buffer {
    return createHmac('sha256', this.#key(purpose)).update(body).digest();
  }

  sign<T>(purpose: string, payload: T, ttlSeconds: number): string {
    const envelope: Envelope<T> = { p: purpose, e: Math.floor(this.now() / 1000) + ttlSeconds, d: payload };
    const body = Buffer.from(JSON.stringify(envelope)).toString('base64url');
    return `${body}.${this.#mac(purpose, body).toString('base64url')}`;
  }

  verify<T>(purpose: string, token: unknown): VerifyResult<T> {
    if (typeof token !== 'string' || token.length > 65_536) return { ok: false, reason: 'malformed' };
    const dot = token.lastIndexOf('.');
    if (dot <= 0) return { ok: false, reason: 'malformed' };
    const body = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1), 'base64url');
    const expected = this.#mac(purpose, body);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      // Same signature under another purpose's key means "valid token, wrong use".
      const envelope = parse<T>(body);
      if (envelope && envelope.p !== purpose) {
        const other = this.#mac(envelope.p, body);
        if (given.length === other.length && timingSafeEqual(given, other)) return { ok: false, reason: 'wrong_purpose' };
      }
      return { ok: false, reason: 'tampered' };
    }
    const envelope = parse<T>(body);
    if (!envelope || envelope.p !== purpose) return { ok: false, reason: 'malformed' };
    if (envelope.e * 1000 <= this.now()) return { ok: false, reason: 'expired' };
    return { ok: true, payload: envelope.d, expiresAt: envelope.e };
  }
}

function parse<T>(body: string): Envelope<T> | undefined {
  try {
    const value = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Envelope<T>;
    return typeof value === 'object' && value !== null && typeof value.p === 'string' && typeof value.e === 'number' ? value : undefined;
  } catch {
    return undefined;
  }
}
