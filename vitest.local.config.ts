import { defineConfig } from 'vitest/config';

// `npm run test:local`: the suite against a real Fabric network on 127.0.0.1 (test/local/real).
// It needs the binaries of a Fabric 3.1 release ($FABRIC_HOME, see docs/local.md) and
// skips itself, saying why, when they are absent. One file at a time: it starts processes.
export default defineConfig({
  test: {
    include: ['test/local/real/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 600_000,
  },
});
