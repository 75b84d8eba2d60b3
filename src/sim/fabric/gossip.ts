/**
 * The 2.x gossip path of a peer (gossip/state/state.go, payloads_buffer.go,
 * gossip/election/election.go, gossip/gossip): how blocks reach peers that do not pull them
 * from the ordering service themselves.
 *
 * - Block push: a leader that receives a block from the orderer gossips it (DataMsg, tag
 *   CHAN_AND_ORG) to `propagatePeerNum` (3) random peers of its org; a peer forwards a new
 *   block once. Recent blocks (`maxBlockCountToStore` 10) are also pulled by digest exchange
 *   every `pullInterval` (4s).
 * - Blocks received by gossip are added non-blocking: dropped when
 *   `seq - height >= blockBufferSize` (20), with `Ledger height is at %d, cannot enqueue
 *   block with sequence of %d`; the straggler warning fires when state transfer is off, the
 *   block is more than 100 ahead and the peer is not a static leader.
 * - StateInfo (ledger height) is published to channel peers every 4s.
 * - Anti-entropy (only when `peer.gossip.state.enabled`): every `checkInterval` (10s), if a
 *   peer advertises a greater height, request [ourHeight, max-1] in batches of `batchSize`
 *   (10) from one random peer whose height is at least the batch end, waiting
 *   `responseTimeout` (3s) and retrying `maxRetries` (3) times (4 sends).
 * - Leader election (`useLeaderElection`): the lowest PKI-ID wins (`pkiId`); a leader declares itself every
 *   leaderAliveThreshold/2; a follower that hears no leader for `leaderAliveThreshold` (10s)
 *   proposes itself and decides after `leaderElectionDuration` (5s); the first election
 *   waits `startupGracePeriod` (15s).
 */
import type { NodeContext, NodeId } from '../kernel/types.ts';
import { blockDataHash, CHANNEL, sha256Hex, type Block } from './block.ts';
import type { Out } from './effects.ts';
import type { FabricMessage, GossipMsg } from './messages.ts';
import { mspId } from './policy.ts';

export interface GossipConfig {
  readonly stateTransfer: boolean;
  readonly blockGossip: boolean;
  readonly checkIntervalMs: number;
  readonly responseTimeoutMs: number;
  readonly batchSize: number;
  readonly maxRetries: number;
  readonly blockBufferSize: number;
  readonly publishStateInfoIntervalMs: number;
  readonly pullIntervalMs: number;
  readonly pullPeerNum: number;
  readonly propagatePeerNum: number;
  readonly maxBlockCountToStore: number;
  readonly stragglerWarningThreshold: number;
  readonly startupGracePeriodMs: number;
  readonly leaderAliveThresholdMs: number;
  readonly leaderElectionDurationMs: number;
}

export const DEFAULT_GOSSIP_CONFIG: Omit<GossipConfig, 'stateTransfer' | 'blockGossip'> = {
  checkIntervalMs: 10_000,
  responseTimeoutMs: 3_000,
  batchSize: 10,
  maxRetries: 3,
  blockBufferSize: 20,
  publishStateInfoIntervalMs: 4_000,
  pullIntervalMs: 4_000,
  pullPeerNum: 3,
  propagatePeerNum: 3,
  maxBlockCountToStore: 10,
  stragglerWarningThreshold: 100,
  startupGracePeriodMs: 15_000,
  leaderAliveThresholdMs: 10_000,
  leaderElectionDurationMs: 5_000,
};

/** What gossip needs from its peer. */
/**
 * A peer's gossip PKI-ID, hex: SHA-256 of its MSP id followed by its identity bytes
 * (internal/peer/gossip/mcs.go GetPKIidOfCert). The model has no certificates: the node id
 * stands for the identity bytes. Leader election orders peers by it (gossip/election).
 */
export function pkiId(org: string, node: NodeId): string {
  return sha256Hex(mspId(org) + node);
}

