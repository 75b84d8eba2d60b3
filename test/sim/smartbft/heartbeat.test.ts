/**
 * HeartbeatMonitor rules (internal/bft/heartbeatmonitor.go) and Controller.OnHeartbeatTimeout
 * (controller.go) for a leader that stopped sending heartbeats (StopLeaderSendMsg).
 */
import { describe, expect, it } from 'vitest';
import { sign } from '../../../src/sim/consensus/crypto.ts';
import { consenterStatus, type Request } from '../../../src/sim/smartbft/api.ts';
import { BftCluster, logKinds } from './harness.ts';
import { logs, OneConsenter, sends } from './one.ts';

const request: Request = { clientId: 'c', reqId: 'tx1', size: 100, payload: null };

/** Leader 1 of 4, alone: its request is never decided, so 22 s later it stops heartbeating. */
function silentLeader(): OneConsenter {
  const node = new OneConsenter(1, 4);
  node.step({ kind: 'command', command: { type: 'submit', request } });
  const out = node.runUntil(23_000);
  const lines = logs(out).filter((l) => l.kind.startsWith('request') || l.kind === 'stopLeaderSendMsg');
  expect(lines.map((l) => l.kind)).toEqual(['requestLeaderNothing', 'requestLeaderStopHeartbeat', 'stopLeaderSendMsg']);
  expect(node.state.hb.stopSending).toBe(true);
  return node;
}

describe('HeartbeatMonitor: a leader that stopped sending heartbeats', () => {
  it('OnHeartbeatTimeout (controller.go): its heartbeat timeout never makes it complain about itself', () => {
    const node = silentLeader();
    const out = node.runUntil(200_000);
    const kinds = logs(out).map((l) => l.kind);
    expect(kinds).toContain('heartbeatTimeout');
    expect(kinds).not.toContain('heartbeatTimeoutComplain');
    expect(sends(out).filter((x) => x.msg.type === 'ViewChange')).toEqual([]);
    expect(node.state.vc.nextView).toBe(0);
  });

  it('handleHeartBeat (heartbeatmonitor.go): it accepts a heartbeat of a higher view from any node, and syncs', () => {
    const node = silentLeader();
    const out = node.receive(3, { type: 'HeartBeat', view: 1, seq: 1 });
    expect(logs(out).map((l) => l.kind)).toEqual(['bftSyncInitiated']);
    expect(sends(out).filter((x) => x.msg.type === 'HeightRequest').map((x) => x.to)).toEqual([2, 3, 4]);
  });

  it('StopLeaderSendMsg: it still follows the leader role for HeartBeatResponses (f+1 of a higher view make it sync, once)', () => {
    const node = silentLeader();
    expect(logs(node.receive(2, { type: 'HeartBeatResponse', view: 1 }))).toEqual([]); // 1 < f+1
    const out = node.receive(3, { type: 'HeartBeatResponse', view: 1 });
    expect(logs(out).map((l) => l.kind)).toEqual(['heartbeatResponseSync', 'bftSyncInitiated']);
    // Go's syncReq: no second sync from responses until the role changes.
    expect(logs([...node.receive(2, { type: 'HeartBeatResponse', view: 1 }), ...node.receive(4, { type: 'HeartBeatResponse', view: 1 })])).toEqual([]);
  });

  it('after a heal it rejoins the new view within about one heartbeat interval (n=4)', () => {
    const c = new BftCluster({ n: 4, keep: true });
    c.run(1_000);
    c.isolate(1);
    c.submit('c', 1);
    // 2, 3, 4 complain at 22 s and move to view 1; leader 1 stops heartbeating at 22 s.
    c.run(30_000);
    expect([2, 3, 4].map((id) => consenterStatus(c.state(id)!).view)).toEqual([1, 1, 1]);
    expect(c.state(1)!.hb.stopSending).toBe(true);
    c.heal();
    const healed = c.sim.now;
    // Node 2 heartbeats every LeaderHeartbeatTimeout / LeaderHeartbeatCount = 6 s when idle.
    const r = c.sim.run({ until: healed + 60_000, stopWhen: () => consenterStatus(c.state(1)!).view === 1 });
    expect(r.reason).toBe('condition');
    expect(c.sim.now - healed).toBeLessThan(9_000);
    expect(logKinds(c.records, 'orderer1')).not.toContain('smartbft.heartbeatTimeoutComplain');
  });
});

