/**
 * The simulated world: the Fabric network of a topology on the kernel (orderers = SmartBFT
 * or Raft consenters + Deliver, peers with their CouchDB volumes, one gateway per org), the
 * lab's names for its nodes, the channel's set-up (chaincode definition, a few certificates
 * per org, including `TP-FSWD-001`), and simulated time: an operation sends its command and
 * runs the simulation until the answer arrives or it times out.
 *
 * What the nodes do is the model's (src/sim/fabric). The fault injector (faults.ts) breaks
 * the world, the observers (observers.ts) read it, and `SimCluster` (sim-cluster.ts) maps
 * the `Cluster` port onto the three. This module knows no scenario language.
 */
import { ORDERER_CLUSTER_BACKOFF, ordererClusterBackoff } from '../../shared/grpc-backoff.ts';
import { latencyOfRtt, Simulation, type LatencyDist, type NetworkConfig, type NodeId, type TraceOptions } from '../kernel/index.ts';
import { consenterStatus, type ConsenterState, type SmartBftConfig } from '../smartbft/api.ts';
import { raftStatus, type RaftState } from '../raft/index.ts';
import { CHANNEL, genesisBlock, type Block } from '../fabric/block.ts';
import { APPROVE_FN, CHAINCODE, CHAINCODE_VERSION, COMMIT_FN, LIFECYCLE_NS } from '../fabric/chaincode.ts';
import { createGateway, type GatewayCommand } from '../fabric/gateway.ts';
import { createOrderer, type OrdererState } from '../fabric/orderer.ts';
import { createPeer, type PeerState } from '../fabric/peer.ts';
import { costModelOf, DEFAULT_COST_MODEL, type CalibrationProfile, type CostModel } from '../fabric/profile.ts';
import { buildTopology, peerOfCouchdb, type Topology, type TopologyOptions } from '../fabric/topology.ts';
import { zonePlacement, type ZonesSpec } from '../../shared/zones.ts';
import { initialCertificates } from '../../shared/certificate.ts';
import type { TopologyInfo } from '../../shared/cluster.ts';

/** How the world is built: its topology, network, costs and simulation. */
export interface WorldOptions {
  readonly seed: number;
  readonly topology?: TopologyOptions;
  readonly network?: NetworkConfig;
  /** Trace options for the kernel (a sink for JSON Lines, keep in memory). */
  readonly trace?: TraceOptions;
  /** Shorthand for `trace.keep`. */
  readonly traceKeep?: boolean;
  /** Measured costs (a `calibrate` profile, read by the caller): commit and endorsement time, process start, replay rate. Default: the built-in profile. */
  readonly profile?: CalibrationProfile;
  /** Simulated ms an operation may wait for its answer before it fails. Default 120 s. */
  readonly opTimeoutMs?: number;
  /** The caller's wall-clock and memory budget, polled inside the event loop (see `SimulationOptions.interrupt`). */
  readonly interrupt?: () => string | undefined;
  /**
   * Zones (a scenario's `topology.zones`, src/shared/zones.ts): where each orderer and peer
   * sits (a gateway with its org's first peer), links inside a zone at `rttInZoneMs`,
   * across zones at `rttAcrossZonesMs` (one way: half, +-10%). Overrides `network`'s zones and latency.
   */
  readonly zones?: { readonly spec: ZonesSpec; readonly rttInZoneMs: number; readonly rttAcrossZonesMs: number };
  /**
   * The cap of the orderers' reconnect back-off to each other, in ms (orderer.yaml
   * `General.Backoff.MaxDelay`, a scenario's `topology.ordererBackoffMaxDelay`). Default
   * 3 s, as `net up` sets it; at least the back-off's BaseDelay, 1 s.
   */
  readonly ordererBackoffMaxMs?: number;
}

/** An org's REST API answer: its HTTP status and JSON body. */
export interface GatewayAnswer {
  readonly httpStatus: number;
  readonly body: Readonly<Record<string, unknown>>;
}

/** SmartBFT's or Raft's status of a running orderer, with the leader as a node id. */
export interface ConsenterView {
  readonly committedBlock: number;
  readonly lastBlock: number;
  readonly view: number;
  readonly leader: NodeId | null;
  readonly role: 'leader' | 'follower' | 'candidate';
}

