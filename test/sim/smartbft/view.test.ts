/**
 * View rules (internal/bft/view.go), one consenter fed one message at a time: Abort stops
 * the view, commits count only when signed by their sender, and f+1 commits for a later
 * sequence make a node sync (discoverIfSyncNeeded).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { sign, withDigest } from '../../../src/sim/consensus/crypto.ts';
import type { Request, ViewMetadata } from '../../../src/sim/smartbft/api.ts';
import { blockHeader } from '../../../src/sim/consensus/app.ts';
import { describeMessage, type Commit, type PrePrepare, type Prepare, type ViewDataMsg } from '../../../src/sim/smartbft/messages.ts';
import { commitOf, leaderPrePrepare, logs, OneConsenter, sends } from './one.ts';



describe('View (view.go)', () => {
  // Built in each test, not when the file is collected (see controller-sync.test.ts).
  let pp: PrePrepare;
  beforeEach(() => {
    pp = leaderPrePrepare();
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
    node.receive(3, commitOf(pp, 3));
    // Node 4 relays node 3's signature: not a vote of node 4.
    node.receive(4, commitOf(pp, 3));
    expect(node.ledger()).toEqual([]);
    const out = node.receive(1, commitOf(pp, 1));
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

// ---------------------------------------------------------------------------------------
// Per-rule tests of internal/bft/view.go (SmartBFT v1.0.1), in the style of its
// view_test.go: node 2 of 4 (leader 1, f=1, Q=3) is fed hand-made messages one at a time
// and the test reads what it sent, logged, wrote to its WAL and decided.

const request = (reqId: string, size = 100): Request => ({ clientId: 'c', reqId, size, payload: null });

/** A PrePrepare from leader 1 for `seq` in `view`, its metadata as a correct leader fills it. */
function proposalAt(seq: number, opts: { view?: number; md?: Partial<ViewMetadata>; payload?: Request[]; prev?: PrePrepare } = {}): PrePrepare {
  const view = opts.view ?? 0;
  const metadata: ViewMetadata = { viewId: view, latestSequence: seq, decisionsInView: seq - 1, ...opts.md };
  const payload = opts.payload ?? [request(`tx${seq}`)];
  const header = blockHeader(seq, opts.prev?.proposal.digest ?? '', payload);
  const proposal = withDigest({ header, payload, metadata, digest: '' });
  return { type: 'PrePrepare', view, seq, proposal };
}
const prepareOf = (p: PrePrepare, digest = p.proposal.digest): Prepare => ({ type: 'Prepare', view: p.view, seq: p.seq, digest, assist: false });
const sent = (effects: ReturnType<OneConsenter['receive']>): string[] => sends(effects).map((x) => `${describeMessage(x.msg)}->${x.to}`);
const kinds = (effects: ReturnType<OneConsenter['receive']>): string[] => logs(effects).map((l) => l.kind);

/** Node 2 of 4 decides `p` with votes from 1 and 3. */
function decideOn(node: OneConsenter, p: PrePrepare): void {
  node.receive(1, p);
  node.receive(1, prepareOf(p));
  node.receive(3, prepareOf(p));
  node.receive(1, commitOf(p, 1));
  node.receive(3, commitOf(p, 3));
  expect(node.ledger().at(-1)?.seq).toBe(p.seq);
}

