/**
 * The model's spread of a step's time over seeds, for the differential suite (fidelity.ts).
 *
 * Some recoveries are not one time but a draw. An orderer restarted after ~10 s down hears
 * from the others only once their gRPC connection to it redials (grpc-go internal/backoff:
 * 1 s, x1.6, each wait +-20% at random, capped at orderer.yaml General.Backoff.MaxDelay,
 * `net up`'s 3 s; src/shared/grpc-backoff.ts), so the first message that tells it it is behind
 * (f+1 Commits of a later proposal, f+1 HeartBeatResponses of a later view) comes anywhere
 * from at once to one capped wait (3.6 s) after its start; and when the leader's redial comes
 * after the node's sync, the leader's next PrePrepare is lost and the node waits for the
 * proposal after the next. Measured on Fabric 3.1.5 (rolling-restart, two quiet runs):
 * 4.2/3.1/3.7/2.1 s and 2.1/1.9/2.4/2.7 s for the same four catch-ups. The model draws the
 * same jitter from its seed, so one seed against one real run compares two draws; the
 * verdict for such a step is whether the real time lies in the model's range over
 * {@link SPREAD_SEEDS} seeds, widened by the local target's poll.
 */
import type { Scenario } from '../src/scenarios/schema.ts';
import type { SmartBftConfig } from '../src/sim/smartbft/config.ts';
import { runScenario } from '../src/scenarios/runner.ts';
import { simClusterFor } from '../src/scenarios/simulator.ts';

/** Seeds 1..N the model runs a scenario with to find a step's spread. */
export const SPREAD_SEEDS = 20;
import { LOCAL_POLL_MS } from '../src/cli/commands/local.ts';

/** How often the local target polls a `waitFor`: a real time is known to that much. */
export { LOCAL_POLL_MS };

export interface Spread {
  readonly min: number;
  readonly max: number;
  readonly seeds: number;
}

/**
 * The 1-based indices of the steps that wait for an orderer the step before started to catch
 * up (`start: X`, then `waitFor: { caughtUp: X }`): their time is set by the others' redial.
 */
export function restartCatchUps(scenario: Scenario): Set<number> {
  const out = new Set<number>();
  scenario.steps.forEach((step, i) => {
    const wait = (step as unknown as Record<string, unknown>)['waitFor'] as Record<string, unknown> | undefined;
    const before = i > 0 ? (scenario.steps[i - 1] as unknown as Record<string, unknown>)['start'] : undefined;
    if (wait !== undefined && typeof wait['caughtUp'] === 'string' && wait['caughtUp'] === before && String(before).startsWith('orderer')) out.add(i + 1);
  });
  return out;
}

/** Each listed step's time (simulated ms) over seeds 1..`seeds`, at the network's SmartBFT options and back-off cap. */
export async function stepSpreads(scenario: Scenario, steps: ReadonlySet<number>, options: { readonly smartbft: Partial<SmartBftConfig>; readonly ordererBackoffMaxMs: number }, seeds = SPREAD_SEEDS): Promise<Map<number, Spread>> {
  const out = new Map<number, Spread>();
  if (steps.size === 0) return out;
  for (let seed = 1; seed <= seeds; seed++) {
    const cluster = await simClusterFor(scenario, { seed, smartbft: options.smartbft, ordererBackoffMaxMs: options.ordererBackoffMaxMs });
    try {
      const result = await runScenario(scenario, cluster, { seed });
      for (const s of result.steps) {
        if (!steps.has(s.index) || !s.ok) continue;
        const was = out.get(s.index);
        out.set(s.index, { min: Math.min(was?.min ?? Infinity, s.tookMs), max: Math.max(was?.max ?? -Infinity, s.tookMs), seeds: (was?.seeds ?? 0) + 1 });
      }
    } finally {
      await cluster.close();
    }
  }
  return out;
}

/** Whether a real time lies in the model's spread, give or take the local target's poll. */
export function inSpread(real: number, s: Spread): boolean {
  return real >= s.min - LOCAL_POLL_MS && real <= s.max + LOCAL_POLL_MS;
}