export class SimWorld {
  /** The nodes by the lab's names (the `Cluster` port's `TopologyInfo`). */
  readonly topology: TopologyInfo;
  readonly genesis: Block;
  /**
   * Who waits for each request's answer, by request id. An answer is handed to its waiter
   * once and forgotten, so a long run does not hold every answer it ever got; an answer
   * nobody waits for any more (an operation that timed out) is dropped.
   */
  private readonly waiters = new Map<string, (answer: GatewayAnswer) => void>();
  /** CouchDB containers that are stopped (CouchDB is no kernel node: its volume is its peer's). */
  readonly couchdbDown = new Set<NodeId>();
  private nextRequest = 0;

  constructor(
    readonly sim: Simulation,
    /** The full model topology (orgs, policy, dissemination...). */
    readonly fabric: Topology,
    /** Simulated ms an operation waits for its answer. */
    readonly opTimeoutMs: number,
    /** The measured costs the nodes charge (the profile's, or the built-in default's). */
    readonly cost: CostModel = DEFAULT_COST_MODEL,
  ) {
    this.genesis = genesisBlock({ channel: CHANNEL, orgs: fabric.orgs, orderers: fabric.orderers.map((o) => o.id), policy: fabric.policyText });
    const peersByOrg: Record<string, NodeId[]> = {};
    for (const p of fabric.peers) (peersByOrg[p.org] ??= []).push(p.id);
    this.topology = {
      channel: CHANNEL,
      orgs: fabric.orgs,
      orderers: fabric.orderers.map((o) => o.id),
      peers: fabric.peers.map((p) => p.id),
      peersByOrg,
      couchdbs: fabric.peers.map((p) => p.couchdb),
    };
  }

  /** The simulation of a topology, its nodes not added yet (observers subscribe first). */
  static open(options: WorldOptions): SimWorld {
    const fabric = buildTopology(options.topology ?? {});
    const trace: TraceOptions = { ...(options.trace ?? {}), ...(options.traceKeep !== undefined ? { keep: options.traceKeep } : {}) };
    const network: NetworkConfig = options.zones !== undefined ? zonedNetwork(fabric, options.zones, options.network) : { ...(options.network ?? {}), zones: { ...fabric.zones, ...(options.network?.zones ?? {}) } };
    const cost = options.profile !== undefined ? costModelOf(options.profile) : DEFAULT_COST_MODEL;
    // The orderers handle one message at a time at the measured CPU cost; peers and gateways
    // are charged their costs by the model itself (endorsement, commit), not per message.
    const processing = cost.ordererPerMessageMs > 0 ? { processing: { perMessageMs: 0, perNodeMs: Object.fromEntries(fabric.orderers.map((o) => [o.id, cost.ordererPerMessageMs])) } } : {};
    // The orderers' cluster connections redial a restarted orderer with gRPC's back-off, as
    // `net up` configures them (src/shared/grpc-backoff.ts ORDERER_CLUSTER_BACKOFF), or
    // capped at the scenario's ordererBackoffMaxDelay.
    const dialBackoff = options.ordererBackoffMaxMs !== undefined ? ordererClusterBackoff(options.ordererBackoffMaxMs) : ORDERER_CLUSTER_BACKOFF;
    const sim = new Simulation({ seed: options.seed, network, trace, ...processing, dialBackoff, ...(options.interrupt !== undefined ? { interrupt: options.interrupt } : {}) });
    return new SimWorld(sim, fabric, options.opTimeoutMs ?? 120_000, cost);
  }

  /** Start every node: the orderers (with SmartBFT options other than Fabric's defaults), the peers, the gateways. */
  addNodes(smartbft: Partial<SmartBftConfig> | undefined): void {
    const { sim, fabric, cost } = this;
    for (const o of fabric.orderers) {
      // The sync's dials are charged as the profile measured them (figures.ordererSync),
      // and each WAL append before the vote it records is sent (figures.wal).
      const config = { ...(smartbft ?? {}), SyncProbeMs: cost.ordererSyncProbeMs, SyncPullMs: cost.ordererSyncPullMs, WalAppendMs: cost.ordererWalAppendMs };
      // A decided block reaches the Deliver streams after the measured write (figures.deliver).
      sim.addNode(o.id, createOrderer({ id: o.id, topology: fabric, genesis: this.genesis, config, deliverMs: cost.ordererDeliverMs }));
    }
    for (const p of fabric.peers) sim.addNode(p.id, createPeer({ id: p.id, topology: fabric, genesis: this.genesis, cost }));
    for (const g of fabric.gateways) sim.addNode(g.id, createGateway(fabric, g.org));
  }

