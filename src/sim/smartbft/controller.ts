/**
 * Controller (internal/bft/controller.go) with consensus.go's Start and Fabric's BFTChain
 * Deliver (orderer/consensus/smartbft/chain.go): builds the consenter from its durable
 * ledger and WAL, routes inputs to View, ViewChanger, HeartbeatMonitor, RequestPool,
 * Batcher and the synchronizer, starts views, delivers decisions and reports metrics.
 * `createConsenter` is the node machine the kernel drives.
 */
import type { DurableView, Effect, Input, NodeContext, NodeMachine } from '../kernel/types.ts';
import type { ConsenterOptions, Decision, Proposal } from './api.ts';
import { defaultApplication } from '../consensus/app.ts';
import { isByzantineBehaviour, voteForEverything } from './byzantine.ts';
import { resolveConfig } from './config.ts';
import { goList, Io, TIMERS, type TimerName } from './io.ts';
import { describeMessage, messageFields, type BftCommand, type BftEvent, type BftMessage, type Commit, type ConsensusMessage, type SavedMessage } from './messages.ts';
import { requestKey, sign } from '../consensus/crypto.ts';
import { computeQuorum, leaderOfView } from '../consensus/quorum.ts';
import { closeBatcher, nextBatch, onBatchTimer } from './batcher.ts';
import { artificialHeartbeat, changeRole, handleHeartBeat, handleHeartBeatResponse, heartbeatTick, newHeartbeatMonitorState, stopLeaderSendMsg, type HeartbeatEventHandler } from './heartbeatmonitor.ts';
import { eraseProcessed, newRequestPoolState, onRequestTimers, onSubmitTimeouts, removeRequests, restartTimers, stopTimers, submitRequest, type RequestTimeoutHandler } from './requestpool.ts';
import { PHASE, type ConsenterState } from './state.ts';
import { newSynchronizer, newSyncState, onBlockRequest, onBlockResponse, onHeightRequest, onCollectTimer, onHeightResponse, onStateTransferResponse, onSyncTimer, type SyncEventHandler } from './synchronizer.ts';
import { enterPrepared, newViewState, processMsg, stopView, walSaved } from './view.ts';
import { newViewChanger, newViewChangerState, type ViewChangerDeps } from './viewchanger.ts';
import { LEDGER_KEY, restoreView, startPoint, WAL_KEY, type Restored } from './wal.ts';
import { NodeIndex } from './votes.ts';

const EARLY_LIMIT_PER_NODE = 8;

/** The leader of `view` (leader rotation off, as Fabric runs SmartBFT). */
export function leaderOf(s: ConsenterState, view: number): number {
  return leaderOfView(s.nodes, view);
}

/** Controller.leaderID(): the leader of the Controller's view (getCurrentViewNumber). */
export function leaderId(s: ConsenterState): number {
  return leaderOf(s, s.currViewNumber);
}

/**
 * Controller.Sync(): a leader of the Controller's view closes its Batcher first
 * (controller.go:458-463, whether or not a sync then runs; only changeView's
 * Batcher.Reset opens it again, and propose() does nothing while it is closed), then the
 * Synchronizer's sync, its result handed back to SYNC_EVENTS.
 */
export function requestSync(s: ConsenterState, io: Io): void {
  if (leaderId(s) === s.id) closeBatcher(s);
  SYNCHRONIZER.sync(s, io);
}

/** Consensus.Complain -> ViewChanger.StartViewChange. */
export function complain(s: ConsenterState, io: Io, view: number, stopView: boolean, reason: string): void {
  VIEW_CHANGER.startViewChange(s, io, view, stopView, reason);
}

/** Controller.AbortView: abort the running view unless the Controller is past `view` (abortView, controller.go). */
export function abortView(s: ConsenterState, io: Io, view: number): void {
  // Stryker disable next-line ConditionalExpression: every caller passes the ViewChanger's currView, and the Controller's view is at most that (its realView)
  if (s.currViewNumber <= view) stopView(s, io);
}

