/**
 * InFlightData (internal/bft/util.go, SmartBFT v1.0.1) and its readers: state.go stores the
 * proposal of each ProposedRecord and marks it prepared with each Commit record; nothing
 * clears it at a decision. The ViewChanger's getInFlight (viewchanger.go) leaves it out of
 * a ViewData when it is the last decision itself, or the one before a decision the new
 * leader delivered from a ViewData (committedDuringViewChange); IsInFlightPrepared is read
 * apart. Controller.sync's maybePruneInFlight (controller.go) clears it once a sync reached
 * its sequence. One consenter of 4 (f=1, Q=3) fed hand-made messages.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Decision } from '../../../src/sim/smartbft/api.ts';
import { sign, withDigest } from '../../../src/sim/consensus/crypto.ts';
import type { Commit, HeightRequest, NewView, PrePrepare, Prepare, SignedViewData, ViewData, ViewDataMsg } from '../../../src/sim/smartbft/messages.ts';
import { viewDataSummary } from '../../../src/sim/smartbft/viewchanger.ts';
import { BftCluster } from './harness.ts';
import { logs, OneConsenter, sends } from './one.ts';

type Effects = ReturnType<OneConsenter['receive']>;

/** Three decisions made by a 4-node cluster in view 0 (leader 1). */
function chain(): [Decision, Decision, Decision] {
  const c = new BftCluster({ n: 4 });
  for (let h = 1; h <= 3; h++) {
    c.submit('c', 1);
    expect(c.runUntilHeight(h, 5_000)).toBe(true);
  }
  return c.ledger(1).slice(0, 3) as [Decision, Decision, Decision];
}

const pp = (d: Decision): PrePrepare => ({ type: 'PrePrepare', view: 0, seq: d.seq, proposal: d.proposal });
const prepare = (d: Decision): Prepare => ({ type: 'Prepare', view: 0, seq: d.seq, digest: d.proposal.digest, assist: false });
const commit = (d: Decision, x: number): Commit => ({ type: 'Commit', view: 0, seq: d.seq, digest: d.proposal.digest, signature: sign(x, d.proposal.digest), assist: false });
const vc = (nextView: number) => ({ type: 'ViewChange' as const, nextView, reason: 'test' });
const vdOf = (nextView: number, lastDecision?: Decision): ViewData => ({ nextView, lastDecision, inFlightProposal: undefined, inFlightPrepared: false });
const svd = (signer: number, viewData: ViewData): SignedViewData => ({ viewData, signer, signature: sign(signer, viewDataSummary(viewData)).value });
const vdMsg = (signed: SignedViewData): ViewDataMsg => ({ type: 'ViewData', signed });
const kinds = (out: Effects): string[] => logs(out).map((l) => l.kind);

/** `node` (not 1) decides `d` in view 0 from leader 1's PrePrepare and the votes of 1 and another follower. */
function decideInView0(node: OneConsenter, d: Decision): void {
  const other = [2, 3, 4].find((x) => x !== node.id)!;
  node.receive(1, pp(d));
  node.receive(1, prepare(d));
  node.receive(other, prepare(d));
  node.receive(1, commit(d, 1));
  node.receive(other, commit(d, other));
  expect(node.ledger().at(-1)?.seq).toBe(d.seq);
}

/** The ViewData `node` sent in `out`. */
function viewDataSent(out: Effects): ViewData {
  const m = sends(out).find((x) => x.msg.type === 'ViewData');
  expect(m).toBeDefined();
  return (m!.msg as ViewDataMsg).signed.viewData;
}

