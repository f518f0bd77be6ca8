import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aRestConnection } from '../helpers/builders.js';
import { call, killAll, runCli, runCliJson, type ServerProcess, startServerProcess } from '../helpers/process.js';
import { createTestStoreEnv, type TestStoreEnv } from '../helpers/store.js';
import { json, startUpstream, type Upstream, type UpstreamHandler } from '../helpers/upstream.js';

/**
 * The CLI's contracts, run as `npx switchyard` would be, against the same store a spawned
 * `switchyard start` is serving: what one writes, the other sees.
 */

interface TeamJson {
  id: string;
  name: string;
}
interface CreatedKeyJson {
  id: string;
  key: string;
  team: string;
  scope: string;
}
interface ListedKeyJson {
  id: string;
  name: string;
  team: string;
  scope: string;
  prefix: string;
  createdAt: string;
  revokedAt: string | null;
}
interface ConnectionJson {
  _id: string;
  name: string;
  type: string;
  offline: boolean;
  rest: Record<string, unknown>;
}

const UPSTREAM_TOKEN = 'tok-cli-upstream-5e6f7a8b';
const ID = /^[0-9a-f]{24}$/;
const KEY = /^sy_[A-Za-z0-9_-]{43}$/;

/** The upstream accepts exactly one bearer token, as a real API would. */
function acceptOnly(token: string): UpstreamHandler {
  return (request, res) =>
    request.headers.authorization === `Bearer ${token}` ? json(res, 200, { ok: true }) : json(res, 401, { error: 'invalid_token' });
}

let storeEnv: TestStoreEnv;
/** What every CLI call and the server get: the private store, and outbound calls allowed to the local upstream. */
let env: Record<string, string>;
let server: ServerProcess;
let upstream: Upstream;

beforeAll(async () => {
  storeEnv = createTestStoreEnv();
  env = { ...storeEnv.env, SWITCHYARD_OUTBOUND_ALLOW: '127.0.0.0/8' };
  upstream = await startUpstream(acceptOnly(UPSTREAM_TOKEN));
  server = await startServerProcess(env);
});

afterAll(async () => {
  await killAll();
  await upstream?.close();
  await storeEnv?.destroy();
});

const createTeam = (name: string) => runCliJson<TeamJson>(['teams', 'create', name, '--json'], env);
const createKey = (team: string, name: string, scope?: string) =>
  runCliJson<CreatedKeyJson>(['keys', 'create', '--team', team, '--name', name, ...(scope ? ['--scope', scope] : []), '--json'], env);

describe('switchyard teams create', () => {
  it('prints exactly {"id","name"} with --json', async () => {
    const result = await runCli(['teams', 'create', 'acme', '--json'], env);
    expect(result.code).toBe(0);
    const team = JSON.parse(result.stdout) as TeamJson;
    expect(Object.keys(team).sort()).toEqual(['id', 'name']);
    expect(team.id).toMatch(ID);
    expect(team.name).toBe('acme');
  });

  it('refuses a duplicate name with exit 1 and says which name', async () => {
    await createTeam('twice');
    const result = await runCli(['teams', 'create', 'twice', '--json'], env);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Error (TEAM_EXISTS): A team named "twice" already exists.');
  });
});

