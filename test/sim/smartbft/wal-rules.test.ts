/**
 * PersistedState per-rule tests (SmartBFT v1.0.1 internal/bft/state.go; consensus.go
 * setViewAndSeq): one consenter started from a given ledger and WAL, asserting the log lines
 * Go prints while restoring, the view it starts, and the vote it re-sends.
 */
import { describe, expect, it } from 'vitest';
import { blockHeader } from '../../../src/sim/consensus/app.ts';
import { withDigest } from '../../../src/sim/consensus/crypto.ts';
import type { Decision, ViewMetadata } from '../../../src/sim/smartbft/api.ts';
import type { PrePrepare, Prepare, SavedMessage } from '../../../src/sim/smartbft/messages.ts';
import { PHASE } from '../../../src/sim/smartbft/state.ts';
import { commitOf, logs, OneConsenter, sends } from './one.ts';

/** The PrePrepare of leader 1 for `seq` in `view`, `decisions` decisions into the view. */
function prePrepareAt(seq: number, view = 0, decisions = seq - 1): PrePrepare {
  const metadata: ViewMetadata = { viewId: view, latestSequence: seq, decisionsInView: decisions };
  const payload = [{ clientId: 'c', reqId: `tx${seq}`, size: 100, payload: null }];
  const proposal = withDigest({ header: blockHeader(seq, '', payload), payload, metadata, digest: '' });
  return { type: 'PrePrepare', view, seq, proposal };
}
const decided = (pp: PrePrepare): Decision => ({ seq: pp.seq, proposal: pp.proposal, signatures: [] });
const prepareOf = (pp: PrePrepare): Prepare => ({ type: 'Prepare', view: pp.view, seq: pp.seq, digest: pp.proposal.digest, assist: false });
const proposed = (pp: PrePrepare): SavedMessage => ({ type: 'ProposedRecord', prePrepare: pp, prepare: prepareOf(pp) });
const committed = (pp: PrePrepare): SavedMessage => ({ type: 'Commit', commit: commitOf(pp, 3) });

/** Node 3 of 4 started from `ledger` and `wal`: its state-restoring log lines (kind and arguments) in order, and the view it started. */
function start(ledger: readonly Decision[], wal: readonly SavedMessage[]) {
  const node = new OneConsenter(3, 4, { ledger, wal });
  const restoreKinds = /^(nothingToRestore|walContains|restored|safelyCommitted|lastIs|restoreLastIs)/;
  const lines = logs(node.effects)
    .filter((l) => restoreKinds.test(l.kind))
    .map((l) => [l.kind, ...l.args].join(' '));
  const startView = logs(node.effects).find((l) => l.kind === 'startView')?.args;
  return { node, lines, startView, sent: sends(node.effects).map((x) => `${x.msg.type}->${x.to}`) };
}

const p1 = prePrepareAt(1);
const p2 = prePrepareAt(2);