describe('InFlightData (util.go) and getInFlight (viewchanger.go)', () => {
  let d1: Decision, d2: Decision;
  beforeEach(() => {
    [d1, d2] = chain();
  });

  it('kept after its decision: a ViewData leaves it out (same sequence as the last decision) but still says it is prepared (IsInFlightPrepared read apart)', () => {
    const node = new OneConsenter(3, 4, { ledger: [d1] });
    decideInView0(node, d2);
    expect(node.state.inFlight).toEqual({ proposal: d2.proposal, prepared: true });
    node.receive(1, vc(1));
    const vd = viewDataSent(node.receive(4, vc(1)));
    expect(vd).toMatchObject({ nextView: 1, inFlightProposal: undefined, inFlightPrepared: true });
    expect(vd.lastDecision?.seq).toBe(2);
  });

  it('a proposal one behind a decision delivered from a NewView is still reported in the next ViewData: only the new leader\'s own delivery (committedDuringViewChange) hides it', () => {
    // Node 4 decided d1 itself (InFlightData = d1's proposal), then view 1's NewView brought it d2.
    const node = new OneConsenter(4, 4);
    decideInView0(node, d1);
    node.receive(1, vc(1));
    node.receive(3, vc(1));
    node.receive(2, { type: 'NewView', signedViewData: [svd(2, vdOf(1, d2)), svd(1, vdOf(1, d2)), svd(3, vdOf(1, d2))] });
    expect(node.ledger().map((d) => d.seq)).toEqual([1, 2]);
    expect(node.state.vc.realView).toBe(1);
    // The next view change: its ViewData to view 2's leader (3) carries d1's proposal as in
    // flight, which that leader's ValidateInFlight rejects (it wants sequence 3).
    node.receive(1, vc(2));
    const vd = viewDataSent(node.receive(3, vc(2)));
    expect(vd.lastDecision?.seq).toBe(2);
    expect(vd.inFlightProposal?.digest).toBe(d1.proposal.digest);
    expect(vd.inFlightPrepared).toBe(true);
  });

  it('the new leader registers its own ViewData unchecked (startViewChange: viewDataMsgs.registerVote(SelfID, msg)), a stale in-flight proposal and all', () => {
    // Node 3 leads view 2: it decided d1, view 1's NewView brought it d2.
    const node = new OneConsenter(3, 4);
    decideInView0(node, d1);
    node.receive(1, vc(1));
    node.receive(4, vc(1));
    node.receive(2, { type: 'NewView', signedViewData: [svd(2, vdOf(1, d2)), svd(1, vdOf(1, d2)), svd(4, vdOf(1, d2))] });
    node.receive(1, vc(2));
    node.receive(4, vc(2));
    expect(node.state.vc.currView).toBe(2);
    const own = node.state.vc.viewData.get(3);
    expect(own?.viewData.inFlightProposal?.digest).toBe(d1.proposal.digest);
  });

  it('committedDuringViewChange: the new leader that delivered a ViewData\'s decision leaves its older in-flight proposal out of the NewView ("... because it committed it during the view change")', () => {
    // Node 2 leads view 1; it decided d1 itself, so InFlightData holds d1's proposal.
    const leader = new OneConsenter(2, 4);
    decideInView0(leader, d1);
    leader.receive(3, vc(1));
    leader.receive(4, vc(1));
    expect(leader.state.vc.currView).toBe(1);
    // Node 3's ViewData is one decision ahead: the leader delivers d2 from it.
    leader.receive(3, vdMsg(svd(3, vdOf(1, d2))));
    expect(leader.ledger().map((d) => d.seq)).toEqual([1, 2]);
    const out = leader.receive(4, vdMsg(svd(4, vdOf(1, d2))));
    const line = logs(out).find((l) => l.kind === 'inFlightCommittedDuringViewChange');
    expect(line?.args).toEqual([2, 1, 2]);
    const nv = sends(out).find((x) => x.msg.type === 'NewView')!.msg as NewView;
    expect(nv.signedViewData[0]!.viewData).toMatchObject({ lastDecision: { seq: 2 }, inFlightProposal: undefined });
    expect(leader.state.vc.realView).toBe(1);
  });
});

