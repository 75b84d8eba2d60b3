import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../../src/scenarios/parse.ts';
import { runScenario } from '../../../src/scenarios/runner.ts';
import { simChecks, simClusterFor } from '../../../src/scenarios/simulator.ts';
import { checksTable } from '../../../src/cli/format.ts';
import { scheduleScenario } from '../../../src/scenarios/schedule.ts';

/** Runs a scenario on the simulator with the run-level checks. */
async function run(text: string) {
  const scenario = parseScenario(text);
  const cluster = await simClusterFor(scenario, { seed: 3 });
  return runScenario(scenario, cluster, { checks: simChecks, seed: 3 });
}

// Fabric does not rebuild a dropped state database by itself: the peer panics at its next
// commit, restarts on an empty database (CouchDB creates it on demand) and the state is gone
// until `peer node rebuild-dbs`.
const DROP_NO_REBUILD = (extra: string) => `
name: drop-no-rebuild
${extra}
steps:
  - issue: { via: techpulse, certID: D-1 }
  - dropStateDatabase: { peer: peer0.techpulse }
  - issue: { via: dataforge, certID: D-2 }
  - start: peer0.techpulse
  - sleep: 10s
  - issue: { via: dataforge, certID: D-3 }
`;

// A 2.x gossip follower without state transfer that missed blocks never catches up.
const GOSSIP_NO_STATE_TRANSFER = (extra: string) => `
name: gossip-no-state-transfer
topology: { peersPerOrg: 2, dissemination: gossip, gossip: { orgLeader: peer0, stateTransfer: false } }
${extra}
steps:
  - stop: peer1.techpulse
  - load: { via: dataforge, count: 25, every: 1s }
  - sleep: 40s
  - start: peer1.techpulse
  - sleep: 30s
`;

describe('run-level checks: invariants of Fabric vs expectations of the lab', () => {
  it('state lost after a drop without rebuild-dbs is a warning, not a failure; expectations: [state] makes it fail', async () => {
    const r = await run(DROP_NO_REBUILD(''));
    const state = r.checks.find((c) => c.name === 'state database of peer0.techpulse equals the fold of its ledger');
    expect(state).toMatchObject({ ok: false, severity: 'expectation', expectation: 'state', warning: true });
    expect(r.checks.filter((c) => c.severity === 'invariant').map((c) => c.ok)).toEqual([true, true]);
    expect(r.passed).toBe(true);
    expect(r.verdict).toBe('passed');
    expect(checksTable(r)).toMatch(/\n {2}! {2}state database of peer0\.techpulse /);
    expect(checksTable(r)).toMatch(/\n {2}! = a warning: state is an expectation of the lab, not an invariant of Fabric/);

    const strict = await run(DROP_NO_REBUILD('expectations: [state]'));
    expect(strict.checks.find((c) => c.expectation === 'state' && !c.ok)?.warning).toBeUndefined();
    expect(strict.passed).toBe(false);
  });

  it('a 2.x gossip follower without state transfer that never catches up is a convergence warning', async () => {
    const r = await run(GOSSIP_NO_STATE_TRANSFER(''));
    const conv = r.checks.find((c) => c.expectation === 'convergence');
    expect(conv).toMatchObject({ ok: false, severity: 'expectation', warning: true });
    expect(conv?.detail).toMatch(/peer1\.techpulse stayed at height \d+/);
    expect(r.passed).toBe(true);
    const strict = await run(GOSSIP_NO_STATE_TRANSFER('expectations: [convergence]'));
    expect(strict.passed).toBe(false);
  });

  it('`check` stays strict: its schedules heal everything, so they require convergence and state', async () => {
    const schedule = scheduleScenario({ topology: { preset: 'certchain' }, faults: ['peer'], behaviours: [] }, 3, []);
    expect(schedule.expectations).toEqual(['convergence', 'state']);
    // The same expectations on a run that breaks one fail it.
    const strict = await run(GOSSIP_NO_STATE_TRANSFER('expectations: [convergence, state]'));
    expect(strict.checks.find((c) => c.expectation === 'convergence')).toMatchObject({ ok: false });
    expect(strict.verdict).toBe('failed');
  });

  it('an unknown expectation is refused in one line', () => {
    expect(() => parseScenario('name: x\nexpectations: [liveness]\nsteps:\n  - sleep: 1s\n')).toThrow(/expectations\[0\]/);
  });
});
