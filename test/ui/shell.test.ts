import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUi, type UiSession } from './browser.js';

describe('console shell', () => {
  let ui: UiSession;
  beforeAll(async () => {
    ui = await startUi();
  });
  afterAll(async () => {
    await ui?.close();
  });

  it('signs in with an API key kept in session storage (never in the URL) and shows the navigation', async () => {
    const { page, server } = ui;
    await page.goto(`${server.url}/`);
    await page.getByLabel('API key').waitFor();
    await ui.screenshot('sign-in');
    await ui.signIn();
    expect(page.url()).toBe(`${server.url}/integrations`);
    expect(page.url()).not.toContain(server.adminKey);
    expect(await page.evaluate("sessionStorage.getItem('switchyard.apiKey')")).toBe(server.adminKey);
    await page.getByRole('heading', { name: 'Integrations' }).waitFor();
    await page.getByText('No integrations yet.').waitFor();
    expect(ui.consoleErrors).toEqual([]);
  });

  it('serves client routes from index.html but keeps API 404s as JSON', async () => {
    const { server } = ui;
    const html = await fetch(`${server.url}/connections/abc`, { headers: { accept: 'text/html' } });
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toContain('text/html');
    expect(await html.text()).toContain('<div id="root">');
    const api = await fetch(`${server.url}/v1/nothing-here`, { headers: { accept: 'text/html' } });
    expect(api.status).toBe(404);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    const noHtml = await fetch(`${server.url}/connections/abc`);
    expect(noHtml.status).toBe(404);
  });

  it('runs under a strict Content-Security-Policy (no inline scripts or styles, no eval)', async () => {
    const { page, server } = ui;
    const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
    await page.route(`${server.url}/**`, async (route) => {
      const response = await route.fetch();
      const type = response.headers()['content-type'] ?? '';
      await route.fulfill({ response, headers: type.includes('text/html') ? { ...response.headers(), 'content-security-policy': csp } : response.headers() });
    });
    ui.consoleErrors.length = 0;
    for (const path of ['/integrations', '/integrations/new', '/connections', '/connections/new', '/explore', '/settings']) {
      await page.goto(server.url + path);
      await page.getByRole('navigation', { name: 'Main' }).waitFor();
      await page.locator('main h1').first().waitFor();
    }
    expect(ui.consoleErrors).toEqual([]);
    // The policy is in force: an inline script added to the page does not run.
    expect(await page.evaluate("(() => { const s = document.createElement('script'); s.textContent = 'window.inlineRan = true'; document.body.append(s); return window.inlineRan === true; })()")).toBe(false);
    await page.unroute(`${server.url}/**`);
    ui.consoleErrors.length = 0;
  });

  it('refuses a wrong key on the sign-in screen with the server\'s error', async () => {
    const { page, server } = ui;
    await page.evaluate('sessionStorage.clear()');
    await page.goto(`${server.url}/integrations`);
    await page.getByLabel('API key').fill('sy_not-a-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').getByText('API_KEY_INVALID').waitFor();
    // The refused key is a 401 the browser logs as a failed resource; that is the one expected error.
    expect(ui.consoleErrors.every((e) => e.includes('401'))).toBe(true);
    ui.consoleErrors.length = 0;
  });
});
