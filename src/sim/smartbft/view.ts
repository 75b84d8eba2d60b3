/**
 * View: the normal case of one view (internal/bft/view.go). PrePrepare -> Prepare (Q-1
 * matching from others) -> Commit (Q-1 verified from others) -> decide, one proposal in
 * flight, messages for seq+1 buffered, assists for seq-1, and the sync trigger when f+1
 * commits show a later sequence or view (`discoverIfSyncNeeded`).
 */
import type { Decision, Proposal, Signature } from './api.ts';
import { digestMatches, sign, verifySignature } from '../consensus/crypto.ts';
import type { Commit, ConsensusMessage, PrePrepare, Prepare } from './messages.ts';
import { describeMessage } from './messages.ts';
import { goList, TIMERS, type Io } from './io.ts';
import { PHASE, type ConsenterState, type ViewState } from './state.ts';
import { complain, decideInView, requestSync, viewSync } from './controller.ts';
import { heartbeatWasSent } from './heartbeatmonitor.ts';
import { saveCommit, saveProposed } from './wal.ts';
import { Votes, type NodeIndex } from './votes.ts';

export function newViewState(index: NodeIndex, number: number, leaderId: number, seq: number, decisionsInView: number): ViewState {
  return {
    number,
    leaderId,
    seq,
    decisionsInView,
    phase: PHASE.COMMITTED,
    stopped: false,
    inFlightOnly: false,
    proposal: undefined,
    myPrepare: undefined,
    myCommit: undefined,
    prepares: new Votes(index),
    commits: new Votes(index),
    prepareFrom: [],
    // Stryker disable next-line ArrayDeclaration: enterPrepared refills commitSigs before anything reads it
    commitSigs: [],
    nextPrePrepare: undefined,
    nextPrepares: new Votes(index),
    nextCommits: new Votes(index),
    prevPrepare: undefined,
    prevCommit: undefined,
    lastVotedProposalByID: new Map(),
    walPending: undefined,
  };
}

/** View.Abort / stop: the view processes nothing more. */
export function stopView(s: ConsenterState, io: Io): void {
  if (s.view.stopped) return;
  s.view.stopped = true;
  s.viewSeq = { seq: s.view.seq, active: false };
  s.view.phase = PHASE.ABORT;
  // Stryker disable next-line BooleanLiteral: the token is read only by canPropose, which also wants a running view this node leads; the next view's start sets it
  s.leaderToken = false;
  io.cancelTimer('batch');
  // Stryker disable next-line BooleanLiteral: the batch timer is cancelled on the line above, and nextBatch writes armed before the batcher reads it again
  s.batch.armed = false;
  io.metric('consensus_smartbft_view_phase', PHASE.ABORT);
}

/** View.Propose: the leader hands its own PrePrepare to itself first (WAL before broadcast). */
export function propose(s: ConsenterState, io: Io, proposal: Proposal): void {
  const pp: PrePrepare = { type: 'PrePrepare', view: s.view.number, seq: s.view.seq, proposal };
  processMsg(s, io, s.id, pp);
}

