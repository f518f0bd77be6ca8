import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { json, startUpstream, type Upstream } from '../helpers/upstream.js';

/**
 * The outbound policy over every family that calls out (ad-hoc ping, ping, raw proxy, export,
 * import, integration proxy, OAuth token call, flow runs). The operator opens one address,
 * 127.0.0.2 (the "gateway", standing in for a public API); everything else private must be refused,
 * whether written directly, spelled oddly, reached through DNS (`localhost`) or through a redirect
 * from the allowed gateway. A "victim" server on 127.0.0.1 records every request: it must get none.
 */

let server: TestServer;
let victim: Upstream;
let gateway: http.Server;
let gatewayUrl: string;

function startGateway(victimPort: number): Promise<string> {
  gateway = http.createServer((req, res) => {
    const url = req.url ?? '/';
    const redirects: Record<string, string> = {
      '/redirect-loopback': `http://127.0.0.1:${victimPort}/internal`,
      '/redirect-localhost': `http://localhost:${victimPort}/internal`,
      '/redirect-metadata': 'http://169.254.169.254/latest/meta-data/',
      '/redirect-ipv6': `http://[::ffff:127.0.0.1]:${victimPort}/internal`,
    };
    const prefix = Object.keys(redirects).find((p) => url.startsWith(p));
    if (prefix) {
      res.writeHead(302, { location: redirects[prefix]! });
      res.end();
      return;
    }
    if (url.startsWith('/token')) return json(res, 200, { access_token: 'gateway-token', token_type: 'bearer', expires_in: 3600 });
    json(res, 200, { ok: true, items: [{ id: 1 }] });
  });
  return new Promise((resolve) => gateway.listen(0, '127.0.0.2', () => resolve(`http://127.0.0.2:${(gateway.address() as AddressInfo).port}`)));
}

beforeAll(async () => {
  victim = await startUpstream((_r, res) => json(res, 200, { items: [{ id: 'stolen' }], secret: 'internal data' }));
  gatewayUrl = await startGateway(victim.port);
  // Only the gateway is opened; the default of the test helper (all of 127.0.0.0/8) is replaced.
  server = await startTestServer({ SWITCHYARD_OUTBOUND_ALLOW: '127.0.0.2/32' });
});

afterAll(async () => {
  await server?.close();
  await victim?.close();
  await new Promise((resolve) => gateway?.close(resolve));
});

function blockedBases(): Record<string, string> {
  const port = victim.port;
  return {
    loopback: `http://127.0.0.1:${port}`,
    'loopback through DNS (localhost)': `http://localhost:${port}`,
    'decimal spelling': `http://2130706433:${port}`,
    'hex spelling': `http://0x7f.1:${port}`,
    'short spelling': `http://127.1:${port}`,
    'IPv4-mapped IPv6': `http://[::ffff:127.0.0.1]:${port}`,
    'IPv6 loopback': `http://[::1]:${port}`,
    unspecified: `http://0.0.0.0:${port}`,
    'cloud metadata (link-local)': 'http://169.254.169.254/latest',
    'private RFC 1918': 'http://10.0.0.1',
    'redirect to loopback': `${gatewayUrl}/redirect-loopback`,
    'redirect to localhost': `${gatewayUrl}/redirect-localhost`,
    'redirect to metadata': `${gatewayUrl}/redirect-metadata`,
    'redirect to IPv4-mapped': `${gatewayUrl}/redirect-ipv6`,
  };
}

const BLOCKED = /OUTBOUND_BLOCKED|outbound policy/i;

