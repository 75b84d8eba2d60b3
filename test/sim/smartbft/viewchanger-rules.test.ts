/**
 * ViewChanger per-rule tests (internal/bft/viewchanger.go, viewchanger_test.go style): one
 * consenter fed one input (a ViewChange, ViewData or NewView from a named consenter, a
 * tick, a restart with a given WAL), asserting what it sends, logs, writes to its WAL and
 * which view it starts. Leaders: view v is led by consenter v+1 (n=4).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Decision, Proposal } from '../../../src/sim/smartbft/api.ts';
import { sign, withDigest } from '../../../src/sim/consensus/crypto.ts';
import { describeMessage, type ConsensusMessage, type HeightRequest, type NewView, type SignedViewData, type ViewChange, type ViewData, type ViewDataMsg } from '../../../src/sim/smartbft/messages.ts';
import { checkInFlight, viewDataSummary } from '../../../src/sim/smartbft/viewchanger.ts';
import { BftCluster } from './harness.ts';
import { logs, OneConsenter, sends } from './one.ts';

type Effects = ReturnType<OneConsenter['receive']>;

const vcMsg = (nextView: number, reason = 'test'): ViewChange => ({ type: 'ViewChange', nextView, reason });
const sent = (out: Effects): string[] => sends(out).map((x) => `${describeMessage(x.msg)}->${x.to}`);
const kinds = (out: Effects): string[] => logs(out).map((l) => l.kind);
const reasons = (out: Effects): string[] => sends(out).flatMap((x) => (x.msg.type === 'ViewChange' && x.to === 1 ? [x.msg.reason] : []));
function facts(out: Effects, type: string): Record<string, unknown>[] {
  const r: Record<string, unknown>[] = [];
  for (const e of out) if (e.kind === 'emit' && (e.event as { type: string }).type === type) r.push(e.event as Record<string, unknown>);
  return r;
}
function metric(out: Effects, name: string): number[] {
  const r: number[] = [];
  for (const e of out) {
    if (e.kind !== 'emit') continue;
    const ev = e.event as { type: string; name?: string; value?: number };
    if (ev.type === 'metric' && ev.name === name) r.push(ev.value as number);
  }
  return r;
}

/** The node's effects tick by tick (its own timers) up to `until`: [time, effects][]. */
function timeline(node: OneConsenter, until: number): [number, Effects][] {
  const out: [number, Effects][] = [];
  for (;;) {
    const due = Math.min(...node.timers.values());
    if (!(due <= until)) break;
    out.push([due, node.runUntil(due)]);
  }
  return out;
}

function svd(signer: number, viewData: ViewData, by = signer): SignedViewData {
  return { viewData, signer, signature: sign(by, viewDataSummary(viewData)).value };
}
const vdOf = (nextView: number, lastDecision?: Decision, inFlightProposal?: Proposal, inFlightPrepared = false): ViewData => ({ nextView, lastDecision, inFlightProposal, inFlightPrepared });
const vdMsg = (signed: SignedViewData): ViewDataMsg => ({ type: 'ViewData', signed });

/** Two real decisions, and the PrePrepare proposal of a third (seq 3, in flight), made by a 4-node cluster in view 0. */
function chain(): { d1: Decision; d2: Decision; p3: Proposal; d3: Decision } {
  const c = new BftCluster({ n: 4 });
  c.submit('c', 1);
  expect(c.runUntilHeight(1, 5_000)).toBe(true);
  c.submit('c', 1);
  expect(c.runUntilHeight(2, 5_000)).toBe(true);
  c.submit('c', 1);
  expect(c.runUntilHeight(3, 5_000)).toBe(true);
  const [d1, d2, d3] = c.ledger(1) as [Decision, Decision, Decision];
  return { d1, d2, p3: d3.proposal, d3 };
}

/** Node `id` of 4 with `ledger`, joined view 1 on the votes of two others. */
function joined(id: number, ledger: readonly Decision[] = []): OneConsenter {
  const node = new OneConsenter(id, 4, { ledger });
  const voters = [1, 2, 3, 4].filter((x) => x !== id && x !== 2).slice(0, 2);
  for (const v of voters) node.receive(v, vcMsg(1));
  expect([node.state.vc.realView, node.state.vc.currView]).toEqual([0, 1]);
  return node;
}

describe('StartViewChange, resend and timeout (viewchanger.go; TestStartViewChange, TestResendViewChangeMessage, TestBackOff)', () => {
  it('a follower that hears no leader complains: ViewChange nv1 to all, view aborted, request timers stopped, "started view change"', () => {
    const node = new OneConsenter(3, 4);
    const ticks = timeline(node, 70_000);
    const at = ticks.findIndex(([, out]) => kinds(out).includes('startedViewChange'));
    const [t, out] = ticks[at]!;
    expect(sent(out).filter((x) => x.startsWith('ViewChange'))).toEqual(['ViewChange nv1->1', 'ViewChange nv1->2', 'ViewChange nv1->4']);
    expect(reasons(out)).toEqual(['heartbeat timeout']);
    expect(logs(out).find((l) => l.kind === 'startedViewChange')!.args).toEqual([3, 0]);
    expect(metric(out, 'consensus_smartbft_viewchange_next_view')).toEqual([1]);
    expect(node.state.view.stopped).toBe(true);
    expect(node.state.vc).toMatchObject({ currView: 0, nextView: 1, realView: 0, checkTimeout: true, startViewChangeTime: t });
    expect(node.wal()).toEqual([]);
  });

  it('a lone complainer re-sends on the next tick, then every 5 s, and times out at exactly 20 s, 40 s, 60 s after it started (ViewChangeTimeout x 1, 2, 3 from the same start), syncing each time and never starting again', () => {
    const node = new OneConsenter(3, 4);
    const ticks = timeline(node, 130_000);
    const start = ticks.find(([, out]) => kinds(out).includes('startedViewChange'))![0];
    const resends = ticks.filter(([, out]) => reasons(out).includes('resend')).map(([t]) => t - start);
    expect(resends.slice(0, 4)).toEqual([1_000, 6_000, 11_000, 16_000]);
    const timeouts = ticks.flatMap(([t, out]) => facts(out, 'bft.viewChangeTimeout').map((f) => [t - start, f['view'], f['backOffFactor']]));
    expect(timeouts.slice(0, 3)).toEqual([
      [20_000, 0, 2],
      [40_000, 0, 3],
      [60_000, 0, 4],
    ]);
    expect(ticks.filter(([, out]) => facts(out, 'bft.syncStarted').length > 0).length).toBeGreaterThanOrEqual(3);
    // The complaint is not started again: one "started view change", no ViewChange but resends.
    const all = ticks.flatMap(([, out]) => out);
    expect(kinds(all).filter((k) => k === 'startedViewChange')).toHaveLength(1);
    expect(new Set(reasons(all))).toEqual(new Set(['heartbeat timeout', 'resend']));
  });
});