  /** Set the channel up: a Raft leader elected, the chaincode definition approved and committed, the initial certificates issued. */
  async bootstrap(): Promise<void> {
    if (this.fabric.consensus === 'raft') {
      // A Raft channel has no leader until its first election (ElectionTick x TickInterval).
      const elected = (): boolean => this.topology.orderers.some((o) => {
        const s = this.ordererState(o);
        return s !== undefined && this.consenterStatus(s).role === 'leader';
      });
      if (!(await this.waitUntil(elected, 60_000, 100))) throw new Error('SimCluster bootstrap: the Raft orderers elected no leader within 60 s');
    }
    // A real channel's set-up (fabric-samples test-network deployCC, scripts/ccutils.sh): the
    // package is installed on every peer (no transaction), each org approves the definition
    // for itself in turn (approveForMyOrg, then checkCommitReadiness polls until the approval
    // is committed: one transaction, one block each), then one org commits it (one more block).
    const definition = [CHAINCODE, CHAINCODE_VERSION, '1', this.fabric.policyText];
    for (const org of this.fabric.orgs) {
      const approved = await this.request(org, { type: 'invoke', requestId: '', chaincode: LIFECYCLE_NS, fn: APPROVE_FN, args: definition });
      if (approved.httpStatus >= 300) throw new Error(`SimCluster bootstrap: approveformyorg by ${org} failed: ${String(approved.body['error'])}`);
    }
    // The commit is endorsed by peers of a majority of orgs, each of which must have seen its own approval.
    this.awaitPeersAt(this.ordererHeight());
    const first = this.fabric.orgs[0] as string;
    const def = await this.request(first, { type: 'invoke', requestId: '', chaincode: LIFECYCLE_NS, fn: COMMIT_FN, args: definition });
    if (def.httpStatus >= 300) throw new Error(`SimCluster bootstrap: chaincode definition failed: ${String(def.body['error'])}`);
    // The definition answered once the first org's peer committed it; an issue endorsed by
    // another org's peer before that peer commits the definition block fails with
    // `chaincode certcontract not found` (1 seed in a few hundred, by link latency). A real
    // set-up waits for every org's peer the same way (`approveformyorg --waitForEvent`).
    this.awaitPeersAt(this.ordererHeight());
    const issued: { org: string; answer?: GatewayAnswer }[] = [];
    for (const org of this.fabric.orgs) {
      for (const cert of initialCertificates(org)) {
        const x: { org: string; answer?: GatewayAnswer } = { org };
        issued.push(x);
        this.send(org, { type: 'issue', requestId: '', cert }, (a) => (x.answer = a));
      }
    }
    this.runUntil(() => issued.every((x) => x.answer !== undefined), this.opTimeoutMs);
    for (const x of issued) {
      const a = x.answer;
      if (a === undefined || a.httpStatus >= 300) throw new Error(`SimCluster bootstrap: initial certificate via ${x.org} failed: ${a === undefined ? 'no answer' : String(a.body['error'])}`);
    }
    // Let every peer commit the set-up blocks.
    this.awaitPeersAt(this.ordererHeight());
  }

  /** Runs the simulation until every peer's ledger reaches `height` (or the operation timeout). */
  awaitPeersAt(height: number): void {
    this.runUntil(() => this.fabric.peers.every((p) => (this.sim.state<PeerState>(p.id)?.ledger?.height ?? 0) >= height), this.opTimeoutMs);
  }

  // --- the network ---------------------------------------------------------------------

