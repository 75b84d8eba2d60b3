import { describe, expect, it } from 'vitest';
import { measureOption, messagesPerDecisionFormula, zoneAssignment } from '../../src/sizing/measure.ts';
import { DEFAULT_CONFIG } from '../../src/sim/smartbft/config.ts';

describe('measured columns (SmartBFT consenter on the kernel)', () => {
  it('reproducible: the same seed gives the same figures and trace hashes; another seed other runs', async () => {
    const setup = { seed: 7, rttInZoneMs: 1, rttAcrossZonesMs: 30 };
    const a = await measureOption(4, [2, 1, 1], setup);
    const b = await measureOption(4, [2, 1, 1], setup);
    expect(b).toEqual(a);
    const c = await measureOption(4, [2, 1, 1], { ...setup, seed: 8 });
    expect(c.traceHashes).not.toEqual(a.traceHashes);
  });

  it('latency grows with the cross-zone RTT (n=4 over 3 zones: 10ms vs 100ms)', async () => {
    const near = await measureOption(4, [2, 1, 1], { seed: 1, rttInZoneMs: 1, rttAcrossZonesMs: 10 });
    const far = await measureOption(4, [2, 1, 1], { seed: 1, rttInZoneMs: 1, rttAcrossZonesMs: 100 });
    expect(far.latencyP50Ms).toBeGreaterThan(near.latencyP50Ms + 50);
    expect(far.latencyP99Ms).toBeGreaterThan(near.latencyP99Ms);
    expect(far.certificateLatencyMs as number).toBeGreaterThan(near.certificateLatencyMs as number);
    expect(far.decisionsPerSecond).toBeLessThan(near.decisionsPerSecond);
  });

  it('with a CPU cost per message, latency grows with n (one zone, 0.2 ms a message: n=4 vs n=16)', async () => {
    const setup = { seed: 1, rttInZoneMs: 1, rttAcrossZonesMs: 1, cpuPerMessageMs: 0.2 };
    const small = await measureOption(4, [4], setup);
    const large = await measureOption(16, [16], setup);
    // The leader of 16 checks 15 prepares and 15 commits per block where the leader of 4 checks 3 and 3.
    expect(large.latencyP50Ms).toBeGreaterThan(small.latencyP50Ms + 2);
    const free = await measureOption(16, [16], { ...setup, cpuPerMessageMs: 0 });
    expect(large.latencyP50Ms).toBeGreaterThan(free.latencyP50Ms);
  });

  it('messages per decision grow as (n-1)(2n+1)+n(n-Q): 31, 104, 219, 376 for n = 4, 7, 10, 13', () => {
    expect([4, 7, 10, 13].map(messagesPerDecisionFormula)).toEqual([31, 104, 219, 376]);
  });

  it('leader crash: the heartbeat path takes LeaderHeartbeatTimeout, the complain path forward + complain timeouts, each plus the view change (n=7, 3 zones)', async () => {
    const m = await measureOption(7, [3, 2, 2], { seed: 3, rttInZoneMs: 1, rttAcrossZonesMs: 30 });
    const hb = m.recoverHeartbeatMs as number;
    const cp = m.recoverComplainMs as number;
    expect(hb).toBeGreaterThanOrEqual(DEFAULT_CONFIG.LeaderHeartbeatTimeout - DEFAULT_CONFIG.TickIntervalMs);
    expect(hb).toBeLessThan(DEFAULT_CONFIG.LeaderHeartbeatTimeout + DEFAULT_CONFIG.ViewChangeTimeout);
    expect(cp).toBeGreaterThanOrEqual(DEFAULT_CONFIG.RequestForwardTimeout + DEFAULT_CONFIG.RequestComplainTimeout);
    expect(cp).toBeLessThan(hb);
    expect(m.messagesPerDecision).toBeGreaterThanOrEqual(m.formulaValue);
  });

  it('zones: round-robin deals orderers in turn, an explicit placement fills zones in order', () => {
    expect(zoneAssignment([2, 1, 1], true)).toEqual([0, 1, 2, 0]);
    expect(zoneAssignment([2, 1, 1], false)).toEqual([0, 0, 1, 2]);
  });
});
