/**
 * A Fabric 3.x orderer on a BFT channel: the SmartBFT consenter (src/sim/smartbft) with
 * Fabric's block assembly as its Application, the Broadcast API (a submitted envelope goes
 * into the consenter's request pool) and the Deliver service (orderer/common/deliver:
 * stream blocks, or headers with signatures for BFT header receivers, from a height on,
 * then every new block as it is written).
 *
 * The orderer's channel ledger is the genesis block followed by the decided blocks: block
 * number = decision sequence; the header carries number, previous hash and data hash as
 * Fabric computes them (block.ts), and the metadata the consenters that signed.
 *
 * With `topology.consensus: raft` the consenter is the etcdraft model (src/sim/raft) instead,
 * behind the same Broadcast and Deliver: the comparison the lab argues from.
 *
 * Byzantine faults go to the consenter, plus one of the Deliver service: `censorDeliver`
 * (block streams get nothing new, header streams still flow), which the BFT deliverer's
 * censorship monitor is there to catch.
 */
import type { DurableView, Effect, Input, NodeContext, NodeId, NodeMachine } from '../kernel/types.ts';
import type { MessageFields } from '../../shared/trace-format.ts';
import { proposalDigest } from '../consensus/crypto.ts';
import type { Application, Decision, Proposal, Request } from '../consensus/types.ts';
import { createConsenter } from '../smartbft/api.ts';
import type { BftCommand, BftEvent, BftMessage, ConsenterState, SmartBftConfig } from '../smartbft/api.ts';
import { createRaftNode, type RaftEvent, type RaftMessage, type RaftState } from '../raft/index.ts';
import { blockDataHash, blockHeaderHash, CHANNEL, type Block, type BlockHeader } from './block.ts';
import type { FabricEvent } from './effects.ts';
import { describeFabricMessage, fabricMessageFields, type Broadcast, type DeliverToOrderer, type FabricMessage } from './messages.ts';
import type { Topology } from './topology.ts';

/** The Fabric block assembler as SmartBFT's Application (orderer/consensus/smartbft/assembler.go). */
export function blockApplication(genesis: Block): Application {
  const genesisHash = blockHeaderHash(genesis.header);
  // Every orderer verifies and assembles on the same (immutable) decided proposal object,
  // whose one header object memoises its hash (headerOfProposal, blockHeaderHash).
  const headerOf = (d: Decision | undefined): string => (d === undefined ? genesisHash : blockHeaderHash(headerOfProposal(d.proposal)));
  const build = (requests: readonly Request[], number: number, last: Decision | undefined): string => {
    const header: BlockHeader = { number, previousHash: headerOf(last), dataHash: blockDataHash(dataOf(requests)) };
    const text = JSON.stringify(header);
    rememberHeader(text, header);
    return text;
  };
  return {
    assemble(requests, metadata, last): Proposal {
      const header = build(requests, metadata.latestSequence, last);
      return { header, payload: requests, metadata, digest: proposalDigest(header, requests, metadata) };
    },
    verifyProposal(proposal, last): string | null {
      const want = build(proposal.payload, proposal.metadata.latestSequence, last);
      return proposal.header === want ? null : `block header ${proposal.header} does not match its content and the previous block (expected ${want})`;
    },
  };
}

const dataCache = new WeakMap<readonly Request[], readonly string[]>();

/** The block data (serialized envelopes) of a batch, one array per (immutable) batch. */
function dataOf(requests: readonly Request[]): readonly string[] {
  let d = dataCache.get(requests);
  if (d === undefined) {
    d = requests.map((r) => r.payload as string);
    dataCache.set(requests, d);
  }
  return d;
}

const proposalHeaders = new WeakMap<Proposal, BlockHeader>();

/**
 * Headers the assembler built lately, by their JSON text (the proposal's header): the
 * header of a proposal is then the object built for it, whose previous hash and data hash
 * are the strings the previous header's hash and the data hash already are, where parsing
 * the text made two more of them per block. A few recent ones only (a proposal's header is
 * read as it is decided); an older text is parsed.
 */
const builtHeaders = new Map<string, BlockHeader>();
const BUILT_HEADERS_KEPT = 64;

function rememberHeader(text: string, header: BlockHeader): void {
  if (builtHeaders.has(text)) return;
  builtHeaders.set(text, header);
  if (builtHeaders.size > BUILT_HEADERS_KEPT) {
    for (const oldest of builtHeaders.keys()) {
      builtHeaders.delete(oldest);
      break;
    }
  }
}

