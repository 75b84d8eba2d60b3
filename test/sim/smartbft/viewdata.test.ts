/**
 * The new leader's checks of a ViewData (viewchanger.go validateViewDataMsg /
 * checkLastDecision), one consenter fed one message at a time.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Decision, Proposal } from '../../../src/sim/smartbft/api.ts';
import { sign } from '../../../src/sim/consensus/crypto.ts';
import type { SignedViewData, ViewDataMsg } from '../../../src/sim/smartbft/messages.ts';
import { checkInFlight, viewDataSummary } from '../../../src/sim/smartbft/viewchanger.ts';
import { BftCluster } from './harness.ts';
import { logs, OneConsenter, sends } from './one.ts';

/** Two real decisions, made in view 0 by a 4-node cluster. */
function chain(): Decision[] {
  const c = new BftCluster({ n: 4 });
  c.submit('c', 1);
  expect(c.runUntilHeight(1, 5_000)).toBe(true);
  c.submit('c', 1);
  expect(c.runUntilHeight(2, 5_000)).toBe(true);
  return c.ledger(1).slice(0, 2);
}

/** Consenter `id` with `ledger`, moved to view 1 by ViewChange votes from the others; returns it and what it sent. */
function inViewChange(id: number, ledger: readonly Decision[]): { node: OneConsenter; viewData: ViewDataMsg | undefined } {
  const node = new OneConsenter(id, 4, { ledger });
  const voters = [2, 3, 4].filter((x) => x !== id).slice(0, 2);
  const out = voters.flatMap((v) => node.receive(v, { type: 'ViewChange', nextView: 1, reason: 'test' }));
  const vd = sends(out).find((x) => x.msg.type === 'ViewData')?.msg as ViewDataMsg | undefined;
  return { node, viewData: vd };
}

describe('checkLastDecision (viewchanger.go)', () => {
  // Built in each test, not when the file is collected (see controller-sync.test.ts).
  let d1: Decision;
  let d2: Decision;
  beforeEach(() => {
    [d1, d2] = chain() as [Decision, Decision];
  });

  it('rejects ViewData from a node a decision behind: no NewView with only Q-1 acceptable', () => {
    const leader = inViewChange(2, [d1, d2]).node; // leader of view 1, own ViewData registered
    const lagging = inViewChange(4, [d1]).viewData!;
    const peer = inViewChange(3, [d1, d2]).viewData!;
    const out = leader.receive(4, lagging);
    expect(logs(out).map((l) => l.kind)).toEqual(['viewDataLastDecisionFailed']);
    expect(logs(out)[0]!.args).toEqual([2, '<ViewData signed by 4 with NextView: 1>', 4]);
    const after = leader.receive(3, peer);
    expect(sends(after).filter((x) => x.msg.type === 'NewView')).toEqual([]);
    expect(leader.state.vc.realView).toBe(0);
    // Once the laggard has caught up, its ViewData is at the leader's last decision: Q, NewView.
    const caughtUp = leader.receive(4, inViewChange(4, [d1, d2]).viewData!);
    expect(sends(caughtUp).filter((x) => x.msg.type === 'NewView').map((x) => x.to)).toEqual([1, 3, 4]);
    expect(leader.state.vc.realView).toBe(1);
  });

  it('accepts ViewData one decision ahead, delivering that decision first', () => {
    const leader = inViewChange(2, [d1]).node;
    const out = leader.receive(3, inViewChange(3, [d1, d2]).viewData!);
    expect(logs(out).map((l) => l.kind)).toContain('deliver');
    expect(leader.ledger().map((d) => d.seq)).toEqual([1, 2]);
    expect(leader.state.vc.viewData.has(3)).toBe(true);
  });

  it('rejects ViewData more than one decision ahead, without syncing', () => {
    const leader = inViewChange(2, []).node;
    const out = leader.receive(3, inViewChange(3, [d1, d2]).viewData!);
    expect(logs(out).map((l) => l.kind)).toEqual(['viewDataLastDecisionFailed']);
    expect(leader.ledger()).toEqual([]);
    expect(out.some((e) => e.kind === 'emit' && (e.event as { type: string }).type === 'bft.syncStarted')).toBe(false);
  });

  it('rejects ViewData whose last decision was made in a view not below the next view', () => {
    const leader = inViewChange(2, [d1, d2]).node;
    // Node 3 claims d2 was decided in view 1 (the view being changed to), signed by itself.
    const forged: Decision = { ...d2, proposal: { ...d2.proposal, metadata: { ...d2.proposal.metadata, viewId: 1 } } };
    const viewData = { nextView: 1, lastDecision: forged, inFlightProposal: undefined, inFlightPrepared: false };
    const msg: ViewDataMsg = { type: 'ViewData', signed: { viewData, signer: 3, signature: sign(3, viewDataSummary(viewData)).value } };
    const out = leader.receive(3, msg);
    expect(logs(out).map((l) => l.kind)).toEqual(['viewDataLastDecisionFailed']);
    expect(leader.state.vc.viewData.has(3)).toBe(false);
  });
});