/** Controller.OnHeartbeatTimeout: a follower complains about the leader the monitor timed out on, if it still leads. */
export function onHeartbeatTimeout(s: ConsenterState, io: Io, view: number, leader: number): void {
  const current = leaderId(s);
  if (current === s.id) return; // "this node is the leader, nothing to do" (Debug)
  if (leader !== current) {
    io.log('heartbeatTimeoutIgnored', current, leader);
    return;
  }
  io.log('heartbeatTimeoutComplain', leader);
  complain(s, io, view, true, 'heartbeat timeout');
}

/** The Controller as the synchronizer's SyncEventHandler: it writes fetched blocks and ends Controller.sync. */
const SYNC_EVENTS: SyncEventHandler = {
  deliver(s, io, d) {
    deliver(s, io, d, true);
  },
  synced: changeViewAfterSync,
};

/** The Controller's Synchronizer (controller.go c.Synchronizer). */
const SYNCHRONIZER = newSynchronizer(SYNC_EVENTS);

/** The Controller as the heartbeat monitor's HeartbeatEventHandler (controller.go OnHeartbeatTimeout, Sync). */
const HEARTBEAT_EVENTS: HeartbeatEventHandler = {
  onHeartbeatTimeout,
  sync: requestSync,
};

/**
 * The Controller and the request pool as the ViewChanger's dependencies (consensus.go
 * sets ViewChanger.Controller and Synchronizer to the Controller, RequestsTimer to the
 * Pool): AbortView, ViewChanged, the pool's StopTimers / RestartTimers, Sync, the delivery
 * of a decision taken from a ViewData or NewView, and the in-flight proposal's View.
 */
const VIEW_CHANGER_DEPS: ViewChangerDeps = {
  controller: { viewChanged, abortView },
  requestsTimer: { stopTimers, restartTimers },
  synchronizer: { sync: requestSync },
  application: {
    deliver(s, io, d) {
      deliver(s, io, d, false);
    },
  },
  inFlightView: { start: startInFlightView, abort: stopView },
};

/** The Controller's ViewChanger (controller.go c.ViewChanger, and the Views' FailureDetector). */
const VIEW_CHANGER = newViewChanger(VIEW_CHANGER_DEPS);

/** The Controller as the request pool's RequestTimeoutHandler. */
const REQUEST_TIMEOUTS: RequestTimeoutHandler = {
  /** Controller.OnRequestTimeout: a follower forwards the request to the leader. */
  onRequestTimeout(s, io, request) {
    const leader = leaderId(s);
    if (leader !== s.id) {
      // Stryker disable next-line ConditionalExpression: a shortcut; io.log prints nothing when logs are off
      if (io.logging) io.log('requestForward', requestKey(request), leader);
      io.send(leader, { type: 'FwdRequest', request });
    } else {
      // Stryker disable next-line ConditionalExpression: a shortcut; io.log prints nothing when logs are off
      if (io.logging) io.log('requestLeaderNothing', requestKey(request));
    }
  },
  /** Controller.OnLeaderFwdRequestTimeout: a follower complains; the leader stops sending heartbeats. */
  onLeaderFwdRequestTimeout(s, io, request) {
    const leader = leaderId(s);
    if (leader === s.id) {
      // Stryker disable next-line ConditionalExpression: a shortcut; io.log prints nothing when logs are off
      if (io.logging) io.log('requestLeaderStopHeartbeat', requestKey(request));
      stopLeaderSendMsg(s, io);
    } else {
      // Stryker disable next-line ConditionalExpression: a shortcut; io.log prints nothing when logs are off
      if (io.logging) io.log('requestComplain', requestKey(request), leader);
      complain(s, io, s.currViewNumber, true, 'request leader-forwarding timeout');
    }
  },
};

/** reportIsLeader: Fabric sets both gauges at Start and on each Deliver. */
function reportIsLeader(s: ConsenterState, io: Io): void {
  const leader = leaderId(s);
  io.metric('consensus_BFT_leader_id', leader);
  io.metric('consensus_BFT_is_leader', leader === s.id ? 1 : 0);
}

/**
 * Write a decision to the ledger (BFTChain.Deliver, or a block written by sync).
 * MutuallyExclusiveDeliver: only the next block is written. Returns whether it was.
 */
