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
 *
 * The same holds when issues come between the start and the wait (beyond-f's step 15:
 * `start: orderer.org3`, an issue, then `waitFor: { caughtUp: orderer.org3 }`): the issue
 * takes a tenth of a second, the redials still decide when the node hears it is behind. A draw
 * can also end with the node not caught up when the wait gives up (beyond-f at 18:47 and 18:51
 * on 2026-12-03: its sync's height probe read two orderers before they served the block they
 * were deciding, so it stopped one block short, and an idle network never showed it behind).
 * Such a seed has no catch-up time: the range is over the seeds that caught up, and the seeds
 * that did not are listed with it ({@link Spread.stuck}); a real run that did not catch up is
 * one of the model's draws when some seed did not either ({@link drawOutcome}).
 */
import type { Scenario } from '../src/scenarios/schema.ts';
import type { CalibrationProfile } from '../src/sim/fabric/profile.ts';
import type { SmartBftConfig } from '../src/sim/smartbft/config.ts';
import { runScenario } from '../src/scenarios/runner.ts';
import { simClusterFor } from '../src/scenarios/simulator.ts';

/** Seeds 1..N the model runs a scenario with to find a step's spread. */
export const SPREAD_SEEDS = 20;
import { LOCAL_POLL_MS } from '../src/cli/commands/local.ts';

/** How often the local target polls a `waitFor`: a real time is known to that much. */
export { LOCAL_POLL_MS };

export interface Spread {
  /** The least and most time over the seeds that caught up (NaN when none did). */
  readonly min: number;
  readonly max: number;
  /** Seeds run: 1..seeds. */
  readonly seeds: number;
  /** The seeds whose wait gave up (the step failed, or the run stopped before it): no catch-up time. */
  readonly stuck: readonly number[];
}

/**
 * The 1-based indices of the steps that wait for an orderer to catch up
 * (`waitFor: { caughtUp: X }`) after its start (`start: X`) with nothing but issues between:
 * their time is set by the others' redial. A sleep, another wait, a read or a fault between
 * them makes the wait no draw (kill-orderer sleeps 5 s after its start: the redials are done).
 */
export function restartCatchUps(scenario: Scenario): Set<number> {
  const out = new Set<number>();
  const steps = scenario.steps as unknown as readonly Record<string, unknown>[];
  steps.forEach((step, i) => {
    const wait = step['waitFor'] as Record<string, unknown> | undefined;
    const node = wait?.['caughtUp'];
    if (typeof node !== 'string' || !node.startsWith('orderer')) return;
    let j = i - 1;
    while (j >= 0 && (steps[j] as Record<string, unknown>)['issue'] !== undefined) j--;
    if (j >= 0 && (steps[j] as Record<string, unknown>)['start'] === node) out.add(i + 1);
  });
  return out;
}

/** Each listed step's time (simulated ms) over seeds 1..`seeds`, at the network's SmartBFT options and back-off cap (and a calibration profile, the built-in one by default). */
export async function stepSpreads(
  scenario: Scenario,
  steps: ReadonlySet<number>,
  options: { readonly smartbft: Partial<SmartBftConfig>; readonly ordererBackoffMaxMs: number; readonly profile?: CalibrationProfile },
  seeds = SPREAD_SEEDS,
): Promise<Map<number, Spread>> {
  const out = new Map<number, { min: number; max: number; stuck: number[] }>();
  if (steps.size === 0) return new Map();
  for (let seed = 1; seed <= seeds; seed++) {
    const cluster = await simClusterFor(scenario, { seed, smartbft: options.smartbft, ordererBackoffMaxMs: options.ordererBackoffMaxMs, ...(options.profile !== undefined ? { profile: options.profile } : {}) });
    try {
      const result = await runScenario(scenario, cluster, { seed });
      // A step this seed's run never reached (it stopped before: its time budget, an abort)
      // has not caught up either: counted with the stuck seeds, not as one that caught up.
      const byIndex = new Map(result.steps.map((x) => [x.index, x]));
      for (const index of [...steps].sort((a, b) => a - b)) {
        const s = byIndex.get(index);
        const was = out.get(index) ?? { min: Infinity, max: -Infinity, stuck: [] };
        if (s !== undefined && s.ok) out.set(index, { min: Math.min(was.min, s.tookMs), max: Math.max(was.max, s.tookMs), stuck: was.stuck });
        else out.set(index, { ...was, stuck: [...was.stuck, seed] });
      }
    } finally {
      await cluster.close();
    }
  }
  const spreads = new Map<number, Spread>();
  for (const [i, s] of out) spreads.set(i, { min: Number.isFinite(s.min) ? s.min : NaN, max: Number.isFinite(s.max) ? s.max : NaN, seeds, stuck: s.stuck });
  return spreads;
}

/** Whether a real time lies in the model's spread, give or take the local target's poll (never, when no seed caught up). */
export function inSpread(real: number, s: Spread): boolean {
  return real >= s.min - LOCAL_POLL_MS && real <= s.max + LOCAL_POLL_MS;
}

/**
 * A catch-up's outcome against the model's seeds: the real run caught up, as some seed did, or
 * did not, as some seed did not (the same draw). Otherwise the outcome differs, and why.
 */
export function drawOutcome(realCaughtUp: boolean, s: Spread): { readonly same: boolean; readonly why: string } {
  const caught = s.seeds - s.stuck.length;
  if (realCaughtUp) {
    if (caught === 0) return { same: false, why: `the model caught up on none of seeds 1-${s.seeds}` };
    return { same: true, why: s.stuck.length === 0 ? '' : `a draw: the model caught up on ${caught} of seeds 1-${s.seeds}` };
  }
  if (s.stuck.length > 0) return { same: true, why: `a draw: the model did not catch up on seed${s.stuck.length === 1 ? '' : 's'} ${s.stuck.join(', ')} of 1-${s.seeds} either` };
  return { same: false, why: `the model caught up on all of seeds 1-${s.seeds}` };
}

/** The spread as the tolerance column says it. */
export function spreadText(s: Spread, ms: (x: number) => string): string {
  const caught = s.seeds - s.stuck.length;
  const stuck = s.stuck.length === 0 ? '' : `; seed${s.stuck.length === 1 ? '' : 's'} ${s.stuck.join(', ')} did not catch up`;
  if (caught === 0) return `in the model's range, but none of seeds 1-${s.seeds} caught up`;
  return `in the model's ${ms(s.min)}-${ms(s.max)} (seeds 1-${s.seeds}${stuck}) ± ${ms(LOCAL_POLL_MS)}`;
}