describe('View.processMsg (view.go), node 2 of 4', () => {
  it('a message of a higher view from the leader: Complain(view, false), Sync, and the view stops', () => {
    const node = new OneConsenter(2, 4);
    const out = node.receive(1, { ...prepareOf(proposalAt(1)), view: 1 });
    expect(kinds(out)).toContain('wrongView');
    expect(kinds(out)).toContain('bftSyncInitiated');
    expect(sent(out).filter((x) => x.startsWith('ViewChange'))).toEqual(['ViewChange nv1->1', 'ViewChange nv1->3', 'ViewChange nv1->4']);
    expect(node.state.view.stopped).toBe(true);
    expect(sent(node.receive(1, proposalAt(1)))).toEqual([]);
  });

  it('a message of a lower view from the leader: Complain(view, false) and stop, but no Sync', () => {
    // Node 3 restarts in view 1 (leader 2) from a NewView WAL record.
    const node = new OneConsenter(3, 4, { wal: [{ type: 'NewView', viewId: 1, latestSequence: 0, decisionsInView: 0 }] });
    expect(node.state.view.number).toBe(1);
    const out = node.receive(2, prepareOf(proposalAt(1)));
    expect(kinds(out)).toContain('wrongView');
    expect(kinds(out)).not.toContain('bftSyncInitiated');
    expect(sent(out).filter((x) => x.startsWith('ViewChange'))).toEqual(['ViewChange nv2->1', 'ViewChange nv2->2', 'ViewChange nv2->4']);
    expect(node.state.view.stopped).toBe(true);
  });

  it('a message of another view from a follower: no complaint, only discoverIfSyncNeeded', () => {
    const node = new OneConsenter(2, 4);
    const out = node.receive(3, { ...prepareOf(proposalAt(1)), view: 1 });
    expect(logs(out)).toEqual([{ kind: 'wrongView', args: [2, 'Prepare v1 s1', 3, 1, 0] }]);
    expect(sent(out)).toEqual([]);
    expect(node.state.view.stopped).toBe(false);
  });

  it('processPrePrepare: a PrePrepare from a node that is not the leader is dropped', () => {
    const node = new OneConsenter(2, 4);
    const p = proposalAt(1);
    expect(sent(node.receive(3, p))).toEqual([]);
    expect(sent(node.receive(1, p))).toEqual(['Prepare v0 s1->1', 'Prepare v0 s1->3', 'Prepare v0 s1->4']);
  });

  it('a second PrePrepare for the sequence in flight is dropped; votes still count for the first', () => {
    const node = new OneConsenter(2, 4);
    const p = proposalAt(1);
    const other = proposalAt(1, { payload: [request('other')] });
    node.receive(1, p);
    expect(sent(node.receive(1, other))).toEqual([]);
    node.receive(1, prepareOf(p));
    const out = node.receive(3, prepareOf(p));
    expect(sends(out).map((x) => x.msg)).toContainEqual(expect.objectContaining({ type: 'Commit', digest: p.proposal.digest }));
  });

  it('votes echoed from ourselves are not votes: Q-1 prepares from others are needed', () => {
    const node = new OneConsenter(2, 4);
    const p = proposalAt(1);
    node.receive(1, p);
    expect(sent(node.receive(2, prepareOf(p)))).toEqual([]);
    expect(sent(node.receive(3, prepareOf(p)))).toEqual([]);
    expect(sent(node.receive(4, prepareOf(p)))).toEqual(['Commit v0 s1->1', 'Commit v0 s1->3', 'Commit v0 s1->4']);
    node.receive(2, commitOf(p, 2));
    node.receive(3, commitOf(p, 3));
    expect(node.ledger()).toEqual([]);
    node.receive(4, commitOf(p, 4));
    expect(node.ledger().map((d) => d.signatures.map((x) => x.signer))).toEqual([[3, 4, 2]]);
  });

  it('a Prepare for another digest, or a second Prepare from the same sender, is not counted', () => {
    const node = new OneConsenter(2, 4);
    const p = proposalAt(1);
    node.receive(1, p);
    node.receive(3, prepareOf(p, 'another digest'));
    node.receive(4, prepareOf(p));
    expect(sent(node.receive(4, prepareOf(p)))).toEqual([]);
    expect(sent(node.receive(3, prepareOf(p)))).toEqual([]);
    expect(node.state.view.myCommit).toBeUndefined();
    expect(sent(node.receive(1, prepareOf(p)))).toEqual(['Commit v0 s1->1', 'Commit v0 s1->3', 'Commit v0 s1->4']);
  });

  it('a second Commit from the same sender is not counted', () => {
    const node = new OneConsenter(2, 4);
    const p = proposalAt(1);
    node.receive(1, p);
    node.receive(1, prepareOf(p));
    node.receive(3, prepareOf(p));
    node.receive(3, commitOf(p, 3));
    node.receive(3, commitOf(p, 3));
    expect(node.ledger()).toEqual([]);
    node.receive(4, commitOf(p, 4));
    expect(node.ledger().map((d) => d.seq)).toEqual([1]);
  });

  it('votes that arrive before the PrePrepare count once it is accepted: Prepare and Commit leave in one step', () => {
    const node = new OneConsenter(2, 4);
    const p = proposalAt(1);
    node.receive(3, prepareOf(p));
    node.receive(4, prepareOf(p));
    node.receive(3, commitOf(p, 3));
    node.receive(4, commitOf(p, 4));
    const out = node.receive(1, p);
    expect(sent(out)).toEqual(['Prepare v0 s1->1', 'Prepare v0 s1->3', 'Prepare v0 s1->4', 'Commit v0 s1->1', 'Commit v0 s1->3', 'Commit v0 s1->4']);
    expect(node.ledger().map((d) => d.signatures.map((x) => x.signer))).toEqual([[3, 4, 2]]);
  });

  it('commits that arrive before Q-1 prepares count once the node is prepared; only verified ones', () => {
    const node = new OneConsenter(2, 4);
    const p = proposalAt(1);
    node.receive(1, p);
    node.receive(3, commitOf(p, 3));
    node.receive(4, { ...commitOf(p, 4), signature: sign(3, p.proposal.digest) });
    node.receive(1, prepareOf(p));
    node.receive(3, prepareOf(p));
    expect(node.ledger()).toEqual([]);
    node.receive(1, commitOf(p, 1));
    expect(node.ledger().map((d) => d.signatures.map((x) => x.signer))).toEqual([[3, 1, 2]]);
  });

  it('a message for neither this, the next nor the previous sequence: "got message from 3 with sequence 3 but our sequence is 1"', () => {
    const node = new OneConsenter(2, 4);
    const out = node.receive(3, prepareOf(proposalAt(3)));
    expect(logs(out)).toEqual([{ kind: 'wrongSeq', args: [2, 3, 3, 1] }]);
    expect(sent(out)).toEqual([]);
  });

  it('the next sequence: its PrePrepare and votes wait, and are processed right after the decision', () => {
    const node = new OneConsenter(2, 4);
    const p1 = proposalAt(1);
    const p2 = proposalAt(2, { prev: p1 });
    node.receive(1, p1);
    expect(sent(node.receive(1, p2))).toEqual([]);
    // A second PrePrepare for the next sequence does not replace the first.
    node.receive(1, proposalAt(2, { prev: p1, payload: [request('other')] }));
    for (const id of [3, 4]) expect(sent(node.receive(id, prepareOf(p2)))).toEqual([]);
    for (const id of [3, 4]) expect(sent(node.receive(id, commitOf(p2, id)))).toEqual([]);
    node.receive(1, prepareOf(p1));
    node.receive(3, prepareOf(p1));
    node.receive(1, commitOf(p1, 1));
    const out = node.receive(3, commitOf(p1, 3));
    expect(sent(out)).toEqual(['Prepare v0 s2->1', 'Prepare v0 s2->3', 'Prepare v0 s2->4', 'Commit v0 s2->1', 'Commit v0 s2->3', 'Commit v0 s2->4']);
    expect(node.ledger().map((d) => [d.seq, d.proposal.digest])).toEqual([
      [1, p1.proposal.digest],
      [2, p2.proposal.digest],
    ]);
    expect(node.state.view.seq).toBe(3);
    expect(node.state.view.decisionsInView).toBe(2);
  });

  it('after a decision, the votes of the decided sequence do not count for the next one', () => {
    const node = new OneConsenter(2, 4);
    const p1 = proposalAt(1);
    decideOn(node, p1);
    node.receive(4, prepareOf(p1));
    const p2 = proposalAt(2, { prev: p1 });
    node.receive(1, p2);
    expect(sent(node.receive(1, prepareOf(p2)))).toEqual([]);
    expect(sent(node.receive(3, prepareOf(p2)))).toEqual(['Commit v0 s2->1', 'Commit v0 s2->3', 'Commit v0 s2->4']);
  });
});

