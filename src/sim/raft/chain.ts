/**
 * A Raft orderer node: Fabric's etcdraft `Chain` (orderer/consensus/etcdraft/chain.go:
 * `Submit`, `serveRequest`, `propose`, `apply`/`writeBlock`; block creation as
 * `blockcreator.go`; bootstrap campaign as `node.go` `start`/`run`) over the Raft
 * protocol in `raft.ts`, as a kernel NodeMachine with the SmartBFT consenter's outward
 * shape: `createRaftNode({ id, nodes, options?, app?, channel? })`, commands
 * `{type:'submit', request}` and `{type:'byzantine', behaviour}`, `state.ledger` of
 * Decisions (durably the list `ledger`), and `raft.decided` facts with `bft.decided`'s
 * fields.
 *
 * - Submit: the leader orders the request (block cutter: MaxMessageCount,
 *   PreferredMaxBytes, BatchTimeout from the first pending request); a follower forwards
 *   it to the leader it knows; without a leader the request is rejected ("no Raft
 *   leader", as `Chain.Submit` answers).
 * - A new leader serves no request until everything in its log is applied, then logs
 *   "Start accepting requests as Raft leader at block [%d]"; it stops taking requests
 *   while MaxInflightBlocks blocks are proposed but not applied. A leader that steps down
 *   discards its pending batch (`BlockCutter().Cut()`), as Fabric does.
 * - Byzantine leader behaviours (`byzantine` command; a follower holding one is honest):
 *   `corrupt-block` puts a forged transaction (client `byzantine`) in every block it cuts,
 *   header and data hash consistent, so nothing a Raft follower checks notices; `equivocate`
 *   sends the second half of its followers (by id) a different block at every height
 *   (requests reversed, or left out when there is one), each chain hash-consistent.
 *   Followers accept both: Raft checks (index, term), never content.
 */
import type { Input, NodeContext, NodeMachine } from '../kernel/types.ts';
import type { Application, Decision, Proposal, Request } from '../consensus/types.ts';
import { defaultApplication } from '../consensus/app.ts';
import { hash64, sign, withDigest } from '../consensus/crypto.ts';
import { resolveRaftOptions, type RaftOptions } from './config.ts';
import { RAFT_BYZANTINE_BEHAVIOURS, describeRaftMessage, raftMessageFields, type Entry, type RaftByzantineBehaviour, type RaftCommand, type RaftEvent, type RaftMessage } from './messages.ts';
import { appendEntry, bcastAppend, campaign, lastIndex, maybeCommit, resetRandomizedElectionTimeout, stepMessage, tick, type ChainHooks } from './raft.ts';
import { Out, type RaftState } from './state.ts';

export interface RaftNodeOptions {
  /** This node's consenter id (Raft id). */
  readonly id: number;
  /** Every consenter: Raft id and kernel node name. */
  readonly nodes: readonly { readonly id: number; readonly name: string }[];
  readonly options?: Partial<RaftOptions>;
  /** Block assembler (default: SmartBFT's default application, header `<number>|<prev>|<data hash>`). */
  readonly app?: Application;
  readonly channel?: string;
  /** 'all' (default): log lines, metrics and facts; 'facts': no log lines. */
  readonly events?: 'all' | 'facts';
}

function inflightBlocks(s: RaftState): number {
  let n = 0;
  for (let i = s.applied; i < s.log.length; i++) if (s.log[i]?.block !== undefined) n++;
  return n;
}

function lastDecisionOf(seq: number, proposal: Proposal | undefined): Decision | undefined {
  return proposal === undefined ? undefined : { seq, proposal, signatures: [] };
}

/** corrupt-block: a transaction no client submitted, put in front of the real ones. */
function forge(batch: readonly Request[], number: number): Request[] {
  // Bytes no client sent (a string, as every payload on the wire is).
  const payload = JSON.stringify({ forgedBy: 'raft-leader', block: number });
  return [{ clientId: 'byzantine', reqId: `forged-${number}`, size: payload.length, payload }, ...batch];
}

function equivocationTargets(s: RaftState): Set<number> {
  const followers = s.nodes.filter((n) => n.id !== s.id).map((n) => n.id);
  return new Set(followers.slice(Math.ceil(followers.length / 2)));
}

