/**
 * ViewChanger (internal/bft/viewchanger.go): complaints start a view change (ViewChange
 * broadcast); a node joins at Q-1 votes from others (f+1 with SpeedUpViewChange), WALs
 * ViewChange, moves to the next view and sends SignedViewData to its leader; the leader
 * with Q ViewData checks the in-flight proposal (CheckInFlight) and broadcasts NewView;
 * followers validate it, deliver a missing last decision, commit an agreed in-flight
 * proposal, WAL NewView and start the view. Resend every ViewChangeResendInterval;
 * ViewChangeTimeout with back-off (x1, x2, x3 ...) syncs and moves on to the next view,
 * which skips a dead next leader.
 *
 * Difference from Go: a ViewData or NewView for the view a node is about to join is kept
 * until it joins, instead of being dropped (Go relies on timing for that race).
 */
import type { Decision, Proposal } from './api.ts';
import { digestMatches, sign, verifySignature } from './crypto.ts';
import type { Io } from './io.ts';
import type { NewView, SignedViewData, ViewChange, ViewData, ViewDataMsg } from './messages.ts';
import { describeMessage } from './messages.ts';
import type { ConsenterState, ViewChangerState } from './state.ts';
import { abortView, deliver, leaderOf, requestSync, startInFlightView, viewChanged } from './controller.ts';
import { restartTimers, stopTimers } from './requestpool.ts';
import { saveNewView, saveViewChange } from './wal.ts';

const LAGGING_HELP = 'lagging view change';

export function newViewChangerState(view: number): ViewChangerState {
  return {
    currView: view,
    nextView: view,
    realView: view,
    votes: new Map(),
    viewData: new Map(),
    checkTimeout: false,
    startViewChangeTime: 0,
    lastResend: 0,
    backOffFactor: 1,
    pendingInFlight: undefined,
    earlyViewData: new Map(),
    earlyNewView: undefined,
  };
}

function viewChangeMetrics(s: ConsenterState, io: Io): void {
  io.metric('consensus_smartbft_viewchange_current_view', s.vc.currView);
  io.metric('consensus_smartbft_viewchange_next_view', s.vc.nextView);
  io.metric('consensus_smartbft_viewchange_real_view', s.vc.realView);
}

/** StartViewChange(view, stopView), the target of every complaint. */
export function startViewChange(s: ConsenterState, io: Io, view: number, stopView: boolean, reason: string): void {
  const vc = s.vc;
  if (view < vc.currView) return;
  if (vc.nextView === vc.currView + 1) {
    vc.checkTimeout = true; // make sure the timeout is checked anyway
    return;
  }
  vc.nextView = vc.currView + 1;
  stopTimers(s, io);
  const msg: ViewChange = { type: 'ViewChange', nextView: vc.nextView, reason };
  io.broadcast(msg);
  if (stopView) abortView(s, io, vc.currView);
  vc.startViewChangeTime = s.hb.lastTick;
  vc.lastResend = s.hb.lastTick;
  vc.checkTimeout = true;
  io.log('startedViewChange', s.id, vc.currView);
  viewChangeMetrics(s, io);
}

export function handleViewChange(s: ConsenterState, io: Io, sender: number, m: ViewChange): void {
  const vc = s.vc;
  if (m.nextView === vc.currView + 1) {
    if (!vc.votes.has(sender)) vc.votes.set(sender, m);
    processViewChangeMsg(s, io, false);
    return;
  }
  if (m.nextView > vc.realView && m.nextView <= vc.currView) {
    // Lagging helper: someone still works on a view we already moved to. Help is not
    // answered with help, so two helpers never echo each other forever.
    if (m.reason !== LAGGING_HELP) io.send(sender, { type: 'ViewChange', nextView: m.nextView, reason: LAGGING_HELP });
    return;
  }
  io.log('wrongViewChange', s.id, describeMessage(m), sender, m.nextView, vc.currView + 1);
}

