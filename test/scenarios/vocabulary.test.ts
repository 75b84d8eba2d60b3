import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenarios/parse.ts';
import { runScenario } from '../../src/scenarios/runner.ts';
import { simChecks, simClusterFor } from '../../src/sim/cluster/for-scenario.ts';

async function run(text: string) {
  const scenario = parseScenario(text);
  return runScenario(scenario, await simClusterFor(scenario, { seed: 5 }), { checks: simChecks, seed: 5 });
}

describe('scenario vocabulary', () => {
  it('verify returns the stored certificate, which expect and save can read', async () => {
    const r = await run(`
name: verify-cert
steps:
  - issue: { via: techpulse, certID: V-1, studentName: Ada Lovelace }
  - verify: { via: dataforge, certID: V-1 }
    save: v
    expect: { status: VALID, certificate: { certID: V-1, studentName: Ada Lovelace } }
  - verify: { via: dataforge, certID: NOPE }
    expect: { status: NOT_FOUND }
`);
    expect(r.steps.map((s) => [s.ok, s.error])).toEqual([[true, null], [true, null], [true, null]]);
    expect(r.steps[1]?.value).toMatchObject({ status: 'VALID', certificate: { certID: 'V-1', studentName: 'Ada Lovelace', courseID: 'TEST-101' } });
    expect(r.steps[2]?.value).toEqual({ status: 'NOT_FOUND' });
  });

  it('waitFor log absent: passes when no line matches in the window, fails naming the line that does', async () => {
    const r = await run(`
name: absent-log
steps:
  - name: no censorship suspicion on a healthy network
    waitFor: { log: { node: peer0.techpulse, match: 'Block censorship detected', absent: true }, within: 20s }
  - issue: { via: dataforge, certID: A-1 }
  - sleep: 1s
  - name: a committed block is not absent from the log
    waitFor: { log: { node: peer0.techpulse, match: 'Committed block \\[\\d+\\]', absent: true }, within: 30s }
`);
    const [quiet, , , noisy] = r.steps;
    expect(quiet).toMatchObject({ ok: true, value: { absent: true, within: '20s' }, name: 'no censorship suspicion on a healthy network' });
    expect(quiet!.tookMs).toBeGreaterThanOrEqual(20_000);
    expect(noisy?.ok).toBe(false);
    expect(noisy?.error).toMatch(/^peer0\.techpulse logged a line matching \/Committed block \\\[\\d\+\\\]\/, which must not appear: .*\[kvledger\] commit -> \[certchannel\] Committed block \[\d+\]/);
    expect(noisy!.tookMs).toBeLessThan(1_000);
    expect(r.passed).toBe(false);
  });

  it('absent must be a boolean', () => {
    expect(() => parseScenario('name: x\nsteps:\n  - waitFor: { log: { node: peer0.techpulse, match: x, absent: yes } }\n')).toThrow('steps[0].waitFor.log.absent: expected true or false, got "yes"');
  });
});
