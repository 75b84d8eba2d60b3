/**
 * CLI output details and the check command's extra outputs: log evidence in time order,
 * --json times to the microsecond, check progress every 10% on a log file, check
 * --report, run on a directory, byzantine-leader's default of 7 orderers.
 */
import { describe, expect, it } from 'vitest';
import { logEvidence, resultJson } from '../../src/cli/format.ts';
import { main } from '../../src/cli/main.ts';
import type { ScenarioResult, StepResult } from '../../src/scenarios/runner.ts';
import { testEnv } from './env.ts';

async function cli(argv: string[], files: Record<string, string> = {}) {
  const env = testEnv(files);
  const code = await main(argv, env);
  return { code, out: env.out(), err: env.err(), env };
}

function step(index: number, value: string, at: number): StepResult {
  return { index, op: 'waitFor', name: `s${index}`, ok: true, value, expected: null, error: null, at, tookMs: 0 } as unknown as StepResult;
}

describe('output polish', () => {
  it('log evidence is in time order even when a later step matched an earlier line', () => {
    const result = {
      steps: [
        step(1, '2026-03-14 10:00:05.000 UTC 0001 INFO [orderer.consensus.smartbft] b -> later', 5000),
        step(2, '2026-03-14 10:00:01.250 UTC 0002 INFO [orderer.consensus.smartbft] a -> earlier', 6000),
        step(3, '2026-03-14 10:00:09.000 UTC 0003 INFO [orderer.consensus.smartbft] c -> last', 9000),
      ],
    } as unknown as ScenarioResult;
    expect(logEvidence(result).split('\n').map((l) => l.replace(/^.* -> /, ''))).toEqual(['Log evidence', 'earlier', 'later', 'last']);
  });

  it('--json rounds at and tookMs to microseconds, nothing else', () => {
    const json = JSON.parse(resultJson({ steps: [{ at: 1234.56789012, tookMs: 0.1 + 0.2, value: 1.23456789 }] })) as { steps: Record<string, number>[] };
    expect(json.steps[0]).toEqual({ at: 1234.568, tookMs: 0.3, value: 1.23456789 });
  });

  it('check on a non-terminal stderr prints progress every 10%, not per run', async () => {
    const r = await cli(['check', '--runs', '30', '--seed', '3', '--faults', 'crash,peer']);
    expect(r.code).toBe(0);
    const progress = r.err.split('\n').filter((l) => /^check: \d+\/30 runs$/.test(l));
    expect(progress).toEqual(['check: 3/30 runs', 'check: 6/30 runs', 'check: 9/30 runs', 'check: 12/30 runs', 'check: 15/30 runs', 'check: 18/30 runs', 'check: 21/30 runs', 'check: 24/30 runs', 'check: 27/30 runs', 'check: 30/30 runs']);
  });

  it('check --report writes the HTML report of the shrunk failing run', async () => {
    // The fake cannot partition, so any partition fails (see main.test.ts).
    const r = await cli(['check', '--runs', '30', '--seed', '1', '--faults', 'partition', '--out', 'fail.yaml', '--report', 'fail.html']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('  report of the shrunk run: fail.html\n');
    const html = r.env.files.get('fail.html') ?? '';
    expect(html).toMatch(/^<!DOCTYPE html>/i);
    expect(html).toContain('check-failure-1');
  });

  it('check --report is not written when the search passes', async () => {
    const r = await cli(['check', '--runs', '5', '--seed', '3', '--faults', 'crash', '--report', 'x.html']);
    expect(r.code).toBe(0);
    expect(r.env.files.has('x.html')).toBe(false);
  });

  it('run on a directory says it is a directory', async () => {
    const r = await cli(['run', 'scenarios'], { 'scenarios/a.yaml': 'name: a\nsteps:\n  - heal: true\n' });
    expect(r).toMatchObject({ code: 2, out: '', err: 'fabric-bft-sim run: scenarios is a directory; give a scenario file (.yaml or .json) or a built-in name\n' });
  });

  it('byzantine-leader defaults to 7 orderers (no half is a quorum), and still takes --orderers 4', async () => {
    expect((await cli(['scenarios'])).out).toMatch(/byzantine-leader\s+The leader equivocates on 7 orderers \(default\)/);
    const seven = (await cli(['scenarios', 'byzantine-leader'])).out;
    expect(seven).toContain('orderers: 7');
    expect(seven).toContain('neither proposal reaches quorum 5: the followers moved to a later view');
    const four = (await cli(['scenarios', 'byzantine-leader', '--orderers', '4'])).out;
    expect(four).toContain('the leader and 2 followers are a quorum (3): one proposal commits in view 0');
  });
});