describe('View.verifyProposal (view.go): a bad proposal makes the node complain, sync and abort the view', () => {
  const cases: [string, PrePrepare, string][] = [
    ['view number', proposalAt(1, { md: { viewId: 1 } }), 'expected view number 0 but got 1'],
    ['proposal sequence', proposalAt(1, { md: { latestSequence: 2 } }), 'expected proposal sequence 1 but got 2'],
    ['decisions in view', proposalAt(1, { md: { decisionsInView: 1 } }), 'Expected decisions in view 0 but got 1'],
  ];
  const good = proposalAt(1);
  const tampered: PrePrepare = { ...good, proposal: { ...good.proposal, payload: [request('swapped')] } };
  cases.push(['digest', tampered, `proposal digest ${good.proposal.digest} does not match its content`]);
  cases.push(['application VerifyProposal', { ...good, proposal: withDigest({ ...good.proposal, header: 'not chained' }) }, `header not chained does not chain to the last block (expected ${good.proposal.header})`]);
  cases.push(['request size', proposalAt(1, { payload: [request('big', 1001)] }), 'request c:big is too big: 1001 > 1000']);

  it.each(cases)('%s', (_what, p, reason) => {
    const node = new OneConsenter(2, 4, {}, { RequestMaxBytes: 1000 });
    const out = node.receive(1, p);
    expect(logs(out).find((l) => l.kind === 'badProposal')?.args).toEqual([2, 1, reason]);
    expect(kinds(out)).toContain('bftSyncInitiated');
    expect(sent(out).filter((x) => !x.startsWith('HeightRequest'))).toEqual(['ViewChange nv1->1', 'ViewChange nv1->3', 'ViewChange nv1->4']);
    expect(node.state.view.stopped).toBe(true);
    expect(node.wal()).toEqual([]);
  });

  it('a request of exactly RequestMaxBytes is accepted', () => {
    const node = new OneConsenter(2, 4, {}, { RequestMaxBytes: 1000 });
    expect(sent(node.receive(1, proposalAt(1, { payload: [request('edge', 1000)] })))).toEqual(['Prepare v0 s1->1', 'Prepare v0 s1->3', 'Prepare v0 s1->4']);
  });
});