export interface GossipHost {
  readonly self: NodeId;
  /** The peer's org (its MSP id makes the PKI-IDs of its org's peers). */
  readonly org: string;
  /** Committed ledger height. */
  height(): number;
  /** Already committed or buffered? */
  has(seq: number): boolean;
  /** Push into the payload buffer (no checks: gossip made them). */
  push(block: Block, out: Out<FabricMessage>): void;
  committedBlock(seq: number): Block | undefined;
  /** Static leader (`orgLeader: true`) or elected leader. */
  pullsFromOrderer(): boolean;
  /** `useLeaderElection`. */
  readonly electing: boolean;
  becomeLeader(out: Out<FabricMessage>, ctx: NodeContext): void;
  renounce(out: Out<FabricMessage>, ctx: NodeContext): void;
}

interface Transfer {
  prev: number;
  next: number;
  readonly end: number;
  nonce: number;
  tries: number;
}

export class GossipState {
  private readonly heights = new Map<NodeId, number>();
  private readonly store: Block[] = [];
  private transfer: Transfer | null = null;
  private nextNonce = 1;
  private stragglerWarnedAt = -1;
  private leaderId: NodeId | null = null;
  private lastLeaderSeen = -Infinity;
  private isLeader = false;
  private proposing = false;
  private readonly proposals = new Set<NodeId>();
  private readonly pkiIds = new Map<NodeId, string>();

  constructor(
    private readonly cfg: GossipConfig,
    /** Peers of the same org (excluding self). */
    private readonly orgPeers: readonly NodeId[],
    /** Every other peer of the channel. */
    private readonly channelPeers: readonly NodeId[],
    private readonly host: GossipHost,
  ) {}

  get leader(): boolean {
    return this.isLeader;
  }

  start(out: Out<FabricMessage>, ctx: NodeContext): void {
    out.timer('gossip.stateInfo', this.cfg.publishStateInfoIntervalMs);
    out.timer('gossip.pull', this.cfg.pullIntervalMs);
    if (this.cfg.stateTransfer) out.timer('gossip.antiEntropy', this.cfg.checkIntervalMs);
    if (this.host.electing) out.timer('gossip.election', this.cfg.startupGracePeriodMs);
    this.lastLeaderSeen = ctx.now;
  }

  /** A block the peer got from the orderer: keep it for pull, push it to the org if enabled. */
  fromOrderer(block: Block, out: Out<FabricMessage>, ctx: NodeContext): void {
    this.remember(block);
    if (this.cfg.blockGossip) this.propagate(block, null, out, ctx);
  }

  /** A block committed by the peer (any source) is kept for pull requests. */
  committed(block: Block): void {
    this.remember(block);
  }

  private remember(block: Block): void {
    // Blocks come in order as the peer commits them: the next one goes at the end.
    const last = this.store[this.store.length - 1];
    if (last === undefined || last.header.number < block.header.number) {
      this.store.push(block);
      if (this.store.length > this.cfg.maxBlockCountToStore) this.store.shift();
      return;
    }
    if (this.store.some((b) => b.header.number === block.header.number)) return;
    this.store.push(block);
    this.store.sort((a, b) => a.header.number - b.header.number);
    while (this.store.length > this.cfg.maxBlockCountToStore) this.store.shift();
  }

  private propagate(block: Block, except: NodeId | null, out: Out<FabricMessage>, ctx: NodeContext): void {
    const targets = ctx.rng.shuffle(this.orgPeers.filter((p) => p !== except)).slice(0, this.cfg.propagatePeerNum);
    for (const t of targets) out.send(t, { type: 'gossip.data', block });
  }

  /** `addPayload(non-blocking)` of a gossiped block; returns why it was not added, or null. */
  private addGossiped(block: Block, out: Out<FabricMessage>, ctx: NodeContext): string | null {
    const seq = block.header.number;
    const height = this.host.height();
    if (this.host.has(seq)) return null;
    if (!this.cfg.stateTransfer && seq - height > this.cfg.stragglerWarningThreshold && !this.host.pullsFromOrderer() && this.stragglerWarnedAt !== height) {
      this.stragglerWarnedAt = height;
      out.log('state.straggler', [CHANNEL, height, seq + 1]);
    }
    if (seq - height >= this.cfg.blockBufferSize) {
      return `Ledger height is at ${height}, cannot enqueue block with sequence of ${seq}`;
    }
    this.host.push(block, out);
    return null;
  }

