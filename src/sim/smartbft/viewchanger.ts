/**
 * ViewChanger (internal/bft/viewchanger.go): complaints start a view change (ViewChange
 * broadcast); a node joins at Q-1 votes from others (f+1 with SpeedUpViewChange), WALs
 * ViewChange, moves to the next view and sends SignedViewData to its leader; the leader
 * accepts a ViewData only at its own last decision or one ahead (checkLastDecision), and
 * with Q of them checks the in-flight proposal (CheckInFlight) and broadcasts NewView;
 * followers validate it, deliver a missing last decision, commit an agreed in-flight
 * proposal (in a view started two ticks later; on timeout the view is not changed), WAL
 * NewView with the sequence they then have and start the view. A pending ViewChange is
 * re-sent on the first tick ViewChangeResendInterval after the last resend; a node that is
 * itself changing view re-broadcasts a lagging node's older ViewChange; ViewChangeTimeout
 * with back-off (x1, x2, x3 ...) syncs and moves on to the next view, which skips a dead
 * next leader.
 *
 * Its own fields are a ViewChangerState (`s.vc`, built by newViewChangerState), with the
 * time of its last tick (v.lastTick). Like Go's ViewChanger it reads the configuration, the
 * Checkpoint (the ledger's last decision) and the InFlightData, signs and verifies itself,
 * writes the WAL (State.Save, wal.ts) and computes leaders itself (getLeaderID); everything
 * else it reaches through the ViewChangerDeps it is built with (newViewChanger): the
 * Controller (ViewController), the request pool's timers (RequestsTimer), Sync, the delivery
 * of a decision (Application.Deliver) and the in-flight proposal's View. The Controller
 * reaches it only through the ViewChanger interface (HandleMessage, StartViewChange,
 * InformNewView, its ticker, Restore, the in-flight View's Decide and Sync).
 *
 * Difference from Go: a ViewData or NewView for the view a node is about to join is kept
 * until it joins, instead of being dropped (Go relies on timing for that race).
 */
import type { Decision, Proposal } from './api.ts';
import { digestMatches, sign, verifySignature } from '../consensus/crypto.ts';
import type { Io } from './io.ts';
import type { NewView, SignedViewData, ViewChange, ViewData, ViewDataMsg } from './messages.ts';
import { describeMessage } from './messages.ts';
import type { ConsenterState, ViewChangerState } from './state.ts';
import { leaderOfView } from '../consensus/quorum.ts';
import { saveNewView, saveViewChange } from './wal.ts';

const LAGGING_HELP = 'lagging view change';
const DEFERRED_LIMIT_PER_NODE = 8;

/** ViewController (viewchanger.go): the Controller as the ViewChanger drives it. */
export interface ViewController {
  /** ViewChanged(newViewNumber, newProposalSequence): start the view the NewView made. */
  viewChanged(s: ConsenterState, io: Io, view: number, seq: number): void;
  /** AbortView(view): abort the running view unless it is past `view`. */
  abortView(s: ConsenterState, io: Io, view: number): void;
}

/** RequestsTimer (viewchanger.go): the request pool's timers, stopped while a view change runs. */
export interface RequestsTimer {
  stopTimers(s: ConsenterState, io: Io): void;
  restartTimers(s: ConsenterState, io: Io): void;
}

/**
 * What the ViewChanger calls outside itself: the fields of viewchanger.go's ViewChanger that
 * are other components (consensus.go wires Controller, RequestsTimer and Synchronizer to the
 * Controller and the Pool). The Controller implements them (controller.ts VIEW_CHANGER_DEPS).
 */
export interface ViewChangerDeps {
  readonly controller: ViewController;
  readonly requestsTimer: RequestsTimer;
  /** Synchronizer (internal/bft/support.go `Sync()`): the Controller's Sync, as consensus.go wires it. */
  readonly synchronizer: { sync(s: ConsenterState, io: Io): void };
  /**
   * deliverDecision (viewchanger.go): Application.Deliver of a last decision taken from a
   * ViewData or a NewView, then RequestsTimer.RemoveRequest of its requests: the
   * Controller's delivery of a decision not fetched by sync.
   */
  readonly application: { deliver(s: ConsenterState, io: Io, d: Decision): void };
  /**
   * commitInFlightProposal's View (viewchanger.go inFlightView): started after two ticks,
   * aborted when it asks to sync, times out or sync moves on. The model's views live in the
   * Controller (`s.view`), so it builds and stops that View.
   */
  readonly inFlightView: {
    start(s: ConsenterState, io: Io, proposal: Proposal): void;
    abort(s: ConsenterState, io: Io): void;
  };
}