describe('TestViewPersisted (view_test.go): the WAL record is written before the vote it covers leaves', () => {
  it('follower: ProposedRecord{PrePrepare, Prepare} (truncating) before the Prepare; Commit record before the Commit', () => {
    const node = new OneConsenter(2, 4);
    const p = proposalAt(1);
    const out = node.receive(1, p);
    const firstSend = out.findIndex((e) => e.kind === 'send');
    const persists = out.map((e, i) => [e, i] as const).filter(([e]) => e.kind === 'persist');
    expect(persists.map(([e]) => (e.kind === 'persist' ? e.op.op : ''))).toEqual(['truncate', 'append']);
    expect(persists.every(([, i]) => i < firstSend)).toBe(true);
    expect(node.wal()).toEqual([{ type: 'ProposedRecord', prePrepare: p, prepare: prepareOf(p) }]);
    node.receive(1, prepareOf(p));
    const out2 = node.receive(3, prepareOf(p));
    const commitSend = out2.findIndex((e) => e.kind === 'send');
    const commitPersist = out2.findIndex((e) => e.kind === 'persist');
    expect(commitPersist).toBeGreaterThanOrEqual(0);
    expect(commitPersist).toBeLessThan(commitSend);
    expect(node.wal().map((r) => r.type)).toEqual(['ProposedRecord', 'Commit']);
    expect(node.wal()[1]).toEqual({ type: 'Commit', commit: { ...commitOf(p, 2) } });
  });

  it('leader: its own PrePrepare is recorded before it is broadcast, then its Prepare follows', () => {
    const leader = new OneConsenter(1, 4);
    leader.step({ kind: 'command', command: { type: 'submit', request: request('tx1') } });
    const out = leader.runUntil(1_000);
    const persist = out.findIndex((e) => e.kind === 'persist' && e.op.op === 'append');
    const firstSend = out.findIndex((e) => e.kind === 'send');
    expect(persist).toBeGreaterThanOrEqual(0);
    expect(persist).toBeLessThan(firstSend);
    expect(sent(out)).toEqual(['PrePrepare v0 s1->2', 'PrePrepare v0 s1->3', 'PrePrepare v0 s1->4', 'Prepare v0 s1->2', 'Prepare v0 s1->3', 'Prepare v0 s1->4']);
  });
});

describe('View.handlePrevSeqMessage (view.go): a node still on the previous sequence gets our vote again', () => {
  it('a Prepare or Commit for the decided sequence is answered, to its sender only, with our own vote marked assist', () => {
    const node = new OneConsenter(2, 4);
    const p = proposalAt(1);
    decideOn(node, p);
    expect(sends(node.receive(4, prepareOf(p)))).toEqual([{ to: 4, msg: { ...prepareOf(p), assist: true } }]);
    expect(sends(node.receive(4, commitOf(p, 4)))).toEqual([{ to: 4, msg: { ...commitOf(p, 2), assist: true } }]);
  });

  it('assist messages and PrePrepares for the previous sequence get no answer', () => {
    const node = new OneConsenter(2, 4);
    const p = proposalAt(1);
    decideOn(node, p);
    expect(sent(node.receive(4, { ...prepareOf(p), assist: true }))).toEqual([]);
    expect(sent(node.receive(4, { ...commitOf(p, 4), assist: true }))).toEqual([]);
    expect(sent(node.receive(1, p))).toEqual([]);
  });

  it('before any decision, a vote for sequence 0 finds no previous vote to send and is not "a wrong sequence"', () => {
    const node = new OneConsenter(2, 4);
    const out = node.receive(3, prepareOf(proposalAt(0)));
    expect(sent(out)).toEqual([]);
    expect(kinds(out)).toEqual([]);
  });
});

