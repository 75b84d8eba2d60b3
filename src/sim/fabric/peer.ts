/**
 * A Fabric peer as a pure node machine: start-up (ledger open and recovery, gossip join,
 * delivery), the payload buffer and commit pipeline, the endorser, and commit-status
 * answers for the gateway.
 *
 * Mirrors internal/peer/node/start.go (start-up order and the reset loop),
 * core/peer/peer.go (a ledger that fails to open leaves the peer running without the
 * channel, fabric#3633), gossip/privdata/coordinator.go `StoreBlock` (Received block ->
 * validate -> commit), core/endorser (simulate against committed state; requests blocked
 * while ledgers rebuild after reset/rollback).
 *
 * Block sources by topology: `deliver` (3.x) - every peer runs the BFT deliverer, block
 * gossip off; `gossip` (2.x) - org leaders (static or elected) run the CFT deliverer and
 * gossip blocks to their org; other peers get blocks by gossip push/pull and, when enabled,
 * state transfer. Commits take simulated time (`commitTiming`).
 */
import type { DurableView, NodeContext, NodeId, NodeMachine, Effect, Input } from '../kernel/types.ts';
import { computeQuorum } from '../consensus/quorum.ts';
import { blockHeaderHash, CHANNEL, envelopesOf, validationCodeName, type Block, type CollPvtRwSet } from './block.ts';
import { CHAINCODE_VERSION, definitionKeys, LIFECYCLE_NS, simulate } from './chaincode.ts';
import { DeliverClient, DEFAULT_DELIVER_CONFIG, type DeliverConfig } from './deliverclient.ts';
import { Out, type FabricEvent } from './effects.ts';
import { DEFAULT_GOSSIP_CONFIG, GossipState, type GossipConfig } from './gossip.ts';
import { CouchInstance, namespaceDbName } from './couchdb.ts';
import { BLOCKS_KEY, committedMs, commitTiming, dataformatError, KvLedger, PRE_RESET_KEY, totalCommitMs } from './kvledger.ts';
import { describeFabricMessage, fabricMessageFields, type FabricMessage, type Proposal } from './messages.ts';
import { mspId } from './policy.ts';
import { DEFAULT_COST_MODEL, type CostModel } from './profile.ts';
import type { Topology } from './topology.ts';

export interface PeerOptions {
  readonly id: NodeId;
  readonly topology: Topology;
  readonly genesis: Block;
  readonly deliver?: Partial<DeliverConfig>;
  readonly gossip?: Partial<Omit<GossipConfig, 'stateTransfer' | 'blockGossip'>>;
  /** Orderer signatures a block must carry; default: the BFT quorum of the orderers (1 with Raft). */
  readonly minSigners?: number;
  /** Measured costs (profile.ts): commit time per block, endorsement time. Default: the default profile's. */
  readonly cost?: CostModel;
}

/** Commands from outside the peer process. */
export type PeerCommand =
  /** The orderer's process died: its TCP connections are reset. */
  | { readonly type: 'connectionReset'; readonly orderer: NodeId }
  /** A dial to the orderer was refused: its process is down. */
  | { readonly type: 'connectionRefused'; readonly orderer: NodeId }
  /** Someone deleted one of its CouchDB databases (`curl -X DELETE`) while it runs. */
  | { readonly type: 'stateDatabaseDeleted'; readonly db: string };

export interface PeerState {
  readonly id: NodeId;
  readonly org: string;
  ledger: KvLedger | null;
  /** Why the channel's ledger did not open (the peer runs without the channel). */
  ledgerError: string | null;
  readonly buffer: Map<number, Block>;
  committing: Block | null;
  deliver: DeliverClient | null;
  gossip: GossipState | null;
  readonly waiters: Map<string, NodeId[]>;
  preResetHeight: number | null;
  /**
   * The transient store: private writes this peer endorsed (its org's implicit collection),
   * until the transaction commits. Volatile: a crash loses it (Fabric keeps it on disk, but
   * purges it at commit; the model's approvals commit before any fault).
   */
  readonly transient: Map<string, readonly CollPvtRwSet[]>;
  readonly counters: Map<string, number>;
  /** Set when the peer panicked (it stops processing). */
  halted: string | null;
}

type PeerOut = Out<FabricMessage>;

const NETWORK_ID = 'dev';

