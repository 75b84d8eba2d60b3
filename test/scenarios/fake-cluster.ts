/**
 * A small in-memory `Cluster` for testing the runner and the CLI without the model: a
 * test double, not shipped. Time is a counter the operations advance. Orderers and peers
 * have heights; an issue commits one block when a quorum of orderers and a majority of
 * orgs (with an up peer) are available; a restarted peer catches up 2 s after it starts, a
 * restarted orderer with the next block (idle, it stays behind, as SmartBFT's heartbeats
 * carry the last decided sequence), and both log the lab's lines. The leader of view v is orderer v mod n; a call that finds
 * the leader down moves the view on (20 s, a view change).
 */
import type {
  Certificate,
  ChannelInfo,
  Cluster,
  ClusterLogLine,
  IssueResult,
  LoadStarted,
  LoadTally,
  NodeId,
  OkResult,
  OrdererStatus,
  TopologyInfo,
  VerifyResult,
} from '../../src/scenarios/cluster.ts';
import { describeTopology, type TopologySpec } from '../../src/scenarios/topology.ts';
import { computeQuorum } from '../../src/sim/consensus/quorum.ts';

interface FakeOptions {
  readonly topology?: TopologySpec;
  /** Make `issueCertificate` take this long (simulated). */
  readonly issueMs?: number;
  /** Operations that throw, for error-path tests. */
  readonly failing?: readonly string[];
}

export class FakeCluster implements Cluster {
  readonly target = 'sim' as const;
  readonly topology: TopologyInfo;
  private t = 0;
  private view = 0;
  private height = 3;
  private readonly down = new Set<NodeId>();
  private readonly startedAt = new Map<NodeId, number>();
  private readonly heights = new Map<NodeId, number>();
  private readonly logLines = new Map<NodeId, ClusterLogLine[]>();
  private readonly certs = new Map<string, { block: number; revoked: boolean }>([['TP-FSWD-001', { block: 2, revoked: false }]]);
  private readonly dropped = new Set<NodeId>();
  private readonly byzantine = new Map<NodeId, string>();
  private seq = 0;
  readonly calls: string[] = [];
  closed = false;

  constructor(private readonly options: FakeOptions = {}) {
    this.topology = describeTopology(options.topology);
    for (const n of [...this.topology.orderers, ...this.topology.peers]) this.heights.set(n, this.height);
  }

  now(): number {
    return this.t;
  }

  traceHash(): string {
    return `fake-${this.calls.length}-${this.t}`;
  }

  private check(op: string): void {
    this.calls.push(op);
    if (this.options.failing?.includes(op)) throw new Error(`${op}: the fake was told to fail`);
  }

  private log(node: NodeId, message: string): void {
    const lines = this.logLines.get(node) ?? [];
    const id = (++this.seq).toString(16).padStart(4, '0');
    lines.push({ at: this.t, node, level: 'INFO', module: 'fake', func: 'fake', message, text: `2026-03-14 10:00:00.000 UTC ${id} INFO [fake] fake -> ${message}` });
    this.logLines.set(node, lines);
  }

  private advance(ms: number): void {
    this.t += ms;
    for (const [node, at] of this.startedAt) {
      if (this.down.has(node) || this.t - at < 2000 || (this.heights.get(node) ?? 0) >= this.height) continue;
      if (this.topology.orderers.includes(node)) continue;
      const from = this.heights.get(node) ?? 0;
      this.heights.set(node, this.height);
      if (this.topology.peers.includes(node)) {
        for (let b = from; b < this.height; b++) {
          this.log(node, `Received block [${b}] from buffer`);
          this.log(node, `[certchannel] Committed block [${b}] with 1 transaction(s) in 5ms`);
        }
      }
    }
  }

  private leaderId(): NodeId {
    return this.topology.orderers[this.view % this.topology.orderers.length] as NodeId;
  }

  private upOrderers(): NodeId[] {
    return this.topology.orderers.filter((o) => !this.down.has(o));
  }