describe('processViewChangeMsg (viewchanger.go; TestViewChangeProcess)', () => {
  it('Q-1 votes (n=4): join with a ViewChange, WAL ViewChange{currView}, move to view 1, ViewData to its leader', () => {
    const node = new OneConsenter(3, 4);
    const one = node.receive(1, vcMsg(1));
    expect(sent(one)).toEqual([]);
    expect(node.state.vc.currView).toBe(0);
    const out = node.receive(4, vcMsg(1));
    expect(kinds(out).filter((k) => k !== 'changeRole')).toEqual(['joiningViewChange', 'startedViewChange', 'sentViewData']);
    expect(logs(out).find((l) => l.kind === 'joiningViewChange')!.args).toEqual([3, 0]);
    expect(logs(out).find((l) => l.kind === 'sentViewData')!.args).toEqual([3, 1, 2]);
    expect(reasons(out)).toEqual(['joining']);
    expect(sent(out)).toEqual(['ViewChange nv1->1', 'ViewChange nv1->2', 'ViewChange nv1->4', 'ViewData nv1->2']);
    expect(node.wal()).toEqual([{ type: 'ViewChange', nextView: 0 }]);
    expect(node.state.vc).toMatchObject({ currView: 1, nextView: 1, realView: 0, checkTimeout: true });
    expect(node.state.vc.votes.size).toBe(0);
    expect(metric(out, 'sim_smartbft_viewchange_total')).toEqual([1]);
    expect(metric(out, 'consensus_smartbft_viewchange_current_view').at(-1)).toBe(1);
    expect(node.state.view.stopped).toBe(true);
  });

  it('votes for another view are not counted: a bigger view, the same view twice from one sender', () => {
    const node = new OneConsenter(3, 4);
    node.receive(1, vcMsg(2));
    node.receive(1, vcMsg(1));
    expect(sent(node.receive(1, vcMsg(1)))).toEqual([]);
    expect(node.state.vc.currView).toBe(0);
  });

  it('SpeedUpViewChange (n=7): f+1 votes join (ViewChange) without moving; Q-1 move', () => {
    const node = new OneConsenter(3, 7, {}, { SpeedUpViewChange: true });
    node.receive(1, vcMsg(1));
    node.receive(4, vcMsg(1));
    const third = node.receive(5, vcMsg(1));
    expect(kinds(third)).toEqual(['joiningViewChange', 'startedViewChange']);
    expect(reasons(third)).toEqual(['joining']);
    expect(node.state.vc.currView).toBe(0);
    expect(node.state.view.stopped).toBe(true);
    expect(node.wal()).toEqual([]);
    const fourth = node.receive(6, vcMsg(1));
    expect(kinds(fourth)).toEqual(['sentViewData']);
    expect(sent(fourth)).toEqual(['ViewData nv1->2']);
    expect(node.state.vc.currView).toBe(1);
  });

  it('without SpeedUpViewChange (n=7): f+1 votes do nothing, Q-1 join and move at once', () => {
    const node = new OneConsenter(3, 7);
    node.receive(1, vcMsg(1));
    node.receive(4, vcMsg(1));
    expect(sent(node.receive(5, vcMsg(1)))).toEqual([]);
    expect(node.state.view.stopped).toBe(false);
    const fourth = node.receive(6, vcMsg(1));
    expect(kinds(fourth).filter((k) => k !== 'changeRole')).toEqual(['joiningViewChange', 'startedViewChange', 'sentViewData']);
    expect(node.state.vc.currView).toBe(1);
  });

  it('TestRestoreViewChange: restarted with a ViewChange last in the WAL, it joins again (no second WAL record) and sends its ViewData', () => {
    const node = new OneConsenter(3, 4, { wal: [{ type: 'ViewChange', nextView: 0 }] });
    expect(node.state.vc).toMatchObject({ currView: 1, nextView: 1, realView: 0 });
    expect(sent(node.effects)).toContain('ViewData nv1->2');
    expect(node.wal()).toEqual([{ type: 'ViewChange', nextView: 0 }]);
  });

  it('after joining, the view change times out at 20 s: Sync, and a view change to the next view (reason "view change timeout"), not before', () => {
    const node = joined(3);
    const ticks = timeline(node, 25_000);
    const before = ticks.filter(([t]) => t < 20_000).flatMap(([, out]) => sent(out));
    expect(before.filter((x) => x.startsWith('ViewChange nv2'))).toEqual([]);
    const [t, out] = ticks.find(([, o]) => facts(o, 'bft.viewChangeTimeout').length > 0)!;
    expect(t).toBeGreaterThanOrEqual(20_000);
    expect(t).toBeLessThan(21_000);
    expect(facts(out, 'bft.viewChangeTimeout')).toEqual([{ type: 'bft.viewChangeTimeout', view: 1, backOffFactor: 2 }]);
    expect(kinds(out)).toContain('bftSyncInitiated');
    expect(sent(out).filter((x) => x.startsWith('ViewChange nv2'))).toEqual(['ViewChange nv2->1', 'ViewChange nv2->2', 'ViewChange nv2->4']);
    expect(reasons(out)).toContain('view change timeout');
  });
});

