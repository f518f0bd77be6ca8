import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startUpstream, type Upstream } from '../helpers/upstream.js';
import { startUi, type UiSession } from './browser.js';

type Job = { _id: string; type: string; status: string; counts: { exported: number; imported: number; failed: number } };

const USERS = Array.from({ length: 7 }, (_, i) => ({ id: `u${i + 1}`, email: `user${i + 1}@example.com` }));

describe('console: flows', () => {
  let ui: UiSession;
  let source: Upstream;
  let target: Upstream;
  const written = new Map<string, unknown>();
  const blocked = new Set(['u3']);

  beforeAll(async () => {
    ui = await startUi();
    // The server runs flows itself, as `switchyard start` does.
    ui.server.context.jobLoop.start();
    source = await startUpstream((req, res) => {
      const page = Number(new URL(req.url, 'http://x').searchParams.get('page') ?? 1);
      json(res, 200, { users: USERS.slice((page - 1) * 3, page * 3) });
    });
    target = await startUpstream((req, res) => {
      const body = JSON.parse(req.body || '{}') as { externalId?: string };
      if (blocked.has(String(body.externalId))) return json(res, 422, { message: `${String(body.externalId)} is on hold` });
      written.set(String(body.externalId), body);
      json(res, 201, { id: `c-${String(body.externalId)}` });
    });
    for (const [name, upstream] of [['users source', source], ['contacts target', target]] as const) {
      const created = await ui.server.request('POST', '/v1/connections', { type: 'http', name, http: { baseURI: upstream.url } });
      expect(created.status).toBe(201);
    }
  });
  afterAll(async () => {
    await ui?.close();
    await source?.close();
    await target?.close();
  });

  it('creates a scheduled flow (export → mapping → import), runs it, shows its history and retries a failed record', async () => {
    const { page, server } = ui;
    await ui.signIn();
    await ui.goto('/flows');
    await page.getByText('No flows yet.').waitFor();
    await page.getByRole('link', { name: 'New flow' }).click();

    await page.getByLabel('Flow name').fill('Users to contacts');
    const exportStep = page.getByRole('group', { name: /Export/ });
    await exportStep.getByLabel('Read from connection').selectOption({ label: 'users source (http)' });
    await exportStep.getByLabel('Path to read').fill('/users?page={{export.http.paging.page}}');
    await exportStep.getByLabel('Paging').selectOption('page');
    await exportStep.getByLabel('Records at').fill('users');

    const mappingStep = page.getByRole('group', { name: /Mapping/ });
    await mappingStep.getByLabel('Source field 1').fill('id');
    await mappingStep.getByLabel('Target field 1').fill('externalId');
    await mappingStep.getByRole('button', { name: 'Add a field' }).click();
    await mappingStep.getByLabel('Source field 2').fill('email');
    await mappingStep.getByLabel('Target field 2').fill('contact.email');

    const importStep = page.getByRole('group', { name: /Import/ });
    await importStep.getByLabel('Write to connection').selectOption({ label: 'contacts target (http)' });
    await importStep.getByLabel('Path to write').fill('/contacts');

    // The preview reads live records and maps them without writing anything.
    await mappingStep.getByRole('button', { name: 'Preview with live records' }).click();
    await mappingStep.getByText('Would be written').waitFor();
    await expect.poll(() => mappingStep.locator('pre').nth(1).textContent()).toContain('"contact": {');
    expect(target.requests).toHaveLength(0);

    const scheduleStep = page.getByRole('group', { name: /Schedule/ });
    await scheduleStep.getByLabel('Run on a schedule').check();
    await scheduleStep.getByLabel('Preset').selectOption({ label: 'Every 4 hours' });
    await scheduleStep.getByLabel('Time zone').selectOption('Europe/Paris');
    await scheduleStep.getByText('every 4 hours, at minute 0').waitFor();
    await ui.screenshot('flows-new');
    await page.getByRole('button', { name: 'Create flow' }).click();

    await page.waitForURL(/\/flows\/[0-9a-f]{24}$/);
    const flowId = page.url().split('/').pop() as string;
    const saved = await server.request<{ schedule: string; timezone: string; nextRunAt: string | null; pageProcessors: Array<{ _importId: string }> }>('GET', `/v1/flows/${flowId}`);
    expect(saved.body).toMatchObject({ schedule: '0 */4 * * *', timezone: 'Europe/Paris', nextRunAt: expect.any(String) });
    const imported = await server.request<{ mapping: unknown }>('GET', `/v1/imports/${saved.body.pageProcessors[0]?._importId}`);
    expect(imported.body.mapping).toEqual({ fields: [{ extract: 'id', generate: 'externalId' }, { extract: 'email', generate: 'contact.email' }] });
    await page.getByText('No runs yet.').waitFor();

    await page.getByRole('button', { name: 'Run now' }).click();
    const runs = page.locator('table.runs tbody tr');
    await runs.first().getByText('partial').waitFor();
    await expect.poll(async () => (await runs.first().locator('td.num').allTextContents()).slice(1, 4)).toEqual(['7', '6', '1']);
    await page.getByRole('img', { name: /Records per run/ }).waitFor();
    expect(await page.locator('.run-chart rect.seg-imported').count()).toBe(1);
    expect(written.size).toBe(6);

    const errors = page.getByRole('region', { name: /Errors of/ });
    await errors.getByText('u3 is on hold').waitFor();
    await ui.screenshot('flows-run-partial');

    // Fix the target, choose the failed record and retry it alone.
    blocked.clear();
    // From the keyboard: Space ticks the record, Enter on the button retries it.
    await errors.getByRole('checkbox', { name: /Select error HTTP_422/ }).focus();
    await page.keyboard.press('Space');
    const retry = errors.getByRole('button', { name: /Retry 1 selected/ });
    await retry.focus();
    await page.keyboard.press('Enter');
    await runs.first().getByText('success').waitFor();
    await errors.getByText('No open errors').waitFor();
    expect(written.has('u3')).toBe(true);
    const jobs = await server.request<Job[]>('GET', `/v1/jobs?_flowId=${flowId}`);
    expect(jobs.body.map((j) => [j.type, j.status])).toEqual([
      ['retry', 'success'],
      ['flow', 'partial'],
    ]);
    await errors.getByLabel('Show resolved').check();
    await errors.getByText('u3 is on hold').waitFor();

    // A second run: two bars in the chart.
    await page.getByRole('button', { name: 'Run now' }).click();
    await expect.poll(() => page.locator('.run-chart rect.seg-imported').count()).toBe(2);
    await runs.first().getByText('success').waitFor();
    await ui.screenshot('flows-history');

    await ui.goto('/flows');
    await page.getByRole('link', { name: 'Users to contacts' }).waitFor();
    await page.getByText('0 */4 * * *').waitFor();
    await ui.screenshot('flows-list');
    await page.setViewportSize({ width: 390, height: 800 });
    await ui.goto(`/flows/${flowId}`);
    await page.getByRole('img', { name: /Records per run/ }).waitFor();
    await ui.screenshot('flows-history-narrow');
    await page.setViewportSize({ width: 1280, height: 800 });
    expect(ui.consoleErrors).toEqual([]);
  });

  it('shows the server\'s reasons when a schedule is refused, and keeps nothing half-made', async () => {
    const { page, server } = ui;
    const before = (await server.request<unknown[]>('GET', '/v1/exports')).body.length;
    await ui.goto('/flows/new');
    await page.getByLabel('Flow name').fill('Bad schedule');
    const exportStep = page.getByRole('group', { name: /Export/ });
    await exportStep.getByLabel('Read from connection').selectOption({ label: 'users source (http)' });
    await exportStep.getByLabel('Path to read').fill('/users');
    const importStep = page.getByRole('group', { name: /Import/ });
    await importStep.getByLabel('Write to connection').selectOption({ label: 'contacts target (http)' });
    await importStep.getByLabel('Path to write').fill('/contacts');
    const scheduleStep = page.getByRole('group', { name: /Schedule/ });
    await scheduleStep.getByLabel('Run on a schedule').check();
    await scheduleStep.getByLabel('Cron expression').fill('every tuesday');
    await page.getByRole('button', { name: 'Create flow' }).click();
    await page.getByRole('alert').getByText('VALIDATION_FAILED').waitFor();
    await scheduleStep.getByText(/is not a valid cron expression/).waitFor();
    // Focus goes to the field to fix.
    await expect.poll(() => page.evaluate('document.activeElement && document.activeElement.value')).toBe('every tuesday');
    await page.getByText('Saving the flow failed; nothing was kept.').waitFor();
    expect((await server.request<unknown[]>('GET', '/v1/exports')).body.length).toBe(before);
    expect(page.url()).toMatch(/\/flows\/new$/);
    await ui.screenshot('flows-new-refused');

    // Deleting a flow asks first, then leaves the list empty of it.
    const flows = (await server.request<Array<{ _id: string; name: string }>>('GET', '/v1/flows')).body;
    const existing = flows.find((f) => f.name === 'Users to contacts');
    await ui.goto(`/flows/${existing?._id}`);
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.waitForURL(/\/flows$/);
    await page.getByText('No flows yet.').waitFor();
    expect((await server.request('GET', `/v1/flows/${existing?._id}`)).status).toBe(404);

    // An unknown flow: the server's 404, with a retry.
    await ui.goto('/flows/000000000000000000000000');
    const alert = page.getByRole('alert');
    await alert.getByText('FLOW_NOT_FOUND').waitFor();
    await alert.getByRole('button', { name: 'Retry' }).waitFor();
    // The refused POST (400) and the unknown flow (404) are logged by the browser as failed resources: the expected errors.
    expect(ui.consoleErrors.length).toBeGreaterThan(0);
    expect(ui.consoleErrors.every((e) => e.includes('400') || e.includes('404'))).toBe(true);
    ui.consoleErrors.length = 0;
  });
});
