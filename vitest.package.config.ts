import { defineConfig } from 'vitest/config';

// `npm run test:package`: the packed package installed in a new project (test/package).
// Kept out of `npm test`: it builds dist/ and runs tsc twice, about a minute on 2 cores.
export default defineConfig({
  test: {
    include: ['test/package/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 180_000,
    hookTimeout: 400_000,
  },
});
