/**
 * PersistedState: the write-ahead log (internal/bft/state.go over pkg/wal) in the node's
 * durable store under key `wal`. A ProposedRecord truncates everything before it, so the
 * WAL holds at most the current sequence's [ProposedRecord, Commit?] plus later
 * ViewChange / NewView records. `restoreWal` is what `Start`/`setViewAndSeq`,
 * `LoadViewChangeIfApplicable`, `LoadNewViewIfApplicable` and `Restore` do on start.
 */
import type { Decision } from './api.ts';
import type { Io } from './io.ts';
import type { Commit, PrePrepare, Prepare, SavedMessage } from './messages.ts';
import type { ConsenterState } from './state.ts';

export const WAL_KEY = 'wal';
export const LEDGER_KEY = 'ledger';

export function saveProposed(_s: ConsenterState, io: Io, prePrepare: PrePrepare, prepare: Prepare): void {
  io.persistTruncate(WAL_KEY, 0);
  io.persistAppend(WAL_KEY, { type: 'ProposedRecord', prePrepare, prepare } satisfies SavedMessage);
}

export function saveCommit(_s: ConsenterState, io: Io, commit: Commit): void {
  io.persistAppend(WAL_KEY, { type: 'Commit', commit } satisfies SavedMessage);
}

export function saveViewChange(_s: ConsenterState, io: Io, nextView: number): void {
  io.persistAppend(WAL_KEY, { type: 'ViewChange', nextView } satisfies SavedMessage);
}

export function saveNewView(_s: ConsenterState, io: Io, viewId: number, latestSequence: number, decisionsInView: number): void {
  io.persistAppend(WAL_KEY, { type: 'NewView', viewId, latestSequence, decisionsInView } satisfies SavedMessage);
}

/** Where a restarted node resumes, from its ledger and WAL. */
export interface StartPoint {
  view: number;
  /** The last decided sequence (the view starts at seq + 1). */
  seq: number;
  decisions: number;
  /** The WAL's last record was a ViewChange: re-run the view-change join. */
  restoreViewChange: boolean;
}

/** consensus.go setViewAndSeq + LoadViewChangeIfApplicable + LoadNewViewIfApplicable. */
export function startPoint(io: Io, ledger: readonly Decision[], wal: readonly SavedMessage[]): StartPoint {
  const last = ledger[ledger.length - 1];
  const md = last?.proposal.metadata;
  const p: StartPoint = {
    view: md?.viewId ?? 0,
    seq: last?.seq ?? 0,
    decisions: md === undefined ? 0 : md.decisionsInView + 1,
    restoreViewChange: false,
  };
  const tail = wal[wal.length - 1];
  if (tail === undefined) io.log('nothingToRestoreViewChange');
  else if (tail.type === 'ViewChange') {
    io.log('lastIsViewChange');
    if (tail.nextView >= p.view) {
      p.view = tail.nextView;
      p.restoreViewChange = true;
    }
  }
  if (tail === undefined) io.log('nothingToRestoreNewView');
  else if (tail.type === 'NewView') {
    io.log('lastIsNewView');
    if (tail.latestSequence >= p.seq) {
      p.view = tail.viewId;
      p.seq = tail.latestSequence;
      p.decisions = 0;
    }
  }
  return p;
}

/** What PersistedState.Restore gives the first view: a proposal to resume, maybe prepared. */
export type Restored =
  | { readonly phase: 'none' }
  | { readonly phase: 'proposed'; readonly prePrepare: PrePrepare; readonly prepare: Prepare }
  | { readonly phase: 'prepared'; readonly prePrepare: PrePrepare; readonly prepare: Prepare; readonly commit: Commit };

/**
 * PersistedState.Restore(view): `nextSeq` is the view's ProposalSequence. Go returns an
 * error where this throws, and its caller (util.go, the ProposalMaker's restore) panics
 * with "Failed restoring view from WAL": WALs no run of the model writes.
 */
export function restoreView(io: Io, wal: readonly SavedMessage[], nextSeq: number): Restored {
  if (wal.length === 0) {
    io.log('nothingToRestore');
    return { phase: 'none' };
  }
  io.log('walContains', wal.length);
  const tail = wal[wal.length - 1] as SavedMessage;
  switch (tail.type) {
    case 'ProposedRecord':
      // recoverProposed (state.go:155-182) restores the record whatever its sequence. One
      // already in the ledger (its block came by sync after the PrePrepare was written)
      // leaves the first view PROPOSED on that old proposal at the ledger's next sequence:
      // NewProposer (util.go:312-320) raises only the view's sequence, number and decisions.
      // Such a view waits for prepares no one sends, takes no PrePrepare, and a leader
      // gets no leader token, until a sync or a view change replaces it.
      // A record ahead of the next sequence cannot be written (a node records a PrePrepare
      // only for the sequence after its ledger's last block); Go would start its view there.
      // Stryker disable next-line ConditionalExpression,EqualityOperator: unreachable, see above
      if (tail.prePrepare.seq > nextSeq) return { phase: 'none' };
      io.log('restoredProposal', tail.prePrepare.seq);
      return { phase: 'proposed', prePrepare: tail.prePrepare, prepare: tail.prepare };
    case 'Commit':
      return recoverPrepared(io, wal, tail.commit, nextSeq);
    case 'NewView':
      io.log('restoreLastIsNewView');
      return { phase: 'none' };
    case 'ViewChange':
      io.log('restoreLastIsViewChange');
      return { phase: 'none' };
  }
}

/** state.go recoverPrepared: the last record is a Commit, so the one before is its ProposedRecord. */
function recoverPrepared(io: Io, wal: readonly SavedMessage[], commit: Commit, nextSeq: number): Restored {
  const proposed = wal[wal.length - 2];
  if (proposed === undefined) throw new Error('Failed restoring view from WAL: last message is a commit, but expected to also have a matching pre-prepare');
  if (proposed.type !== 'ProposedRecord') throw new Error(`Failed restoring view from WAL: expected second last message to be a pre-prepare, but got a ${proposed.type} record instead`);
  const walSeq = proposed.prePrepare.seq;
  if (nextSeq > walSeq) {
    // The %d is the NEXT sequence (v.ProposalSequence), as state.go logs it.
    io.log('safelyCommitted', nextSeq);
    return { phase: 'none' };
  }
  if (nextSeq < walSeq) throw new Error(`Failed restoring view from WAL: last proposal sequence persisted into WAL is ${walSeq} which is greater than last committed sequence is ${nextSeq}`);
  io.log('restoredPrepared', walSeq);
  return { phase: 'prepared', prePrepare: proposed.prePrepare, prepare: proposed.prepare, commit };
}
