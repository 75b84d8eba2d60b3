/**
 * Deterministic ports of SmartBFT's scenario tests (test/basic_test.go) about leader loss
 * and view change. Each test names the Go test whose story it tells.
 */
import { describe, expect, it } from 'vitest';
import { checkAgreement, checkSequenceIntegrity } from '../../../src/sim/smartbft/checkers.ts';
import { consenterStatus } from '../../../src/sim/smartbft/api.ts';
import type { SavedMessage } from '../../../src/sim/smartbft/messages.ts';
import { BftCluster } from './harness.ts';

function view(c: BftCluster, id: number): number | undefined {
  const s = c.state(id);
  return s === undefined ? undefined : consenterStatus(s).view;
}

function safe(c: BftCluster): void {
  expect(checkAgreement(c.decided).ok).toBe(true);
  expect(checkSequenceIntegrity(c.decided).detail).toMatch(/consecutive/);
}

describe('view change', () => {
  it('TestLeaderInPartition: leader partitioned, the others change view and keep deciding (n=4, f=1)', () => {
    const c = new BftCluster({ n: 4 });
    c.submit('c', 2);
    expect(c.runUntilHeight(1, 5_000)).toBe(true);
    c.isolate(1);
    c.submit('c', 2);
    expect(c.runUntilHeight(2, 60_000, [2, 3, 4])).toBe(true);
    expect([2, 3, 4].map((id) => view(c, id))).toEqual([1, 1, 1]);
    expect(c.height(1)).toBe(1);
    // Complained via the request timers: 2s forward + 20s complain.
    const decided2 = c.decided.find((d) => d.seq === 2 && d.node === 'orderer2');
    expect(decided2?.t).toBeGreaterThan(22_000);
    expect(decided2?.t).toBeLessThan(23_000);
    safe(c);
  });

  it('TestLeaderInPartitionWithHealing: the old leader heals, syncs and joins view 1 as a follower (n=4, f=1)', () => {
    const c = new BftCluster({ n: 4 });
    c.submit('c', 2);
    expect(c.runUntilHeight(1, 5_000)).toBe(true);
    c.isolate(1);
    c.submit('c', 2);
    expect(c.runUntilHeight(2, 60_000, [2, 3, 4])).toBe(true);
    c.heal();
    c.run(120_000);
    c.submit('c', 2);
    expect(c.runUntilHeight(3, 30_000)).toBe(true);
    expect([1, 2, 3, 4].map((id) => view(c, id))).toEqual([1, 1, 1, 1]);
    expect(consenterStatus(c.state(1)!).role).toBe('follower');
    safe(c);
  });

  it('leader crash -> view change after the heartbeat timeout when idle (n=4, f=1)', () => {
    const c = new BftCluster({ n: 4, keep: true });
    c.submit('c', 1);
    expect(c.runUntilHeight(1, 5_000)).toBe(true);
    const crashAt = c.sim.now;
    c.sim.crash(c.name(1));
    c.run(75_000);
    expect([2, 3, 4].map((id) => view(c, id))).toEqual([1, 1, 1]);
    const timeouts = c.records.filter((r) => r.k === 'event' && (r.e as { kind?: string }).kind === 'smartbft.heartbeatTimeout');
    // Each follower times out on its own tick; one that hears Q-1 complaints first joins
    // without timing out itself.
    expect(timeouts.length).toBeGreaterThanOrEqual(2);
    // Evaluated on 1-second ticks: at most one tick after 60s of silence.
    expect(timeouts[0]!.t - crashAt).toBeGreaterThanOrEqual(59_000);
    expect(timeouts[0]!.t - crashAt).toBeLessThanOrEqual(61_000);
    c.submit('c', 1);
    expect(c.runUntilHeight(2, 5_000, [2, 3, 4])).toBe(true);
    const t = c.decided.find((d) => d.seq === 2)?.t ?? 0;
    // 60s of silence from the leader, then a view change that completes in milliseconds.
    expect(t - crashAt).toBeGreaterThan(60_000);
    safe(c);
  });

  it('TestMultiLeadersPartition: two consecutive leaders down, view 1 times out, view 2 takes over (n=7, f=2)', () => {
    const c = new BftCluster({ n: 7 });
    c.submit('c', 1);
    expect(c.runUntilHeight(1, 5_000)).toBe(true);
    c.sim.crash(c.name(1));
    c.sim.crash(c.name(2));
    c.submit('c', 1);
    expect(c.runUntilHeight(2, 120_000, [3, 4, 5, 6, 7])).toBe(true);
    expect([3, 4, 5, 6, 7].map((id) => view(c, id))).toEqual([2, 2, 2, 2, 2]);
    // 22s of request timers, then ViewChangeTimeout (20s) for the dead leader of view 1.
    const t = c.decided.find((d) => d.seq === 2)?.t ?? 0;
    expect(t).toBeGreaterThan(42_000);
    expect(t).toBeLessThan(45_000);
    safe(c);
  });

  it('TestLeaderModifiesPreprepare: a leader that corrupts its PrePrepares is replaced (n=4, f=1)', () => {
    const c = new BftCluster({ n: 4, keep: true });
    c.submit('c', 1);
    expect(c.runUntilHeight(1, 5_000)).toBe(true);
    c.sim.command(c.name(1), { type: 'byzantine', behaviour: 'corruptProposal' });
    c.submit('c', 3);
    expect(c.runUntilHeight(2, 30_000, [2, 3, 4])).toBe(true);
    expect([2, 3, 4].map((id) => view(c, id))).toEqual([1, 1, 1]);
    const bad = c.records.filter((r) => r.k === 'event' && (r.e as { kind?: string }).kind === 'smartbft.badProposal');
    expect(bad.length).toBe(3);
    // The honest blocks hold only what clients submitted.
    expect(c.ledger(2)[1]?.proposal.payload.map((r) => r.reqId)).toEqual(['tx2', 'tx3', 'tx4']);
    safe(c);
  });
});

