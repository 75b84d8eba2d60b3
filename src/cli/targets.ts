/**
 * The one place the CLI wires the simulator behind the `Cluster` port.
 */
import type { Cluster } from '../scenarios/cluster.ts';
import type { Scenario } from '../scenarios/schema.ts';
import { simChecks, simClusterFor } from '../sim/cluster/for-scenario.ts';
import { RAFT_BYZANTINE_BEHAVIOURS } from '../sim/raft/index.ts';
import { BYZANTINE_BEHAVIOURS } from '../sim/smartbft/api.ts';
import type { SimTarget, TargetOptions } from './io.ts';

export function createSimCluster(scenario: Scenario, options: TargetOptions): Promise<Cluster> {
  return simClusterFor(scenario, options);
}

export { simChecks };

export function simTarget(): SimTarget {
  // Which of them an orderer takes depends on its consensus; SimCluster.setByzantine says so at run time.
  return { create: createSimCluster, checks: simChecks, behaviours: [...BYZANTINE_BEHAVIOURS, 'censorDeliver', ...RAFT_BYZANTINE_BEHAVIOURS] };
}
