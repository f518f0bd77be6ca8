import { defineConfig } from 'vitest/config';

// Pure logic runs once ("unit"); everything that touches a store or HTTP runs once per store:
// always on SQLite, and on PostgreSQL too when TEST_DATABASE_URL is set (CI sets it).
const stores = ['sqlite', ...(process.env.TEST_DATABASE_URL ? ['postgres'] : [])];
const storeProjects = stores.map((store) => ({
  extends: true as const,
  test: {
    name: `api-${store}`,
    include: ['test/**/*.test.ts'],
    exclude: ['test/ui/**', '**/node_modules/**'],
    env: { SWITCHYARD_TEST_STORE: store },
  },
}));

// Fuzzing (test/fuzz/*.fuzz.ts): properties of pure logic and the HTTP fuzzer. Seeded by
// test/fuzz/setup.ts; `npm test` runs a bounded number of cases, `npm run test:fuzz` many more.
// The HTTP fuzzer runs on every store (a store can refuse input the other accepts).
const fuzzProjects = stores.map((store) => ({
  extends: true as const,
  test: {
    name: `fuzz-${store}`,
    include: store === 'sqlite' ? ['test/fuzz/**/*.fuzz.ts'] : ['test/fuzz/http.fuzz.ts'],
    setupFiles: ['test/fuzz/setup.ts'],
    env: { SWITCHYARD_TEST_STORE: store },
  },
}));
// The console in Chromium (test/ui): once, on SQLite, one file at a time (each starts a browser).
const uiProject = {
  extends: true as const,
  test: {
    name: 'ui',
    include: ['test/ui/**/*.test.ts'],
    env: { SWITCHYARD_TEST_STORE: 'sqlite' },
    globalSetup: ['test/ui/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
  },
};

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [{ extends: true, test: { name: 'unit', include: ['src/**/*.test.ts'] } }, ...storeProjects, ...fuzzProjects, uiProject],
  },
});
