import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';

type App = { id: string; name: string; isCustom: boolean; category: string };
type Account = { id: string; idApp: string; name: string; lastSyncTime: string | null; lastSyncStatus: string | null };

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

describe('/v1.0/apps and /v1.0/app-accounts', () => {
  it('adds a custom application and lists it with the known apps, paging with nextCursor', async () => {
    const created = await server.request<{ app: App }>('POST', '/v1.0/apps/custom', { name: 'Internal Timesheets', category: 'HR & People', url: 'https://timesheets.acme.test', description: 'Our own tool' });
    expect(created.status, created.text).toBe(200);
    expect(created.body.app).toMatchObject({ id: expect.stringMatching(/^custom-/), name: 'Internal Timesheets', isCustom: true, category: 'HR & People' });
    const dup = await server.request<{ error: { code: string } }>('POST', '/v1.0/apps/custom', { name: 'internal timesheets' });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('APP_EXISTS');

    const all: App[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 50; i++) {
      const page: { body: { apps: App[]; nextCursor: string | null } } = await server.request('GET', `/v1.0/apps?limit=100${cursor ? `&cursor=${cursor}` : ''}`);
      all.push(...page.body.apps);
      cursor = page.body.nextCursor;
      if (!cursor) break;
    }
    expect(all.filter((a) => a.isCustom).map((a) => a.name)).toContain('Internal Timesheets');
    expect(new Set(all.map((a) => a.id)).size).toBe(all.length);
    const found = await server.request<{ apps: App[] }>('GET', '/v1.0/apps?q=timesheets');
    expect(found.body.apps.map((a) => a.name)).toEqual(['Internal Timesheets']);
    expect((await server.request<{ app: App }>('GET', `/v1.0/apps/${created.body.app.id}`)).body.app.name).toBe('Internal Timesheets');
  });

  it("creates, lists, gets and deletes app accounts; another team's is a 404", async () => {
    const app = await server.request<{ app: App }>('POST', '/v1.0/apps/custom', { name: 'Seat Tracker' });
    const account = await server.request<{ appAccount: Account }>('POST', '/v1.0/app-accounts', { idApp: app.body.app.id, name: 'Seat Tracker (prod)' });
    expect(account.status, account.text).toBe(200);
    expect(account.body.appAccount).toMatchObject({ idApp: app.body.app.id, name: 'Seat Tracker (prod)', lastSyncTime: null, lastSyncStatus: null });
    const id = account.body.appAccount.id;
    expect((await server.request<{ appAccounts: Account[] }>('GET', `/v1.0/app-accounts?idApp=${app.body.app.id}`)).body.appAccounts.map((a) => a.id)).toEqual([id]);
    expect((await server.request<{ appAccount: Account }>('GET', `/v1.0/app-accounts/${id}`)).body.appAccount.id).toBe(id);
    const { key } = await server.newTeam('apps-thief');
    expect((await server.request('GET', `/v1.0/app-accounts/${id}`, undefined, { key })).status).toBe(404);
    expect((await server.request('GET', `/v1.0/apps/${app.body.app.id}`, undefined, { key })).status).toBe(404);
    expect((await server.request('POST', '/v1.0/app-accounts', { idApp: 'no-such-app', name: 'x' })).status).toBe(404);
    expect((await server.request('DELETE', `/v1.0/app-accounts/${id}`)).status).toBe(204);
    expect((await server.request('GET', `/v1.0/app-accounts/${id}`)).status).toBe(404);
  });
});