/**
 * The ViewChanger as the Controller holds it (controller.go `c.ViewChanger`), and as its
 * Views reach it: FailureDetector.Complain is StartViewChange (consensus.go wires it so),
 * and the in-flight proposal's View decides and syncs through it (viewchanger.go Decide,
 * Sync). The Controller reads none of its fields: it learns the view a NewView made only
 * from ViewController.viewChanged, and keeps its own view number (ConsenterState
 * currViewNumber, Go's `c.currViewNumber`). Built by newViewChanger.
 */
export interface ViewChanger {
  /** HandleMessage: a ViewChange, ViewData or NewView. */
  handleMessage(s: ConsenterState, io: Io, sender: number, m: ViewChange | ViewDataMsg | NewView): void;
  /** StartViewChange(view, stopView); `reason` is the model's, carried in the ViewChange for traces. */
  startViewChange(s: ConsenterState, io: Io, view: number, stopView: boolean, reason: string): void;
  /** InformNewView(view): Controller.sync found a view above the Controller's. */
  informNewView(s: ConsenterState, io: Io, view: number): void;
  /** Its Ticker (`<-v.Ticker`): resend and timeout, or the in-flight View's ticks. */
  tick(s: ConsenterState, io: Io): void;
  /** The Restore channel: the WAL's last record is a ViewChange (processViewChangeMsg(true)). */
  restore(s: ConsenterState, io: Io): void;
  /** Decide: the in-flight proposal's View decided; the NewView's view starts. */
  decide(s: ConsenterState, io: Io): void;
  /** Sync: the in-flight proposal's View asked to sync; the proposal is given up. */
  sync(s: ConsenterState, io: Io): void;
  /**
   * Not in Go: the view this node joined (Q-1 ViewChanges) and waits a NewView for, or
   * undefined when it is in the view it last started. The model's Controller keeps the
   * consensus messages of that view until the view starts (controller.ts
   * onConsensusMessage), where Go's aborted View drops them.
   */
  joinedView(s: ConsenterState): number | undefined;
}

/** The ViewChanger that reaches the rest of the consenter through `deps`. */
export function newViewChanger(deps: ViewChangerDeps): ViewChanger {
  return {
    handleMessage(s, io, sender, m) {
      handleViewChangerMessage(s, io, sender, m, deps);
    },
    startViewChange(s, io, view, stopView, reason) {
      startViewChange(s, io, view, stopView, reason, deps);
    },
    informNewView(s, io, view) {
      informNewView(s, io, view, deps);
    },
    tick(s, io) {
      viewChangerTick(s, io, deps);
    },
    restore(s, io) {
      processViewChangeMsg(s, io, true, deps);
    },
    decide(s, io) {
      completeNewView(s, io, deps);
    },
    sync(s, io) {
      inFlightAskedToSync(s, io, deps);
    },
    joinedView(s) {
      return s.vc.currView !== s.vc.realView ? s.vc.currView : undefined;
    },
  };
}

/** ViewChanger.Start: lastTick and lastResend are the start time. */
export function newViewChangerState(view: number, now: number): ViewChangerState {
  return {
    lastTick: now,
    viewChanges: 0,
    currView: view,
    nextView: view,
    realView: view,
    votes: new Map(),
    viewData: new Map(),
    checkTimeout: false,
    startViewChangeTime: 0,
    lastResend: now,
    backOffFactor: 1,
    pendingInFlight: undefined,
    committedDuringViewChange: undefined,
    deferred: [],
    nextViews: new Map(),
  };
}

function viewChangeMetrics(s: ConsenterState, io: Io): void {
  io.metric('consensus_smartbft_viewchange_current_view', s.vc.currView);
  io.metric('consensus_smartbft_viewchange_next_view', s.vc.nextView);
  io.metric('consensus_smartbft_viewchange_real_view', s.vc.realView);
}

/** StartViewChange(view, stopView), the target of every complaint. */
function startViewChange(s: ConsenterState, io: Io, view: number, stopView: boolean, reason: string, deps: ViewChangerDeps): void {
  const vc = s.vc;
  // Go's StartViewChange is a non-blocking send on a channel of 2 that its ViewChanger reads
  // once commitInFlightProposal returns. The model handles it at once: every complaint
  // made meanwhile names a view below currView (the Controller's and the heartbeat
  // monitor's view is the last one started, the request pool's timers are stopped, the
  // in-flight View is of an older view), which the check below drops, then as now.
  if (view < vc.currView) return; // "has a view change request with an old view"

  if (vc.nextView === vc.currView + 1) {
    vc.checkTimeout = true; // make sure the timeout is checked anyway
    return;
  }
  vc.nextView = vc.currView + 1;
  deps.requestsTimer.stopTimers(s, io);
  const msg: ViewChange = { type: 'ViewChange', nextView: vc.nextView, reason };
  io.broadcast(msg);
  // Stryker disable next-line ConditionalExpression: (to true) a caller passing false has the view stopped already: after a view-change timeout (the join stopped it; the sync that timeout starts may restart it, controller.ts changeViewAfterSync, but only later: Go's Sync() signals the Controller's loop, the model's asks the heights first), after a failed in-flight view, or View's own complaint (it stops itself next)
  if (stopView) deps.controller.abortView(s, io, vc.currView);
  // lastResend is not touched (Go): the first resend goes out on the next tick if the
  // last one is ViewChangeResendInterval old.
  vc.startViewChangeTime = vc.lastTick;
  vc.checkTimeout = true;
  io.log('startedViewChange', s.id, vc.currView);
  viewChangeMetrics(s, io);
}

