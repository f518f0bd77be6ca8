import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** Debian's Chromium (`apt-get install chromium`; .ci/run installs it when missing). */
export const CHROMIUM = process.env.SWITCHYARD_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = path.resolve('test-results/ui');

export interface UiSession {
  server: TestServer;
  browser: Browser;
  page: Page;
  /** Console errors and uncaught page errors seen so far (each test asserts there are none). */
  consoleErrors: string[];
  /** Opens a console path (e.g. /connections) in the same tab. */
  goto(pathname: string): Promise<void>;
  /** Signs in through the sign-in screen with the given key (default: the server's admin key). */
  signIn(key?: string): Promise<void>;
  /** Saves test-results/ui/<name>.png (the full page). */
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * A real server on 127.0.0.1 with a real store (test/helpers/server.ts) serving the built console,
 * and Chromium driven by playwright-core at a 1280×800 window.
 */
export async function startUi(env: Record<string, string> = {}): Promise<UiSession> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set SWITCHYARD_CHROMIUM)`);
  const server = await startTestServer(env);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, baseURL: server.url });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const consoleErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(`${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => consoleErrors.push(`uncaught: ${error.message}`));
  mkdirSync(SCREENSHOT_DIR, { recursive: true });

  const session: UiSession = {
    server,
    browser,
    page,
    consoleErrors,
    goto: async (pathname) => {
      await page.goto(server.url + pathname);
    },
    signIn: async (key = server.adminKey) => {
      await page.goto(`${server.url}/`);
      await page.getByLabel('API key').fill(key);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('navigation', { name: 'Main' }).waitFor();
    },
    screenshot: async (name) => {
      const file = path.join(SCREENSHOT_DIR, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
  return session;
}
