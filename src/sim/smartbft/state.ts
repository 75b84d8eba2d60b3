/**
 * The consenter's volatile state: one plain object owned by the node, updated in place by
 * the step functions of Controller, View, ViewChanger, HeartbeatMonitor, RequestPool,
 * Batcher, StateCollector and the Fabric synchronizer. A crash discards all of it; `start`
 * rebuilds it from the durable ledger and WAL.
 */
import type { Application, Decision, Proposal, Request, Signature } from './api.ts';
import type { SmartBftConfig } from './config.ts';
import type { Commit, ConsensusMessage, NewView, PrePrepare, Prepare, SignedViewData, ViewChange, ViewDataMsg } from './messages.ts';
import type { NodeIndex, Votes } from './votes.ts';

/** View phases (internal/bft/view.go), exported as gauge `view_phase`. */
export const PHASE = { COMMITTED: 0, PROPOSED: 1, PREPARED: 2, ABORT: 3 } as const;
export type Phase = (typeof PHASE)[keyof typeof PHASE];

export interface PoolEntry {
  readonly request: Request;
  /** The request id's hash in the processed marks table (requestpool.ts idHash). */
  readonly hash: number;
  /** False once decided or auto-removed (its slot in the FIFO is then skipped). */
  inPool: boolean;
  /** 0 forward timer, 1 complain timer, 2 auto-remove timer. */
  stage: 0 | 1 | 2;
  deadline: number;
}

/** RequestPool (internal/bft/requestpool.go `Pool`): what only the pool reads and writes. */
export interface RequestPoolState {
  /** The pool in FIFO order from `head` (removed entries are skipped), its live size and bytes (fifo, existMap, sizeBytes). */
  fifo: PoolEntry[];
  head: number;
  size: number;
  bytes: number;
  /** The per-request timers (forward, complain, auto-remove) as three FIFO queues, their heads, the one kernel timer's deadline. */
  queues: [PoolEntry[], PoolEntry[], PoolEntry[]];
  queueHeads: [number, number, number];
  timerAt: number;
  /** StopTimers was called (a view change is under way). */
  timersStopped: boolean;
  /**
   * existMap: the pooled requests' entries, by clientId then reqId. An entry that left the
   * pool (`inPool` false) stays until the map is rebuilt from the FIFO, once such entries
   * outnumber the pooled ones by 1024 (`unpooled`); readers check `inPool`.
   */
  requests: Map<string, Map<string, PoolEntry>>;
  /** Entries that left the pool since `requests` was rebuilt (at most). */
  unpooled: number;
  /** Submissions waiting for room in a full pool (the semaphore's FIFO of waiters), until `deadline`. */
  waiting: { readonly request: Request; readonly deadline: number }[];
  /** delSlice: each processed id once, in removal order, from `processedHead` on. */
  processed: Request[];
  processedHead: number;
  /** The ordinal of `processed[0]` (the list is cut at its head now and then). */
  processedBase: number;
  /**
   * delMap: the processed ids' marks in an open-addressing table (linear probing); per slot,
   * two int32s side by side: the mark + 1 (0: empty), the mark being the id's ordinal in the
   * processed list (`processedBase + i` for `processed[i]`), and the id's hash. A mark below
   * the list's head was erased: its id is forgotten and its slot is free for another mark.
   * The table is rebuilt from the live marks at each erase and when half its slots are used.
   */
  marks: Int32Array;
  /** Slots in use. */
  markUsed: number;
  /**
   * The last batch this node proposed (batcher.ts proposeBatch) and the pool entries it
   * took them from: when that batch is decided, its requests leave the pool without a
   * look-up in `requests`.
   */
  lastBatch: { readonly requests: readonly Request[]; readonly entries: readonly PoolEntry[] } | undefined;
  /** The pool's next erase tick (every 5 s from the start: delSlice is cut to its last 1000 ids). */
  processedEraseAt: number;
}

/** Votes and messages of the sequence being agreed on (View). */
export interface ViewState {
  number: number;
  leaderId: number;
  seq: number;
  decisionsInView: number;
  phase: Phase;
  stopped: boolean;
  /** The temporary view that commits an agreed in-flight proposal after a view change. */
  inFlightOnly: boolean;
  proposal: Proposal | undefined;
  myPrepare: Prepare | undefined;
  myCommit: Commit | undefined;
  /** The prepares' digests and the commits by sender, for this sequence and (next...) the one after (votes.ts). */
  prepares: Votes<string>;
  commits: Votes<Commit>;
  /** Senders of prepares matching our proposal, and verified commit signatures, in arrival order. */
  prepareFrom: number[];
  commitSigs: Signature[];
  nextPrePrepare: PrePrepare | undefined;
  nextPrepares: Votes<string>;
  nextCommits: Votes<Commit>;
  prevPrepare: Prepare | undefined;
  prevCommit: Commit | undefined;
  /** discoverIfSyncNeeded (view.go lastVotedProposalByID): the last commit each sender sent for another sequence or view. */
  lastVotedProposalByID: Map<number, Commit>;
  /**
   * The record the View is saving to its WAL (config.WalAppendMs, the `wal` timer) and what
   * it sends once saved: Go's View goroutine blocks in State.Save, so until then it neither
   * sends nor moves to the next phase; the votes that come meanwhile wait in the tables.
   */
  walPending: WalPending | undefined;
}

