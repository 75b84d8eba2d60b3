/**
 * The node selectors a scenario step may name instead of a node id, and how a real
 * target (live, local) resolves them from the leader its orderers report: one place, so
 * the live and local targets cannot disagree on `nextLeader`. The simulator resolves the
 * same names from its own state (SimCluster.select).
 */
import { leaderOfView } from '../sim/consensus/quorum.ts';
import type { NodeId, Selector, TopologyInfo } from './cluster.ts';

export const SELECTORS: readonly Selector[] = ['leader', 'nextLeader', 'followers', 'all', 'orderers', 'peers'];

export function isSelector(name: string): name is Selector {
  return (SELECTORS as readonly string[]).includes(name);
}

/**
 * `all`, `orderers` and `peers` from the topology (CouchDB is named explicitly); `leader`,
 * `followers` and `nextLeader` (the consenter after the leader, as the next view's leader
 * with leader rotation off) from `currentLeader`, asked only when needed. A node id the
 * target knows (`isNode`) is itself; anything else is a one-line error listing `nodes`.
 */
export async function resolveOnTarget(t: TopologyInfo, nodeOrSelector: string, target: { isNode(name: string): boolean; nodes: readonly string[]; currentLeader(): Promise<NodeId> }): Promise<readonly NodeId[]> {
  if (target.isNode(nodeOrSelector)) return [nodeOrSelector];
  if (!isSelector(nodeOrSelector)) {
    throw new Error(`unknown node or selector "${nodeOrSelector}" (nodes: ${target.nodes.join(', ')}; selectors: ${SELECTORS.join(', ')})`);
  }
  switch (nodeOrSelector) {
    case 'all':
      return [...t.orderers, ...t.peers];
    case 'orderers':
      return t.orderers;
    case 'peers':
      return t.peers;
    default: {
      const leader = await target.currentLeader();
      if (nodeOrSelector === 'leader') return [leader];
      if (nodeOrSelector === 'followers') return t.orderers.filter((o) => o !== leader);
      // The leader of view v is consenter (v mod n) + 1, so the next view's leader is the
      // consenter after this one.
      if (t.orderers.length === 0) return [leader];
      return [leaderOfView(t.orderers, t.orderers.indexOf(leader) + 1)];
    }
  }
}
