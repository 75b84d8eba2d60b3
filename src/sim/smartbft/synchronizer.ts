/**
 * Sync, as Fabric 3.x wires it: Controller.sync (internal/bft/controller.go) calls Fabric's
 * BFTSynchronizer (orderer/consensus/smartbft/synchronizer_bft.go), which asks every other
 * orderer for its height, takes the (f+1)-th highest as the target, pulls the missing
 * blocks from an orderer that has them (verifying Q signatures on each) and returns the
 * last block's decision; then the StateCollector (internal/bft/statecollector.go) fetches
 * f+1 identical (view, seq) StateTransferResponses to learn a newer view. Blocks written
 * by sync do not move consensus_BFT_committed_block_number. One sync at a time: a Sync()
 * while one runs is dropped (Controller.sync's token, below).
 *
 * Both of Fabric's steps open connections of their own before they ask anything: the block
 * puller dials every orderer to read its height (cluster/deliver.go probeEndpoints), the
 * BFT deliverer dials its source and the others' header streams (createBFTDeliverer,
 * blocksprovider/bft_deliverer.go). Those dials are charged as measured
 * (config.SyncProbeMs before the height requests, config.SyncPullMs before the block
 * request: figures.ordererSync of the calibration profile, from the real orderers' log
 * timestamps).
 *
 * The Controller starts a sync only through the Synchronizer interface (pkg/api
 * dependencies.go), built by newSynchronizer, and so does the ViewChanger (through the
 * Controller's Sync). Its state is a SyncState (`s.sync`, built by newSyncState). It calls
 * the Controller back only through the SyncEventHandler it is given: to write a fetched
 * block, and with what Controller.sync returns. Fabric's synchronizer has connections of its
 * own; the model's messages and timers share the consenter's, so the Controller routes them
 * to the entry points below.
 */
import type { Decision } from './api.ts';
import { digestMatches, verifySignature } from '../consensus/crypto.ts';
import { TIMERS, type Io } from './io.ts';
import type { BlockRequest, BlockResponse, HeightRequest, HeightResponse, StateTransferResponse } from './messages.ts';
import type { ConsenterState, SyncState } from './state.ts';
import { saveNewView } from './wal.ts';

/** How long the block puller waits for heights before using what it has. */
const HEIGHTS_TIMEOUT_MS = 1_000;

/**
 * Synchronizer (pkg/api/dependencies.go `Sync() types.SyncResponse`), with Controller.Sync's
 * token: one sync at a time, and a Sync() while one runs is dropped, not run after it. The
 * model's sync runs over messages and timers, so `sync` returns at once and its response
 * reaches the Controller later, through SyncEventHandler.synced.
 */
export interface Synchronizer {
  sync(s: ConsenterState, io: Io): void;
}

/** What the synchronizer calls back: the Controller (controller.ts SYNC_EVENTS). */
export interface SyncEventHandler {
  /** A fetched block is written to the ledger (BFTSynchronizer's Support.WriteBlockSync, synchronizer_bft.go; not counted in consensus_BFT_committed_block_number). */
  deliver(s: ConsenterState, io: Io, d: Decision): void;
  /**
   * Controller.sync returned (controller.go): the view, the next sequence and the decisions
   * in view the sync found; the Controller informs the ViewChanger and changes its view.
   */
  synced(s: ConsenterState, io: Io, view: number, seq: number, decisions: number): void;
}

/** The Synchronizer that calls `events` back. */
export function newSynchronizer(events: SyncEventHandler): Synchronizer {
  return {
    sync(s, io) {
      requestSync(s, io, events);
    },
  };
}

export function newSyncState(): SyncState {
  return {
    syncs: 0,
    active: false,
    id: 0,
    // Stryker disable next-line StringLiteral: no code compares a stage with 'idle'; every check names the stage it wants
    stage: 'idle',
    heights: new Map(),
    target: 0,
    // Stryker disable next-line ArrayDeclaration: heightsDone sets the sources before requestBlocks reads them
    sources: [],
    sourceIndex: 0,
    fetchedFrom: 0,
    fetched: 0,
    responses: new Map(),
    newView: 0,
    newSeq: 0,
    newDecisions: 0,
    controllerView: 0,
    latest: undefined,
  };
}

/**
 * Controller.Sync(): take the sync token and start; while a sync runs, do nothing.
 * controller.go (SmartBFT v1.0.1): Sync() puts a token in `syncChan`, a one-slot channel,
 * only if the slot is empty (grabSyncToken, a select with a default branch: silent). The
 * run loop takes it and `sync()` at once puts it back for the whole sync ("Block any
 * concurrent sync attempt"), so every Sync() meanwhile finds the slot full and is lost;
 * `relinquishSyncToken` empties it when `sync()` returns ("ignore all synchronization
 * attempts done while we were syncing"). syncOnStart holds it the same way.
 */