export function deliver(s: ConsenterState, io: Io, d: Decision, viaSync: boolean): boolean {
  if (d.seq !== s.ledger.length + 1) return false;
  const prev = s.ledger[s.ledger.length - 1]?.proposal.digest ?? '';
  s.ledger.push(d);
  io.persistAppend(LEDGER_KEY, d);
  removeRequests(s, io, d.proposal.payload);
  const signers = d.signatures.map((x) => x.signer);
  if (viaSync) {
    io.log('fetchedBlock', d.seq);
  } else {
    // Stryker disable next-line ConditionalExpression: a shortcut; io.log prints nothing when logs are off (the guard spares goList's text, per node per block)
    if (io.logging) io.log('deliver', d.seq, d.proposal.payload.length, 200 + 375 * d.signatures.length, goList(signers), s.id);
    s.committedBlock = d.seq;
    io.metric('consensus_BFT_committed_block_number', d.seq);
    reportIsLeader(s, io);
  }
  io.fact({
    type: 'bft.decided',
    seq: d.seq,
    digest: d.proposal.digest,
    view: d.proposal.metadata.viewId,
    signers,
    viaSync,
    prev,
    txCount: d.proposal.payload.length,
  });
  // InFlightData is kept (util.go): the decided proposal stays in flight until the next
  // ProposedRecord replaces it or a sync prunes it; getInFlight leaves it out of ViewData.
  return true;
}

/** The View decided: deliver, then the leader takes the token back for the next batch. */
export function decideInView(s: ConsenterState, io: Io, d: Decision): void {
  deliver(s, io, d, false);
  io.metric('consensus_smartbft_view_proposal_sequence', s.view.seq);
  io.metric('consensus_smartbft_view_decisions', s.view.decisionsInView);
  if (s.view.inFlightOnly) {
    io.log('inFlightCommitted', s.view.number, d.seq);
    // ViewChanger.Decide: the in-flight View's decider is the ViewChanger.
    VIEW_CHANGER.decide(s, io);
    return;
  }
  // Stryker disable next-line ConditionalExpression,LogicalOperator: a follower's token is never read (canPropose checks the leader; stopView clears it at every view change), and a stopped view decides nothing
  if (s.view.leaderId === s.id && !s.view.stopped) {
    s.leaderToken = true;
    nextBatch(s, io);
  }
}

/** Controller.startView: a fresh View, ChangeRole, "Starting view ...", metrics. */
function changeView(s: ConsenterState, io: Io, view: number, seq: number, decisions: number, restored?: Restored): void {
  // Stryker disable next-line EqualityOperator,ConditionalExpression: `restored` is passed only by start, whose view is a stopped placeholder, so the running-view part is false whenever it is set
  if (s.view.number === view && s.view.seq === seq && !s.view.stopped && restored === undefined) return;
  stopView(s, io);
  s.currViewNumber = view;
  const leader = leaderOf(s, view);
  s.view = newViewState(s.nodeIndex, view, leader, seq, decisions);
  s.viewSeq = { seq, active: true };
  const role = leader === s.id ? 'leader' : 'follower';
  changeRole(s, io, role, view, leader);
  io.log('startView', view, seq, decisions);
  io.metric('consensus_smartbft_view_number', view);
  io.metric('consensus_smartbft_view_leader_id', leader);
  io.metric('consensus_smartbft_view_proposal_sequence', seq);
  io.metric('consensus_smartbft_view_decisions', decisions);
  io.fact({ type: 'bft.viewStarted', view, seq, decisions, leader, role });
  if (restored !== undefined && restored.phase !== 'none') resumeRestored(s, io, restored);
  replayEarly(s, io);
  // changeView: `if iAm leader { c.Batcher.Reset() }` (controller.go:432-434); a
  // follower's Batcher is never read, and it is reset again when this node next leads.
  s.batch.closed = false;
  if (leader === s.id && s.view.phase === PHASE.COMMITTED) {
    s.leaderToken = true;
    nextBatch(s, io);
  }
}

