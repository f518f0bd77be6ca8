import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseEncryptionKey } from './config.js';

const CWD = path.resolve('/srv/switchyard');
const HEX_KEY = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';

/** Runs `loadConfig` and returns the ConfigError it throws; fails the test when it does not throw one. */
function configErrorFor(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env, CWD);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`);
}

describe('loadConfig defaults', () => {
  it('gives every setting its default when the environment is empty', () => {
    expect(loadConfig({}, CWD)).toEqual({
      port: 8080,
      host: '127.0.0.1',
      dataDir: path.join(CWD, 'data'),
      databaseUrl: undefined,
      databaseSchema: 'public',
      encryptionKey: undefined,
      publicUrl: 'http://127.0.0.1:8080',
      logLevel: 'info',
      bootstrapKey: undefined,
      outboundAllow: '',
      outboundTimeoutMs: 30_000,
      bodyLimit: 10 * 1024 * 1024,
      uploadLimit: 1024 * 1024 * 1024,
      s3: undefined,
      runJobs: true,
      jobLeaseMs: 20_000,
      authFailureLimit: 20,
      authFailureWindowSeconds: 60,
    });
  });

  it('bounds the failed-authentication limit and its window', () => {
    expect(loadConfig({ SWITCHYARD_AUTH_FAILURE_LIMIT: '0', SWITCHYARD_AUTH_FAILURE_WINDOW_SECONDS: '300' }, CWD)).toMatchObject({ authFailureLimit: 0, authFailureWindowSeconds: 300 });
    expect(() => loadConfig({ SWITCHYARD_AUTH_FAILURE_LIMIT: '-1' }, CWD)).toThrow(/SWITCHYARD_AUTH_FAILURE_LIMIT/);
    expect(() => loadConfig({ SWITCHYARD_AUTH_FAILURE_WINDOW_SECONDS: '0' }, CWD)).toThrow(/SWITCHYARD_AUTH_FAILURE_WINDOW_SECONDS/);
  });

  it('reads SWITCHYARD_RUN_JOBS as a boolean and bounds SWITCHYARD_JOB_LEASE_MS', () => {
    expect(loadConfig({ SWITCHYARD_RUN_JOBS: 'false' }, CWD).runJobs).toBe(false);
    expect(() => loadConfig({ SWITCHYARD_RUN_JOBS: 'maybe' }, CWD)).toThrow(/SWITCHYARD_RUN_JOBS/);
    expect(() => loadConfig({ SWITCHYARD_JOB_LEASE_MS: '500' }, CWD)).toThrow(/SWITCHYARD_JOB_LEASE_MS/);
  });

  it('treats blank values as unset', () => {
    const config = loadConfig({ PORT: '  ', HOST: '', LOG_LEVEL: ' ', SWITCHYARD_ENCRYPTION_KEY: '' }, CWD);
    expect(config.port).toBe(8080);
    expect(config.host).toBe('127.0.0.1');
    expect(config.logLevel).toBe('info');
    expect(config.encryptionKey).toBeUndefined();
  });

  it('reads given values, resolving the data dir against cwd', () => {
    const config = loadConfig(
      {
        PORT: '9000',
        HOST: 'example.internal',
        SWITCHYARD_DATA_DIR: 'var/db',
        LOG_LEVEL: 'debug',
        SWITCHYARD_OUTBOUND_ALLOW: '10.0.0.0/8',
        SWITCHYARD_OUTBOUND_TIMEOUT_MS: '5000',
        SWITCHYARD_BODY_LIMIT: '2048',
        SWITCHYARD_BOOTSTRAP_KEY: 'a'.repeat(24),
        SWITCHYARD_DATABASE_SCHEMA: 'tenant_1',
      },
      CWD,
    );
    expect(config).toMatchObject({
      port: 9000,
      host: 'example.internal',
      dataDir: path.join(CWD, 'var/db'),
      logLevel: 'debug',
      outboundAllow: '10.0.0.0/8',
      outboundTimeoutMs: 5000,
      bodyLimit: 2048,
      bootstrapKey: 'a'.repeat(24),
      databaseSchema: 'tenant_1',
      publicUrl: 'http://example.internal:9000',
    });
  });

  it('accepts a postgres DATABASE_URL together with an encryption key', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://u:p@db:5432/app', SWITCHYARD_ENCRYPTION_KEY: HEX_KEY }, CWD);
    expect(config.databaseUrl).toBe('postgres://u:p@db:5432/app');
    expect(config.encryptionKey?.toString('hex')).toBe(HEX_KEY);
  });
});

describe('loadConfig rejects bad values naming the variable', () => {
  it.each([
    [{ PORT: 'abc' }, 'PORT', 'PORT: expected a whole number, got "abc"'],
    [{ PORT: '-1' }, 'PORT', 'PORT: expected a whole number, got "-1"'],
    [{ PORT: '70000' }, 'PORT', 'PORT: must be between 0 and 65535, got 70000'],
    [{ SWITCHYARD_OUTBOUND_TIMEOUT_MS: '99' }, 'SWITCHYARD_OUTBOUND_TIMEOUT_MS', 'SWITCHYARD_OUTBOUND_TIMEOUT_MS: must be between 100 and 600000, got 99'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL', 'LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent, got "loud"'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL', 'DATABASE_URL: must use postgres: or postgresql:, got "mysql:"'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL', 'DATABASE_URL: "not a url" is not a valid URL'],
    [{ SWITCHYARD_PUBLIC_URL: 'ftp://files.test' }, 'SWITCHYARD_PUBLIC_URL', 'SWITCHYARD_PUBLIC_URL: must use http: or https:, got "ftp:"'],
    [{ SWITCHYARD_PUBLIC_URL: 'switchyard.test' }, 'SWITCHYARD_PUBLIC_URL', 'SWITCHYARD_PUBLIC_URL: "switchyard.test" is not a valid URL'],
  ])('%j → %s', (env, variable, message) => {
    const error = configErrorFor(env);
    expect(error.variable).toBe(variable);
    expect(error.message).toBe(message);
    expect(error.name).toBe('ConfigError');
  });

  it('requires SWITCHYARD_ENCRYPTION_KEY with DATABASE_URL', () => {
    const error = configErrorFor({ DATABASE_URL: 'postgresql://db/app' });
    expect(error.variable).toBe('SWITCHYARD_ENCRYPTION_KEY');
    expect(error.message).toMatch(/^SWITCHYARD_ENCRYPTION_KEY: is required with DATABASE_URL/);
  });

  it.each([
    ['too short', 'abcdef'],
    ['63 hex characters', HEX_KEY.slice(1)],
    ['65 hex characters', HEX_KEY + 'a'],
    ['non-hex 64 characters', 'g'.repeat(64)],
    ['base64 of 31 bytes', Buffer.alloc(31, 7).toString('base64')],
    ['base64 of 33 bytes', Buffer.alloc(33, 7).toString('base64')],
  ])('rejects an encryption key that is %s without echoing it', (_label, key) => {
    const error = configErrorFor({ SWITCHYARD_ENCRYPTION_KEY: key });
    expect(error.variable).toBe('SWITCHYARD_ENCRYPTION_KEY');
    expect(error.message).toMatch(/^SWITCHYARD_ENCRYPTION_KEY: must be 32 random bytes/);
    expect(error.message).not.toContain(key);
  });

  it.each([
    ['23 characters', 'a'.repeat(23)],
    ['201 characters', 'a'.repeat(201)],
    ['a character outside [A-Za-z0-9_-]', 'a'.repeat(23) + '!'],
  ])('rejects a SWITCHYARD_BOOTSTRAP_KEY of %s', (_label, key) => {
    const error = configErrorFor({ SWITCHYARD_BOOTSTRAP_KEY: key });
    expect(error.variable).toBe('SWITCHYARD_BOOTSTRAP_KEY');
    expect(error.message).toBe('SWITCHYARD_BOOTSTRAP_KEY: must be 24 to 200 characters of letters, digits, "_" or "-"');
  });

  it('accepts bootstrap keys of exactly 24 and 200 allowed characters', () => {
    expect(loadConfig({ SWITCHYARD_BOOTSTRAP_KEY: 'Ab0_-'.repeat(4) + 'xxxx' }, CWD).bootstrapKey).toBe('Ab0_-Ab0_-Ab0_-Ab0_-xxxx');
    expect(loadConfig({ SWITCHYARD_BOOTSTRAP_KEY: 'z'.repeat(200) }, CWD).bootstrapKey).toBe('z'.repeat(200));
  });

  it.each(['Public', '1schema', 'my-schema', 'a'.repeat(64), 'sch ema'])('rejects SWITCHYARD_DATABASE_SCHEMA=%j', (schema) => {
    const error = configErrorFor({ SWITCHYARD_DATABASE_SCHEMA: schema });
    expect(error.variable).toBe('SWITCHYARD_DATABASE_SCHEMA');
    expect(error.message).toBe('SWITCHYARD_DATABASE_SCHEMA: must be a lower-case SQL identifier (letters, digits, _)');
  });

  it('accepts a 63-character schema name starting with "_"', () => {
    const schema = '_' + 'a'.repeat(62);
    expect(loadConfig({ SWITCHYARD_DATABASE_SCHEMA: schema }, CWD).databaseSchema).toBe(schema);
  });
});

describe('encryption keys', () => {
  const bytes = Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 37 + 251) % 256));

  it('reads 64 hex characters in either case', () => {
    expect(loadConfig({ SWITCHYARD_ENCRYPTION_KEY: HEX_KEY.toUpperCase() }, CWD).encryptionKey).toEqual(Buffer.from(HEX_KEY, 'hex'));
  });

  it('reads padded base64', () => {
    const encoded = bytes.toString('base64');
    expect(encoded).toHaveLength(44);
    expect(loadConfig({ SWITCHYARD_ENCRYPTION_KEY: encoded }, CWD).encryptionKey).toEqual(bytes);
  });

  it('reads unpadded base64url', () => {
    const encoded = bytes.toString('base64url');
    expect(encoded).toHaveLength(43);
    expect(encoded).toMatch(/[-_]/);
    expect(parseEncryptionKey(encoded)).toEqual(bytes);
  });

  it('names the given variable (a key file path) in its error', () => {
    expect(() => parseEncryptionKey('nope', '/data/encryption.key')).toThrow(/^\/data\/encryption\.key: must be 32 random bytes/);
  });
});

describe('publicUrl', () => {
  it.each([
    [{}, 'http://127.0.0.1:8080'],
    [{ HOST: '0.0.0.0', PORT: '3000' }, 'http://127.0.0.1:3000'],
    [{ HOST: '::' }, 'http://127.0.0.1:8080'],
    [{ HOST: '::1', PORT: '81' }, 'http://[::1]:81'],
    [{ HOST: 'fe80::1' }, 'http://[fe80::1]:8080'],
    [{ HOST: 'localhost', PORT: '80' }, 'http://localhost'],
  ])('defaults from HOST and PORT: %j → %s', (env, expected) => {
    expect(loadConfig(env, CWD).publicUrl).toBe(expected);
  });

  it.each([
    ['https://switchyard.example.com/', 'https://switchyard.example.com'],
    ['https://example.com/switchyard/', 'https://example.com/switchyard'],
    ['https://example.com/switchyard', 'https://example.com/switchyard'],
    ['HTTPS://Example.COM:443/', 'https://example.com'],
  ])('takes SWITCHYARD_PUBLIC_URL=%s without its trailing slash', (raw, expected) => {
    expect(loadConfig({ SWITCHYARD_PUBLIC_URL: raw }, CWD).publicUrl).toBe(expected);
  });
});
