/**
 * The one place the CLI wires the simulator behind the `Cluster` port. A scenario's
 * `topology.profile` is read here (the simulator does no I/O) and passed in parsed.
 */
import { ProfileError, readProfile } from '../calibrate/profile.ts';
import { SCENARIO_BEHAVIOURS, simChecks, simClusterFor } from '../scenarios/simulator.ts';
import type { CalibrationProfile } from '../sim/fabric/profile.ts';
import type { Scenario } from '../scenarios/schema.ts';
import { UsageError, type SimTarget } from './io.ts';

/** The profile a scenario names (`topology.profile`), or undefined for the built-in one; a bad file is a UsageError naming it. */
export function scenarioProfile(scenario: Scenario): CalibrationProfile | undefined {
  const file = scenario.topology?.profile;
  if (file === undefined) return undefined;
  try {
    return readProfile(file);
  } catch (e) {
    if (e instanceof ProfileError) throw new UsageError(`topology.profile: ${e.message}`);
    throw e;
  }
}

export function simTarget(): SimTarget {
  return {
    create: (scenario, options) => {
      const profile = scenarioProfile(scenario);
      return simClusterFor(scenario, { ...options, ...(profile !== undefined ? { profile } : {}) });
    },
    checks: simChecks,
    behaviours: SCENARIO_BEHAVIOURS,
  };
}
