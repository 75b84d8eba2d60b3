/**
 * Background load (`load` steps) on the real simulator: each step's tally (issued,
 * committed, failed, pending) is its value at the end of the run, its `expect` is checked
 * against that tally, and the run's metrics sum them. Before issue #11, 100,000 issues that
 * never committed passed with `issued: 0, issueFailed: 0`.
 */
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/scenarios/runner.ts';
import { simChecks, simClusterFor } from '../../src/scenarios/simulator.ts';
import type { LoadTally } from '../../src/scenarios/cluster.ts';
import type { Scenario } from '../../src/scenarios/schema.ts';

async function run(scenario: Scenario) {
  const cluster = await simClusterFor(scenario, { seed: 3 });
  return runScenario(scenario, cluster, { seed: 3, checks: simChecks });
}

describe('load steps report what became of the load', () => {
  it('a healthy network commits all of it, and expect checks the tally', async () => {
    const r = await run({ name: 'load-ok', steps: [{ load: { via: 'techpulse', count: 10, every: '200ms' }, expect: { committed: 10, failed: 0, pending: 0 } }, { sleep: '20s' }] });
    const load = r.steps[0]?.value as LoadTally;
    expect(load).toMatchObject({ count: 10, issued: 10, committed: 10, failed: 0, pending: 0 });
    expect(r.steps[0]?.ok).toBe(true);
    expect(r.metrics.load).toEqual({ count: 10, issued: 10, committed: 10, failed: 0, pending: 0 });
    expect(r.passed).toBe(true);
  });

  it('with two of four orderers down nothing commits: the tally says so and a failed expect fails the run', async () => {
    const r = await run({
      name: 'load-stuck',
      steps: [{ stop: 'orderer.dataforge' }, { stop: 'orderer.org3' }, { load: { via: 'techpulse', count: 8, every: '1s' }, expect: { committed: 8 } }, { sleep: '20s' }],
    });
    const step = r.steps[2];
    expect(step?.ok).toBe(false);
    expect(step?.error).toContain('committed: expected 8, got 0');
    const load = step?.value as LoadTally;
    expect(load.committed).toBe(0);
    expect(load.issued).toBe(8);
    expect(load.failed + load.pending).toBe(8);
    expect(r.passed).toBe(false);
  });

  it('a load step without expect passes whatever became of the load (it is workload), but the tally is still reported', async () => {
    const r = await run({ name: 'load-any', steps: [{ stop: 'orderer.dataforge' }, { stop: 'orderer.org3' }, { load: { via: 'dataforge', count: 3, every: '1s' } }, { sleep: '5s' }] });
    expect(r.steps[2]?.ok).toBe(true);
    expect((r.steps[2]?.value as LoadTally).committed).toBe(0);
    expect(r.metrics.load?.count).toBe(3);
  });
});