describe('validateViewDataMsg and checkLastDecision, at the new leader (viewchanger.go; TestBadViewDataMessage, TestViewDataProcess)', () => {
  let d1: Decision;
  let d2: Decision;
  let p3: Proposal;
  beforeEach(() => {
    ({ d1, d2, p3 } = chain());
  });
  const accepted = (node: OneConsenter, from: number): boolean => node.state.vc.viewData.has(from);

  it('a quorum of ViewData: NewView with the leader\'s own first, then WAL NewView, view 1 started at the next sequence', () => {
    const leader = joined(2, [d1, d2]);
    expect(accepted(leader, 2)).toBe(true);
    const second = leader.receive(3, vdMsg(svd(3, vdOf(1, d2))));
    expect(sent(second)).toEqual([]);
    expect(kinds(second)).toEqual([]);
    const out = leader.receive(4, vdMsg(svd(4, vdOf(1, d2))));
    expect(kinds(out).slice(0, 3)).toEqual(['quorumViewData', 'broadcastNewView', 'viewChanged']);
    expect(logs(out)[0]!.args).toEqual([2]);
    const nv = sends(out).filter((x) => x.msg.type === 'NewView');
    expect(nv.map((x) => x.to)).toEqual([1, 3, 4]);
    expect((nv[0]!.msg as NewView).signedViewData.map((x) => x.signer)).toEqual([2, 3, 4]);
    expect(leader.wal().at(-1)).toEqual({ type: 'NewView', viewId: 1, latestSequence: 2, decisionsInView: 0 });
    expect(logs(out).find((l) => l.kind === 'startView')!.args).toEqual([1, 3, 0]);
    expect(facts(out, 'bft.viewChanged')).toEqual([{ type: 'bft.viewChanged', view: 1, leader: 2 }]);
    expect(leader.state.vc).toMatchObject({ currView: 1, nextView: 1, realView: 1, checkTimeout: false, backOffFactor: 1 });
    expect(leader.state.vc.viewData.size).toBe(0);
    // A late ViewData changes nothing.
    const late = leader.receive(1, vdMsg(svd(1, vdOf(1, d2))));
    expect([sent(late), kinds(late)]).toEqual([[], []]);
    expect(leader.state.vc.viewData.size).toBe(0);
    // The view change is over: no timeout.
    const ticks = timeline(leader, leader.now + 30_000).flatMap(([, o]) => o);
    expect(facts(ticks, 'bft.viewChangeTimeout')).toEqual([]);
  });

  it('validateViewDataMsg reads currView: a ViewData for the view it is about to lead, come before it joined, is dropped ("not the next leader of view 0"), not counted at the join, and the view change waits for its timeout', () => {
    // The real network's rolling-restart of 2026-12-03 17:04:44 (docs/fidelity.md): node 4's
    // ViewData reached node 2 before node 3's ViewChange, which made node 2 join.
    const leader = new OneConsenter(2, 4, { ledger: [d1, d2] });
    const early = leader.receive(4, vdMsg(svd(4, vdOf(1, d2))));
    expect(logs(early)).toEqual([{ kind: 'viewDataNotNextLeader', args: [2, '<ViewData signed by 4 with NextView: 1>', 4, 2, 0] }]);
    expect(sent(early)).toEqual([]);
    leader.receive(3, vcMsg(1));
    const join = leader.receive(1, vcMsg(1));
    expect(kinds(join)).toContain('sentViewData');
    expect([accepted(leader, 2), accepted(leader, 4)]).toEqual([true, false]);
    // Node 3's ViewData makes two of Q = 3: no NewView; node 4 sends its ViewData once.
    const third = leader.receive(3, vdMsg(svd(3, vdOf(1, d2))));
    expect([sent(third), kinds(third)]).toEqual([[], []]);
    const ticks = timeline(leader, leader.now + 30_000).flatMap(([, o]) => o);
    expect(sends(ticks).filter((x) => x.msg.type === 'NewView')).toEqual([]);
    expect(facts(ticks, 'bft.viewChangeTimeout')).toHaveLength(1);
  });

  it('ignored when this node does not lead the view ("not the next leader of view 1"), and when the view is not the one it is changing to ("is in view 1")', () => {
    const follower = joined(3, [d1, d2]);
    const out = follower.receive(4, vdMsg(svd(4, vdOf(1, d2))));
    expect([sent(out), logs(out), follower.state.vc.viewData.size]).toEqual([[], [{ kind: 'viewDataNotNextLeader', args: [3, '<ViewData signed by 4 with NextView: 1>', 4, 3, 1] }], 0]);
    const leader = joined(2, [d1, d2]);
    const other = leader.receive(3, vdMsg(svd(3, vdOf(5, d2))));
    expect(logs(other)).toEqual([{ kind: 'viewDataWrongView', args: [2, '<ViewData signed by 3 with NextView: 5>', 3, 2, 1] }]);
    expect(accepted(leader, 3)).toBe(false);
  });

  const rejected: [string, (d: { d1: Decision; d2: Decision; p3: Proposal }) => SignedViewData][] = [
    ['signed by another node than its sender', ({ d2 }) => svd(4, vdOf(1, d2))],
    ['a signature that does not verify', ({ d2 }) => svd(3, vdOf(1, d2), 4)],
    ['the same sequence but another decision', ({ d2 }) => svd(3, vdOf(1, { ...d2, proposal: withDigest({ ...d2.proposal, header: 'other' }) }))],
    ['genesis while the leader has decided', () => svd(3, vdOf(1))],
    ['a decision behind the leader\'s', ({ d1 }) => svd(3, vdOf(1, d1))],
    ['an in-flight proposal at another sequence than last + 1', ({ d2 }) => svd(3, vdOf(1, d2, d2.proposal, true))],
    ['an in-flight proposal whose digest is not its content\'s', ({ d2, p3 }) => svd(3, vdOf(1, d2, { ...p3, digest: 'forged' }, true))],
  ];
  it.each(rejected)('TestBadViewDataMessage: rejected, %s', (_name, make) => {
    const leader = joined(2, [d1, d2]);
    leader.receive(3, vdMsg(make({ d1, d2, p3 })));
    expect(accepted(leader, 3)).toBe(false);
    // And a quorum is not reached with the next good one.
    const out = leader.receive(4, vdMsg(svd(4, vdOf(1, d2))));
    expect(sent(out)).toEqual([]);
  });

  it('a signature is over the whole ViewData: one made for other content does not verify', () => {
    const leader = joined(2, [d1, d2]);
    const signedOther = (vd: ViewData, other: ViewData): SignedViewData => ({ viewData: vd, signer: 3, signature: svd(3, other).signature });
    leader.receive(3, vdMsg(signedOther(vdOf(1, d2, p3, true), vdOf(1, d2))));
    leader.receive(3, vdMsg(signedOther(vdOf(1, d2, p3, true), vdOf(1, d2, p3, false))));
    expect(accepted(leader, 3)).toBe(false);
    const genesis = joined(2, []);
    genesis.receive(3, vdMsg(signedOther(vdOf(1, undefined, p3, true), vdOf(1))));
    expect(accepted(genesis, 3)).toBe(false);
  });

  it('an in-flight proposal at last + 1 is accepted', () => {
    const leader = joined(2, [d1, d2]);
    leader.receive(3, vdMsg(svd(3, vdOf(1, d2, p3, true))));
    expect(accepted(leader, 3)).toBe(true);
  });

  it('genesis ViewData at a genesis leader: accepted when signed by its sender', () => {
    const leader = joined(2, []);
    leader.receive(3, vdMsg(svd(3, vdOf(1), 4)));
    expect(accepted(leader, 3)).toBe(false);
    leader.receive(4, vdMsg(svd(4, vdOf(1))));
    expect(accepted(leader, 4)).toBe(true);
  });

  it('one decision ahead: a decision without a quorum of signatures is rejected and not delivered', () => {
    const leader = joined(2, [d1]);
    leader.receive(3, vdMsg(svd(3, vdOf(1, { ...d2, signatures: d2.signatures.slice(0, 2) }))));
    expect(accepted(leader, 3)).toBe(false);
    expect(leader.ledger()).toHaveLength(1);
    // Duplicate signatures do not make a quorum either.
    leader.receive(3, vdMsg(svd(3, vdOf(1, { ...d2, signatures: [d2.signatures[0]!, d2.signatures[0]!, d2.signatures[0]!] }))));
    expect(leader.ledger()).toHaveLength(1);
    // Nor does a decision whose sequence is not its proposal's (d1 and its signatures, called 2).
    leader.receive(3, vdMsg(svd(3, vdOf(1, { ...d1, seq: 2 }))));
    expect(leader.ledger()).toHaveLength(1);
    // Nor signatures of unknown signers, nor signature values that do not verify.
    leader.receive(3, vdMsg(svd(3, vdOf(1, { ...d2, signatures: [d2.signatures[0]!, sign(9, d2.proposal.digest), sign(10, d2.proposal.digest)] }))));
    expect(leader.ledger()).toHaveLength(1);
    leader.receive(3, vdMsg(svd(3, vdOf(1, { ...d2, signatures: [1, 2, 3].map((signer) => ({ signer, value: 'forged' })) }))));
    expect(leader.ledger()).toHaveLength(1);
    // Nor a proposal whose digest is not its content's, however well signed.
    const forged = { ...d2.proposal, digest: 'forged' };
    leader.receive(3, vdMsg(svd(3, vdOf(1, { ...d2, proposal: forged, signatures: [1, 3, 4].map((x) => sign(x, 'forged')) }))));
    expect(leader.ledger()).toHaveLength(1);
    expect(accepted(leader, 3)).toBe(false);
  });

  it('ValidateLastDecision at the leader: one decision ahead, a quorum of valid signatures and one that does not verify: rejected, not delivered', () => {
    const extra = [1, 2, 3, 4].find((x) => !d2.signatures.some((sig) => sig.signer === x))!;
    const leader = joined(2, [d1]);
    const out = leader.receive(3, vdMsg(svd(3, vdOf(1, { ...d2, signatures: [...d2.signatures, { signer: extra, value: 'corrupted' }] }))));
    expect(kinds(out)).toEqual(['viewDataLastDecisionFailed']);
    expect(leader.ledger()).toHaveLength(1);
    expect(accepted(leader, 3)).toBe(false);
  });

  it('the same sequence with another decision, even one signed by a quorum, is rejected', () => {
    const leader = joined(2, [d1, d2]);
    const fork = withDigest({ ...d2.proposal, header: 'fork' });
    leader.receive(3, vdMsg(svd(3, vdOf(1, { ...d2, proposal: fork, signatures: [1, 3, 4].map((x) => sign(x, fork.digest)) }))));
    expect(accepted(leader, 3)).toBe(false);
  });

  it('one decision ahead with a valid decision: delivered first, then the ViewData signature is checked', () => {
    const leader = joined(2, [d1]);
    const out = leader.receive(3, vdMsg(svd(3, vdOf(1, d2), 4)));
    expect(leader.ledger().map((d) => d.seq)).toEqual([1, 2]);
    expect(kinds(out)).toContain('viewDataLastDecisionFailed');
    expect(accepted(leader, 3)).toBe(false);
  });

  it('CheckInFlight fails with a quorum: two different prepared proposals and one without: no NewView', () => {
    const leader = joined(2, [d1, d2]);
    const other = withDigest({ ...p3, header: 'another block' });
    leader.receive(3, vdMsg(svd(3, vdOf(1, d2, p3, true))));
    const out = leader.receive(4, vdMsg(svd(4, vdOf(1, d2, other, true))));
    expect(leader.state.vc.viewData.size).toBe(3);
    expect(sent(out)).toEqual([]);
    expect(kinds(out)).toEqual([]);
    expect(leader.state.vc.realView).toBe(0);
  });
});

