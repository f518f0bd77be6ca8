import net from 'node:net';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { createApiKey, type Scope } from '../../src/auth/api-keys.js';
import { createTeam, type Team } from '../../src/auth/teams.js';
import { type Config, loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { buildApp } from '../../src/server/app.js';
import { type AppContext, openContext } from '../../src/server/context.js';
import { createTestStoreEnv, type TestStoreEnv } from './store.js';

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface RequestOptions {
  key?: string | null;
  headers?: Record<string, string>;
  /** Sent as-is (a string is not JSON-encoded). */
  raw?: string | Uint8Array;
}

export interface TestServer {
  url: string;
  config: Config;
  context: AppContext;
  app: FastifyInstance;
  storeEnv: TestStoreEnv;
  team: Team;
  adminKey: string;
  /** Everything the server logged so far. */
  logs(): string;
  request<T = unknown>(method: string, path: string, body?: unknown, options?: RequestOptions): Promise<ApiResponse<T>>;
  /** A new team with an admin (or read) key. */
  newTeam(name: string, scope?: Scope): Promise<{ team: Team; key: string }>;
  close(): Promise<void>;
}

/**
 * A real server on 127.0.0.1 with a private store of the project's kind (SQLite or Postgres),
 * one team with an admin key, and every log line captured for secret scanning.
 */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });
}

export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const storeEnv = createTestStoreEnv();
  // A known port up front, so links the server hands out (upload URLs, cursors) point at it.
  const port = env.PORT ?? String(await freePort());
  const config = loadConfig({
    PORT: port,
    SWITCHYARD_PUBLIC_URL: `http://127.0.0.1:${port}`,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    SWITCHYARD_OUTBOUND_ALLOW: '127.0.0.0/8,::1/128',
    ...storeEnv.env,
    ...env,
  });
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString('utf8'));
      callback();
    },
  });
  const logger = createLogger(config.logLevel, sink);
  const { context } = await openContext(config, logger, { bootstrap: false });
  const team = await createTeam(context.store.db, 'test-team');
  const { key: adminKey } = await createApiKey(context.store.db, { teamId: team.id, name: 'test admin', scope: 'admin' });
  const app = await buildApp({ config, context, logger });
  await app.listen({ port: config.port, host: '127.0.0.1' });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  const request = async <T>(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<ApiResponse<T>> => {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    const key = options.key === undefined ? adminKey : options.key;
    if (key !== null) headers.authorization = `Bearer ${key}`;
    let payload: string | Uint8Array | undefined = options.raw;
    if (payload === undefined && body !== undefined) {
      payload = JSON.stringify(body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(url + path, { method, headers, ...(payload === undefined ? {} : { body: payload }) });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  };

  return {
    url,
    config,
    context,
    app,
    storeEnv,
    team,
    adminKey,
    logs: () => lines.join(''),
    request,
    newTeam: async (name, scope = 'admin') => {
      const other = await createTeam(context.store.db, name);
      const { key } = await createApiKey(context.store.db, { teamId: other.id, name: `${name} key`, scope });
      return { team: other, key };
    },
    close: async () => {
      await app.close();
      await context.close();
      await storeEnv.destroy();
    },
  };
}
