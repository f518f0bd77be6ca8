import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import jsonata from 'jsonata';
import { describe, expect, it } from 'vitest';
import { type Authorization, type CredentialsFormat, IntegrationConfig, type ResourceMethod } from '../../src/integrations/definition.js';
import { compileChecker, createAjv } from '../../src/validation.js';
import { replays } from './replay/index.js';
import type { CatalogReplay } from './replay/types.js';

/**
 * The shipped catalogue: every `catalog/<name>.json` is a valid definition of a real API, and every
 * one has a replay fixture that agrees with it on paths, authentication and response envelopes.
 * Paging is the engine's to drive; here each fixture answers one request of each kind.
 */

const CATALOG_DIR = fileURLToPath(new URL('../../catalog/', import.meta.url));
const ALLOWED_ROOTS = new Set(['id', 'body', 'query', 'context', 'credentials', 'oauth', 'pagination', 'environment']);
const ENTRY_KEYS = ['name', 'category', 'description', 'docs_url', 'is_beta', 'config'];
const FAKE_BASE = 'http://127.0.0.1:9';

interface Entry {
  file: string;
  raw: Record<string, unknown>;
  config: IntegrationConfig;
}

const files = readdirSync(CATALOG_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();
const entries: Entry[] = files.map((file) => {
  const raw = JSON.parse(readFileSync(path.join(CATALOG_DIR, file), 'utf8')) as Record<string, unknown>;
  return { file, raw, config: raw.config as IntegrationConfig };
});
const check = compileChecker<IntegrationConfig>(createAjv('strict'), IntegrationConfig);

/** The credentials formats by key; a single unkeyed format has the key undefined. */
function formatsOf(config: IntegrationConfig): Map<string | undefined, CredentialsFormat> {
  const credentials = config.credentials;
  if (!credentials) return new Map();
  if ('format' in credentials && typeof credentials.format === 'string') return new Map([[undefined, credentials as CredentialsFormat]]);
  return new Map(Object.entries(credentials as Record<string, CredentialsFormat>));
}

// ---- placeholders ------------------------------------------------------------------------------

type Alternative = { literal: unknown } | { path: string };

/** `path:type | fallback | 'literal'` → its alternatives (the definitions never quote a `|`). */
function alternatives(source: string): Alternative[] {
  return source.split('|').map((part) => {
    const text = part.trim();
    if (/^'.*'$|^".*"$/.test(text)) return { literal: text.slice(1, -1) };
    if (/^-?\d+(\.\d+)?$/.test(text)) return { literal: Number(text) };
    if (text === 'true' || text === 'false' || text === 'null') return { literal: JSON.parse(text) as unknown };
    return { path: (text.split(':')[0] ?? '').trim() };
  });
}

function placeholdersIn(value: unknown, found: string[] = []): string[] {
  if (typeof value === 'string') for (const match of value.matchAll(/\{\{([^{}]*)\}\}/g)) found.push(match[1] ?? '');
  else if (Array.isArray(value)) for (const item of value) placeholdersIn(item, found);
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      placeholdersIn(key, found);
      placeholdersIn(item, found);
    }
  }
  return found;
}

type Scope = Record<string, unknown>;

function lookup(scope: Scope, dotted: string): unknown {
  let current: unknown = scope;
  for (const part of dotted.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

function evaluate(source: string, scope: Scope): unknown {
  for (const alt of alternatives(source)) {
    if ('literal' in alt) return alt.literal;
    const value = lookup(scope, alt.path);
    if (value !== undefined && value !== null && value !== '') return value;
  }
  return undefined;
}

/** Just enough rendering to send one request: a whole placeholder keeps its type. */
function render(value: unknown, scope: Scope): unknown {
  if (typeof value === 'string') {
    const whole = /^\{\{([^{}]*)\}\}$/.exec(value);
    if (whole) return evaluate(whole[1] ?? '', scope);
    return value.replace(/\{\{([^{}]*)\}\}/g, (_m, source: string) => String(evaluate(source, scope) ?? ''));
  }
  if (Array.isArray(value)) return value.map((item) => render(item, scope));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, render(v, scope)]));
  return value;
}

// ---- expressions -------------------------------------------------------------------------------

const isHeaderName = (source: string) => /^[A-Za-z0-9][A-Za-z0-9-]*$/.test(source);