/**
 * ViewChanger.processMsg's view-change messages. While an in-flight proposal is being
 * committed Go's ViewChanger loop is inside commitInFlightProposal, so they wait in its
 * queue until that ends.
 */
function handleViewChangerMessage(s: ConsenterState, io: Io, sender: number, m: ViewChange | ViewDataMsg | NewView, deps: ViewChangerDeps): void {
  const vc = s.vc;
  if (vc.pendingInFlight !== undefined) {
    if (vc.deferred.length < DEFERRED_LIMIT_PER_NODE * s.n) vc.deferred.push({ sender, msg: m });
    return;
  }
  if (m.type === 'ViewChange') handleViewChange(s, io, sender, m, deps);
  else if (m.type === 'ViewData') handleViewData(s, io, sender, m, deps);
  else handleNewView(s, io, sender, m, deps);
}

function replayDeferred(s: ConsenterState, io: Io, deps: ViewChangerDeps): void {
  const vc = s.vc;
  const deferred = vc.deferred;
  vc.deferred = [];
  for (const d of deferred) handleViewChangerMessage(s, io, d.sender, d.msg, deps);
}

function handleViewChange(s: ConsenterState, io: Io, sender: number, m: ViewChange, deps: ViewChangerDeps): void {
  const vc = s.vc;
  // nextViews.registerNext
  // Stryker disable next-line EqualityOperator: registering an equal next view again changes nothing
  if (m.nextView > (vc.nextViews.get(sender) ?? 0)) vc.nextViews.set(sender, m.nextView);
  if (m.nextView === vc.currView + 1) {
    // Stryker disable next-line ConditionalExpression: a sender's later vote for the same view replaces an equal one; only the voters are counted
    if (!vc.votes.has(sender)) vc.votes.set(sender, m);
    processViewChangeMsg(s, io, false, deps);
    return;
  }
  // Help the lagging nodes: only while this node is itself changing view, for a view it
  // has moved past but not yet started, from a sender whose highest next view this is
  // (so a helper's own help, older than the views it asked for, is not answered).
  // (Go: `vc.NextView < v.currView+1`; the next view itself was counted as a vote above.)
  if (vc.nextView === vc.currView + 1 && m.nextView > vc.realView && m.nextView <= vc.currView && vc.nextViews.get(sender) === m.nextView) {
    io.broadcast({ type: 'ViewChange', nextView: m.nextView, reason: LAGGING_HELP });
    io.log('helpLaggingViewChange', s.id, describeMessage(m), sender, m.nextView, vc.currView + 1);
    return;
  }
  io.log('wrongViewChange', s.id, describeMessage(m), sender, m.nextView, vc.currView + 1);
}

function processViewChangeMsg(s: ConsenterState, io: Io, restore: boolean, deps: ViewChangerDeps): void {
  const vc = s.vc;
  if ((s.config.SpeedUpViewChange && vc.votes.size === s.f + 1) || restore) {
    io.log('joiningViewChange', s.id, vc.currView);
    startViewChange(s, io, vc.currView, true, 'joining', deps);
  }
  if (!(vc.votes.size >= s.q - 1 || restore)) return;
  if (!s.config.SpeedUpViewChange) {
    io.log('joiningViewChange', s.id, vc.currView);
    // Stryker disable next-line BooleanLiteral: the view is aborted a few lines below anyway (abortView before moving on)
    startViewChange(s, io, vc.currView, true, 'joining', deps);
  }
  // Stryker disable next-line ConditionalExpression: startViewChange(currView) just ran, so nextView is currView + 1 (it defers only while an in-flight proposal is pending, and messages are deferred then too)
  if (vc.nextView !== vc.currView + 1) return;
  if (!restore) saveViewChange(s, io, vc.currView);
  deps.controller.abortView(s, io, vc.currView);
  vc.currView = vc.nextView;
  vc.votes.clear();
  vc.viewData.clear();
  vc.checkTimeout = true;
  vc.viewChanges++;
  io.metric('sim_smartbft_viewchange_total', vc.viewChanges);
  viewChangeMetrics(s, io);
  const signed = signedViewData(s, io);
  const leader = leaderOfView(s.nodes, vc.currView);
  // Stryker disable next-line StringLiteral: handleViewData reads only the signed view data
  if (leader === s.id) handleViewData(s, io, s.id, { type: 'ViewData', signed }, deps);
  else io.send(leader, { type: 'ViewData', signed });
  io.log('sentViewData', s.id, vc.currView, leader);
}