function requestSync(s: ConsenterState, io: Io, events: SyncEventHandler): void {
  const y = s.sync;
  if (y.active) return;
  y.active = true;
  y.id++;
  // Stryker disable next-line StringLiteral: overwritten before any read: by 'probe', by askHeights, or by heightsDone (n = 1)
  y.stage = 'heights';
  y.heights.clear();
  y.syncs++;
  io.metric('consensus_smartbft_consensus_latency_sync_count', y.syncs);
  io.log('bftSyncInitiated');
  io.fact({ type: 'bft.syncStarted', height: s.ledger.length + 1 });
  if (s.n === 1) {
    heightsDone(s, io, events);
    return;
  }
  if (s.config.SyncProbeMs > 0) {
    y.stage = 'probe';
    io.setTimer(TIMERS.sync, s.config.SyncProbeMs);
    return;
  }
  askHeights(s, io);
}

/** The block puller's connections are up: ask every other orderer its height. */
function askHeights(s: ConsenterState, io: Io): void {
  s.sync.stage = 'heights';
  io.broadcast({ type: 'HeightRequest', syncId: s.sync.id });
  io.setTimer(TIMERS.sync, HEIGHTS_TIMEOUT_MS);
}

export function onHeightResponse(s: ConsenterState, io: Io, sender: number, m: HeightResponse, events: SyncEventHandler): void {
  const y = s.sync;
  if (y.stage !== 'heights' || m.syncId !== y.id) return;
  y.heights.set(sender, m.height);
  if (y.heights.size >= s.n - 1) heightsDone(s, io, events);
}

/** The sync timer: what it stands for depends on the stage (none is pending in the state or idle stage). */
export function onSyncTimer(s: ConsenterState, io: Io, events: SyncEventHandler): void {
  const y = s.sync;
  if (y.stage === 'probe') {
    askHeights(s, io);
    return;
  }
  if (y.stage === 'heights') {
    heightsDone(s, io, events);
    return;
  }
  if (y.stage === 'connect') {
    y.stage = 'blocks';
    requestBlocks(s, io, events);
    return;
  }
  // Stryker disable next-line ConditionalExpression: (to true) the sync timer is cancelled when the blocks stage ends (synchronizerReturned), so it fires only in the four stages named here
  if (y.stage === 'blocks') {
    y.sourceIndex++;
    requestBlocks(s, io, events);
  }
}

/** An orderer's cluster endpoint as Fabric names it in sync logs (the orderer's listen port). */
function endpointOf(name: string): string {
  return `${name}:7050`;
}

/** detectTargetHeight: the (f+1)-th highest height of the others (the lowest if fewer answered). */
function heightsDone(s: ConsenterState, io: Io, events: SyncEventHandler): void {
  const y = s.sync;
  io.cancelTimer(TIMERS.sync);
  // Go's %+v of a map[string]uint64 keyed by endpoint (host:port): keys sorted as strings.
  const endpoints = [...y.heights.entries()].map(([id, h]) => [endpointOf(s.nameOf.get(id) ?? String(id)), h] as const);
  // Endpoints are distinct: a comparison is never 0.
  // Stryker disable next-line EqualityOperator: endpoints are distinct, so < and <= order them the same
  endpoints.sort((a, b) => (a[0] < b[0] ? -1 : 1));
  io.log('heightsByEndpoints', `map[${endpoints.map(([ep, h]) => `${ep}:${h}`).join(' ')}]`, endpointOf(s.name));
  if (endpoints.length === 0) {
    // detectTargetHeight: no height but its own (every other orderer silent, or n = 1) is an error, wrapped by synchronize.
    syncFailed(s, io, 'cannot get detect target height: no cluster members to synchronize with', events);
    return;
  }
  const heights = endpoints.map(([, h]) => h).sort((a, b) => b - a);
  const myHeight = s.ledger.length + 1;
  // computeTargetHeight: the (f+1)-th highest, or the lowest when fewer answered.
  const target = heights[Math.min(s.f, heights.length - 1)] as number;
  io.log('targetHeight', target);
  if (myHeight >= target) {
    syncFailed(s, io, `already at target height of ${target}`, events);
    return;
  }
  y.target = target;
  // The sources: every orderer at the target or above, the highest first, ties by id (the
  // answers come in any order; the sort is stable, so sorting by id first breaks the ties).
  const byId = [...y.heights.entries()].sort((a, b) => a[0] - b[0]);
  y.sources = byId.filter(([, h]) => h >= target).sort((a, b) => b[1] - a[1]).map(([id]) => id);
  y.sourceIndex = 0;
  y.fetchedFrom = myHeight;
  y.fetched = 0;
  if (s.config.SyncPullMs > 0) {
    y.stage = 'connect';
    io.setTimer(TIMERS.sync, s.config.SyncPullMs);
    return;
  }
  y.stage = 'blocks';
  requestBlocks(s, io, events);
}

