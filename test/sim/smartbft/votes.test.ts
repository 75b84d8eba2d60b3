import { describe, expect, it } from 'vitest';
import { NodeIndex, Votes } from '../../../src/sim/smartbft/votes.ts';

describe('View vote tables (votes.ts)', () => {
  for (const [what, ids] of [
    ['ids 1..n', [1, 2, 3, 4]],
    ['sparse small ids', [2, 5, 9, 11]],
    ['large ids (looked up in a Map)', [7, 1_000, 70_000, 9_000_000]],
  ] as const) {
    it(`${what}: a vote per sender, read back in arrival order, forgotten by clear`, () => {
      const index = new NodeIndex(ids);
      ids.forEach((id, i) => expect(index.of(id)).toBe(i));
      expect(index.of(3.5)).toBe(-1);
      expect(index.of(-1)).toBe(-1);
      const v = new Votes<string>(index);
      const order = [ids[2], ids[0], ids[3]] as number[];
      for (const id of order) v.set(id, `d${id}`);
      expect(v.senders).toEqual(order);
      expect(v.size).toBe(3);
      for (const id of order) expect(v.get(id)).toBe(`d${id}`);
      expect(v.has(ids[1] as number)).toBe(false);
      // A second vote of a sender replaces it in place (the View checks `has` first).
      v.set(ids[0] as number, 'again');
      expect(v.senders).toEqual(order);
      expect(v.get(ids[0] as number)).toBe('again');
      v.clear();
      expect(v.size).toBe(0);
      for (const id of ids) expect(v.has(id)).toBe(false);
      v.set(ids[1] as number, 'x');
      expect(v.senders).toEqual([ids[1]]);
    });
  }

  it('keeps a vote from an id that is not a consenter, in arrival order', () => {
    const v = new Votes<string>(new NodeIndex([1, 2, 3, 4]));
    v.set(2, 'a');
    v.set(99, 'b');
    v.set(1, 'c');
    expect(v.senders).toEqual([2, 99, 1]);
    expect(v.get(99)).toBe('b');
    v.clear();
    expect(v.has(99)).toBe(false);
  });
});
