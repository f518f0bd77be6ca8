import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUi, type UiSession } from './browser.js';

const DAY = 24 * 3600 * 1000;
const recent = new Date(Date.now() - 2 * DAY).toISOString().slice(0, 10);

const FILE = {
  users: [
    { email: 'Ann@Acme.test', firstName: 'Ann', lastName: 'Lee', roles: ['admin'], lastUsedDate: recent },
    { email: 'bob@acme.test', firstName: 'Bob', lastUsedDate: '2025-01-15' },
    { email: 'cy@acme.test', status: 'deleted', externalStatus: 'Suspended' },
    { email: 'not-an-email' },
  ],
  licenses: [{ name: 'Pro', pricePerUser: 1200, unassignedAmount: 2, users: [{ email: 'ann@acme.test' }, { email: 'bob@acme.test' }] }],
};

describe('console: inventory', () => {
  let ui: UiSession;
  const requests: Array<{ url: string; method: string; authorization: string | undefined }> = [];
  let vaultAccount: string;
  /** The syncs of the Vault account that a script started, newest first. */
  const vaultSyncs: string[] = [];

  beforeAll(async () => {
    ui = await startUi();
    ui.page.on('request', (request) => {
      requests.push({ url: request.url(), method: request.method(), authorization: request.headers().authorization });
    });
    // Another app with a synced account, made through the API as a script would.
    const { server } = ui;
    const app = await server.request<{ apps: Array<{ id: string }> }>('GET', '/v1.0/apps?q=1Password');
    const account = await server.request<{ appAccount: { id: string } }>('POST', '/v1.0/app-accounts', { idApp: app.body.apps[0]?.id, name: 'Vault' });
    vaultAccount = account.body.appAccount.id;
    const url = await server.request<{ uploadFileParameters: { url: string; filePath: string } }>('GET', '/v1.0/files/url?name=vault.json&type=application/json');
    await fetch(url.body.uploadFileParameters.url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ users: [{ email: 'dee@acme.test', lastUsedDate: recent }] }) });
    const file = await server.request<{ id: number }>('POST', '/v1.0/files', { path: url.body.uploadFileParameters.filePath, type: 'customIntegrationData' });
    // More syncs than a page of the console's list (20), one at a time, the same file each time.
    for (let i = 0; i < 21; i++) {
      const sync = await server.request<{ sync: { id: string } }>('PUT', '/v1.0/services/sync/custom', { idFile: file.body.id, idAppAccount: vaultAccount });
      expect(sync.status, sync.text).toBe(202);
      vaultSyncs.unshift(sync.body.sync.id);
      await server.context.syncs.idle();
    }
  });
  afterAll(async () => {
    await ui?.close();
  });

  it('adds an app account, uploads a users file through the five steps and shows the result', async () => {
    const { page, server } = ui;
    await ui.signIn();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Inventory' }).click();
    await page.getByRole('heading', { name: '1Password' }).waitFor();

    const form = page.getByRole('form', { name: 'Add an app account' });
    await form.getByRole('radio', { name: 'Custom app' }).check();
    await form.getByLabel('Custom app name').fill('Timesheets');
    await form.getByLabel('Category').fill('HR & People');
    await form.getByLabel('Account name').fill('Timesheets (prod)');
    await form.getByRole('button', { name: 'Add app account' }).click();
    await page.waitForURL(/\/inventory\/accounts\/[0-9a-f]{24}$/);
    const accountId = page.url().split('/').pop() as string;
    await page.getByText('No syncs yet.').waitFor();

    await page.getByRole('link', { name: 'Upload a file' }).first().click();
    await page.waitForURL(/\/inventory\/upload\?account=/);
    expect(await page.getByLabel('App account').inputValue()).toBe(accountId);
    await page.getByLabel('JSON file').setInputFiles({ name: 'timesheets.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(FILE)) });
    await page.getByRole('button', { name: 'Upload and sync' }).click();

    const result = page.getByRole('region', { name: 'Result' });
    await result.getByText('partial').waitFor();
    expect(await page.locator('.steps li.step-done').count()).toBe(5);
    expect(await page.getByRole('progressbar', { name: 'Upload progress' }).getAttribute('value')).toBe('100');
    await result.getByText('users[3].email').waitFor();
    expect(await result.locator('.counts dd').allTextContents()).toEqual(['3', '1', '2', '0', '1']);
    await ui.screenshot('inventory-upload');

    // The upload PUT went to the signed URL without the API key; no URL ever carried the key.
    const upload = requests.find((r) => r.method === 'PUT' && r.url.includes('/uploads/'));
    expect(upload).toBeDefined();
    expect(upload?.authorization).toBeUndefined();
    expect(requests.filter((r) => r.url.includes('/v1.0/')).every((r) => r.authorization === `Bearer ${server.adminKey}`)).toBe(true);
    expect(requests.some((r) => r.url.includes(server.adminKey))).toBe(false);

    const account = await server.request<{ appAccount: { lastSyncStatus: string } }>('GET', `/v1.0/app-accounts/${accountId}`);
    expect(account.body.appAccount.lastSyncStatus).toBe('partial');

    // A file cut short fails as a whole: the server's reason, and the account keeps its users.
    await page.getByLabel('JSON file').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"users":[{"email":"x@acme.test"},') });
    await page.getByRole('button', { name: 'Upload and sync' }).click();
    await result.locator('.sync-result').getByText('failed').waitFor();
    await result.getByRole('alert').getByText(/cannot be read/).waitFor();
    await result.getByText('The app account keeps its previous users and licenses.').waitFor();
    await ui.screenshot('inventory-upload-failed');

    // The account page lists its syncs from the API, newest first; a row opens the full sync.
    await ui.goto(`/inventory/accounts/${accountId}`);
    const syncs = page.getByRole('table', { name: 'Syncs' }).locator('tbody tr[data-sync]');
    await expect.poll(() => syncs.count()).toBe(2);
    await syncs.nth(0).getByText('failed').waitFor();
    await syncs.nth(1).getByText('partial').waitFor();
    expect(await syncs.nth(1).locator('td').allTextContents()).toEqual([expect.any(String), 'partial', '3', '1', '1', expect.any(String), 'Details']);
    expect(await page.getByText('users[3].email').count()).toBe(0);
    await syncs.nth(1).getByRole('button', { name: 'Details' }).click();
    await page.locator('.sync-result').getByText('users[3].email').waitFor();
    await ui.screenshot('inventory-account-syncs');
    await page.getByLabel('Sync status').selectOption('failed');
    await expect.poll(() => syncs.count()).toBe(1);
    await syncs.nth(0).getByText('failed').waitFor();
    await page.getByLabel('Sync status').selectOption('success');
    await page.getByText('No success syncs.').waitFor();
    expect(requests.some((r) => r.url.includes(`/v1.0/services/sync/custom?idAppAccount=${accountId}`) && r.url.includes('status=success'))).toBe(true);

    // Looking a sync up by id: this account's shows, another account's is refused.
    const own = await server.request<{ syncs: Array<{ id: string; status: string }> }>('GET', `/v1.0/services/sync/custom?idAppAccount=${accountId}&status=partial`);
    const lookup = page.getByRole('form', { name: 'Find a sync' });
    await lookup.getByLabel('Sync id').fill(vaultSyncs[0] ?? '');
    await lookup.getByRole('button', { name: 'Show' }).click();
    await page.getByText(`Sync ${vaultSyncs[0]} belongs to another app account.`).waitFor();
    await lookup.getByLabel('Sync id').fill(own.body.syncs[0]?.id ?? '');
    await lookup.getByRole('button', { name: 'Show' }).click();
    await page.locator(`.sync-result[data-sync="${own.body.syncs[0]?.id}"]`).getByText('users[3].email').waitFor();
    expect(ui.consoleErrors).toEqual([]);
  });

  it("lists the syncs a script started, a page at a time", async () => {
    const { page } = ui;
    await ui.goto(`/inventory/accounts/${vaultAccount}`);
    const syncs = page.getByRole('table', { name: 'Syncs' }).locator('tbody tr[data-sync]');
    await expect.poll(() => syncs.count()).toBe(20);
    expect(await syncs.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-sync')))).toEqual(vaultSyncs.slice(0, 20));
    await page.getByRole('button', { name: 'Show older syncs' }).click();
    await expect.poll(() => syncs.count()).toBe(21);
    expect(await syncs.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-sync')))).toEqual(vaultSyncs);
    expect(await page.getByRole('button', { name: 'Show older syncs' }).count()).toBe(0);
    expect(ui.consoleErrors).toEqual([]);
  });

  it('lists users across apps with filters and downloads them as CSV with the key in a header', async () => {
    const { page, server } = ui;
    await ui.goto('/inventory/users');
    const rows = page.locator('table tbody tr');
    await expect.poll(() => rows.count()).toBe(4);
    await page.getByLabel('App', { exact: true }).selectOption({ label: 'Timesheets' });
    await expect.poll(() => rows.count()).toBe(3);
    expect(page.url()).toContain('idApp=');
    await page.getByLabel('Status').selectOption('deleted');
    await expect.poll(() => rows.count()).toBe(1);
    await rows.first().getByText('cy@acme.test').waitFor();
    await rows.first().getByText('Suspended').waitFor();
    await page.getByLabel('Status').selectOption('');
    await page.getByLabel('Last used').selectOption('not30');
    await expect.poll(() => rows.count()).toBe(1);
    await rows.first().getByText('bob@acme.test').waitFor();
    await page.getByLabel('Last used').selectOption('in30');
    await expect.poll(() => rows.count()).toBe(1);
    await rows.first().getByText('ann@acme.test').waitFor();
    await ui.screenshot('inventory-users-filtered');

    // A bookmarked filter comes back with the page.
    await page.reload();
    await expect.poll(() => rows.count()).toBe(1);
    expect(await page.getByLabel('Last used').inputValue()).toBe('in30');

    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(() => rows.count()).toBe(4);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    expect(download.suggestedFilename()).toBe('users.csv');
    const csv = readFileSync((await download.path()) as string, 'utf8');
    expect(csv.split('\r\n')[0]).toMatch(/^email,firstName,lastName,status/);
    for (const email of ['ann@acme.test', 'bob@acme.test', 'cy@acme.test', 'dee@acme.test']) expect(csv).toContain(email);
    const csvRequest = requests.find((r) => r.url.includes('/v1.0/users') && r.url.includes('format=csv'));
    expect(csvRequest?.authorization).toBe(`Bearer ${server.adminKey}`);
    expect(csvRequest?.url).not.toContain(server.adminKey);
    expect(ui.consoleErrors).toEqual([]);
  });

  it('shows licenses with utilization bars and the monthly cost of unused seats', async () => {
    const { page } = ui;
    await ui.goto('/inventory/licenses');
    // Pro: 2 assigned + 2 free = 4 seats; only Ann used the app in the last 30 days → 3 unused × 12.00.
    const pro = page.locator('table tbody tr', { hasText: 'Pro' }).last();
    await pro.getByRole('img', { name: '1 of 4 seats used in the last 30 days (25%)' }).waitFor();
    await pro.getByText('36.00').waitFor();
    expect(await page.locator('dl.totals dd').allTextContents()).toEqual(['4', '1', '3', '36.00']);
    await ui.screenshot('inventory-licenses');
    await page.setViewportSize({ width: 390, height: 800 });
    await pro.getByRole('img', { name: /1 of 4 seats/ }).waitFor();
    await ui.screenshot('inventory-licenses-narrow');
    await ui.goto('/inventory');
    await page.getByRole('heading', { name: /Timesheets/ }).waitFor();
    await ui.screenshot('inventory-apps-narrow');
    await page.setViewportSize({ width: 1280, height: 800 });
    await ui.goto('/inventory');
    await page.locator('.app-card', { hasText: 'Timesheets' }).getByText('failed').waitFor();
    await ui.screenshot('inventory-apps');
    expect(ui.consoleErrors).toEqual([]);
  });
});
