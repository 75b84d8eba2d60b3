/**
 * View rules (internal/bft/view.go), one consenter fed one message at a time: Abort stops
 * the view, commits count only when signed by their sender, and f+1 commits for a later
 * sequence make a node sync (discoverIfSyncNeeded).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { sign } from '../../../src/sim/consensus/crypto.ts';
import type { Commit, PrePrepare } from '../../../src/sim/smartbft/messages.ts';
import { logs, OneConsenter, sends } from './one.ts';

/** The PrePrepare leader 1 of 4 broadcasts for one request. */
function prePrepare(): PrePrepare {
  const leader = new OneConsenter(1, 4);
  leader.step({ kind: 'command', command: { type: 'submit', request: { clientId: 'c', reqId: 'tx1', size: 100, payload: null } } });
  const pp = sends(leader.runUntil(1_000)).find((x) => x.msg.type === 'PrePrepare' && x.to === 2);
  expect(pp).toBeDefined();
  return pp!.msg as PrePrepare;
}

const commit = (pp: PrePrepare, signer: number): Commit => ({ type: 'Commit', view: pp.view, seq: pp.seq, digest: pp.proposal.digest, signature: sign(signer, pp.proposal.digest), assist: false });

describe('View (view.go)', () => {
  // Built in each test, not when the file is collected (see controller-sync.test.ts).
  let pp: PrePrepare;
  beforeEach(() => {
    pp = prePrepare();
  });

  it('Abort (stopView): once a view change aborts the view, its PrePrepare is not prepared', () => {
    const fresh = new OneConsenter(2, 4);
    expect(sends(fresh.receive(1, pp)).filter((x) => x.msg.type === 'Prepare')).toHaveLength(3);
    const node = new OneConsenter(2, 4);
    node.receive(3, { type: 'ViewChange', nextView: 1, reason: 'test' });
    node.receive(4, { type: 'ViewChange', nextView: 1, reason: 'test' });
    expect(node.state.view.stopped).toBe(true);
    expect(sends(node.receive(1, pp)).filter((x) => x.msg.type === 'Prepare')).toEqual([]);
  });

  it('processCommits: a Commit counts only if its signature is its sender\'s (n=4)', () => {
    const node = new OneConsenter(2, 4);
    node.receive(1, pp);
    node.receive(1, { type: 'Prepare', view: pp.view, seq: pp.seq, digest: pp.proposal.digest, assist: false });
    node.receive(3, { type: 'Prepare', view: pp.view, seq: pp.seq, digest: pp.proposal.digest, assist: false });
    expect(node.state.view.myCommit).toBeDefined();
    node.receive(3, commit(pp, 3));
    // Node 4 relays node 3's signature: not a vote of node 4.
    node.receive(4, commit(pp, 3));
    expect(node.ledger()).toEqual([]);
    const out = node.receive(1, commit(pp, 1));
    expect(node.ledger().map((d) => d.seq)).toEqual([1]);
    expect(logs(out).find((l) => l.kind === 'collectedCommits')?.args).toEqual([2, 2, '[3 1]']);
  });

  it('discoverIfSyncNeeded: f+1 commits for the same later sequence make a node sync, fewer do not (n=4, f=1)', () => {
    const node = new OneConsenter(2, 4);
    const later: Commit = { type: 'Commit', view: 0, seq: 5, digest: 'later', signature: sign(3, 'later'), assist: false };
    const one = node.receive(3, later);
    expect(logs(one).map((l) => l.kind)).toEqual(['wrongSeq']);
    const two = node.receive(4, { ...later, signature: sign(4, 'later') });
    expect(logs(two).map((l) => l.kind)).toEqual(['wrongSeq', 'seenVotes', 'bftSyncInitiated']);
    expect(logs(two)[1]!.args).toEqual([2, 'later', 0, 5, 0, 1]);
  });
});