export function createPeer(options: PeerOptions): NodeMachine<PeerState, FabricMessage, PeerCommand, FabricEvent> {
  const topo = options.topology;
  const cost = options.cost ?? DEFAULT_COST_MODEL;
  const spec = topo.peers.find((p) => p.id === options.id);
  if (spec === undefined) throw new Error(`createPeer: ${options.id} is not a peer of the topology`);
  const deliverCfg: DeliverConfig = { ...DEFAULT_DELIVER_CONFIG, ...(options.deliver ?? {}) };
  const gossipMode = topo.dissemination === 'gossip';
  // With BFT orderers (3.x deliver) block gossip is hard-wired off (createBlockDelivererBFT).
  const gossipCfg: GossipConfig = { ...DEFAULT_GOSSIP_CONFIG, ...(options.gossip ?? {}), stateTransfer: gossipMode && topo.gossip.stateTransfer, blockGossip: gossipMode && topo.gossip.blockGossip };
  const orderers = topo.orderers.map((o) => o.id);
  // BlockValidation: a BFT channel needs a quorum of orderer signatures; a Raft block carries its leader's.
  const minSigners = options.minSigners ?? (topo.consensus === 'raft' ? 1 : computeQuorum(orderers.length).q);
  const orgPeers = topo.peers.filter((p) => p.org === spec.org && p.id !== spec.id).map((p) => p.id);
  const channelPeers = topo.peers.filter((p) => p.id !== spec.id).map((p) => p.id);
  const staticLeader = !gossipMode || topo.gossip.orgLeader === 'all' || (topo.gossip.orgLeader === 'peer0' && spec.index === 0);
  const electing = gossipMode && topo.gossip.orgLeader === 'election';

  function nextWanted(s: PeerState): number {
    if (s.ledger === null) return 0;
    let n = s.committing !== null ? s.committing.header.number + 1 : s.ledger.height;
    while (s.buffer.has(n)) n++;
    return n;
  }

  function has(s: PeerState, seq: number): boolean {
    if (s.ledger === null) return true;
    return seq < s.ledger.height || s.buffer.has(seq) || s.committing?.header.number === seq;
  }

  /** PayloadsBuffer.Push: below next or already held -> ignored. */
  function push(s: PeerState, block: Block, out: PeerOut): void {
    if (has(s, block.header.number)) return;
    s.buffer.set(block.header.number, block);
    tryCommitNext(s, out);
  }

  function startDelivery(s: PeerState, out: PeerOut, ctx: NodeContext): void {
    const dc = new DeliverClient(gossipMode ? 'cft' : 'bft', orderers, deliverCfg, {
      minSigners,
      ordererOrg: (o) => topo.orderers.find((x) => x.id === o)?.org ?? '',
      nextWanted: () => nextWanted(s),
      headerHash: (n) => {
        if (s.ledger !== null && n < s.ledger.height) return s.ledger.blockHash(n);
        const b = s.committing?.header.number === n ? s.committing : s.buffer.get(n);
        return b === undefined || b === null ? null : blockHeaderHash(b.header);
      },
      onBlock: (block, o, c) => {
        push(s, block, o);
        s.gossip?.fromOrderer(block, o, c);
      },
    });
    s.deliver = dc;
    dc.start(out, ctx, gossipCfg.blockGossip);
  }

  function tryCommitNext(s: PeerState, out: PeerOut): void {
    if (s.ledger === null || s.committing !== null || s.halted !== null) return;
    const block = s.buffer.get(s.ledger.height);
    if (block === undefined) return;
    s.buffer.delete(block.header.number);
    s.committing = block;
    out.log('privdata.receivedBlock', [block.header.number], true);
    // Validation, then the ledger commit (gossip/privdata/coordinator.go StoreBlock: the
    // validator logs `Validated block` when it is done, kvledger `Committed block` after).
    out.timer('peer.validated', commitTiming(block.data.length, cost.commit).validateMs);
  }

  function validatedNow(s: PeerState, out: PeerOut): void {
    const block = s.committing;
    if (block === null) return;
    const timing = commitTiming(block.data.length, cost.commit);
    out.log('txvalidator.validated', [CHANNEL, block.header.number, timing.validateMs]);
    out.timer('peer.commit', committedMs(timing));
  }

  function bump(s: PeerState, key: string, by = 1): number {
    const v = (s.counters.get(key) ?? 0) + by;
    s.counters.set(key, v);
    return v;
  }

  /** The namespaces a block's transactions write to (the state databases its commit reaches). */
  function writtenNamespaces(block: Block): string[] {
    const out = new Set<string>();
    for (const env of envelopesOf(block)) {
      if (env === null || env === undefined || env.type === 'CONFIG') continue;
      for (const ns of env.rwset) if (ns.writes.length > 0) out.add(ns.ns);
    }
    return [...out].sort();
  }

  function commitNow(s: PeerState, out: PeerOut): void {
    const block = s.committing;
    const ledger = s.ledger;
    s.committing = null;
    if (block === null || ledger === null) return;
    const num = block.header.number;
    const prevHash = ledger.blockHash(num - 1);
    if (num !== ledger.height || block.header.previousHash !== prevHash) {
      const why =
        num !== ledger.height
          ? `block number should have been ${ledger.height} but was ${num}`
          : `unexpected Previous block hash. Expected PreviousHash = [${prevHash}], PreviousHash referred in the latest block= [${block.header.previousHash}]`;
      s.halted = why;
      out.fact('peer.panic', { peer: s.id, reason: `Cannot commit block to the ledger due to ${why}` });
      return;
    }
    const timing = commitTiming(block.data.length, cost.commit);
    const lost = writtenNamespaces(block).map((ns) => namespaceDbName(ns)).find((db) => ledger.couch.isDeletedUnder(db));
    if (lost !== undefined) {
      // The block writes to a database deleted under the peer: loading the committed
      // versions (or the _bulk_docs update) gets CouchDB's 404 (statecouchdb/couchdb.go
      // handleRequest), the commit fails, and gossip/state/state.go panics with it.
      const why = 'error handling CouchDB request. Error:not_found,  Status Code:404,  Reason:Database does not exist.';
      s.halted = why;
      out.fact('peer.panic', { peer: s.id, reason: `Cannot commit block to the ledger due to ${why}` });
      return;
    }
    const { flags } = ledger.commit(block, topo.policy, topo.orgs, out, (txId) => s.transient.get(txId));
    for (const env of envelopesOf(block)) if (env !== null) s.transient.delete(env.txId);
    const stored = ledger.blocks[num];
    out.log('kvledger.committed', [CHANNEL, num, block.data.length, committedMs(timing), timing.stateValidationMs, timing.blockCommitMs, timing.stateCommitMs, stored?.commitHash ?? '']);
    out.log('state.committed', [CHANNEL, num, block.data.length]);
    out.metric('ledger_blockchain_height', ledger.height, { channel: CHANNEL });
    out.metric('gossip_state_height', num + 1, { channel: CHANNEL });
    const envs = envelopesOf(block);
    const counted = new Map<string, { labels: Record<string, string>; n: number }>();
    const invalid: [number, number][] = [];
    // The label set of the transaction before: a run of transactions with the same type,
    // chaincode and code (a block of certificates) counts on without building its key again.
    let last: { readonly type: string; readonly chaincode: string | null; readonly flag: number; readonly c: { n: number } } | undefined;
    for (let i = 0; i < envs.length; i++) {
      const env = envs[i];
      const flag = flags[i] ?? 0;
      if (flag !== 0) invalid.push([i, flag]);
      const type = env?.type ?? 'UNKNOWN';
      const chaincode = env === null || env === undefined || env.type === 'CONFIG' ? null : env.chaincode;
      if (last !== undefined && last.type === type && last.chaincode === chaincode && last.flag === flag) last.c.n++;
      else {
        const code = validationCodeName(flag);
        const cc = chaincode === null ? 'unknown' : chaincode === LIFECYCLE_NS ? '_lifecycle:syscc' : `${chaincode}:${CHAINCODE_VERSION}`;
        const key = `tx|${type}|${cc}|${code}`;
        let c = counted.get(key);
        if (c === undefined) counted.set(key, (c = { labels: { channel: CHANNEL, transaction_type: type, chaincode: cc, validation_code: code }, n: 1 }));
        else c.n++;
        last = { type, chaincode, flag, c };
      }
      if (env === null || env === undefined) continue;
      const waiting = s.waiters.get(env.txId);
      if (waiting !== undefined) {
        for (const w of waiting) out.send(w, { type: 'commitStatus.response', txId: env.txId, code: flag, block: num });
        s.waiters.delete(env.txId);
      }
    }
    // ledger_transaction_count is a counter: one sample per label set per block.
    for (const [key, c] of counted) out.metric('ledger_transaction_count', bump(s, key, c.n), c.labels);
    out.fact('peer.committed', { peer: s.id, block: num, hash: ledger.blockHash(num), txCount: block.data.length, invalid });
    s.gossip?.committed(block);
    tryCommitNext(s, out);
  }

  /**
   * The endorser refuses the proposal before simulating it. A function of the peer, not a
   * closure made in `endorse`: run under tsx (keepNames), every closure made per call was
   * also named with a defineProperty (1.4% of the e2e bench's CPU).
   */
  function refuse(s: PeerState, from: NodeId, p: Proposal, message: string, out: PeerOut): void {
    if (!p.evaluate) {
      out.metric('endorser_endorsement_failures', bump(s, `ef|${p.chaincode}`), { channel: CHANNEL, chaincode: p.chaincode, chaincodeerror: 'false' });
    }
    out.send(from, { type: 'proposal.response', id: p.id, peer: s.id, org: s.org, status: 500, message, payload: '', rwset: [] });
  }

  function endorse(s: PeerState, from: NodeId, p: Proposal, out: PeerOut): void {
    if (s.ledger === null) return refuse(s, from, p, `channel '${CHANNEL}' not found`, out);
    if (s.preResetHeight !== null) return refuse(s, from, p, 'endorse requests are blocked while ledgers are being rebuilt', out);
    if (p.chaincode !== LIFECYCLE_NS && s.ledger.version(LIFECYCLE_NS, definitionKeys(p.chaincode).metadata) === null) {
      return refuse(s, from, p, `make sure the chaincode ${p.chaincode} has been successfully defined on channel ${CHANNEL} and try again: chaincode ${p.chaincode} not found`, out);
    }
    const r = simulate({ chaincode: p.chaincode, fn: p.fn, args: p.args, creatorMsp: mspId(p.creator), timestampMs: p.timestampMs }, s.ledger.reader(out));
    if (r.status !== 200 && !p.evaluate) {
      out.metric('endorser_endorsement_failures', bump(s, `ef|${p.chaincode}`), { channel: CHANNEL, chaincode: p.chaincode, chaincodeerror: 'true' });
    }
    if (r.status === 200 && !p.evaluate && r.pvt !== undefined) s.transient.set(p.txId, r.pvt);
    const response: FabricMessage = { type: 'proposal.response', id: p.id, peer: s.id, org: s.org, status: r.status, message: r.message, payload: r.payload, result: r.result, rwset: r.rwset };
    // The chaincode round trip and the signature take the measured endorsement time.
    const ms = p.evaluate ? cost.endorseMs : cost.submitEndorseMs;
    if (ms > 0) out.timer(`peer.endorse:${from}:${p.id}`, ms, { to: from, msg: response });
    else out.send(from, response);
  }

  return {
    start(ctx: NodeContext, durable: DurableView): { state: PeerState; effects: Effect<FabricMessage, FabricEvent>[] } {
      const out: PeerOut = new Out();
      const s: PeerState = {
        id: spec.id,
        org: spec.org,
        ledger: null,
        ledgerError: null,
        buffer: new Map(),
        committing: null,
        deliver: null,
        gossip: null,
        waiters: new Map(),
        preResetHeight: null,
        transient: new Map(),
        counters: new Map(),
        halted: null,
      };
      const addr = `${spec.id}:7051`;
      const formatError = dataformatError(CouchInstance.load(durable));
      if (formatError !== null) {
        // The ledger manager cannot be built: `peer node start` exits with this error.
        s.halted = formatError;
        out.fact('peer.exit', { peer: spec.id, reason: formatError });
        return { state: s, effects: out.list };
      }
      const joined = durable.has(BLOCKS_KEY);
      if (joined) {
        out.log('peer.loadingChain', [CHANNEL]);
        const r = KvLedger.open(durable, out);
        if ('ledger' in r) s.ledger = r.ledger;
        else {
          s.ledgerError = r.error;
          out.log('peer.failedToLoadLedger', [CHANNEL, r.error]);
          out.fact('peer.ledgerFailed', { peer: spec.id, error: r.error });
        }
      }
      out.log('nodeCmd.starting', [spec.id, NETWORK_ID, addr]);
      if (!joined) s.ledger = KvLedger.create(options.genesis, out, cost.commit);
      const ledger = s.ledger;
      if (ledger !== null) {
        out.metric('ledger_blockchain_height', ledger.height, { channel: CHANNEL });
        out.log('gossip.joinChan', [CHANNEL, topo.orgs.length]);
        const gossip = new GossipState(gossipCfg, orgPeers, channelPeers, {
          self: spec.id,
          org: spec.org,
          electing,
          height: () => (s.ledger === null ? 0 : s.ledger.height),
          has: (seq) => has(s, seq),
          push: (b, o) => push(s, b, o),
          committedBlock: (n) => s.ledger?.blocks[n]?.block,
          pullsFromOrderer: () => staticLeader || (s.gossip?.leader ?? false),
          becomeLeader: (o, c) => startDelivery(s, o, c),
          renounce: (o) => {
            s.deliver?.stop(o);
            s.deliver = null;
          },
        });
        s.gossip = gossip;
        out.log('state.updatingMetadata', [CHANNEL, ledger.height - 1, ledger.height]);
        if (gossipMode) gossip.start(out, ctx);
        if (staticLeader) startDelivery(s, out, ctx);
      }
      out.log('nodeCmd.started', [spec.id, NETWORK_ID, addr]);
      const pre = durable.get<number>(PRE_RESET_KEY);
      if (pre !== undefined) {
        s.preResetHeight = pre;
        out.log('nodeCmd.preResetHeight', [CHANNEL, pre]);
        out.log('nodeCmd.resetLoopEnter', []);
        out.timer('peer.resetLoop', 10_000);
      }
      return { state: s, effects: out.list };
    },

    step(s: PeerState, input: Input<FabricMessage, PeerCommand>, ctx: NodeContext): Effect<FabricMessage, FabricEvent>[] {
      const out: PeerOut = new Out();
      if (s.halted !== null) return out.list;
      if (input.kind === 'command') {
        if (input.command.type === 'connectionReset') s.deliver?.connectionReset(input.command.orderer, out, ctx);
        else if (input.command.type === 'connectionRefused') s.deliver?.connectionRefused(input.command.orderer, out, ctx);
        else if (input.command.type === 'stateDatabaseDeleted') s.ledger?.couch.databaseDeletedUnder(input.command.db);
        return out.list;
      }
      if (input.kind === 'timer') {
        const name = input.name;
        if (name === 'peer.validated') validatedNow(s, out);
        else if (name === 'peer.commit') commitNow(s, out);
        else if (name.startsWith('peer.endorse:')) {
          const d = input.data as { to: NodeId; msg: FabricMessage };
          out.send(d.to, d.msg);
        }
        else if (name === 'peer.resetLoop') {
          out.log('nodeCmd.resetCheck', []);
          const h = s.ledger?.height ?? 0;
          if (s.preResetHeight !== null && h >= s.preResetHeight) {
            s.preResetHeight = null;
            out.persist({ op: 'delete', key: PRE_RESET_KEY });
            out.log('nodeCmd.resetComplete', []);
          } else out.timer('peer.resetLoop', 10_000);
        } else if (name.startsWith('deliver.')) s.deliver?.onTimer(name, input.data, out, ctx);
        else if (name.startsWith('gossip.')) s.gossip?.onTimer(name, input.data, out, ctx);
        return out.list;
      }
      const { from, msg } = input;
      switch (msg.type) {
        case 'deliver.connected':
        case 'deliver.block':
        case 'deliver.header':
        case 'deliver.pong':
          s.deliver?.onMessage(from, msg, out, ctx);
          break;
        case 'proposal':
          endorse(s, from, msg, out);
          break;
        case 'commitStatus': {
          const ledger = s.ledger;
          const loc = ledger?.txLocation(msg.txId);
          if (ledger !== null && loc !== undefined) {
            out.send(from, { type: 'commitStatus.response', txId: msg.txId, code: loc.code, block: loc.block });
          } else {
            const w = s.waiters.get(msg.txId) ?? [];
            if (!w.includes(from)) w.push(from);
            s.waiters.set(msg.txId, w);
          }
          break;
        }
        case 'gossip.data':
        case 'gossip.stateInfo':
        case 'gossip.pullHello':
        case 'gossip.pullDigest':
        case 'gossip.pullRequest':
        case 'gossip.stateRequest':
        case 'gossip.stateResponse':
        case 'gossip.leadership':
          if (gossipMode) s.gossip?.onMessage(from, msg, out, ctx);
          break;
        default:
          break;
      }
      return out.list;
    },

    describe: describeFabricMessage,
    fields: fabricMessageFields,
  };
}