describe('processNewViewMsg (viewchanger.go; TestNewViewProcess, TestBadNewViewMessage)', () => {
  let d1: Decision;
  let d2: Decision;
  let p3: Proposal;
  let d3: Decision;
  beforeEach(() => {
    ({ d1, d2, p3, d3 } = chain());
  });
  const nvOf = (...signed: SignedViewData[]): NewView => ({ type: 'NewView', signedViewData: signed });
  const good = (last?: Decision) => [svd(2, vdOf(1, last)), svd(3, vdOf(1, last)), svd(4, vdOf(1, last))];

  it('a valid NewView from the new leader: WAL NewView{1, seq}, view 1 started at seq + 1, timers restarted, no timeout', () => {
    const node = joined(3, [d1, d2]);
    const out = node.receive(2, nvOf(...good(d2)));
    expect(node.wal()).toEqual([
      { type: 'ViewChange', nextView: 0 },
      { type: 'NewView', viewId: 1, latestSequence: 2, decisionsInView: 0 },
    ]);
    expect(logs(out).find((l) => l.kind === 'startView')!.args).toEqual([1, 3, 0]);
    expect(node.state.vc).toMatchObject({ realView: 1, currView: 1, nextView: 1, checkTimeout: false });
    expect(metric(out, 'consensus_smartbft_viewchange_real_view')).toEqual([1]);
    expect(node.state.view).toMatchObject({ number: 1, leaderId: 2, stopped: false });
    const ticks = timeline(node, node.now + 30_000).flatMap(([, o]) => o);
    expect(facts(ticks, 'bft.viewChangeTimeout')).toEqual([]);
    // A second NewView is ignored.
    expect(kinds(node.receive(2, nvOf(...good(d2))))).toEqual([]);
  });

  it('from a node that does not lead the view: "got newView message ... expected sender to be 2"', () => {
    const node = joined(3, [d1, d2]);
    const out = node.receive(1, nvOf(...good(d2)));
    expect(logs(out)).toEqual([{ kind: 'wrongNewViewSender', args: [3, 'NewView nv1', 1, 2] }]);
    expect(node.state.vc.realView).toBe(0);
  });

  it('processMsg checks the sender against currView\'s leader: a NewView come before this node joined its view change is dropped ("expected sender to be 1"), not processed on joining', () => {
    const node = new OneConsenter(3, 4, { ledger: [d1, d2] });
    expect(logs(node.receive(2, nvOf(...good(d2))))).toEqual([{ kind: 'wrongNewViewSender', args: [3, 'NewView nv1', 2, 1] }]);
    node.receive(1, vcMsg(1));
    node.receive(4, vcMsg(1));
    expect([node.state.vc.currView, node.state.vc.realView]).toEqual([1, 0]);
  });

  const bad: [string, (d: { d1: Decision; d2: Decision; p3: Proposal }) => SignedViewData][] = [
    ['a ViewData signed by another node than its signer field', ({ d2 }) => svd(4, vdOf(1, d2), 1)],
    ['a ViewData for another view', ({ d2 }) => svd(4, vdOf(2, d2))],
    ['a ViewData whose last decision is not this node\'s (same sequence)', ({ d2 }) => svd(4, vdOf(1, { ...d2, proposal: withDigest({ ...d2.proposal, header: 'fork' }) }))],
    ['a ViewData whose in-flight proposal is not at its last decision + 1', ({ d2 }) => svd(4, vdOf(1, d2, d2.proposal, true))],
    ['a ViewData whose in-flight proposal\'s digest is forged', ({ d2, p3 }) => svd(4, vdOf(1, d2, { ...p3, digest: 'forged' }, false))],
    ['a second ViewData of the same signer', ({ d2 }) => svd(3, vdOf(1, d2))],
    ['a ViewData of an unknown signer', ({ d2 }) => svd(9, vdOf(1, d2))],
  ];
  it.each(bad)('TestBadNewViewMessage: Q-1 valid and %s: the view is not started', (_name, make) => {
    const node = joined(3, [d1, d2]);
    node.receive(2, nvOf(svd(2, vdOf(1, d2)), svd(3, vdOf(1, d2)), make({ d1, d2, p3 })));
    expect(node.state.vc.realView).toBe(0);
    expect(node.wal()).toHaveLength(1);
  });

  // validateNewViewMsg returns "invalid" at the first bad ViewData: the whole NewView is dropped.
  const badBesideQuorum: [string, (d: { d1: Decision; d2: Decision; p3: Proposal }) => SignedViewData][] = [
    ['for another view', ({ d2 }) => svd(1, vdOf(2, d2))],
    ['whose signature does not verify (same sequence)', ({ d2 }) => svd(1, vdOf(1, d2), 4)],
    ['whose last decision is not this node\'s (same sequence)', ({ d2 }) => svd(1, vdOf(1, { ...d2, proposal: withDigest({ ...d2.proposal, header: 'fork' }) }))],
    ['whose last decision\'s view is not below the next view', ({ d2 }) => svd(1, vdOf(1, { ...d2, proposal: withDigest({ ...d2.proposal, metadata: { ...d2.proposal.metadata, viewId: 1 } }) }))],
    ['whose in-flight proposal is not at its last decision + 1', ({ d2 }) => svd(1, vdOf(1, d2, d2.proposal, true))],
    ['behind this node, whose in-flight proposal is not at its last decision + 1', ({ d1, p3 }) => svd(1, vdOf(1, d1, p3, true))],
  ];
  it.each(badBesideQuorum)('validateNewViewMsg: Q valid ViewData and one %s: the whole NewView is invalid, the view is not started', (_name, make) => {
    const node = joined(3, [d1, d2]);
    for (const order of [[0, 1, 2, 3], [3, 0, 1, 2]]) {
      const all = [...good(d2), make({ d1, d2, p3 })];
      const out = node.receive(2, nvOf(...order.map((i) => all[i]!)));
      expect(logs(out)).toEqual([{ kind: 'newViewInvalid', args: [3] }]);
    }
    expect(node.state.vc.realView).toBe(0);
    expect(node.wal()).toHaveLength(1);
    // The same three good ones alone start the view.
    node.receive(2, nvOf(...good(d2)));
    expect(node.state.vc.realView).toBe(1);
  });

  it('validateNewViewMsg: a second ViewData of a signer is skipped, whatever it holds; the first one counts', () => {
    const node = joined(3, [d1, d2]);
    node.receive(2, nvOf(...good(d2), svd(4, vdOf(7, d1), 1)));
    expect(node.state.vc.realView).toBe(1);
  });

  it('validateNewViewMsg: a ViewData behind this node is counted unchecked: neither its last decision\'s signatures nor its own ("this node is ahead")', () => {
    const node = joined(3, [d1, d2]);
    const unsignedD1 = { ...d1, signatures: d1.signatures.slice(0, 1) };
    const out = node.receive(2, nvOf(svd(2, vdOf(1, d2)), svd(3, vdOf(1, d2)), svd(4, vdOf(1, unsignedD1), 1)));
    expect(kinds(out)).not.toContain('newViewInvalid');
    expect(node.state.vc.realView).toBe(1);
    // A genesis ViewData at a node that has decided: likewise.
    const other = joined(3, [d1]);
    other.receive(2, nvOf(svd(2, vdOf(1, d1)), svd(3, vdOf(1, d1)), svd(4, vdOf(1), 1)));
    expect(other.state.vc.realView).toBe(1);
  });

  it('validateNewViewMsg: at this node\'s sequence, the last decision is compared with its own, its signatures are not checked (it may have been a reconfiguration)', () => {
    const node = joined(3, [d1, d2]);
    const oneSig = { ...d2, signatures: d2.signatures.slice(0, 1) };
    node.receive(2, nvOf(svd(2, vdOf(1, d2)), svd(3, vdOf(1, d2)), svd(4, vdOf(1, oneSig))));
    expect(node.state.vc.realView).toBe(1);
  });

  it('validateNewViewMsg "sync": a ViewData more than one decision ahead makes the node sync at once, before anything else is checked', () => {
    const node = joined(3, []);
    const unsigned = { ...d2, signatures: [] };
    const out = node.receive(2, nvOf(svd(2, vdOf(1, unsigned), 4)));
    expect(kinds(out)).toEqual(['bftSyncInitiated']);
    expect(node.state.vc.realView).toBe(0);
    // A bad ViewData before it is seen first: invalid, no sync.
    const first = joined(3, []);
    const out2 = first.receive(2, nvOf(svd(1, vdOf(2)), svd(2, vdOf(1, d2))));
    expect(kinds(out2)).toEqual(['newViewInvalid']);
  });

  it('processNewViewMsg "deliver": each ViewData one decision ahead is delivered in turn and the message validated again, up to the view', () => {
    const node = joined(3, [d1]);
    const out = node.receive(2, nvOf(svd(2, vdOf(1, d2)), svd(3, vdOf(1, d3)), svd(4, vdOf(1, d1))));
    expect(logs(out).filter((l) => l.kind === 'deliver').map((l) => l.args[0])).toEqual([2, 3]);
    expect(node.state.vc.realView).toBe(1);
    expect(node.wal().at(-1)).toEqual({ type: 'NewView', viewId: 1, latestSequence: 3, decisionsInView: 0 });
  });

  it('ValidateLastDecision: one decision ahead, a quorum of valid signatures and one that does not verify: invalid, nothing delivered', () => {
    const extra = [1, 2, 3, 4].find((x) => !d2.signatures.some((sig) => sig.signer === x))!;
    const withBad = { ...d2, signatures: [...d2.signatures, { signer: extra, value: 'corrupted' }] };
    const node = joined(3, [d1]);
    const out = node.receive(2, nvOf(svd(2, vdOf(1, withBad)), svd(3, vdOf(1, d1)), svd(4, vdOf(1, d1))));
    expect(kinds(out)).toEqual(['newViewInvalid']);
    expect(node.ledger()).toHaveLength(1);
    // An unknown signer's valid-looking signature: the same.
    const unknown = { ...d2, signatures: [...d2.signatures, sign(9, d2.proposal.digest)] };
    node.receive(2, nvOf(svd(2, vdOf(1, unknown)), svd(3, vdOf(1, d1)), svd(4, vdOf(1, d1))));
    expect(node.ledger()).toHaveLength(1);
    // A second signature of a signer already seen is skipped, not checked: even one that does not verify.
    node.receive(2, nvOf(svd(2, vdOf(1, { ...d2, signatures: [...d2.signatures, { signer: d2.signatures[0]!.signer, value: 'corrupted' }] })), svd(3, vdOf(1, d1)), svd(4, vdOf(1, d1))));
    expect(node.ledger()).toHaveLength(2);
  });

  it('validateNewViewMsg: a ViewData behind this node whose last decision\'s view is not below the next view is invalid too (the one check made before the sequence is looked at)', () => {
    const node = joined(3, [d1, d2]);
    const md = { ...d1.proposal.metadata, viewId: 1 };
    const late = { ...d1, proposal: withDigest({ ...d1.proposal, metadata: md }) };
    expect(kinds(node.receive(2, nvOf(...good(d2), svd(1, vdOf(1, late)))))).toEqual(['newViewInvalid']);
    expect(node.state.vc.realView).toBe(0);
  });

  it('validateNewViewMsg at genesis: a genesis ViewData needs its signer\'s signature and no in-flight proposal beyond sequence 1', () => {
    const node = joined(3, []);
    expect(kinds(node.receive(2, nvOf(svd(2, vdOf(1)), svd(3, vdOf(1)), svd(4, vdOf(1), 1))))).toEqual(['newViewInvalid']);
    const p2 = d2.proposal;
    expect(kinds(node.receive(2, nvOf(svd(2, vdOf(1)), svd(3, vdOf(1)), svd(4, vdOf(1, undefined, p2, true)))))).toEqual(['newViewInvalid']);
    node.receive(2, nvOf(svd(2, vdOf(1)), svd(3, vdOf(1)), svd(4, vdOf(1))));
    expect(node.state.vc.realView).toBe(1);
  });

  it('validateNewViewMsg one decision ahead: delivered, then the ViewData\'s own signature is checked: a bad one makes the message invalid (the decision stays delivered)', () => {
    const node = joined(3, [d1]);
    const out = node.receive(2, nvOf(svd(2, vdOf(1, d2), 4), svd(3, vdOf(1, d1)), svd(4, vdOf(1, d1))));
    expect(node.ledger()).toHaveLength(2);
    expect(kinds(out).at(-1)).toBe('newViewInvalid');
    expect(node.state.vc.realView).toBe(0);
  });

  it('extractViewDataMessages: CheckInFlight counts every ViewData of the NewView, a signer\'s second one included', () => {
    const node = joined(3, [d1, d2]);
    const out = node.receive(2, nvOf(svd(2, vdOf(1, d2, p3, true)), svd(3, vdOf(1, d2)), svd(4, vdOf(1, d2)), svd(2, vdOf(1, d2, p3, true))));
    expect(kinds(out)).toEqual(['inFlightWaitTwoTicks']);
  });

  it('"deliver": a node one decision behind delivers the highest last decision, then starts the view after it', () => {
    const node = joined(3, [d1]);
    const out = node.receive(2, nvOf(svd(2, vdOf(1, d2)), svd(3, vdOf(1, d1)), svd(4, vdOf(1, d1))));
    expect(node.ledger().map((d) => d.seq)).toEqual([1, 2]);
    expect(logs(out).find((l) => l.kind === 'deliver')?.args[0]).toBe(2);
    expect(node.state.vc.realView).toBe(1);
    expect(node.state.view.seq).toBe(3);
    expect(node.wal().at(-1)).toEqual({ type: 'NewView', viewId: 1, latestSequence: 2, decisionsInView: 0 });
  });

  it('fewer than Q valid ViewData: the view is not started, but a valid decision one ahead is delivered first (validateNewViewMsg delivers as it checks)', () => {
    const node = joined(3, [d1]);
    const out = node.receive(2, nvOf(svd(2, vdOf(1, d2)), svd(3, vdOf(1, d2))));
    expect(node.ledger()).toHaveLength(2);
    expect(kinds(out).at(-1)).toBe('newViewInvalid');
    expect(node.state.vc.realView).toBe(0);
  });

  it('an empty NewView, or one for the next view from a node that will not lead it, is dropped (not kept for later)', () => {
    const node = new OneConsenter(3, 4, { ledger: [d1, d2] });
    expect(kinds(node.receive(2, nvOf()))).toEqual(['wrongNewViewSender']);
    expect(kinds(node.receive(1, nvOf(...good(d2))))).toEqual([]);
    node.receive(1, vcMsg(1));
    const out = node.receive(4, vcMsg(1));
    expect(kinds(out)).not.toContain('wrongNewViewSender');
    expect(node.state.vc.realView).toBe(0);
  });

  it('TestCommitWhileHavingInFlight: an agreed in-flight proposal this node has already decided is not committed again', () => {
    const node = joined(3, [d1, d2]);
    // All three report d1 last and d2's proposal prepared: CheckInFlight agrees on it (sequence 2); this node has decided 2.
    const out = node.receive(2, nvOf(svd(2, vdOf(1, d1, d2.proposal, true)), svd(3, vdOf(1, d1, d2.proposal, true)), svd(4, vdOf(1, d1))));
    expect(kinds(out)).not.toContain('inFlightWaitTwoTicks');
    expect(node.state.vc.realView).toBe(1);
    expect(node.wal().at(-1)).toEqual({ type: 'NewView', viewId: 1, latestSequence: 2, decisionsInView: 0 });
  });

  it('"sync": a node more than one decision behind syncs and does not start the view', () => {
    const node = joined(3, []);
    const out = node.receive(2, nvOf(...good(d2)));
    expect(kinds(out)).toContain('bftSyncInitiated');
    expect(node.ledger()).toEqual([]);
    expect(node.state.vc.realView).toBe(0);
  });

  it('a node at the same decision as all does not deliver, and one ahead of some still starts the view', () => {
    const node = joined(3, [d1, d2]);
    const out = node.receive(2, nvOf(svd(2, vdOf(1, d2)), svd(3, vdOf(1, d2)), svd(4, vdOf(1, d1))));
    expect(kinds(out)).not.toContain('deliver');
    expect(node.state.vc.realView).toBe(1);
  });

  it('an agreed in-flight proposal is committed first ("Waiting two ticks before starting in-flight view")', () => {
    const node = joined(3, [d1, d2]);
    const out = node.receive(2, nvOf(svd(2, vdOf(1, d2, p3, true)), svd(3, vdOf(1, d2, p3, true)), svd(4, vdOf(1, d2))));
    expect(kinds(out)).toEqual(['inFlightWaitTwoTicks']);
    expect(node.state.vc.pendingInFlight?.proposal.digest).toBe(p3.digest);
    expect(node.state.vc.realView).toBe(0);
  });

  it('CheckInFlight not ok: no view change', () => {
    const node = joined(3, [d1, d2]);
    const other = withDigest({ ...p3, header: 'another block' });
    const out = node.receive(2, nvOf(svd(2, vdOf(1, d2, p3, true)), svd(3, vdOf(1, d2, other, true)), svd(4, vdOf(1, d2))));
    expect(kinds(out)).toEqual([]);
    expect(node.state.vc.realView).toBe(0);
  });
});