/**
 * PersistedState.Restore: resume the WAL's proposal and re-send our last vote (View.doPhase
 * broadcasts lastBroadcastSent first). A ProposedRecord already in the ledger is resumed
 * too, as state.go recoverProposed does: the view stays PROPOSED on that old proposal at
 * the ledger's next sequence (util.go NewProposer), stored in flight, not prepared.
 */
function resumeRestored(s: ConsenterState, io: Io, r: Exclude<Restored, { phase: 'none' }>): void {
  const v = s.view;
  v.proposal = r.prePrepare.proposal;
  v.myPrepare = r.prepare;
  s.inFlight = { proposal: r.prePrepare.proposal, prepared: r.phase === 'prepared' };
  if (r.phase === 'proposed') {
    v.phase = PHASE.PROPOSED;
    io.broadcast(r.prepare);
  } else {
    v.phase = PHASE.PREPARED;
    v.myCommit = r.commit;
    io.broadcast(r.commit);
  }
}

/** Controller.ViewChanged after a NewView. */
export function viewChanged(s: ConsenterState, io: Io, view: number, seq: number): void {
  io.log('viewChanged', view);
  changeView(s, io, view, seq, 0);
}

/**
 * The end of Controller.sync (controller.go): ViewChanger.InformNewView of a view above the
 * Controller's, then changeView to what the sync found, unless the Controller is past it,
 * or (the model's) this node joined a view change past it.
 */
function changeViewAfterSync(s: ConsenterState, io: Io, view: number, seq: number, decisions: number): void {
  if (view > s.currViewNumber) VIEW_CHANGER.informNewView(s, io, view);
  // changeView: "Got view change to %d but already at %d".
  if (s.currViewNumber > view) return;
  // Go's changeView (controller.go:407-435, from run's sync case) restarts its aborted view
  // here when the sync found nothing newer during a view change this node joined; the
  // ViewChanger then starts the next view change without stopping it ("the sync maybe
  // created a good view", viewchanger.go checkIfTimeout). Except while the in-flight
  // proposal's View runs: Go runs that one beside the Controller's, the model has one View
  // at a time and keeps it until it decides.
  const joined = VIEW_CHANGER.joinedView(s);
  if (joined !== undefined && joined > view && s.view.inFlightOnly) return;
  // changeView's own check returns for the view already running ("Got view change to %d
  // but view is already running").
  changeView(s, io, view, seq, decisions);
}

/**
 * The temporary view that commits an in-flight proposal agreed in a NewView
 * (ViewChanger.commitInFlightProposal): the proposal's own view number, itself as leader,
 * already PREPARED, so it signs and broadcasts its Commit at once.
 */
export function startInFlightView(s: ConsenterState, io: Io, proposal: Proposal): void {
  stopView(s, io);
  const view = proposal.metadata.viewId;
  const v = newViewState(s.nodeIndex, view, s.id, proposal.metadata.latestSequence, proposal.metadata.decisionsInView);
  v.inFlightOnly = true;
  // ViewSequences stay as stopView left them (inactive): Go's in-flight View is built
  // directly, not by the controller's startView (util.go), and stores them only when it
  // decides (view.go decide) or ends. So a former leader sends no heartbeat meanwhile.
  v.proposal = proposal;
  const commit: Commit = { type: 'Commit', view, seq: v.seq, digest: proposal.digest, signature: sign(s.id, proposal.digest), assist: false };
  v.myCommit = commit;
  v.phase = PHASE.PREPARED;
  s.view = v;
  // InFlightData (s.inFlight) is left as it was: Go's in-flight View writes no WAL record,
  // and state.go stores InFlightData only with those (ProposedRecord, Commit).
  io.broadcast(commit);
  replayEarly(s, io);
  enterPrepared(s, io);
}

/**
 * The running View's Sync (view.go v.Sync): the Controller's Sync, except for the
 * in-flight proposal's View, whose Sync is the ViewChanger (viewchanger.go Sync): it gives
 * the in-flight proposal up.
 */
export function viewSync(s: ConsenterState, io: Io): void {
  if (s.view.inFlightOnly) VIEW_CHANGER.sync(s, io);
  else requestSync(s, io);
}