  /**
   * A connection attempt reached an orderer whose process is down: its host refuses it
   * (TCP RST), which the dialer sees at once (a gRPC non-temporary dial error), not after
   * a timeout. The kernel only drops the message; this hands the refusal back.
   */
  refused(from: NodeId, to: NodeId, m: string): void {
    if (m.startsWith('Proposal ') && this.topology.peers.includes(to)) {
      // A gateway's proposal (only gateways send them) to a peer whose process is down: the endorser's dial fails at once.
      const c = { type: 'peerRefused' as const, peer: to };
      this.sim.after(0, () => {
        if (this.sim.isUp(from)) this.sim.command(from, c, `peerRefused ${to}`);
      });
      return;
    }
    if (!this.topology.orderers.includes(to)) return;
    let cmd: { type: 'connectionRefused'; orderer: NodeId; txId?: string } | undefined;
    if (m.startsWith('Broadcast ')) cmd = { type: 'connectionRefused', orderer: to, txId: m.slice('Broadcast '.length) };
    else if (m === 'deliver.seek' || m === 'gateway.dial') cmd = { type: 'connectionRefused', orderer: to };
    if (cmd === undefined) return;
    const c = cmd;
    this.sim.after(0, () => {
      if (this.sim.isUp(from)) this.sim.command(from, c, `connectionRefused ${to}`);
    });
  }

  /** The simulator node ids that carry `node`'s traffic: a CouchDB's peer; a gateway peer's org API too. */
  linkEnds(node: NodeId): NodeId[] {
    const ids = [this.kindOf(node) === 'couchdb' ? this.peerOf(node) : node];
    for (const gw of this.fabric.gateways) if (ids.includes(gw.peer)) ids.push(gw.id);
    return ids;
  }

  // --- names ---------------------------------------------------------------------------

  /** What a node id names; an unknown id is a one-line error listing the nodes. */
  kindOf(node: NodeId): 'orderer' | 'peer' | 'couchdb' {
    if (this.topology.orderers.includes(node)) return 'orderer';
    if (this.topology.peers.includes(node)) return 'peer';
    if (this.topology.couchdbs.includes(node)) return 'couchdb';
    throw new Error(`unknown node "${node}" (orderers: ${this.topology.orderers.join(', ')}; peers: ${this.topology.peers.join(', ')}; couchdbs: ${this.topology.couchdbs.join(', ')})`);
  }

  /** The peer a peer or CouchDB id stands for (a CouchDB's volume is its peer's). */
  peerOf(node: NodeId): NodeId {
    const k = this.kindOf(node);
    if (k === 'peer') return node;
    if (k === 'couchdb') return (peerOfCouchdb(this.fabric, node) as { id: NodeId }).id;
    throw new Error(`${node} is an orderer, not a peer or CouchDB`);
  }

  // --- running the simulation -----------------------------------------------------------

  /** Simulated ms since the world was opened. */
  now(): number {
    return this.sim.now;
  }

  /** Run the simulation until `done` holds or `timeoutMs` passes; whether it holds. */
  runUntil(done: () => boolean, timeoutMs: number): boolean {
    const until = this.sim.now + timeoutMs;
    const r = this.sim.run({ until, stopWhen: done });
    return r.reason === 'condition' || done();
  }

  /** Hand a command to an org's gateway (its REST API); `onAnswer` takes its answer when it arrives. The request id. */
  send(org: string, cmd: GatewayCommand, onAnswer: (answer: GatewayAnswer) => void): string {
    const gw = this.fabric.gateways.find((g) => g.org === org || g.id === org);
    if (gw === undefined) throw new Error(`unknown org "${org}" (orgs: ${this.fabric.orgs.join(', ')})`);
    const requestId = `r${++this.nextRequest}`;
    this.waiters.set(requestId, onAnswer);
    this.sim.command(gw.id, { ...cmd, requestId }, `${cmd.type} ${requestId}`);
    return requestId;
  }

  /** A gateway answered (the observers saw it in the trace): hand it to its waiter, once. */
  answered(requestId: string, answer: GatewayAnswer): void {
    const w = this.waiters.get(requestId);
    if (w === undefined) return;
    this.waiters.delete(requestId);
    w(answer);
  }

  /** Stop waiting for a request's answer: a late answer is dropped. */
  giveUp(requestId: string): void {
    this.waiters.delete(requestId);
  }

  /** Requests whose answer someone still waits for. */
  waiting(): number {
    return this.waiters.size;
  }

  /** Send a command and run the simulation until its answer (a 504 after the operation timeout). */
  async request(org: string, cmd: GatewayCommand): Promise<GatewayAnswer> {
    let answer: GatewayAnswer | undefined;
    const id = this.send(org, cmd, (a) => (answer = a));
    this.runUntil(() => answer !== undefined, this.opTimeoutMs);
    if (answer !== undefined) return answer;
    // Given up on: a late answer is dropped.
    this.giveUp(id);
    return { httpStatus: 504, body: { success: false, error: `no answer from the ${org} API within ${this.opTimeoutMs} ms` } };
  }

