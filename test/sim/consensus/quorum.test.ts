import { describe, expect, it } from 'vitest';
import { computeQuorum, leaderOfView, quorumIntersection } from '../../../src/sim/consensus/quorum.ts';

describe('computeQuorum (SmartBFT internal/bft/util.go, TestQuorum)', () => {
  // n -> [f, Q], from the reference table and TestQuorum.
  const table: Record<number, [number, number]> = {
    1: [0, 1],
    2: [0, 2],
    3: [0, 2],
    4: [1, 3],
    5: [1, 4],
    6: [1, 4],
    7: [2, 5],
    8: [2, 6],
    9: [2, 6],
    10: [3, 7],
    11: [3, 8],
    12: [3, 8],
    13: [4, 9],
  };
  for (const [n, [f, q]] of Object.entries(table)) {
    it(`n=${n}: f=${f}, Q=${q}, weak certificate f+1=${f + 1}`, () => {
      expect(computeQuorum(Number(n))).toEqual({ n: Number(n), f, q, weak: f + 1 });
    });
  }

  it('any two quorums share at least f+1 nodes, for n = 1..100', () => {
    for (let n = 1; n <= 100; n++) expect(quorumIntersection(n)).toBeGreaterThanOrEqual(computeQuorum(n).f + 1);
  });

  it('rejects a non-integer or empty cluster with a clear error', () => {
    expect(() => computeQuorum(0)).toThrow(/integer >= 1, got 0/);
    expect(() => computeQuorum(2.5)).toThrow(/integer >= 1/);
  });
});

describe('leaderOfView (SmartBFT getLeaderID, leader rotation off as Fabric forces it)', () => {
  it('the leader of view v is consenter (v mod n) + 1', () => {
    const consenters = [1, 2, 3, 4];
    expect([0, 1, 2, 3, 4, 5, 9].map((v) => leaderOfView(consenters, v))).toEqual([1, 2, 3, 4, 1, 2, 2]);
  });

  it('takes any list in consenter order (node ids, orderer records)', () => {
    expect(leaderOfView(['orderer.techpulse', 'orderer.dataforge', 'orderer.org3', 'orderer.ordering'], 1)).toBe('orderer.dataforge');
  });

  it('no consenters: a RangeError that says so', () => {
    expect(() => leaderOfView([], 0)).toThrow('leaderOfView: there are no consenters');
  });
});
