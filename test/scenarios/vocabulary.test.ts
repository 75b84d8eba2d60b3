import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenarios/parse.ts';
import { runScenario } from '../../src/scenarios/runner.ts';
import { simChecks, simClusterFor } from '../../src/scenarios/simulator.ts';

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

  it('reset (peer node reset): refused on a running peer; stopped, with rebuild-dbs, the peer refetches every block and its state folds the ledger again', async () => {
    const r = await run(`
name: reset-peer
expectations: [convergence, state]
steps:
  - issue: { via: techpulse, certID: R-1 }
  - channelInfo: { peer: peer0.org3 }
    save: before
  - name: reset refused while the peer runs
    reset: { peer: peer0.org3 }
    expect: { ok: false, error: { matches: 'another peer node command is executing' } }
  - stop: peer0.org3
  - reset: { peer: peer0.org3 }
    expect: { ok: true }
  - rebuildDbs: { peer: peer0.org3 }
  - start: peer0.org3
  - waitFor: { caughtUp: peer0.org3, within: 60s }
  - channelInfo: { peer: peer0.org3 }
    expect: { height: $before.height }
  - name: endorsement stays off until the reset loop sees the pre-reset height (start.go resetLoop, every 10 s)
    verify: { via: org3, certID: R-1 }
    expect: { error: 'endorse requests are blocked while ledgers are being rebuilt' }
  - waitFor: { log: { node: peer0.org3, match: 'Ledger rebuild: Complete' }, within: 15s }
  - verify: { via: org3, certID: R-1 }
    expect: { status: VALID }
`);
    expect(r.steps.map((s) => [s.op, s.ok, s.error])).toEqual(r.steps.map((s) => [s.op, true, null]));
    expect(r.steps[2]?.value).toMatchObject({ ok: false });
    expect(r.passed).toBe(true);
  });

  it('rollback (peer node rollback -b N): a target at the last block is refused with Fabric\'s message; below it the peer refetches the rest', async () => {
    const r = await run(`
name: rollback-peer
expectations: [convergence, state]
steps:
  - issue: { via: techpulse, certID: RB-1 }
  - channelInfo: { peer: peer0.dataforge }
    save: before
  - stop: peer0.dataforge
  - name: rollback to a block past the end
    rollback: { peer: peer0.dataforge, block: 999 }
    expect: { ok: false, error: { matches: 'should be less than the biggest block number' } }
  - rollback: { peer: peer0.dataforge, block: 1 }
    expect: { ok: true }
  - rebuildDbs: { peer: peer0.dataforge }
  - start: peer0.dataforge
  - waitFor: { caughtUp: peer0.dataforge, within: 60s }
  - channelInfo: { peer: peer0.dataforge }
    expect: { height: $before.height }
`);
    expect(r.steps.map((s) => [s.op, s.ok, s.error])).toEqual(r.steps.map((s) => [s.op, true, null]));
    expect(r.steps[3]?.value).toEqual({ ok: false, error: expect.stringContaining('target block number [999] should be less than the biggest block number') });
    expect(r.passed).toBe(true);
  });

  it('rollback needs a whole block number', () => {
    expect(() => parseScenario('name: x\nsteps:\n  - rollback: { peer: peer0.org3, block: -1 }\n')).toThrow(/steps\[0\]\.rollback\.block/);
    expect(() => parseScenario('name: x\nsteps:\n  - rollback: { peer: orderer.org3, block: 1 }\n')).toThrow(/steps\[0\]\.rollback\.peer/);
  });
});