describe('CheckInFlight (viewchanger.go; TestCheckInFlightNoProposal, TestCheckInFlightWithProposal), n=4: f=1, Q=3', () => {
  const P = (digest: string, seq = 2): Proposal => ({ header: 'h', payload: [], metadata: { viewId: 0, latestSequence: seq, decisionsInView: 0 }, digest });
  const last = (seq: number): Decision => ({ seq } as Decision);
  const v = (lastSeq: number, inFlight: Proposal | undefined, prepared: boolean): SignedViewData => ({ viewData: vdOf(1, lastSeq === 0 ? undefined : last(lastSeq), inFlight, prepared), signer: 0, signature: '' });
  const run = (...list: SignedViewData[]) => checkInFlight(new OneConsenter(2, 4).state, list);
  const p = P('P');
  const q = P('Q');

  it('no in-flight proposal in a quorum: ok, none', () => {
    expect(run(v(1, undefined, false), v(1, undefined, false), v(1, undefined, false))).toEqual({ ok: true, proposal: undefined });
    expect(run(v(1, undefined, false), v(1, undefined, false), v(1, undefined, false), v(1, p, true))).toEqual({ ok: true, proposal: undefined });
  });

  it('A: f+1 hold the proposal one prepared and a quorum does not argue: ok, that proposal (exactly f+1 is enough)', () => {
    expect(run(v(1, p, true), v(1, p, false), v(1, undefined, false), v(1, undefined, false))).toEqual({ ok: true, proposal: p });
  });

  it('the expected sequence is the highest last decision + 1: proposals at other sequences are no argument and not in flight', () => {
    const p3 = P('P3', 3);
    expect(run(v(2, p3, true), v(1, p3, false), v(1, undefined, false))).toEqual({ ok: true, proposal: p3 });
    // Prepared, but at the old expected sequence: not a candidate; three "no in flight" make B.
    expect(run(v(2, undefined, false), v(1, p, true), v(1, p, true))).toEqual({ ok: true, proposal: undefined });
  });

  it('a quorum argues (another proposal at the sequence): not A; B when a quorum has none prepared', () => {
    expect(run(v(1, p, true), v(1, p, false), v(1, q, false), v(1, q, false))).toEqual({ ok: true, proposal: undefined });
  });

  it('neither A nor B: not ok', () => {
    expect(run(v(1, p, true), v(1, q, true), v(1, undefined, false))).toEqual({ ok: false, proposal: undefined });
    expect(run(v(1, p, true), v(1, q, true), v(1, p, false))).toEqual({ ok: false, proposal: undefined });
  });

  it('every prepared proposal is a candidate: the second one can be the agreed one', () => {
    expect(run(v(1, p, true), v(1, q, true), v(1, q, false), v(1, undefined, false))).toEqual({ ok: true, proposal: q });
  });

  it('a proposal at another sequence does not argue: it counts towards the quorum of A', () => {
    expect(run(v(1, p, true), v(1, p, false), v(1, P('R', 1), false))).toEqual({ ok: true, proposal: p });
  });

  it('the same prepared proposal reported twice is one candidate', () => {
    expect(run(v(1, p, true), v(1, p, true), v(1, q, true), v(1, undefined, false))).toEqual({ ok: true, proposal: p });
  });
});

