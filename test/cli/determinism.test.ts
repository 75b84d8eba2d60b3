/**
 * `run --check-determinism` compares two runs in bounded memory: the first run's canonical
 * lines go to a spool on disk, the second run's are compared with them as they come. The
 * answer is `firstDivergence`'s over both runs' records kept in memory.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { DivergenceWatch, firstDivergence } from '../../src/cli/execute.ts';
import { fileSpool, memorySpool } from '../../src/io/spool.ts';
import type { TraceRecord } from '../../src/sim/kernel/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'fbs-determinism-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const record: fc.Arbitrary<TraceRecord> = fc.oneof(
  fc.record({ t: fc.integer({ min: 0, max: 9 }), k: fc.constant('note' as const), text: fc.constantFrom('x', 'a\nb', 'é😀', '"q"') }),
  fc.record({ t: fc.integer({ min: 0, max: 9 }), k: fc.constantFrom('crash' as const, 'restart' as const), node: fc.constantFrom('peer0.org3', 'orderer.org3') }),
);

function watched(spool: ReturnType<typeof fileSpool>, a: readonly TraceRecord[], b: readonly TraceRecord[]): ReturnType<DivergenceWatch['divergence']> {
  const w = new DivergenceWatch(spool);
  try {
    for (const r of a) w.first(r);
    for (const r of b) w.second(r);
    expect(w.records).toBe(a.length);
    return w.divergence();
  } finally {
    w.dispose();
  }
}

describe('DivergenceWatch', () => {
  it('names the record firstDivergence names (identical, changed, shorter, longer runs), on disk and in memory', () => {
    fc.assert(
      fc.property(fc.array(record, { maxLength: 30 }), fc.array(record, { maxLength: 5 }), fc.nat(30), (a, tail, cut) => {
        // the second run: a copy, cut short, with a different tail (or none)
        const b = [...a.slice(0, cut), ...tail];
        const want = firstDivergence(a, b);
        expect(watched(fileSpool(dir), a, b)).toEqual(want);
        expect(watched(memorySpool(() => {}), a, b)).toEqual(want);
        expect(watched(fileSpool(dir), a, [...a])).toBeUndefined();
      }),
      { numRuns: 200 },
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it('more records than one read-back chunk: a divergence near the end is found', () => {
    const a: TraceRecord[] = Array.from({ length: 60_000 }, (_, i) => ({ t: i, k: 'note', text: `note ${i} ${'x'.repeat(20)}` }));
    const b = [...a];
    b[59_990] = { t: 59_990, k: 'note', text: 'other' };
    expect(watched(fileSpool(dir), a, b)).toEqual(firstDivergence(a, b));
    expect(watched(fileSpool(dir), a, b)?.index).toBe(59_990);
  });
});
