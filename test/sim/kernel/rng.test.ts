import { describe, expect, it } from 'vitest';
import { test as fcTest, fc } from '@fast-check/vitest';
import { xoroshiro128plus } from 'pure-rand';
import { Rng } from '../../../src/sim/kernel/index.ts';
import { hash32 } from '../../../src/shared/hash.ts';

const draws = (r: Rng, n: number): number[] => Array.from({ length: n }, () => r.float());

describe('rng: seeded, independent named streams', () => {
  fcTest.prop([fc.integer(), fc.string()])('same seed and path give the same numbers', (seed, name) => {
    expect(draws(Rng.create(seed).fork(name), 5)).toEqual(draws(Rng.create(seed).fork(name), 5));
  });

  fcTest.prop([fc.integer(), fc.string()])('draws are pure-rand xoroshiro128plus from the (seed, path) state, bit for bit', (seed, name) => {
    // The state Rng derives (four hash32 of "seed:path"), fed to pure-rand's generator.
    const key = `${seed}:${name}`;
    const state = [hash32(key, 0x811c9dc5), hash32(key, 0x01000193), hash32(key, 0x9e3779b9), hash32(key, 0x7f4a7c15)];
    if (!state.some((w) => w !== 0)) state[0] = 1;
    const gen = xoroshiro128plus.fromState(state.map((w) => w | 0));
    const want = Array.from({ length: 50 }, () => (gen.unsafeNext() >>> 0) / 4294967296);
    expect(draws(Rng.create(seed).fork(name), 50)).toEqual(want);
  });

  it('different seeds give different streams', () => {
    expect(draws(Rng.create(1), 4)).not.toEqual(draws(Rng.create(2), 4));
  });

  it('a draw in one stream never shifts another stream', () => {
    const quiet = Rng.create(7);
    const a1 = quiet.fork('node:a');
    const b1 = quiet.fork('node:b');
    const expected = draws(b1, 10);

    const busy = Rng.create(7);
    const a2 = busy.fork('node:a');
    draws(a2, 1000); // node a draws a lot before b is even created
    busy.fork('node:c'); // and a new node appears
    const b2 = busy.fork('node:b');
    expect(draws(b2, 10)).toEqual(expected);
    expect(draws(a1, 3)).toEqual(draws(Rng.create(7).fork('node:a'), 3));
  });

  it('fork paths are hierarchical: a/b differs from b/a and from a', () => {
    const r = Rng.create(3);
    const ab = draws(r.fork('a').fork('b'), 3);
    expect(ab).toEqual(draws(Rng.create(3).fork('a').fork('b'), 3));
    expect(ab).not.toEqual(draws(r.fork('b').fork('a'), 3));
    expect(ab).not.toEqual(draws(r.fork('a'), 3));
    expect(r.fork('a').fork('b').path).toBe('a/b');
  });

  fcTest.prop([fc.integer(), fc.integer({ min: -50, max: 50 }), fc.integer({ min: 0, max: 100 })])(
    'int(min, max) stays within bounds',
    (seed, min, span) => {
      const r = Rng.create(seed);
      for (let i = 0; i < 20; i++) {
        const v = r.int(min, min + span);
        expect(v).toBeGreaterThanOrEqual(min);
        expect(v).toBeLessThanOrEqual(min + span);
        expect(Number.isInteger(v)).toBe(true);
      }
    },
  );

  it('chance(0) is never and chance(1) is always', () => {
    const r = Rng.create(9);
    for (let i = 0; i < 100; i++) {
      expect(r.chance(0)).toBe(false);
      expect(r.chance(1)).toBe(true);
    }
  });

  it('rejects bad arguments with messages that name the problem', () => {
    expect(() => Rng.create(1.5)).toThrow(/seed must be a safe integer/);
    expect(() => Rng.create(1).int(5, 2)).toThrow(/min <= max/);
    expect(() => Rng.create(1).pick([])).toThrow(/empty array/);
  });

  it('shuffle is a permutation, reproducible by seed', () => {
    const items = [1, 2, 3, 4, 5, 6, 7, 8];
    const s = Rng.create(11).shuffle(items);
    expect([...s].sort()).toEqual(items);
    expect(Rng.create(11).shuffle(items)).toEqual(s);
  });
});
