/**
 * The network's shape as data: orgs, orderers (any n >= 1), peers per org (each with its
 * own CouchDB), the gateway (REST API) of each org, zones, the endorsement policy and how
 * peers get blocks.
 *
 * The default `certchain` topology (DESIGN.md): orgs techpulse, dataforge, org3, each with
 * peer0 + couchdb + orderer, plus orderer.ordering. Consenter ids: orderer.techpulse 1,
 * orderer.dataforge 2, orderer.org3 3, orderer.ordering 4, then orderer5.ordering,
 * orderer6.ordering, ... Peers `peer<i>.<org>`; CouchDB `couchdb.<org>` for peer0,
 * `couchdb<i>.<org>` for peer i.
 *
 * Dissemination: `deliver` (Fabric 3.x with BFT orderers: every peer pulls blocks through
 * the BFT deliverer, block gossip off) or `gossip` (the 2.x path: org leaders pull from the
 * orderers and push blocks to their org; anti-entropy state transfer when enabled).
 */
import type { NodeId } from '../kernel/types.ts';
import { CHANNEL } from './block.ts';
import { DEFAULT_POLICY, parsePolicy, type Policy } from './policy.ts';
import { DEFAULT_ORGS, ORDERING_ORG, ORG_NAME_RE, couchdbId, gatewayId, ordererId, peerId } from '../../shared/names.ts';

export type Dissemination = 'deliver' | 'gossip';

/** The 2.x gossip options (core.yaml `peer.gossip.*`). */
export interface GossipOptions {
  /**
   * Who pulls from the ordering service: `all` (every peer `orgLeader: true`, Fabric's
   * default since 2.2), `peer0` (peer0 of each org is the static leader, the others are
   * followers), `election` (`useLeaderElection: true`, lowest PKI-ID wins).
   */
  readonly orgLeader: 'all' | 'peer0' | 'election';
  /** `peer.gossip.state.enabled` (default false since 2.2). */
  readonly stateTransfer: boolean;
  /** `peer.deliveryclient.blockGossipEnabled` (true in the 2.5 sample core.yaml). */
  readonly blockGossip: boolean;
}

export const DEFAULT_GOSSIP: GossipOptions = { orgLeader: 'all', stateTransfer: false, blockGossip: true };

/** The ordering service's consensus: SmartBFT (Fabric 3.x BFT) or etcdraft (crash faults only). */
export type Consensus = 'smartbft' | 'raft';

export interface TopologyOptions {
  /** Default `smartbft`. */
  readonly consensus?: Consensus;
  readonly orgs?: readonly string[];
  readonly orderers?: number;
  readonly peersPerOrg?: number;
  readonly dissemination?: Dissemination;
  readonly gossip?: Partial<GossipOptions>;
  readonly policy?: string;
  /** Zone per node id; nodes not named sit in their org's zone (`ordering` for orderer.ordering...). */
  readonly zones?: Readonly<Record<NodeId, string>>;
}

export interface OrdererSpec {
  readonly id: NodeId;
  /** SmartBFT consenter id (1-based). */
  readonly consenterId: number;
  readonly org: string;
}

export interface PeerSpec {
  readonly id: NodeId;
  readonly org: string;
  readonly index: number;
  readonly couchdb: NodeId;
}

export interface GatewaySpec {
  readonly id: NodeId;
  readonly org: string;
  /** The org's gateway peer (peer0). */
  readonly peer: NodeId;
}

export interface Topology {
  readonly channel: string;
  readonly orgs: readonly string[];
  readonly orderers: readonly OrdererSpec[];
  readonly peers: readonly PeerSpec[];
  readonly gateways: readonly GatewaySpec[];
  readonly policyText: string;
  readonly policy: Policy;
  readonly consensus: Consensus;
  readonly dissemination: Dissemination;
  readonly gossip: GossipOptions;
  readonly zones: Readonly<Record<NodeId, string>>;
}

export { DEFAULT_ORGS };