const hooks: ChainHooks = {
  applyBlock(o, e) {
    const s = o.s;
    const block = e.block as Proposal;
    const number = block.metadata.latestSequence;
    // chain.go writeBlock: blocks must come in order; an already written one is skipped.
    if (number !== s.ledger.length + 1) return;
    const signer = e.signer ?? s.lead;
    const prev = s.ledger[s.ledger.length - 1]?.proposal.digest ?? '';
    const decision: Decision = { seq: number, proposal: block, signatures: [sign(signer, block.digest)] };
    s.ledger.push(decision);
    o.effects.push({ kind: 'persist', op: { op: 'append', key: 'ledger', value: decision } });
    o.emit({ type: 'raft.decided', seq: number, digest: block.digest, view: e.term, signers: [signer], viaSync: false, prev, txCount: block.payload.length });
    o.metric('consensus_etcdraft_committed_block_number', number);
  },
  afterApply(o) {
    const s = o.s;
    if (s.role !== 'leader') return;
    if (s.justElected && s.applied >= lastIndex(s)) {
      s.justElected = false;
      s.lastCreated = s.ledger[s.ledger.length - 1]?.proposal;
      s.altLast = s.lastCreated;
      s.alt.clear();
      o.log('etcdraft.startAccepting', s.ledger.length);
    }
    drainBacklog(o);
  },
  becameLeader(o) {
    const s = o.s;
    s.justElected = true;
    s.pending = [];
    s.pendingBytes = 0;
  },
  steppedDown(o) {
    const s = o.s;
    s.pending = [];
    s.pendingBytes = 0;
    if (s.batchTimerRunning) o.cancel('batch');
    s.batchTimerRunning = false;
    s.justElected = false;
    s.alt.clear();
    const waiting = s.backlog;
    s.backlog = [];
    for (const r of waiting) submit(o, r);
  },
  outgoing(o, to, entries) {
    const s = o.s;
    if (s.byzantine !== 'equivocate' || s.alt.size === 0 || !equivocationTargets(s).has(to)) return entries;
    return entries.map((e) => {
      const alt = s.alt.get(e.index);
      return alt === undefined ? e : { ...e, block: alt };
    });
  },
};

function reject(o: Out, r: Request, reason: string): void {
  o.emit({ type: 'raft.rejected', clientId: r.clientId, reqId: r.reqId, reason });
}

/** chain.go `Submit`: order here if leader, else forward to the leader. */
function submit(o: Out, r: Request): void {
  const s = o.s;
  if (s.role === 'leader') {
    if (s.justElected || inflightBlocks(s) >= s.opts.MaxInflightBlocks) s.backlog.push(r);
    else ordered(o, r);
    return;
  }
  if (s.role !== 'follower' || s.lead === 0) {
    reject(o, r, 'no Raft leader');
    return;
  }
  o.send(s.lead, { type: 'Submit', request: r });
}

function drainBacklog(o: Out): void {
  const s = o.s;
  while (s.backlog.length > 0 && s.role === 'leader' && !s.justElected && inflightBlocks(s) < s.opts.MaxInflightBlocks) {
    ordered(o, s.backlog.shift() as Request);
  }
}

/** blockcutter `Ordered`, then the batch timer as `serveRequest` runs it. */
function ordered(o: Out, r: Request): void {
  const s = o.s;
  const max = s.opts.PreferredMaxBytes;
  if (r.size > max) {
    if (s.pending.length > 0) cut(o);
    propose(o, [r]);
  } else {
    if (s.pending.length > 0 && s.pendingBytes + r.size > max) cut(o);
    s.pending.push(r);
    s.pendingBytes += r.size;
    if (s.pending.length >= s.opts.MaxMessageCount) cut(o);
  }
  if (s.pending.length > 0 && !s.batchTimerRunning) {
    s.batchTimerRunning = true;
    o.timer('batch', s.opts.BatchTimeoutMs);
  } else if (s.pending.length === 0 && s.batchTimerRunning) {
    s.batchTimerRunning = false;
    o.cancel('batch');
  }
}

function cut(o: Out): void {
  const s = o.s;
  const batch = s.pending;
  s.pending = [];
  s.pendingBytes = 0;
  if (batch.length > 0) propose(o, batch);
}

/** blockCreator.createNextBlock, then Node.Propose: append to the leader's log and replicate. */
function propose(o: Out, batch: readonly Request[]): void {
  const s = o.s;
  const prevSeq = s.lastCreated?.metadata.latestSequence ?? s.ledger.length;
  const number = prevSeq + 1;
  const md = { viewId: s.term, latestSequence: number, decisionsInView: 0 };
  const requests = s.byzantine === 'corrupt-block' ? forge(batch, number) : batch;
  // The application may leave the digest to the orderer (as SmartBFT's Proposal.Digest()).
  const block = withDigest(s.app.assemble(requests, md, lastDecisionOf(prevSeq, s.lastCreated)));
  const index = lastIndex(s) + 1;
  if (s.byzantine === 'equivocate') {
    const altRequests = batch.length > 1 ? batch.slice().reverse() : [];
    const alt = withDigest(s.app.assemble(altRequests, md, lastDecisionOf(prevSeq, s.altLast)));
    s.alt.set(index, alt);
    s.altLast = alt;
  } else {
    s.altLast = block;
  }
  s.lastCreated = block;
  appendEntry(o, { term: s.term, index, block, signer: s.id });
  bcastAppend(o, hooks);
  maybeCommit(o, hooks);
}

function setByzantine(o: Out, behaviour: string | null): void {
  const s = o.s;
  if (behaviour !== null && !(RAFT_BYZANTINE_BEHAVIOURS as readonly string[]).includes(behaviour)) {
    throw new RangeError(`Raft orderer ${s.name}: unknown byzantine behaviour "${behaviour}" (known: ${RAFT_BYZANTINE_BEHAVIOURS.join(', ')}, or null)`);
  }
  s.byzantine = behaviour as RaftByzantineBehaviour | null;
  const note =
    behaviour === null
      ? 'honest again'
      : s.role === 'leader'
        ? `leader of term ${s.term} turns ${behaviour}`
        : `${behaviour} takes effect only while this node leads`;
  o.emit({ type: 'raft.byzantine', behaviour, note });
}