/**
 * The block header of a proposal, one object per (immutable) proposal: the orderers'
 * decisions of a block share its proposal, so their blocks share a header and its memoised
 * hash (`blockHeaderHash`) is computed once for every orderer and peer.
 */
function headerOfProposal(p: Proposal): BlockHeader {
  let h = proposalHeaders.get(p);
  if (h === undefined) {
    h = builtHeaders.get(p.header) ?? (JSON.parse(p.header) as BlockHeader);
    proposalHeaders.set(p, h);
  }
  return h;
}

/**
 * The Fabric block of a decision. Not memoised: its header and data are (per proposal and
 * per batch), and the block object itself is a few fields; a memo per decision kept a
 * block object with its signer list for every orderer and every block for the run's
 * length, where the peers keep only the one each committed.
 */
export function blockOfDecision(d: Decision): Block {
  return {
    header: headerOfProposal(d.proposal),
    data: dataOf(d.proposal.payload),
    metadata: { signers: d.signatures.map((s) => s.signer) },
  };
}

interface DeliverSession {
  readonly peer: NodeId;
  readonly session: number;
  readonly headersOnly: boolean;
  next: number;
}

export interface OrdererState {
  readonly id: NodeId;
  /** The consenter's state: SmartBFT's, or Raft's with `topology.consensus: raft`. Both keep `ledger`. */
  readonly consenter: ConsenterState | RaftState;
  readonly genesis: Block;
  readonly sessions: Map<string, DeliverSession>;
  /** Deliver-side Byzantine fault. */
  censorDeliver: boolean;
  /** The height the Deliver service serves: the blocks written (`deliverMs` after each decision). */
  written: number;
  /** The height the latest decision still being written will bring (0: none). */
  writing: number;
}

export type OrdererCommand = BftCommand;

export interface OrdererOptions {
  readonly id: NodeId;
  readonly topology: Topology;
  readonly genesis: Block;
  readonly config?: Partial<SmartBftConfig>;
  /** 'facts' keeps the consenter quiet (benchmarks). */
  readonly events?: 'all' | 'facts';
  /**
   * ms from deciding a block to sending it on the Deliver streams: the block write and the
   * Deliver service (calibrate's figures.deliver less the link). 0: at once.
   */
  readonly deliverMs?: number;
}

/** What an orderer's consenter exchanges with the other consenters: SmartBFT's or Raft's messages. */
type ConsenterMessage = BftMessage | RaftMessage;
type ConsensusEvent = BftEvent | RaftEvent;
type OrdererMsg = FabricMessage | ConsenterMessage;
type Consenter = NodeMachine<ConsenterState | RaftState, ConsenterMessage, BftCommand, ConsensusEvent>;

/** Decided and rejected facts of either consenter. */
const DECIDED = new Set(['bft.decided', 'raft.decided']);
const REJECTED = new Set(['bft.requestRejected', 'raft.rejected']);

