/**
 * scripts/fidelity-spread.ts: which steps of a scenario are an orderer's catch-up after its
 * restart (a draw of the others' gRPC redial jitter), the model's spread of their times over
 * seeds on the real model, with the seeds that did not catch up, and the verdicts against it.
 */
import { describe, expect, it } from 'vitest';
import { drawOutcome, inSpread, LOCAL_POLL_MS, restartCatchUps, spreadText, stepSpreads } from '../../scripts/fidelity-spread.ts';
import { DEFAULT_PROFILE, type CalibrationProfile } from '../../src/sim/fabric/profile.ts';
import { findBuiltin, type BuiltinScenario } from '../../src/scenarios/builtins/index.ts';

const build = (name: string) => (findBuiltin(name) as BuiltinScenario).build({ orderers: 4 });

describe('fidelity: a restart catch-up is judged against the model\'s spread over seeds', () => {
  it('finds the catch-ups of an orderer after its start with nothing but issues between, and no other wait', () => {
    expect([...restartCatchUps(build('rolling-restart'))]).toEqual([5, 9, 13, 17]);
    // beyond-f: step 8 right after orderer.dataforge's start; step 15 after orderer.org3's start
    // (13) and one issue (14). Step 11 waits for a peer.
    expect([...restartCatchUps(build('beyond-f'))]).toEqual([8, 15]);
    // kill-orderer sleeps 5 s and reads the node's status after its start: the redials are done.
    expect([...restartCatchUps(build('kill-orderer'))]).toEqual([]);
  });

  it('rolling-restart at the fidelity options: the catch-ups spread over seconds, as the two real runs did', async () => {
    const sc = build('rolling-restart');
    const spreads = await stepSpreads(sc, new Set([5]), { smartbft: { LeaderHeartbeatTimeout: 10_000, RequestComplainTimeout: 8_000 }, ordererBackoffMaxMs: 3_000 }, 5);
    const s = spreads.get(5);
    expect(s?.seeds).toBe(5);
    // One redial wait capped at 3 s +-20%: seeds draw different waits.
    expect((s?.max ?? 0) - (s?.min ?? 0)).toBeGreaterThanOrEqual(1_000);
    expect(s?.max).toBeLessThanOrEqual(3_600 + 2_000 + LOCAL_POLL_MS);
  });

  it('a seed whose run never reaches the step counts as not caught up, not as one that did', async () => {
    const sc = build('kill-orderer');
    const beyond = sc.steps.length + 1;
    const spreads = await stepSpreads(sc, new Set([beyond]), { smartbft: {}, ordererBackoffMaxMs: 3_000 }, 2);
    const s = spreads.get(beyond)!;
    expect(s.stuck).toEqual([1, 2]);
    expect(Number.isNaN(s.min)).toBe(true);
    expect(drawOutcome(true, s)).toEqual({ same: false, why: 'the model caught up on none of seeds 1-2' });
  });

  it('beyond-f\'s step 15 with a block write as slow as calibrate\'s p95: seeds 1 and 2 do not catch up (a sync one block short), seed 3 does, on its view change\'s timeout', async () => {
    const deliver = DEFAULT_PROFILE.figures.deliver!;
    const profile: CalibrationProfile = { ...DEFAULT_PROFILE, figures: { ...DEFAULT_PROFILE.figures, deliver: { ...deliver, p50Ms: deliver.p95Ms } } };
    const spreads = await stepSpreads(build('beyond-f'), new Set([15]), { smartbft: { LeaderHeartbeatTimeout: 10_000, RequestComplainTimeout: 8_000 }, ordererBackoffMaxMs: 3_000, profile }, 3);
    const s = spreads.get(15)!;
    expect(s).toEqual({ min: 30_500, max: 30_500, seeds: 3, stuck: [1, 2] });
    const ms = (x: number) => `${(x / 1000).toFixed(1)} s`;
    expect(spreadText(s, ms)).toBe(`in the model's 30.5 s-30.5 s (seeds 1-3; seeds 1, 2 did not catch up) ± ${ms(LOCAL_POLL_MS)}`);
    // A real run stuck the same way is one of the model's draws; one that caught up is judged by its time.
    expect(drawOutcome(false, s)).toEqual({ same: true, why: 'a draw: the model did not catch up on seeds 1, 2 of 1-3 either' });
    expect(drawOutcome(true, s)).toEqual({ same: true, why: 'a draw: the model caught up on 1 of seeds 1-3' });
    expect(drawOutcome(true, { ...s, stuck: [] })).toEqual({ same: true, why: '' });
  });

  it('a draw\'s outcome: a real run that did not catch up differs when every seed did; one that did differs when no seed did', () => {
    expect(drawOutcome(false, { min: 1_500, max: 31_000, seeds: 20, stuck: [] })).toEqual({ same: false, why: 'the model caught up on all of seeds 1-20' });
    const none = { min: NaN, max: NaN, seeds: 2, stuck: [1, 2] };
    expect(drawOutcome(true, none)).toEqual({ same: false, why: 'the model caught up on none of seeds 1-2' });
    expect(inSpread(2_000, none)).toBe(false);
    expect(spreadText(none, String)).toBe("in the model's range, but none of seeds 1-2 caught up");
  });

  it('a real time is within the spread give or take the poll', () => {
    const s = { min: 1_500, max: 4_000, seeds: 20, stuck: [] };
    expect(inSpread(4_200, s)).toBe(true);
    expect(inSpread(1_000, s)).toBe(true);
    expect(inSpread(4_600, s)).toBe(false);
    expect(inSpread(900, s)).toBe(false);
  });
});