function replayEarly(s: ConsenterState, io: Io): void {
  // Stryker disable next-line ConditionalExpression: a shortcut; the loop below does nothing with an empty list
  if (s.earlyMessages.length === 0) return;
  const early = s.earlyMessages;
  s.earlyMessages = [];
  for (const e of early) {
    if (e.msg.view === s.view.number) {
      processMsg(s, io, e.sender, e.msg);
      continue;
    }
    // Stryker disable next-line EqualityOperator: (to >=) the equal view is handled above
    if (e.msg.view > s.view.number) s.earlyMessages.push(e);
  }
}

function onConsensusMessage(s: ConsenterState, io: Io, sender: number, m: ConsensusMessage): void {
  // ProcessMessages (controller.go): a message from the controller's leader (the monitor's,
  // set at each ChangeRole) is also an artificial heartbeat, whatever the View does with it.
  if (sender === s.hb.leaderId) artificialHeartbeat(s, io, sender, m.view);
  // A view change is under way and the message is for a view we have not started yet
  // (the model's: Go's aborted View drops it).
  const joined = VIEW_CHANGER.joinedView(s);
  // Stryker disable next-line ConditionalExpression,EqualityOperator: (m.view > s.view.number to true or >=) a running view during a view change is the in-flight one, whose number (the proposal's view) is below the joined view, so m.view === joined implies it
  if (joined !== undefined && (s.view.stopped || (m.view > s.view.number && m.view === joined))) {
    if (s.earlyMessages.length >= EARLY_LIMIT_PER_NODE * s.n) s.earlyMessages.shift();
    s.earlyMessages.push({ sender, msg: m });
    return;
  }
  processMsg(s, io, sender, m);
}

function onMessage(s: ConsenterState, io: Io, from: string, m: BftMessage): void {
  const sender = s.idOf.get(from);
  if (sender === undefined) {
    if (m.type === 'Submit') submitRequest(s, io, m.request);
    return;
  }
  switch (m.type) {
    case 'PrePrepare':
    case 'Prepare':
    case 'Commit':
      // Stryker disable next-line ConditionalExpression: (to true) a shortcut; voteForEverything returns nothing unless the node is voteAll
      if (s.byzantine === 'voteAll') for (const echo of voteForEverything(s, sender, m)) io.send(sender, echo);
      onConsensusMessage(s, io, sender, m);
      return;
    case 'ViewChange':
    case 'ViewData':
    case 'NewView':
      VIEW_CHANGER.handleMessage(s, io, sender, m);
      return;
    case 'HeartBeat':
      handleHeartBeat(s, io, sender, m, HEARTBEAT_EVENTS);
      return;
    case 'HeartBeatResponse':
      handleHeartBeatResponse(s, io, sender, m, HEARTBEAT_EVENTS);
      return;
    case 'StateTransferRequest':
      // respondToStateTransferRequest: the Controller's view number and ViewSequences.
      io.send(sender, { type: 'StateTransferResponse', viewNum: s.currViewNumber, sequence: s.viewSeq.seq });
      return;
    case 'StateTransferResponse':
      onStateTransferResponse(s, io, sender, m, SYNC_EVENTS);
      return;
    case 'Submit':
    case 'FwdRequest':
      submitRequest(s, io, m.request);
      return;
    case 'HeightRequest':
      onHeightRequest(s, io, sender, m);
      return;
    case 'HeightResponse':
      onHeightResponse(s, io, sender, m, SYNC_EVENTS);
      return;
    case 'BlockRequest':
      onBlockRequest(s, io, sender, m);
      return;
    case 'BlockResponse':
      onBlockResponse(s, io, sender, m, SYNC_EVENTS);
      return;
  }
}

