import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The packed-package test has its own run: npm run test:package (vitest.package.config.ts).
    exclude: ['test/package/**', '**/node_modules/**'],
    // One seed for every property test (TEST_SEED, printed once); see test/setup/seed-global.ts.
    globalSetup: ['test/setup/seed-global.ts'],
    setupFiles: ['test/setup/seed.ts'],
    // The real-network suite needs Fabric binaries and minutes: `npm run test:local` (vitest.local.config.ts).
    exclude: [...configDefaults.exclude, 'test/local/real/**'],
    // The machine has 2 cores; property tests are CPU-bound.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
