import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { json, startUpstream, type Upstream } from '../helpers/upstream.js';
import { startUi, type UiSession } from './browser.js';

const API_KEY = 'upstream-key-7c1d';
const PEOPLE = Array.from({ length: 5 }, (_, i) => ({ id: i + 1, email: `person${i + 1}@example.com`, role: i % 2 === 0 ? 'admin' : 'member' }));

/** The definition typed into the JSON editor: an API key field, bearer auth, a paged users list. */
function definition(baseUrl: string): string {
  return JSON.stringify(
    {
      base_url: baseUrl,
      credentials: { format: 'api_key', config: { fields: [{ name: 'api_key', label: 'API key', type: 'password', required: true }, { name: 'region', label: 'Region', type: 'single_select', options: ['eu', 'us'], required: true }] } },
      authorization: { format: 'bearer', config: { token: '{{credentials.api_key}}' } },
      pagination: { format: 'page', config: { page_key: 'page', limit_key: 'per_page' } },
      resources: {
        people: {
          list: { method: 'get', path: '/people', query: { role: '{{query.role}}' }, response_path: 'people', description: 'Everyone' },
          create: { method: 'post', path: '/people', body: '{{body}}' },
        },
      },
    },
    null,
    2,
  );
}

describe('console: integrations, connections, explore, settings', () => {
  let ui: UiSession;
  let upstream: Upstream;
  let integrationId = '';

  beforeAll(async () => {
    ui = await startUi();
    upstream = await startUpstream((req, res) => {
      if (req.headers.authorization !== `Bearer ${API_KEY}`) return json(res, 401, { message: 'bad key' });
      const url = new URL(req.url, 'http://x');
      const role = url.searchParams.get('role');
      const page = Number(url.searchParams.get('page') ?? 1);
      const size = Number(url.searchParams.get('per_page') ?? 100);
      const matching = PEOPLE.filter((p) => !role || p.role === role);
      json(res, 200, { people: matching.slice((page - 1) * size, page * size) });
    });
  });
  afterAll(async () => {
    await ui?.close();
    await upstream?.close();
  });
  // Each test asserts the console errors of its own steps.
  beforeEach(() => {
    if (ui) ui.consoleErrors.length = 0;
  });

  it('creates an integration from the catalogue in two clicks and shows its resources and methods', async () => {
    const { page } = ui;
    await ui.signIn();
    await page.getByText('No integrations yet.').waitFor();
    await ui.screenshot('integrations-empty');
    await page.getByRole('link', { name: 'New integration' }).first().click(); // click 1
    await page.getByRole('list', { name: 'Catalogue' }).waitFor();
    await ui.screenshot('integrations-catalogue');
    await page.getByRole('button', { name: /^Add GitHub/ }).click(); // click 2
    await page.getByRole('heading', { name: 'Resources and methods' }).waitFor();
    expect(page.url()).toMatch(/\/integrations\/[0-9a-f-]{36}$/);
    const methods = page.getByRole('table').last();
    expect(await methods.getByRole('row').count()).toBeGreaterThan(1);
    await ui.screenshot('integration-detail');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Integrations' }).click();
    const row = page.getByRole('row', { name: /GitHub/ });
    await row.waitFor();
    expect(await row.textContent()).toContain('allow');
    await ui.screenshot('integrations');
    expect(ui.consoleErrors).toEqual([]);
  });

  it('creates an integration from JSON, with schema errors shown at their line as you type', async () => {
    const { page } = ui;
    await ui.goto('/integrations/new');
    await page.getByRole('tab', { name: 'From JSON' }).click();
    await page.getByLabel('Name').fill('people_api');
    await page.getByLabel('Category').fill('hr');
    const editor = page.getByLabel(/^Definition/);
    // A typo'd key on line 2 and a bad method on line 5.
    await editor.fill('{\n  "base_urll": "http://x.test",\n  "resources": {\n    "people": {\n      "list": { "method": "fetch", "path": "/p" }\n    }\n  }\n}');
    await page.getByText(/Line 2: base_urll is not a known field/).waitFor();
    await page.getByText(/Line 5: resources\.people\.list\.method/).waitFor();
    await page.getByText(/Line 1: base_url is required/).waitFor();
    expect(await page.getByRole('button', { name: 'Create integration' }).isDisabled()).toBe(true);
    await ui.screenshot('integration-json-errors');
    // A syntax error is placed too.
    await editor.fill('{\n  "base_url": "http://x.test",\n  oops\n}');
    await page.getByText(/Line 3: Expected a property name/).waitFor();

    await editor.fill(definition(upstream.url));
    await page.getByText('valid', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Create integration' }).click();
    await page.getByRole('heading', { name: 'Resources and methods' }).waitFor();
    integrationId = page.url().split('/').at(-1) ?? '';
    await page.getByRole('cell', { name: 'GET /people' }).waitFor();
    expect(ui.consoleErrors).toEqual([]);
  });

  it('creates a connection through the form generated from the credentials fields, shows secrets masked, and pings it', async () => {
    const { page, server } = ui;
    await page.getByRole('link', { name: 'Connect', exact: true }).click();
    await page.getByLabel('Connection name').fill('People (prod)');
    const secret = page.getByLabel('API key *');
    expect(await secret.getAttribute('type')).toBe('password');
    await secret.fill(API_KEY);
    await page.getByLabel('Region *').selectOption('eu');
    await ui.screenshot('connection-new');
    await page.getByRole('button', { name: 'Create connection' }).click();
    await page.getByRole('heading', { name: 'People (prod)' }).waitFor();
    await page.getByRole('cell', { name: 'credentials.api_key' }).waitFor();
    const settings = await page.getByRole('tabpanel').textContent();
    expect(settings).toContain('******');
    expect(settings).not.toContain(API_KEY);
    expect(await page.content()).not.toContain(API_KEY);

    await page.getByRole('button', { name: 'Ping' }).click();
    await page.getByText('Ping succeeded').waitFor();
    expect(upstream.requests.at(-1)?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    await page.getByText('online').first().waitFor();

    // Debug for 15 minutes, ping again, and the request shows in the debug log with the key masked.
    await page.getByRole('tab', { name: 'Debug log' }).click();
    await page.getByText('No recorded requests.').waitFor();
    await page.getByLabel('Debug for 15 minutes').click();
    await page.getByText(/Recording outbound requests until/).waitFor();
    await page.getByRole('button', { name: 'Ping' }).click();
    await page.getByText('Ping succeeded').waitFor();
    await page.getByRole('button', { name: 'Refresh' }).click();
    const entry = page.getByRole('list', { name: 'Debug log' }).getByText(/GET http:\/\/127\.0\.0\.1:\d+\/people/);
    await entry.waitFor();
    await entry.click();
    expect(await page.getByRole('list', { name: 'Debug log' }).textContent()).not.toContain(API_KEY);
    await ui.screenshot('connection-debug');

    await page.getByRole('tab', { name: 'Audit history' }).click();
    const timeline = page.getByRole('list', { name: 'Audit history' });
    await timeline.getByText('debugDate').waitFor();
    expect(await timeline.textContent()).toContain('create');
    expect(await timeline.textContent()).toContain('ui');
    await ui.screenshot('connection-audit');

    await page.getByRole('tab', { name: 'Dependencies' }).click();
    await page.getByText('Nothing uses this connection yet.').waitFor();

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Connections' }).click();
    const row = page.getByRole('row', { name: /People \(prod\)/ });
    await row.waitFor();
    const text = await row.textContent();
    expect(text).toContain('online');
    expect(text).toContain('ok');
    await ui.screenshot('connections');
    const stored = await server.request<Array<{ name: string; lastPing: { ok: boolean } | null }>>('GET', '/v1/connections');
    expect(stored.body.find((c) => c.name === 'People (prod)')?.lastPing?.ok).toBe(true);
    expect(ui.consoleErrors).toEqual([]);
  });

  it('shows the exact error of a failed ping and marks the connection offline', async () => {
    const { page, server } = ui;
    const created = await server.request<{ _id: string }>('POST', '/v1/connections', {
      type: 'integration',
      name: 'People (wrong key)',
      _integrationId: integrationId,
      credentials: { api_key: 'not-the-key', region: 'us' },
    });
    expect(created.status).toBe(201);
    await ui.goto(`/connections/${created.body._id}`);
    await page.getByRole('button', { name: 'Ping' }).click();
    const alert = page.getByRole('alert');
    await alert.getByText('401', { exact: true }).waitFor();
    // The remote's own status and the start of its body, as the API reports them.
    // Exactly what the API answers for this ping.
    const api = await server.request<{ errors: Array<{ code: string; message: string }> }>('GET', `/v1/connections/${created.body._id}/ping`);
    expect(api.status).toBe(502);
    const [error] = api.body.errors;
    expect(error?.code).toBe('401');
    expect(await alert.textContent()).toContain(error?.message ?? '(none)');
    await page.getByText('offline').first().waitFor();
    await ui.screenshot('connection-ping-failed');
    // The browser logs the 502 response itself; nothing else may be logged.
    expect(ui.consoleErrors.filter((e) => !e.includes('status of 502'))).toEqual([]);
    expect(ui.consoleErrors).toHaveLength(1);
    ui.consoleErrors.length = 0;
    await ui.goto('/connections');
    expect(await page.getByRole('row', { name: /People \(wrong key\)/ }).textContent()).toContain('offline');
  });

  it('runs a paged export in Explore, pages on, toggles raw JSON and previews a mapping', async () => {
    const { page } = ui;
    expect(integrationId).not.toBe('');
    await ui.goto('/connections');
    await page.getByRole('row', { name: /People \(prod\)/ }).getByRole('link').click();
    await page.getByRole('main').getByRole('link', { name: 'Explore' }).click();
    await page.getByLabel('Resource').selectOption('people');
    await page.getByLabel('Method').selectOption('list');
    await page.getByLabel('Page size').fill('2');
    await page.getByRole('button', { name: 'Run export' }).click();
    const records = page.getByRole('table', { name: 'Records, page 1' });
    await records.waitFor();
    expect(await records.getByRole('columnheader').allTextContents()).toEqual(['#', 'id', 'email', 'role']);
    expect(await records.getByRole('row').count()).toBe(3);
    await records.getByRole('cell', { name: 'person1@example.com' }).waitFor();
    await ui.screenshot('explore');

    await page.getByRole('button', { name: 'Next page' }).click();
    const second = page.getByRole('table', { name: 'Records, page 2' });
    await second.getByRole('cell', { name: 'person3@example.com' }).waitFor();
    await page.getByLabel('Raw JSON (Records, page 2)').check();
    expect(await page.getByLabel('Records, page 2 as JSON').textContent()).toContain('"email": "person4@example.com"');
    await page.getByLabel('Raw JSON (Records, page 2)').uncheck();

    // The mapping starts from the inferred columns; rename one target and preview through import/map.
    await page.getByLabel('Generate 2').fill('contact.email');
    await page.getByRole('button', { name: 'Preview mapping' }).click();
    const mapped = page.getByRole('table', { name: 'Mapped records' });
    await mapped.waitFor();
    expect(await mapped.getByRole('columnheader').allTextContents()).toEqual(['#', 'id', 'contact', 'role']);
    await mapped.getByRole('cell', { name: '{"email":"person3@example.com"}' }).waitFor();
    await ui.screenshot('explore-mapping');

    // A parameter of the method ({{query.role}}) is a field; the export restarts with it.
    await page.getByLabel('role', { exact: true }).fill('admin');
    await page.getByLabel('Page size').fill('10');
    await page.getByRole('button', { name: 'Run export' }).click();
    const admins = page.getByRole('table', { name: 'Records, page 1' });
    await admins.getByRole('cell', { name: 'person5@example.com' }).waitFor();
    expect(await admins.getByRole('row').count()).toBe(4);
    expect(ui.consoleErrors).toEqual([]);
  });

  it('creates an http connection with the http form and explores it with page paging', async () => {
    const { page } = ui;
    await ui.goto('/connections/new');
    await page.getByLabel('any HTTP API (http form)').check();
    await page.getByLabel('Connection name').fill('People over HTTP');
    await page.getByLabel('Base URI').fill(upstream.url);
    await page.getByLabel('Authentication').selectOption('token');
    const token = page.getByLabel('Token', { exact: true });
    expect(await token.getAttribute('type')).toBe('password');
    await token.fill(API_KEY);
    await page.getByLabel('Ping relative URI').fill('/people');
    await page.getByRole('button', { name: 'Create connection' }).click();
    await page.getByRole('heading', { name: 'People over HTTP' }).waitFor();
    await page.getByRole('cell', { name: 'http.auth.token.token' }).waitFor();
    expect(await page.getByRole('tabpanel').textContent()).not.toContain(API_KEY);
    await page.getByRole('button', { name: 'Ping' }).click();
    await page.getByText('Ping succeeded').waitFor();

    await page.getByRole('main').getByRole('link', { name: 'Explore' }).click();
    await page.getByLabel('Relative URI').fill('/people?page={{export.http.paging.page}}&per_page=2');
    await page.getByLabel('Records at (resource path)').fill('people');
    await page.getByLabel('Paging').selectOption('page');
    await page.getByLabel('Page size').fill('3');
    await page.getByRole('button', { name: 'Run export' }).click();
    const first = page.getByRole('table', { name: 'Records, page 1' });
    await first.getByRole('cell', { name: 'person3@example.com' }).waitFor();
    expect(await first.getByRole('row').count()).toBe(4);
    await page.getByRole('button', { name: 'Next page' }).click();
    const second = page.getByRole('table', { name: 'Records, page 2' });
    await second.getByRole('cell', { name: 'person5@example.com' }).waitFor();
    expect(await second.getByRole('row').count()).toBe(3);
    await page.getByRole('button', { name: 'Preview mapping' }).click();
    await page.getByRole('table', { name: 'Mapped records' }).getByRole('cell', { name: 'person4@example.com' }).waitFor();
    await ui.screenshot('explore-http');
    expect(ui.consoleErrors).toEqual([]);
  });

  it('creates an API key shown once, and revokes it', async () => {
    const { page, server } = ui;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByLabel('Key name').fill('ci pipeline');
    await page.getByLabel('Scope').selectOption('read');
    await page.getByRole('button', { name: 'Create key' }).click();
    const shown = page.getByTestId('new-key');
    await shown.waitFor();
    const key = (await shown.textContent()) ?? '';
    expect(key).toMatch(/^sy_/);
    expect((await server.request('GET', '/v1/team', undefined, { key })).status).toBe(200);
    await ui.screenshot('settings-key-created');
    await page.getByRole('button', { name: 'I have copied it' }).click();
    expect(await page.content()).not.toContain(key);

    const row = page.getByRole('row', { name: /ci pipeline/ });
    await row.getByText('active').waitFor();
    let asked = '';
    page.once('dialog', (dialog) => {
      asked = dialog.message();
      void dialog.accept();
    });
    await page.getByRole('button', { name: 'Revoke ci pipeline' }).click();
    await row.getByText('revoked').waitFor();
    expect(asked).toContain('Revoke the key "ci pipeline"');
    expect((await server.request('GET', '/v1/team', undefined, { key })).status).toBe(401);

    // Team and custom apps on the same page.
    await page.getByLabel('App name').fill('Internal wiki');
    await page.getByLabel('App category').fill('docs');
    await page.getByRole('button', { name: 'Add custom app' }).click();
    await page.getByRole('cell', { name: 'Internal wiki' }).waitFor();
    await page.getByLabel('Team name').fill('Acme ops');
    await page.getByRole('button', { name: 'Save team' }).click();
    await page.getByText('Saved.').waitFor();
    await page.getByText('Acme ops').first().waitFor();
    await ui.screenshot('settings');
    expect(ui.consoleErrors).toEqual([]);
  });

  it('works in a narrow window: the navigation folds into a Menu button and tables scroll', async () => {
    const { page } = ui;
    await page.setViewportSize({ width: 390, height: 844 });
    await ui.goto('/connections');
    await page.getByRole('row', { name: /People \(prod\)/ }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await nav.isVisible()).toBe(false);
    await page.getByRole('button', { name: 'Menu' }).click();
    await nav.getByRole('link', { name: 'Explore' }).click();
    await page.getByRole('heading', { name: 'Explore' }).waitFor();
    await ui.goto('/connections');
    await page.getByRole('row', { name: /People \(prod\)/ }).waitFor();
    await ui.screenshot('connections-narrow');
    await ui.goto('/settings');
    await page.getByRole('heading', { name: 'API keys' }).waitFor();
    await ui.screenshot('settings-narrow');
    // Keyboard: the first Tab reaches the skip link, Enter moves focus to the content.
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement && document.activeElement.textContent')).toBe('Skip to content');
    await page.setViewportSize({ width: 1280, height: 800 });
    expect(ui.consoleErrors).toEqual([]);
  });
});
