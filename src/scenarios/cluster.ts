/**
 * The `Cluster` port, as the scenario language names it: its types and result words live in
 * the leaf module src/shared/cluster.ts, so the simulator (src/sim/cluster) implements the
 * port without importing the scenario language.
 */
export * from '../shared/cluster.ts';

/** The selector names, declared where every target resolves them (src/sim/consensus/selectors.ts). */
export type { Selector } from '../sim/consensus/selectors.ts';
