import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveEncryptionKey } from '../../src/crypto/key-file.js';
import { TokenSigner } from '../../src/crypto/signed-token.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

type UrlBody = { uploadFileParameters: { url: string; filePath: string } };
type ErrorBody = { error: { code: string; message: string } };

const PAYLOAD = JSON.stringify({ users: [{ email: 'ann@example.com', firstName: 'Ann' }], licenses: [] });

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ SWITCHYARD_UPLOAD_LIMIT: '4096' });
});
afterAll(async () => {
  await server.close();
});

async function uploadUrl(name = 'users.json', type = 'application/json'): Promise<UrlBody['uploadFileParameters']> {
  const res = await server.request<UrlBody>('GET', `/v1.0/files/url?name=${encodeURIComponent(name)}&type=${encodeURIComponent(type)}`);
  expect(res.status, res.text).toBe(200);
  return res.body.uploadFileParameters;
}

const put = (url: string, body: string, type = 'application/json') => fetch(url, { method: 'PUT', headers: { 'content-type': type }, body });

describe('file sync steps 1–4', () => {
  it('gets a URL, uploads with no API key, and registers the file', async () => {
    const { url, filePath } = await uploadUrl();
    expect(url.startsWith(`${server.config.publicUrl}/uploads/`)).toBe(true);
    expect(filePath).toMatch(/^[0-9a-f-]{36}\/users\.json$/);
    const uploaded = await put(url, PAYLOAD);
    expect(uploaded.status).toBe(200);
    expect(await uploaded.json()).toEqual({ filePath, size: Buffer.byteLength(PAYLOAD) });

    const file = await server.request<{ id: number }>('POST', '/v1.0/files', { path: filePath, type: 'customIntegrationData' });
    expect(file.status, file.text).toBe(200);
    expect(typeof file.body.id).toBe('number');
    const again = await server.request<{ id: number }>('POST', '/v1.0/files', { path: filePath, type: 'customIntegrationData' });
    expect(again.body.id).toBe(file.body.id);

    const stored = await server.context.files.get(server.team.id, file.body.id);
    const chunks: Buffer[] = [];
    for await (const chunk of await server.context.files.open(stored)) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe(PAYLOAD);
  });

  it('refuses a reused, tampered, wrong-type, expired or foreign upload URL with 403 and the reason', async () => {
    const { url } = await uploadUrl();
    expect((await put(url, PAYLOAD)).status).toBe(200);
    const reused = await put(url, PAYLOAD);
    expect(reused.status).toBe(403);
    expect(((await reused.json()) as ErrorBody).error.message).toContain('already used');

    const fresh = await uploadUrl();
    // Change a character inside the signature: the last one only carries base64url slack bits in part,
    // so changing it can leave the decoded bytes (and the token) the same.
    const tampered = await put(fresh.url.replace(/.(.{4})$/, (_m, tail: string) => `${fresh.url.at(-5) === 'A' ? 'B' : 'A'}${tail}`), PAYLOAD);
    expect(tampered.status).toBe(403);
    expect(((await tampered.json()) as ErrorBody).error.message).toContain('changed');

    const wrongType = await put(fresh.url, 'a,b', 'text/csv');
    expect(wrongType.status).toBe(403);
    expect(((await wrongType.json()) as ErrorBody).error.message).toContain('application/json');
    // The refused attempt did not spend the URL.
    expect((await put(fresh.url, PAYLOAD)).status).toBe(200);

    // A URL issued six minutes ago: signed by the server's key with a clock in the past.
    const key = resolveEncryptionKey(server.config.dataDir, server.config.encryptionKey).key;
    const old = new TokenSigner(key, () => Date.now() - 6 * 60_000).sign('upload', { j: 'x', t: server.team.id, p: 'p/users.json', c: 'application/json' }, 300);
    const expired = await put(`${server.url}/uploads/${old}`, PAYLOAD);
    expect(expired.status).toBe(403);
    expect(((await expired.json()) as ErrorBody).error.message).toContain('expired');

    const connectToken = server.context.signer.sign('connect', { id: 'x' }, 300);
    expect((await put(`${server.url}/uploads/${connectToken}`, PAYLOAD)).status).toBe(403);
  });

  it('refuses an upload over the size limit with 413 and keeps the URL usable', async () => {
    const { url, filePath } = await uploadUrl();
    const big = await put(url, 'x'.repeat(5000));
    expect(big.status).toBe(413);
    expect((await server.request('POST', '/v1.0/files', { path: filePath, type: 'customIntegrationData' })).status).toBe(404);
    expect((await put(url, PAYLOAD)).status).toBe(200);
  });

  it('answers 404 for a path nothing was uploaded to, and for another team', async () => {
    const missing = await server.request<ErrorBody>('POST', '/v1.0/files', { path: 'nothing/here.json', type: 'customIntegrationData' });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('FILE_NOT_FOUND');
    const { url, filePath } = await uploadUrl();
    await put(url, PAYLOAD);
    const { key } = await server.newTeam('files-thief');
    expect((await server.request('POST', '/v1.0/files', { path: filePath, type: 'customIntegrationData' }, { key })).status).toBe(404);
  });

  it('validates the name and type, and needs an API key for steps 1 and 4', async () => {
    expect((await server.request('GET', '/v1.0/files/url?name=..&type=application/json')).status).toBe(400);
    expect((await server.request('GET', '/v1.0/files/url?name=a.json&type=json')).status).toBe(400);
    expect((await server.request('GET', '/v1.0/files/url?name=a.json&type=application/json', undefined, { key: null })).status).toBe(401);
  });

  it('never writes the upload token to the log', async () => {
    const { url } = await uploadUrl();
    await put(url, PAYLOAD);
    const token = url.split('/uploads/')[1] ?? '';
    expect(server.logs()).not.toContain(token);
  });
});

describe('POST /v1.0/files/upload (multipart, steps 1–4 at once)', () => {
  const form = (parts: { file?: string; name?: string; type?: string }) => {
    const data = new FormData();
    if (parts.file !== undefined) data.append('file', new Blob([parts.file], { type: 'application/json' }), parts.name ?? 'users.json');
    if (parts.type !== undefined) data.append('type', parts.type);
    return fetch(`${server.url}/v1.0/files/upload`, { method: 'POST', headers: { authorization: `Bearer ${server.adminKey}` }, body: data });
  };

  it('stores the file and answers an id a sync can use', async () => {
    const res = await form({ file: PAYLOAD, type: 'customIntegrationData' });
    expect(res.status).toBe(200);
    const { id } = (await res.json()) as { id: number };
    const stored = await server.context.files.get(server.team.id, id);
    expect(stored).toMatchObject({ type: 'customIntegrationData', size: Buffer.byteLength(PAYLOAD) });
  });

  it('names a missing part, refuses a file over the limit, and needs an API key', async () => {
    const missing = await form({ file: PAYLOAD });
    expect(missing.status).toBe(400);
    expect(JSON.stringify(await missing.json())).toContain('type');
    expect((await form({ file: 'x'.repeat(5000), type: 'customIntegrationData' })).status).toBe(413);
    const noKey = await fetch(`${server.url}/v1.0/files/upload`, { method: 'POST', body: new FormData() });
    expect(noKey.status).toBe(401);
  });
});