  onMessage(from: NodeId, msg: GossipMsg, out: Out<FabricMessage>, ctx: NodeContext): void {
    switch (msg.type) {
      case 'gossip.data': {
        const seq = msg.block.header.number;
        const isNew = !this.host.has(seq) && !this.store.some((b) => b.header.number === seq);
        if (blockDataHash(msg.block.data) !== msg.block.header.dataHash) return;
        const err = this.addGossiped(msg.block, out, ctx);
        if (err !== null) out.log('state.gossipNotAdded', [seq, err]);
        if (isNew) {
          this.remember(msg.block);
          this.propagate(msg.block, from, out, ctx);
        }
        return;
      }
      case 'gossip.stateInfo':
        this.heights.set(from, msg.height);
        return;
      case 'gossip.pullHello':
        out.send(from, { type: 'gossip.pullDigest', numbers: this.store.map((b) => b.header.number) });
        return;
      case 'gossip.pullDigest': {
        const want = msg.numbers.filter((n) => !this.host.has(n) && n >= this.host.height());
        if (want.length > 0) out.send(from, { type: 'gossip.pullRequest', numbers: want });
        return;
      }
      case 'gossip.pullRequest':
        for (const n of msg.numbers) {
          const b = this.store.find((x) => x.header.number === n);
          if (b !== undefined) out.send(from, { type: 'gossip.data', block: b });
        }
        return;
      case 'gossip.stateRequest':
        this.handleStateRequest(from, msg.nonce, msg.start, msg.end, out);
        return;
      case 'gossip.stateResponse':
        this.handleStateResponse(msg.nonce, msg.blocks, out, ctx);
        return;
      case 'gossip.leadership':
        this.onLeadership(from, msg.isDeclaration, out, ctx);
        return;
    }
  }

  private handleStateRequest(from: NodeId, nonce: number, start: number, end: number, out: Out<FabricMessage>): void {
    if (end - start > this.cfg.batchSize) return;
    const height = this.host.height();
    if (start > height - 1) {
      out.log('state.requestTooHigh', [start, end, height]);
      return;
    }
    const blocks: Block[] = [];
    for (let n = start; n <= Math.min(end, height - 1); n++) {
      const b = this.host.committedBlock(n);
      if (b !== undefined) blocks.push(b);
    }
    out.send(from, { type: 'gossip.stateResponse', nonce, blocks });
  }

  private handleStateResponse(nonce: number, blocks: readonly Block[], out: Out<FabricMessage>, ctx: NodeContext): void {
    const t = this.transfer;
    if (t === null || t.nonce !== nonce) return;
    out.cancel('gossip.stateResponse');
    let max = t.prev - 1;
    for (const b of blocks) {
      if (blockDataHash(b.data) !== b.header.dataHash) {
        out.log('state.transferNotAdded', [b.header.number, 'block data hash mismatch']);
        continue;
      }
      if (!this.host.has(b.header.number)) this.host.push(b, out);
      max = Math.max(max, b.header.number);
    }
    t.prev = max + 1;
    if (t.prev > t.end) {
      this.transfer = null;
      return;
    }
    t.tries = 0;
    this.sendStateRequest(out, ctx);
  }

  /** `requestBlocksInRange`: one batch request to a random peer high enough. */
  private sendStateRequest(out: Out<FabricMessage>, ctx: NodeContext): void {
    const t = this.transfer as Transfer;
    t.next = Math.min(t.end, t.prev + this.cfg.batchSize);
    const candidates = this.channelPeers.filter((p) => (this.heights.get(p) ?? 0) >= t.next);
    if (candidates.length === 0) {
      out.log('state.cannotSend', [t.prev, t.next, 'there are no peers to ask for missing blocks from']);
      this.transfer = null;
      return;
    }
    const peer = ctx.rng.pick(candidates);
    t.nonce = this.nextNonce++;
    t.tries++;
    out.log('state.requesting', [peer, t.prev, t.next, CHANNEL]);
    out.send(peer, { type: 'gossip.stateRequest', nonce: t.nonce, start: t.prev, end: t.next });
    out.timer('gossip.stateResponse', this.cfg.responseTimeoutMs, t.nonce);
  }