function processViewChangeMsg(s: ConsenterState, io: Io, restore: boolean): void {
  const vc = s.vc;
  if ((s.config.SpeedUpViewChange && vc.votes.size === s.f + 1) || restore) {
    io.log('joiningViewChange', s.id, vc.currView);
    startViewChange(s, io, vc.currView, true, 'joining');
  }
  if (!(vc.votes.size >= s.q - 1 || restore)) return;
  if (!s.config.SpeedUpViewChange) {
    io.log('joiningViewChange', s.id, vc.currView);
    startViewChange(s, io, vc.currView, true, 'joining');
  }
  if (vc.nextView !== vc.currView + 1) return;
  if (!restore) saveViewChange(s, io, vc.currView);
  abortView(s, io, vc.currView);
  vc.currView = vc.nextView;
  vc.votes.clear();
  vc.viewData.clear();
  vc.checkTimeout = true;
  s.counters.viewChanges++;
  io.metric('sim_smartbft_viewchange_total', s.counters.viewChanges);
  viewChangeMetrics(s, io);
  const signed = signedViewData(s);
  const leader = leaderOf(s, vc.currView);
  if (leader === s.id) handleViewData(s, io, s.id, { type: 'ViewData', signed });
  else io.send(leader, { type: 'ViewData', signed });
  io.log('sentViewData', s.id, vc.currView, leader);
  // Messages for this view that arrived before we joined.
  const early = [...vc.earlyViewData.entries()];
  vc.earlyViewData.clear();
  for (const [from, msg] of early) handleViewData(s, io, from, msg);
  const nv = vc.earlyNewView;
  vc.earlyNewView = undefined;
  if (nv !== undefined) handleNewView(s, io, nv.sender, nv.msg);
}

export function viewDataSummary(vd: ViewData): string {
  const last = vd.lastDecision;
  return `vd/${vd.nextView}/${last?.seq ?? 0}/${last?.proposal.digest ?? ''}/${vd.inFlightProposal?.digest ?? ''}/${vd.inFlightPrepared ? 1 : 0}`;
}

function signedViewData(s: ConsenterState): SignedViewData {
  const last = s.ledger[s.ledger.length - 1];
  const mySeq = s.ledger.length;
  const inFlight = s.inFlight !== undefined && s.inFlight.proposal.metadata.latestSequence === mySeq + 1 ? s.inFlight : undefined;
  const viewData: ViewData = {
    nextView: s.vc.currView,
    lastDecision: last,
    inFlightProposal: inFlight?.proposal,
    inFlightPrepared: inFlight?.prepared ?? false,
  };
  return { viewData, signer: s.id, signature: sign(s.id, viewDataSummary(viewData)).value };
}

/** ValidateLastDecision: Q valid signatures from distinct consenters on a well-formed proposal. */
export function validDecision(s: ConsenterState, d: Decision): boolean {
  if (!digestMatches(d.proposal) || d.proposal.metadata.latestSequence !== d.seq) return false;
  const signers = new Set<number>();
  for (const sig of d.signatures) {
    if (!s.nameOf.has(sig.signer) || signers.has(sig.signer)) continue;
    if (verifySignature(sig, d.proposal.digest)) signers.add(sig.signer);
  }
  return signers.size >= s.q;
}

