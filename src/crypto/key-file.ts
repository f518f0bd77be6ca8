import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseEncryptionKey } from '../config.js';

export const KEY_FILE_NAME = 'encryption.key';

export interface ResolvedKey {
  key: Buffer;
  /** 'env' = SWITCHYARD_ENCRYPTION_KEY; 'file' = an existing key file; 'generated' = written just now. */
  source: 'env' | 'file' | 'generated';
  file?: string;
}

/**
 * The master key: from the environment when given, else from `<dataDir>/encryption.key`,
 * generated on first use with 0600 permissions. Losing that file makes stored secrets unreadable,
 * which is why the caller warns when it is generated.
 */
export function resolveEncryptionKey(dataDir: string, fromEnv: Buffer | undefined): ResolvedKey {
  if (fromEnv) return { key: fromEnv, source: 'env' };
  const file = path.join(dataDir, KEY_FILE_NAME);
  if (existsSync(file)) {
    return { key: parseEncryptionKey(readFileSync(file, 'utf8').trim(), file), source: 'file', file };
  }
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  // 'wx' fails if another process created the file meanwhile; then we read theirs.
  try {
    writeFileSync(file, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return resolveEncryptionKey(dataDir, undefined);
    throw error;
  }
  chmodSync(file, 0o600);
  return { key, source: 'generated', file };
}
