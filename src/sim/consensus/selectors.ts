/**
 * The node selectors a scenario step may name instead of a node id, and how every target
 * (the simulator, live, local) resolves them: from the status each orderer reports
 * (`Cluster.ordererStatus`), by one rule, so no two targets can disagree on `leader` or
 * `nextLeader`. A leaf module (beside `leaderOfView`), so that the simulator, which must
 * not know the scenario language, resolves them here too; src/scenarios/selectors.ts
 * re-exports it.
 */
import { leaderOfView } from './quorum.ts';

type NodeId = string;

/** A name a scenario step may use for the nodes it means at that moment. */
export type Selector = 'leader' | 'nextLeader' | 'followers' | 'all' | 'orderers' | 'peers';

/** What the resolution reads of an orderer's status (the `Cluster` port's `OrdererStatus`). */
export interface ReportedStatus {
  readonly view: number;
  /** The leader this orderer believes in (null when unknown or down). */
  readonly leader: NodeId | null;
  readonly role: 'leader' | 'follower' | 'down';
}

/** What the resolution reads of a topology (the `Cluster` port's `TopologyInfo`). */
export interface SelectorTopology {
  /** In consenter order: index i is consenter i + 1. */
  readonly orderers: readonly NodeId[];
  readonly peers: readonly NodeId[];
}

export const SELECTORS: readonly Selector[] = ['leader', 'nextLeader', 'followers', 'all', 'orderers', 'peers'];

export function isSelector(name: string): name is Selector {
  return (SELECTORS as readonly string[]).includes(name);
}

/** How the orderers pick their leader: SmartBFT rotates it by view (Fabric forces leader rotation off), Raft elects it. */
export type LeaderRule = 'smartbft' | 'raft';

/** The leader of the orderers, and the next view's (SmartBFT only), as `resolveOnTarget` names them. */
export interface CurrentLeader {
  readonly leader: NodeId;
  /** SmartBFT: the leader of the view after the current one; Raft: undefined (leaders are elected). */
  readonly next?: NodeId;
}

/**
 * The leader, from each orderer's reported status (`statuses[i]` is `orderers[i]`'s; an
 * orderer that is down or names no leader does not count):
 * - SmartBFT: the view most orderers report (ties: the highest), whose leader is consenter
 *   (v mod n) + 1 (`leaderOfView`; Fabric forces rotation off); the next leader is view
 *   v + 1's. No orderer reporting: view 0.
 * - Raft: the leader most orderers follow (ties: the first in orderer order); none when
 *   no orderer knows one (an election is under way).
 */
export function currentLeader(orderers: readonly NodeId[], statuses: readonly ReportedStatus[], rule: LeaderRule = 'smartbft'): CurrentLeader {
  const reporting = statuses.filter((s) => s.role !== 'down' && s.leader !== null);
  if (rule === 'raft') {
    const votes = new Map<NodeId, number>();
    for (const s of reporting) votes.set(s.leader as NodeId, (votes.get(s.leader as NodeId) ?? 0) + 1);
    let best: NodeId | undefined;
    for (const [l, c] of votes) if (best === undefined || c > (votes.get(best) ?? 0)) best = l;
    if (best === undefined) throw new Error('no Raft leader is known right now (an election is under way)');
    return { leader: best };
  }
  const counts = new Map<number, number>();
  for (const s of reporting) counts.set(s.view, (counts.get(s.view) ?? 0) + 1);
  let view = 0;
  let most = 0;
  for (const [v, c] of counts) if (c > most || (c === most && v > view)) [view, most] = [v, c];
  if (orderers.length === 0) throw new Error('there are no orderers to lead');
  return { leader: leaderOfView(orderers, view), next: leaderOfView(orderers, view + 1) };
}

/** What `resolveOnTarget` asks of a target. */
export interface SelectorTarget {
  /** A node id the target knows. */
  isNode(name: string): boolean;
  /** The node ids to list when a name is unknown. */
  readonly nodes: readonly string[];
  /** How its orderers pick their leader (default SmartBFT). */
  readonly leaderRule?: LeaderRule;
  /** Each orderer's status, in `TopologyInfo.orderers` order; asked only for `leader`, `followers` and `nextLeader`. */
  ordererStatuses(): Promise<readonly ReportedStatus[]>;
}

/**
 * `all`, `orderers` and `peers` from the topology (CouchDB is named explicitly); `leader`,
 * `followers` and `nextLeader` from the orderers' statuses (`currentLeader`), asked only
 * when needed. A node id the target knows (`isNode`) is itself; anything else is a
 * one-line error listing `nodes`.
 */
export async function resolveOnTarget(t: SelectorTopology, nodeOrSelector: string, target: SelectorTarget): Promise<readonly NodeId[]> {
  if (target.isNode(nodeOrSelector)) return [nodeOrSelector];
  if (!isSelector(nodeOrSelector)) {
    throw new Error(`unknown node or selector "${nodeOrSelector}" (nodes: ${target.nodes.join(', ')}; selectors: ${SELECTORS.join(', ')})`);
  }
  switch (nodeOrSelector) {
    case 'all':
      return [...t.orderers, ...t.peers];
    case 'orderers':
      return [...t.orderers];
    case 'peers':
      return [...t.peers];
    default: {
      const rule = target.leaderRule ?? 'smartbft';
      if (nodeOrSelector === 'nextLeader' && rule === 'raft') throw new Error('nextLeader has no meaning with Raft: leaders are elected, not rotated');
      const { leader, next } = currentLeader(t.orderers, await target.ordererStatuses(), rule);
      if (nodeOrSelector === 'leader') return [leader];
      if (nodeOrSelector === 'followers') return t.orderers.filter((o) => o !== leader);
      return [next as NodeId];
    }
  }
}
