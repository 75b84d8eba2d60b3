import { describe, expect, test } from 'vitest';
import { compareResults, formatComparison } from '../../src/live/compare.ts';
import type { ScenarioResult, StepResult } from '../../src/scenarios/runner.ts';

function step(index: number, op: StepResult['op'], value: unknown, error: string | null = null, tookMs = 100): StepResult {
  return { index, op, name: `step ${index}`, ok: error === null, value, expected: null, error, at: index * 1000, tookMs };
}

function result(target: 'sim' | 'live', steps: StepResult[]): ScenarioResult {
  return {
    scenario: 'kill-orderer',
    seed: 1,
    target,
    passed: steps.every((s) => s.ok),
    verdict: steps.every((s) => s.ok) ? 'passed' : 'failed',
    pending: [],
    steps,
    checks: [],
    metrics: { durationMs: 0, stepsRun: steps.length, stepsFailed: 0, issued: 0, issueFailed: 0, committedBlock: {}, ledgerHeight: {} },
  };
}

describe('compare: sim beside live, verdicts on outcomes only', () => {
  test('same outcomes with different world values (blocks, heights, txIDs) are "same"', () => {
    const sim = result('sim', [step(1, 'issue', { ok: true, txID: 'a', block: 3 }), step(2, 'channelInfo', { height: 4, currentBlockHash: 'x' }), step(3, 'verify', { status: 'VALID' })]);
    const live = result('live', [step(1, 'issue', { ok: true, txID: 'b', block: 812 }), step(2, 'channelInfo', { height: 813, currentBlockHash: 'y' }), step(3, 'verify', { status: 'VALID' })]);
    const c = compareResults(sim, live, [true, false, true]);
    expect(c.rows.map((r) => r.verdict)).toEqual(['same', 'same', 'same']);
    expect(c.outcomeDiffers).toBe(false);
    expect(formatComparison(c)).toContain('no outcome differences');
  });

  test('a step that held in the simulator but failed live is "only live failed", with the live error as evidence', () => {
    const sim = result('sim', [step(1, 'issue', { ok: true })]);
    const live = result('live', [step(1, 'issue', { ok: false, error: 'API POST /api/v1/certificates answered 503: endorsement policy not met' }, 'expected ok true, got false')]);
    const c = compareResults(sim, live, [true]);
    expect(c.rows[0]).toMatchObject({ verdict: 'only live failed', why: 'expected ok true, got false' });
    expect(c.rows[0]?.liveEvidence).toBe('expected ok true, got false');
    expect(c.outcomeDiffers).toBe(true);
    expect(formatComparison(c)).toContain('OUTCOMES DIFFER');
  });

  test('without an expect, the outcome fields (status, role, ok) decide: VALID vs NOT_FOUND differs', () => {
    const sim = result('sim', [step(1, 'verify', { status: 'VALID' }), step(2, 'ordererStatus', { role: 'follower', view: 0, leader: 'orderer.techpulse', committedBlock: 5 })]);
    const live = result('live', [step(1, 'verify', { status: 'NOT_FOUND' }), step(2, 'ordererStatus', { role: 'follower', view: 0, leader: 'orderer.techpulse', committedBlock: 900 })]);
    const c = compareResults(sim, live, [false, false]);
    expect(c.rows.map((r) => r.verdict)).toEqual(['differs', 'same']);
    expect(c.rows[0]?.why).toBe('outcome {"status":"VALID"} in the simulator, {"status":"NOT_FOUND"} live');
  });

  test('log evidence from waitFor is shown on both sides; both failing the same step is the same outcome', () => {
    const simLine = '2026-03-14 10:00:05.131 UTC 0a4d INFO [orderer.consensus.smartbft.consensus] startView -> Starting view with number 0, sequence 6, and decisions 5 channel=certchannel';
    const liveLine = '2025-03-04 09:20:00.005 UTC 0005 INFO [orderer.consensus.smartbft.consensus] startView -> Starting view with number 0, sequence 812, and decisions 3 channel=certchannel';
    const sim = result('sim', [step(1, 'waitFor', simLine), step(2, 'waitFor', null, 'no line matched')]);
    const live = result('live', [step(1, 'waitFor', liveLine), step(2, 'waitFor', null, 'no line matched')]);
    const c = compareResults(sim, live, [false, false]);
    expect(c.rows.map((r) => r.verdict)).toEqual(['same', 'same']);
    expect(c.rows[0]).toMatchObject({ simEvidence: simLine, liveEvidence: liveLine });
    expect(c.outcomeDiffers).toBe(false);
  });

  test('timing differences are reported, never failed; a run that stopped early is "only one side ran"', () => {
    const sim = result('sim', [step(1, 'start', { ok: true }, null, 2_000), step(2, 'verify', { status: 'VALID' })]);
    const live = result('live', [step(1, 'start', { ok: true }, null, 41_000)]);
    const c = compareResults(sim, live, [false, true]);
    expect(c.rows[0]?.verdict).toBe('same');
    expect(c.timing).toEqual(['step 1 (step 1): 2000 ms in the simulator, 41000 ms live']);
    expect(c.rows[1]).toMatchObject({ verdict: 'only one side ran', live: '(not run)' });
    expect(c.outcomeDiffers).toBe(true);
  });
});