/** View.processMsg: route a PrePrepare, Prepare or Commit from `sender`. */
export function processMsg(s: ConsenterState, io: Io, sender: number, m: ConsensusMessage): void {
  const v = s.view;
  if (v.stopped) return;
  if (m.view !== v.number) {
    // Stryker disable next-line ConditionalExpression: a shortcut; io.log prints nothing when logs are off
    if (io.logging) io.log('wrongView', s.id, describeMessage(m), sender, m.view, v.number);
    if (sender !== v.leaderId) {
      discoverIfSyncNeeded(s, io, sender, m);
      return;
    }
    // Stryker disable next-line BooleanLiteral: stopView=true stops the view inside complain, which the view does itself just after (only the ABORT phase gauge moves before the 'started view change' line of the same instant)
    complain(s, io, v.number, false, 'message with a wrong view from the leader');
    // Stryker disable next-line EqualityOperator: here m.view !== v.number, so >= is >
    if (m.view > v.number) requestSync(s, io);
    stopView(s, io);
    return;
  }
  // Go also checks ProposalSequence > 0 (a uint64 would wrap); a view's sequence here is at least 1.
  if (m.seq === v.seq - 1) {
    handlePrevSeqMessage(s, io, sender, m);
    return;
  }
  if (m.seq !== v.seq && m.seq !== v.seq + 1) {
    // Stryker disable next-line ConditionalExpression: a shortcut; io.log prints nothing when logs are off
    if (io.logging) io.log('wrongSeq', s.id, sender, m.seq, v.seq);
    discoverIfSyncNeeded(s, io, sender, m);
    return;
  }
  const next = m.seq === v.seq + 1;
  switch (m.type) {
    case 'PrePrepare':
      if (sender !== v.leaderId) return;
      if (next) {
        v.nextPrePrepare ??= m;
        return;
      }
      // Only COMMITTED reads a PrePrepare (view.go doPhase -> processProposal); it has no
      // proposal yet. While its ProposedRecord is being saved the View reads nothing.
      if (v.phase === PHASE.COMMITTED && !v.inFlightOnly && v.walPending === undefined) processProposal(s, io, sender, m);
      return;
    case 'Prepare':
      if (sender === s.id) return;
      if (next) {
        if (!v.nextPrepares.has(sender)) v.nextPrepares.set(sender, m.digest);
        return;
      }
      if (v.prepares.has(sender)) return;
      v.prepares.set(sender, m.digest);
      // Stryker disable next-line ConditionalExpression,LogicalOperator: a guard written twice: processPrepares checks phase and proposal again (only the digest test, killed, is this line's own)
      if (v.phase === PHASE.PROPOSED && v.proposal !== undefined && m.digest === v.proposal.digest) {
        v.prepareFrom.push(sender);
        processPrepares(s, io);
      }
      return;
    case 'Commit':
      if (sender === s.id) return;
      if (next) {
        if (!v.nextCommits.has(sender)) v.nextCommits.set(sender, m);
        return;
      }
      if (v.commits.has(sender)) return;
      v.commits.set(sender, m);
      // Stryker disable next-line ConditionalExpression,LogicalOperator: a guard written twice: processCommits checks phase and proposal again (only the signature test, killed, is this line's own)
      if (v.phase === PHASE.PREPARED && v.proposal !== undefined && validCommit(sender, m, v.proposal.digest)) {
        v.commitSigs.push(m.signature);
        processCommits(s, io);
      }
      return;
  }
}

function lastDecision(s: ConsenterState): Decision | undefined {
  return s.ledger[s.ledger.length - 1];
}

/** View.verifyProposal: metadata, digest and the application's VerifyProposal. */
function verifyProposal(s: ConsenterState, pp: PrePrepare): string | null {
  const v = s.view;
  const p = pp.proposal;
  // Stryker disable next-line ConditionalExpression,StringLiteral: unreachable, both callers pass a PrePrepare of the view's sequence
  if (pp.seq !== v.seq) return `expected sequence ${v.seq} but got ${pp.seq}`;
  const md = p.metadata;
  if (md.viewId !== v.number) return `expected view number ${v.number} but got ${md.viewId}`;
  if (md.latestSequence !== v.seq) return `expected proposal sequence ${v.seq} but got ${md.latestSequence}`;
  if (md.decisionsInView !== v.decisionsInView) return `Expected decisions in view ${v.decisionsInView} but got ${md.decisionsInView}`;
  if (!digestMatches(p)) return `proposal digest ${p.digest} does not match its content`;
  for (const r of p.payload) {
    if (r.size > s.config.RequestMaxBytes) return `request ${r.clientId}:${r.reqId} is too big: ${r.size} > ${s.config.RequestMaxBytes}`;
  }
  return s.app.verifyProposal ? s.app.verifyProposal(p, lastDecision(s)) : null;
}