/** Build and validate a topology; throws one clear error naming the bad option. */
export function buildTopology(options: TopologyOptions = {}): Topology {
  const orgs = options.orgs ?? DEFAULT_ORGS;
  if (!Array.isArray(orgs) || orgs.length === 0) throw new Error('topology: orgs must be a non-empty list of org names');
  const seen = new Set<string>();
  for (const o of orgs) {
    if (typeof o !== 'string' || !ORG_NAME_RE.test(o)) throw new Error(`topology: org name "${String(o)}" must match [a-z][a-z0-9-]*`);
    if (o === ORDERING_ORG) throw new Error('topology: org name "ordering" is reserved for the ordering org');
    if (seen.has(o)) throw new Error(`topology: org "${o}" is listed twice`);
    seen.add(o);
  }
  const n = options.orderers ?? orgs.length + 1;
  if (!Number.isInteger(n) || n < 1) throw new Error(`topology: orderers must be an integer >= 1, got ${String(n)}`);
  const ppo = options.peersPerOrg ?? 1;
  if (!Number.isInteger(ppo) || ppo < 1) throw new Error(`topology: peersPerOrg must be an integer >= 1, got ${String(ppo)}`);
  const consensus = options.consensus ?? 'smartbft';
  if (consensus !== 'smartbft' && consensus !== 'raft') throw new Error(`topology: consensus must be "smartbft" or "raft", got "${String(consensus)}"`);
  const dissemination = options.dissemination ?? 'deliver';
  if (dissemination !== 'deliver' && dissemination !== 'gossip') {
    throw new Error(`topology: dissemination must be "deliver" (Fabric 3.x) or "gossip" (2.x path), got "${String(dissemination)}"`);
  }
  const gossip: GossipOptions = { ...DEFAULT_GOSSIP, ...(options.gossip ?? {}) };
  if (!['all', 'peer0', 'election'].includes(gossip.orgLeader)) {
    throw new Error(`topology: gossip.orgLeader must be "all", "peer0" or "election", got "${String(gossip.orgLeader)}"`);
  }
  if (dissemination === 'deliver' && options.gossip !== undefined) {
    throw new Error('topology: gossip options need dissemination "gossip" (with BFT orderers Fabric 3.x disables block gossip)');
  }
  const policyText = options.policy ?? DEFAULT_POLICY;
  const policy = parsePolicy(policyText, orgs);

  const orderers: OrdererSpec[] = [];
  for (let i = 0; i < n; i++) {
    const { id, org } = ordererId(i + 1, orgs);
    orderers.push({ id, consenterId: i + 1, org });
  }
  const peers: PeerSpec[] = [];
  for (const org of orgs) {
    for (let i = 0; i < ppo; i++) {
      peers.push({ id: peerId(org, i), org, index: i, couchdb: couchdbId(org, i) });
    }
  }
  const gateways: GatewaySpec[] = orgs.map((org) => ({ id: gatewayId(org), org, peer: peerId(org, 0) }));
  const zones: Record<NodeId, string> = {};
  for (const o of orderers) zones[o.id] = o.org;
  for (const p of peers) zones[p.id] = p.org;
  for (const g of gateways) zones[g.id] = g.org;
  const known = new Set(Object.keys(zones));
  for (const [node, zone] of Object.entries(options.zones ?? {})) {
    if (!known.has(node)) throw new Error(`topology: zones names unknown node "${node}"`);
    if (typeof zone !== 'string' || zone === '') throw new Error(`topology: zone of ${node} must be a non-empty string`);
    zones[node] = zone;
  }
  return { channel: CHANNEL, orgs, orderers, peers, gateways, policyText, policy, consensus, dissemination, gossip, zones };
}

/** The peer whose CouchDB this is (`couchdb.techpulse` -> `peer0.techpulse`), or undefined. */
export function peerOfCouchdb(topology: Topology, couchdb: NodeId): PeerSpec | undefined {
  return topology.peers.find((p) => p.couchdb === couchdb);
}