export function createOrderer(options: OrdererOptions): NodeMachine<OrdererState, OrdererMsg, OrdererCommand, FabricEvent | ConsensusEvent> {
  const spec = options.topology.orderers.find((o) => o.id === options.id);
  if (spec === undefined) throw new Error(`createOrderer: ${options.id} is not an orderer of the topology`);
  const common = {
    id: spec.consenterId,
    nodes: options.topology.orderers.map((o) => ({ id: o.consenterId, name: o.id })),
    app: blockApplication(options.genesis),
    channel: CHANNEL,
    ...(options.events !== undefined ? { events: options.events } : {}),
  };
  const isRaft = options.topology.consensus === 'raft';
  const consenter = (
    isRaft
      ? createRaftNode(common)
      : createConsenter({ ...common, ...(options.config !== undefined ? { config: options.config } : {}) })
  ) as Consenter;

  const height = (s: OrdererState): number => s.consenter.ledger.length + 1;
  const blockAt = (s: OrdererState, n: number): Block => (n === 0 ? s.genesis : blockOfDecision(s.consenter.ledger[n - 1] as Decision));

  const deliverMs = options.deliverMs ?? 0;

  /** Send every block (or header) a session has not seen yet, up to the height written. */
  function pump(s: OrdererState, sess: DeliverSession, effects: Effect<OrdererMsg, FabricEvent | ConsensusEvent>[]): void {
    if (!sess.headersOnly && s.censorDeliver) return;
    const h = Math.min(height(s), s.written);
    for (; sess.next < h; sess.next++) {
      const b = blockAt(s, sess.next);
      effects.push(
        sess.headersOnly
          ? { kind: 'send', to: sess.peer, msg: { type: 'deliver.header', session: sess.session, header: b.header, signers: b.metadata.signers } }
          : { kind: 'send', to: sess.peer, msg: { type: 'deliver.block', session: sess.session, block: b } },
      );
    }
  }

  function onDeliver(s: OrdererState, from: NodeId, msg: DeliverToOrderer, effects: Effect<OrdererMsg, FabricEvent | ConsensusEvent>[]): void {
    const key = `${from}#${msg.session}`;
    switch (msg.type) {
      case 'deliver.seek': {
        const sess: DeliverSession = { peer: from, session: msg.session, headersOnly: msg.headersOnly, next: Math.max(0, msg.start) };
        s.sessions.set(key, sess);
        effects.push({ kind: 'send', to: from, msg: { type: 'deliver.connected', session: msg.session } });
        pump(s, sess, effects);
        return;
      }
      case 'deliver.cancel':
        s.sessions.delete(key);
        return;
      case 'deliver.ping':
        effects.push({ kind: 'send', to: from, msg: { type: 'deliver.pong', session: msg.session, ok: s.sessions.has(key) } });
        return;
    }
  }

  /**
   * The request's client id of each sender, one string each: a new slice per broadcast was a
   * new key for the request pool's index to hash on every submit.
   */
  const creators = new Map<NodeId, string>();

  function onBroadcast(s: OrdererState, from: NodeId, msg: Broadcast, ctx: NodeContext, effects: Effect<OrdererMsg, FabricEvent | ConsensusEvent>[]): void {
    let creator = creators.get(from);
    if (creator === undefined) creators.set(from, (creator = from.startsWith('gateway.') ? from.slice('gateway.'.length) : from));
    const request: Request = { clientId: creator, reqId: msg.txId, size: msg.envelope.length, payload: msg.envelope };
    const inner = consenter.step(s.consenter, { kind: 'command', command: { type: 'submit', request } }, ctx);
    let rejected: Effect<ConsenterMessage, ConsensusEvent> | undefined;
    for (const e of inner) {
      if (e.kind === 'emit' && REJECTED.has((e.event as { type: string }).type)) {
        rejected = e;
        break;
      }
    }
    afterConsenter(s, inner, effects);
    const reason = rejected?.kind === 'emit' ? String((rejected.event as { reason?: unknown }).reason ?? '') : '';
    if (isRaft) {
      const ok = rejected === undefined || reason === 'request already exists' || reason === 'request already processed';
      effects.push({ kind: 'send', to: from, msg: { type: 'broadcast.response', txId: msg.txId, status: ok ? 'SUCCESS' : 'SERVICE_UNAVAILABLE', info: reason } });
      return;
    }
    // BFT: a pool refusal (even "request already exists") is an Order error, answered
    // SERVICE_UNAVAILABLE with its text (orderer/common/broadcast/broadcast.go ProcessMessage;
    // smartbft/chain.go submit wraps it "failed to submit request"). The gateway counts
    // "already exists" as a success itself (internal/pkg/gateway/submit.go broadcastToAll).
    const info = rejected === undefined ? '' : `failed to submit request: ${reason}`;
    effects.push({ kind: 'send', to: from, msg: { type: 'broadcast.response', txId: msg.txId, status: rejected === undefined ? 'SUCCESS' : 'SERVICE_UNAVAILABLE', info } });
  }

  /** Pass the consenter's effects through; stream new blocks after a decision. */
  function afterConsenter(s: OrdererState, inner: readonly Effect<ConsenterMessage, ConsensusEvent>[], effects: Effect<OrdererMsg, FabricEvent | ConsensusEvent>[]): void {
    let decided = false;
    for (const e of inner) {
      effects.push(e);
      if (e.kind === 'emit' && DECIDED.has((e.event as { type: string }).type)) decided = true;
    }
    const h = height(s);
    if (decided && deliverMs > 0) {
      s.writing = h;
      effects.push({ kind: 'setTimer', name: `orderer.written:${h}`, afterMs: deliverMs, data: h });
      return;
    }
    // Decided with no write time, or blocks a sync wrote (their time is the sync's own).
    if (h > Math.max(s.written, s.writing)) {
      setWritten(s, h);
      for (const sess of s.sessions.values()) pump(s, sess, effects);
    }
  }

  /**
   * The blocks up to height `h` are written: the Deliver service serves them, to the peers'
   * streams (pump) and to another orderer's block puller (the consenter's servedHeight:
   * its height probe and block pulls read the same ledger, synchronizer_bft.go through
   * cluster/deliver.go and the BFT deliverer).
   */
  function setWritten(s: OrdererState, h: number): void {
    s.written = h;
    if (!isRaft) (s.consenter as ConsenterState).servedHeight = h;
  }

  return {
    start(ctx: NodeContext, durable: DurableView) {
      const r = consenter.start(ctx, durable);
      const s: OrdererState = { id: options.id, consenter: r.state, genesis: options.genesis, sessions: new Map(), censorDeliver: false, written: 0, writing: 0 };
      setWritten(s, height(s));
      return { state: s, effects: r.effects as Effect<OrdererMsg, FabricEvent | ConsensusEvent>[] };
    },
    step(s: OrdererState, input: Input<OrdererMsg, OrdererCommand>, ctx: NodeContext) {
      const effects: Effect<OrdererMsg, FabricEvent | ConsensusEvent>[] = [];
      if (input.kind === 'message') {
        const m = input.msg;
        if (m.type === 'deliver.seek' || m.type === 'deliver.cancel' || m.type === 'deliver.ping') {
          onDeliver(s, input.from, m, effects);
          return effects;
        }
        if (m.type === 'broadcast') {
          onBroadcast(s, input.from, m, ctx, effects);
          return effects;
        }
        if (m.type === 'gateway.dial') {
          effects.push({ kind: 'send', to: input.from, msg: { type: 'gateway.dialed' } });
          return effects;
        }
        afterConsenter(s, consenter.step(s.consenter, { kind: 'message', from: input.from, msg: m as ConsenterMessage }, ctx), effects);
        return effects;
      }
      if (input.kind === 'timer' && input.name.startsWith('orderer.written:')) {
        setWritten(s, Math.max(s.written, Number(input.data)));
        if (s.writing <= s.written) s.writing = 0;
        for (const sess of s.sessions.values()) pump(s, sess, effects);
        return effects;
      }
      if (input.kind === 'command' && input.command.type === 'byzantine') {
        if (input.command.behaviour === 'censorDeliver') {
          s.censorDeliver = true;
          effects.push({ kind: 'emit', event: { type: 'orderer.byzantine', behaviour: 'censorDeliver' } });
          return effects;
        }
        if (input.command.behaviour === null && s.censorDeliver) {
          s.censorDeliver = false;
          for (const sess of s.sessions.values()) pump(s, sess, effects);
        }
      }
      afterConsenter(s, consenter.step(s.consenter, input as Input<ConsenterMessage, BftCommand>, ctx), effects);
      return effects;
    },
    describe(msg: OrdererMsg): string {
      if (isBft(msg)) return consenter.describe !== undefined ? consenter.describe(msg) : msg.type;
      return describeFabricMessage(msg);
    },
    fields(msg: OrdererMsg): MessageFields {
      if (isBft(msg)) return consenter.fields !== undefined ? consenter.fields(msg) : { type: msg.type };
      return fabricMessageFields(msg);
    },
    ...(isRaft ? {} : { streamOf: (msg: OrdererMsg): string | undefined => SMARTBFT_STREAMS.get(msg.type) }),
  };
}