/** COMMITTED -> PROPOSED: accept the leader's PrePrepare, WAL it, send our Prepare. */
function processProposal(s: ConsenterState, io: Io, sender: number, pp: PrePrepare): void {
  const v = s.view;
  const bad = verifyProposal(s, pp);
  if (bad !== null) {
    io.log('badProposal', s.id, sender, bad);
    // Stryker disable next-line BooleanLiteral: stopView=true stops the view inside complain, which the view does itself just after (only the ABORT phase gauge moves before the 'started view change' line of the same instant)
    complain(s, io, v.number, false, 'bad proposal');
    requestSync(s, io);
    stopView(s, io);
    return;
  }
  const prepare: Prepare = { type: 'Prepare', view: v.number, seq: v.seq, digest: pp.proposal.digest, assist: false };
  saveProposed(s, io, pp, prepare);
  // PersistedState.Save stores InFlightData (storeProposal) before it appends the record.
  s.inFlight = { proposal: pp.proposal, prepared: false };
  if (s.config.WalAppendMs > 0) {
    v.walPending = { kind: 'proposal', prePrepare: pp, prepare };
    io.setTimer(TIMERS.wal, s.config.WalAppendMs);
    return;
  }
  proposalSaved(s, io, pp, prepare);
}

/**
 * The ProposedRecord is in the WAL (WriteAheadLogFile.Append wrote and fsynced it): the
 * leader broadcasts its PrePrepare, the View logs `Processed proposal` and sends its Prepare.
 */
function proposalSaved(s: ConsenterState, io: Io, pp: PrePrepare, prepare: Prepare): void {
  const v = s.view;
  if (s.id === v.leaderId) {
    io.broadcast(pp);
    heartbeatWasSent(s);
  }
  v.proposal = pp.proposal;
  v.myPrepare = prepare;
  v.phase = PHASE.PROPOSED;
  // Stryker disable next-line ConditionalExpression: a shortcut; io.log prints nothing when logs are off
  if (io.logging) io.log('processedProposal', v.seq);
  // A leader's Prepare needs no HeartbeatWasSent of its own: its PrePrepare, broadcast in
  // this same step, already recorded this tick.
  io.broadcast(prepare);
  enterProposed(s, io);
}

/** Count the prepares that arrived before the proposal, then wait for the rest. */
export function enterProposed(s: ConsenterState, io: Io): void {
  const v = s.view;
  // Stryker disable next-line OptionalChaining: enterProposed runs only once the view has its proposal
  const digest = v.proposal?.digest;
  v.prepareFrom = [];
  const prepares = v.prepares;
  for (const sender of prepares.senders) if (prepares.get(sender) === digest) v.prepareFrom.push(sender);
  processPrepares(s, io);
}

/** Count the verified commits that arrived before we prepared, then wait for the rest. */
export function enterPrepared(s: ConsenterState, io: Io): void {
  const v = s.view;
  // Stryker disable next-line OptionalChaining,StringLiteral: enterPrepared runs only once the view has its proposal
  const digest = v.proposal?.digest ?? '';
  v.commitSigs = [];
  const commits = v.commits;
  for (const sender of commits.senders) {
    const c = commits.get(sender) as Commit;
    if (validCommit(sender, c, digest)) v.commitSigs.push(c.signature);
  }
  processCommits(s, io);
}

function validCommit(sender: number, c: Commit, digest: string): boolean {
  return c.digest === digest && c.signature.signer === sender && verifySignature(c.signature, digest);
}