describe('switchyard keys create', () => {
  let team: TeamJson;
  beforeAll(async () => {
    team = await createTeam('key-makers');
  });

  it('creates an admin key by team name, printing exactly {"id","key","team","scope"}', async () => {
    const created = await createKey('key-makers', 'ci');
    expect(Object.keys(created).sort()).toEqual(['id', 'key', 'scope', 'team']);
    expect(created).toEqual({ id: expect.stringMatching(ID), key: expect.stringMatching(KEY), team: team.id, scope: 'admin' });
  });

  it('creates a read key by team id', async () => {
    const created = await createKey(team.id, 'dashboard', 'read');
    expect(created).toEqual({ id: expect.stringMatching(ID), key: expect.stringMatching(KEY), team: team.id, scope: 'read' });
  });

  it('exits 1 naming an unknown team', async () => {
    const result = await runCli(['keys', 'create', '--team', 'no-such-team', '--name', 'x', '--json'], env);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Error (TEAM_NOT_FOUND): No team with name or id "no-such-team".');
  });

  it('rejects a scope other than admin or read before touching the store', async () => {
    const result = await runCli(['keys', 'create', '--team', 'key-makers', '--name', 'x', '--scope', 'owner', '--json'], env);
    expect(result.code).not.toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain("option '--scope <scope>' argument 'owner' is invalid. Allowed choices are admin, read.");
  });
});

describe('switchyard keys list', () => {
  it('shows each key by prefix, never the key itself', async () => {
    const team = await createTeam('listed');
    const made = await Promise.all([createKey('listed', 'one'), createKey('listed', 'two', 'read')]);

    const result = await runCli(['keys', 'list', '--json'], env);
    expect(result.code).toBe(0);
    for (const { key } of made) expect(result.stdout).not.toContain(key);

    const listed = (JSON.parse(result.stdout) as ListedKeyJson[]).filter((k) => k.team === team.id);
    expect(listed).toHaveLength(2);
    for (const entry of listed) {
      expect(Object.keys(entry).sort()).toEqual(['createdAt', 'id', 'name', 'prefix', 'revokedAt', 'scope', 'team']);
      const original = made.find((m) => m.id === entry.id);
      expect(original).toBeDefined();
      expect(original!.key.startsWith(entry.prefix)).toBe(true);
      expect(entry.prefix.length).toBeLessThan(original!.key.length / 2);
      expect(entry.revokedAt).toBeNull();
    }
  });
});

describe('switchyard keys revoke', () => {
  it('makes the running server answer 401 for that key while another key still gets 200', async () => {
    await createTeam('revokers');
    const [doomed, kept] = await Promise.all([createKey('revokers', 'doomed'), createKey('revokers', 'kept')]);
    // The server sees keys the CLI created in the store it is serving.
    expect((await call(`${server.url}/v1/connections`, 'GET', { key: doomed.key })).status).toBe(200);
    expect((await call(`${server.url}/v1/connections`, 'GET', { key: kept.key })).status).toBe(200);

    const revoked = await runCliJson<{ id: string; revokedAt: string }>(['keys', 'revoke', doomed.id, '--json'], env);
    expect(revoked).toEqual({ id: doomed.id, revokedAt: expect.any(String) });

    const refused = await call<{ error: { code: string } }>(`${server.url}/v1/connections`, 'GET', { key: doomed.key });
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('API_KEY_INVALID');
    expect((await call(`${server.url}/v1/connections`, 'GET', { key: kept.key })).status).toBe(200);

    const listed = await runCliJson<ListedKeyJson[]>(['keys', 'list', '--team', 'revokers', '--json'], env);
    expect(listed.find((k) => k.id === doomed.id)?.revokedAt).toBe(revoked.revokedAt);
    expect(listed.find((k) => k.id === kept.id)?.revokedAt).toBeNull();
  });
});

