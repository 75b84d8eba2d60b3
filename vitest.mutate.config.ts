import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

// The test set `npm run mutate` (stryker.config.mjs) runs against each mutant: the
// SmartBFT consenter's own tests (per-rule tests and stories). Left out, because each
// would add seconds to every surviving mutant on a 2-core machine: the rest of the suite
// (CLI, live, docs), which reaches the consenter only through whole runs, and the two
// random-schedule tests (properties.test.ts, liveness-1009.test.ts). The score measured
// this way is a lower bound of what the whole suite kills.
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ['test/sim/smartbft/**/*.test.ts'],
    exclude: [...(base.test?.exclude ?? []), 'test/sim/smartbft/properties.test.ts', 'test/sim/smartbft/liveness-1009.test.ts'],
  },
});
