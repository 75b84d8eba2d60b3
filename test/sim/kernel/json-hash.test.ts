import { describe, expect, it } from 'vitest';
import { test as fcTest, fc } from '@fast-check/vitest';
import { hash32 } from '../../../src/sim/kernel/index.ts';
import { jsonHash32 } from '../../../src/sim/kernel/json-hash.ts';

/** What the trace folded before: the hash of the JSON text, or what JSON.stringify threw. */
const reference = (v: unknown): number | string => {
  try {
    return hash32(JSON.stringify(v) as string);
  } catch (e) {
    return `throws ${(e as Error).name}`;
  }
};
const streamed = (v: unknown): number | string => {
  try {
    return jsonHash32(v);
  } catch (e) {
    return `throws ${(e as Error).name}`;
  }
};

/** Any UTF-16 text, lone surrogates and control characters included. */
const rawText = fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 12 }).map((units) => String.fromCharCode(...units));

describe('jsonHash32: hash32(JSON.stringify(v)) without the text', () => {
  fcTest.prop(
    [
      fc.anything({
        key: fc.oneof(fc.string(), rawText, fc.constantFrom('0', '1', '10', '-1', '01', '4294967295', 'toJSON')),
        values: [fc.string(), rawText, fc.double(), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(undefined)],
        withBoxedValues: true,
        withMap: true,
        withSet: true,
        withDate: true,
        withNullPrototype: true,
        withSparseArray: true,
        withTypedArray: true,
        withBigInt: true,
        withObjectString: true,
      }),
    ],
    { numRuns: 1000 },
  )('the same hash (or the same throw) for any value', (v) => {
    expect(streamed(v)).toEqual(reference(v));
  });

  fcTest.prop([rawText])('the same hash for any string, escapes and surrogates included', (s) => {
    expect(jsonHash32(s)).toBe(hash32(JSON.stringify(s)));
    expect(jsonHash32({ [s]: [s] })).toBe(hash32(JSON.stringify({ [s]: [s] })));
  });

  fcTest.prop([fc.integer({ min: -(2 ** 40), max: 2 ** 40 })])('the same hash for any integer (digits written without text)', (n) => {
    for (const v of [n, n % 1e9, [n, -n], { n }]) expect(jsonHash32(v)).toBe(hash32(JSON.stringify(v)));
  });

  fcTest.prop([
    fc.array(
      fc.record({
        k1: fc.constantFrom('type', 'kind', 'name', '0', 'toJSON'),
        v1: fc.constantFrom('metric', 'log', 'x', ''),
        k2: fc.constantFrom('name', 'kind', 'type', '1'),
        v2: fc.oneof(fc.constantFrom('consensus_BFT_committed_block_number', 'smartbft.deliver', 'x'), rawText),
        rest: fc.dictionary(fc.string({ maxLength: 3 }), fc.oneof(fc.string(), fc.integer(), fc.constant(undefined), fc.array(fc.integer()))),
      }),
      { maxLength: 20 },
    ),
  ])('the same hash for events whose first two members are strings, again and again (cached prefix)', (events) => {
    for (const e of events) {
      // The first two members, then the rest (a key of the rest named like one of them replaces its value in place).
      const v = { [e.k1]: e.v1, [e.k2]: e.v2, ...e.rest };
      expect(streamed(v)).toEqual(reference(v));
      expect(streamed(v)).toEqual(reference(v));
      expect(streamed([v])).toEqual(reference([v]));
    }
  });

  it('members JSON leaves out, toJSON, -0 and non-finite numbers, cycles', () => {
    const cases: unknown[] = [
      { a: undefined, b: () => 1, c: Symbol('x'), d: 1 },
      [undefined, () => 1, Symbol('x')],
      { toJSON: () => ({ swapped: true }) },
      { toJSON: 1 },
      { n: -0, inf: Infinity, nan: NaN, big: 1e21, small: 5e-7 },
      [0, 9, 10, 99, 100, 999_999_999, 1e9, 2 ** 31, 2 ** 53 - 1, 2 ** 53, -1, -10, 1.5],
      { date: new Date(0) },
      { 2: 'b', 1: 'a', z: 'z', [-1]: 'm' },
    ];
    for (const v of cases) expect(streamed(v), JSON.stringify(v)).toEqual(reference(v));
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(streamed(cyclic)).toBe('throws TypeError');
    expect(streamed(undefined)).toBe(reference(undefined));
  });
});
