/**
 * The model's commit latency of an issue over the leader's batch phase, for the differential
 * suite (fidelity.ts).
 *
 * A request waits at the leader for the end of its current NextBatch round (SmartBFT
 * internal/bft/batcher.go: a RequestBatchMaxInterval timer per round; controller.go `propose`
 * loops while the pool is empty). On the real network where in its round a request lands is a
 * uniform draw: Go's rounds each take the interval plus the loop's own time, so their phase
 * drifts, and the steps between two issues take varying times (76 issues on Fabric 3.1.5,
 * 2026-12-03: waits of 0-56 ms, quartiles 14/28/39 ms; docs/calibration.md, "A fault step's
 * issue"). The model's rounds are exactly one interval apart and its steps take exact times,
 * so a scenario's issue lands at one phase, the same for nearly every seed: kill-orderer's
 * steps 1, 4 and 13 wait 49, 13 and 3 ms at seed 1. One real draw is therefore compared with
 * the model's latency over the phases: the issue run after an extra sleep of 0,
 * {@link PHASE_STEP_MS}, ... ms (one interval in all), the scenario otherwise unchanged.
 */
import type { Scenario } from '../src/scenarios/schema.ts';
import { DEFAULT_CONFIG, type SmartBftConfig } from '../src/sim/smartbft/config.ts';
import { DEFAULT_SEED, runScenario } from '../src/scenarios/runner.ts';
import { simClusterFor } from '../src/scenarios/simulator.ts';
import { median } from '../src/calibrate/profile.ts';

/** The step between two phases tried: ten phases over the default 50 ms interval. */
export const PHASE_STEP_MS = 5;

export interface PhaseLatency {
  /** The latency (simulated ms) at each phase tried, in the order of the extra sleep. */
  readonly byPhase: readonly number[];
  readonly median: number;
  readonly min: number;
  readonly max: number;
}


/** `scenario` with a sleep of `ms` before its step `index` (1-based); the scenario itself for 0. */
export function withSleepBefore(scenario: Scenario, index: number, ms: number): Scenario {
  if (ms === 0) return scenario;
  const steps = [...scenario.steps];
  steps.splice(index - 1, 0, { name: `batch phase: ${ms} ms later`, sleep: `${ms}ms` } as unknown as Scenario['steps'][number]);
  return { ...scenario, steps };
}

/**
 * Each listed issue step's latency over the leader's batch phases (seed: the scenario's), at
 * the network's SmartBFT options and back-off cap. A phase whose issue failed is left out.
 */
export async function phaseLatencies(
  scenario: Scenario,
  steps: ReadonlySet<number>,
  options: { readonly smartbft: Partial<SmartBftConfig>; readonly ordererBackoffMaxMs: number },
  stepMs = PHASE_STEP_MS,
): Promise<Map<number, PhaseLatency>> {
  const out = new Map<number, PhaseLatency>();
  const interval = options.smartbft.RequestBatchMaxInterval ?? DEFAULT_CONFIG.RequestBatchMaxInterval;
  const seed = scenario.seed ?? DEFAULT_SEED;
  for (const index of [...steps].sort((a, b) => a - b)) {
    const byPhase: number[] = [];
    for (let ms = 0; ms < interval; ms += stepMs) {
      const sc = withSleepBefore(scenario, index, ms);
      const cluster = await simClusterFor(sc, { seed, smartbft: options.smartbft, ordererBackoffMaxMs: options.ordererBackoffMaxMs });
      try {
        const result = await runScenario(sc, cluster, { seed });
        const s = result.steps.find((x) => x.index === (ms === 0 ? index : index + 1));
        if (s !== undefined && s.ok) byPhase.push(s.tookMs);
      } finally {
        await cluster.close();
      }
    }
    if (byPhase.length > 0) out.set(index, { byPhase, median: median(byPhase), min: Math.min(...byPhase), max: Math.max(...byPhase) });
  }
  return out;
}
