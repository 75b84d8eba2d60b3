/**
 * Batcher (internal/bft/batcher.go `BatchBuilder.NextBatch`) and the leader side of
 * Controller.propose. A batch is full at RequestBatchMaxCount requests or
 * RequestBatchMaxBytes bytes and is proposed at once; otherwise a RequestBatchMaxInterval
 * timer, started when NextBatch is called, proposes what the pool holds. An empty pool
 * makes the Go leader loop on that timer; we skip the empty rounds and wake at the same
 * round boundary when the first request arrives.
 */
import type { Io } from './io.ts';
import type { ConsenterState, PoolEntry } from './state.ts';
import { PHASE } from './state.ts';
import { nextRequests } from './requestpool.ts';
import { propose } from './view.ts';
import { censoredClient, slowLeaderDelayMs } from './byzantine.ts';
import { withDigest } from '../consensus/crypto.ts';

const TIMER = 'batch';

// IDLE: `idle` is read only when no batch timer is armed; every path that clears `armed`
// either sets `idle` (an empty round), proposes, re-arms, or stops the view (the token is
// cleared, and the next nextBatch sets `idle` again). So the writes of `idle = false` next
// to an arming, or before a proposal, are marked equivalent.

/**
 * The token is set only when this node starts leading a running view in COMMITTED with no
 * proposal (controller.ts changeView, decideInView) and cleared by stopView and proposeBatch,
 * so the token and the view's parts imply each other; both are checked as a guard of that.
 */
function canPropose(s: ConsenterState): boolean {
  const v = s.view;
  // Stryker disable next-line ConditionalExpression,LogicalOperator: each part is implied by the others (the token's invariant above), so one part changed alone changes nothing
  return s.leaderToken && !s.batch.closed && !v.stopped && !v.inFlightOnly && v.leaderId === s.id && v.phase === PHASE.COMMITTED && v.proposal === undefined;
}

function full(s: ConsenterState): boolean {
  const censored = censoredClient(s);
  if (censored === undefined) return s.pool.size >= s.config.RequestBatchMaxCount || s.pool.bytes >= s.config.RequestBatchMaxBytes;
  return nextRequests(s, s.config.RequestBatchMaxCount, s.config.RequestBatchMaxBytes, censored).length >= s.config.RequestBatchMaxCount;
}

/**
 * Batcher.Close (batcher.go): a NextBatch round under way ends with nothing and propose()
 * returns without taking the token again, so nothing is proposed until Reset. canPropose
 * checks `closed`, so a batch timer still pending fires into nothing.
 */
export function closeBatcher(s: ConsenterState): void {
  s.batch.closed = true;
}

/** The leader holds the token: NextBatch. */
export function nextBatch(s: ConsenterState, io: Io): void {
  // Stryker disable next-line ConditionalExpression: both callers set the token just before, for a view they lead in COMMITTED
  if (!canPropose(s)) return;
  const slow = slowLeaderDelayMs(s);
  if (slow > 0) {
    s.batch.armed = true;
    // Stryker disable next-line BooleanLiteral: `idle` is read only when not armed, and every path that clears `armed` sets `idle` or clears the token (see IDLE below)
    s.batch.idle = false;
    s.batch.startedAt = io.now;
    io.setTimer(TIMER, slow);
    return;
  }
  if (full(s)) {
    proposeBatch(s, io);
    return;
  }
  s.batch.armed = true;
  // Stryker disable next-line BooleanLiteral: IDLE
  s.batch.idle = false;
  s.batch.startedAt = io.now;
  io.setTimer(TIMER, s.config.RequestBatchMaxInterval);
}

/** The batch timer fired. */
export function onBatchTimer(s: ConsenterState, io: Io): void {
  // Stryker disable next-line BooleanLiteral: both paths on write it again (the re-arm sets it, proposeBatch clears it after cancelling the fired timer, a no-op)
  s.batch.armed = false;
  // Stryker disable next-line ConditionalExpression: the timer is cancelled by stopView and proposeBatch, the only places the token is cleared, so it fires only while the token is held
  if (!canPropose(s)) return;
  const slow = slowLeaderDelayMs(s);
  // Stryker disable next-line ConditionalExpression,EqualityOperator: `slow > 0` as `true` or `>= 0`: with slow 0 the second part is false anyway, as a round never starts after now
  if (slow > 0 && io.now - s.batch.startedAt < slow) {
    s.batch.armed = true;
    io.setTimer(TIMER, s.batch.startedAt + slow - io.now);
    return;
  }
  proposeBatch(s, io);
}

/** Pool.Submit signalled `submittedChan`. */
export function onRequestSubmitted(s: ConsenterState, io: Io): void {
  // Stryker disable next-line ConditionalExpression: past it, only a leader that is idle proposes (`idle` is left set by stopView), and what it would propose in a view it no longer runs is dropped by View.processMsg (a stopped view, another leader, or the in-flight view's PREPARED phase); the next nextBatch resets `idle`
  if (!canPropose(s)) return;
  if (s.batch.armed) {
    if (slowLeaderDelayMs(s) === 0 && full(s)) proposeBatch(s, io);
    return;
  }
  // Stryker disable next-line ConditionalExpression: with the token held and no timer armed the leader is idle (IDLE)
  if (!s.batch.idle) return;
  if (slowLeaderDelayMs(s) > 0) {
    nextBatch(s, io);
    return;
  }
  // Go's leader is inside one of its NextBatch rounds, which returns at once when a
  // submission fills the batch (batcher.go, the submittedChan case).
  if (full(s)) {
    proposeBatch(s, io);
    return;
  }
  // Wake at the next boundary of the leader's NextBatch rounds.
  const interval = s.config.RequestBatchMaxInterval;
  const rounds = Math.floor((io.now - s.batch.startedAt) / interval) + 1;
  const at = s.batch.startedAt + rounds * interval;
  // Stryker disable next-line BooleanLiteral: IDLE
  s.batch.idle = false;
  s.batch.armed = true;
  s.batch.startedAt = at - interval;
  io.setTimer(TIMER, at - io.now);
}

/**
 * Propose what the pool holds, or, in an empty round (nothing, or only a censored client's
 * requests), idle: Go loops NextBatch every interval; the model waits for a request instead.
 */
function proposeBatch(s: ConsenterState, io: Io): void {
  // Stryker disable next-line ConditionalExpression,BooleanLiteral: cancelling a batch timer that is not pending is a no-op in the kernel; `armed` left true after a proposal is rewritten by the next nextBatch before it is read (the token is cleared below until then)
  if (s.batch.armed) io.cancelTimer(TIMER);
  // Stryker disable next-line BooleanLiteral: the same
  s.batch.armed = false;
  // Stryker disable next-line BooleanLiteral: IDLE
  s.batch.idle = false;
  const entries: PoolEntry[] = [];
  const requests = nextRequests(s, s.config.RequestBatchMaxCount, s.config.RequestBatchMaxBytes, censoredClient(s), entries);
  if (requests.length === 0) {
    s.batch.idle = true;
    return;
  }
  s.pool.lastBatch = { requests, entries };
  const v = s.view;
  // Stryker disable next-line BooleanLiteral: the view's proposal, set by propose just below, keeps canPropose false until the decision, which sets the token again
  s.leaderToken = false;
  const assembled = s.app.assemble(requests, { viewId: v.number, latestSequence: v.seq, decisionsInView: v.decisionsInView }, s.ledger[s.ledger.length - 1]);
  propose(s, io, withDigest(assembled));
}