/** What a ViewData's signature is over (the model's stand-in for its protobuf bytes). */
export function viewDataSummary(vd: ViewData): string {
  const last = vd.lastDecision;
  // Stryker disable next-line LogicalOperator,StringLiteral: signer and verifier compute it alike, and a last decision is fixed by the checks that use it: its proposal is compared with this node's own or has its Q signatures verified (with its sequence in its metadata), or, behind this node, it is not checked at all
  const decided = `${last?.seq ?? 0}/${last?.proposal.digest ?? ''}`;
  // Stryker disable next-line StringLiteral: "no in-flight proposal" written as any other text that is not a digest is signed and verified alike
  const inFlight = vd.inFlightProposal?.digest ?? '';
  return `vd/${vd.nextView}/${decided}/${inFlight}/${vd.inFlightPrepared ? 1 : 0}`;
}

/**
 * getInFlight (viewchanger.go): InFlightData's proposal, unless it is the last decision
 * itself, or the one before a decision this node delivered from a ViewData during the
 * view change (committedDuringViewChange). Any other proposal is reported, even one
 * further behind (Go does not check; the new leader's ValidateInFlight then rejects the
 * ViewData).
 */
function getInFlight(s: ConsenterState, io: Io): Proposal | undefined {
  const p = s.inFlight?.proposal;
  if (p === undefined) return undefined;
  const last = s.ledger[s.ledger.length - 1];
  // "this is the first proposal after genesis"
  if (last === undefined) return p;
  const seq = p.metadata.latestSequence;
  if (seq === last.seq) return undefined;
  if (seq + 1 === last.seq && s.vc.committedDuringViewChange === last.seq) {
    io.log('inFlightCommittedDuringViewChange', s.id, seq, last.seq);
    return undefined;
  }
  return p;
}

/** prepareViewDataMsg (viewchanger.go); InFlightPrepared is read apart from getInFlight, as Go does. */
function signedViewData(s: ConsenterState, io: Io): SignedViewData {
  const viewData: ViewData = {
    nextView: s.vc.currView,
    lastDecision: s.ledger[s.ledger.length - 1],
    inFlightProposal: getInFlight(s, io),
    // IsInFlightPrepared: InFlightData's flag, even when getInFlight left the proposal out.
    inFlightPrepared: s.inFlight?.prepared ?? false,
  };
  return { viewData, signer: s.id, signature: sign(s.id, viewDataSummary(viewData)).value };
}

/**
 * ValidateLastDecision (viewchanger.go), the view changer's check of a last decision: at
 * least Q signatures, each verified once per signer, and any one that does not verify
 * (an unknown signer's included: the Verifier knows only consenters) rejects the whole
 * decision, however many valid ones come with it. The model's stand-in for a malformed
 * proposal (a digest that is not its content's, a sequence that is not its metadata's) is
 * rejected too. The synchronizer's looser check is synchronizer.ts `validDecision`.
 */
export function validateLastDecision(s: ConsenterState, d: Decision): boolean {
  if (!digestMatches(d.proposal) || d.proposal.metadata.latestSequence !== d.seq) return false;
  // Stryker disable next-line ConditionalExpression: (to false) Go's early count; fewer than Q signatures cannot give Q distinct valid signers below
  if (d.signatures.length < s.q) return false;
  const signers = new Set<number>();
  for (const sig of d.signatures) {
    if (signers.has(sig.signer)) continue;
    signers.add(sig.signer);
    if (!s.nameOf.has(sig.signer) || !verifySignature(sig, d.proposal.digest)) return false;
  }
  return signers.size >= s.q;
}

/** ValidateInFlight (viewchanger.go): an in-flight proposal, if any, is at the last decision's sequence + 1. */
function validInFlight(p: Proposal | undefined, lastSeq: number): boolean {
  return p === undefined || (digestMatches(p) && p.metadata.latestSequence === lastSeq + 1);
}

/** The ViewData's own signature, by a consenter (VerifySignature of a SignedViewData). */
function signedByItsSigner(s: ConsenterState, svd: SignedViewData): boolean {
  return s.nameOf.has(svd.signer) && verifySignature({ signer: svd.signer, value: svd.signature }, viewDataSummary(svd.viewData));
}