export type WalPending =
  | { readonly kind: 'proposal'; readonly prePrepare: PrePrepare; readonly prepare: Prepare }
  | { readonly kind: 'commit'; readonly commit: Commit };

/**
 * HeartbeatMonitor (internal/bft/heartbeatmonitor.go): what only the monitor reads and
 * writes, but for `lastTick`, which the Controller sets as each tick begins (so a view
 * started from the ViewChanger's part of that tick already sees it).
 */
export interface HeartbeatMonitorState {
  /** The time of the monitor's last tick (hm.lastTick); the ViewChanger keeps its own. */
  lastTick: number;
  lastHeartbeat: number;
  lastHeartbeatSent: number;
  /** The view and leader of the last ChangeRole (hm.view, hm.leaderID), not the running View's: the in-flight view does not change them. */
  view: number;
  leaderId: number;
  follower: boolean;
  timedOut: boolean;
  /** StopLeaderSendMsg: a leader whose request timed out stops heartbeating (and ticks as a follower). */
  stopSending: boolean;
  /** f+1 HeartBeatResponses already triggered a sync in this role (Go's syncReq). */
  syncRequested: boolean;
  /** followerBehind: the last heartbeat's sequence was exactly one past ours (ViewSequences.ProposalSeq). */
  followerBehind: boolean;
  /** The highest sequence of ours seen behind; a higher one restarts the count. */
  behindSeq: number;
  behindCounter: number;
  /** hbRespCollector: the senders of HeartBeatResponses with a higher view in this role. */
  responses: Set<number>;
}

/** @deprecated the earlier name of HeartbeatMonitorState. */
export type HeartbeatState = HeartbeatMonitorState;

/**
 * ViewChanger (internal/bft/viewchanger.go): what only the view changer reads and writes
 * (the Controller reaches it through the ViewChanger interface, viewchanger.ts; the play
 * view reads it to draw the node).
 */
export interface ViewChangerState {
  /** The time of its last tick (v.lastTick; both 1 s tickers are ticked together in the model). */
  lastTick: number;
  /** sim_smartbft_viewchange_total: the view changes this node joined since its start. */
  viewChanges: number;
  currView: number;
  nextView: number;
  realView: number;
  votes: Map<number, ViewChange>;
  viewData: Map<number, SignedViewData>;
  checkTimeout: boolean;
  startViewChangeTime: number;
  lastResend: number;
  backOffFactor: number;
  /**
   * commitInFlightProposal under way: a NewView's agreed in-flight proposal, its view
   * started after two ticks (`ticksToWait`), the NewView's own view after its decision.
   */
  pendingInFlight: { readonly proposal: Proposal; ticksToWait: number; started: boolean } | undefined;
  /** ViewChange / ViewData / NewView received while committing an in-flight proposal (Go's run loop is busy then). */
  deferred: { readonly sender: number; readonly msg: ViewChange | ViewDataMsg | NewView }[];
  /** nextViews: the highest next view each sender asked for (for helping lagging nodes). */
  nextViews: Map<number, number>;
  /**
   * committedDuringViewChange (viewchanger.go): the sequence of the last decision this
   * new leader delivered from a ViewData one ahead of it (checkLastDecision); getInFlight
   * then does not report the proposal before it as in flight. Never reset while running.
   */
  committedDuringViewChange: number | undefined;
}

/** The synchronizer (synchronizer.ts: Fabric's BFTSynchronizer, Controller.sync and the StateCollector). */
export interface SyncState {
  /** consensus_smartbft_consensus_latency_sync_count: the syncs this node started since its start. */
  syncs: number;
  /**
   * A sync runs (Controller.sync holds the sync token). False exactly when `stage` is
   * 'idle', so the handlers of answers and timers check the stage alone.
   */
  active: boolean;
  id: number;
  /**
   * `probe`: the block puller dials the other orderers (SyncProbeMs) before it asks their
   * heights; `connect`: the BFT deliverer dials its source (SyncPullMs) before it asks
   * for blocks.
   */
  stage: 'probe' | 'heights' | 'connect' | 'blocks' | 'state' | 'idle';
  heights: Map<number, number>;
  target: number;
  sources: number[];
  sourceIndex: number;
  fetchedFrom: number;
  fetched: number;
  responses: Map<number, { view: number; seq: number }>;
  /** The view/seq the synchronizer returned, carried into fetchState. */
  newView: number;
  newSeq: number;
  newDecisions: number;
  /** Controller.sync's controllerViewNum and the returned decision's view and sequence (undefined: empty metadata). */
  controllerView: number;
  latest: { readonly view: number; readonly seq: number } | undefined;
}

