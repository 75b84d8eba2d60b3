import { describe, expect, it } from 'vitest';
import { fmtTick, tickLabels, tickStep } from '../../src/report/ticks.ts';
import { renderReport } from '../../src/report/html.ts';
import { runToy } from './toy.ts';

describe('time-axis labels (src/report/ticks.ts)', () => {
  it('keeps the zeros of whole seconds (0 s, 10 s, 100 s, not " s", "1 s", "1 s") and trims only those after a decimal point', () => {
    expect(fmtTick(0, 10_000)).toBe('0 s');
    expect(fmtTick(10_000, 10_000)).toBe('10 s');
    expect(fmtTick(100_000, 10_000)).toBe('100 s');
    expect(fmtTick(20_000, 5_000)).toBe('20 s');
    // zeros after a decimal point still go
    expect(fmtTick(2_500, 500)).toBe('2.5 s');
    expect(fmtTick(2_000, 500)).toBe('2 s');
    expect(fmtTick(1_050, 50)).toBe('1.05 s');
    expect(fmtTick(250, 50)).toBe('250 ms');
    expect(fmtTick(0.25, 0.05)).toBe('0.25 ms');
  });

  it('an 832 s run is labelled 0 s ... 800 s, every label distinct', () => {
    const labels = tickLabels(0, 832_000, 8);
    expect(tickStep(832_000, 8)).toBe(100_000);
    expect(labels).toEqual(['0 s', '100 s', '200 s', '300 s', '400 s', '500 s', '600 s', '700 s', '800 s']);
    expect(new Set(tickLabels(0, 100_000, 10)).size).toBe(11);
  });

  it('the report page runs these very functions (inlined before its script)', () => {
    const html = renderReport(runToy('orderer.dataforge').input);
    expect(html).toContain(fmtTick.toString());
    expect(html).toContain(tickStep.toString());
  });
});
