import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/ids.js';
import type { SecretMap } from '../../src/connections/secrets.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

type ErrorBody = { error: { code: string; message: string; details: Array<Record<string, unknown>> } };
type WebhookEvent = { _id: string; _connectionId: string; receivedAt: string; eventType: string | null; headers: Record<string, string>; body: unknown };

const GITHUB_SECRET = 'gh-webhook-secret-8a7b6c5d';
const SLACK_SECRET = 'slack-signing-secret-1f2e3d4c';
const SEED_SECRET = 'your-webhook-secret';
const ACCOUNT_SECRET = 'per-account-secret-9z8y7x';

let server: TestServer;
/** Every response text this file saw, scanned for secrets at the end. */
const seen: string[] = [];

const hmacHex = (secret: string, message: string | Buffer) => createHmac('sha256', secret).update(message).digest('hex');
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Creates an integration with this webhook section through the API; returns its id. */
async function anIntegration(name: string, webhook: Record<string, unknown> | undefined): Promise<string> {
  const config: Record<string, unknown> = { base_url: 'https://api.example.com' };
  if (webhook) config.webhook = webhook;
  const res = await server.request<{ id: string }>('POST', '/integration', { name, category: 'test', config });
  seen.push(res.text);
  expect(res.status).toBe(201);
  return res.body.id;
}

/**
 * A connection of type integration, written straight to the store (the public API for integration
 * connections is built separately); `secrets` are JSON-pointer → value like every connection's.
 */
async function aConnection(integrationId: string, options: { teamId?: string; secrets?: SecretMap; name?: string } = {}): Promise<string> {
  const id = newId();
  const now = new Date().toISOString();
  const name = options.name ?? `hook target ${id.slice(-4)}`;
  await server.context.connections.repo.insert({
    id,
    teamId: options.teamId ?? server.team.id,
    type: 'integration',
    name,
    doc: { type: 'integration', name },
    secrets: options.secrets ?? {},
    offline: false,
    debugUntil: null,
    createdAt: now,
    lastModified: now,
    integrationId,
  });
  return id;
}

/** POSTs to the public webhook URL: no API key. */
async function deliver(path: string, body: string | Buffer, headers: Record<string, string> = {}) {
  const res = await server.request('POST', path, undefined, { key: null, raw: body, headers: { 'content-type': 'application/json', ...headers } });
  seen.push(res.text);
  return res;
}

async function events(connectionId: string, key?: string): Promise<WebhookEvent[]> {
  const res = await server.request<WebhookEvent[]>('GET', `/v1/connections/${connectionId}/webhook-events`, undefined, key === undefined ? {} : { key });
  seen.push(res.text);
  expect(res.status).toBe(200);
  return res.body;
}

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

