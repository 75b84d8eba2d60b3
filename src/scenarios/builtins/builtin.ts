/**
 * What a built-in scenario is: a name, a one-line description, and a function from the
 * orderer count to a scenario document. Fault counts scale with f = floor((n-1)/3)
 * (SmartBFT's `computeQuorum`), so `run beyond-f --orderers 7` stops f+1 = 3 orderers.
 * `defineBuiltin` writes the common opening (shape, orderer check, name, seed) once.
 */
import { computeQuorum, type Quorum } from '../../sim/consensus/quorum.ts';
import type { Scenario, Step } from '../schema.ts';
import { ordererIds, resolveTopology, type TopologySpec } from '../topology.ts';

export interface BuiltinParams {
  /** Number of orderers (default: the scenario's own default, 4 on certchain). */
  readonly orderers?: number;
}

export interface BuiltinScenario {
  readonly name: string;
  /** One line for `fabric-bft-sim scenarios`. */
  readonly description: string;
  /** One of the lab's three demos (what `npm start` runs). */
  readonly lab: boolean;
  /** Smallest orderer count the story makes sense for, and why. */
  readonly minOrderers: number;
  readonly minOrderersWhy: string;
  build(params: BuiltinParams): Scenario;
}

/** The ids and quorum figures a built-in needs to scale with n. */
export interface Shape {
  readonly topology: TopologySpec;
  readonly n: number;
  readonly quorum: Quorum;
  /** Consenter ids in order: index 0 is the leader of view 0. */
  readonly orderers: readonly string[];
}

export function shape(topology: Omit<TopologySpec, 'orderers'>, params: BuiltinParams, defaultOrderers?: number): Shape {
  const base = resolveTopology(topology);
  const n = params.orderers ?? defaultOrderers ?? base.orderers;
  const full: TopologySpec = { preset: 'certchain', ...topology, orderers: n };
  return { topology: full, n, quorum: computeQuorum(n), orderers: ordererIds(n, base.orgs) };
}

/** `kill-orderer needs at least 3 orderers (...)` */
export class BuiltinParamError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BuiltinParamError';
  }
}

export function requireOrderers(b: Pick<BuiltinScenario, 'name' | 'minOrderers' | 'minOrderersWhy'>, n: number): void {
  if (!Number.isInteger(n) || n < b.minOrderers) {
    throw new BuiltinParamError(`${b.name} needs --orderers >= ${b.minOrderers} (${b.minOrderersWhy}), got ${String(n)}`);
  }
}

export interface BuiltinDefinition {
  readonly name: string;
  /** One line for `fabric-bft-sim scenarios`. */
  readonly description: string;
  readonly lab: boolean;
  readonly minOrderers: number;
  readonly minOrderersWhy: string;
  /** Topology fields besides the orderer count (default: the certchain preset). */
  readonly topology?: Omit<TopologySpec, 'orderers'>;
  /** Orderer count without --orderers (default: the topology's, 4 on certchain). */
  readonly defaultOrderers?: number;
  /** The scenario document's description, which may name n, f and the quorum. */
  readonly summary: (s: Shape) => string;
  readonly steps: (s: Shape) => Step[];
}

/** A built-in from its story: the name is written once, the orderer count checked once. */
export function defineBuiltin(d: BuiltinDefinition): BuiltinScenario {
  const b: BuiltinScenario = {
    name: d.name,
    description: d.description,
    lab: d.lab,
    minOrderers: d.minOrderers,
    minOrderersWhy: d.minOrderersWhy,
    build(params) {
      const s = shape(d.topology ?? {}, params, d.defaultOrderers);
      requireOrderers(b, s.n);
      return { name: d.name, description: d.summary(s), topology: s.topology, seed: 1, steps: d.steps(s) };
    },
  };
  return b;
}
