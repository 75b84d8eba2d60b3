/**
 * A scenario's simulator: `simClusterFor` opens a `SimCluster` on a scenario's topology
 * (with its SmartBFT options) and seed, and `simChecks` runs the model's checks on it after
 * a run (invariants: hash-chain agreement, validity; expectations: convergence, state =
 * fold(ledger) on every running peer).
 *
 * The scenario side's adapter to the simulator: it knows the scenario language (`Scenario`,
 * `Check`, the `Cluster` port) and the model, so it lives here rather than in src/sim, which
 * knows no scenario language.
 */
import type { Cluster } from './cluster.ts';
import type { Check } from './runner.ts';
import type { Behaviours, Scenario } from './schema.ts';
import type { TraceRecord } from '../sim/kernel/trace.ts';
import { blockHashesAgree, converged, stateMatchesLedger, transactionsValid } from '../sim/cluster/checkers.ts';
import { SimCluster, type KeepOptions } from '../sim/cluster/sim-cluster.ts';
import { parsePattern, type Pattern } from './pattern.ts';
import { RAFT_BYZANTINE_BEHAVIOURS } from '../sim/raft/index.ts';
import { BYZANTINE_BEHAVIOURS } from '../sim/smartbft/api.ts';
import { checkRestartResume, observeRestarts, type RestartObservation } from '../sim/smartbft/checkers.ts';
import type { SmartBftConfig } from '../sim/smartbft/config.ts';
import { modelConfigOf } from '../sim/smartbft/options.ts';
import type { CalibrationProfile } from '../sim/fabric/profile.ts';
import { rttMsOf, ZONE_DEFAULTS } from '../shared/zones.ts';
import { goDurationMs } from '../shared/duration.ts';

/**
 * The Byzantine behaviours a scenario may name, by the orderers' consensus: SmartBFT's or
 * Raft's, plus the Deliver service's `censorDeliver` on both (SimCluster.setByzantine
 * takes exactly these).
 */
export const SCENARIO_BEHAVIOURS: Behaviours = {
  smartbft: [...BYZANTINE_BEHAVIOURS, 'censorDeliver'],
  raft: [...RAFT_BYZANTINE_BEHAVIOURS, 'censorDeliver'],
};

/** How {@link simClusterFor} opens the simulator. */
export interface SimClusterForOptions {
  /** The run's seed: one seed, one exact run (same trace, byte for byte). */
  readonly seed: number;
  /** Receives every trace record of the run (--trace, --check-determinism, reports). */
  readonly traceSink?: (record: TraceRecord) => void;
  /** The caller's wall-clock and memory budget, polled inside the event loop. */
  readonly interrupt?: () => string | undefined;
  /** SmartBFT options other than Fabric's defaults (compare --target local runs the real network's). */
  readonly smartbft?: Partial<SmartBftConfig>;
  /**
   * The cap of the orderers' reconnect back-off, in ms, over the scenario's
   * `topology.ordererBackoffMaxDelay` (compare --target local runs the real network's).
   */
  readonly ordererBackoffMaxMs?: number;
  /**
   * The calibration profile the scenario's `topology.profile` names, read and validated by
   * the caller (the simulator does no I/O). Default: the built-in profile.
   */
  readonly profile?: CalibrationProfile;
  /**
   * What the cluster keeps beyond what the run needs (`SimCluster`'s `keep`): `run --logs`
   * and `serve` keep every log line. By default the cluster keeps only the log lines the
   * scenario's `waitFor` log steps may look for ({@link waitForLogLines}), and each metric
   * series' last value.
   */
  readonly keep?: KeepOptions;
}

/**
 * The log lines a scenario's `waitFor: { log: { match } }` steps may read: `false` when it
 * has none (no line is kept), a predicate that accepts a rendered line any of their
 * patterns matches, or `true` (keep every line) when a pattern is only known at run time
 * (a `$reference`). A line no pattern matches is never read by the run, so dropping it
 * changes no step's outcome; the lines kept are the ones `logs` returned before.
 */
export function waitForLogLines(scenario: Scenario): boolean | ((text: string) => boolean) {
  const sources = new Set<string>();
  for (const step of scenario.steps) {
    const arg = (step as unknown as Record<string, unknown>)['waitFor'];
    if (arg === null || typeof arg !== 'object') continue;
    const log = (arg as Record<string, unknown>)['log'];
    if (log === undefined) continue;
    const match = log !== null && typeof log === 'object' ? (log as Record<string, unknown>)['match'] : undefined;
    // A reference (or anything but a literal pattern) is resolved by the runner: keep every line.
    if (typeof match !== 'string' || (match.startsWith('$') && !match.startsWith('$$'))) return true;
    sources.add(match.startsWith('$$') ? match.slice(1) : match);
  }
  if (sources.size === 0) return false;
  const patterns: Pattern[] = [];
  for (const source of sources) {
    const r = parsePattern(source);
    // Not a pattern (a scenario that skipped validation): the step says so when it runs, as before.
    if ('error' in r) return true;
    patterns.push(r.pattern);
  }
  return (text) => patterns.some((p) => p.test(text));
}