/**
 * checkLastDecision (viewchanger.go), the new leader's check of a ViewData's last decision:
 * accepted only when it equals the leader's own last decision (same sequence, signed by the
 * sender), or is exactly one ahead (a valid decision, which the leader delivers before it
 * checks the signature). A sender behind the leader, more than one ahead, or whose last
 * decision's view is not below the next view is rejected: with exactly Q nodes up and one
 * of them behind, the view change stalls until its timeout, the laggard syncs and the next
 * view change succeeds.
 *
 * Difference from Go: a genesis ViewData (no last decision) also needs a valid signature
 * from its sender; Go accepts it unsigned and leaves the check to the followers.
 */
function checkLastDecision(s: ConsenterState, io: Io, sender: number, svd: SignedViewData, deps: ViewChangerDeps): { valid: boolean; lastSeq: number } {
  // Stryker disable next-line ObjectLiteral: an empty object is invalid too (valid undefined), and lastSeq is read only when valid
  const invalid = { valid: false, lastSeq: 0 };
  const vd = svd.viewData;
  const mySeq = s.ledger.length;
  const last = vd.lastDecision;
  const signedBySender = (): boolean => svd.signer === sender && verifySignature({ signer: svd.signer, value: svd.signature }, viewDataSummary(vd));
  if (last === undefined) return mySeq > 0 || !signedBySender() ? invalid : { valid: true, lastSeq: 0 };
  if (last.proposal.metadata.viewId >= vd.nextView) return invalid;
  if (last.seq > mySeq + 1 || last.seq < mySeq) return invalid;
  if (last.seq === mySeq) {
    if (!signedBySender()) return invalid;
    const mine = s.ledger[mySeq - 1] as Decision;
    if (mine.proposal.digest !== last.proposal.digest) return invalid;
    return { valid: true, lastSeq: last.seq };
  }
  // One sequence behind the sender: validate its last decision and deliver it.
  if (!validateLastDecision(s, last)) return invalid;
  deps.application.deliver(s, io, last);
  // "our in-flight sequence may be behind": getInFlight leaves the one before out.
  s.vc.committedDuringViewChange = last.seq;
  if (!signedBySender()) return invalid;
  return { valid: true, lastSeq: last.seq };
}

/** validateViewDataMsg (viewchanger.go): the new leader's checks of one ViewData. */
function validateViewDataMsg(s: ConsenterState, io: Io, sender: number, svd: SignedViewData, deps: ViewChangerDeps): boolean {
  const vd = svd.viewData;
  // Both checks read currView: a ViewData for the view this node is about to lead, come
  // before the node itself joined that view change (its currView still the old view's), is
  // "not the next leader" and dropped; its sender sends it once (processViewChangeMsg), so
  // the view change then waits for another ViewData or for ViewChangeTimeout (seen on the
  // real network: docs/fidelity.md, rolling-restart).
  if (leaderOfView(s.nodes, s.vc.currView) !== s.id) {
    io.log('viewDataNotNextLeader', s.id, signedViewDataToString(svd), sender, s.id, s.vc.currView);
    return false;
  }
  if (vd.nextView !== s.vc.currView) {
    io.log('viewDataWrongView', s.id, signedViewDataToString(svd), sender, s.id, s.vc.currView);
    return false;
  }
  const check = checkLastDecision(s, io, sender, svd, deps);
  if (!check.valid) {
    io.log('viewDataLastDecisionFailed', s.id, signedViewDataToString(svd), sender);
    return false;
  }
  // ValidateInFlight
  return validInFlight(vd.inFlightProposal, check.lastSeq);
}

/** signedViewDataToString (util.go). */
function signedViewDataToString(svd: SignedViewData): string {
  return `<ViewData signed by ${svd.signer} with NextView: ${svd.viewData.nextView}>`;
}

function handleViewData(s: ConsenterState, io: Io, sender: number, m: ViewDataMsg, deps: ViewChangerDeps): void {
  const vc = s.vc;
  // The new leader's own ViewData is registered unchecked (Go's startViewChange calls
  // viewDataMsgs.registerVote(SelfID, msg) directly); only the others' are validated
  // (validateViewDataMsg checks that this node leads the view), every time one comes:
  // one that comes before this node joined the view change is dropped there, as Go's
  // processMsg does (viewchanger.go:303-311); nothing keeps it for the join.
  if (sender !== s.id && !validateViewDataMsg(s, io, sender, m.signed, deps)) return;
  // A late ViewData, once the view change is over (the model's: Go registers it and would
  // build a NewView again on a quorum of them).
  if (vc.realView === vc.currView) return;
  // voteSet.registerVote: a sender's first ViewData counts.
  if (vc.viewData.has(sender)) return;
  vc.viewData.set(sender, m.signed);
  // Stryker disable next-line ConditionalExpression: (to false) CheckInFlight cannot pass with fewer than Q ViewData: both A and B need Q of them
  if (vc.viewData.size < s.q) return;
  const all = [...vc.viewData.values()];
  if (!checkInFlight(s, all).ok) return;
  io.log('quorumViewData', s.id);
  // The leader's own ViewData is prepared again: it may have delivered a decision since.
  const own = signedViewData(s, io);
  const ordered = [own, ...all.filter((x) => x.signer !== s.id)];
  const nv: NewView = { type: 'NewView', signedViewData: ordered };
  io.log('broadcastNewView', s.id);
  io.broadcast(nv);
  vc.viewData.clear();
  handleNewView(s, io, s.id, nv, deps);
}