describe('view change with an in-flight proposal', () => {
  it('TestNodeInFlightFails / TestCommitInFlight: a proposal prepared before the leader died is committed by the new view (n=4)', () => {
    const c = new BftCluster({ n: 4, keep: true });
    c.submit('c', 1);
    // Stop the world when every follower has WAL-ed its Commit (prepared) but none decided.
    const prepared = (id: number): boolean => c.sim.durable(c.name(id)).list<{ type: string }>('wal').at(-1)?.type === 'Commit';
    c.sim.run({ stopWhen: () => [2, 3, 4].every(prepared), maxEvents: 100_000 });
    expect([2, 3, 4].map((id) => c.height(id))).toEqual([0, 0, 0]);
    // Drop every Commit in flight, and lose the leader.
    c.sim.network.partition([[c.name(1)], [c.name(2)], [c.name(3)], [c.name(4)]]);
    c.run(10);
    c.sim.crash(c.name(1));
    c.heal();
    c.run(90_000);
    const inFlight = c.records.filter((r) => r.k === 'event' && (r.e as { kind?: string }).kind === 'smartbft.inFlightCommitted');
    expect(inFlight.map((r) => (r.k === 'event' ? r.node : '')).sort()).toEqual(['orderer2', 'orderer3', 'orderer4']);
    expect([2, 3, 4].map((id) => c.ledger(id)[0]?.proposal.payload[0]?.reqId)).toEqual(['tx1', 'tx1', 'tx1']);
    expect([2, 3, 4].map((id) => view(c, id))).toEqual([1, 1, 1]);
    safe(c);
  });

  it('processNewViewMsg (viewchanger.go): the NewView WAL record after an in-flight commit holds its sequence, so a restart resumes the new view', () => {
    const c = new BftCluster({ n: 4, keep: true });
    c.submit('c', 1);
    const prepared = (id: number): boolean => c.sim.durable(c.name(id)).list<{ type: string }>('wal').at(-1)?.type === 'Commit';
    c.sim.run({ stopWhen: () => [2, 3, 4].every(prepared), maxEvents: 100_000 });
    c.sim.network.partition([[c.name(1)], [c.name(2)], [c.name(3)], [c.name(4)]]);
    c.run(10);
    c.sim.crash(c.name(1));
    c.heal();
    const tail = () => c.sim.durable(c.name(3)).list<SavedMessage>('wal').at(-1);
    c.sim.run({ until: c.sim.now + 90_000, stopWhen: () => tail()?.type === 'NewView', maxEvents: 1_000_000 });
    // Go reads the sequence after commitInFlightProposal: the in-flight block's.
    expect(c.height(3)).toBe(1);
    expect(tail()).toEqual({ type: 'NewView', viewId: 1, latestSequence: 1, decisionsInView: 0 });
    c.sim.crash(c.name(3));
    c.sim.restart(c.name(3));
    expect(consenterStatus(c.state(3)!).view).toBe(1);
  });
});