/** Each family's call for one base URL; the answer text must say the policy refused it. */
async function families(base: string): Promise<Record<string, { status: number; text: string }>> {
  const out: Record<string, { status: number; text: string }> = {};
  const req = async (label: string, method: string, path: string, body?: unknown) => {
    const res = await server.request(method, path, body);
    out[label] = { status: res.status, text: res.text };
    return res;
  };
  await req('ad-hoc ping', 'POST', '/v1/connections/ping', { type: 'http', name: 'probe', http: { baseURI: base, ping: { relativeURI: '/ping', method: 'GET' } } });
  const created = await server.request<{ _id: string }>('POST', '/v1/connections', { type: 'http', name: 'probe', http: { baseURI: base, ping: { relativeURI: '/ping', method: 'GET' } } });
  if (created.status !== 201) {
    // A base URL the schema refuses never reaches the network either; say so once.
    out['create connection'] = { status: created.status, text: created.text };
    return out;
  }
  const id = created.body._id;
  await req('ping', 'GET', `/v1/connections/${id}/ping`);
  await req('raw proxy', 'GET', `/v1/connections/${id}/proxy/items`);
  await req('export', 'POST', `/v1/connections/${id}/export`, { export: { http: { relativeURI: '/items', method: 'GET', response: { resourcePath: 'items' } } } });
  await req('import', 'POST', `/v1/connections/${id}/import`, { import: { mapping: { fields: [{ extract: 'id', generate: 'id' }] }, http: { relativeURI: '/items', method: 'POST' } }, data: [{ id: 1 }] });
  const definition = await server.request<{ id: string }>('POST', '/integration', {
    name: `probe_${Math.random().toString(36).slice(2, 8)}`,
    category: 'test',
    config: { base_url: base, resources: { items: { list: { method: 'get', path: '/items', response_path: 'items', pagination: null } } } },
  });
  if (definition.status === 201) {
    const connection = await server.request<{ _id: string }>('POST', '/v1/connections', { type: 'integration', name: 'probe', _integrationId: definition.body.id });
    await req('integration proxy', 'GET', `/proxy/items?integrated_account_id=${connection.body._id}`);
  }
  // The token URL is the base (its path included): a redirect base redirects the token call.
  const tokenUrl = new URL(`${base}/token`);
  const oauth = await server.request<{ id: string }>('POST', '/integration', {
    name: `oauth_probe_${Math.random().toString(36).slice(2, 8)}`,
    category: 'test',
    config: {
      base_url: gatewayUrl,
      credentials: { format: 'oauth2_client_credentials', config: { client: { id: 'c', secret: 's3cr3t-probe' }, auth: { tokenHost: tokenUrl.origin, tokenPath: tokenUrl.pathname } } },
      resources: { items: { list: { method: 'get', path: '/items', response_path: 'items', pagination: null } } },
    },
  });
  if (oauth.status === 201) {
    const connection = await server.request<{ _id: string }>('POST', '/v1/connections', { type: 'integration', name: 'oauth probe', _integrationId: oauth.body.id });
    await req('OAuth token call', 'GET', `/proxy/items?integrated_account_id=${connection.body._id}`);
  }
  return out;
}

describe('outbound policy (SSRF) over every family that calls out', () => {
  it('reaches the one address the operator opened (control)', async () => {
    const ping = await server.request('POST', '/v1/connections/ping', { type: 'http', name: 'gateway', http: { baseURI: gatewayUrl, ping: { relativeURI: '/ping', method: 'GET' } } });
    expect(ping.status, ping.text).toBe(200);
  });

  it('refuses private, loopback, link-local and unspecified addresses however they are reached, and the victim hears nothing', async () => {
    const problems: string[] = [];
    for (const [label, base] of Object.entries(blockedBases())) {
      for (const [family, res] of Object.entries(await families(base))) {
        const refusedBySchema = family === 'create connection' && res.status === 400;
        if (refusedBySchema) continue;
        // OAuth token calls follow no redirect at all: a 3xx is a failed token call (the victim check below still holds).
        if (family === 'OAuth token call' && label.startsWith('redirect') && res.status >= 400 && res.text.includes('OAUTH_FAILED')) continue;
        if (res.status < 300 && !BLOCKED.test(res.text)) problems.push(`${label} / ${family}: ${res.status} ${res.text.slice(0, 200)}`);
        else if (!BLOCKED.test(res.text)) problems.push(`${label} / ${family}: refused, but not by the outbound policy: ${res.status} ${res.text.slice(0, 200)}`);
      }
    }
    expect(problems).toEqual([]);
    expect(victim.requests).toEqual([]);
  }, 120_000);

  it('refuses through a flow run too: the run records the policy error, the victim hears nothing', async () => {
    const connection = await server.request<{ _id: string }>('POST', '/v1/connections', { type: 'http', name: 'flow probe', http: { baseURI: `${gatewayUrl}/redirect-loopback` } });
    const exp = await server.request<{ _id: string }>('POST', '/v1/exports', { name: 'probe export', _connectionId: connection.body._id, http: { relativeURI: '/items', method: 'GET', response: { resourcePath: 'items' } } });
    const imp = await server.request<{ _id: string }>('POST', '/v1/imports', { name: 'probe import', _connectionId: connection.body._id, mapping: { fields: [{ extract: 'id', generate: 'id' }] }, http: { relativeURI: '/x', method: 'POST' } });
    const flow = await server.request<{ _id: string }>('POST', '/v1/flows', { name: 'probe flow', pageGenerators: [{ _exportId: exp.body._id }], pageProcessors: [{ type: 'import', _importId: imp.body._id }] });
    const run = await server.request<{ _jobId: string }>('POST', `/v1/flows/${flow.body._id}/run`);
    await server.context.jobLoop.drain();
    const job = (await server.request<{ status: string }>('GET', `/v1/jobs/${run.body._jobId}`)).body;
    expect(job.status).toBe('failed');
    const errors = await server.request('GET', `/v1/flows/${flow.body._id}/${exp.body._id}/errors`);
    expect(`${JSON.stringify(job)} ${errors.text}`).toMatch(BLOCKED);
    expect(victim.requests).toEqual([]);
  });
});
