/**
 * commitInFlightProposal (internal/bft/viewchanger.go): the view that commits a NewView's
 * agreed in-flight proposal starts two ticks after the NewView, waits for its decision
 * until the view-change timeout, and on timeout leaves the view unchanged.
 */
import { describe, expect, it } from 'vitest';
import type { TraceRecord } from '../../../src/sim/kernel/index.ts';
import type { Proposal } from '../../../src/sim/smartbft/api.ts';
import { sign } from '../../../src/sim/consensus/crypto.ts';
import type { Commit, PrePrepare, SignedViewData } from '../../../src/sim/smartbft/messages.ts';
import { viewDataSummary } from '../../../src/sim/smartbft/viewchanger.ts';
import { BftCluster } from './harness.ts';
import { answerSync, logs, OneConsenter, sends } from './one.ts';

function logsOf(records: readonly TraceRecord[], node: string): { t: number; kind: string; args: readonly (string | number)[] }[] {
  const out: { t: number; kind: string; args: readonly (string | number)[] }[] = [];
  for (const r of records) {
    if (r.k !== 'event' || r.node !== node) continue;
    const e = r.e as { type: string; kind: string; args: (string | number)[] };
    if (e.type === 'log') out.push({ t: r.t, kind: e.kind.replace('smartbft.', ''), args: e.args });
  }
  return out;
}

/** Followers 2, 3, 4 prepared tx1 in view 0, no one decided, leader 1 crashed. */
function preparedThenLeaderLost(): BftCluster {
  const c = new BftCluster({ n: 4, keep: true });
  c.submit('c', 1);
  const prepared = (id: number): boolean => c.sim.durable(c.name(id)).list<{ type: string }>('wal').at(-1)?.type === 'Commit';
  c.sim.run({ stopWhen: () => [2, 3, 4].every(prepared), maxEvents: 100_000 });
  c.sim.network.partition([[c.name(1)], [c.name(2)], [c.name(3)], [c.name(4)]]);
  c.run(10);
  c.sim.crash(c.name(1));
  c.heal();
  return c;
}

/** The time node `node` got the NewView and the times it ticked. */
function newViewAt(c: BftCluster, node: string): number {
  const r = c.records.find((x) => x.k === 'deliver' && x.to === node && x.m.startsWith('NewView'));
  expect(r).toBeDefined();
  return r!.t;
}

describe('commitInFlightProposal (viewchanger.go)', () => {
  it('waits two ticks before starting the in-flight view ("Waiting two ticks before starting in-flight view")', () => {
    const c = preparedThenLeaderLost();
    c.run(90_000);
    const t = newViewAt(c, 'orderer3');
    const lines = logsOf(c.records, 'orderer3').filter((l) => l.t >= t);
    expect(lines[0]).toMatchObject({ t, kind: 'inFlightWaitTwoTicks', args: [] });
    // Its Commit for the in-flight proposal (view 0, seq 1) goes out at the second tick after the NewView.
    const commit = c.records.find((r) => r.k === 'send' && r.from === 'orderer3' && r.t >= t && r.m.startsWith('Commit v0 s1'));
    expect(commit).toBeDefined();
    expect(commit!.t - t).toBeGreaterThan(1_000);
    expect(commit!.t - t).toBeLessThanOrEqual(2_000);
    expect(lines.find((l) => l.kind === 'inFlightViewStarted')).toMatchObject({ t: commit!.t, args: [3, 0] });
    expect(lines.map((l) => l.kind)).toContain('inFlightCommitted');
  });

  it('on the view-change timeout: "Timeout expired waiting on In-flight ...", "unable to commit the in flight proposal, not changing the view"', () => {
    const c = preparedThenLeaderLost();
    // Let the NewView reach node 3, then cut it off so the in-flight view never decides.
    c.sim.run({ until: c.sim.now + 90_000, stopWhen: () => c.state(3)!.vc.pendingInFlight !== undefined });
    c.isolate(3);
    c.run(60_000);
    const lines = logsOf(c.records, 'orderer3');
    const timeout = lines.findIndex((l) => l.kind === 'inFlightTimeout');
    expect(timeout).toBeGreaterThan(-1);
    expect(lines[timeout]!.args).toEqual([0, 1]);
    expect(lines[timeout + 1]).toMatchObject({ kind: 'inFlightUnable', args: [3] });
    expect(lines.map((l) => l.kind)).not.toContain('inFlightCommitted');
    // Not changing the view: view 1 never started here; a view change to view 2 began.
    const st = c.state(3)!;
    expect(st.vc.realView).toBe(0);
    expect(st.vc.nextView).toBe(2);
    expect(c.height(3)).toBe(0);
  });
});

/** The PrePrepare leader 1 of 4 broadcasts for one request: its proposal is the in-flight one. */
function inFlightProposal(): Proposal {
  const leader = new OneConsenter(1, 4);
  leader.step({ kind: 'command', command: { type: 'submit', request: { clientId: 'c', reqId: 'tx1', size: 100, payload: null } } });
  return (sends(leader.runUntil(1_000)).find((x) => x.msg.type === 'PrePrepare')!.msg as PrePrepare).proposal;
}