describe('processMsg (viewchanger.go): helping the lagging nodes', () => {
  /** Node 3 of 4, joined view 1 on the votes of 2 and 4 (view 1 not started: its leader 2 is silent). */
  function joinedView1(): OneConsenter {
    const node = new OneConsenter(3, 4);
    node.receive(2, { type: 'ViewChange', nextView: 1, reason: 'test' });
    node.receive(4, { type: 'ViewChange', nextView: 1, reason: 'test' });
    expect([node.state.vc.realView, node.state.vc.currView, node.state.vc.nextView]).toEqual([0, 1, 1]);
    return node;
  }
  const viewChanges = (out: ReturnType<OneConsenter['receive']>) => sends(out).filter((x) => x.msg.type === 'ViewChange');

  it('no help unless this node has itself started the next view change', () => {
    const node = joinedView1();
    const out = node.receive(1, { type: 'ViewChange', nextView: 1, reason: 'test' });
    expect(viewChanges(out)).toEqual([]);
    expect(logs(out).map((l) => l.kind)).toEqual(['wrongViewChange']);
  });

  it('while changing to the next view it broadcasts the laggard\'s view change, for a sender whose highest next view that is', () => {
    const node = joinedView1();
    node.runUntil(21_000); // view 1's change times out: sync, and a view change to view 2
    expect(node.state.vc.nextView).toBe(2);
    const out = node.receive(1, { type: 'ViewChange', nextView: 1, reason: 'test' });
    expect(viewChanges(out).map((x) => [x.to, (x.msg as { nextView: number }).nextView])).toEqual([
      [1, 1],
      [2, 1],
      [4, 1],
    ]);
    expect(logs(out)).toEqual([{ kind: 'helpLaggingViewChange', args: [3, 'ViewChange nv1', 1, 1, 2] }]);
    // Node 4 already asked for view 2: its older view change (a helper's help) is not answered.
    node.receive(4, { type: 'ViewChange', nextView: 2, reason: 'test' });
    expect(viewChanges(node.receive(4, { type: 'ViewChange', nextView: 1, reason: 'test' }))).toEqual([]);
  });
});

describe('CheckInFlight (viewchanger.go)', () => {
  const proposal = (digest: string): Proposal => ({ header: 'h', payload: [], metadata: { viewId: 0, latestSequence: 1, decisionsInView: 0 }, digest });
  const vd = (signer: number, inFlight: Proposal | undefined, prepared: boolean): SignedViewData => ({
    viewData: { nextView: 1, lastDecision: undefined, inFlightProposal: inFlight, inFlightPrepared: prepared },
    signer,
    signature: '',
  });

  it('condition A before B: f+1 hold a proposal one of them prepared, though a quorum has none prepared (n=4)', () => {
    const s = new OneConsenter(2, 4).state;
    const p = proposal('P');
    // 1 prepared P, 2 hold P unprepared, 1 has nothing: A (preprepared 3 >= f+1, noArgument 4 >= Q) and B (3 >= Q) both hold.
    const r = checkInFlight(s, [vd(1, p, true), vd(2, p, false), vd(3, p, false), vd(4, undefined, false)]);
    expect(r).toEqual({ ok: true, proposal: p });
  });
});
