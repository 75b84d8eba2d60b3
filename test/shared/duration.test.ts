import { describe, expect, it } from 'vitest';
import { durationTermMs, goDuration, goDurationMs } from '../../src/shared/duration.ts';

describe('durations: one grammar', () => {
  it('one term: scenario files and the live config (rounded to whole milliseconds)', () => {
    expect(['500ms', '30s', ' 2m ', '1h', '1.5s', '0.0004s'].map(durationTermMs)).toEqual([500, 30_000, 120_000, 3_600_000, 1500, 0]);
    expect(['1m30s', '10', 's', '-1s', '1d', ''].map(durationTermMs)).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
  });

  it("terms one after another: Go's time.ParseDuration, as SmartBFT's options are written", () => {
    expect(['1m30s', '500ms', '2h', '1h2m3s4ms', '0.25m'].map(goDurationMs)).toEqual([90_000, 500, 7_200_000, 3_723_004, 15_000]);
    expect(['1m 30s', '10', ' 1s', ''].map(goDurationMs)).toEqual([undefined, undefined, undefined, undefined]);
  });
});

describe("goDuration: Go's time.Duration.String(), one formatter for Fabric's and SmartBFT's log lines", () => {
  it('whole milliseconds', () => {
    expect([0, 100, 1600, 20_000, 60_000, 200_000, 3_600_000, 9_365_673_573].map(goDuration)).toEqual(['0s', '100ms', '1.6s', '20s', '1m0s', '3m20s', '1h0m0s', '2601h34m33.573s']);
  });

  it('a fraction of a millisecond, to the nanosecond', () => {
    expect([0.5, 60_000.412].map(goDuration)).toEqual(['0.5ms', '1m0.000412s']);
  });
});
