import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** The file sync with S3-compatible storage, against a real local S3 server (s3rver, path-style). */
type S3rverClass = new (options: Record<string, unknown>) => { run(): Promise<{ port: number }>; close(): Promise<void> };

let s3: InstanceType<S3rverClass>;
let s3dir: string;
let server: TestServer;
let accountId: string;

beforeAll(async () => {
  const specifier = 's3rver';
  const { default: S3rver } = (await import(specifier)) as { default: S3rverClass };
  s3dir = mkdtempSync(path.join(tmpdir(), 's3rver-'));
  s3 = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: s3dir, configureBuckets: [{ name: 'switchyard-files' }] });
  const { port } = await s3.run();
  // The AWS SDK reads its credentials from the process environment, as in a real deployment.
  process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
  process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
  server = await startTestServer({
    SWITCHYARD_S3_BUCKET: 'switchyard-files',
    SWITCHYARD_S3_ENDPOINT: `http://127.0.0.1:${port}`,
    SWITCHYARD_S3_FORCE_PATH_STYLE: 'true',
  });
  const app = await server.request<{ app: { id: string } }>('POST', '/v1.0/apps/custom', { name: 'S3 App' });
  accountId = (await server.request<{ appAccount: { id: string } }>('POST', '/v1.0/app-accounts', { idApp: app.body.app.id, name: 'S3 App' })).body.appAccount.id;
});
afterAll(async () => {
  await server?.close();
  await s3?.close();
  rmSync(s3dir, { recursive: true, force: true });
});

describe('file sync on S3-compatible storage', () => {
  it('uploads straight to the bucket with a presigned URL, registers the object and syncs it', async () => {
    const url = await server.request<{ uploadFileParameters: { url: string; filePath: string } }>('GET', '/v1.0/files/url?name=users.json&type=application/json');
    expect(url.status, url.text).toBe(200);
    const target = new URL(url.body.uploadFileParameters.url);
    expect(target.pathname.startsWith('/switchyard-files/')).toBe(true);
    expect(target.searchParams.get('X-Amz-Expires')).toBe('300');

    expect((await server.request('POST', '/v1.0/files', { path: url.body.uploadFileParameters.filePath, type: 'customIntegrationData' })).status).toBe(404);
    const payload = JSON.stringify({ users: [{ email: 'ann@example.com' }, { email: 'bob@example.com' }], licenses: [{ name: 'Pro', users: [{ email: 'ann@example.com' }] }] });
    const put = await fetch(url.body.uploadFileParameters.url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: payload });
    expect(put.status).toBe(200);

    const file = await server.request<{ id: number }>('POST', '/v1.0/files', { path: url.body.uploadFileParameters.filePath, type: 'customIntegrationData' });
    expect(file.status, file.text).toBe(200);
    const started = await server.request<{ sync: { id: string } }>('PUT', '/v1.0/services/sync/custom', { idFile: file.body.id, idAppAccount: accountId });
    expect(started.status).toBe(202);
    await server.context.syncs.idle();
    const sync = await server.request<{ sync: { status: string; counts: Record<string, number> } }>('GET', `/v1.0/services/sync/custom/${started.body.sync.id}`);
    expect(sync.body.sync).toMatchObject({ status: 'success', counts: { users: 2, licenses: 1, licenseUsers: 1 } });
  });

  it('takes a CSV file: its header is read from the bucket at registration, and it syncs', async () => {
    const upload = async (csv: string) => {
      const url = await server.request<{ uploadFileParameters: { url: string; filePath: string } }>('GET', '/v1.0/files/url?name=users.csv&type=text/csv');
      const put = await fetch(url.body.uploadFileParameters.url, { method: 'PUT', headers: { 'content-type': 'text/csv' }, body: csv });
      expect(put.status).toBe(200);
      return url.body.uploadFileParameters.filePath;
    };
    const refused = await server.request<{ error: { details: Array<{ field: string }> } }>('POST', '/v1.0/files', { path: await upload('Name\r\nann\r\n'), type: 'customIntegrationData' });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details[0]?.field).toBe('columns.email');
    const file = await server.request<{ id: number }>('POST', '/v1.0/files', { path: await upload('Mail,licenseName\r\ncsv@example.com,Pro\r\n'), type: 'customIntegrationData', columns: { email: 'Mail' } });
    expect(file.status, file.text).toBe(200);
    const started = await server.request<{ sync: { id: string } }>('PUT', '/v1.0/services/sync/custom', { idFile: file.body.id, idAppAccount: accountId });
    await server.context.syncs.idle();
    const sync = await server.request<{ sync: { status: string; counts: Record<string, number> } }>('GET', `/v1.0/services/sync/custom/${started.body.sync.id}`);
    expect(sync.body.sync).toMatchObject({ status: 'success', counts: { users: 1, licenses: 1, licenseUsers: 1 } });
  });

  it('binds the presigned URL to the content type and carries no body checksum', async () => {
    const url = await server.request<{ uploadFileParameters: { url: string } }>('GET', '/v1.0/files/url?name=users.json&type=application/json');
    const params = new URL(url.body.uploadFileParameters.url).searchParams;
    // S3 refuses a PUT whose Content-Type differs from a signed one (s3rver does not check this).
    expect(params.get('X-Amz-SignedHeaders')?.split(';')).toContain('content-type');
    expect([...params.keys()].some((k) => k.toLowerCase().startsWith('x-amz-checksum'))).toBe(false);
  });
});
