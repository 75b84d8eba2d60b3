/**
 * The normal case (internal/bft/view.go, controller.go, batcher.go): three phases, Q
 * signatures per decision, one proposal in flight, batching, idle heartbeats, determinism.
 */
import { describe, expect, it } from 'vitest';
import { computeQuorum } from '../../../src/sim/consensus/quorum.ts';
import { checkAgreement, checkSequenceIntegrity, checkValidity } from '../../../src/sim/smartbft/checkers.ts';
import { BftCluster } from './harness.ts';

describe('normal case', () => {
  for (const n of [1, 4, 7]) {
    it(`every decision carries exactly Q signatures, self last (n=${n})`, () => {
      const c = new BftCluster({ n });
      c.submit('c', 3);
      expect(c.runUntilHeight(1, 5_000)).toBe(true);
      const { q } = computeQuorum(n);
      for (let id = 1; id <= n; id++) {
        const d = c.ledger(id)[0]!;
        expect(d.signatures).toHaveLength(q);
        expect(d.signatures.at(-1)?.signer).toBe(id);
      }
    });
  }

  it('batches: a full batch (RequestBatchMaxCount) goes at once, the rest after RequestBatchMaxInterval', () => {
    const c = new BftCluster({ n: 4, config: { RequestBatchMaxCount: 10 } });
    c.submit('c', 25);
    c.run(1_000);
    expect(c.ledger(1).map((d) => d.proposal.payload.length)).toEqual([10, 10, 5]);
    const times = c.decided.filter((d) => d.node === 'orderer1').map((d) => d.t);
    // The first two are full and go back to back; the last waits for the 50 ms interval.
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(50);
    expect(times[1]! - times[0]!).toBeLessThan(20);
  });

  it('one proposal in flight: the leader proposes seq s+1 only after deciding s', () => {
    const c = new BftCluster({ n: 4, keep: true, config: { RequestBatchMaxCount: 1 } });
    c.submit('c', 5);
    c.run(1_000);
    const leaderEvents = c.records.filter(
      (r) => r.k === 'send' && r.from === 'orderer1' && r.to === 'orderer2' && r.m.startsWith('PrePrepare'),
    );
    const decides = c.decided.filter((d) => d.node === 'orderer1');
    expect(leaderEvents).toHaveLength(5);
    for (let i = 1; i < 5; i++) expect(leaderEvents[i]!.t).toBeGreaterThanOrEqual(decides[i - 1]!.t);
  });

  it('an idle leader heartbeats every LeaderHeartbeatTimeout / LeaderHeartbeatCount (6s)', () => {
    const c = new BftCluster({ n: 4, keep: true });
    c.run(61_000);
    const hb = c.records.filter((r) => r.k === 'send' && r.from === 'orderer1' && r.to === 'orderer2' && r.m.startsWith('HeartBeat'));
    // On the leader's ticks (its own phase within the first second), every 6 s.
    expect(hb).toHaveLength(10);
    expect(hb[0]!.t).toBeGreaterThan(6_000);
    expect(hb[0]!.t).toBeLessThan(7_000);
    expect(hb.slice(1).map((r, i) => r.t - hb[i]!.t)).toEqual(Array(9).fill(6_000));
    // ...so no follower complains.
    expect(c.records.some((r) => r.k === 'send' && r.m.startsWith('ViewChange'))).toBe(false);
  });

  it('requests sent to all orderers are decided once; checkers agree', () => {
    const c = new BftCluster({ n: 4 });
    for (let k = 0; k < 20; k++) {
      c.submit(`client${k % 3}`, 5);
      c.run(37);
    }
    c.run(2_000);
    expect(c.height(1)).toBeGreaterThan(5);
    const ledgers = [1, 2, 3, 4].map((id) => ({ node: c.name(id), decisions: c.ledger(id) }));
    expect(checkValidity(ledgers, c.submitted).ok).toBe(true);
    expect(ledgers[0]!.decisions.reduce((a, d) => a + d.proposal.payload.length, 0)).toBe(100);
    expect(checkAgreement(c.decided).ok).toBe(true);
    expect(checkSequenceIntegrity(c.decided).ok).toBe(true);
  });

  it('the request pool rejects duplicates, decided requests and oversize ones, with SmartBFT\'s errors', () => {
    const c = new BftCluster({ n: 4, keep: true, config: { RequestMaxBytes: 1_000 } });
    const [r] = c.submit('c', 1);
    c.sim.command('orderer2', { type: 'submit', request: r });
    c.run(1_000);
    c.sim.command('orderer2', { type: 'submit', request: { ...r! } });
    c.sim.command('orderer2', { type: 'submit', request: { clientId: 'c', reqId: 'big', size: 5_000, payload: null } });
    const reasons = c.records.flatMap((x) => (x.k === 'event' && x.node === 'orderer2' && (x.e as { type: string }).type === 'bft.requestRejected' ? [(x.e as { reason: string }).reason] : []));
    expect(reasons).toEqual(['request already exists', 'request already processed', 'submitted request (5000) is bigger than request max bytes (1000)']);
    expect(c.height(1)).toBe(1);
  });

  it('same seed, same trace hash; another seed, another hash', () => {
    const run = (seed: number): string => {
      const c = new BftCluster({ n: 4, seed });
      c.submit('c', 7);
      c.run(500);
      c.sim.crash('orderer1');
      c.submit('c', 3);
      c.run(90_000);
      return c.sim.trace.hash();
    };
    expect(run(7)).toBe(run(7));
    expect(run(7)).not.toBe(run(8));
  });
});
