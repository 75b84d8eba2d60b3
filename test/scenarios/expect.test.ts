import { describe, expect, it } from 'vitest';
import { mismatch, resolveRefs } from '../../src/scenarios/expect.ts';

describe('expect: values and operators', () => {
  it('an object matches field by field; fields not named are not checked', () => {
    expect(mismatch({ ok: true, txID: 'tx1', block: 5 }, { ok: true })).toBeUndefined();
    expect(mismatch({ ok: false, error: 'timeout' }, { ok: true })).toBe('ok: expected true, got false');
  });

  it('gt / gte / lt / lte compare numbers and say what they saw', () => {
    expect(mismatch({ height: 8 }, { height: { gt: 7 } })).toBeUndefined();
    expect(mismatch({ height: 7 }, { height: { gt: 7 } })).toBe('height: expected > 7, got 7');
    expect(mismatch(7, { gte: 7, lte: 7 })).toBeUndefined();
    expect(mismatch(7, { lt: 7 })).toBe('expected < 7, got 7');
    expect(mismatch('7', { gt: 1 })).toBe('expected a number > 1, got "7"');
  });

  it('equals is exact (no extra fields); matches is a regular expression', () => {
    expect(mismatch({ a: 1, b: 2 }, { equals: { a: 1 } })).toBe('expected exactly {"a":1}, got {"a":1,"b":2}');
    expect(mismatch({ a: 1 }, { equals: { a: 1 } })).toBeUndefined();
    expect(mismatch({ error: 'endorsement policy not met' }, { error: { matches: '[Ee]ndorse' } })).toBeUndefined();
    expect(mismatch({ error: 'timeout' }, { error: { matches: '^endorse' } })).toBe('error: expected to match /^endorse/, got "timeout"');
  });

  it('lists match item by item', () => {
    expect(mismatch([1, 2], [1, { gt: 2 }])).toBe('[1]: expected > 2, got 2');
    expect(mismatch([1], [1, 2])).toBe('expected 2 items, got 1');
  });

  it('an empty object accepts any result object (a step recorded, not judged)', () => {
    expect(mismatch({ ok: false, error: 'x' }, {})).toBeUndefined();
  });
});

describe('references to saved values', () => {
  const vars = new Map<string, unknown>([
    ['before', { height: 7, hash: 'abc' }],
    ['count', 12],
  ]);

  it('$name and $name.field resolve anywhere in a value; $$ is a literal $', () => {
    expect(resolveRefs({ height: { gt: '$before.height' }, n: '$count', s: '$$literal' }, vars)).toEqual({ height: { gt: 7 }, n: 12, s: '$literal' });
  });

  it('a missing field names the fields there are', () => {
    expect(() => resolveRefs('$before.heigth', vars)).toThrow('reference $before.heigth: $before has no field "heigth" (fields: height, hash)');
    expect(() => resolveRefs('$count.x', vars)).toThrow('reference $count.x: $count has no field "x" (it is number 12)');
  });
});