function requestBlocks(s: ConsenterState, io: Io, events: SyncEventHandler): void {
  const y = s.sync;
  const src = y.sources[y.sourceIndex];
  if (src === undefined) {
    // The deliverer gave up (its retries ran out) and stopped the sync buffer:
    // getBlocksFromSyncBuffer returns the last block it pulled, short of the target, or an
    // error if it pulled none (the next block's number).
    if (y.fetched > 0) pulled(s, io, events);
    else syncFailed(s, io, `failed to get any blocks from SyncBuffer: failed pulling block ${s.ledger.length + 1}`, events);
    return;
  }
  const req: BlockRequest = { type: 'BlockRequest', syncId: y.id, fromSeq: s.ledger.length + 1, toSeq: y.target - 1 };
  io.send(src, req);
  io.setTimer(TIMERS.sync, s.config.ReplicationPullTimeoutMs);
}

/**
 * The height this node serves a block puller: its ledger's, or less while a decided block
 * is still being written (ConsenterState.servedHeight, kept by the Fabric orderer).
 */
export function servedHeight(s: ConsenterState): number {
  const h = s.ledger.length + 1;
  return s.servedHeight === undefined ? h : Math.min(h, s.servedHeight);
}

/**
 * Answer a block puller's height probe (cluster/deliver.go probeEndpoints: a Deliver
 * request for the newest block, answered from the ledger the Deliver service reads).
 */
export function onHeightRequest(s: ConsenterState, io: Io, sender: number, m: HeightRequest): void {
  io.send(sender, { type: 'HeightResponse', syncId: m.syncId, height: servedHeight(s) });
}

/** Serve a block puller: the decisions we serve in the range. */
export function onBlockRequest(s: ConsenterState, io: Io, sender: number, m: BlockRequest): void {
  const from = Math.max(1, m.fromSeq);
  // Stryker disable next-line MethodExpression: slice stops at the ledger's end anyway
  const to = Math.min(m.toSeq, servedHeight(s) - 1);
  // Stryker disable next-line ConditionalExpression: (to true) slice of an empty or reversed range is empty anyway
  const decisions = from <= to ? s.ledger.slice(from - 1, to) : [];
  io.send(sender, { type: 'BlockResponse', syncId: m.syncId, decisions });
}

export function onBlockResponse(s: ConsenterState, io: Io, sender: number, m: BlockResponse, events: SyncEventHandler): void {
  const y = s.sync;
  if (y.stage !== 'blocks' || m.syncId !== y.id || y.sources[y.sourceIndex] !== sender) return;
  for (const d of m.decisions) {
    if (d.seq !== s.ledger.length + 1) continue;
    const last = s.ledger[s.ledger.length - 1];
    if (!validDecision(s, d) || (s.app.verifyProposal !== undefined && s.app.verifyProposal(d.proposal, last) !== null)) break;
    events.deliver(s, io, d);
    y.fetched++;
  }
  if (s.ledger.length + 1 >= y.target) {
    pulled(s, io, events);
    return;
  }
  y.sourceIndex++;
  requestBlocks(s, io, events);
}

/** getBlocksFromSyncBuffer returned the last block pulled; synchronize returns its decision. */
function pulled(s: ConsenterState, io: Io, events: SyncEventHandler): void {
  io.log('finishedSync', s.sync.fetched, s.sync.fetchedFrom, s.ledger.length);
  const last = s.ledger[s.ledger.length - 1] as Decision;
  io.log('returningDecision', last.seq, `{seq:${last.seq} digest:${last.proposal.digest} signers:${last.signatures.length}}`);
  synchronizerReturned(s, io, events);
}

/**
 * The check of a fetched block: Q valid signatures from distinct consenters on a
 * well-formed proposal; a bad or unknown signature is skipped, not fatal (the view
 * changer's stricter check is viewchanger.ts validateLastDecision).
 */
function validDecision(s: ConsenterState, d: Decision): boolean {
  if (!digestMatches(d.proposal) || d.proposal.metadata.latestSequence !== d.seq) return false;
  const signers = new Set<number>();
  for (const sig of d.signatures) {
    if (!s.nameOf.has(sig.signer) || signers.has(sig.signer)) continue;
    if (verifySignature(sig, d.proposal.digest)) signers.add(sig.signer);
  }
  return signers.size >= s.q;
}

/**
 * BFTSynchronizer.Sync when synchronize failed: a warning, and the ledger's last block as
 * the response, without synchronize's "Returning decision" line.
 */
function syncFailed(s: ConsenterState, io: Io, reason: string, events: SyncEventHandler): void {
  io.log('syncFailed', reason);
  synchronizerReturned(s, io, events);
}