describe('View.discoverIfSyncNeeded (view.go): only f+1 equal commits for a later sequence or view count', () => {
  it('commits for different digests of the same later sequence do not add up', () => {
    const node = new OneConsenter(2, 4);
    node.receive(3, { ...commitOf(proposalAt(5), 3), digest: 'a' });
    const out = node.receive(4, { ...commitOf(proposalAt(5), 4), digest: 'b' });
    expect(kinds(out)).toEqual(['wrongSeq']);
    expect(node.state.view.stopped).toBe(false);
  });

  it('commits for the same digest in different later sequences do not add up', () => {
    const node = new OneConsenter(2, 4);
    node.receive(3, { ...commitOf(proposalAt(5), 3), digest: 'a' });
    const out = node.receive(4, { ...commitOf(proposalAt(6), 4), digest: 'a' });
    expect(kinds(out)).toEqual(['wrongSeq']);
  });

  it('"Disregard votes for past sequences for this view": f+1 commits for an older sequence do not make a node sync', () => {
    const node = new OneConsenter(2, 4);
    const p1 = proposalAt(1);
    decideOn(node, p1);
    decideOn(node, proposalAt(2, { prev: p1 }));
    node.receive(3, commitOf(p1, 3));
    const out = node.receive(4, commitOf(p1, 4));
    expect(kinds(out)).toEqual(['wrongSeq']);
    expect(node.state.view.stopped).toBe(false);
  });

  it('Prepares for a later sequence never make a node sync', () => {
    const node = new OneConsenter(2, 4);
    node.receive(3, prepareOf(proposalAt(5)));
    const out = node.receive(4, prepareOf(proposalAt(5)));
    expect(kinds(out)).toEqual(['wrongSeq']);
  });

  it('f+1 commits from followers for a later view make a node stop and sync (n=4, f=1)', () => {
    const node = new OneConsenter(2, 4);
    const later = proposalAt(1, { view: 1 });
    const one = node.receive(3, commitOf(later, 3));
    expect(kinds(one)).toEqual(['wrongView']);
    const two = node.receive(4, commitOf(later, 4));
    expect(logs(two).find((l) => l.kind === 'seenVotes')?.args).toEqual([2, later.proposal.digest, 1, 1, 0, 1]);
    expect(kinds(two)).toContain('bftSyncInitiated');
    expect(node.state.view.stopped).toBe(true);
  });

  it('a sender counts once: its later commit replaces its earlier one (n=7, f=2)', () => {
    const node = new OneConsenter(2, 7);
    const later = proposalAt(5);
    node.receive(3, commitOf(later, 3));
    const again = node.receive(3, commitOf(later, 3));
    expect(kinds(again)).toEqual(['wrongSeq']);
    const third = node.receive(4, commitOf(later, 4));
    expect(kinds(third)).toEqual(['wrongSeq']);
    const fourth = node.receive(5, commitOf(later, 5));
    expect(kinds(fourth)).toContain('seenVotes');
  });
});

describe('View.stop (view.go): aborting the view', () => {
  it('the leader stops its batch timer and the phase gauge reads ABORT (3)', () => {
    const leader = new OneConsenter(1, 4);
    leader.step({ kind: 'command', command: { type: 'submit', request: request('tx1') } });
    expect(leader.timers.has('batch')).toBe(true);
    leader.receive(3, { type: 'ViewChange', nextView: 1, reason: 'test' });
    const out = leader.receive(4, { type: 'ViewChange', nextView: 1, reason: 'test' });
    expect(leader.timers.has('batch')).toBe(false);
    expect(out).toContainEqual({ kind: 'emit', event: { type: 'metric', name: 'consensus_smartbft_view_phase', value: 3, labels: { channel: expect.any(String) } } });
    expect(sent(leader.runUntil(1_000)).filter((x) => x.startsWith('PrePrepare'))).toEqual([]);
  });
});

