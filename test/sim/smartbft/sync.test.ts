/**
 * Sync and state transfer: ports of SmartBFT's TestCatchingUpWithViewChange,
 * TestLeaderExclusion and TestFollowerStateTransfer, with Fabric's BFTSynchronizer
 * target height and the committed-block gauge that sync does not move.
 */
import { describe, expect, it } from 'vitest';
import { checkAgreement, checkSequenceIntegrity } from '../../../src/sim/smartbft/checkers.ts';
import { consenterStatus } from '../../../src/sim/smartbft/api.ts';
import { BftCluster } from './harness.ts';

function kindsOf(c: BftCluster, node: string): string[] {
  const out: string[] = [];
  for (const r of c.records) if (r.k === 'event' && r.node === node && (r.e as { type: string }).type === 'log') out.push((r.e as { kind: string }).kind);
  return out;
}

describe('sync', () => {
  it('TestCatchingUpWithViewChange: a disconnected follower misses blocks and a view change, then catches up (n=4, f=1)', () => {
    const c = new BftCluster({ n: 4, keep: true });
    c.submit('c', 1);
    expect(c.runUntilHeight(1, 5_000)).toBe(true);
    c.isolate(4);
    c.submit('c', 1);
    expect(c.runUntilHeight(2, 1_000, [1, 2, 3])).toBe(true);
    // The leader goes down; 2 and 3 cannot change view alone (Q-1 = 2 others needed).
    c.sim.crash(c.name(1));
    c.heal();
    c.submit('c', 1);
    expect(c.runUntilHeight(3, 120_000, [2, 3, 4])).toBe(true);
    // View 1's leader (2) rejects node 4's ViewData, a decision behind (checkLastDecision),
    // so the three meet in a later view, after view-change timeouts and syncs.
    const views = [2, 3, 4].map((id) => consenterStatus(c.state(id)!).view);
    expect(new Set(views).size).toBe(1);
    expect(views[0]).toBeGreaterThanOrEqual(2);
    // Node 4 got block 2 from the NewView's last decision or from sync, never by voting.
    expect(c.decided.filter((d) => d.node === 'orderer4' && d.seq === 2)).toHaveLength(1);
    expect(checkAgreement(c.decided).ok).toBe(true);
    expect(checkSequenceIntegrity(c.decided).ok).toBe(true);
  });

  it('a NewView whose last decision is more than one block ahead makes the follower sync (n=4, f=1)', () => {
    const c = new BftCluster({ n: 4, keep: true });
    c.isolate(4);
    for (let k = 0; k < 3; k++) {
      c.submit('c', 1);
      c.run(200);
    }
    expect(c.runUntilHeight(3, 1_000, [1, 2, 3])).toBe(true);
    c.sim.crash(c.name(1));
    c.heal();
    c.submit('c', 1, [2, 3, 4]);
    expect(c.runUntilHeight(4, 120_000, [2, 3, 4])).toBe(true);
    const node4 = c.decided.filter((d) => d.node === 'orderer4');
    expect(node4.filter((d) => d.seq <= 3).every((d) => d.viaSync)).toBe(true);
    expect(kindsOf(c, 'orderer4')).toContain('smartbft.finishedSync');
    expect(checkAgreement(c.decided).ok).toBe(true);
  });

  it('TestLeaderExclusion: the leader never sends to one follower, who detects it from f+1 later commits and syncs (n=4, f=1)', () => {
    const c = new BftCluster({ n: 4, keep: true });
    c.sim.network.cut(c.name(1), c.name(3));
    for (let k = 0; k < 3; k++) {
      c.submit('c', 1);
      c.run(200);
    }
    expect(c.runUntilHeight(3, 30_000)).toBe(true);
    const kinds = kindsOf(c, 'orderer3');
    expect(kinds).toContain('smartbft.seenVotes');
    expect(kinds).toContain('smartbft.fetchedBlock');
    expect(c.decided.some((d) => d.node === 'orderer3' && d.viaSync)).toBe(true);
    expect(consenterStatus(c.state(3)!).view).toBe(0);
    expect(checkAgreement(c.decided).ok).toBe(true);
  });

  it('TestFollowerStateTransfer: a follower that missed the view change learns the view by state transfer (n=7, f=2)', () => {
    const c = new BftCluster({ n: 7, keep: true });
    c.submit('c', 1);
    expect(c.runUntilHeight(1, 5_000)).toBe(true);
    c.isolate(7);
    c.sim.crash(c.name(1));
    // No new requests: the view change comes from the heartbeat timeout, so no block
    // carries view 1 and only a state transfer can tell node 7 about it.
    c.run(70_000);
    expect([2, 3, 4, 5, 6].map((id) => consenterStatus(c.state(id)!).view)).toEqual([1, 1, 1, 1, 1]);
    c.heal();
    // Node 7 still believes in leader 1 of view 0; heartbeats of leader 2 (view 1) are not its leader's.
    expect(consenterStatus(c.state(7)!).view).toBe(0);
    c.run(150_000);
    const kinds = kindsOf(c, 'orderer7');
    expect(kinds).toContain('smartbft.heartbeatTimeout');
    expect(kinds).toContain('smartbft.collectorValid');
    expect(kinds).toContain('smartbft.collectedState');
    expect(consenterStatus(c.state(7)!).view).toBe(1);
    c.submit('c', 1);
    expect(c.runUntilHeight(2, 5_000, [2, 3, 4, 5, 6, 7])).toBe(true);
    expect(checkAgreement(c.decided).ok).toBe(true);
  });

  it('BFTSynchronizer target height is the (f+1)-th highest of the others (n=7, f=2)', () => {
    const c = new BftCluster({ n: 7, keep: true });
    c.isolate(7);
    for (let k = 0; k < 3; k++) {
      c.submit('c', 1);
      c.run(200);
    }
    expect(c.runUntilHeight(3, 5_000, [1, 2, 3, 4, 5, 6])).toBe(true);
    c.heal();
    // A heartbeat 2 ahead makes node 7 sync at once.
    c.run(10_000);
    expect(c.height(7)).toBe(3);
    const targets = c.records.filter((r) => r.k === 'event' && r.node === 'orderer7' && (r.e as { kind?: string }).kind === 'smartbft.targetHeight');
    expect((targets[0] as { e: { args: number[] } }).e.args).toEqual([4]);
    expect(c.state(7)!.committedBlock).toBe(0);
  });
});