describe('processMsg (viewchanger.go): helping the lagging nodes, wrong views', () => {
  /** Node 3 joined view 1, whose change timed out: it is changing to view 2 (currView 1, nextView 2, realView 0). */
  function changingToView2(): OneConsenter {
    const node = joined(3);
    node.runUntil(21_000);
    expect(node.state.vc).toMatchObject({ currView: 1, nextView: 2, realView: 0 });
    return node;
  }

  it('an older view change from a node whose highest view it is: re-broadcast with reason "lagging view change"', () => {
    const node = changingToView2();
    const out = node.receive(1, vcMsg(1));
    expect(reasons(out)).toEqual(['lagging view change']);
    expect(logs(out)).toEqual([{ kind: 'helpLaggingViewChange', args: [3, 'ViewChange nv1', 1, 1, 2] }]);
  });

  it('a view change for a view beyond the next one: "got viewChange message ... expected view", no help', () => {
    const node = changingToView2();
    const out = node.receive(1, vcMsg(5));
    expect(sent(out)).toEqual([]);
    expect(logs(out)).toEqual([{ kind: 'wrongViewChange', args: [3, 'ViewChange nv5', 1, 5, 2] }]);
  });

  it('a view change for the view already started (not above realView): no help', () => {
    const node = new OneConsenter(3, 4, { wal: [{ type: 'NewView', viewId: 1, latestSequence: 0, decisionsInView: 0 }] });
    node.receive(2, vcMsg(2));
    node.receive(4, vcMsg(2)); // joined view 2
    node.runUntil(node.now + 21_000); // and changing to view 3
    expect(node.state.vc).toMatchObject({ currView: 2, nextView: 3, realView: 1 });
    expect(sent(node.receive(1, vcMsg(1)))).toEqual([]);
  });
});

describe('commitInFlightProposal (viewchanger.go; TestCommitInFlight, TestDontCommitInFlight), one consenter', () => {
  let d1: Decision;
  let d2: Decision;
  let p3: Proposal;
  beforeEach(() => {
    ({ d1, d2, p3 } = chain());
  });
  function committing(): OneConsenter {
    const node = joined(3, [d1, d2]);
    node.receive(2, { type: 'NewView', signedViewData: [svd(2, vdOf(1, d2, p3, true)), svd(3, vdOf(1, d2, p3, true)), svd(4, vdOf(1, d2))] });
    return node;
  }
  const commit = (signer: number) => ({ type: 'Commit' as const, view: 0, seq: 3, digest: p3.digest, signature: sign(signer, p3.digest), assist: false });

  it('decided: WAL NewView with the in-flight sequence, view 1 started after it, nothing more sent', () => {
    const node = committing();
    const ticks = timeline(node, node.now + 2_000).flatMap(([, o]) => o);
    expect(sent(ticks).filter((x) => x.startsWith('Commit'))).toEqual(['Commit v0 s3->1', 'Commit v0 s3->2', 'Commit v0 s3->4']);
    node.receive(2, commit(2));
    const out = node.receive(4, commit(4));
    expect(logs(out).find((l) => l.kind === 'inFlightCommitted')!.args).toEqual([0, 3]);
    expect(node.ledger().map((d) => d.seq)).toEqual([1, 2, 3]);
    expect(node.wal().at(-1)).toEqual({ type: 'NewView', viewId: 1, latestSequence: 3, decisionsInView: 0 });
    expect(logs(out).find((l) => l.kind === 'startView')!.args).toEqual([1, 4, 0]);
    expect(sent(out).filter((x) => x.startsWith('ViewChange'))).toEqual([]);
    expect(node.state.vc).toMatchObject({ realView: 1, pendingInFlight: undefined, checkTimeout: false });
  });

  it('the in-flight view leaves the view sequences inactive (view.go stores them only at a decision and when a view ends; util.go when the controller starts a view): the old leader sends no heartbeat while it runs', () => {
    const node = joined(1, [d1, d2]);
    node.receive(2, { type: 'NewView', signedViewData: [svd(2, vdOf(1, d2, p3, true)), svd(3, vdOf(1, d2, p3, true)), svd(4, vdOf(1, d2))] });
    const ticks = timeline(node, node.now + 15_000);
    expect(node.state.view).toMatchObject({ inFlightOnly: true, stopped: false });
    expect(node.state.viewSeq.active).toBe(false);
    expect(ticks.flatMap(([, o]) => sent(o)).filter((x) => x.startsWith('HeartBeat'))).toEqual([]);
  });

  it('the in-flight view leaves InFlightData as it was (state.go stores it only with the WAL records, which that view does not write): after its timeout, the next ViewData reports this node\'s own in-flight state', () => {
    // Node 4 never saw p3's PrePrepare: after the failed in-flight view it still has no in-flight proposal.
    const node = joined(4, [d1, d2]);
    node.receive(2, { type: 'NewView', signedViewData: [svd(2, vdOf(1, d2, p3, true)), svd(3, vdOf(1, d2, p3, true)), svd(4, vdOf(1, d2))] });
    timeline(node, 25_000);
    expect(node.state.vc).toMatchObject({ realView: 0, currView: 1, nextView: 2, pendingInFlight: undefined });
    node.receive(1, vcMsg(2));
    const out = node.receive(2, vcMsg(2));
    const vd = sends(out).find((x) => x.msg.type === 'ViewData' && x.to === 3)!.msg as ViewDataMsg;
    expect(vd.signed.viewData).toMatchObject({ nextView: 2, inFlightProposal: undefined, inFlightPrepared: false });
  });

  it('not decided by the view-change timeout: "Timeout expired waiting on In-flight", not changing the view, a view change to view 2', () => {
    const node = committing();
    const ticks = timeline(node, 25_000);
    const [, out] = ticks.find(([, o]) => kinds(o).includes('inFlightTimeout'))!;
    expect(logs(out).filter((l) => l.kind.startsWith('inFlight'))).toEqual([
      { kind: 'inFlightTimeout', args: [0, 3] },
      { kind: 'inFlightUnable', args: [3] },
    ]);
    expect(facts(out, 'bft.viewChangeTimeout')).toEqual([{ type: 'bft.viewChangeTimeout', view: 1, backOffFactor: 2 }]);
    expect(reasons(out)).toEqual(['view change timeout']);
    expect(node.state.vc).toMatchObject({ realView: 0, currView: 1, nextView: 2, pendingInFlight: undefined });
    // No resend while the in-flight view waited.
    const before = ticks.filter(([t]) => t < 20_000).flatMap(([, o]) => o);
    expect(reasons(before)).toEqual([]);
    expect(node.wal()).toHaveLength(1);
  });
});