  /** The org a step names (`techpulse` or `gateway.techpulse`); an unknown one is a one-line error. */
  orgOf(via: string): string {
    const org = via.startsWith('gateway.') ? via.slice('gateway.'.length) : via;
    if (!this.fabric.orgs.includes(org)) throw new Error(`unknown org "${via}" (orgs: ${this.fabric.orgs.join(', ')})`);
    return org;
  }

  /** The next request number: a load's certificate ids take one too (`LOAD-<ORG>-<n>-<i>`). */
  nextTag(): number {
    return ++this.nextRequest;
  }

  /** Poll `condition` every `pollMs` of simulated time until it holds or `timeoutMs` passes. */
  async waitUntil(condition: () => Promise<boolean> | boolean, timeoutMs: number, pollMs = 500): Promise<boolean> {
    const end = this.sim.now + timeoutMs;
    for (;;) {
      if (await condition()) return true;
      if (this.sim.now >= end) return false;
      this.sim.run({ until: Math.min(end, this.sim.now + pollMs) });
    }
  }

  /** Let `ms` of simulated time pass. */
  async sleep(ms: number): Promise<void> {
    this.sim.run({ until: this.sim.now + ms });
  }

  // --- the nodes' state -------------------------------------------------------------------

  /** A running orderer's state (undefined when its process is down). */
  ordererState(o: NodeId): OrdererState | undefined {
    return this.sim.state<OrdererState>(o);
  }

  /** Height of the orderers' chain (the highest among running orderers, genesis included). */
  ordererHeight(): number {
    let h = 0;
    for (const o of this.topology.orderers) {
      const s = this.ordererState(o);
      if (s !== undefined) h = Math.max(h, s.consenter.ledger.length + 1);
    }
    return h;
  }

  /** A running peer's state; a down peer is a one-line error. */
  peerState(peer: NodeId): PeerState {
    const s = this.sim.state<PeerState>(peer);
    if (s === undefined) throw new Error(`${peer} is down: cannot run \`peer channel getinfo\` on it`);
    return s;
  }

  /** SmartBFT's or Raft's status of a running orderer, with the leader as a node id. */
  consenterStatus(s: OrdererState): ConsenterView {
    if (this.fabric.consensus === 'raft') {
      const st = raftStatus(s.consenter as RaftState);
      const leader = this.fabric.orderers.find((o) => o.consenterId === st.leaderId)?.id ?? null;
      return { committedBlock: st.committedBlock, lastBlock: st.lastBlock, view: st.view, leader, role: st.role };
    }
    const st = consenterStatus(s.consenter as ConsenterState);
    return { committedBlock: st.committedBlock, lastBlock: st.lastBlock, view: st.view, leader: (s.consenter as ConsenterState).nameOf.get(st.leaderId) ?? null, role: st.role };
  }
}

/** The network of a zoned topology: every node's zone, in-zone latency, and latency across each pair of zones. */
function zonedNetwork(fabric: Topology, z: NonNullable<WorldOptions['zones']>, base: NetworkConfig | undefined): NetworkConfig {
  const peersByOrg: Record<string, NodeId[]> = {};
  for (const p of fabric.peers) (peersByOrg[p.org] ??= []).push(p.id);
  const placement = zonePlacement(z.spec, { orderers: fabric.orderers.map((o) => o.id), orgs: fabric.orgs, peersByOrg, couchdbOf: (p) => fabric.peers.find((x) => x.id === p)?.couchdb ?? p });
  const zones: Record<NodeId, string> = { ...placement.zoneOf };
  for (const g of fabric.gateways) zones[g.id] = placement.zoneOf[g.peer] ?? (placement.zones[0] as string);
  const zoneLatency: Record<string, LatencyDist> = {};
  for (const a of placement.zones) for (const b of placement.zones) if (a < b) zoneLatency[`${a}->${b}`] = latencyOfRtt(z.rttAcrossZonesMs);
  return { ...(base ?? {}), latency: latencyOfRtt(z.rttInZoneMs), zones, zoneLatency };
}
