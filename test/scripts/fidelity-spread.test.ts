/**
 * scripts/fidelity-spread.ts: which steps of a scenario are an orderer's catch-up right after
 * its restart (a draw of the others' gRPC redial jitter), the model's spread of their times over
 * seeds on the real model, and the verdict against it.
 */
import { describe, expect, it } from 'vitest';
import { inSpread, LOCAL_POLL_MS, restartCatchUps, stepSpreads } from '../../scripts/fidelity-spread.ts';
import { findBuiltin, type BuiltinScenario } from '../../src/scenarios/builtins/index.ts';

const build = (name: string) => (findBuiltin(name) as BuiltinScenario).build({ orderers: 4 });

describe('fidelity: a restart catch-up is judged against the model\'s spread over seeds', () => {
  it('finds the catch-ups of the orderer the step before started, and no other wait', () => {
    expect([...restartCatchUps(build('rolling-restart'))]).toEqual([5, 9, 13, 17]);
    // kill-orderer's catch-up waits after an issue, not right after the start.
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

  it('a real time is within the spread give or take the poll', () => {
    const s = { min: 1_500, max: 4_000, seeds: 20 };
    expect(inSpread(4_200, s)).toBe(true);
    expect(inSpread(1_000, s)).toBe(true);
    expect(inSpread(4_600, s)).toBe(false);
    expect(inSpread(900, s)).toBe(false);
  });
});