function validate(opts: RaftNodeOptions): void {
  const ids = new Set<number>();
  const names = new Set<string>();
  for (const n of opts.nodes) {
    if (!Number.isInteger(n.id) || n.id < 1) throw new RangeError(`createRaftNode: node ids must be integers >= 1, got ${String(n.id)}`);
    if (ids.has(n.id)) throw new RangeError(`createRaftNode: node id ${n.id} appears twice`);
    if (names.has(n.name)) throw new RangeError(`createRaftNode: node name "${n.name}" appears twice`);
    ids.add(n.id);
    names.add(n.name);
  }
  if (!ids.has(opts.id)) throw new RangeError(`createRaftNode: id ${opts.id} is not one of the nodes (${[...ids].join(', ')})`);
}

interface HardState {
  readonly term: number;
  readonly vote: number;
  readonly commit: number;
}

/** A Raft orderer node for the kernel. */
export function createRaftNode(opts: RaftNodeOptions): NodeMachine<RaftState, RaftMessage, RaftCommand, RaftEvent> {
  validate(opts);
  const raftOpts = resolveRaftOptions(opts.options);
  const nodes = opts.nodes.slice().sort((a, b) => a.id - b.id);
  const self = nodes.find((n) => n.id === opts.id) as { id: number; name: string };
  const idOf = new Map(nodes.map((n) => [n.name, n.id] as const));
  const channel = opts.channel ?? 'certchannel';
  const picked = nodes[parseInt(hash64(channel).slice(0, 8), 16) % nodes.length]?.id;

  return {
    start(ctx: NodeContext, durable) {
      const hs = durable.get<HardState>('raft/hardstate');
      const log = durable.list<Entry>('raft/entries').slice();
      const ledger = durable.list<Decision>('ledger').slice();
      const s: RaftState = {
        id: self.id,
        name: self.name,
        channel,
        nodes,
        opts: raftOpts,
        app: opts.app ?? defaultApplication,
        emitLogs: opts.events !== 'facts',
        term: hs?.term ?? 0,
        vote: hs?.vote ?? 0,
        role: 'follower',
        lead: 0,
        log,
        commit: hs?.commit ?? 0,
        applied: durable.get<number>('raft/applied') ?? 0,
        electionElapsed: 0,
        heartbeatElapsed: 0,
        randomizedElectionTimeout: raftOpts.ElectionTick,
        votes: new Map(),
        progress: new Map(),
        bootstrapCampaign: false,
        pending: [],
        pendingBytes: 0,
        batchTimerRunning: false,
        backlog: [],
        justElected: false,
        lastCreated: undefined,
        altLast: undefined,
        alt: new Map(),
        ledger,
        byzantine: null,
        leaderChanges: 0,
      };
      const o = new Out(s, ctx);
      resetRandomizedElectionTimeout(o);
      o.metric('consensus_etcdraft_cluster_size', nodes.length);
      o.metric('consensus_etcdraft_is_leader', 0);
      o.metric('consensus_etcdraft_committed_block_number', ledger.length);
      o.timer('tick', raftOpts.TickIntervalMs);
      const fresh = hs === undefined && log.length === 0;
      if (fresh && picked === self.id) {
        // node.go: the node picked by hash(channel) campaigns every 2*HeartbeatTick until a leader is present.
        s.bootstrapCampaign = true;
        o.log('etcdraft.pickedToCampaign');
        o.timer('campaign', 2 * raftOpts.HeartbeatTick * raftOpts.TickIntervalMs);
      }
      return { state: s, effects: o.effects };
    },

    step(s: RaftState, input: Input<RaftMessage, RaftCommand>, ctx: NodeContext) {
      const o = new Out(s, ctx);
      switch (input.kind) {
        case 'timer':
          if (input.name === 'tick') {
            tick(o, hooks);
            o.timer('tick', s.opts.TickIntervalMs);
          } else if (input.name === 'campaign') {
            if (s.bootstrapCampaign && s.lead === 0) {
              campaign(o, s.opts.PreVote, hooks);
              if (s.bootstrapCampaign) o.timer('campaign', 2 * s.opts.HeartbeatTick * s.opts.TickIntervalMs);
            }
          } else if (input.name === 'batch') {
            s.batchTimerRunning = false;
            if (s.role === 'leader') cut(o);
          }
          break;
        case 'message': {
          const from = idOf.get(input.from);
          if (from === undefined) {
            if (input.msg.type === 'Submit') submit(o, input.msg.request);
            break;
          }
          if (input.msg.type === 'Submit') submit(o, input.msg.request);
          else stepMessage(o, from, input.msg, hooks);
          break;
        }
        case 'command':
          if (input.command.type === 'submit') submit(o, input.command.request);
          else setByzantine(o, input.command.behaviour);
          break;
      }
      return o.effects;
    },

    describe: describeRaftMessage,
    fields: raftMessageFields,
  };
}