/** Every JSONata expression of a definition, with where it is. */
function expressionsOf(config: IntegrationConfig): Array<[where: string, source: string]> {
  const out: Array<[string, string]> = [];
  const visit = (where: string, part: { error_expression?: string; rate_limit?: IntegrationConfig['rate_limit']; pagination?: ResourceMethod['pagination'] }) => {
    if (part.error_expression && !part.error_expression.includes('{{')) out.push([`${where}.error_expression`, part.error_expression]);
    if (part.pagination?.config?.expression) out.push([`${where}.pagination.config.expression`, part.pagination.config.expression]);
    const rate = part.rate_limit;
    if (typeof rate?.is_rate_limited === 'string') out.push([`${where}.rate_limit.is_rate_limited`, rate.is_rate_limited]);
    for (const key of ['retry_after_header_expression', 'rate_limit_header_expression', 'rate_limit_reset_header_expression'] as const) {
      const source = rate?.[key];
      if (source && !isHeaderName(source)) out.push([`${where}.rate_limit.${key}`, source]);
    }
  };
  visit('config', config);
  for (const [resource, methods] of Object.entries(config.resources ?? {})) {
    for (const [name, method] of Object.entries(methods)) visit(`resources.${resource}.${name}`, method);
  }
  return out;
}

// ---- one request to a replay -------------------------------------------------------------------

function scopeOf(replay: CatalogReplay, id?: string): Scope {
  return { context: replay.context, credentials: replay.credentials, oauth: replay.oauthToken ? { token: replay.oauthToken } : {}, id, pagination: { limit: 3 } };
}

function authParts(authorization: Authorization | undefined, scope: Scope): { headers: Record<string, string>; query: Record<string, string> } {
  if (!authorization) return { headers: {}, query: {} };
  const config = render(authorization.config, scope) as Record<string, unknown>;
  switch (authorization.format) {
    case 'bearer':
      return { headers: { authorization: `Bearer ${String(config.token)}` }, query: {} };
    case 'basic':
      return { headers: { authorization: `Basic ${Buffer.from(`${String(config.username)}:${String(config.password ?? '')}`).toString('base64')}` }, query: {} };
    case 'header':
      return { headers: lowerKeys(config.headers as Record<string, unknown>), query: {} };
    case 'query':
      return { headers: {}, query: Object.fromEntries(Object.entries(config.params as Record<string, unknown>).map(([k, v]) => [k, String(v)])) };
  }
}

function lowerKeys(map: Record<string, unknown> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(map ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]));
}

/** Sends `resources[resource][method]` (or a ping path) to the replay the way the definition says, with or without auth. */
function send(entry: Entry, replay: CatalogReplay, target: ResourceMethod | { method: 'get'; path: string }, options: { auth: boolean; id?: string }) {
  const scope = scopeOf(replay, options.id);
  const auth = options.auth ? authParts(('authorization' in target ? target.authorization : undefined) ?? entry.config.authorization, scope) : { headers: {}, query: {} };
  const query = new URLSearchParams();
  const params = { ...(render(entry.config.query ?? {}, scope) as object), ...(render(('query' in target ? target.query : undefined) ?? {}, scope) as object), ...auth.query };
  for (const [key, value] of Object.entries(params)) if (value !== undefined) query.set(key, String(value));
  const renderedPath = String(render(target.path, scope));
  const qs = query.toString();
  const url = qs ? `${renderedPath}${renderedPath.includes('?') ? '&' : '?'}${qs}` : renderedPath;
  const headers = { accept: 'application/json', ...lowerKeys(entry.config.headers), ...lowerKeys('headers' in target ? target.headers : undefined), ...auth.headers };
  const body = 'body' in target && target.body !== undefined ? JSON.stringify(render(target.body, scope)) : '';
  return replay.handle({ method: target.method.toUpperCase(), url, headers, body }, FAKE_BASE);
}

async function errorOf(entry: Entry, target: ResourceMethod | undefined, response: { status: number; headers?: Record<string, string>; body: unknown }): Promise<unknown> {
  const source = target?.error_expression ?? entry.config.error_expression;
  if (!source) return undefined;
  return jsonata(source).evaluate({ status: response.status, headers: response.headers ?? {}, body: response.body });
}

function at(body: unknown, dotted: string | undefined): unknown {
  return dotted ? lookup(body as Scope, dotted) : body;
}

// ---- the tests ---------------------------------------------------------------------------------