describe('PersistedState.Restore (state.go) and setViewAndSeq (consensus.go) on start', () => {
  it('an empty WAL: "Nothing to restore" from LoadViewChangeIfApplicable, LoadNewViewIfApplicable and Restore, in that order', () => {
    const { lines, startView, node } = start([], []);
    expect(lines).toEqual(['nothingToRestoreViewChange', 'nothingToRestoreNewView', 'nothingToRestore']);
    expect(startView).toEqual([0, 1, 0]);
    expect(node.state.view.phase).toBe(PHASE.COMMITTED);
  });

  it('recoverProposed: a ProposedRecord for the next sequence restores PROPOSED and re-sends its Prepare ("Restored proposal with sequence 2")', () => {
    const { lines, startView, node, sent } = start([decided(p1)], [proposed(p2)]);
    expect(lines).toEqual(['walContains 1', 'restoredProposal 2']);
    expect(startView).toEqual([0, 2, 1]);
    expect(node.state.view.phase).toBe(PHASE.PROPOSED);
    expect(node.state.view.proposal?.digest).toBe(p2.proposal.digest);
    expect(node.state.inFlight).toEqual({ proposal: p2.proposal, prepared: false });
    expect(sent).toEqual(['Prepare->1', 'Prepare->2', 'Prepare->4']);
  });

  it('recoverProposed: a ProposedRecord already in the ledger is restored all the same ("Restored proposal with sequence 2"): in flight, not prepared, the view PROPOSED on it at the ledger\'s next sequence, its Prepare re-sent (util.go NewProposer raises only the sequence)', () => {
    const { lines, startView, node, sent } = start([decided(p1), decided(p2)], [proposed(p2)]);
    expect(lines).toEqual(['walContains 1', 'restoredProposal 2']);
    expect(startView).toEqual([0, 3, 2]);
    expect(node.state.view).toMatchObject({ phase: PHASE.PROPOSED, seq: 3, decisionsInView: 2 });
    expect(node.state.view.proposal?.digest).toBe(p2.proposal.digest);
    expect(node.state.inFlight).toEqual({ proposal: p2.proposal, prepared: false });
    expect(sends(node.effects).map((x) => x.msg)).toEqual([prepareOf(p2), prepareOf(p2), prepareOf(p2)]);
    expect(sent).toEqual(['Prepare->1', 'Prepare->2', 'Prepare->4']);
  });
  it('recoverPrepared: a Commit after the ProposedRecord of the next sequence restores PREPARED and re-sends the Commit ("Restored proposal with sequence 2")', () => {
    const { lines, startView, node, sent } = start([decided(p1)], [proposed(p2), committed(p2)]);
    expect(lines).toEqual(['walContains 2', 'restoredPrepared 2']);
    expect(startView).toEqual([0, 2, 1]);
    expect(node.state.view.phase).toBe(PHASE.PREPARED);
    expect(node.state.view.myCommit).toEqual(commitOf(p2, 3));
    expect(node.state.inFlight).toEqual({ proposal: p2.proposal, prepared: true });
    expect(sent).toEqual(['Commit->1', 'Commit->2', 'Commit->4']);
  });

  it('recoverPrepared: a Commit already in the ledger: "Last proposal with sequence 3 has been safely committed" (the next sequence, as Go prints it)', () => {
    const { lines, node, sent } = start([decided(p1), decided(p2)], [proposed(p2), committed(p2)]);
    expect(lines).toEqual(['walContains 2', 'safelyCommitted 3']);
    expect(node.state.view.phase).toBe(PHASE.COMMITTED);
    expect(sent).toEqual([]);
  });

  it('recoverPrepared: a WAL ahead of the ledger is an error ("last proposal sequence persisted into WAL is 2 which is greater than last committed sequence is 1")', () => {
    expect(() => start([], [proposed(p2), committed(p2)])).toThrow('last proposal sequence persisted into WAL is 2 which is greater than last committed sequence is 1');
  });

  it('recoverPrepared: a Commit without its ProposedRecord before it is an error, as Go\'s Restore returns one and util.go panics', () => {
    expect(() => start([decided(p1)], [committed(p2)])).toThrow('last message is a commit, but expected to also have a matching pre-prepare');
    const nv: SavedMessage = { type: 'NewView', viewId: 1, latestSequence: 1, decisionsInView: 0 };
    expect(() => start([decided(p1)], [nv, committed(p2)])).toThrow('expected second last message to be a pre-prepare, but got a NewView record instead');
  });

  it('a NewView record last: "last entry in WAL is a newView record" from LoadNewViewIfApplicable, then again from Restore; the view starts at its view and sequence with 0 decisions', () => {
    const nv: SavedMessage = { type: 'NewView', viewId: 2, latestSequence: 1, decisionsInView: 0 };
    const { lines, startView } = start([decided(p1)], [proposed(p1), committed(p1), nv]);
    expect(lines).toEqual(['lastIsNewView', 'walContains 3', 'restoreLastIsNewView']);
    expect(startView).toEqual([2, 2, 0]);
  });

  it('a NewView record behind the ledger (LatestSequence below its last sequence) is logged but not used: the ledger\'s view, sequence and decisions', () => {
    const nv: SavedMessage = { type: 'NewView', viewId: 2, latestSequence: 1, decisionsInView: 0 };
    const { lines, startView } = start([decided(p1), decided(p2)], [nv]);
    expect(lines).toEqual(['lastIsNewView', 'walContains 1', 'restoreLastIsNewView']);
    expect(startView).toEqual([0, 3, 2]);
    // At the ledger's sequence exactly, it is used (viewSeq.Seq >= seq).
    const at = start([decided(p1), decided(p2)], [{ type: 'NewView', viewId: 2, latestSequence: 2, decisionsInView: 0 }]);
    expect(at.startView).toEqual([2, 3, 0]);
  });

  it('a ViewChange record last: "last entry in WAL is a viewChange message" from LoadViewChangeIfApplicable, then again from Restore; the node starts in its NextView and re-joins the view change from there', () => {
    const { lines, node, sent, startView } = start([decided(p1)], [{ type: 'ViewChange', nextView: 1 }]);
    expect(lines).toEqual(['lastIsViewChange', 'walContains 1', 'restoreLastIsViewChange']);
    expect(startView).toEqual([1, 2, 1]);
    expect(node.state.vc.nextView).toBe(2);
    expect(sent).toEqual(['ViewChange->1', 'ViewChange->2', 'ViewChange->4']);
  });

  it('a ViewChange record for a view below the ledger\'s is not restored (NextView >= view)', () => {
    const ledger = [decided(prePrepareAt(1, 2, 0))];
    const { lines, node, sent, startView } = start(ledger, [{ type: 'ViewChange', nextView: 1 }]);
    expect(lines).toEqual(['lastIsViewChange', 'walContains 1', 'restoreLastIsViewChange']);
    expect(startView).toEqual([2, 2, 1]);
    expect(node.state.vc.nextView).toBe(2);
    expect(sent).toEqual([]);
    // For the ledger's own view it is.
    const same = start(ledger, [{ type: 'ViewChange', nextView: 2 }]);
    expect(same.node.state.vc.nextView).toBe(3);
    expect(same.sent.filter((x) => x.startsWith('ViewChange'))).toEqual(['ViewChange->1', 'ViewChange->2', 'ViewChange->4']);
  });
});