  async issueCertificate(via: string, cert: Certificate): Promise<IssueResult> {
    this.check('issue');
    this.advance(this.options.issueMs ?? 500);
    const { q } = computeQuorum(this.topology.orderers.length);
    const honest = this.upOrderers().filter((o) => !this.byzantine.has(o));
    if (honest.length < q) return { ok: false, error: `timeout: no quorum (${honest.length} of ${q} orderers)` };
    const orgsUp = this.topology.orgs.filter((o) => (this.topology.peersByOrg[o] ?? []).some((p) => !this.down.has(p)));
    if (orgsUp.length <= this.topology.orgs.length / 2 || !orgsUp.includes(via)) {
      return { ok: false, error: 'endorsement policy not met: MAJORITY Endorsement' };
    }
    if (this.down.has(this.leaderId()) || this.byzantine.has(this.leaderId())) {
      while (this.down.has(this.leaderId()) || this.byzantine.has(this.leaderId())) this.view++;
      this.advance(20_000);
    }
    if (this.certs.has(cert.certID)) return { ok: false, error: `certificate ${cert.certID} already exists` };
    const block = this.height++;
    this.certs.set(cert.certID, { block, revoked: false });
    for (const n of [...this.topology.orderers, ...this.topology.peers]) if (!this.down.has(n)) this.heights.set(n, this.height);
    return { ok: true, txID: `tx${block}`, block };
  }

  async verifyCertificate(certID: string, via: string): Promise<VerifyResult> {
    this.check('verify');
    const peer = this.topology.peersByOrg[via]?.[0] ?? '';
    if (this.down.has(peer)) return { status: 'NOT_FOUND', error: `${peer} is down` };
    const c = this.certs.get(certID);
    if (c === undefined || c.block >= (this.heights.get(peer) ?? 0)) return { status: 'NOT_FOUND' };
    return { status: c.revoked ? 'REVOKED' : 'VALID' };
  }

  async revokeCertificate(certID: string): Promise<OkResult> {
    this.check('revoke');
    const c = this.certs.get(certID);
    if (c === undefined) return { ok: false, error: `certificate ${certID} does not exist` };
    c.revoked = true;
    return { ok: true };
  }

  async stop(node: NodeId): Promise<OkResult> {
    this.check('stop');
    this.down.add(node);
    this.advance(100);
    return { ok: true };
  }

  async start(node: NodeId): Promise<OkResult> {
    this.check('start');
    this.down.delete(node);
    this.startedAt.set(node, this.t);
    if (this.topology.orderers.includes(node)) {
      const seq = this.heights.get(node) ?? 0;
      this.log(node, `Last proposal with sequence ${seq} has been safely committed`);
      this.log(node, `Changing to follower role, current view: ${this.view}, current leader: ${(this.view % this.topology.orderers.length) + 1}`);
      this.log(node, `Starting view with number ${this.view}, sequence ${seq}, and decisions 0`);
    } else if (this.topology.peers.includes(node)) {
      if (this.dropped.has(node)) {
        this.log(node, `Finished building index. Last block indexed [${(this.heights.get(node) ?? 1) - 1}]`);
        this.log(node, 'Created state database certchannel_certcontract');
        this.log(node, 'Created state database certchannel_');
        this.dropped.delete(node);
      }
      this.log(node, 'Opened ledger with id = certchannel');
      this.log(node, `Joining gossip network of channel certchannel with ${this.topology.orgs.length} organizations`);
    }
    this.advance(100);
    return { ok: true };
  }

  async isUp(node: NodeId): Promise<boolean> {
    return !this.down.has(node);
  }

  async channelInfo(peer: NodeId): Promise<ChannelInfo> {
    this.check('channelInfo');
    if (this.down.has(peer)) throw new Error(`${peer} is down`);
    const h = this.heights.get(peer) ?? 0;
    return { height: h, currentBlockHash: `hash${h - 1}`, previousBlockHash: `hash${h - 2}` };
  }

  async stateDocCount(peer: NodeId): Promise<number> {
    this.check('docCount');
    if (this.dropped.has(peer)) throw new Error('Database does not exist.');
    return this.certs.size + 1;
  }

