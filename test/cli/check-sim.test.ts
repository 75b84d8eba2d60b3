/**
 * `fabric-bft-sim check` end to end on the real simulator (not a fake target): the last
 * landing broke check on every seed (it drew Raft's `corrupt-block` for SmartBFT orderers,
 * which refuse it, and called that a safety failure) while its tests, on a fake target, passed.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { main } from '../../src/cli/main.ts';
import { simTarget } from '../../src/cli/targets.ts';
import { FAULT_KINDS, scheduleArbitrary } from '../../src/scenarios/schedule.ts';
import { behavioursFor } from '../../src/scenarios/schema.ts';
import { SCENARIO_BEHAVIOURS } from '../../src/scenarios/simulator.ts';
import { BYZANTINE_BEHAVIOURS } from '../../src/sim/smartbft/api.ts';
import { testSeed } from '../setup/test-seed.ts';
import { testEnv } from './env.ts';

describe('check on the simulator', () => {
  it.each(FAULT_KINDS.map((k) => [k]))('--faults %s: 12 schedules on two seeds pass', async (kind) => {
    for (const seed of [testSeed() % 1000, (testSeed() % 1000) + 1]) {
      const env = testEnv({}, simTarget());
      const code = await main(['check', '--runs', '12', '--seed', String(seed), '--faults', kind], env);
      expect(env.out(), `check --faults ${kind} --seed ${seed}: ${env.err()}`).toBe(`check: 12 schedules passed (seed ${seed})\n`);
      expect(code).toBe(0);
    }
  });

  it('all fault kinds at once (the default), 30 schedules', async () => {
    const seed = testSeed() % 1000;
    const env = testEnv({}, simTarget());
    const code = await main(['check', '--runs', '30', '--seed', String(seed)], env);
    expect(env.out(), env.err()).toBe(`check: 30 schedules passed (seed ${seed})\n`);
    expect(code).toBe(0);
  });

  it('schedules on SmartBFT orderers draw only SmartBFT behaviours (never Raft\'s corrupt-block)', () => {
    const behaviours = behavioursFor(SCENARIO_BEHAVIOURS, 'smartbft');
    const drawn = new Set<string>();
    const arb = scheduleArbitrary({ topology: { orderers: 4 }, faults: ['byzantine'], behaviours, maxActions: 20 });
    fc.assert(
      fc.property(arb, (s) => {
        for (const step of s.steps) if ('byzantine' in step) drawn.add(step.byzantine.behaviour);
      }),
      { numRuns: 200 },
    );
    expect(drawn.size).toBeGreaterThan(3);
    for (const b of drawn) expect([...BYZANTINE_BEHAVIOURS, 'censorDeliver']).toContain(b);
  });
});
