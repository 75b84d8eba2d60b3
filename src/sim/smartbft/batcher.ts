/**
 * Batcher (internal/bft/batcher.go `BatchBuilder.NextBatch`) and the leader side of
 * Controller.propose. A batch is full at RequestBatchMaxCount requests or
 * RequestBatchMaxBytes bytes and is proposed at once; otherwise a RequestBatchMaxInterval
 * timer, started when NextBatch is called, proposes what the pool holds. An empty pool
 * makes the Go leader loop on that timer; we skip the empty rounds and wake at the same
 * round boundary when the first request arrives.
 */
import type { Io } from './io.ts';
import type { ConsenterState } from './state.ts';
import { PHASE } from './state.ts';
import { nextRequests } from './requestpool.ts';
import { propose } from './view.ts';
import { censoredClient, slowLeaderDelayMs } from './byzantine.ts';
import { withDigest } from '../consensus/crypto.ts';

const TIMER = 'batch';

function canPropose(s: ConsenterState): boolean {
  const v = s.view;
  return s.leaderToken && !v.stopped && !v.inFlightOnly && v.leaderId === s.id && v.phase === PHASE.COMMITTED && v.proposal === undefined;
}

function full(s: ConsenterState): boolean {
  const censored = censoredClient(s);
  if (censored === undefined) return s.poolSize >= s.config.RequestBatchMaxCount || s.poolBytes >= s.config.RequestBatchMaxBytes;
  return nextRequests(s, s.config.RequestBatchMaxCount, s.config.RequestBatchMaxBytes, censored).length >= s.config.RequestBatchMaxCount;
}

/** The leader holds the token: NextBatch. */
export function nextBatch(s: ConsenterState, io: Io): void {
  if (!canPropose(s)) return;
  const slow = slowLeaderDelayMs(s);
  if (slow > 0) {
    s.batch.armed = true;
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
  s.batch.idle = false;
  s.batch.startedAt = io.now;
  io.setTimer(TIMER, s.config.RequestBatchMaxInterval);
}

/** The batch timer fired. */
export function onBatchTimer(s: ConsenterState, io: Io): void {
  s.batch.armed = false;
  if (!canPropose(s)) return;
  const slow = slowLeaderDelayMs(s);
  if (slow > 0 && io.now - s.batch.startedAt < slow) {
    s.batch.armed = true;
    io.setTimer(TIMER, s.batch.startedAt + slow - io.now);
    return;
  }
  const censored = censoredClient(s);
  if (nextRequests(s, 1, s.config.RequestBatchMaxBytes, censored).length > 0) {
    proposeBatch(s, io);
    return;
  }
  // Empty round: Go loops NextBatch every interval; wait for a request instead.
  s.batch.idle = true;
}

/** Pool.Submit signalled `submittedChan`. */
export function onRequestSubmitted(s: ConsenterState, io: Io): void {
  if (!canPropose(s)) return;
  if (s.batch.armed) {
    if (slowLeaderDelayMs(s) === 0 && full(s)) proposeBatch(s, io);
    return;
  }
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
  s.batch.idle = false;
  s.batch.armed = true;
  s.batch.startedAt = at - interval;
  io.setTimer(TIMER, at - io.now);
}

function proposeBatch(s: ConsenterState, io: Io): void {
  if (s.batch.armed) io.cancelTimer(TIMER);
  s.batch.armed = false;
  s.batch.idle = false;
  const requests = nextRequests(s, s.config.RequestBatchMaxCount, s.config.RequestBatchMaxBytes, censoredClient(s));
  if (requests.length === 0) {
    s.batch.idle = true;
    return;
  }
  const v = s.view;
  s.leaderToken = false;
  const assembled = s.app.assemble(requests, { viewId: v.number, latestSequence: v.seq, decisionsInView: v.decisionsInView }, s.ledger[s.ledger.length - 1]);
  propose(s, io, withDigest(assembled));
}
