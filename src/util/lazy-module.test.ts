import type jsonata from 'jsonata';
import { describe, expect, it } from 'vitest';
import { lazyModule } from './lazy-module.js';

describe('lazyModule', () => {
  it('loads the package at the first call and returns the same module afterwards', async () => {
    const load = lazyModule<typeof jsonata>('jsonata');
    const first = load();
    expect(first).toBe(load());
    expect(await first('a + 1').evaluate({ a: 2 })).toBe(3);
  });

  it('resolves nothing until called, so a missing package fails at its first use', () => {
    const load = lazyModule<unknown>('switchyard-no-such-package');
    expect(() => load()).toThrow(/Cannot find module 'switchyard-no-such-package'/);
  });
});