function validViewData(s: ConsenterState, sender: number, svd: SignedViewData, view: number): boolean {
  const vd = svd.viewData;
  if (svd.signer !== sender || vd.nextView !== view) return false;
  if (!verifySignature({ signer: svd.signer, value: svd.signature }, viewDataSummary(vd))) return false;
  if (vd.lastDecision !== undefined && !validDecision(s, vd.lastDecision)) return false;
  if (vd.inFlightProposal !== undefined && !digestMatches(vd.inFlightProposal)) return false;
  return true;
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
export function checkLastDecision(s: ConsenterState, io: Io, sender: number, svd: SignedViewData): { valid: boolean; lastSeq: number } {
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
  if (!validDecision(s, last)) return invalid;
  deliver(s, io, last, false);
  if (!signedBySender()) return invalid;
  return { valid: true, lastSeq: last.seq };
}

/** validateViewDataMsg (viewchanger.go): the new leader's checks of one ViewData. */
function validateViewDataMsg(s: ConsenterState, io: Io, sender: number, svd: SignedViewData): boolean {
  const vd = svd.viewData;
  if (leaderOf(s, s.vc.currView) !== s.id || vd.nextView !== s.vc.currView) return false;
  const check = checkLastDecision(s, io, sender, svd);
  if (!check.valid) {
    io.log('viewDataLastDecisionFailed', s.id, signedViewDataToString(svd), sender);
    return false;
  }
  // ValidateInFlight
  const inFlight = vd.inFlightProposal;
  if (inFlight !== undefined && (!digestMatches(inFlight) || inFlight.metadata.latestSequence !== check.lastSeq + 1)) return false;
  return true;
}

/** signedViewDataToString (util.go). */
function signedViewDataToString(svd: SignedViewData): string {
  return `<ViewData signed by ${svd.signer} with NextView: ${svd.viewData.nextView}>`;
}

export function handleViewData(s: ConsenterState, io: Io, sender: number, m: ViewDataMsg): void {
  const vc = s.vc;
  const vd = m.signed.viewData;
  if (vd.nextView === vc.currView + 1 && leaderOf(s, vd.nextView) === s.id) {
    if (!vc.earlyViewData.has(sender)) vc.earlyViewData.set(sender, m);
    return;
  }
  if (leaderOf(s, vc.currView) !== s.id || vc.realView === vc.currView) return;
  if (vc.viewData.has(sender)) return;
  if (!validateViewDataMsg(s, io, sender, m.signed)) return;
  vc.viewData.set(sender, m.signed);
  if (vc.viewData.size < s.q) return;
  const all = [...vc.viewData.values()];
  if (!checkInFlight(s, all).ok) return;
  io.log('quorumViewData', s.id);
  // The leader's own ViewData is prepared again: it may have delivered a decision since.
  const own = signedViewData(s);
  const ordered = [own, ...all.filter((x) => x.signer !== s.id)];
  const nv: NewView = { type: 'NewView', signedViewData: ordered };
  io.log('broadcastNewView', s.id);
  io.broadcast(nv);
  vc.viewData.clear();
  handleNewView(s, io, s.id, nv);
}

/**
 * CheckInFlight: (B) a quorum reports no in-flight proposal at the expected sequence, or
 * (A) a proposal some ViewData reports as prepared is held by f+1 (preprepared) and
 * disputed by no quorum (noArgument >= Q).
 *
 * Difference from Go as we read it: an in-flight proposal that is NOT prepared counts as
 * "no in-flight" for (B). Go counts only absent or other-sequence ones, so after an
 * equivocating leader (nobody prepared, ViewData split between two digests) neither (A)
 * nor (B) can ever hold and every later view change stalls. Counting unprepared ones is
 * safe: a decided proposal was prepared by Q nodes, so any Q ViewData include an honest
 * node reporting it prepared, and (B) cannot hold.
 */
export function checkInFlight(s: ConsenterState, list: readonly SignedViewData[]): { ok: boolean; proposal: Proposal | undefined } {
  let maxLast = 0;
  for (const x of list) maxLast = Math.max(maxLast, x.viewData.lastDecision?.seq ?? 0);
  const expected = maxLast + 1;
  let noInFlight = 0;
  const possible: Proposal[] = [];
  for (const x of list) {
    const p = x.viewData.inFlightProposal;
    if (p === undefined || p.metadata.latestSequence !== expected || !x.viewData.inFlightPrepared) {
      noInFlight++;
      continue;
    }
    if (x.viewData.inFlightPrepared && !possible.some((q) => q.digest === p.digest)) possible.push(p);
  }
  if (noInFlight >= s.q) return { ok: true, proposal: undefined };
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
  return { ok: false, proposal: undefined };
}

export function handleNewView(s: ConsenterState, io: Io, sender: number, m: NewView): void {
  const vc = s.vc;
  const nextView = m.signedViewData[0]?.viewData.nextView ?? -1;
  if (nextView === vc.currView + 1 && sender === leaderOf(s, nextView)) {
    vc.earlyNewView = { sender, msg: m };
    return;
  }
  if (vc.realView === vc.currView) return;
  const expectedLeader = leaderOf(s, vc.currView);
  if (sender !== expectedLeader) {
    io.log('wrongNewViewSender', s.id, describeMessage(m), sender, expectedLeader);
    return;
  }
  const valid: SignedViewData[] = [];
  const seen = new Set<number>();
  for (const svd of m.signedViewData) {
    if (seen.has(svd.signer) || !s.nameOf.has(svd.signer)) continue;
    if (!validViewData(s, svd.signer, svd, vc.currView)) continue;
    seen.add(svd.signer);
    valid.push(svd);
  }
  if (valid.length < s.q) return;
  let maxLast: Decision | undefined;
  for (const x of valid) {
    const d = x.viewData.lastDecision;
    if (d !== undefined && (maxLast === undefined || d.seq > maxLast.seq)) maxLast = d;
  }
  const mySeq = s.ledger.length;
  if (maxLast !== undefined && maxLast.seq > mySeq + 1) {
    requestSync(s, io);
    return;
  }
  if (maxLast !== undefined && maxLast.seq === mySeq + 1) deliver(s, io, maxLast, false);
  const check = checkInFlight(s, valid);
  if (!check.ok) return;
  if (check.proposal !== undefined && check.proposal.metadata.latestSequence === s.ledger.length + 1) {
    vc.pendingInFlight = { proposal: check.proposal };
    startInFlightView(s, io, check.proposal);
    return;
  }
  completeNewView(s, io);
}

/** After NewView (and its in-flight decision, if any): WAL NewView and start the view. */
export function completeNewView(s: ConsenterState, io: Io): void {
  const vc = s.vc;
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
  io.fact({ type: 'bft.viewChanged', view: vc.currView, leader: leaderOf(s, vc.currView) });
  viewChanged(s, io, vc.currView, s.ledger.length + 1);
  restartTimers(s, io);
}

/** InformNewView: sync learned a newer view. */
export function informNewView(s: ConsenterState, io: Io, view: number): void {
  const vc = s.vc;
  if (view < vc.currView || (view === vc.currView && vc.realView === view)) return;
  io.log('informNewView', s.id, view);
  vc.currView = view;
  vc.realView = view;
  vc.nextView = view;
  vc.votes.clear();
  vc.viewData.clear();
  vc.backOffFactor = 1;
  vc.checkTimeout = false;
  vc.pendingInFlight = undefined;
  viewChangeMetrics(s, io);
  restartTimers(s, io);
}

/** The WAL's last record was ViewChange: re-run the join (processViewChangeMsg(restore=true)). */
export function restoreViewChange(s: ConsenterState, io: Io): void {
  processViewChangeMsg(s, io, true);
}

/** ViewChanger tick: resend and timeout with back-off. */
export function viewChangerTick(s: ConsenterState, io: Io): void {
  const vc = s.vc;
  if (!vc.checkTimeout) return;
  const now = s.hb.lastTick;
  if (now - vc.lastResend >= s.config.ViewChangeResendInterval) {
    io.broadcast({ type: 'ViewChange', nextView: vc.nextView, reason: 'resend' });
    vc.lastResend = now;
  }
  // checkIfTimeout: `if nextTimeout.After(now) { return false }`, so it fires once now reaches
  // the deadline (the reference paraphrases this as now > deadline; the Go code is >=).
  if (now >= vc.startViewChangeTime + s.config.ViewChangeTimeout * vc.backOffFactor) {
    vc.checkTimeout = false;
    vc.backOffFactor++;
    io.fact({ type: 'bft.viewChangeTimeout', view: vc.currView, backOffFactor: vc.backOffFactor });
    requestSync(s, io);
    // Still pending (nobody joined): this only re-arms the timeout, from the same start, so
    // a lone complainer times out 20s, 40s, 60s ... after it began. After a join it moves on
    // to the next view, skipping a dead next leader.
    startViewChange(s, io, vc.currView, false, 'view change timeout');
  }
}