/**
 * The cluster stream each SmartBFT message travels on between orderers (the kernel's
 * stream rule: after the destination restarts, the next two sends on it are lost).
 * orderer/consensus/smartbft/egress.go: `SendConsensus` (every consensus message,
 * heartbeats and view change included) goes through `RPC.SendConsensus` on the consensus
 * stream, `SendTransaction` (a request forwarded to the leader) through `RPC.SendSubmit`
 * on the submit stream (orderer/common/cluster/rpc.go). The synchronizer's messages are
 * not here: Fabric's synchronizer pulls blocks over Deliver, a connection per pull
 * (synchronizer_bft.go). Raft's messages use the same cluster streams in Fabric but
 * etcdraft retransmits what is lost; they are not put on streams here.
 */
const SMARTBFT_STREAMS: ReadonlyMap<string, string> = new Map([
  ...(['PrePrepare', 'Prepare', 'Commit', 'ViewChange', 'ViewData', 'NewView', 'HeartBeat', 'HeartBeatResponse', 'StateTransferRequest', 'StateTransferResponse'] as const).map((t) => [t, 'consensus'] as const),
  ['FwdRequest', 'submit'] as const,
]);

/** Consensus messages (SmartBFT's and Raft's types are capitalised, Fabric's are not). */
function isBft(m: OrdererMsg): m is ConsenterMessage {
  return /^[A-Z]/.test(m.type);
}

/** The orderer's channel ledger: genesis followed by the decided blocks. */
export function ordererChain(s: OrdererState): Block[] {
  return [s.genesis, ...s.consenter.ledger.map(blockOfDecision)];
}
