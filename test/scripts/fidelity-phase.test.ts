/**
 * scripts/fidelity-phase.ts: the model's commit latency of an issue over the leader's batch
 * phase (SmartBFT batcher.go: a request waits for the end of the leader's NextBatch round), on
 * the real model, and the scenario variant it runs for each phase.
 */
import { describe, expect, it } from 'vitest';
import { PHASE_STEP_MS, phaseLatencies, withSleepBefore } from '../../scripts/fidelity-phase.ts';
import { findBuiltin, type BuiltinScenario } from '../../src/scenarios/builtins/index.ts';

const build = (name: string) => (findBuiltin(name) as BuiltinScenario).build({ orderers: 4 });
const OPTIONS = { smartbft: { LeaderHeartbeatTimeout: 10_000, RequestComplainTimeout: 8_000 }, ordererBackoffMaxMs: 3_000 };

describe("fidelity: an issue's commit latency is the model's over the leader's batch phases", () => {
  it('runs the scenario with a sleep before the issue, the rest unchanged', () => {
    const sc = build('kill-orderer');
    expect(withSleepBefore(sc, 13, 0)).toBe(sc);
    const later = withSleepBefore(sc, 13, 15);
    expect(later.steps).toHaveLength(sc.steps.length + 1);
    expect(later.steps[12]).toEqual({ name: 'batch phase: 15 ms later', sleep: '15ms' });
    expect(later.steps[13]).toEqual(sc.steps[12]);
    expect(later.steps.slice(0, 12)).toEqual(sc.steps.slice(0, 12));
  });

  it("kill-orderer's step 13: seed 1 lands just before a round's end; over the phases it waits from nothing to a whole round", async () => {
    const p = (await phaseLatencies(build('kill-orderer'), new Set([13]), OPTIONS)).get(13);
    expect(p?.byPhase).toHaveLength(50 / PHASE_STEP_MS);
    // The phase of the scenario as it is: the request reaches the leader ~3 ms before the round ends.
    expect(p?.byPhase[0]).toBeGreaterThan(45);
    expect(p?.byPhase[0]).toBeLessThan(56);
    // One RequestBatchMaxInterval (50 ms) between its shortest and longest wait, less one phase step.
    expect((p?.max ?? 0) - (p?.min ?? 0)).toBeGreaterThanOrEqual(50 - PHASE_STEP_MS - 2);
    expect((p?.max ?? 0) - (p?.min ?? 0)).toBeLessThanOrEqual(50 + 2);
    expect(p?.median).toBeGreaterThan((p?.byPhase[0] ?? 0) + 10);
  });
});