/** PROPOSED -> PREPARED at Q-1 matching prepares from others: sign, WAL the Commit, send it. */
export function processPrepares(s: ConsenterState, io: Io): void {
  const v = s.view;
  const p = v.proposal;
  // Stryker disable next-line ConditionalExpression,LogicalOperator: a guard written twice: both callers (processMsg, enterProposed) call it only in PROPOSED with a proposal
  if (p === undefined || v.phase !== PHASE.PROPOSED || v.walPending !== undefined) return;
  const need = s.q - 1;
  if (v.prepareFrom.length < need) return;
  // Stryker disable next-line ConditionalExpression: a shortcut; io.log prints nothing when logs are off
  if (io.logging) {
    const from = v.prepareFrom.slice(0, need);
    io.log('collectedPrepares', s.id, from.length, goList(from));
  }
  const signature: Signature = sign(s.id, p.digest);
  const commit: Commit = { type: 'Commit', view: v.number, seq: v.seq, digest: p.digest, signature, assist: false };
  saveCommit(s, io, commit);
  // PersistedState.Save marks InFlightData prepared (storePrepared) before it appends the record.
  // Stryker disable next-line ConditionalExpression: a view in PROPOSED always has InFlightData (processProposal and the WAL restore store it with the proposal)
  if (s.inFlight !== undefined) s.inFlight.prepared = true;
  if (s.config.WalAppendMs > 0) {
    v.walPending = { kind: 'commit', commit };
    io.setTimer(TIMERS.wal, s.config.WalAppendMs);
    return;
  }
  commitSaved(s, io, commit);
}

/** The Commit record is in the WAL: the View logs `Processed prepares`, sends its Commit and counts the commits. */
function commitSaved(s: ConsenterState, io: Io, commit: Commit): void {
  const v = s.view;
  // Stryker disable next-line ConditionalExpression: a shortcut; io.log prints nothing when logs are off
  if (io.logging) io.log('processedPrepares', v.seq);
  v.myCommit = commit;
  v.phase = PHASE.PREPARED;
  io.broadcast(commit);
  if (s.id === v.leaderId) heartbeatWasSent(s);
  enterPrepared(s, io);
}

/**
 * The `wal` timer: the record being saved is written (config.WalAppendMs after the save
 * began). A view stopped meanwhile sends nothing: Go's save completes, then the View's run
 * loop sees the abort channel and returns.
 */
export function walSaved(s: ConsenterState, io: Io): void {
  const v = s.view;
  const w = v.walPending;
  if (w === undefined || v.stopped) return;
  v.walPending = undefined;
  if (w.kind === 'proposal') proposalSaved(s, io, w.prePrepare, w.prepare);
  else commitSaved(s, io, w.commit);
}

/** PREPARED -> decide at Q-1 verified commits from others; the decision carries Q signatures. */
function processCommits(s: ConsenterState, io: Io): void {
  const v = s.view;
  const p = v.proposal;
  // Stryker disable next-line ConditionalExpression,LogicalOperator: a guard written twice: callers (processMsg, enterPrepared) call it only in PREPARED with a proposal, and PREPARED always has our Commit
  if (p === undefined || v.phase !== PHASE.PREPARED || v.myCommit === undefined) return;
  const need = s.q - 1;
  if (v.commitSigs.length < need) return;
  // Exactly Q signatures: the decision keeps this array for the run (a slice then a push
  // left a larger backing store behind for every decision).
  // Stryker disable next-line ArrayDeclaration,ArithmeticOperator: the length is a size hint only (an array grows as it is written), the content is the same
  const sigs = new Array<Signature>(need + 1);
  sigs[need] = v.myCommit.signature;
  for (let i = 0; i < need; i++) sigs[i] = v.commitSigs[i] as Signature;
  // Stryker disable next-line ConditionalExpression: a shortcut; io.log prints nothing when logs are off
  if (io.logging) {
    io.log('collectedCommits', s.id, need, goList(sigs.slice(0, need).map((x) => x.signer)));
    io.log('processedCommits', s.id, v.seq);
  }
  decide(s, io, p, sigs);
}

