/**
 * The one place that wires the simulator behind the `Cluster` port: `createSimCluster`
 * builds a `SimCluster` (src/sim/fabric) for a scenario's topology and seed.
 */
import type { Cluster } from '../scenarios/cluster.ts';
import type { Check } from '../scenarios/runner.ts';
import type { Scenario } from '../scenarios/schema.ts';
import { blockHashesAgree, converged, stateMatchesLedger, transactionsValid } from '../sim/cluster/checkers.ts';
import { SimCluster } from '../sim/cluster/sim-cluster.ts';
import { BYZANTINE_BEHAVIOURS } from '../sim/smartbft/api.ts';
import type { SimTarget, TargetOptions } from './io.ts';

export async function createSimCluster(scenario: Scenario, options: TargetOptions): Promise<Cluster> {
  const t = scenario.topology ?? {};
  return SimCluster.create({
    seed: options.seed,
    topology: {
      ...(t.orgs !== undefined ? { orgs: t.orgs } : {}),
      ...(t.orderers !== undefined ? { orderers: t.orderers } : {}),
      ...(t.peersPerOrg !== undefined ? { peersPerOrg: t.peersPerOrg } : {}),
      ...(t.dissemination !== undefined ? { dissemination: t.dissemination } : {}),
      ...(t.gossip !== undefined ? { gossip: t.gossip } : {}),
      ...(t.policy !== undefined ? { policy: t.policy } : {}),
    },
    ...(options.traceSink !== undefined ? { trace: { sink: options.traceSink } } : {}),
  });
}

/** How long after the last step every running peer must reach the orderers' height. */
const CONVERGENCE_BOUND_MS = 60_000;

/** The model's invariants, after a run: hash-chain agreement, validity, convergence, state = fold(ledger). */
export async function simChecks(cluster: Cluster): Promise<readonly Check[]> {
  if (!(cluster instanceof SimCluster)) throw new Error('the simulator checks need a SimCluster');
  const checks: Check[] = [blockHashesAgree(cluster), transactionsValid(cluster), await converged(cluster, CONVERGENCE_BOUND_MS)];
  for (const p of cluster.topology.peers) if (cluster.sim.isUp(p)) checks.push(stateMatchesLedger(cluster, p));
  return checks;
}

export function simTarget(): SimTarget {
  return { create: createSimCluster, checks: simChecks, behaviours: BYZANTINE_BEHAVIOURS };
}