  async dropStateDatabase(peer: NodeId): Promise<OkResult> {
    this.check('dropStateDatabase');
    this.dropped.add(peer);
    return { ok: true };
  }

  async rebuildDbs(peer: NodeId): Promise<OkResult> {
    this.check('rebuildDbs');
    if (!this.down.has(peer)) return { ok: false, error: `${peer} is running; stop it first` };
    return { ok: true };
  }

  async resetLedger(peer: NodeId): Promise<OkResult> {
    this.check('resetLedger');
    if (!this.down.has(peer)) return { ok: false, error: `${peer} is running; stop it first` };
    return { ok: true };
  }

  async rollbackLedger(peer: NodeId, blockNumber: number): Promise<OkResult> {
    this.check('rollbackLedger');
    if (!this.down.has(peer)) return { ok: false, error: `${peer} is running; stop it first` };
    return blockNumber >= 0 ? { ok: true } : { ok: false, error: `bad block ${blockNumber}` };
  }

  async ordererStatus(orderer: NodeId): Promise<OrdererStatus> {
    this.check('ordererStatus');
    if (this.down.has(orderer)) return { committedBlock: 0, lastBlock: 0, view: 0, leader: null, role: 'down' };
    const h = this.heights.get(orderer) ?? 0;
    const leader = this.leaderId();
    return { committedBlock: h - 1, lastBlock: h - 1, view: this.view, leader, role: leader === orderer ? 'leader' : 'follower' };
  }

  async logs(node: NodeId): Promise<readonly ClusterLogLine[]> {
    return this.logLines.get(node) ?? [];
  }

  async waitUntil(condition: () => Promise<boolean> | boolean, timeoutMs: number, pollMs = 500): Promise<boolean> {
    const end = this.t + timeoutMs;
    for (;;) {
      if (await condition()) return true;
      if (this.t >= end) return false;
      this.advance(Math.min(pollMs, end - this.t));
    }
  }

  async sleep(ms: number): Promise<void> {
    this.check('sleep');
    this.advance(ms);
  }

  async resolve(name: string): Promise<readonly NodeId[]> {
    const t = this.topology;
    switch (name) {
      case 'leader':
        return [this.leaderId()];
      case 'nextLeader':
        return [t.orderers[(this.view + 1) % t.orderers.length] as NodeId];
      case 'followers':
        return t.orderers.filter((o) => o !== this.leaderId());
      case 'orderers':
        return t.orderers;
      case 'peers':
        return t.peers;
      case 'all':
        return [...t.orderers, ...t.peers, ...t.couchdbs];
      default:
        if ([...t.orderers, ...t.peers, ...t.couchdbs].includes(name)) return [name];
        throw new Error(`unknown node "${name}"`);
    }
  }

  async pauseAutoHeal(): Promise<OkResult> {
    this.check('pauseAutoHeal');
    return { ok: true };
  }

  async resumeAutoHeal(): Promise<OkResult> {
    this.check('resumeAutoHeal');
    return { ok: true };
  }

  async partition(): Promise<OkResult> {
    this.check('partition');
    return { ok: false, error: 'the fake cannot partition' };
  }

  async heal(): Promise<OkResult> {
    this.check('heal');
    return { ok: true };
  }

  async setByzantine(node: NodeId, behaviour: string | null): Promise<OkResult> {
    this.check('byzantine');
    if (behaviour === null) this.byzantine.delete(node);
    else this.byzantine.set(node, behaviour);
    return { ok: true };
  }

  async startLoad(_via: string, count: number): Promise<LoadStarted> {
    this.check('load');
    this.loadCounts.push(count);
    return { ok: true, load: this.loadCounts.length - 1 };
  }

  private readonly loadCounts: number[] = [];

  /** The fake answers every background issuance at once, all committed. */
  async loadTally(load: number): Promise<LoadTally> {
    const count = this.loadCounts[load] ?? 0;
    return { count, issued: count, committed: count, failed: 0, pending: 0, errors: {} };
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