// Per-rule tests of internal/bft/heartbeatmonitor.go (SmartBFT v1.0.1), in the style of its
// heartbeatmonitor_test.go: one consenter of 4 (leader 1, f=1), fed one tick or one
// heartbeat at a time.
const heartbeatsIn = (out: ReturnType<OneConsenter['receive']>): number[] =>
  sends(out)
    .filter((x) => x.msg.type === 'HeartBeat')
    .map((x) => x.to);
const kindsOf = (out: ReturnType<OneConsenter['receive']>): string[] => logs(out).map((l) => l.kind);

describe('HeartbeatMonitor.leaderTick (heartbeatmonitor.go)', () => {
  it('an idle leader sends HeartBeat{view, seq} to all once LeaderHeartbeatTimeout / LeaderHeartbeatCount (6 s) have passed, not before', () => {
    const leader = new OneConsenter(1, 4);
    expect(heartbeatsIn(leader.tickAt(5_999))).toEqual([]);
    const out = leader.tickAt(6_000);
    expect(sends(out)).toEqual([2, 3, 4].map((to) => ({ to, msg: { type: 'HeartBeat', view: 0, seq: leader.state.viewSeq.seq } })));
    expect(heartbeatsIn(leader.tickAt(11_999))).toEqual([]);
    expect(heartbeatsIn(leader.tickAt(12_000))).toEqual([2, 3, 4]);
  });

  it('no heartbeat while the view is inactive ("ViewSequence uninitialized or view inactive")', () => {
    const leader = new OneConsenter(1, 4);
    leader.receive(3, { type: 'ViewChange', nextView: 1, reason: 'test' });
    leader.receive(4, { type: 'ViewChange', nextView: 1, reason: 'test' });
    expect(leader.state.viewSeq.active).toBe(false);
    expect(heartbeatsIn(leader.tickAt(6_000))).toEqual([]);
  });
});

describe('HeartbeatMonitor.followerTick (heartbeatmonitor.go)', () => {
  it('TestHeartbeatTimeoutCausesViewChange: after LeaderHeartbeatTimeout without the leader, the follower complains once', () => {
    const node = new OneConsenter(2, 4);
    expect(kindsOf(node.tickAt(59_999))).toEqual([]);
    const out = node.tickAt(60_000);
    expect(logs(out)[0]).toEqual({ kind: 'heartbeatTimeout', args: ['1m0s', 1, '1m0s'] });
    expect(kindsOf(out)).toContain('heartbeatTimeoutComplain');
    expect(sends(out).filter((x) => x.msg.type === 'ViewChange').map((x) => x.to)).toEqual([1, 3, 4]);
    // timedOut: once per role change.
    expect(kindsOf([...node.tickAt(61_000), ...node.tickAt(121_000), ...node.tickAt(200_000)])).not.toContain('heartbeatTimeout');
  });
});