/** BFTSynchronizer.Sync returned the ledger's last block's decision; Controller.sync goes on. */
function synchronizerReturned(s: ConsenterState, io: Io, events: SyncEventHandler): void {
  const y = s.sync;
  io.cancelTimer(TIMERS.sync);
  const last = s.ledger[s.ledger.length - 1];
  const v = s.view;
  y.controllerView = v.number;
  y.latest = undefined;
  y.newView = v.number;
  y.newSeq = v.seq;
  y.newDecisions = v.decisionsInView;
  if (last === undefined) {
    io.log('syncEmptyMetadata');
  } else {
    const md = last.proposal.metadata;
    const controllerSeq = v.seq - 1;
    // Go logs each only when the synchronizer is ahead: nothing when it fetched nothing.
    if (md.latestSequence > controllerSeq) {
      io.log('syncSequence', md.latestSequence, controllerSeq);
      y.newSeq = md.latestSequence + 1;
      // A fetched block of an older view than the controller's: the view restarts after it
      // with 0 decisions (docs/testing.md: decided against Go, which returns early there).
      y.newDecisions = md.viewId < v.number ? 0 : md.decisionsInView + 1;
      y.newView = Math.max(v.number, md.viewId);
    }
    if (md.viewId > v.number) io.log('syncView', md.viewId, v.number);
    y.latest = { view: md.viewId, seq: md.latestSequence };
  }
  // fetchState
  y.stage = 'state';
  y.responses.clear();
  if (s.n === 1) {
    completeSync(s, io, undefined, events);
    return;
  }
  io.broadcast({ type: 'StateTransferRequest' });
  io.setTimer(TIMERS.collectState, s.config.CollectTimeout);
}

export function onStateTransferResponse(s: ConsenterState, io: Io, sender: number, m: StateTransferResponse, events: SyncEventHandler): void {
  const y = s.sync;
  if (y.stage !== 'state') return;
  if (!y.responses.has(sender)) y.responses.set(sender, { view: m.viewNum, seq: m.sequence });
  let equal = 0;
  for (const r of y.responses.values()) if (r.view === m.viewNum && r.seq === m.sequence) equal++;
  if (equal < s.f + 1) return;
  io.log('collectorValid', s.id, m.viewNum, m.sequence);
  io.cancelTimer(TIMERS.collectState);
  completeSync(s, io, { view: m.viewNum, seq: m.sequence }, events);
}

export function onCollectTimer(s: ConsenterState, io: Io, events: SyncEventHandler): void {
  const y = s.sync;
  if (y.stage !== 'state') return;
  io.log('collectorTimeout', s.id);
  io.log('fetchStateFailed');
  completeSync(s, io, undefined, events);
}

/** maybePruneInFlight (controller.go): a sync that reached the in-flight sequence clears InFlightData. */
function maybePruneInFlight(s: ConsenterState, io: Io, syncedSeq: number): void {
  const p = s.inFlight;
  if (p === undefined) return;
  const seq = p.proposal.metadata.latestSequence;
  if (syncedSeq < seq) {
    io.log('syncedKeepInFlight', seq, syncedSeq);
    return;
  }
  io.log('syncedDeleteInFlight', syncedSeq);
  s.inFlight = undefined;
}

function completeSync(s: ConsenterState, io: Io, resp: { view: number; seq: number } | undefined, events: SyncEventHandler): void {
  const y = s.sync;
  const latestSeq = s.ledger.length;
  if (resp !== undefined && resp.view > y.newView && resp.seq === latestSeq + 1) {
    io.log('collectedState', s.id, resp.view, resp.seq);
    saveNewView(s, io, resp.view, latestSeq, 0);
    y.newView = resp.view;
    y.newSeq = latestSeq + 1;
    y.newDecisions = 0;
  }
  // Controller.sync returns early ("no new view to report") without pruning when the
  // state is behind this node's view and so is the returned decision, or the state could
  // not be fetched and there is no newer decision view.
  const latest = y.latest;
  const early = resp === undefined ? latest === undefined || latest.view < y.controllerView : resp.view <= y.controllerView && (latest?.view ?? 0) < y.controllerView;
  if (!early && latest !== undefined) maybePruneInFlight(s, io, latest.seq);
  y.active = false;
  // Stryker disable next-line StringLiteral: no code compares a stage with 'idle'; every check names the stage it wants
  y.stage = 'idle';
  io.fact({ type: 'bft.synced', height: s.ledger.length + 1, view: y.newView });
  // The token is given back before the run loop's changeView (the deferred
  // relinquishSyncToken runs when sync() returns), so a Sync() from here on starts a sync.
  events.synced(s, io, y.newView, y.newSeq, y.newDecisions);
}
