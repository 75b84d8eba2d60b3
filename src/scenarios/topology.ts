/**
 * A scenario's topology: the overrides a scenario file gives (`topology:`), their
 * defaults, and the node ids they name, so a scenario can be checked before it runs.
 *
 * Node ids follow DESIGN.md (src/sim/names.ts): consenters `orderer.<org>` for each org,
 * then `orderer.ordering`, `orderer5.ordering`, ...; peers `peer<i>.<org>`; CouchDB
 * `couchdb.<org>` beside peer0 and `couchdb<i>.<org>` beside peer i.
 */
import type { NodeId, TopologyInfo } from './cluster.ts';
import type { ScenarioSmartBft } from '../sim/smartbft/options.ts';
import { CHANNEL, DEFAULT_ORGS, couchdbId, ordererIds, peerId } from '../shared/names.ts';
import { zonePlacement, type ZonePlacement, type ZonesSpec } from '../shared/zones.ts';

export type Dissemination = 'deliver' | 'gossip';

/** What a scenario may override. Every field is optional; see `DEFAULT_TOPOLOGY`. */
export interface TopologySpec {
  readonly preset?: 'certchain';
  /** Number of SmartBFT orderers (consenters), n >= 1; default one per org plus orderer.ordering. */
  readonly orderers?: number;
  readonly peersPerOrg?: number;
  /** Peer organisations, in order; the first n of them also run an orderer. */
  readonly orgs?: readonly string[];
  /** The ordering service: SmartBFT (default) or etcdraft, to compare the two. */
  readonly consensus?: 'smartbft' | 'raft';
  /** How peers get blocks: Fabric 3.x BFT deliver (default) or the 2.x gossip path. */
  readonly dissemination?: Dissemination;
  /** Endorsement policy, e.g. `MAJORITY Endorsement` (the default) or `OR('techpulse.peer')`. */
  readonly policy?: string;
  /** The 2.x gossip options (core.yaml `peer.gossip.*`), with `dissemination: gossip` only. */
  readonly gossip?: GossipSpec;
  /** SmartBFT options by Fabric's names, e.g. `{ LeaderHeartbeatTimeout: 10s, SyncOnStart: true }` (src/sim/smartbft/options.ts). */
  readonly smartbft?: ScenarioSmartBft;
  /**
   * A calibration profile file (`fabric-bft-sim calibrate`): the measured costs the
   * simulator charges. The CLI reads it (relative to the current directory); the
   * simulator takes the parsed profile. Default: the built-in profile.
   */
  readonly profile?: string;
  /**
   * Zones, in `size`'s vocabulary (src/shared/zones.ts): a count (orderers round-robin over
   * zone1..zoneN, org k's peers in zone (k mod N)+1), or zone name -> its orderers and peers
   * (every orderer named; a peer not named sits with its org's orderer). Steps `stopZone` and
   * `startZone` lose a whole zone and bring it back.
   */
  readonly zones?: ZonesSpec;
  /** Round-trip time between two nodes of one zone, e.g. `1ms` (the default, as `size --rtt-in-zone`); with zones only. */
  readonly rttInZone?: string;
  /** Round-trip time between nodes of two zones, e.g. `30ms` (the default, as `size --rtt-across-zones`); with zones only. */
  readonly rttAcrossZones?: string;
  /**
   * The cap of the back-off with which an orderer redials another that refused its dial
   * (orderer.yaml `General.Backoff.MaxDelay`), a Go duration from 1s to 24h. Default `3s`,
   * as `net up` sets it (ORDERER_GENERAL_BACKOFF_MAXDELAY); Fabric's sampleconfig has `2m`.
   */
  readonly ordererBackoffMaxDelay?: string;
}

export interface GossipSpec {
  /** Who pulls from the orderers: every peer (`all`, default since 2.2), `peer0`, or by `election`. */
  readonly orgLeader?: 'all' | 'peer0' | 'election';
  /** `peer.gossip.state.enabled`: anti-entropy state transfer (default false since 2.2). */
  readonly stateTransfer?: boolean;
  /** `peer.deliveryclient.blockGossipEnabled`. */
  readonly blockGossip?: boolean;
}

export interface ResolvedTopology {
  readonly preset: 'certchain';
  readonly orderers: number;
  readonly peersPerOrg: number;
  readonly orgs: readonly string[];
  readonly dissemination: Dissemination;
  readonly policy: string;
}

export const DEFAULT_TOPOLOGY: ResolvedTopology = {
  preset: 'certchain',
  orderers: 4,
  peersPerOrg: 1,
  orgs: DEFAULT_ORGS,
  dissemination: 'deliver',
  policy: 'MAJORITY Endorsement',
};

export { CHANNEL };

export function resolveTopology(spec: TopologySpec | undefined): ResolvedTopology {
  const orgs = spec?.orgs ?? DEFAULT_TOPOLOGY.orgs;
  return {
    preset: spec?.preset ?? DEFAULT_TOPOLOGY.preset,
    orderers: spec?.orderers ?? orgs.length + 1,
    peersPerOrg: spec?.peersPerOrg ?? DEFAULT_TOPOLOGY.peersPerOrg,
    orgs,
    dissemination: spec?.dissemination ?? DEFAULT_TOPOLOGY.dissemination,
    policy: spec?.policy ?? DEFAULT_TOPOLOGY.policy,
  };
}

export { ordererIds, peerId, couchdbId };

/** The node ids a topology names, in the shape the `Cluster` port reports them. */
export function describeTopology(spec: TopologySpec | undefined): TopologyInfo {
  const t = resolveTopology(spec);
  const peersByOrg: Record<string, NodeId[]> = {};
  const peers: NodeId[] = [];
  const couchdbs: NodeId[] = [];
  for (const org of t.orgs) {
    const mine: NodeId[] = [];
    for (let i = 0; i < t.peersPerOrg; i++) {
      mine.push(peerId(org, i));
      couchdbs.push(couchdbId(org, i));
    }
    peersByOrg[org] = mine;
    peers.push(...mine);
  }
  return { channel: CHANNEL, orgs: t.orgs, orderers: ordererIds(t.orderers, t.orgs), peers, peersByOrg, couchdbs };
}

/** Where a topology's zones put each node, or undefined without `zones`. The spec must be valid. */
export function zonesOf(spec: TopologySpec | undefined): ZonePlacement | undefined {
  if (spec?.zones === undefined) return undefined;
  const t = describeTopology(spec);
  return zonePlacement(spec.zones, { orderers: t.orderers, orgs: t.orgs, peersByOrg: t.peersByOrg, couchdbOf: (p) => t.couchdbs[t.peers.indexOf(p)] ?? p });
}
