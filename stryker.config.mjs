// @ts-check
// Mutation testing of the SmartBFT consenter: `npm run mutate` (docs/testing.md).
// Not part of `npm test` or CI: a full run takes tens of minutes on 2 cores.
// Pick files with `npm run mutate -- --mutate src/sim/smartbft/view.ts` (comma-separated
// list or globs). Reports land in reports/mutation/ (gitignored): index.html to browse,
// mutation.json, and stryker-incremental.json, which lets the next run re-test only the
// mutants whose code or tests changed (`-- --force` re-tests all).
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: {
    // test/sim/smartbft only (vitest.mutate.config.ts); of those, only the files that
    // import the mutated code run in the first (dry) run.
    configFile: 'vitest.mutate.config.ts',
    related: true,
  },
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: ['src/sim/smartbft/*.ts'],
  // Per-test coverage: each mutant runs only the tests that reach its code.
  coverageAnalysis: 'perTest',
  // The machine has 2 cores shared with other work.
  concurrency: 2,
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  tempDirName: '.stryker-tmp',
  // Not copied into the sandbox: other runs' sandboxes and reports, the local network's folder.
  ignorePatterns: ['/.stryker-tmp*', '/reports', '/.fabric-net', '/test-output'],
  cleanTempDir: true,
  // issue #13: at least 85% of mutants killed per file. Reported, not enforced.
  thresholds: { high: 85, low: 70, break: null },
  // A mutant that loops forever (a timer re-armed at the same instant) is killed as a
  // timeout after this much more than the tests' own time.
  timeoutMS: 5_000,
};