describe('heartbeats from the view (heartbeatmonitor.go)', () => {
  it('a PrePrepare, Prepare or Commit from the leader is an artificial heartbeat; one from a follower is not', () => {
    const fromLeader = new OneConsenter(2, 4);
    const fromFollower = new OneConsenter(2, 4);
    fromLeader.tickAt(50_000);
    fromFollower.tickAt(50_000);
    fromLeader.receive(1, prepareOf(proposalAt(3)));
    fromFollower.receive(3, prepareOf(proposalAt(3)));
    expect(kinds(fromLeader.tickAt(60_000))).not.toContain('heartbeatTimeout');
    expect(kinds(fromFollower.tickAt(60_000))).toContain('heartbeatTimeout');
  });

  it('the leader\'s own Commit counts as a heartbeat sent (HeartbeatWasSent): the next HeartBeat is 6 s after it', () => {
    const leader = new OneConsenter(1, 4);
    leader.step({ kind: 'command', command: { type: 'submit', request: request('tx1') } });
    const proposed = sends(leader.runUntil(1_000)).find((x) => x.msg.type === 'PrePrepare')!.msg as PrePrepare;
    leader.tickAt(4_000);
    leader.receive(2, prepareOf(proposed));
    leader.receive(3, prepareOf(proposed));
    expect(leader.state.view.myCommit).toBeDefined();
    expect(sent(leader.tickAt(7_000)).filter((x) => x.startsWith('HeartBeat'))).toEqual([]);
    expect(sent(leader.tickAt(10_000)).filter((x) => x.startsWith('HeartBeat'))).toEqual(['HeartBeat v0 s1->2', 'HeartBeat v0 s1->3', 'HeartBeat v0 s1->4']);
  });
});