  onTimer(name: string, data: unknown, out: Out<FabricMessage>, ctx: NodeContext): void {
    switch (name) {
      case 'gossip.stateInfo':
        for (const p of this.channelPeers) out.send(p, { type: 'gossip.stateInfo', height: this.host.height() });
        out.timer('gossip.stateInfo', this.cfg.publishStateInfoIntervalMs);
        return;
      case 'gossip.pull':
        for (const p of ctx.rng.shuffle(this.orgPeers).slice(0, this.cfg.pullPeerNum)) out.send(p, { type: 'gossip.pullHello' });
        out.timer('gossip.pull', this.cfg.pullIntervalMs);
        return;
      case 'gossip.antiEntropy': {
        out.timer('gossip.antiEntropy', this.cfg.checkIntervalMs);
        if (this.transfer !== null) return;
        const ours = this.host.height();
        let max = 0;
        for (const h of this.heights.values()) max = Math.max(max, h);
        if (ours < max) {
          this.transfer = { prev: ours, next: ours, end: max - 1, nonce: 0, tries: 0 };
          this.sendStateRequest(out, ctx);
        }
        return;
      }
      case 'gossip.stateResponse': {
        const t = this.transfer;
        if (t === null || t.nonce !== data) return;
        if (t.tries > this.cfg.maxRetries) {
          out.log('state.giveUp', [t.prev, t.next, t.tries]);
          this.transfer = null;
          return;
        }
        this.sendStateRequest(out, ctx);
        return;
      }
      case 'gossip.election':
        this.electionTick(out, ctx);
        return;
      case 'gossip.electionDecide':
        this.decide(out, ctx);
        return;
    }
  }

  // --- Leader election ----------------------------------------------------------------

  private declare(out: Out<FabricMessage>): void {
    for (const p of this.orgPeers) out.send(p, { type: 'gossip.leadership', isDeclaration: true });
  }

  private electionTick(out: Out<FabricMessage>, ctx: NodeContext): void {
    if (this.isLeader) {
      this.declare(out);
      out.timer('gossip.election', this.cfg.leaderAliveThresholdMs / 2);
      return;
    }
    out.timer('gossip.election', 1_000);
    if (this.proposing || ctx.now - this.lastLeaderSeen < this.cfg.leaderAliveThresholdMs) return;
    this.proposing = true;
    this.proposals.clear();
    this.proposals.add(this.host.self);
    for (const p of this.orgPeers) out.send(p, { type: 'gossip.leadership', isDeclaration: false });
    out.timer('gossip.electionDecide', this.cfg.leaderElectionDurationMs);
  }

  /** The PKI-ID of a peer of this org, memoised. */
  private pki(node: NodeId): string {
    let id = this.pkiIds.get(node);
    if (id === undefined) this.pkiIds.set(node, (id = pkiId(this.host.org, node)));
    return id;
  }

  private decide(out: Out<FabricMessage>, ctx: NodeContext): void {
    this.proposing = false;
    if (ctx.now - this.lastLeaderSeen < this.cfg.leaderAliveThresholdMs) return;
    // election.go: a proposer yields to any proposal with a lower PKI-ID (bytes.Compare).
    let lowest = this.host.self;
    for (const p of this.proposals) if (this.pki(p) < this.pki(lowest)) lowest = p;
    if (lowest === this.host.self) {
      this.isLeader = true;
      this.leaderId = this.host.self;
      out.log('election.becomingLeader', [this.pki(this.host.self)]);
      out.log('service.elected', [CHANNEL]);
      out.metric('gossip_leader_election_leader', 1, { channel: CHANNEL });
      this.host.becomeLeader(out, ctx);
      this.declare(out);
    }
  }

  private onLeadership(from: NodeId, isDeclaration: boolean, out: Out<FabricMessage>, ctx: NodeContext): void {
    if (!this.host.electing) return;
    if (!isDeclaration) {
      this.proposals.add(from);
      if (this.isLeader) out.send(from, { type: 'gossip.leadership', isDeclaration: true });
      return;
    }
    if (this.isLeader) {
      if (this.pki(from) < this.pki(this.host.self)) {
        this.isLeader = false;
        out.log('service.renounced', [CHANNEL]);
        out.metric('gossip_leader_election_leader', 0, { channel: CHANNEL });
        this.host.renounce(out, ctx);
      } else return;
    }
    this.leaderId = from;
    this.lastLeaderSeen = ctx.now;
  }

  /** The leader this peer follows (election mode), for observers. */
  get currentLeader(): NodeId | null {
    return this.leaderId;
  }
}