/**
 * CheckInFlight (viewchanger.go), in Go's order: (A) a proposal some ViewData reports as
 * prepared at the expected sequence is held by f+1 (preprepared, prepared or not) and
 * disputed by no quorum (noArgument >= Q): commit it; else (B) a quorum reports no
 * prepared in-flight proposal at the expected sequence (absent, another sequence, or not
 * prepared): none. Both can hold at once (f+1 hold it, only one prepared); A wins.
 */
export function checkInFlight(s: ConsenterState, list: readonly SignedViewData[]): { ok: boolean; proposal: Proposal | undefined } {
  let maxLast = 0;
  for (const x of list) maxLast = Math.max(maxLast, x.viewData.lastDecision?.seq ?? 0);
  const expected = maxLast + 1;
  let noInFlight = 0;
  // Stryker disable next-line ArrayDeclaration: a non-proposal candidate is held by no ViewData (preprepared 0), so it is never agreed
  const possible: Proposal[] = [];
  for (const x of list) {
    const p = x.viewData.inFlightProposal;
    if (p === undefined || p.metadata.latestSequence !== expected || !x.viewData.inFlightPrepared) {
      noInFlight++;
      continue;
    }
    // Go lists each prepared proposal once (`alreadyExists`); one listed twice is counted
    // the same way twice, so the model lists them all.
    possible.push(p);
  }
  for (const candidate of possible) {
    let preprepared = 0;
    let noArgument = 0;
    for (const x of list) {
      const p = x.viewData.inFlightProposal;
      if (p === undefined || p.metadata.latestSequence !== expected) noArgument++;
      else if (p.digest === candidate.digest) {
        noArgument++;
        preprepared++;
      }
    }
    if (preprepared >= s.f + 1 && noArgument >= s.q) return { ok: true, proposal: candidate };
  }
  if (noInFlight >= s.q) return { ok: true, proposal: undefined };
  return { ok: false, proposal: undefined };
}

/**
 * validateNewViewMsg (viewchanger.go), a follower's check of the NewView's ViewData, in the
 * message's order, each signer's first one only. Any bad ViewData makes the whole message
 * invalid, however many good ones it carries. What is checked depends on where the
 * ViewData's last decision stands against this node's own sequence (Go cannot validate a
 * decision made under a configuration it does not have):
 * - genesis: its signature, unless this node has decided (then nothing but the in-flight);
 * - behind this node: only the in-flight proposal's sequence, no signature at all;
 * - at this node's sequence: its signature, and that it is this node's last decision (the
 *   decision's own signatures are not checked);
 * - one ahead: ValidateLastDecision, deliver it, then its signature: "deliver", and the
 *   caller validates the message again at the new sequence;
 * - more than one ahead: sync at once ("sync"), whatever the ViewData after it hold.
 * Then at least Q counted. Like Go, the ViewData not checked are counted whoever signed them.
 */
function validateNewViewMsg(s: ConsenterState, io: Io, m: NewView, deps: ViewChangerDeps): 'valid' | 'invalid' | 'sync' | 'deliver' {
  const mySeq = s.ledger.length;
  const seen = new Set<number>();
  let valid = 0;
  for (const svd of m.signedViewData) {
    if (seen.has(svd.signer)) continue;
    seen.add(svd.signer);
    const vd = svd.viewData;
    if (vd.nextView !== s.vc.currView) return 'invalid';
    const last = vd.lastDecision;
    if (last === undefined) {
      if (mySeq === 0 && !signedByItsSigner(s, svd)) return 'invalid';
      if (!validInFlight(vd.inFlightProposal, 0)) return 'invalid';
      valid++;
      continue;
    }
    if (last.proposal.metadata.viewId >= vd.nextView) return 'invalid';
    if (last.seq > mySeq + 1) {
      deps.synchronizer.sync(s, io);
      return 'sync';
    }
    if (last.seq < mySeq) {
      if (!validInFlight(vd.inFlightProposal, last.seq)) return 'invalid';
      valid++;
      continue;
    }
    if (last.seq === mySeq) {
      const mine = s.ledger[mySeq - 1] as Decision;
      if (!signedByItsSigner(s, svd) || mine.proposal.digest !== last.proposal.digest || !validInFlight(vd.inFlightProposal, last.seq)) return 'invalid';
      valid++;
      continue;
    }
    if (!validateLastDecision(s, last)) return 'invalid';
    deps.application.deliver(s, io, last);
    // Stryker disable next-line ConditionalExpression,LogicalOperator: the caller validates again at once, where this ViewData is at the node's sequence and the same two checks run (Go checks here for a reconfiguration, which the model has not)
    if (!signedByItsSigner(s, svd) || !validInFlight(vd.inFlightProposal, last.seq)) return 'invalid';
    return 'deliver';
  }
  // Stryker disable next-line StringLiteral: the caller tells only 'invalid', 'sync' and 'deliver' apart; any other answer is valid
  return valid < s.q ? 'invalid' : 'valid';
}