/** Leader 1's PrePrepare for `seq` that chains to `prev` (the default application's VerifyProposal checks the header). */
function chainedAt(seq: number, prev: PrePrepare, view = 0, decisions = seq - 1): PrePrepare {
  const metadata: ViewMetadata = { viewId: view, latestSequence: seq, decisionsInView: decisions };
  const payload = [{ clientId: 'c', reqId: `tx${seq}`, size: 100, payload: null }];
  const proposal = withDigest({ header: blockHeader(seq, prev.proposal.digest, payload), payload, metadata, digest: '' });
  return { type: 'PrePrepare', view, seq, proposal };
}

describe('recoverProposed (state.go) with NewProposer (util.go): a first view PROPOSED on a proposal already in the ledger', () => {
  it('View.doPhase (view.go): it waits in processPrepares for the old digest, so the next PrePrepare gets no Prepare and no WAL record, and the sequence\'s prepares no Commit', () => {
    const p3 = chainedAt(3, p2);
    const node = new OneConsenter(3, 4, { ledger: [decided(p1), decided(p2)], wal: [proposed(p2)] });
    // A follower in COMMITTED at sequence 3 would prepare this PrePrepare (checked: a node started without the record does).
    const fresh = new OneConsenter(3, 4, { ledger: [decided(p1), decided(p2)], wal: [] });
    expect(sends(fresh.receive(1, p3)).map((x) => x.msg.type)).toEqual(['Prepare', 'Prepare', 'Prepare']);
    const walBefore = node.wal().length;
    expect(sends(node.receive(1, p3))).toEqual([]);
    expect(node.wal()).toHaveLength(walBefore);
    expect(node.state.view.phase).toBe(PHASE.PROPOSED);
    for (const from of [1, 2, 4]) expect(sends(node.receive(from, prepareOf(p3)))).toEqual([]);
    for (const from of [1, 2, 4]) expect(sends(node.receive(from, commitOf(p3, from)))).toEqual([]);
    expect(node.ledger().map((d) => d.seq)).toEqual([1, 2]);
  });

  it('Controller.startView (controller.go): a leader restarted so does not acquire the leader token ("Not acquiring leader token when starting view with phase PROPOSED"): a request is not proposed', () => {
    const node = new OneConsenter(1, 4, { ledger: [decided(p1), decided(p2)], wal: [proposed(p2)] });
    expect(node.state.view.phase).toBe(PHASE.PROPOSED);
    expect(node.state.leaderToken).toBe(false);
    node.step({ kind: 'command', command: { type: 'submit', request: { clientId: 'c', reqId: 'tx3', size: 100, payload: null } } });
    expect(sends(node.runUntil(3_000)).filter((x) => x.msg.type === 'PrePrepare')).toEqual([]);
    // Started without the record, it proposes the request.
    const fresh = new OneConsenter(1, 4, { ledger: [decided(p1), decided(p2)], wal: [] });
    fresh.step({ kind: 'command', command: { type: 'submit', request: { clientId: 'c', reqId: 'tx3', size: 100, payload: null } } });
    expect(sends(fresh.runUntil(3_000)).filter((x) => x.msg.type === 'PrePrepare')).toHaveLength(3);
  });

  it('discoverIfSyncNeeded (view.go) still applies: f+1 commits for a sequence two ahead stop the view and start a sync', () => {
    const node = new OneConsenter(3, 4, { ledger: [decided(p1), decided(p2)], wal: [proposed(p2)] });
    const later = prePrepareAt(5);
    node.receive(1, commitOf(later, 1));
    const out = node.receive(2, commitOf(later, 2));
    expect(logs(out).map((l) => l.kind)).toEqual(['wrongSeq', 'seenVotes', 'bftSyncInitiated']);
    expect(node.state.view.stopped).toBe(true);
  });
});