describe('InformNewView (viewchanger.go; TestInformViewChanger): sync found a view', () => {
  let d1: Decision;
  let d2: Decision;
  let p3: Proposal;
  beforeEach(() => {
    ({ d1, d2, p3 } = chain());
  });
  /** Node `node` syncs: nothing to fetch (heights 3), and f+1 others report view `view` at sequence 3. */
  function syncTo(node: OneConsenter, view: number): Effects {
    const out = node.step({ kind: 'timer', name: 'syncOnStart' });
    const req = sends(out).find((x) => x.msg.type === 'HeightRequest')!.msg as HeightRequest;
    const all = [...out];
    for (const id of [1, 2, 4]) all.push(...node.receive(id, { type: 'HeightResponse', syncId: req.syncId, height: 3 }));
    for (const id of [1, 2, 4]) all.push(...node.receive(id, { type: 'StateTransferResponse', viewNum: view, sequence: 3 }));
    return all;
  }

  it('a later view: current, real and next view all move there, the view change is over (no timeout)', () => {
    const node = joined(3, [d1, d2]);
    const out = syncTo(node, 4);
    expect(logs(out).find((l) => l.kind === 'informNewView')!.args).toEqual([3, 4]);
    expect(node.state.vc).toMatchObject({ currView: 4, realView: 4, nextView: 4, checkTimeout: false, backOffFactor: 1 });
    expect(metric(out, 'consensus_smartbft_viewchange_real_view')).toEqual([4]);
    const ticks = timeline(node, node.now + 30_000).flatMap(([, o]) => o);
    expect(facts(ticks, 'bft.viewChangeTimeout')).toEqual([]);
  });

  it('the view it is changing to (current view, not yet real): that view becomes real', () => {
    const node = joined(3, [d1, d2]);
    const out = syncTo(node, 1);
    expect(kinds(out)).toContain('informNewView');
    expect(node.state.vc).toMatchObject({ currView: 1, realView: 1, nextView: 1, checkTimeout: false });
  });

  it('a view the view changer has moved past (it joined view 2 after view 1 timed out): not taken, the view change to 2 goes on ("was informed of view %d, but the current view is %d")', () => {
    const node = joined(4, [d1, d2]);
    // Run its timers up to view 1's timeout, which starts a sync and a view change to view 2.
    let req: HeightRequest | undefined;
    while (req === undefined) {
      const out = node.runUntil(Math.min(...node.timers.values()));
      req = sends(out).find((x) => x.msg.type === 'HeightRequest')?.msg as HeightRequest | undefined;
    }
    node.receive(1, vcMsg(2));
    node.receive(2, vcMsg(2));
    expect(node.state.vc).toMatchObject({ realView: 0, currView: 2, nextView: 2 });
    const all: Effects = [];
    for (const id of [1, 2, 3]) all.push(...node.receive(id, { type: 'HeightResponse', syncId: req.syncId, height: 3 }));
    for (const id of [1, 2, 3]) all.push(...node.receive(id, { type: 'StateTransferResponse', viewNum: 1, sequence: 3 }));
    expect(facts(all, 'bft.synced')).toHaveLength(1);
    expect(kinds(all)).not.toContain('informNewView');
    expect(node.state.vc).toMatchObject({ realView: 0, currView: 2, nextView: 2, checkTimeout: true });
  });

  it('a sync that finds no view above the Controller\'s informs the view changer of nothing (controller.go sync: InformNewView only when newViewNum > controllerViewNum): a vote already counted is kept', () => {
    const node = new OneConsenter(3, 4, { ledger: [d1, d2] });
    node.receive(1, vcMsg(1));
    const out = syncTo(node, 0);
    expect(facts(out, 'bft.synced')).toHaveLength(1);
    expect(kinds(out)).not.toContain('informNewView');
    expect([...node.state.vc.votes.keys()]).toEqual([1]);
  });

  it('while committing an in-flight proposal: the in-flight view ends, and the view-change messages that waited are handled in the new view', () => {
    const node = joined(3, [d1, d2]);
    node.receive(2, { type: 'NewView', signedViewData: [svd(2, vdOf(1, d2, p3, true)), svd(3, vdOf(1, d2, p3, true)), svd(4, vdOf(1, d2))] });
    expect(node.state.vc.pendingInFlight).toBeDefined();
    node.receive(1, vcMsg(5));
    expect(node.state.vc.votes.size).toBe(0);
    syncTo(node, 4);
    expect(node.state.vc.pendingInFlight).toBeUndefined();
    expect(node.state.vc.deferred).toEqual([]);
    expect([...node.state.vc.votes.keys()]).toEqual([1]);
    expect(node.state.vc).toMatchObject({ currView: 4, realView: 4 });
  });
});

describe('Controller: consensus messages of a view not started yet are held until it starts (controller.go ProcessMessages during a view change)', () => {
  let d1: Decision;
  let d2: Decision;
  let p3: Proposal;
  beforeEach(() => {
    ({ d1, d2, p3 } = chain());
  });
  const prepare = (view: number, seq: number, digest = 'd'): ConsensusMessage => ({ type: 'Prepare', view, seq, digest, assist: false });
  const newView = (): NewView => ({ type: 'NewView', signedViewData: [svd(2, vdOf(1, d2)), svd(3, vdOf(1, d2)), svd(4, vdOf(1, d2))] });
  /** The PrePrepare of view 1's leader (2) for sequence 3. */
  function prePrepare(node: OneConsenter): ConsensusMessage {
    const proposal = withDigest(node.state.app.assemble(p3.payload, { viewId: 1, latestSequence: 3, decisionsInView: 0 }, d2));
    return { type: 'PrePrepare', view: 1, seq: 3, proposal };
  }

  it('a PrePrepare for the view it is changing to waits, and is processed when the NewView starts that view (a Prepare to all)', () => {
    const node = joined(3, [d1, d2]);
    const held = node.receive(2, prePrepare(node));
    expect([sent(held), kinds(held)]).toEqual([[], []]);
    expect(node.state.earlyMessages).toHaveLength(1);
    const out = node.receive(2, newView());
    expect(sent(out).filter((x) => x.startsWith('Prepare'))).toEqual(['Prepare v1 s3->1', 'Prepare v1 s3->2', 'Prepare v1 s3->4']);
    expect(node.state.earlyMessages).toHaveLength(0);
  });

  it('held while the view is stopped whatever its view; on start, a later view\'s message is kept, an older one dropped, neither processed', () => {
    const node = joined(3, [d1, d2]);
    node.receive(2, prepare(2, 3));
    node.receive(2, prepare(0, 3));
    expect(node.state.earlyMessages).toHaveLength(2);
    const out = node.receive(2, newView());
    expect(kinds(out)).not.toContain('wrongView');
    expect(node.state.earlyMessages.map((e) => e.msg.view)).toEqual([2]);
  });

  it('at most 8 per consenter (32 for n=4): the oldest is dropped', () => {
    const node = joined(3, [d1, d2]);
    for (let i = 0; i < 33; i++) node.receive(2, prepare(1, 3, `d${i}`));
    expect(node.state.earlyMessages).toHaveLength(32);
    expect((node.state.earlyMessages[0]!.msg as { digest: string }).digest).toBe('d1');
  });

  it('not held before joining a view change: a complainer\'s stopped view drops messages (current view not changed yet)', () => {
    const node = new OneConsenter(3, 4, { ledger: [d1, d2] });
    node.receive(1, vcMsg(1)); // one vote: not joined, the view still runs
    node.receive(2, prepare(0, 3));
    expect(node.state.earlyMessages).toHaveLength(0);
    timeline(node, 70_000);
    expect(node.state.view.stopped).toBe(true);
    expect(node.state.vc).toMatchObject({ realView: 0, currView: 0 });
    node.receive(2, prepare(0, 3, 'x'));
    node.receive(2, prepare(1, 3, 'y'));
    expect(node.state.earlyMessages).toHaveLength(0);
  });

  it('while the in-flight view runs: a message for the new view waits, one for a view beyond it does not, the in-flight view\'s own is processed', () => {
    const node = joined(3, [d1, d2]);
    node.receive(2, { type: 'NewView', signedViewData: [svd(2, vdOf(1, d2, p3, true)), svd(3, vdOf(1, d2, p3, true)), svd(4, vdOf(1, d2))] });
    timeline(node, node.now + 2_000);
    expect(node.state.view).toMatchObject({ inFlightOnly: true, number: 0, stopped: false });
    node.receive(2, prepare(1, 4));
    expect(node.state.earlyMessages).toHaveLength(1);
    node.receive(2, prepare(2, 4));
    expect(node.state.earlyMessages).toHaveLength(1);
    const commit = (signer: number): ConsensusMessage => ({ type: 'Commit', view: 0, seq: 3, digest: p3.digest, signature: sign(signer, p3.digest), assist: false });
    node.receive(2, commit(2));
    node.receive(4, commit(4));
    expect(node.ledger()).toHaveLength(3);
    expect(node.state.earlyMessages).toHaveLength(0);
  });
});