export interface ConsenterState {
  readonly id: number;
  readonly name: string;
  readonly channel: string;
  /** `{ channel }`: the labels of every metric and the fields of every log line (one object, never written). */
  readonly channelLabels: { readonly channel: string };
  readonly config: SmartBftConfig;
  readonly app: Application;
  /** Consenter ids sorted ascending, and their kernel node names. */
  readonly nodes: readonly number[];
  readonly nameOf: ReadonlyMap<number, string>;
  readonly idOf: ReadonlyMap<string, number>;
  /** Each consenter id's place in `nodes` (the View's vote tables are by place). */
  readonly nodeIndex: NodeIndex;
  readonly n: number;
  readonly f: number;
  readonly q: number;
  readonly emitLogs: boolean;
  /** Last value emitted per metric: a gauge set to the value it has is not emitted again. */
  readonly metricValues: Map<string, number>;

  ledger: Decision[];
  /**
   * The height this node's Deliver service serves to another orderer's block puller (its
   * height probe and its block pulls), when the embedding orderer writes a decided block
   * after deciding it: Fabric's BlockWriter.WriteBlock appends in a goroutine
   * (orderer/common/multichannel/blockwriter.go) and the Deliver service reads the ledger
   * (orderer/common/deliver), so for a few ms a decided block is not served yet. Undefined:
   * the whole ledger (SmartBFT alone, or an orderer with no write time). The orderer
   * (src/sim/fabric/orderer.ts) keeps it.
   */
  servedHeight: number | undefined;
  /** consensus_BFT_committed_block_number: blocks written by Deliver (not by sync). */
  committedBlock: number;
  leaderToken: boolean;
  /** `closed`: the Batcher closed by a leader's Controller.Sync until changeView resets it (batcher.go Close/Reset). */
  batch: { armed: boolean; startedAt: number; idle: boolean; closed: boolean };
  /** RequestPool (requestpool.go Pool): the pool, its timers, its waiters and the processed ids. */
  pool: RequestPoolState;
  view: ViewState;
  /**
   * ViewSequences (util.go, view.go): ProposalSeq is the sequence a view started at, then
   * the sequence it is deciding, set in decide BEFORE the view moves to the next one; so
   * after deciding 56 it is 56, while a view just started at 57 says 57. It is what a
   * HeartBeat carries, what a follower compares a heartbeat with, and what a
   * StateTransferResponse reports.
   */
  viewSeq: { seq: number; active: boolean };
  /**
   * Controller.currViewNumber (controller.go): the view the Controller last started
   * (changeView, at Start, after a NewView or a sync). Its leader is leaderID(); it is the
   * view a StateTransferResponse reports and a request's complaint names. The ViewChanger's
   * views are its own, and the in-flight proposal's View (the ViewChanger's) leaves it as it was.
   */
  currViewNumber: number;
  /**
   * InFlightData (util.go): the proposal of the last ProposedRecord written to the WAL and
   * whether its Commit was written too (state.go storeProposal / storePrepared). It
   * survives view aborts and the proposal's own decision: only the next ProposedRecord
   * replaces it, and only a sync that reaches its sequence clears it
   * (controller.go maybePruneInFlight).
   */
  inFlight: { proposal: Proposal; prepared: boolean } | undefined;
  /** Messages for the view the ViewChanger moved to, received before that view started. */
  earlyMessages: { sender: number; msg: ConsensusMessage }[];
  /** HeartbeatMonitor (heartbeatmonitor.go): its role, last tick and heartbeat, the behind counter, the responses. */
  hb: HeartbeatMonitorState;
  /** ViewChanger (viewchanger.go): its views, votes, ViewData, timeout and the in-flight proposal it commits. */
  vc: ViewChangerState;
  /** The synchronizer (synchronizer.ts), reached through its Synchronizer interface. */
  sync: SyncState;
  byzantine: string | null;
  /** Byzantine bookkeeping (equivocation, vote-for-everything). */
  byz: { alt: Map<number, Proposal>; voted: Set<string>; censored: string | undefined };
}
