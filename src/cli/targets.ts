/**
 * The one place the CLI wires the simulator behind the `Cluster` port.
 */
import { SCENARIO_BEHAVIOURS, simChecks, simClusterFor } from '../sim/cluster/for-scenario.ts';
import type { SimTarget } from './io.ts';

export function simTarget(): SimTarget {
  return { create: simClusterFor, checks: simChecks, behaviours: SCENARIO_BEHAVIOURS };
}