describe('switchyard connections', () => {
  let connection: ConnectionJson;
  let adminKey: string;

  beforeAll(async () => {
    await createTeam('connectors');
    adminKey = (await createKey('connectors', 'api')).key;
    const body = aRestConnection({ name: 'Local upstream', baseURI: upstream.url, token: UPSTREAM_TOKEN, pingRelativeURI: '/ping' });
    const created = await call<ConnectionJson>(`${server.url}/v1/connections`, 'POST', { key: adminKey, body });
    expect(created.status).toBe(201);
    connection = created.body;
  });

  it('list shows the connection created through the running server', async () => {
    const list = await runCliJson<ConnectionJson[]>(['connections', 'list', '--team', 'connectors', '--json'], env);
    expect(list.map((c) => [c._id, c.name, c.type])).toEqual([[connection._id, 'Local upstream', 'rest']]);
  });

  it('get shows the connection with its secret masked', async () => {
    const result = await runCli(['connections', 'get', connection._id, '--team', 'connectors', '--json'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain(UPSTREAM_TOKEN);
    const wire = JSON.parse(result.stdout) as ConnectionJson;
    expect(wire).toMatchObject({ _id: connection._id, name: 'Local upstream', rest: { baseURI: upstream.url, bearerToken: '******' } });
    // The CLI and the API show the same document.
    expect((await call(`${server.url}/v1/connections/${connection._id}`, 'GET', { key: adminKey })).body).toEqual(wire);
  });

  it('get exits 1 for a connection of another team', async () => {
    const result = await runCli(['connections', 'get', connection._id, '--team', 'default', '--json'], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('CONNECTION_NOT_FOUND');
  });

  it('ping exits 0 with {"code":200}, sending the decrypted token upstream', async () => {
    const before = upstream.requests.length;
    const result = await runCli(['connections', 'ping', connection._id, '--team', 'connectors', '--json'], env);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ code: 200 });
    expect(upstream.requests.slice(before)).toEqual([
      expect.objectContaining({ method: 'GET', url: '/ping', headers: expect.objectContaining({ authorization: `Bearer ${UPSTREAM_TOKEN}` }) }),
    ]);
  });

  it('ping exits 1 with {"errors":[...]} when the upstream answers 401, and the server sees the connection offline', async () => {
    upstream.handle((_request, res) => json(res, 401, { error: 'token_revoked' }));
    try {
      const result = await runCli(['connections', 'ping', connection._id, '--team', 'connectors', '--json'], env);
      expect(result.code).toBe(1);
      const body = JSON.parse(result.stdout) as { errors: { code: string; message: string }[] };
      expect(body).toEqual({ errors: [{ code: '401', message: expect.stringContaining('The remote answered 401') }] });
      expect(result.stdout).not.toContain(UPSTREAM_TOKEN);

      const seen = await call<ConnectionJson>(`${server.url}/v1/connections/${connection._id}`, 'GET', { key: adminKey });
      expect(seen.body.offline).toBe(true);
    } finally {
      upstream.handle(acceptOnly(UPSTREAM_TOKEN));
    }
  });
});

describe('configuration errors', () => {
  it('`switchyard start` with PORT=abc exits 2 naming PORT', async () => {
    const result = await runCli(['start'], { ...env, PORT: 'abc' });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('Configuration error: PORT: expected a whole number, got "abc"\n');
  });

  it('every other command reads the same configuration: a bad LOG_LEVEL exits 2 naming LOG_LEVEL', async () => {
    const result = await runCli(['teams', 'list', '--json'], { ...env, LOG_LEVEL: 'loud' });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Configuration error: LOG_LEVEL: must be one of');
  });
});

describe('switchyard catalog', () => {
  it('lists the catalogue and installs an entry for a team; the server then serves it', async () => {
    const list = await runCliJson<Array<{ name: string }>>(['catalog', 'list', '--json'], env);
    expect(list.map((e) => e.name)).toContain('github');
    const team = await createTeam('cataloguers');
    const installed = await runCliJson<{ id: string; name: string; from_catalog: string }>(['catalog', 'install', 'github', '--team', 'cataloguers', '--as', 'github-acme', '--json'], env);
    expect(installed).toMatchObject({ name: 'github-acme', from_catalog: 'github' });
    const { key } = await createKey(team.id, 'catalogue reader');
    const res = await call(`${server.url}/integration/${installed.id}`, 'GET', { key });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'github-acme', from_catalog: 'github' });
    const unknown = await runCli(['catalog', 'install', 'no-such-app', '--team', 'cataloguers'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('CATALOG_ENTRY_NOT_FOUND');
  });
});