/**
 * The simulated network a scenario describes (its `topology`: orgs, orderers, peers per
 * org, consensus, dissemination, policy, zones), opened at the given seed and ready for
 * {@link runScenario}. Pass the same seed to `runScenario` so the result records it.
 *
 * @example
 * ```ts
 * const cluster = await simClusterFor(scenario, { seed: 7 });
 * const result = await runScenario(scenario, cluster, { checks: simChecks, behaviours: SCENARIO_BEHAVIOURS, seed: 7 });
 * ```
 */
export async function simClusterFor(scenario: Scenario, options: SimClusterForOptions): Promise<SimCluster> {
  const t = scenario.topology ?? {};
  const cluster = await SimCluster.create({
    seed: options.seed,
    topology: {
      ...(t.orgs !== undefined ? { orgs: t.orgs } : {}),
      ...(t.orderers !== undefined ? { orderers: t.orderers } : {}),
      ...(t.peersPerOrg !== undefined ? { peersPerOrg: t.peersPerOrg } : {}),
      ...(t.consensus !== undefined ? { consensus: t.consensus } : {}),
      ...(t.dissemination !== undefined ? { dissemination: t.dissemination } : {}),
      ...(t.gossip !== undefined ? { gossip: t.gossip } : {}),
      ...(t.policy !== undefined ? { policy: t.policy } : {}),
    },
    ...(options.traceSink !== undefined ? { trace: { sink: options.traceSink } } : {}),
    ...(options.interrupt !== undefined ? { interrupt: options.interrupt } : {}),
    // The scenario's topology.smartbft, under the caller's (compare --target local passes the real network's).
    ...(t.smartbft !== undefined || options.smartbft !== undefined ? { smartbft: { ...modelConfigOf(t.smartbft ?? {}), ...options.smartbft } } : {}),
    ...(options.profile !== undefined ? { profile: options.profile } : {}),
    // topology.ordererBackoffMaxDelay (checked by the schema), under the caller's.
    ...(options.ordererBackoffMaxMs !== undefined ? { ordererBackoffMaxMs: options.ordererBackoffMaxMs } : t.ordererBackoffMaxDelay !== undefined ? { ordererBackoffMaxMs: goDurationMs(t.ordererBackoffMaxDelay) as number } : {}),
    keep: { logs: options.keep?.logs ?? waitForLogLines(scenario), ...(options.keep?.metrics !== undefined ? { metrics: options.keep.metrics } : {}) },
    // topology.zones: where each node sits, and the round-trip times inside and across zones (size's defaults).
    ...(t.zones !== undefined
      ? { zones: { spec: t.zones, rttInZoneMs: rttMsOf(t.rttInZone, ZONE_DEFAULTS.rttInZoneMs), rttAcrossZonesMs: rttMsOf(t.rttAcrossZones, ZONE_DEFAULTS.rttAcrossZonesMs) } }
      : {}),
  });
  // Every restart of a SmartBFT orderer from here on, for the restart-resumption invariant.
  if (t.consensus !== 'raft') restarts.set(cluster, observeRestarts(cluster.sim, cluster.topology.orderers));
  return cluster;
}

/** The restarts each cluster opened by simClusterFor has seen (SmartBFT orderers only). */
const restarts = new WeakMap<SimCluster, () => RestartObservation[]>();

/** How long after the last step every running peer must reach the orderers' height. */
export const CONVERGENCE_BOUND_MS = 60_000;

/**
 * The model's checks, run once after a run's steps (pass it as `checks` to
 * {@link runScenario}). Invariants of Fabric (a failed one fails the run): every peer's
 * chain is a prefix of the orderers' ({@link blockHashesAgree}), only submitted
 * transactions commit valid, once ({@link transactionsValid}). Expectations of the lab
 * (a failed one is a warning unless the scenario lists it in `expectations`): every
 * running peer reaches the orderers' height within {@link CONVERGENCE_BOUND_MS}
 * ({@link converged}), and each running peer's state database equals the fold of its
 * ledger ({@link stateMatchesLedger}). Needs a {@link SimCluster}.
 */
export async function simChecks(cluster: Cluster): Promise<readonly Check[]> {
  if (!(cluster instanceof SimCluster)) throw new Error('simChecks: the simulator checks need a SimCluster');
  const checks: Check[] = [blockHashesAgree(cluster), transactionsValid(cluster), await converged(cluster, CONVERGENCE_BOUND_MS)];
  for (const p of cluster.topology.peers) if (cluster.sim.isUp(p)) checks.push(stateMatchesLedger(cluster, p));
  const seen = restarts.get(cluster)?.();
  // Only when an orderer restarted: the checks table of a run without restarts stays as it was.
  if (seen !== undefined && seen.length > 0) checks.push(checkRestartResume(seen));
  return checks;
}