describe('HeartbeatMonitor.handleHeartBeat (heartbeatmonitor.go), follower 2 of 4', () => {
  it('a heartbeat of a lower view is answered with HeartBeatResponse{our view}, to its sender only', () => {
    // Node 3 restarts in view 1 (leader 2) from a NewView WAL record.
    const node = new OneConsenter(3, 4, { wal: [{ type: 'NewView', viewId: 1, latestSequence: 0, decisionsInView: 0 }] });
    expect(sends(node.receive(1, { type: 'HeartBeat', view: 0, seq: 0 }))).toEqual([{ to: 1, msg: { type: 'HeartBeatResponse', view: 1 } }]);
  });

  it('a heartbeat from a node that is not the leader is ignored: it does not hold off the timeout', () => {
    const fromLeader = new OneConsenter(2, 4);
    const fromOther = new OneConsenter(2, 4);
    for (const node of [fromLeader, fromOther]) node.tickAt(50_000);
    const seq = fromLeader.state.viewSeq.seq;
    expect(sends(fromLeader.receive(1, { type: 'HeartBeat', view: 0, seq }))).toEqual([]);
    expect(sends(fromOther.receive(3, { type: 'HeartBeat', view: 0, seq }))).toEqual([]);
    expect(kindsOf(fromLeader.tickAt(60_000))).toEqual([]);
    expect(kindsOf(fromOther.tickAt(60_000))).toContain('heartbeatTimeout');
  });

  it('a heartbeat of a higher view from the leader makes the follower sync', () => {
    const node = new OneConsenter(2, 4);
    expect(kindsOf(node.receive(1, { type: 'HeartBeat', view: 1, seq: 0 }))).toEqual(['bftSyncInitiated']);
  });

  it('TestFollowerBehindSync: a leader two sequences ahead makes it sync at once', () => {
    const node = new OneConsenter(2, 4);
    const seq = node.state.viewSeq.seq;
    expect(kindsOf(node.receive(1, { type: 'HeartBeat', view: 0, seq: seq + 2 }))).toEqual(['bftSyncInitiated']);
  });

  it('TestFollowerBehindSync: one sequence ahead for NumOfTicksBehindBeforeSyncing (10) ticks makes it sync, then it counts again', () => {
    const node = new OneConsenter(2, 4);
    const seq = node.state.viewSeq.seq;
    expect(kindsOf(node.receive(1, { type: 'HeartBeat', view: 0, seq: seq + 1 }))).toEqual([]);
    for (let t = 1; t <= 9; t++) expect(kindsOf(node.tickAt(t * 1_000))).toEqual([]);
    const tenth = node.tickAt(10_000);
    expect(logs(tenth)[0]).toEqual({ kind: 'behindSync', args: [seq, 10] });
    expect(kindsOf(tenth)).toContain('bftSyncInitiated');
    const next = [];
    for (let t = 11; t <= 19; t++) next.push(...node.tickAt(t * 1_000));
    expect(kindsOf(next)).not.toContain('behindSync');
  });

  it('a heartbeat at our sequence clears "behind"; so does one while the view is inactive', () => {
    const caughtUp = new OneConsenter(2, 4);
    const seq = caughtUp.state.viewSeq.seq;
    caughtUp.receive(1, { type: 'HeartBeat', view: 0, seq: seq + 1 });
    caughtUp.receive(1, { type: 'HeartBeat', view: 0, seq });
    const ticks = [];
    for (let t = 1; t <= 12; t++) ticks.push(...caughtUp.tickAt(t * 1_000));
    expect(kindsOf(ticks)).toEqual([]);

    const inactive = new OneConsenter(2, 4);
    inactive.receive(1, { type: 'HeartBeat', view: 0, seq: seq + 1 });
    inactive.receive(3, { type: 'ViewChange', nextView: 1, reason: 'test' });
    inactive.receive(4, { type: 'ViewChange', nextView: 1, reason: 'test' });
    expect(inactive.state.viewSeq.active).toBe(false);
    expect(kindsOf(inactive.receive(1, { type: 'HeartBeat', view: 0, seq: seq + 1 }))).toEqual([]);
    const later = [];
    for (let t = 1; t <= 12; t++) later.push(...inactive.tickAt(t * 1_000));
    expect(kindsOf(later)).not.toContain('behindSync');
  });
});

describe('HeartbeatMonitor.handleHeartBeatResponse (heartbeatmonitor.go), leader 1 of 4', () => {
  it('TestHeartbeatResponseLeader: f+1 distinct senders of a higher view make the leader sync, once', () => {
    const leader = new OneConsenter(1, 4);
    expect(kindsOf(leader.receive(2, { type: 'HeartBeatResponse', view: 1 }))).toEqual([]);
    expect(kindsOf(leader.receive(2, { type: 'HeartBeatResponse', view: 1 }))).toEqual([]);
    const out = leader.receive(3, { type: 'HeartBeatResponse', view: 1 });
    expect(logs(out)[0]).toEqual({ kind: 'heartbeatResponseSync', args: [1] });
    expect(kindsOf(out)).toContain('bftSyncInitiated');
  });

  it('responses that do not show a higher view are not counted', () => {
    const leader = new OneConsenter(1, 4);
    leader.receive(2, { type: 'HeartBeatResponse', view: 0 });
    expect(kindsOf(leader.receive(3, { type: 'HeartBeatResponse', view: 1 }))).toEqual([]);
  });

  it('a follower ignores HeartBeatResponses', () => {
    const node = new OneConsenter(2, 4);
    node.receive(3, { type: 'HeartBeatResponse', view: 1 });
    expect(kindsOf(node.receive(4, { type: 'HeartBeatResponse', view: 1 }))).toEqual([]);
  });
});

describe('HeartbeatMonitor: the behind counter (heartbeatmonitor.go followerTick)', () => {
  it('a fresh follower is not behind: no sync however many ticks pass without a heartbeat ahead', () => {
    const node = new OneConsenter(2, 4);
    const ticks = [];
    for (let t = 1; t <= 15; t++) ticks.push(...node.tickAt(t * 1_000));
    expect(kindsOf(ticks)).toEqual([]);
  });

  it('TestFollowerBehindSync: more heartbeats one sequence ahead, at the same sequence, do not restart the count', () => {
    const node = new OneConsenter(2, 4);
    const seq = node.state.viewSeq.seq;
    node.receive(1, { type: 'HeartBeat', view: 0, seq: seq + 1 });
    for (let t = 1; t <= 5; t++) node.tickAt(t * 1_000);
    node.receive(1, { type: 'HeartBeat', view: 0, seq: seq + 1 });
    const rest = [];
    for (let t = 6; t <= 10; t++) rest.push(...node.tickAt(t * 1_000));
    expect(kindsOf(rest)).toContain('behindSync');
  });
});