describe('View (view.go): more rules found by mutation testing (npm run mutate)', () => {
  it('voteSet.registerVote: a sender\'s first vote for the next sequence is the one kept', () => {
    const node = new OneConsenter(2, 4);
    const p1 = proposalAt(1);
    const p2 = proposalAt(2, { prev: p1 });
    node.receive(1, p1);
    node.receive(1, p2);
    node.receive(3, prepareOf(p2, 'another digest'));
    node.receive(3, prepareOf(p2));
    node.receive(4, prepareOf(p2));
    node.receive(3, { ...commitOf(p2, 3), digest: 'another digest' });
    node.receive(3, commitOf(p2, 3));
    node.receive(4, commitOf(p2, 4));
    node.receive(1, prepareOf(p1));
    node.receive(3, prepareOf(p1));
    node.receive(1, commitOf(p1, 1));
    const out = node.receive(3, commitOf(p1, 3));
    // Only node 4's Prepare for seq 2 counts: Q-1 = 2 are needed, so no Commit for seq 2 yet.
    expect(sent(out)).toEqual(['Prepare v0 s2->1', 'Prepare v0 s2->3', 'Prepare v0 s2->4']);
    node.receive(1, prepareOf(p2));
    node.receive(1, commitOf(p2, 1));
    // Node 3's first Commit (wrong digest) was its vote: only 4 and 1 count.
    expect(node.ledger().at(-1)!.signatures.map((x) => x.signer)).toEqual([4, 1, 2]);
  });

  it('a Commit whose digest is not the proposal\'s is not counted, even with a signature over the right one', () => {
    const node = new OneConsenter(2, 4);
    const p = proposalAt(1);
    node.receive(1, p);
    node.receive(1, prepareOf(p));
    node.receive(3, prepareOf(p));
    node.receive(3, { ...commitOf(p, 3), digest: 'another digest' });
    node.receive(4, commitOf(p, 4));
    expect(node.ledger()).toEqual([]);
  });

  it('a decision logs, in Go\'s order, "Processed proposal", "collected prepares", "Processed prepares", "collected commits", "processed commits", "Deciding", "Sequence: 1-->2"', () => {
    const node = new OneConsenter(2, 4);
    const p = proposalAt(1);
    const out = [node.receive(1, p), node.receive(1, prepareOf(p)), node.receive(3, prepareOf(p)), node.receive(1, commitOf(p, 1)), node.receive(3, commitOf(p, 3))].flat();
    expect(logs(out).filter((l) => l.kind !== 'deliver' && !l.kind.startsWith('deliver'))).toEqual([
      { kind: 'processedProposal', args: [1] },
      { kind: 'collectedPrepares', args: [2, 2, '[1 3]'] },
      { kind: 'processedPrepares', args: [1] },
      { kind: 'collectedCommits', args: [2, 2, '[1 3]'] },
      { kind: 'processedCommits', args: [2, 1] },
      { kind: 'decide', args: [1] },
      { kind: 'startNextSeq', args: [1, 2] },
    ]);
  });

  it('more than Q-1 votes before the PrePrepare: Q-1 are collected and the decision carries exactly Q signatures (n=4)', () => {
    const node = new OneConsenter(2, 4);
    const p = proposalAt(1);
    for (const id of [1, 3, 4]) node.receive(id, prepareOf(p));
    for (const id of [1, 3, 4]) node.receive(id, commitOf(p, id));
    const out = node.receive(1, p);
    expect(logs(out).find((l) => l.kind === 'collectedPrepares')?.args).toEqual([2, 2, '[1 3]']);
    expect(logs(out).find((l) => l.kind === 'collectedCommits')?.args).toEqual([2, 2, '[1 3]']);
    expect(node.ledger()[0]!.signatures.map((x) => x.signer)).toEqual([1, 3, 2]);
  });

  it('ViewData carries the in-flight proposal, prepared only once the node sent its Commit (viewchanger.go prepareViewDataMsg)', () => {
    const viewDataOf = (node: OneConsenter): ViewDataMsg => {
      node.receive(2, { type: 'ViewChange', nextView: 1, reason: 'test' });
      const out = node.receive(4, { type: 'ViewChange', nextView: 1, reason: 'test' });
      return sends(out).find((x) => x.msg.type === 'ViewData' && x.to === 2)!.msg as ViewDataMsg;
    };
    const p = proposalAt(1);
    const proposed = new OneConsenter(3, 4);
    proposed.receive(1, p);
    expect(viewDataOf(proposed).signed.viewData).toMatchObject({ inFlightProposal: p.proposal, inFlightPrepared: false });
    const prepared = new OneConsenter(3, 4);
    prepared.receive(1, p);
    prepared.receive(1, prepareOf(p));
    prepared.receive(2, prepareOf(p));
    expect(viewDataOf(prepared).signed.viewData).toMatchObject({ inFlightProposal: p.proposal, inFlightPrepared: true });
  });

  it('a follower\'s own Commit is not a heartbeat from the leader: it still times out 60 s after the leader\'s PrePrepare', () => {
    const node = new OneConsenter(2, 4);
    const p = proposalAt(1);
    node.receive(1, p);
    node.tickAt(50_000);
    node.receive(3, prepareOf(p));
    node.receive(4, prepareOf(p));
    expect(node.state.view.myCommit).toBeDefined();
    expect(kinds(node.tickAt(60_000))).toContain('heartbeatTimeout');
  });

  it('"Disregard votes for past views": f+1 commits of an older view for our sequence do not make a node sync', () => {
    // Node 3 restarts in view 1 (leader 2); nodes 1 and 4 still send view-0 commits for seq 1.
    const node = new OneConsenter(3, 4, { wal: [{ type: 'NewView', viewId: 1, latestSequence: 0, decisionsInView: 0 }] });
    const old = proposalAt(1);
    node.receive(1, commitOf(old, 1));
    const out = node.receive(4, commitOf(old, 4));
    expect(kinds(out)).toEqual(['wrongView']);
    expect(node.state.view.stopped).toBe(false);
  });

  it('"Disregard votes for past views" whatever their sequence: f+1 view-0 commits for a later sequence do not make a node in view 1 sync', () => {
    // Node 3 restarts in view 1 (leader 2); nodes 1 and 4 send view-0 commits for seq 5, ahead of its seq 1.
    const node = new OneConsenter(3, 4, { wal: [{ type: 'NewView', viewId: 1, latestSequence: 0, decisionsInView: 0 }] });
    const ahead = proposalAt(5);
    node.receive(1, commitOf(ahead, 1));
    const out = node.receive(4, commitOf(ahead, 4));
    expect(kinds(out)).toEqual(['wrongView']);
    expect(node.state.view.stopped).toBe(false);
  });

  it('lastVotedProposalByID: every commit replaces its sender\'s last vote, a past-view one too, so the earlier later-sequence vote no longer counts', () => {
    // Node 3 in view 1 (leader 2) at seq 1: node 1 votes for view 1 seq 5, then sends a view-0 commit.
    const node = new OneConsenter(3, 4, { wal: [{ type: 'NewView', viewId: 1, latestSequence: 0, decisionsInView: 0 }] });
    const ahead = proposalAt(5, { view: 1 });
    node.receive(1, commitOf(ahead, 1));
    node.receive(1, commitOf(proposalAt(1), 1));
    const out = node.receive(4, commitOf(ahead, 4));
    expect(kinds(out)).toEqual(['wrongSeq']);
    expect(node.state.view.stopped).toBe(false);
  });

  it('commits for the same digest and sequence in different later views do not add up', () => {
    const node = new OneConsenter(2, 4);
    node.receive(3, commitOf(proposalAt(1, { view: 1 }), 3));
    const p = proposalAt(1, { view: 1 });
    const out = node.receive(4, { ...commitOf(p, 4), view: 2 });
    expect(kinds(out)).toEqual(['wrongView']);
    expect(node.state.view.stopped).toBe(false);
  });

  it('a stopped view processes nothing: a later message of a higher view from the leader brings no second complaint or sync', () => {
    const node = new OneConsenter(2, 4);
    node.receive(3, { type: 'ViewChange', nextView: 1, reason: 'test' });
    node.receive(4, { type: 'ViewChange', nextView: 1, reason: 'test' });
    expect(node.state.view.stopped).toBe(true);
    const out = node.receive(1, { ...prepareOf(proposalAt(1)), view: 5 });
    expect(kinds(out)).toEqual([]);
    expect(sent(out)).toEqual([]);
  });
});