function onTimer(s: ConsenterState, io: Io, name: TimerName): void {
  switch (name) {
    case TIMERS.tick:
      io.setTimer(TIMERS.tick, s.config.TickIntervalMs);
      // Fabric gives the ViewChanger and the HeartbeatMonitor a ticker each, both 1 s. The
      // ViewChanger's is taken first: a complaint raised by this tick's heartbeat timeout
      // starts its view change from this tick and is first re-sent on the next one.
      s.hb.lastTick = io.now;
      eraseProcessed(s, io);
      VIEW_CHANGER.tick(s, io);
      heartbeatTick(s, io, HEARTBEAT_EVENTS);
      return;
    case TIMERS.batch:
      onBatchTimer(s, io);
      return;
    case TIMERS.requestTimers:
      onRequestTimers(s, io, REQUEST_TIMEOUTS);
      return;
    case TIMERS.poolSubmit:
      onSubmitTimeouts(s, io);
      return;
    case TIMERS.sync:
      onSyncTimer(s, io, SYNC_EVENTS);
      return;
    case TIMERS.syncOnStart:
      // Controller.Start's syncOnStart calls c.sync() itself, not Sync(): no Batcher.Close.
      SYNCHRONIZER.sync(s, io);
      return;
    case TIMERS.collectState:
      onCollectTimer(s, io, SYNC_EVENTS);
      return;
    case TIMERS.wal:
      walSaved(s, io);
      return;
  }
}

function onCommand(s: ConsenterState, io: Io, c: BftCommand): void {
  switch (c.type) {
    case 'submit':
      submitRequest(s, io, c.request);
      return;
    case 'byzantine':
      if (c.behaviour !== null && !isByzantineBehaviour(c.behaviour)) {
        throw new Error(`smartbft: unknown Byzantine behaviour "${c.behaviour}"`);
      }
      s.byzantine = c.behaviour;
      s.byz.censored = undefined;
      io.fact({ type: 'bft.byzantine', behaviour: c.behaviour });
      return;
    default:
      throw new Error(`smartbft: unknown command ${JSON.stringify(c)}`);
  }
}

function validateOptions(opts: ConsenterOptions): void {
  if (!Array.isArray(opts.nodes) || opts.nodes.length === 0) throw new Error('createConsenter: nodes must list at least one consenter');
  const ids = new Set<number>();
  const names = new Set<string>();
  for (const nd of opts.nodes) {
    if (!Number.isInteger(nd.id) || nd.id < 1) throw new Error(`createConsenter: consenter id must be an integer >= 1, got ${String(nd.id)}`);
    if (ids.has(nd.id)) throw new Error(`createConsenter: duplicate consenter id ${nd.id}`);
    if (names.has(nd.name)) throw new Error(`createConsenter: duplicate node name "${nd.name}"`);
    ids.add(nd.id);
    names.add(nd.name);
  }
  if (!ids.has(opts.id)) throw new Error(`createConsenter: own id ${String(opts.id)} is not in nodes [${[...ids].join(', ')}]`);
}

function initialState(opts: ConsenterOptions, now: number): ConsenterState {
  const sorted = [...opts.nodes].sort((a, b) => a.id - b.id);
  const { f, q } = computeQuorum(sorted.length);
  const nameOf = new Map(sorted.map((x) => [x.id, x.name]));
  const ids = sorted.map((x) => x.id);
  const nodeIndex = new NodeIndex(ids);
  const channel = opts.channel ?? 'certchannel';
  return {
    id: opts.id,
    name: nameOf.get(opts.id) as string,
    channel,
    channelLabels: Object.freeze({ channel }),
    config: resolveConfig(opts.config),
    app: opts.app ?? defaultApplication,
    nodes: ids,
    nameOf,
    idOf: new Map(sorted.map((x) => [x.name, x.id])),
    nodeIndex,
    n: sorted.length,
    f,
    q,
    emitLogs: opts.events !== 'facts',
    metricValues: new Map(),
    // Stryker disable next-line ArrayDeclaration: start replaces it with the durable ledger before anything reads it
    ledger: [],
    servedHeight: undefined,
    committedBlock: 0,
    leaderToken: false,
    // Stryker disable next-line ObjectLiteral,BooleanLiteral: nextBatch sets all three before the batcher reads them (a follower's are read only once it leads, after nextBatch)
    batch: { armed: false, startedAt: now, idle: false, closed: false },
    pool: newRequestPoolState(now),
    // Stryker disable next-line all: placeholders; start replaces the view (changeView) and its sequences before anything reads them
    view: newViewState(nodeIndex, 0, sorted[0]?.id ?? 1, 1, 0),
    // Stryker disable next-line all: placeholders; start replaces the view (changeView) and its sequences before anything reads them
    viewSeq: { seq: 0, active: false },
    // Stryker disable next-line NumericLiteral: a placeholder; start's changeView sets it before anything reads it
    currViewNumber: 0,
    inFlight: undefined,
    earlyMessages: [],
    hb: newHeartbeatMonitorState(now),
    vc: newViewChangerState(0, now),
    sync: newSyncState(),
    byzantine: null,
    byz: { alt: new Map(), voted: new Set(), censored: undefined },
  };
}

