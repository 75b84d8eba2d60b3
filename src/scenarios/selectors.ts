/**
 * The node selectors a scenario step may name instead of a node id (`leader`, `nextLeader`,
 * ...), declared and resolved once, for every target, in the leaf module
 * src/sim/consensus/selectors.ts (the simulator resolves them there too, and must not
 * import the scenario language).
 */
export { SELECTORS, currentLeader, isSelector, resolveOnTarget, type CurrentLeader, type LeaderRule, type ReportedStatus, type SelectorTarget, type SelectorTopology } from '../sim/consensus/selectors.ts';
