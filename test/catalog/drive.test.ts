import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { replays } from './replay/index.js';

/**
 * Drives each catalogue definition's users list through the real server — integration from the
 * catalogue, a connection with the app's credentials, `/proxy/users` page by page — against a
 * local fake that speaks that API's documented auth, envelope and pagination.
 */
let server: TestServer;
let fake: http.Server;
let fakeUrl: string;
let current = replays.github;
let requests = 0;

beforeAll(async () => {
  server = await startTestServer();
  fake = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests++;
      const answer = (current ?? replays.github)?.handle({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString() }, fakeUrl);
      if (!answer) return void res.writeHead(500).end();
      res.writeHead(answer.status, { 'content-type': typeof answer.body === 'string' ? 'text/plain' : 'application/json', ...(answer.headers ?? {}) });
      res.end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
  fakeUrl = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
});
afterAll(async () => {
  fake.closeAllConnections();
  await new Promise((resolve) => fake.close(resolve));
  await server.close();
});

describe('catalogue definitions against replays of their APIs', () => {
  it('has a replay for every shipped definition', async () => {
    const catalog = await server.request<Array<{ name: string }>>('GET', '/v1/catalog');
    expect(catalog.body.length).toBeGreaterThanOrEqual(15);
    expect(catalog.body.map((c) => c.name).sort()).toEqual(Object.keys(replays).sort());
  });

  it.each(Object.keys(replays))('%s: the users list delivers every user exactly once, in order', async (name) => {
    const replay = replays[name];
    if (!replay) throw new Error(name);
    current = replay;
    const integration = await server.request<{ id: string }>('POST', '/integration', { from_catalog: name, name: `${name}-replay`, config: { base_url: fakeUrl } });
    expect(integration.status, JSON.stringify(integration.body)).toBe(201);
    const connection = await server.request<{ _id: string }>('POST', '/v1/connections', {
      type: 'integration',
      name: `${name} replay`,
      _integrationId: integration.body.id,
      ...(replay.credentialsFormat ? { credentialsFormat: replay.credentialsFormat } : {}),
      credentials: replay.credentials,
      context: replay.context,
      ...(replay.oauthToken ? { oauth: { token: replay.oauthToken } } : {}),
    });
    expect(connection.status, JSON.stringify(connection.body)).toBe(201);

    const ids: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { status: number; body: { result: Array<Record<string, unknown>>; next_cursor: string | null }; text: string } = await server.request(
        'GET',
        `/proxy/users?integrated_account_id=${connection.body._id}&limit=3${cursor ? `&next_cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(res.status, res.text).toBe(200);
      ids.push(...res.body.result.map((u) => String(u[replay.idField ?? 'id'])));
      cursor = res.body.next_cursor;
      pages++;
    } while (cursor && pages < 20);
    expect(ids).toEqual(replay.expectedIds);
    expect(replay.expectedIds).toHaveLength(replay.totalUsers);

    // Ping goes through the definition's own ping endpoint with the same credentials.
    const ping = await server.request<{ code?: number; errors?: unknown[] }>('GET', `/v1/connections/${connection.body._id}/ping`);
    expect(ping.body).toEqual({ code: 200 });
  });
});