describe('Controller.currViewNumber (controller.go): the in-flight proposal\'s View is the ViewChanger\'s, the Controller keeps its own view', () => {
  it('a proposal of view 0 committed in flight by a node whose Controller runs view 1: respondToStateTransferRequest reports view 1, and the decision\'s Deliver reports view 1\'s leader (chain.go reportIsLeader, GetLeaderID)', () => {
    const { d1, d2, p3 } = chain();
    // Node 4 WAL-s view 0's PrePrepare for sequence 3 (in flight, not prepared) ...
    const node = new OneConsenter(4, 4, { ledger: [d1, d2] });
    node.receive(1, { type: 'PrePrepare', view: 0, seq: 3, proposal: p3 });
    expect(node.state.inFlight?.proposal.digest).toBe(p3.digest);
    // ... then starts view 1 from a NewView that agrees on no in-flight proposal ...
    node.receive(1, vcMsg(1));
    node.receive(3, vcMsg(1));
    node.receive(2, { type: 'NewView', signedViewData: [svd(2, vdOf(1, d2)), svd(3, vdOf(1, d2)), svd(4, vdOf(1, d2))] });
    expect(node.state.view).toMatchObject({ number: 1, seq: 3, stopped: false });
    // ... and view 2's NewView agrees on p3 (f+1 hold it, one prepared).
    node.receive(1, vcMsg(2));
    node.receive(2, vcMsg(2));
    node.receive(3, { type: 'NewView', signedViewData: [svd(3, vdOf(2, d2, p3, true)), svd(2, vdOf(2, d2, p3, true)), svd(4, vdOf(2, d2, p3))] });
    timeline(node, node.now + 2_000);
    expect(node.state.view).toMatchObject({ inFlightOnly: true, number: 0, stopped: false });
    expect(sends(node.receive(1, { type: 'StateTransferRequest' }))).toEqual([{ to: 1, msg: { type: 'StateTransferResponse', viewNum: 1, sequence: 3 } }]);
    const commit = (signer: number): ConsensusMessage => ({ type: 'Commit', view: 0, seq: 3, digest: p3.digest, signature: sign(signer, p3.digest), assist: false });
    node.receive(2, commit(2));
    const out = node.receive(3, commit(3));
    expect(logs(out).find((l) => l.kind === 'inFlightCommitted')!.args).toEqual([0, 3]);
    expect(metric(out, 'consensus_BFT_leader_id')).toEqual([2]);
    expect(logs(out).find((l) => l.kind === 'startView')!.args).toEqual([2, 4, 0]);
  });
});

describe('More ViewChanger rules found by mutation testing (npm run mutate, viewchanger.go)', () => {
  let d1: Decision;
  let d2: Decision;
  let p3: Proposal;
  beforeEach(() => {
    ({ d1, d2, p3 } = chain());
  });
  const nv = (...signed: SignedViewData[]): NewView => ({ type: 'NewView', signedViewData: signed });

  it('startViewChange: a complaint about a view older than the current one is dropped ("has a view change request with an old view"): a heartbeat timeout after joining view 1 starts no change to view 2', () => {
    const node = new OneConsenter(3, 4, { ledger: [d1, d2] }, { LeaderHeartbeatTimeout: 10_000 });
    node.receive(1, vcMsg(1));
    node.receive(4, vcMsg(1));
    expect(node.state.vc).toMatchObject({ realView: 0, currView: 1, nextView: 1 });
    const all = timeline(node, 15_000).flatMap(([, o]) => o);
    expect(logs(all).find((l) => l.kind === 'heartbeatTimeoutComplain')?.args).toEqual([1]);
    expect(sent(all).filter((x) => x.startsWith('ViewChange nv2'))).toEqual([]);
    expect(node.state.vc).toMatchObject({ currView: 1, nextView: 1 });
  });

  it('view-change messages that wait for the in-flight proposal: at most 8 per consenter (32 for n=4), the later ones dropped; the kept ones are handled in order once it is committed', () => {
    const node = joined(3, [d1, d2]);
    node.receive(2, nv(svd(2, vdOf(1, d2, p3, true)), svd(3, vdOf(1, d2, p3, true)), svd(4, vdOf(1, d2))));
    timeline(node, node.now + 2_000);
    for (let i = 0; i < 31; i++) node.receive(2, vcMsg(5));
    node.receive(1, vcMsg(2)); // the 32nd: kept
    node.receive(4, vcMsg(2)); // the 33rd: dropped
    expect(node.state.vc.votes.size).toBe(0);
    const commit = (signer: number): ConsensusMessage => ({ type: 'Commit', view: 0, seq: 3, digest: p3.digest, signature: sign(signer, p3.digest), assist: false });
    node.receive(2, commit(2));
    const out = node.receive(4, commit(4));
    expect(node.ledger()).toHaveLength(3);
    expect(kinds(out).filter((k) => k === 'wrongViewChange')).toHaveLength(31);
    expect([...node.state.vc.votes.keys()]).toEqual([1]);
    expect(node.state.vc).toMatchObject({ realView: 1, currView: 1 });
  });

  it('validateNewViewMsg: a ViewData whose in-flight proposal was swapped after it was signed fails its signature check: the NewView is invalid', () => {
    const node = joined(3, [d1, d2]);
    const other = withDigest({ ...p3, header: 'another block' });
    const swapped: SignedViewData = { ...svd(4, vdOf(1, d2, p3, true)), viewData: vdOf(1, d2, other, true) };
    const out = node.receive(2, nv(svd(2, vdOf(1, d2)), swapped, svd(3, vdOf(1, d2))));
    expect(kinds(out)).toEqual(['newViewInvalid']);
    expect(node.state.vc.realView).toBe(0);
  });

  it('getInFlight: committedDuringViewChange hides only the proposal one before it; a new leader that delivered d2 from a ViewData, then proposed sequence 3, reports that proposal in its next ViewData', () => {
    const node = new OneConsenter(2, 4, { ledger: [d1] });
    node.receive(3, vcMsg(1));
    node.receive(4, vcMsg(1));
    node.receive(3, vdMsg(svd(3, vdOf(1, d2)))); // one ahead: d2 delivered
    node.receive(4, vdMsg(svd(4, vdOf(1, d2))));
    expect(node.state.view).toMatchObject({ number: 1, seq: 3, stopped: false });
    node.step({ kind: 'command', command: { type: 'submit', request: { clientId: 'c', reqId: 'r', size: 100, payload: null } } });
    node.runUntil(node.now + 1_000);
    const p = node.state.inFlight?.proposal;
    expect(p?.metadata.latestSequence).toBe(3);
    node.receive(3, vcMsg(2));
    const out = node.receive(4, vcMsg(2));
    const vd = sends(out).find((x) => x.msg.type === 'ViewData')!.msg as ViewDataMsg;
    expect(vd.signed.viewData.lastDecision?.seq).toBe(2);
    expect(vd.signed.viewData.inFlightProposal?.digest).toBe(p!.digest);
  });

  it('processViewDataMsg after validateViewDataMsg (voteSet.registerVote): a sender\'s first ViewData counts, a second valid one is not registered over it', () => {
    const leader = joined(2, [d1, d2]);
    leader.receive(3, vdMsg(svd(3, vdOf(1, d2))));
    leader.receive(3, vdMsg(svd(3, vdOf(1, d2, p3, true))));
    const out = leader.receive(4, vdMsg(svd(4, vdOf(1, d2, p3))));
    const msg = sends(out).find((x) => x.msg.type === 'NewView')!.msg as NewView;
    expect(msg.signedViewData.map((x) => [x.signer, x.viewData.inFlightProposal?.digest])).toEqual([
      [2, undefined],
      [3, undefined],
      [4, p3.digest],
    ]);
    expect(kinds(out)).not.toContain('inFlightWaitTwoTicks');
    expect(leader.state.vc.realView).toBe(1);
  });
});