/** Node 3 joined view 1 and got view 1's NewView in which 2, 3 and 4 report `p` prepared. */
function committingInFlight(p: Proposal): OneConsenter {
  const node = new OneConsenter(3, 4);
  node.receive(2, { type: 'ViewChange', nextView: 1, reason: 'test' });
  node.receive(4, { type: 'ViewChange', nextView: 1, reason: 'test' });
  const svd = (signer: number): SignedViewData => {
    const viewData = { nextView: 1, lastDecision: undefined, inFlightProposal: p, inFlightPrepared: true };
    return { viewData, signer, signature: sign(signer, viewDataSummary(viewData)).value };
  };
  const out = node.receive(2, { type: 'NewView', signedViewData: [svd(2), svd(3), svd(4)] });
  expect(logs(out).map((l) => l.kind)).toEqual(['inFlightWaitTwoTicks']);
  expect(node.state.vc.pendingInFlight?.proposal.digest).toBe(p.digest);
  return node;
}

/** committingInFlight, then its second tick: the in-flight proposal's View runs. */
function inFlightViewRunning(p: Proposal): OneConsenter {
  const node = committingInFlight(p);
  const nextTick = [...node.timers].find(([name]) => name === 'tick')![1];
  node.runUntil(nextTick + 1_000);
  expect(node.state.view.inFlightOnly).toBe(true);
  return node;
}

describe('commitInFlightProposal (viewchanger.go), one consenter', () => {
  const commitOf = (p: Proposal, signer: number): Commit => ({ type: 'Commit', view: 0, seq: 1, digest: p.digest, signature: sign(signer, p.digest), assist: false });

  it('the in-flight view starts on the second tick; view-change messages meanwhile wait until it ends', () => {
    const p = inFlightProposal();
    const node = committingInFlight(p);
    const t0 = node.now;
    // Q-1 votes for view 2 arrive while the ViewChanger is busy: not acted on yet.
    const early = [...node.receive(1, { type: 'ViewChange', nextView: 2, reason: 'test' }), ...node.receive(4, { type: 'ViewChange', nextView: 2, reason: 'test' })];
    expect(sends(early)).toEqual([]);
    expect(node.state.vc.currView).toBe(1);
    const nextTick = [...node.timers].find(([name]) => name === 'tick')![1];
    expect(sends(node.runUntil(nextTick)).filter((x) => x.msg.type === 'Commit')).toEqual([]);
    const second = node.runUntil(nextTick + 1_000);
    expect(sends(second).filter((x) => x.msg.type === 'Commit').map((x) => x.to)).toEqual([1, 2, 4]);
    expect(node.now - t0).toBeLessThanOrEqual(2_000);
    node.receive(2, commitOf(p, 2));
    const decided = node.receive(4, commitOf(p, 4));
    const kinds = logs(decided).map((l) => l.kind);
    expect(kinds).toContain('inFlightCommitted');
    expect(node.ledger().map((d) => d.seq)).toEqual([1]);
    // Then the waiting votes are handled: node 3 joins the change to view 2, which it leads.
    expect(kinds.indexOf('joiningViewChange')).toBeGreaterThan(kinds.indexOf('inFlightCommitted'));
    expect(node.state.vc.currView).toBe(2);
    expect(node.wal().map((r) => r.type)).toEqual(['ViewChange', 'NewView', 'ViewChange']);
  });
  it('discoverIfSyncNeeded (view.go) in the in-flight view: f+1 commits beyond it call the ViewChanger\'s Sync, which syncs and abandons the in-flight proposal', () => {
    const p = inFlightProposal();
    const node = inFlightViewRunning(p);
    const ahead = (signer: number): Commit => ({ type: 'Commit', view: 0, seq: 3, digest: 'ahead', signature: sign(signer, 'ahead'), assist: false });
    node.receive(2, ahead(2));
    const out = node.receive(4, ahead(4));
    expect(logs(out).map((l) => l.kind)).toEqual(['wrongSeq', 'seenVotes', 'bftSyncInitiated', 'inFlightAskedToSync', 'inFlightUnable']);
    expect(node.state.vc.pendingInFlight).toBeUndefined();
    expect(node.state.view.stopped).toBe(true);
  });
});

describe('HeartbeatMonitor during commitInFlightProposal (heartbeatmonitor.go handleCommand, controller.go startView)', () => {
  it('the in-flight view does not change the monitor\'s view and leader: ChangeRole comes only from Controller.startView', () => {
    const node = committingInFlight(inFlightProposal());
    const nextTick = [...node.timers].find(([name]) => name === 'tick')![1];
    node.runUntil(nextTick + 1_000);
    // The in-flight view runs: view 0 with node 3 itself as its leader.
    expect(node.state.view.inFlightOnly).toBe(true);
    expect(node.state.view.leaderId).toBe(3);
    // The monitor still follows view 0's leader 1 (its last ChangeRole): a heartbeat of a
    // higher view from 1 makes it sync ("Heartbeat view is bigger than expected, syncing").
    expect([node.state.hb.view, node.state.hb.leaderId]).toEqual([0, 1]);
    expect(logs(node.receive(1, { type: 'HeartBeat', view: 1, seq: 0 })).map((l) => l.kind)).toEqual(['bftSyncInitiated']);
  });
});

describe('a sync that ends while the in-flight proposal is committed (controller.go changeView; the model has one View at a time)', () => {
  it("finding nothing newer, it leaves the in-flight proposal's View running (Go restarts its own view beside it, and the in-flight View goes on)", () => {
    const p = inFlightProposal();
    const node = inFlightViewRunning(p);
    // A HeartBeat of a higher view from the monitor's leader: Controller.Sync.
    answerSync(node, node.receive(1, { type: 'HeartBeat', view: 5, seq: 1 }), 1, { view: 0, seq: 1 });
    expect(node.state.view.inFlightOnly).toBe(true);
    expect(node.state.view.stopped).toBe(false);
  });
});