describe('maybePruneInFlight (controller.go), after Controller.sync', () => {
  let d1: Decision, d2: Decision;
  let ledger: Decision[];
  beforeEach(() => {
    const [a, b, c] = chain();
    [d1, d2] = [a, b];
    ledger = [a, b, c];
  });

  /** A sync on `node`: heights `height` from 1, 3, 4 (blocks served from the chain), then state (view, seq) from 1, 3, 4. */
  function sync(node: OneConsenter, height: number, state: { view: number; seq: number }): Effects {
    const all = [...node.step({ kind: 'timer', name: 'syncOnStart' })];
    const req = sends(all).find((x) => x.msg.type === 'HeightRequest')!.msg as HeightRequest;
    const others = [1, 2, 3, 4].filter((x) => x !== node.id);
    for (const id of others) all.push(...node.receive(id, { type: 'HeightResponse', syncId: req.syncId, height }));
    const br = sends(all).find((x) => x.msg.type === 'BlockRequest');
    if (br !== undefined) {
      const m = br.msg as { syncId: number; fromSeq: number; toSeq: number };
      all.push(...node.receive(br.to, { type: 'BlockResponse', syncId: m.syncId, decisions: ledger.slice(m.fromSeq - 1, m.toSeq) }));
    }
    for (const id of others) all.push(...node.receive(id, { type: 'StateTransferResponse', viewNum: state.view, sequence: state.seq }));
    return all;
  }

  it('a sync that reached the in-flight sequence: "Synced to sequence N, deleting in-flight as it is stale", and it is gone', () => {
    const node = new OneConsenter(2, 4);
    decideInView0(node, d1);
    const out = sync(node, 3, { view: 0, seq: 3 });
    expect(node.ledger()).toHaveLength(2);
    expect(logs(out).filter((l) => l.kind.startsWith('synced'))).toEqual([{ kind: 'syncedDeleteInFlight', args: [2] }]);
    expect(node.state.inFlight).toBeUndefined();
  });

  it('an in-flight proposal ahead of what sync reached: "In-flight sequence is N but latest committed sequence is M, will not delete in-flight"', () => {
    const node = new OneConsenter(2, 4, { ledger: [d1] });
    node.receive(1, pp(d2));
    expect(node.state.inFlight).toEqual({ proposal: d2.proposal, prepared: false });
    const out = sync(node, 2, { view: 0, seq: 2 });
    expect(logs(out).filter((l) => l.kind.startsWith('synced'))).toEqual([{ kind: 'syncedKeepInFlight', args: [2, 1] }]);
    expect(node.state.inFlight?.proposal.digest).toBe(d2.proposal.digest);
  });

  it('no prune when sync returns early ("no new view to report"): the state and the last decision are both behind this node\'s view', () => {
    const node = inView1();
    const out = sync(node, 2, { view: 0, seq: 2 });
    expect(kinds(out).filter((k) => k.startsWith('synced'))).toEqual([]);
    expect(node.state.inFlight?.proposal.digest).toBe(d1.proposal.digest);
    // The state at this node's view returns early too; a later view does not, and prunes it.
    expect(kinds(sync(node, 2, { view: 1, seq: 2 })).filter((k) => k.startsWith('synced'))).toEqual([]);
    const again = sync(node, 2, { view: 2, seq: 2 });
    expect(logs(again).filter((l) => l.kind.startsWith('synced'))).toEqual([{ kind: 'syncedDeleteInFlight', args: [1] }]);
  });

  /** Heights `height` from the others, the blocks from the chain, then no state answer: the StateCollector times out (fetchState returns nil). */
  function syncStateFails(node: OneConsenter, height: number): Effects {
    const all = [...node.step({ kind: 'timer', name: 'syncOnStart' })];
    const req = sends(all).find((x) => x.msg.type === 'HeightRequest')!.msg as HeightRequest;
    for (const id of [1, 2, 3, 4].filter((x) => x !== node.id)) all.push(...node.receive(id, { type: 'HeightResponse', syncId: req.syncId, height }));
    const br = sends(all).find((x) => x.msg.type === 'BlockRequest');
    if (br !== undefined) {
      const m = br.msg as { syncId: number; fromSeq: number; toSeq: number };
      all.push(...node.receive(br.to, { type: 'BlockResponse', syncId: m.syncId, decisions: ledger.slice(m.fromSeq - 1, m.toSeq) }));
    }
    all.push(...node.runUntil(node.now + node.state.config.CollectTimeout));
    expect(kinds(all)).toContain('fetchStateFailed');
    return all;
  }

  /** Node 3 decided d1 in view 0, then moved to view 1 by a NewView without a decision. */
  function inView1(): OneConsenter {
    const node = new OneConsenter(3, 4);
    decideInView0(node, d1);
    node.receive(1, vc(1));
    node.receive(4, vc(1));
    node.receive(2, { type: 'NewView', signedViewData: [svd(2, vdOf(1, d1)), svd(1, vdOf(1, d1)), svd(4, vdOf(1, d1))] });
    expect(node.state.view.number).toBe(1);
    return node;
  }

  it('fetching the state failed, the returned decision of the controller\'s view: Controller.sync goes on and prunes', () => {
    const node = new OneConsenter(2, 4, { ledger: [d1] });
    node.receive(1, pp(d2));
    const out = syncStateFails(node, 3);
    expect(node.ledger()).toHaveLength(2);
    expect(logs(out).filter((l) => l.kind.startsWith('synced'))).toEqual([{ kind: 'syncedDeleteInFlight', args: [2] }]);
  });

  it('fetching the state failed and the returned decision is of an older view than the controller\'s: "no new view to report", no prune', () => {
    const node = inView1();
    const out = syncStateFails(node, 2);
    expect(kinds(out).filter((k) => k.startsWith('synced'))).toEqual([]);
    expect(node.state.inFlight?.proposal.digest).toBe(d1.proposal.digest);
  });

  it('a state at the controller\'s view and a returned decision of that view: not "no new view to report", so it prunes', () => {
    const node = inView1();
    // Block 2 as decided in view 1.
    const proposal = withDigest({ ...d2.proposal, metadata: { ...d2.proposal.metadata, viewId: 1, decisionsInView: 0 } });
    const d2v1: Decision = { seq: 2, proposal, signatures: [1, 2, 4].map((x) => sign(x, proposal.digest)) };
    const all = [...node.step({ kind: 'timer', name: 'syncOnStart' })];
    const req = sends(all).find((x) => x.msg.type === 'HeightRequest')!.msg as HeightRequest;
    for (const id of [1, 2, 4]) all.push(...node.receive(id, { type: 'HeightResponse', syncId: req.syncId, height: 3 }));
    all.push(...node.receive(sends(all).find((x) => x.msg.type === 'BlockRequest')!.to, { type: 'BlockResponse', syncId: req.syncId, decisions: [d2v1] }));
    for (const id of [1, 2]) all.push(...node.receive(id, { type: 'StateTransferResponse', viewNum: 1, sequence: 3 }));
    expect(node.ledger()).toHaveLength(2);
    expect(logs(all).filter((l) => l.kind.startsWith('synced'))).toEqual([{ kind: 'syncedDeleteInFlight', args: [2] }]);
  });
});

