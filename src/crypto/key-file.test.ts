import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../config.js';
import { KEY_FILE_NAME, resolveEncryptionKey } from './key-file.js';

const dirs: string[] = [];

function aTempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'switchyard-key-'));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('resolveEncryptionKey', () => {
  it('generates a 32-byte key into a 0600 file, creating the data dir', () => {
    const dataDir = path.join(aTempDir(), 'nested', 'data');
    const resolved = resolveEncryptionKey(dataDir, undefined);
    const file = path.join(dataDir, KEY_FILE_NAME);

    expect(resolved.source).toBe('generated');
    expect(resolved.file).toBe(file);
    expect(resolved.key).toHaveLength(32);
    expect(readFileSync(file, 'utf8')).toBe(resolved.key.toString('hex') + '\n');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('reads the same key from the file next time', () => {
    const dataDir = aTempDir();
    const first = resolveEncryptionKey(dataDir, undefined);
    const second = resolveEncryptionKey(dataDir, undefined);

    expect(second).toEqual({ key: first.key, source: 'file', file: path.join(dataDir, KEY_FILE_NAME) });
  });

  it('reads a key file written by hand (base64, surrounding whitespace)', () => {
    const dataDir = aTempDir();
    const key = Buffer.alloc(32, 0xab);
    writeFileSync(path.join(dataDir, KEY_FILE_NAME), `  ${key.toString('base64')}\n\n`);

    expect(resolveEncryptionKey(dataDir, undefined)).toEqual({ key, source: 'file', file: path.join(dataDir, KEY_FILE_NAME) });
  });

  it('names the file when its content is not a key', () => {
    const dataDir = aTempDir();
    const file = path.join(dataDir, KEY_FILE_NAME);
    writeFileSync(file, 'not a key\n');

    expect(() => resolveEncryptionKey(dataDir, undefined)).toThrow(ConfigError);
    expect(() => resolveEncryptionKey(dataDir, undefined)).toThrow(`${file}: must be 32 random bytes`);
  });

  it('uses the key from the environment over the file, and writes nothing', () => {
    const dataDir = aTempDir();
    const stored = resolveEncryptionKey(dataDir, undefined);
    const fromEnv = Buffer.alloc(32, 7);

    expect(resolveEncryptionKey(dataDir, fromEnv)).toEqual({ key: fromEnv, source: 'env' });
    expect(readFileSync(path.join(dataDir, KEY_FILE_NAME), 'utf8')).toBe(stored.key.toString('hex') + '\n');
  });

  it('creates no file when the key comes from the environment', () => {
    const dataDir = path.join(aTempDir(), 'absent');
    resolveEncryptionKey(dataDir, Buffer.alloc(32, 7));
    expect(() => statSync(dataDir)).toThrow(/ENOENT/);
  });
});