/** consensus.go Start: ledger + WAL -> view, sequence, decisions; restore; first view. */
function start(opts: ConsenterOptions, ctx: NodeContext, durable: DurableView): { state: ConsenterState; effects: Effect<BftMessage, BftEvent>[] } {
  const s = initialState(opts, ctx.now);
  const io = new Io(s, ctx);
  // Stryker disable next-line BooleanLiteral: the placeholder view is replaced below before anything reads it
  s.view.stopped = true;
  s.ledger = durable.list<Decision>(LEDGER_KEY).slice();
  s.committedBlock = s.ledger.length;
  const wal = durable.list<SavedMessage>(WAL_KEY);
  io.log('localConsenterId', s.id);
  io.log('initializingWal', s.channel, `/var/hyperledger/production/orderer/smartbft/wal/${s.channel}`);
  io.log('walInitialized', wal.length);
  const p = startPoint(io, s.ledger, wal);
  s.vc = newViewChangerState(p.view, ctx.now);
  io.metric('consensus_BFT_cluster_size', s.n);
  io.metric('consensus_BFT_committed_block_number', s.committedBlock);
  const restored = restoreView(io, wal, p.seq + 1);
  // Stryker disable next-line ArithmeticOperator: a stopped placeholder that changeView replaces at once (its numbers are not read: the stopped view fails changeView's "already running" check)
  s.view = newViewState(s.nodeIndex, p.view, leaderOf(s, p.view), p.seq + 1, p.decisions);
  s.view.stopped = true;
  changeView(s, io, p.view, p.seq + 1, p.decisions, restored);
  reportIsLeader(s, io);
  io.log('servicingChain');
  // Each orderer's 1-second tickers run from its own process start, so nodes started
  // together in the model still tick out of phase: a first tick within one interval,
  // drawn from the node's own stream (one draw per start, on a stream of its own).
  io.setTimer(TIMERS.tick, 1 + Math.floor(ctx.rng.fork('tick-phase').float() * (s.config.TickIntervalMs - 1)));
  if (p.restoreViewChange) VIEW_CHANGER.restore(s, io);
  // Controller.Start runs the sync asynchronously, after the node is up.
  if (s.config.SyncOnStart) io.setTimer(TIMERS.syncOnStart, 0);
  return { state: s, effects: io.effects };
}

/** The SmartBFT consenter as a kernel node machine. */
export function createConsenter(opts: ConsenterOptions): NodeMachine<ConsenterState, BftMessage, BftCommand, BftEvent> {
  validateOptions(opts);
  resolveConfig(opts.config);
  let io: Io | undefined;
  return {
    start: (ctx, durable) => start(opts, ctx, durable),
    step(s: ConsenterState, input: Input<BftMessage, BftCommand>, ctx: NodeContext) {
      if (io === undefined) io = new Io(s, ctx);
      else io.reset(s, ctx);
      switch (input.kind) {
        case 'message':
          onMessage(s, io, input.from, input.msg);
          break;
        case 'timer':
          // Only the consenter's own timers fire here: their names are the ones it set.
          onTimer(s, io, input.name as TimerName);
          break;
        case 'command':
          onCommand(s, io, input.command);
          break;
      }
      return io.end();
    },
    describe: describeMessage,
    fields: messageFields,
  };
}