describe('catalogue', () => {
  it('ships at least 15 apps', () => {
    expect(files.length).toBeGreaterThanOrEqual(15);
  });

  describe.each(entries)('$file', ({ file, raw, config }) => {
    it('is a catalogue entry named after its file', () => {
      expect(Object.keys(raw).filter((key) => !ENTRY_KEYS.includes(key))).toEqual([]);
      expect(raw.name).toBe(file.replace(/\.json$/, ''));
      expect(raw.name).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(raw.category).toMatch(/^[a-z][a-z-]*$/);
      expect(typeof raw.description).toBe('string');
      expect(raw.docs_url).toMatch(/^https:\/\//);
      expect(typeof raw.is_beta).toBe('boolean');
    });

    it('validates against the IntegrationConfig schema', () => {
      const result = check(config);
      // The details name every offending field, so a failure says what to fix.
      const problems = result.ok ? [] : result.details.map((d) => `${d.field}: ${d.message}`);
      expect(problems, problems.join('\n')).toEqual([]);
    });

    it('has a users resource with list, and a ping', () => {
      expect(config.resources?.users?.list).toBeDefined();
      expect(config.ping).toBeDefined();
      for (const methods of Object.values(config.resources ?? {})) {
        for (const method of Object.values(methods)) expect(method.path).toMatch(/^\//);
      }
    });

    it('uses only the allowed placeholder roots', () => {
      const roots = placeholdersIn(config).flatMap((source) => alternatives(source).flatMap((alt) => ('path' in alt ? [alt.path.split('.')[0] ?? ''] : [])));
      expect(roots.filter((root) => !ALLOWED_ROOTS.has(root))).toEqual([]);
    });

    it('talks https only: base_url and OAuth hosts', () => {
      const replay = replays[raw.name as string];
      if (config.base_url.startsWith('{{')) {
        // An instance URL handed out by the vendor (Salesforce): what the replay holds for it is https.
        const rendered = String(render(config.base_url, replay ? scopeOf(replay) : {}));
        expect(rendered).toMatch(/^https:\/\//);
      } else {
        expect(config.base_url).toMatch(/^https:\/\/[^/]/);
      }
      for (const format of formatsOf(config).values()) {
        if (format.format === 'api_key') continue;
        expect(format.config.auth.tokenHost).toMatch(/^https:\/\//);
        if (format.config.auth.authorizeHost !== undefined) expect(format.config.auth.authorizeHost).toMatch(/^https:\/\//);
      }
    });

    it('has JSONata expressions that compile', () => {
      for (const [where, source] of expressionsOf(config)) {
        expect(() => jsonata(source), where).not.toThrow();
      }
    });
  });
});

describe('replay fixtures agree with their definitions', () => {
  it('covers every catalogue entry, and nothing else', () => {
    expect(Object.keys(replays).sort()).toEqual(entries.map((e) => e.raw.name as string).sort());
    for (const [name, replay] of Object.entries(replays)) expect(replay.name).toBe(name);
  });

  describe.each(entries)('$file', (entry) => {
    const name = entry.raw.name as string;
    const replay = replays[name] as CatalogReplay;
    const users = entry.config.resources?.users ?? {};
    const idOf = (record: unknown) => String((record as Record<string, unknown>)[replay.idField ?? 'id']);

    it('holds exactly the credential fields of its format', () => {
      // A connection's credentials are checked against its format's fields: none missing, none unknown.
      const format = formatsOf(entry.config).get(replay.credentialsFormat);
      expect(format, `credentialsFormat ${String(replay.credentialsFormat)} is a format of the definition`).toBeDefined();
      const fields = format?.config.fields ?? [];
      expect(Object.keys(replay.credentials).filter((key) => !fields.some((f) => f.name === key))).toEqual([]);
      expect(fields.filter((f) => f.required && !(f.name in replay.credentials)).map((f) => f.name)).toEqual([]);
      expect(Boolean(replay.oauthToken), 'an OAuth format comes with a token').toBe(format !== undefined && format.format !== 'api_key');
    });

    it('lists distinct expected ids, one per user', () => {
      expect(replay.expectedIds).toHaveLength(replay.totalUsers);
      expect(new Set(replay.expectedIds).size).toBe(replay.totalUsers);
    });

    it('refuses the users list without credentials', async () => {
      const response = send(entry, replay, users.list as ResourceMethod, { auth: false });
      // Slack answers 200 with ok:false; the definition's error_expression must catch it.
      const refused = response.status === 401 || Boolean(await errorOf(entry, users.list, response));
      expect(refused, JSON.stringify(response)).toBe(true);
    });

    it('serves the first page of users at the response_path', async () => {
      const response = send(entry, replay, users.list as ResourceMethod, { auth: true });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      expect(await errorOf(entry, users.list, response)).toBeUndefined();
      const records = at(response.body, users.list?.response_path);
      expect(Array.isArray(records), `records at ${users.list?.response_path ?? '(body)'}`).toBe(true);
      const list = records as unknown[];
      expect(list.length).toBeGreaterThan(0);
      expect(list.length).toBeLessThanOrEqual(replay.totalUsers);
      expect(list.map(idOf)).toEqual(replay.expectedIds.slice(0, list.length));
    });

    it.runIf(users.get !== undefined)('serves one user by id', async () => {
      const id = replay.expectedIds[1] as string;
      const response = send(entry, replay, users.get as ResourceMethod, { auth: true, id });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      expect(await errorOf(entry, users.get, response)).toBeUndefined();
      expect(idOf(at(response.body, users.get?.response_path))).toBe(id);
    });

    it('answers the ping', async () => {
      const ping = entry.config.ping ?? {};
      const target = ping.path ? { method: 'get' as const, path: ping.path } : (entry.config.resources?.[ping.resource ?? 'users']?.[ping.method ?? 'list'] as ResourceMethod);
      const response = send(entry, replay, target, { auth: true });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      expect(await errorOf(entry, undefined, response)).toBeUndefined();
    });
  });
});
