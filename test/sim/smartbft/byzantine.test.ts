/**
 * Byzantine orderers: at most f keep safety (and liveness once they are replaced); f+1
 * equivocators can fork the honest nodes, which shows the bound is tight, and the
 * accountability checker names them.
 */
import { describe, expect, it } from 'vitest';
import { BYZANTINE_BEHAVIOURS, consenterStatus } from '../../../src/sim/smartbft/api.ts';
import { checkAccountability, checkAgreement, checkValidity } from '../../../src/sim/smartbft/checkers.ts';
import { BftCluster } from './harness.ts';

function honestLedgers(c: BftCluster, ids: readonly number[]) {
  return ids.map((id) => ({ node: c.name(id), decisions: c.ledger(id) }));
}

describe('Byzantine behaviours', () => {
  it('exports the behaviour names', () => {
    expect(BYZANTINE_BEHAVIOURS).toEqual(['silent', 'equivocate', 'twins', 'corruptProposal', 'corruptSignature', 'mutate', 'slowLeader', 'censor', 'voteAll']);
  });

  it('rejects an unknown behaviour with a clear error', () => {
    const c = new BftCluster({ n: 4 });
    expect(() => c.byzantine(1, 'sneaky')).toThrow('smartbft: unknown Byzantine behaviour "sneaky"');
  });

  it('equivocating leader, f=1: honest nodes never disagree and the cluster goes on (n=4)', () => {
    const c = new BftCluster({ n: 4 });
    c.byzantine(1, 'equivocate');
    for (let k = 0; k < 10; k++) {
      c.submit('c', 2);
      c.run(500);
    }
    c.run(120_000);
    c.submit('c', 2);
    c.run(30_000);
    const honest = c.decided.filter((d) => d.node !== 'orderer1');
    expect(checkAgreement(honest).ok).toBe(true);
    expect(checkValidity(honestLedgers(c, [2, 3, 4]), c.submitted).ok).toBe(true);
    expect(c.height(2)).toBeGreaterThanOrEqual(2);
  });

  it('the trace shows the digest of a Byzantine leader\'s PrePrepares (an equivocation: two), and none of an honest leader\'s (n=4)', () => {
    const describe = (byzantine: boolean): string[] => {
      const c = new BftCluster({ n: 4 });
      const sent: string[] = [];
      c.sim.observe((r) => {
        if (r.k === 'send' && r.m.startsWith('PrePrepare')) sent.push(r.m);
      });
      if (byzantine) c.byzantine(1, 'equivocate');
      c.submit('c', 1);
      c.run(500);
      return sent;
    };
    const honest = describe(false);
    expect(honest.length).toBe(3);
    expect(honest.every((m) => /^PrePrepare v0 s1$/.test(m))).toBe(true);
    const equivocated = describe(true);
    expect(equivocated.length).toBe(3);
    expect(equivocated.every((m) => /^PrePrepare v0 s1 #[0-9a-f]+$/.test(m))).toBe(true);
    // The first half of the followers sees one proposal, the rest another.
    expect(new Set(equivocated).size).toBe(2);
  });

  it('f+1 equivocators (leader + a follower that votes for everything) fork the honest nodes (n=4): the bound is tight', () => {
    const c = new BftCluster({ n: 4 });
    c.byzantine(1, 'equivocate');
    c.byzantine(2, 'voteAll');
    c.submit('c', 3);
    c.run(2_000);
    const honest = c.decided.filter((d) => d.node === 'orderer3' || d.node === 'orderer4');
    const agreement = checkAgreement(honest);
    expect(agreement.ok).toBe(false);
    expect(agreement.detail).toMatch(/^fork at block 1: orderer[34] decided \w+ but orderer[34] decided \w+$/);
    const acc = checkAccountability(honest);
    expect(acc.ok).toBe(false);
    expect(acc.culprits).toEqual([1, 2]);
  });

  it('corrupted signatures from f nodes are ignored; decisions carry only valid ones (n=7)', () => {
    const c = new BftCluster({ n: 7 });
    c.byzantine(3, 'corruptSignature');
    c.byzantine(5, 'corruptSignature');
    c.submit('c', 5);
    expect(c.runUntilHeight(1, 5_000, [1, 2, 4, 6, 7])).toBe(true);
    for (const id of [1, 2, 4, 6, 7]) expect(c.ledger(id)[0]!.signatures.map((s) => s.signer)).not.toContain(3);
  });

  it('a silent follower is tolerated (n=4)', () => {
    const c = new BftCluster({ n: 4 });
    c.byzantine(4, 'silent');
    c.submit('c', 5);
    expect(c.runUntilHeight(1, 5_000, [1, 2, 3])).toBe(true);
  });

  it('ByzzFuzz-style message mutation by f nodes keeps agreement (n=7)', () => {
    const c = new BftCluster({ n: 7 });
    c.byzantine(1, 'mutate');
    c.byzantine(4, 'mutate');
    for (let k = 0; k < 20; k++) {
      c.submit('c', 3);
      c.run(1_000);
    }
    c.run(200_000);
    const honest = c.decided.filter((d) => d.node !== 'orderer1' && d.node !== 'orderer4');
    expect(checkAgreement(honest).ok).toBe(true);
    expect(checkValidity(honestLedgers(c, [2, 3, 5, 6, 7]), c.submitted).ok).toBe(true);
    expect(c.height(2)).toBeGreaterThan(0);
  });

  it('a censoring leader is replaced through the request complain timeout; the victim is then served (n=4)', () => {
    const c = new BftCluster({ n: 4 });
    c.byzantine(1, 'censor:victim');
    c.submit('alice', 2);
    c.submit('victim', 1);
    c.run(5_000);
    const inView0 = c.ledger(2).flatMap((d) => d.proposal.payload.map((r) => r.clientId));
    expect(inView0).toEqual(['alice', 'alice']);
    c.run(30_000);
    expect(consenterStatus(c.state(2)!).view).toBe(1);
    expect(c.ledger(2).flatMap((d) => d.proposal.payload.map((r) => r.clientId))).toContain('victim');
  });

  it('a slow leader (just under the heartbeat timeout) is replaced only by request complaints (n=4)', () => {
    const c = new BftCluster({ n: 4, keep: true });
    c.byzantine(1, 'slowLeader');
    c.submit('c', 1);
    c.run(40_000);
    const kinds = c.records.filter((r) => r.k === 'event' && (r.e as { type: string }).type === 'log').map((r) => (r.k === 'event' ? (r.e as { kind: string }).kind : ''));
    expect(kinds).not.toContain('smartbft.heartbeatTimeout');
    expect(kinds).toContain('smartbft.requestComplain');
    expect(consenterStatus(c.state(2)!).view).toBe(1);
    expect(c.height(2)).toBe(1);
  });

  it('Twins leader (two honest copies, one identity) cannot fork the honest nodes (n=4)', () => {
    const c = new BftCluster({ n: 4, twins: [1] });
    for (let k = 0; k < 10; k++) {
      c.submit('c', 2);
      c.run(300);
    }
    c.run(120_000);
    const honest = c.decided.filter((d) => d.node !== 'orderer1');
    expect(honest.length).toBeGreaterThan(0);
    expect(checkAgreement(honest).ok).toBe(true);
    expect(checkValidity(honestLedgers(c, [2, 3, 4]), c.submitted).ok).toBe(true);
  });

  it('behaviour can be switched off mid-run', () => {
    const c = new BftCluster({ n: 4 });
    c.byzantine(4, 'silent');
    c.submit('c', 1);
    c.run(1_000);
    c.byzantine(4, null);
    c.submit('c', 1);
    c.run(1_000);
    expect(c.ledger(1).at(-1)!.signatures).toHaveLength(3);
    expect(c.height(4)).toBe(2);
  });
});