function handleNewView(s: ConsenterState, io: Io, sender: number, m: NewView, deps: ViewChangerDeps): void {
  const vc = s.vc;
  // processMsg (viewchanger.go:316-321): the sender must lead currView. A NewView that comes
  // before this node joined its view change (currView still the old view's) fails that and is
  // dropped; nothing keeps it for the join.
  const expectedLeader = leaderOfView(s.nodes, vc.currView);
  if (sender !== expectedLeader) {
    io.log('wrongNewViewSender', s.id, describeMessage(m), sender, expectedLeader);
    return;
  }
  if (vc.realView === vc.currView) return;
  // processNewViewMsg: validate, and again after each decision delivered from the message.
  let result = validateNewViewMsg(s, io, m, deps);
  while (result === 'deliver') result = validateNewViewMsg(s, io, m, deps);
  if (result === 'invalid') {
    io.log('newViewInvalid', s.id);
    return;
  }
  if (result === 'sync') return;
  // extractViewDataMessages: every ViewData of the message, a signer's second one included.
  const check = checkInFlight(s, m.signedViewData);
  if (!check.ok) return;
  if (check.proposal !== undefined && check.proposal.metadata.latestSequence === s.ledger.length + 1) {
    // commitInFlightProposal: the view for the proposal starts after two ticks.
    deps.controller.abortView(s, io, vc.currView);
    vc.pendingInFlight = { proposal: check.proposal, ticksToWait: 2, started: false };
    io.log('inFlightWaitTwoTicks');
    return;
  }
  completeNewView(s, io, deps);
}

/** After NewView (and its in-flight decision, if any): WAL NewView and start the view. */
function completeNewView(s: ConsenterState, io: Io, deps: ViewChangerDeps): void {
  const vc = s.vc;
  const inFlight = vc.pendingInFlight;
  vc.pendingInFlight = undefined;
  // Go reads its current sequence after commitInFlightProposal (extractCurrentSequence):
  // the in-flight block's, if one was just committed. A restart then resumes this view.
  saveNewView(s, io, vc.currView, s.ledger.length, 0);
  vc.realView = vc.currView;
  vc.nextView = vc.currView;
  vc.checkTimeout = false;
  vc.backOffFactor = 1;
  vc.votes.clear();
  viewChangeMetrics(s, io);
  io.fact({ type: 'bft.viewChanged', view: vc.currView, leader: leaderOfView(s.nodes, vc.currView) });
  vc.nextViews.clear();
  deps.controller.viewChanged(s, io, vc.currView, s.ledger.length + 1);
  deps.requestsTimer.restartTimers(s, io);
  // Stryker disable next-line ConditionalExpression: the deferred queues fill only while an in-flight proposal is pending, so without one they are empty
  if (inFlight !== undefined) replayDeferred(s, io, deps);
}

/** The in-flight view ended without a decision: Go's processNewViewMsg returns without changing the view. */
function inFlightFailed(s: ConsenterState, io: Io, deps: ViewChangerDeps): void {
  deps.inFlightView.abort(s, io);
  s.vc.pendingInFlight = undefined;
  io.log('inFlightUnable', s.id);
  replayDeferred(s, io, deps);
}

/** ViewChanger.Sync: the in-flight view asked to sync (it saw f+1 commits beyond it). */
function inFlightAskedToSync(s: ConsenterState, io: Io, deps: ViewChangerDeps): void {
  const p = s.vc.pendingInFlight;
  deps.synchronizer.sync(s, io);
  // Stryker disable next-line ConditionalExpression: (to false) only the in-flight View calls it, and that View is stopped (a stopped View calls nothing) once pendingInFlight is cleared
  if (p === undefined) return;
  io.log('inFlightAskedToSync', p.proposal.metadata.viewId, p.proposal.metadata.latestSequence);
  inFlightFailed(s, io, deps);
}