describe('GitHub-style verification (x-hub-signature-256: sha256=<hex> over the body)', () => {
  let integrationId: string;
  let connectionId: string;
  let url: string;
  const payload = JSON.stringify({ ref: 'refs/heads/main', commits: [{ id: 'abc' }] });

  beforeAll(async () => {
    integrationId = await anIntegration('github_hooks', {
      signature_verification: {
        format: 'hmac',
        config: { secret: GITHUB_SECRET, algorithm: 'sha256', parts: ['$body'], compare_with: '$header.x-hub-signature-256', prefix: 'sha256=', encoding: 'hex' },
      },
      handle_verification: 'verify_webhook_signature',
    });
    connectionId = await aConnection(integrationId);
    url = `/webhooks/${integrationId}/${connectionId}`;
  });

  it('stores a correctly signed event and lists it, signature header dropped, body parsed', async () => {
    const res = await deliver(url, payload, { 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${hmacHex(GITHUB_SECRET, payload)}` });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ received: true, id: expect.stringMatching(/^[0-9a-f]{24}$/) });
    const id = (res.body as { id: string }).id;

    const listed = await events(connectionId);
    expect(listed).toHaveLength(1);
    expect(listed[0]).toEqual({
      _id: id,
      _connectionId: connectionId,
      receivedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      eventType: 'push',
      headers: expect.objectContaining({ 'content-type': 'application/json', 'x-github-event': 'push' }),
      body: { ref: 'refs/heads/main', commits: [{ id: 'abc' }] },
    });
    expect(listed[0]?.headers).not.toHaveProperty('x-hub-signature-256');
    expect(listed[0]?.headers).not.toHaveProperty('authorization');
  });

  it('also accepts the integration name in the URL', async () => {
    const res = await deliver(`/webhooks/github_hooks/${connectionId}`, payload, { 'x-hub-signature-256': `sha256=${hmacHex(GITHUB_SECRET, payload)}` });
    expect(res.status).toBe(200);
    expect(await events(connectionId)).toHaveLength(2);
  });

  it('refuses a wrong signature, a tampered body and a missing header with 401, storing nothing', async () => {
    const before = (await events(connectionId)).length;
    const wrongSecret = await deliver(url, payload, { 'x-hub-signature-256': `sha256=${hmacHex('not-the-secret', payload)}` });
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.body).toEqual({
      error: { code: 'WEBHOOK_SIGNATURE_INVALID', message: 'The signature in "x-hub-signature-256" does not match the request.', details: [] },
    });

    const tampered = await deliver(url, payload.replace('main', 'evil'), { 'x-hub-signature-256': `sha256=${hmacHex(GITHUB_SECRET, payload)}` });
    expect(tampered.status).toBe(401);
    expect((tampered.body as ErrorBody).error.code).toBe('WEBHOOK_SIGNATURE_INVALID');

    const missing = await deliver(url, payload);
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual({
      error: { code: 'WEBHOOK_SIGNATURE_INVALID', message: 'The signature header "x-hub-signature-256" is missing or empty.', details: [] },
    });

    const garbage = await deliver(url, payload, { 'x-hub-signature-256': 'sha256=zz' });
    expect(garbage.status).toBe(401);
    expect(await events(connectionId)).toHaveLength(before);
  });

  it('verifies the exact bytes of form and text bodies (no re-encoding)', async () => {
    const form = 'payload=%7B%22a%22%3A+1%7D&x=%C3%A9';
    const formRes = await deliver(url, form, { 'content-type': 'application/x-www-form-urlencoded', 'x-hub-signature-256': `sha256=${hmacHex(GITHUB_SECRET, form)}` });
    expect(formRes.status).toBe(200);
    const text = 'plain text event\n';
    const textRes = await deliver(url, text, { 'content-type': 'text/plain', 'x-hub-signature-256': `sha256=${hmacHex(GITHUB_SECRET, text)}` });
    expect(textRes.status).toBe(200);
    const spaced = '{ "a" :  1 }';
    const spacedRes = await deliver(url, spaced, { 'x-hub-signature-256': `sha256=${hmacHex(GITHUB_SECRET, spaced)}` });
    expect(spacedRes.status).toBe(200);
    const listed = await events(connectionId);
    expect(listed.slice(0, 3).map((e) => e.body)).toEqual([{ a: 1 }, text, form]);
  });

  it('lists newest first in pages linked by rel="next"', async () => {
    const all = await events(connectionId);
    expect(all.length).toBeGreaterThanOrEqual(5);
    const ids = all.map((e) => e._id);
    expect([...ids].sort().reverse()).toEqual(ids);

    const first = await server.request<WebhookEvent[]>('GET', `/v1/connections/${connectionId}/webhook-events?limit=2`);
    expect(first.body.map((e) => e._id)).toEqual(ids.slice(0, 2));
    const link = first.headers.get('link') ?? '';
    const next = /<([^>]+)>; rel="next"/.exec(link)?.[1];
    expect(next).toBeDefined();
    const nextUrl = new URL(next as string);
    const second = await server.request<WebhookEvent[]>('GET', nextUrl.pathname + nextUrl.search);
    expect(second.body.map((e) => e._id)).toEqual(ids.slice(2, 4));

    const tooMany = await server.request<ErrorBody>('GET', `/v1/connections/${connectionId}/webhook-events?limit=501`);
    expect(tooMany.status).toBe(400);
    const badCursor = await server.request<ErrorBody>('GET', `/v1/connections/${connectionId}/webhook-events?cursor=bogus`);
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.error.code).toBe('INVALID_CURSOR');
  });

  it('refuses a body over 1 MiB with 413, storing nothing', async () => {
    const before = (await events(connectionId)).length;
    const big = JSON.stringify({ blob: 'x'.repeat(1024 * 1024) });
    const res = await deliver(url, big, { 'x-hub-signature-256': `sha256=${hmacHex(GITHUB_SECRET, big)}` });
    expect(res.status).toBe(413);
    expect((res.body as ErrorBody).error.code).toBe('BODY_TOO_LARGE');
    expect(await events(connectionId)).toHaveLength(before);
  });

  it('keeps the events to the owning team: another team gets 404, no key gets 401', async () => {
    const other = await server.newTeam('webhook-other-team');
    const res = await server.request<ErrorBody>('GET', `/v1/connections/${connectionId}/webhook-events`, undefined, { key: other.key });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('CONNECTION_NOT_FOUND');
    const anonymous = await server.request<ErrorBody>('GET', `/v1/connections/${connectionId}/webhook-events`, undefined, { key: null });
    expect(anonymous.status).toBe(401);
  });

  it('answers 404 with one message for an unknown connection, an unknown integration, or a mismatched pair', async () => {
    const otherIntegration = await anIntegration('other_hooks', { signature_verification: { format: 'hmac', config: { secret: 'x-secret-1' } } });
    const signed = { 'x-hub-signature-256': `sha256=${hmacHex(GITHUB_SECRET, payload)}` };
    const responses = await Promise.all([
      deliver(`/webhooks/${integrationId}/${newId()}`, payload, signed),
      deliver(`/webhooks/${integrationId}/not-an-id`, payload, signed),
      deliver(`/webhooks/no_such_integration/${connectionId}`, payload, signed),
      deliver(`/webhooks/${otherIntegration}/${connectionId}`, payload, signed),
      deliver(`/webhooks/other_hooks/${connectionId}`, payload, signed),
    ]);
    for (const res of responses) {
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: { code: 'WEBHOOK_NOT_FOUND', message: 'No webhook endpoint at this URL; it is /webhooks/{integration id or name}/{connection _id}.', details: [] } });
    }
  });

  it("does not accept another team's connection under this team's integration", async () => {
    const other = await server.newTeam('webhook-foreign-team');
    const foreign = await aConnection(integrationId, { teamId: other.team.id });
    const res = await deliver(`/webhooks/${integrationId}/${foreign}`, payload, { 'x-hub-signature-256': `sha256=${hmacHex(GITHUB_SECRET, payload)}` });
    expect(res.status).toBe(404);
  });

  it("deletes a connection's events with the connection", async () => {
    const doomed = await aConnection(integrationId);
    const res = await deliver(`/webhooks/${integrationId}/${doomed}`, payload, { 'x-hub-signature-256': `sha256=${hmacHex(GITHUB_SECRET, payload)}` });
    expect(res.status).toBe(200);
    await server.context.connections.repo.delete(server.team.id, doomed);
    const left = await server.context.store.db.selectFrom('webhook_events').select('id').where('connection_id', '=', doomed).execute();
    expect(left).toEqual([]);
  });
});

describe('Slack-style verification (v0:{ts}:{body}) with a url_verification handshake', () => {
  let connectionId: string;
  let url: string;

  beforeAll(async () => {
    const integrationId = await anIntegration('slack_events', {
      signature_verification: {
        format: 'hmac',
        config: {
          secret: SLACK_SECRET,
          parts: ['v0', '$header.x-slack-request-timestamp', '$body'],
          separator: ':',
          compare_with: '$header.x-slack-signature',
          prefix: 'v0=',
          timestamp: '$header.x-slack-request-timestamp',
          tolerance_seconds: 300,
        },
      },
      handle_verification: 'body.type = "url_verification" ? { "challenge": body.challenge }',
    });
    connectionId = await aConnection(integrationId);
    url = `/webhooks/slack_events/${connectionId}`;
  });

  const slackHeaders = (ts: number, body: string) => ({
    'x-slack-request-timestamp': String(ts),
    'x-slack-signature': `v0=${hmacHex(SLACK_SECRET, `v0:${ts}:${body}`)}`,
  });

  it('answers the url_verification challenge and stores nothing', async () => {
    const body = JSON.stringify({ token: 'Jhj5dZrVaK7ZwHHjRyZWjbDl', challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P', type: 'url_verification' });
    const res = await deliver(url, body, slackHeaders(nowSeconds(), body));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body).toEqual({ challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' });
    expect(await events(connectionId)).toEqual([]);
  });

  it('stores a fresh signed event with its type', async () => {
    const body = JSON.stringify({ type: 'event_callback', event: { type: 'app_mention', text: 'hi' } });
    const res = await deliver(url, body, slackHeaders(nowSeconds(), body));
    expect(res.status).toBe(200);
    const listed = await events(connectionId);
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ eventType: 'event_callback', body: { event: { type: 'app_mention' } } });
    expect(listed[0]?.headers).toHaveProperty('x-slack-request-timestamp');
    expect(listed[0]?.headers).not.toHaveProperty('x-slack-signature');
  });

  it('refuses a replay with a stale timestamp, a future timestamp and a missing timestamp', async () => {
    const body = JSON.stringify({ type: 'event_callback', event: { type: 'message' } });
    const stale = await deliver(url, body, slackHeaders(nowSeconds() - 600, body));
    expect(stale.status).toBe(401);
    expect((stale.body as ErrorBody).error).toMatchObject({ code: 'WEBHOOK_SIGNATURE_INVALID', message: expect.stringContaining('replay protection') });
    const future = await deliver(url, body, slackHeaders(nowSeconds() + 600, body));
    expect(future.status).toBe(401);
    const { 'x-slack-request-timestamp': _ts, ...noTimestamp } = slackHeaders(nowSeconds(), body);
    const missing = await deliver(url, body, noTimestamp);
    expect(missing.status).toBe(401);
    expect(await events(connectionId)).toHaveLength(1);
  });
});

describe("the seed's short form and other configurations", () => {
  it("verifies seed 002's example (HMAC-SHA256, parts [header, body]: x-timestamp then body, hex in x-signature)", async () => {
    const integrationId = await anIntegration('seed_form', {
      signature_verification: { format: 'HMAC-SHA256', config: { secret: SEED_SECRET, algorithm: 'sha256', parts: ['header', 'body'] } },
      handle_verification: 'verify_webhook_signature',
    });
    const connectionId = await aConnection(integrationId);
    const body = JSON.stringify({ event: 'contact.created', data: { id: 7 } });
    const ts = String(nowSeconds());
    const ok = await deliver(`/webhooks/seed_form/${connectionId}`, body, { 'x-timestamp': ts, 'x-signature': hmacHex(SEED_SECRET, ts + body) });
    expect(ok.status).toBe(200);
    const bad = await deliver(`/webhooks/seed_form/${connectionId}`, body, { 'x-timestamp': ts, 'x-signature': hmacHex(SEED_SECRET, body) });
    expect(bad.status).toBe(401);
    expect((await events(connectionId)).map((e) => e.eventType)).toEqual(['contact.created']);
  });

  it('echoes a Microsoft Graph validationToken as text without storing it', async () => {
    const integrationId = await anIntegration('graph_like', {
      signature_verification: { format: 'hmac', config: { secret: 'graph-secret-0a9b' } },
      handle_verification: 'query.validationToken',
    });
    const connectionId = await aConnection(integrationId);
    const res = await server.request('POST', `/webhooks/graph_like/${connectionId}?validationToken=${encodeURIComponent('Validation: Testing client application reachability')}`, undefined, {
      key: null,
      headers: { 'content-type': 'text/plain' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(res.text).toBe('Validation: Testing client application reachability');
    expect(await events(connectionId)).toEqual([]);
  });

  it('answers a GET handshake (Meta hub.challenge) and refuses any other GET with 405', async () => {
    const integrationId = await anIntegration('meta_like', {
      signature_verification: { format: 'hmac', config: { secret: 'meta-secret-77', compare_with: 'x-hub-signature-256', prefix: 'sha256=' } },
      handle_verification: 'query."hub.mode" = "subscribe" and query."hub.verify_token" = "my-verify-token" ? query."hub.challenge"',
    });
    const connectionId = await aConnection(integrationId);
    const ok = await server.request('GET', `/webhooks/meta_like/${connectionId}?hub.mode=subscribe&hub.verify_token=my-verify-token&hub.challenge=1158201444`, undefined, { key: null });
    expect(ok.status).toBe(200);
    expect(ok.text).toBe('1158201444');
    const wrongToken = await server.request<ErrorBody>('GET', `/webhooks/meta_like/${connectionId}?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1`, undefined, { key: null });
    expect(wrongToken.status).toBe(405);
    expect(wrongToken.body.error.code).toBe('WEBHOOK_METHOD_NOT_ALLOWED');
  });

  it('takes a per-account secret from the connection\'s credentials', async () => {
    const integrationId = await anIntegration('per_account', {
      signature_verification: { format: 'hmac', config: { secret: '{{credentials.signing_secret}}' } },
    });
    const connectionId = await aConnection(integrationId, { secrets: { '/credentials/signing_secret': ACCOUNT_SECRET } });
    const body = '{"type":"order.paid"}';
    const ok = await deliver(`/webhooks/per_account/${connectionId}`, body, { 'x-signature': hmacHex(ACCOUNT_SECRET, body) });
    expect(ok.status).toBe(200);
    const without = await aConnection(integrationId);
    const refused = await deliver(`/webhooks/per_account/${without}`, body, { 'x-signature': hmacHex(ACCOUNT_SECRET, body) });
    expect(refused.status).toBe(401);
    expect((refused.body as ErrorBody).error).toEqual({
      code: 'WEBHOOK_UNVERIFIABLE',
      message: 'The webhook secret of integration "per_account" needs credentials.signing_secret, which the connection does not have.',
      details: [],
    });
  });

  it('refuses every request to an integration without signature_verification (401, nothing stored)', async () => {
    const integrationId = await anIntegration('unsigned_hooks', { handle_verification: 'body.challenge' });
    const connectionId = await aConnection(integrationId);
    const res = await deliver(`/webhooks/unsigned_hooks/${connectionId}`, '{"challenge":"c"}');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({
      error: { code: 'WEBHOOK_UNVERIFIABLE', message: 'Integration "unsigned_hooks" defines no webhook.signature_verification, so its webhooks are refused.', details: [] },
    });
    const noWebhook = await aConnection(await anIntegration('no_webhook', undefined));
    expect((await deliver(`/webhooks/no_webhook/${noWebhook}`, '{}')).status).toBe(401);
    expect(await events(connectionId)).toEqual([]);
  });

  it('accepts a request without a content type or body', async () => {
    const integrationId = await anIntegration('empty_body', { signature_verification: { format: 'hmac', config: { secret: 'empty-secret-3c' } } });
    const connectionId = await aConnection(integrationId);
    const res = await server.request('POST', `/webhooks/empty_body/${connectionId}`, undefined, { key: null, headers: { 'x-signature': hmacHex('empty-secret-3c', '') } });
    expect(res.status).toBe(200);
    expect((await events(connectionId))[0]).toMatchObject({ body: '', eventType: null });
  });
});

describe('secrets', () => {
  it('never appear in responses or logs', async () => {
    const list = await server.request('GET', '/integration?limit=100');
    expect(list.status).toBe(200);
    const all = [...seen, list.text, server.logs()].join('\n');
    for (const secret of [GITHUB_SECRET, SLACK_SECRET, SEED_SECRET, ACCOUNT_SECRET]) expect(all).not.toContain(secret);
    expect(server.logs()).toContain('/webhooks/');
  });
});
