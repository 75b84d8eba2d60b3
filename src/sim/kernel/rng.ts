/**
 * Seeded randomness with independent named streams.
 *
 * `Rng.create(seed).fork('network').fork('link:a->b')` derives a stream from the root
 * seed and the path of names alone, never from how many numbers any other stream has
 * drawn: adding a node, or a draw in one place, shifts no other stream (VOPR-style
 * derived seeds). The generator is xoroshiro128+ as pure-rand 7 implements it (its
 * `xoroshiro128plus.fromState` and `unsafeNext`, the same numbers bit for bit: pinned by
 * test/sim/kernel/rng.test.ts), with its four 32-bit state words held on the stream
 * itself: a draw on the hot path (one per message per link) then reads one object, not
 * two (at n=64 the 4,032 links' generators were a cache miss each).
 */
import { hash32 } from '../../shared/hash.ts';

const TWO_POW_32 = 4294967296;

export class Rng {
  /** xoroshiro128+ state, as pure-rand's fields s01, s00, s11, s10 (32-bit words). */
  private s01: number;
  private s00: number;
  private s11: number;
  private s10: number;

  private constructor(
    /** The run's root seed. */
    readonly seed: number,
    /** The names this stream was forked by, joined with `/` (empty for the root). */
    readonly path: string,
  ) {
    // The full 128-bit state from four independent hashes of (seed, path): thousands of
    // streams (one per link at n = 64) must not collide, as 32-bit seeds could.
    const key = `${seed}:${path}`;
    const state = [hash32(key, 0x811c9dc5), hash32(key, 0x01000193), hash32(key, 0x9e3779b9), hash32(key, 0x7f4a7c15)];
    if (!state.some((w) => w !== 0)) state[0] = 1;
    // pure-rand's fromState([s01, s00, s11, s10]).
    this.s01 = (state[0] as number) | 0;
    this.s00 = (state[1] as number) | 0;
    this.s11 = (state[2] as number) | 0;
    this.s10 = (state[3] as number) | 0;
  }

  /** The root stream of a run. `seed` must be a safe integer. */
  static create(seed: number): Rng {
    if (!Number.isSafeInteger(seed)) {
      throw new RangeError(`Rng.create: seed must be a safe integer, got ${String(seed)}`);
    }
    return new Rng(seed, '');
  }

  /** An independent stream named `name` below this one. Same seed and path, same numbers. */
  fork(name: string): Rng {
    return new Rng(this.seed, this.path === '' ? name : `${this.path}/${name}`);
  }

  /** The next 32-bit output (pure-rand's XoroShiro128Plus.unsafeNext). */
  private next32(): number {
    const s00 = this.s00;
    const s01 = this.s01;
    const out = (s00 + this.s10) | 0;
    const a0 = this.s10 ^ s00;
    const a1 = this.s11 ^ s01;
    this.s00 = (s00 << 24) ^ (s01 >>> 8) ^ a0 ^ (a0 << 16);
    this.s01 = (s01 << 24) ^ (s00 >>> 8) ^ a1 ^ ((a1 << 16) | (a0 >>> 16));
    this.s10 = (a1 << 5) ^ (a0 >>> 27);
    this.s11 = (a0 << 5) ^ (a1 >>> 27);
    return out;
  }

  /** A uniform float in [0, 1). */
  float(): number {
    return (this.next32() >>> 0) / TWO_POW_32;
  }

  /** A uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    if (!Number.isInteger(min) || !Number.isInteger(max) || max < min) {
      throw new RangeError(`Rng.int: need integers min <= max, got ${min}..${max}`);
    }
    return min + Math.floor(this.float() * (max - min + 1));
  }

  /** True with probability `p` (0 never draws true, 1 always does). */
  chance(p: number): boolean {
    if (p <= 0) return false;
    if (p >= 1) return true;
    return this.float() < p;
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('Rng.pick: empty array');
    return items[this.int(0, items.length - 1)] as T;
  }

  /** A standard normal draw (Box-Muller). */
  normal(): number {
    let u = this.float();
    while (u === 0) u = this.float();
    const v = this.float();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** An exponential draw with the given mean. */
  exponential(mean: number): number {
    let u = this.float();
    while (u === 0) u = this.float();
    return -Math.log(u) * mean;
  }

  /** A new array with the items in random order (Fisher-Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      const tmp = out[i] as T;
      out[i] = out[j] as T;
      out[j] = tmp;
    }
    return out;
  }
}
