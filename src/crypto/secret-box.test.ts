import { describe, expect, it } from 'vitest';
import { SecretBox } from './secret-box.js';

const KEY = Buffer.alloc(32, 1);
const OTHER_KEY = Buffer.alloc(32, 2);

/** Rebuilds a sealed value with one of its four parts changed. */
function withPart(sealed: string, index: 0 | 1 | 2 | 3, change: (part: string) => string): string {
  const parts = sealed.split('.');
  parts[index] = change(parts[index] ?? '');
  return parts.join('.');
}

/** Flips the lowest bit of the first byte of a base64url part. */
function flipFirstByte(part: string): string {
  const bytes = Buffer.from(part, 'base64url');
  bytes[0] = (bytes[0] ?? 0) ^ 1;
  return bytes.toString('base64url');
}

describe('SecretBox', () => {
  it('decrypts what it encrypted', () => {
    const box = new SecretBox(KEY);
    for (const plaintext of ['', 's3cr3t', 'ünïcødé ✓', 'x'.repeat(10_000)]) {
      expect(box.decrypt(box.encrypt(plaintext, 'conn-1'), 'conn-1')).toBe(plaintext);
    }
  });

  it('round-trips JSON', () => {
    const box = new SecretBox(KEY);
    const secrets = { '/rest/bearerToken': 'tok', '/rest/basicAuth/password': 'pw' };
    expect(box.decryptJson(box.encryptJson(secrets, 'id'), 'id')).toEqual(secrets);
  });

  it('writes v1.<iv>.<tag>.<ciphertext> in base64url with a 12-byte IV and a 16-byte tag', () => {
    const sealed = new SecretBox(KEY).encrypt('hello');
    const [version, iv, tag, ciphertext, ...rest] = sealed.split('.');
    expect(version).toBe('v1');
    expect(rest).toEqual([]);
    expect(Buffer.from(iv!, 'base64url')).toHaveLength(12);
    expect(Buffer.from(tag!, 'base64url')).toHaveLength(16);
    expect(Buffer.from(ciphertext!, 'base64url')).toHaveLength(5);
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('hello');
  });

  it('uses a fresh IV per call, so the same plaintext never encrypts the same way twice', () => {
    const box = new SecretBox(KEY);
    const first = box.encrypt('same', 'ad');
    const second = box.encrypt('same', 'ad');
    expect(first).not.toBe(second);
    expect(first.split('.')[1]).not.toBe(second.split('.')[1]);
  });

  it('refuses a tampered ciphertext', () => {
    const box = new SecretBox(KEY);
    const tampered = withPart(box.encrypt('hello', 'ad'), 3, flipFirstByte);
    expect(() => box.decrypt(tampered, 'ad')).toThrow('Unsupported state or unable to authenticate data');
  });

  it('refuses a tampered tag', () => {
    const box = new SecretBox(KEY);
    const tampered = withPart(box.encrypt('hello', 'ad'), 2, flipFirstByte);
    expect(() => box.decrypt(tampered, 'ad')).toThrow('Unsupported state or unable to authenticate data');
  });

  it('refuses a tampered IV', () => {
    const box = new SecretBox(KEY);
    const tampered = withPart(box.encrypt('hello', 'ad'), 1, flipFirstByte);
    expect(() => box.decrypt(tampered, 'ad')).toThrow('Unsupported state or unable to authenticate data');
  });

  it('refuses a tag cut short (GCM would otherwise accept 4 bytes)', () => {
    const box = new SecretBox(KEY);
    const sealed = box.encrypt('hello');
    for (const length of [4, 8, 12]) {
      const truncated = withPart(sealed, 2, (tag) => Buffer.from(tag, 'base64url').subarray(0, length).toString('base64url'));
      expect(() => box.decrypt(truncated)).toThrow(/Invalid authentication tag length/);
    }
  });

  it('refuses other associated data, so a value copied to another row does not decrypt', () => {
    const box = new SecretBox(KEY);
    const sealed = box.encrypt('hello', 'connection-a');
    expect(() => box.decrypt(sealed, 'connection-b')).toThrow('Unsupported state or unable to authenticate data');
    expect(() => box.decrypt(sealed)).toThrow('Unsupported state or unable to authenticate data');
  });

  it('refuses another key', () => {
    const sealed = new SecretBox(KEY).encrypt('hello', 'ad');
    expect(() => new SecretBox(OTHER_KEY).decrypt(sealed, 'ad')).toThrow('Unsupported state or unable to authenticate data');
  });

  it.each(['v2.a.b.c', 'v1.a.b', 'plaintext', ''])('refuses the unknown format %j', (sealed) => {
    expect(() => new SecretBox(KEY).decrypt(sealed)).toThrow('Unrecognised encrypted value format');
  });

  it('needs a 32-byte key', () => {
    expect(() => new SecretBox(Buffer.alloc(16))).toThrow('SecretBox needs a 32-byte key');
  });

  it('keeps its own copy of the key', () => {
    const key = Buffer.alloc(32, 9);
    const box = new SecretBox(key);
    const sealed = box.encrypt('hello');
    key.fill(0);
    expect(box.decrypt(sealed)).toBe('hello');
  });
});
