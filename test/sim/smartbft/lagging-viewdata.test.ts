/**
 * The story behind checkLastDecision (viewchanger.go), on the whole Fabric model: an
 * orderer restarted a block behind, then the leader fails with exactly Q orderers up.
 * View 1's leader rejects the laggard's ViewData, so view 1 never forms; the view change
 * times out (ViewChangeTimeout, 20 s), everyone syncs and moves on. The laggard
 * (orderer.org3, id 3) leads view 2: there the others' ViewData are one decision ahead of
 * it, which checkLastDecision accepts after delivering that decision, so view 2 forms.
 * (Were the laggard a follower of view 2, it would join view 2 on the others' votes
 * before its own timeout synced it, and view 2 would stall as well.)
 */
import { describe, expect, it } from 'vitest';
import { SimCluster } from '../../../src/sim/cluster/sim-cluster.ts';

const cert = (id: string) => ({ certID: id, studentID: 's@x.demo', studentName: 'S', courseID: 'C', courseName: 'Course', issueDate: '2026-03-14', expiryDate: '2027-03-14' });

describe('checkLastDecision (viewchanger.go) on the Fabric model', () => {
  it('an orderer restarted a block behind, then leader failure: view 2 at ~42 s, never view 1', async () => {
    const c = await SimCluster.create({ seed: 1, keep: { logs: true } });
    expect(await c.resolve('leader')).toEqual(['orderer.techpulse']);
    await c.stop('orderer.org3');
    expect((await c.issueCertificate('techpulse', cert('LAG-1'))).ok).toBe(true);
    await c.start('orderer.org3');
    expect((await c.ordererStatus('orderer.org3')).lastBlock).toBe((await c.ordererStatus('orderer.dataforge')).lastBlock - 1);
    await c.stop('orderer.techpulse');
    const t0 = c.now();
    // A request with the leader gone: forwarded at 2 s, complained about at 22 s.
    const started = await c.startLoad('dataforge', 1, 0);
    expect(started.ok).toBe(true);
    const up = ['orderer.dataforge', 'orderer.org3', 'orderer.ordering'];
    const reached = new Map<number, number>();
    await c.waitUntil(
      async () => {
        const views = await Promise.all(up.map(async (o) => (await c.ordererStatus(o)).view));
        const v = Math.min(...views);
        if (!reached.has(v)) reached.set(v, c.now() - t0);
        return v >= 2;
      },
      120_000,
      100,
    );
    expect([...reached.keys()]).toEqual([0, 2]);
    expect(reached.get(2)).toBeGreaterThan(41_000);
    expect(reached.get(2)).toBeLessThan(44_000);
    const rejected = c.allLogs('orderer.dataforge').filter((l) => l.kind === 'smartbft.viewDataLastDecisionFailed');
    expect(rejected.map((l) => l.message)).toEqual(["Node 2 got <ViewData signed by 3 with NextView: 1> from 3, but the check of the last decision didn't pass"]);
    await c.sleep(5_000);
    expect(await c.loadTally(started.load ?? -1)).toMatchObject({ issued: 1, committed: 1, failed: 0 });
  });
});
