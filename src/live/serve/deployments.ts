/** The lab's layout for the stand-in: node `<name>.<org>` is deployment `<name>` in namespace `certchain-<org>`. */
import type { NodeId, TopologyInfo } from '../../scenarios/cluster.ts';

export function deploymentOf(id: NodeId): { namespace: string; deployment: string } {
  const dot = id.indexOf('.');
  return { namespace: `certchain-${id.slice(dot + 1)}`, deployment: id.slice(0, dot) };
}

export function allNodes(t: TopologyInfo): NodeId[] {
  return [...t.orderers, ...t.peers, ...t.couchdbs];
}

export function nodeOf(t: TopologyInfo, namespace: string, deployment: string): NodeId | undefined {
  return allNodes(t).find((id) => {
    const d = deploymentOf(id);
    return d.namespace === namespace && d.deployment === deployment;
  });
}

/** The peer a CouchDB serves: `couchdb.<org>` -> `peer0.<org>`, `couchdb<i>.<org>` -> `peer<i>.<org>`. */
export function peerOfCouchdb(id: NodeId): NodeId {
  const m = /^couchdb(\d*)\.(.+)$/.exec(id);
  if (!m) throw new Error(`${id} is not a CouchDB node`);
  return `peer${m[1] === '' ? '0' : m[1]}.${m[2]}`;
}
