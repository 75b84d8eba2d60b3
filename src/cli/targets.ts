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

/** The targets simTarget() made: the ones a worker thread can make again on its side (src/cli/workers). */
const builtin = new WeakSet<SimTarget>();

export function simTarget(): SimTarget {
  const target: SimTarget = {
    create: (scenario, options) => {
      const profile = scenarioProfile(scenario);
      return simClusterFor(scenario, { ...options, ...(profile !== undefined ? { profile } : {}) });
    },
    checks: simChecks,
    behaviours: SCENARIO_BEHAVIOURS,
  };
  builtin.add(target);
  return target;
}

/**
 * Whether `target` is the built-in simulator, as simTarget() made it: asked by identity,
 * not by comparing its functions (a wrapper around simClusterFor is not simClusterFor, which
 * is how `--workers` silently ran in one thread from the profile commit on).
 */
export function isSimTarget(target: SimTarget): boolean {
  return builtin.has(target);
}