/** checkIfTimeout: the view change's deadline (ViewChangeTimeout x back-off) passed; sync. */
function checkIfTimeout(s: ConsenterState, io: Io, deps: ViewChangerDeps): boolean {
  const vc = s.vc;
  // Stryker disable next-line ConditionalExpression,BooleanLiteral: (to false) viewChangerTick checks it first, and while an in-flight proposal is pending checkTimeout is always true (set on joining, reset only with pendingInFlight cleared)
  if (!vc.checkTimeout) return false;
  // `if nextTimeout.After(now) { return false }`: it fires once now reaches the deadline
  // (the reference paraphrases this as now > deadline; the Go code is >=).
  if (vc.lastTick < vc.startViewChangeTime + s.config.ViewChangeTimeout * vc.backOffFactor) return false;
  // Stryker disable next-line BooleanLiteral: both callers call startViewChange(currView) right after a timeout, which sets checkTimeout again on every path
  vc.checkTimeout = false;
  vc.backOffFactor++;
  io.fact({ type: 'bft.viewChangeTimeout', view: vc.currView, backOffFactor: vc.backOffFactor });
  deps.synchronizer.sync(s, io);
  return true;
}

/**
 * InformNewView: sync learned a newer view. The Controller informs only of a view above its
 * own (controller.go sync), so one equal to `currView` is the view change this node joined.
 */
function informNewView(s: ConsenterState, io: Io, view: number, deps: ViewChangerDeps): void {
  const vc = s.vc;
  if (view < vc.currView) return;
  // Sync found the view being entered (or a later one) and the controller moves there now.
  // Go's in-flight view would run on beside it until it decides or times out; the model
  // has one view at a time, so the in-flight proposal is given up here, and the
  // Controller's changeView, right after this in the same step, stops its View.
  vc.pendingInFlight = undefined;
  io.log('informNewView', s.id, view);
  vc.currView = view;
  vc.realView = view;
  vc.nextView = view;
  vc.votes.clear();
  vc.viewData.clear();
  vc.backOffFactor = 1;
  vc.checkTimeout = false;
  vc.nextViews.clear();
  viewChangeMetrics(s, io);
  deps.requestsTimer.restartTimers(s, io);
  // The queue fills only while an in-flight proposal is pending: empty otherwise.
  replayDeferred(s, io, deps);
}

/** ViewChanger tick: resend and timeout with back-off; or the in-flight view's ticks. */
function viewChangerTick(s: ConsenterState, io: Io, deps: ViewChangerDeps): void {
  const vc = s.vc;
  vc.lastTick = io.now;
  const p = vc.pendingInFlight;
  if (p !== undefined) {
    inFlightTick(s, io, p, deps);
    return;
  }
  if (!vc.checkTimeout) return;
  const now = vc.lastTick;
  if (now - vc.lastResend >= s.config.ViewChangeResendInterval) {
    io.broadcast({ type: 'ViewChange', nextView: vc.nextView, reason: 'resend' });
    vc.lastResend = now;
  }
  if (checkIfTimeout(s, io, deps)) {
    // Still pending (nobody joined): this only re-arms the timeout, from the same start, so
    // a lone complainer times out 20s, 40s, 60s ... after it began. After a join it moves on
    // to the next view, skipping a dead next leader.
    // Stryker disable next-line BooleanLiteral: after a timeout the view is already stopped (by the join), or startViewChange returns before aborting (a lone complainer)
    startViewChange(s, io, vc.currView, false, 'view change timeout', deps);
  }
}

/**
 * commitInFlightProposal's ticks: the first two only start the in-flight view (`<-v.Ticker`
 * twice); then each checks the view-change timeout (no resend). On timeout the proposal is
 * abandoned, the view not changed, and a view change to the next view starts.
 */
function inFlightTick(s: ConsenterState, io: Io, p: NonNullable<ViewChangerState['pendingInFlight']>, deps: ViewChangerDeps): void {
  const md = p.proposal.metadata;
  if (!p.started) {
    p.ticksToWait--;
    if (p.ticksToWait > 0) return;
    p.started = true;
    // Logged before the view's first step: Go's view decides asynchronously, after this line.
    io.log('inFlightViewStarted', s.id, md.viewId);
    deps.inFlightView.start(s, io, p.proposal);
    return;
  }
  if (!checkIfTimeout(s, io, deps)) return;
  io.log('inFlightTimeout', md.viewId, md.latestSequence);
  inFlightFailed(s, io, deps);
  // Stryker disable next-line BooleanLiteral: inFlightFailed has just stopped the in-flight view, and the NewView's view never started
  startViewChange(s, io, s.vc.currView, false, 'view change timeout', deps);
}
