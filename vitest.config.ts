import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Suites with a run of their own: the packed package (npm run test:package,
    // vitest.package.config.ts) and the real network, which needs Fabric binaries and
    // minutes (npm run test:local, vitest.local.config.ts).
    exclude: [...configDefaults.exclude, 'test/package/**', 'test/local/real/**'],
    // One seed for every property test (TEST_SEED, printed once); see test/setup/seed-global.ts.
    globalSetup: ['test/setup/seed-global.ts'],
    setupFiles: ['test/setup/seed.ts'],
    // The machine has 2 cores; property tests are CPU-bound.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
