import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

/**
 * Stryker stops a mutant's run at the first failing test (bail), and vitest otherwise
 * runs the slowest files first. The one-consenter per-rule files (milliseconds each) go
 * first, then the quick ones, so most mutants are killed in about a second. Before them,
 * the tests of logs.ts's and options.ts's module-level tables: Stryker runs every test
 * against a mutant of code run at module load, so the file that kills them goes first.
 */
const FIRST = ['logs-rules', 'options-rules', 'view', 'heartbeat', 'viewdata', 'viewchanger-rules', 'controller-rules', 'controller-sync', 'inflight', 'inflightdata', 'quorum', 'config', 'normal-case', 'viewchanger', 'checkers', 'viewsequences', 'requestpool-rules', 'requestpool', 'batcher-rules', 'wal-rules', 'wal-append-rules'];
class RulesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification): number => {
      const name = /([^/]+)\.test\.ts$/.exec(f.moduleId)?.[1] ?? '';
      const i = FIRST.indexOf(name);
      return i === -1 ? FIRST.length : i;
    };
    return [...files].sort((a, b) => rank(a) - rank(b) || a.moduleId.localeCompare(b.moduleId));
  }
}

// The test set `npm run mutate` (stryker.config.mjs) runs against each mutant: the
// SmartBFT consenter's own tests (per-rule tests and stories). Left out, because each
// would add seconds to every surviving mutant on a 2-core machine: the rest of the suite
// (CLI, live, docs), which reaches the consenter only through whole runs, and the two
// random-schedule tests (properties.test.ts, liveness-1009.test.ts). The score measured
// this way is a lower bound of what the whole suite kills.
/** The one-consenter per-rule files: `MUTATE_TESTS=rules npm run mutate` runs only these (minutes, not tens of minutes). */
const RULES = ['view', 'heartbeat', 'viewdata', 'viewchanger-rules', 'controller-rules', 'controller-sync', 'inflight', 'inflightdata', 'quorum', 'requestpool-rules', 'requestpool', 'batcher-rules', 'wal-rules', 'wal-append-rules'];
/**
 * `MUTATE_TESTS=rules,config,checkers`: the per-rule files plus the named files of
 * test/sim/smartbft (quick unit tests of a module no per-rule file asserts on, such as
 * config.ts's error messages).
 */
const chosen = (process.env['MUTATE_TESTS'] ?? '').split(',').filter((x) => x !== '');
const rulesOnly = chosen.includes('rules');
const extra = chosen.filter((x) => x !== 'rules');

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: rulesOnly ? [...RULES, ...extra].map((f) => `test/sim/smartbft/${f}.test.ts`) : ['test/sim/smartbft/**/*.test.ts'],
    exclude: [...(base.test?.exclude ?? []), 'test/sim/smartbft/properties.test.ts', 'test/sim/smartbft/liveness-1009.test.ts'],
    sequence: { sequencer: RulesFirst },
    // One worker that keeps its modules between files: Stryker switches mutants through a
    // global, so nothing needs re-importing, and a fresh process per file cost ~1 s each.
    pool: 'threads',
    isolate: false,
  },
});