describe('PersistedState.Restore (state.go): a node restarted PROPOSED', () => {
  it('re-sends its Prepare and still needs Q-1 prepares from others before it commits', () => {
    const p = proposalAt(1);
    const node = new OneConsenter(2, 4, { wal: [{ type: 'ProposedRecord', prePrepare: p, prepare: prepareOf(p) }] });
    expect(node.state.view.proposal).toEqual(p.proposal);
    expect(sent(node.effects).filter((x) => x.startsWith('Prepare'))).toEqual(['Prepare v0 s1->1', 'Prepare v0 s1->3', 'Prepare v0 s1->4']);
    expect(sent(node.receive(3, prepareOf(p)))).toEqual([]);
    expect(sent(node.receive(4, prepareOf(p)))).toEqual(['Commit v0 s1->1', 'Commit v0 s1->3', 'Commit v0 s1->4']);
  });
});

describe('View (view.go): rules pinned after the 2026-12-03 mutation run', () => {
  it('View.processMsg: a view stopped by a sync (no view change) answers nothing, not even a vote of the sequence it decided (handlePrevSeqMessage)', () => {
    const node = new OneConsenter(2, 4);
    const p = proposalAt(1);
    decideOn(node, p);
    expect(sends(node.receive(4, prepareOf(p)))).toHaveLength(1);
    const ahead = (signer: number): Commit => ({ type: 'Commit', view: 0, seq: 5, digest: 'ahead', signature: sign(signer, 'ahead'), assist: false });
    node.receive(3, ahead(3));
    node.receive(4, ahead(4));
    expect(node.state.view.stopped).toBe(true);
    expect(node.state.vc.realView).toBe(node.state.vc.currView);
    expect(sends(node.receive(3, prepareOf(p)))).toEqual([]);
    expect(sends(node.receive(3, commitOf(p, 3)))).toEqual([]);
  });

  it('Complain: the ViewChange names why (a message with a wrong view from the leader; a bad proposal)', () => {
    const wrongView = new OneConsenter(2, 4);
    const a = sends(wrongView.receive(1, { ...prepareOf(proposalAt(1)), view: 1 })).find((x) => x.msg.type === 'ViewChange');
    expect(a?.msg).toEqual({ type: 'ViewChange', nextView: 1, reason: 'message with a wrong view from the leader' });
    const bad = new OneConsenter(2, 4);
    const b = sends(bad.receive(1, proposalAt(1, { md: { viewId: 1 } }))).find((x) => x.msg.type === 'ViewChange');
    expect(b?.msg).toEqual({ type: 'ViewChange', nextView: 1, reason: 'bad proposal' });
  });

  it('handlePrevSeqMessage: before any decision a Commit for sequence 0 finds no previous Commit to send', () => {
    const node = new OneConsenter(2, 4);
    const p0 = proposalAt(0);
    expect(sent(node.receive(3, commitOf(p0, 3)))).toEqual([]);
    expect(kinds(node.receive(3, commitOf(p0, 3)))).toEqual([]);
  });
});
