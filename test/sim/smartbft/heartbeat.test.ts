/**
 * HeartbeatMonitor rules (internal/bft/heartbeatmonitor.go) and Controller.OnHeartbeatTimeout
 * (controller.go) for a leader that stopped sending heartbeats (StopLeaderSendMsg).
 */
import { describe, expect, it } from 'vitest';
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
