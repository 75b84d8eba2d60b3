/**
 * SmartBFT's own stories (test/basic_test.go of hyperledger-labs/SmartBFT v1.0.1), each a
 * built-in test scenario named after its Go test (src/scenarios/builtins/smartbft-stories.ts),
 * run on the real simulator: every step's expectation (what the Go test asserts) and every
 * invariant must hold.
 */
import { describe, expect, it } from 'vitest';
import { findBuiltin, SMARTBFT_STORIES } from '../../../src/scenarios/builtins/index.ts';
import { runScenario } from '../../../src/scenarios/runner.ts';
import { validateScenario } from '../../../src/scenarios/schema.ts';
import { SCENARIO_BEHAVIOURS, simChecks, simClusterFor } from '../../../src/scenarios/simulator.ts';
import { main } from '../../../src/cli/main.ts';
import { testEnv } from '../../cli/env.ts';

describe('SmartBFT basic_test.go stories on the simulator', () => {
  it('ports at least ten, each named smartbft.<GoTest> and found by name', () => {
    expect(SMARTBFT_STORIES.length).toBeGreaterThanOrEqual(10);
    for (const b of SMARTBFT_STORIES) {
      expect(b.name).toMatch(/^smartbft\.Test[A-Za-z]+$/);
      expect(findBuiltin(b.name)).toBe(b);
    }
  });

  it('scenarios --smartbft lists them apart from the lab built-ins; run takes their names', async () => {
    const env = testEnv();
    expect(await main(['scenarios', '--smartbft'], env)).toBe(0);
    const lines = env.out().trim().split('\n');
    expect(lines[0]).toMatch(/^SmartBFT test stories, from SmartBFT's test\/basic_test\.go/);
    expect(lines.slice(1).map((l) => l.trim().split(/\s+/)[0])).toEqual(SMARTBFT_STORIES.map((b) => b.name));
    const plain = testEnv();
    expect(await main(['scenarios'], plain)).toBe(0);
    expect(plain.out()).not.toContain('smartbft.Test');
    const one = testEnv();
    expect(await main(['run', 'smartbft.TestBasic', '--json'], one)).toBe(0);
  });

  for (const story of SMARTBFT_STORIES) {
    it(story.name, async () => {
      const scenario = validateScenario(story.build({}), { behaviours: SCENARIO_BEHAVIOURS });
      const cluster = await simClusterFor(scenario, { seed: 1 });
      const result = await runScenario(scenario, cluster, { seed: 1, checks: simChecks, behaviours: SCENARIO_BEHAVIOURS });
      await cluster.close();
      expect(result.steps.filter((s) => !s.ok).map((s) => `${s.index} ${s.name}: ${s.error ?? ''}`)).toEqual([]);
      expect(result.checks.filter((c) => !c.ok).map((c) => c.name)).toEqual([]);
      expect(result.passed).toBe(true);
    });
  }
});
