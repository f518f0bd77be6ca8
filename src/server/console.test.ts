import { describe, expect, it } from 'vitest';
import { isConsoleRoute } from './console.js';

describe('isConsoleRoute', () => {
  const html = 'text/html,application/xhtml+xml,*/*;q=0.8';
  it('sends browser navigations to client routes to the console', () => {
    expect(isConsoleRoute('GET', '/connections/abc', html)).toBe(true);
    expect(isConsoleRoute('GET', '/integrations/new?x=1', html)).toBe(true);
    expect(isConsoleRoute('HEAD', '/settings', html)).toBe(true);
  });
  it('never answers API paths, non-GET requests or non-HTML clients with the console', () => {
    for (const path of ['/v1/nothing', '/v1.0/apps/x', '/integration/x', '/proxy/users', '/openapi.json', '/docs/x', '/oauth/callback', '/connect/t', '/schemas/x', '/webhooks/a/b', '/uploads/t', '/health', '/assets/missing.js', '/v1']) {
      expect(isConsoleRoute('GET', path, html), path).toBe(false);
    }
    expect(isConsoleRoute('POST', '/connections', html)).toBe(false);
    expect(isConsoleRoute('GET', '/connections', 'application/json')).toBe(false);
    expect(isConsoleRoute('GET', '/connections', undefined)).toBe(false);
  });
});