/** View.decide: prepare the next sequence, then hand the decision to the Controller. */
function decide(s: ConsenterState, io: Io, proposal: Proposal, signatures: Signature[]): void {
  const v = s.view;
  const seq = v.seq;
  // Stryker disable next-line ConditionalExpression: a shortcut; io.log prints nothing when logs are off
  if (io.logging) io.log('decide', seq);
  s.viewSeq = { seq, active: true };
  // startNextSeq
  v.prevPrepare = v.myPrepare;
  v.prevCommit = v.myCommit;
  v.seq = seq + 1;
  v.decisionsInView++;
  v.phase = PHASE.COMMITTED;
  v.proposal = undefined;
  v.myPrepare = undefined;
  v.myCommit = undefined;
  const np = v.nextPrepares;
  const nc = v.nextCommits;
  const npp = v.nextPrePrepare;
  // The next sequence's votes become this one's; this one's tables, emptied, take the next's.
  const donePrepares = v.prepares;
  const doneCommits = v.commits;
  v.prepares = np;
  v.commits = nc;
  donePrepares.clear();
  doneCommits.clear();
  // Stryker disable next-line ArrayDeclaration: enterProposed refills prepareFrom before anything reads it
  v.prepareFrom = [];
  // Stryker disable next-line ArrayDeclaration: enterPrepared refills commitSigs before anything reads it
  v.commitSigs = [];
  v.nextPrepares = donePrepares;
  v.nextCommits = doneCommits;
  v.nextPrePrepare = undefined;
  // Stryker disable next-line ConditionalExpression: a shortcut; io.log prints nothing when logs are off
  if (io.logging) io.log('startNextSeq', seq, seq + 1);
  decideInView(s, io, { seq, proposal, signatures });
  // Stryker disable next-line ConditionalExpression,LogicalOperator: only the in-flight view's decision replaces s.view, and that view holds no next PrePrepare (its leader is itself); nothing in decideInView stops the view
  if (s.view !== v || v.stopped) return;
  // Stryker disable next-line ConditionalExpression: a follower is COMMITTED with no proposal right after its decision (only a leader proposes in decideInView, and it holds no next PrePrepare)
  if (npp !== undefined && v.phase === PHASE.COMMITTED && v.proposal === undefined) processProposal(s, io, v.leaderId, npp);
}

/** Re-send our previous vote to a node still working on the previous sequence. */
function handlePrevSeqMessage(s: ConsenterState, io: Io, sender: number, m: ConsensusMessage): void {
  const v = s.view;
  // Stryker disable next-line ConditionalExpression,StringLiteral: a PrePrepare matches neither branch below and gets no answer either way
  if (m.type === 'PrePrepare') return;
  if (m.assist) return;
  if (m.type === 'Prepare') {
    if (v.prevPrepare !== undefined) io.send(sender, { ...v.prevPrepare, assist: true });
  } else if (v.prevCommit !== undefined) io.send(sender, { ...v.prevCommit, assist: true });
}

/**
 * f+1 commits for the same later (view, seq, digest) mean we fell behind: stop and sync.
 * As view.go's discoverIfSyncNeeded: every commit replaces its sender's last vote
 * (lastVotedProposalByID); votes of a past view, and of a past or current sequence of
 * this view, are disregarded whatever their sequence.
 */
function discoverIfSyncNeeded(s: ConsenterState, io: Io, sender: number, m: ConsensusMessage): void {
  if (m.type !== 'Commit') return;
  const v = s.view;
  v.lastVotedProposalByID.set(sender, m);
  if (m.view < v.number) return;
  // Stryker disable next-line EqualityOperator: a commit of this view at our own sequence is the View's, never handed here
  if (m.view === v.number && m.seq <= v.seq) return;
  let count = 0;
  for (const c of v.lastVotedProposalByID.values()) {
    if (c.digest === m.digest && c.seq === m.seq && c.view === m.view) count++;
  }
  if (count < s.f + 1) return;
  // Stryker disable next-line ConditionalExpression: a shortcut; io.log prints nothing when logs are off
  if (io.logging) io.log('seenVotes', count, m.digest, m.view, m.seq, v.number, v.seq);
  v.lastVotedProposalByID.clear();
  stopView(s, io);
  // v.Sync.Sync(): the in-flight view's Sync is the ViewChanger's (it abandons the proposal).
  viewSync(s, io);
}
