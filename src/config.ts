import path from 'node:path';

/**
 * Every environment variable Switchyard reads, parsed once, with its default and bounds.
 * The server and the CLI both call `loadConfig(process.env)`; a bad value stops the start
 * with a message naming the variable (see `ConfigError`).
 */
export interface Config {
  /** TCP port of the HTTP server. */
  port: number;
  /** Interface the server binds to. */
  host: string;
  /** Folder of the embedded store, the generated encryption key and local files. */
  dataDir: string;
  /** PostgreSQL connection string; unset = embedded SQLite store in `dataDir`. */
  databaseUrl: string | undefined;
  /** PostgreSQL schema for Switchyard's tables (lets several deployments or test runs share one database). */
  databaseSchema: string;
  /** 32-byte key for AES-256-GCM, given as 64 hex characters or base64; unset in embedded mode = generated into the data dir. */
  encryptionKey: Buffer | undefined;
  /** Base URL clients reach the server at, used in links the server hands out. */
  publicUrl: string;
  /** pino log level. */
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** When set, the first start uses this value as the first admin API key instead of generating one. */
  bootstrapKey: string | undefined;
  /** Comma-separated CIDRs and host names outbound calls may reach besides public addresses (`*` = all). */
  outboundAllow: string;
  /** Timeout of one outbound request (connect + headers + body), in ms. */
  outboundTimeoutMs: number;
  /** Largest JSON request body the API accepts, in bytes. */
  bodyLimit: number;
  /** Largest file upload (step 3 of the file sync), in bytes. */
  uploadLimit: number;
  /** S3-compatible file storage; unset = files in the data dir. */
  s3: { bucket: string; region: string; endpoint?: string; forcePathStyle: boolean } | undefined;
  /** Whether `start` also runs flows (jobs and schedules); false for API-only processes beside `switchyard worker`s. */
  runJobs: boolean;
  /** How long a worker holds a run between page commits; a dead worker's run is taken over after this. */
  jobLeaseMs: number;
  /** Failed API-key attempts per client address and window before its requests get 429 (0 = no limit). */
  authFailureLimit: number;
  /** The window of `authFailureLimit`, in seconds. */
  authFailureWindowSeconds: number;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable}: ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function readInt(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, `expected a whole number, got "${raw}"`);
  const value = Number(raw.trim());
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function readBoolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(name, `expected true or false, got "${env[name]}"`);
}

function readS3(env: Env): Config['s3'] {
  const bucket = readString(env, 'SWITCHYARD_S3_BUCKET');
  if (bucket === undefined) return undefined;
  const endpoint = readString(env, 'SWITCHYARD_S3_ENDPOINT');
  if (endpoint !== undefined) parseUrl('SWITCHYARD_S3_ENDPOINT', endpoint, ['http:', 'https:']);
  return {
    bucket,
    region: readString(env, 'SWITCHYARD_S3_REGION') ?? 'us-east-1',
    ...(endpoint === undefined ? {} : { endpoint }),
    forcePathStyle: readBoolean(env, 'SWITCHYARD_S3_FORCE_PATH_STYLE', endpoint !== undefined),
  };
}

function readString(env: Env, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined) return undefined;
  const trimmed = raw.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** Parses a 32-byte key written as 64 hex characters or as base64 (44 characters). */
export function parseEncryptionKey(raw: string, name = 'SWITCHYARD_ENCRYPTION_KEY'): Buffer {
  if (/^[0-9a-fA-F]{64}$/.test(raw)) return Buffer.from(raw, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(raw)) {
    const key = Buffer.from(raw.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (key.length === 32) return key;
  }
  throw new ConfigError(
    name,
    'must be 32 random bytes written as 64 hex characters or base64 (generate one with `openssl rand -hex 32`)',
  );
}

function parseUrl(name: string, raw: string, protocols: string[]): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, `"${raw}" is not a valid URL`);
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError(name, `must use ${protocols.join(' or ')}, got "${url.protocol}"`);
  }
  return url;
}

export function loadConfig(env: Env = process.env, cwd = process.cwd()): Config {
  const port = readInt(env, 'PORT', 8080, 0, 65535);
  const host = readString(env, 'HOST') ?? '127.0.0.1';
  const dataDir = path.resolve(cwd, readString(env, 'SWITCHYARD_DATA_DIR') ?? './data');

  const databaseUrl = readString(env, 'DATABASE_URL');
  if (databaseUrl !== undefined) parseUrl('DATABASE_URL', databaseUrl, ['postgres:', 'postgresql:']);
  const databaseSchema = readString(env, 'SWITCHYARD_DATABASE_SCHEMA') ?? 'public';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(databaseSchema)) {
    throw new ConfigError('SWITCHYARD_DATABASE_SCHEMA', 'must be a lower-case SQL identifier (letters, digits, _)');
  }

  const rawKey = readString(env, 'SWITCHYARD_ENCRYPTION_KEY');
  const encryptionKey = rawKey === undefined ? undefined : parseEncryptionKey(rawKey);
  if (databaseUrl !== undefined && encryptionKey === undefined) {
    throw new ConfigError(
      'SWITCHYARD_ENCRYPTION_KEY',
      'is required with DATABASE_URL (every server sharing the database needs the same key; generate one with `openssl rand -hex 32`)',
    );
  }

  const displayHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const rawPublicUrl = readString(env, 'SWITCHYARD_PUBLIC_URL') ?? `http://${displayHost}:${port}`;
  const publicUrl = parseUrl('SWITCHYARD_PUBLIC_URL', rawPublicUrl, ['http:', 'https:']).toString().replace(/\/$/, '');

  const rawLevel = readString(env, 'LOG_LEVEL') ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(rawLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got "${rawLevel}"`);
  }

  const bootstrapKey = readString(env, 'SWITCHYARD_BOOTSTRAP_KEY');
  if (bootstrapKey !== undefined && !/^[A-Za-z0-9_-]{24,200}$/.test(bootstrapKey)) {
    throw new ConfigError('SWITCHYARD_BOOTSTRAP_KEY', 'must be 24 to 200 characters of letters, digits, "_" or "-"');
  }

  return {
    port,
    host,
    dataDir,
    databaseUrl,
    databaseSchema,
    encryptionKey,
    publicUrl,
    logLevel: rawLevel as Config['logLevel'],
    bootstrapKey,
    outboundAllow: readString(env, 'SWITCHYARD_OUTBOUND_ALLOW') ?? '',
    outboundTimeoutMs: readInt(env, 'SWITCHYARD_OUTBOUND_TIMEOUT_MS', 30_000, 100, 600_000),
    bodyLimit: readInt(env, 'SWITCHYARD_BODY_LIMIT', 10 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    uploadLimit: readInt(env, 'SWITCHYARD_UPLOAD_LIMIT', 1024 * 1024 * 1024, 1024, 64 * 1024 * 1024 * 1024),
    s3: readS3(env),
    runJobs: readBoolean(env, 'SWITCHYARD_RUN_JOBS', true),
    jobLeaseMs: readInt(env, 'SWITCHYARD_JOB_LEASE_MS', 20_000, 2_000, 600_000),
    authFailureLimit: readInt(env, 'SWITCHYARD_AUTH_FAILURE_LIMIT', 20, 0, 1_000_000),
    authFailureWindowSeconds: readInt(env, 'SWITCHYARD_AUTH_FAILURE_WINDOW_SECONDS', 60, 1, 86_400),
  };
}
