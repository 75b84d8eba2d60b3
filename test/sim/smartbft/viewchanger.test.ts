/**
 * ViewChanger timing and thresholds (internal/bft/viewchanger_test.go: TestBackOff,
 * TestResendViewChangeMessage; SpeedUpViewChange) and the heartbeat monitor's stale-leader
 * detection (heartbeatmonitor_test.go TestHeartbeatResponseLeader).
 */
import { describe, expect, it } from 'vitest';
import type { TraceRecord } from '../../../src/sim/kernel/index.ts';
import { consenterStatus } from '../../../src/sim/smartbft/api.ts';
import { BftCluster } from './harness.ts';

function facts(records: readonly TraceRecord[], node: string, type: string): { t: number; e: Record<string, unknown> }[] {
  const out: { t: number; e: Record<string, unknown> }[] = [];
  for (const r of records) if (r.k === 'event' && r.node === node && (r.e as { type: string }).type === type) out.push({ t: r.t, e: r.e as Record<string, unknown> });
  return out;
}

describe('ViewChanger', () => {
  it('TestBackOff: a lone complainer times out 20s, 40s, 60s after it started, syncing each time (n=4)', () => {
    const c = new BftCluster({ n: 4, keep: true });
    c.run(1_000);
    // Node 4 alone loses the leader: it complains, nobody joins.
    c.sim.network.cut(c.name(1), c.name(4));
    c.run(125_000);
    const started = c.records.find((r) => r.k === 'event' && r.node === 'orderer4' && (r.e as { kind?: string }).kind === 'smartbft.startedViewChange');
    expect(started).toBeDefined();
    const timeouts = facts(c.records, 'orderer4', 'bft.viewChangeTimeout').map((x) => x.t - started!.t);
    expect(timeouts.slice(0, 3)).toEqual([20_000, 40_000, 60_000]);
    expect(facts(c.records, 'orderer4', 'bft.syncStarted').length).toBeGreaterThanOrEqual(3);
    // The others never moved.
    expect([1, 2, 3].map((id) => consenterStatus(c.state(id)!).view)).toEqual([0, 0, 0]);
  });

  it('TestResendViewChangeMessage: first re-sent on the next tick (startViewChange leaves lastResend alone), then every ViewChangeResendInterval (5s)', () => {
    const c = new BftCluster({ n: 4, keep: true });
    c.run(1_000);
    c.sim.network.cut(c.name(1), c.name(4));
    c.run(80_000);
    const sends = c.records.filter((r) => r.k === 'send' && r.from === 'orderer4' && r.to === 'orderer2' && r.m === 'ViewChange nv1');
    const gaps = sends.slice(1, 4).map((r, i) => r.t - sends[i]!.t);
    // The heartbeat timeout fires on a tick; the ViewChanger's next tick is 1 s later.
    expect(gaps).toEqual([1_000, 5_000, 5_000]);
  });

  it('SpeedUpViewChange: a node joins after f+1 votes instead of Q-1 (n=7, f=2)', () => {
    const run = (speedUp: boolean): number => {
      const c = new BftCluster({ n: 7, keep: true, config: { SpeedUpViewChange: speedUp } });
      c.run(1_000);
      // Leader 1 cut off from 2, 3 and 4 (f+1): they complain, 5, 6 and 7 keep hearing it.
      for (const id of [2, 3, 4]) c.sim.network.cut(c.name(1), c.name(id));
      c.run(75_000);
      return consenterStatus(c.state(6)!).view;
    };
    expect(run(false)).toBe(0); // 3 votes < Q-1 = 4: nobody joins
    expect(run(true)).toBe(1); // 3 votes = f+1: 5, 6 and 7 join, and the view changes
  });

  it('TestHeartbeatResponseLeader: a stale leader syncs after f+1 HeartBeatResponses with a higher view (n=4)', () => {
    const c = new BftCluster({ n: 4, keep: true });
    c.submit('c', 1);
    c.run(1_000);
    c.isolate(1);
    c.run(70_000);
    expect([2, 3, 4].map((id) => consenterStatus(c.state(id)!).view)).toEqual([1, 1, 1]);
    c.heal();
    c.run(10_000);
    const kinds = c.records.filter((r) => r.k === 'event' && r.node === 'orderer1').map((r) => (r.k === 'event' ? (r.e as { kind?: string }).kind : ''));
    expect(kinds).toContain('smartbft.heartbeatResponseSync');
    expect(consenterStatus(c.state(1)!)).toMatchObject({ view: 1, role: 'follower', leaderId: 2 });
  });
});