describe('InjectArtificialHeartbeat (controller.go ProcessMessages) into handleHeartBeat (heartbeatmonitor.go) with artificial set, follower 2 of 4', () => {
  const prepare = (view: number, seq: number) => ({ type: 'Prepare' as const, view, seq, digest: 'd', assist: false });

  it('a message from the leader clears "behind" (artificial heartbeats do not compare sequences): no sync after NumOfTicksBehindBeforeSyncing ticks', () => {
    const node = new OneConsenter(2, 4);
    const seq = node.state.viewSeq.seq;
    node.receive(1, { type: 'HeartBeat', view: 0, seq: seq + 1 });
    expect(node.state.hb.followerBehind).toBe(true);
    node.tickAt(1_000);
    node.receive(1, prepare(0, seq + 1));
    expect(node.state.hb.followerBehind).toBe(false);
    const ticks = [];
    for (let t = 2; t <= 15; t++) ticks.push(...node.tickAt(t * 1_000));
    expect(kindsOf(ticks)).toEqual([]);
    // A follower's message does not.
    const other = new OneConsenter(2, 4);
    other.receive(1, { type: 'HeartBeat', view: 0, seq: seq + 1 });
    other.receive(3, prepare(0, seq + 1));
    const more = [];
    for (let t = 1; t <= 10; t++) more.push(...other.tickAt(t * 1_000));
    expect(kindsOf(more)).toContain('behindSync');
  });

  it('a message of a lower view from the leader is answered with HeartBeatResponse{our view}, to the leader only', () => {
    // Node 3 restarts in view 1 (leader 2) from a NewView WAL record.
    const node = new OneConsenter(3, 4, { wal: [{ type: 'NewView', viewId: 1, latestSequence: 0, decisionsInView: 0 }] });
    const out = sends(node.receive(2, prepare(0, 1)));
    expect(out.filter((x) => x.msg.type === 'HeartBeatResponse')).toEqual([{ to: 2, msg: { type: 'HeartBeatResponse', view: 1 } }]);
    // From a node that is not the leader: none (only the leader's messages are injected).
    const fromOther = new OneConsenter(3, 4, { wal: [{ type: 'NewView', viewId: 1, latestSequence: 0, decisionsInView: 0 }] });
    expect(sends(fromOther.receive(4, prepare(0, 1)))).toEqual([]);
  });

  it('a message from the leader counts as a heartbeat while the View is stopped (here: syncing after f+1 commits ahead)', () => {
    const node = new OneConsenter(2, 4);
    node.tickAt(50_000);
    const later = { type: 'Commit' as const, view: 0, seq: 5, digest: 'later', assist: false };
    node.receive(3, { ...later, signature: sign(3, 'later') });
    node.receive(4, { ...later, signature: sign(4, 'later') });
    expect(node.state.view.stopped).toBe(true);
    node.receive(1, prepare(0, 1));
    // The last heartbeat is now (50 s), not the start of the view (0 s).
    expect(kindsOf(node.tickAt(60_000))).toEqual([]);
    expect(kindsOf(node.tickAt(109_000))).toEqual([]);
    expect(kindsOf(node.tickAt(110_000))).toContain('heartbeatTimeout');
  });
});

describe('HeartbeatMonitor: rules pinned after the 2026-12-03 mutation run', () => {
  it('ChangeRole logs "Changing to follower role, current view: 0, current leader: 1" when the first view starts', () => {
    const node = new OneConsenter(2, 4);
    expect(logs(node.effects).filter((l) => l.kind === 'changeRole')).toEqual([{ kind: 'changeRole', args: ['follower', 0, 1] }]);
  });

  it('handleHeartBeat (artificial): a message of a higher view from the leader is not a heartbeat: the timeout still runs from the view\'s start', () => {
    const node = new OneConsenter(2, 4);
    node.tickAt(50_000);
    node.receive(1, { type: 'Prepare', view: 1, seq: 1, digest: 'd', assist: false });
    expect(kindsOf(node.tickAt(60_000))).toContain('heartbeatTimeout');
  });
});