describe('PersistedState.Restore (state.go recoverProposed / recoverPrepared): InFlightData after a restart', () => {
  let d1: Decision, d2: Decision;
  beforeEach(() => {
    [d1, d2] = chain();
  });

  it('a last ProposedRecord whose block is already in the ledger is stored in flight again, not prepared, and logged as restored', () => {
    const node = new OneConsenter(3, 4, { ledger: [d1, d2], wal: [{ type: 'ProposedRecord', prePrepare: pp(d2), prepare: prepare(d2) }] });
    expect(node.state.inFlight).toEqual({ proposal: d2.proposal, prepared: false });
    expect(logs(node.effects).filter((l) => l.kind === 'restoredProposal')).toEqual([{ kind: 'restoredProposal', args: [2] }]);
    expect(node.state.view).toMatchObject({ number: 0, seq: 3 });
    // getInFlight leaves it out of a ViewData (the last decision's own sequence).
    node.receive(1, vc(1));
    expect(viewDataSent(node.receive(4, vc(1)))).toMatchObject({ inFlightProposal: undefined, inFlightPrepared: false });
  });

  it('a last Commit behind the next sequence stores nothing ("Last proposal with sequence N has been safely committed")', () => {
    const wal = [
      { type: 'ProposedRecord' as const, prePrepare: pp(d2), prepare: prepare(d2) },
      { type: 'Commit' as const, commit: commit(d2, 3) },
    ];
    const node = new OneConsenter(3, 4, { ledger: [d1, d2], wal });
    expect(node.state.inFlight).toBeUndefined();
    expect(logs(node.effects).map((l) => l.kind)).toContain('safelyCommitted');
  });
});
