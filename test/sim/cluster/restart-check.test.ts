/** simChecks includes the restart-resumption invariant (issue #13) whenever a SmartBFT orderer restarted. */
import { expect, it } from 'vitest';
import { findBuiltin } from '../../../src/scenarios/builtins/index.ts';
import { runScenario } from '../../../src/scenarios/runner.ts';
import { simChecks, simClusterFor } from '../../../src/scenarios/simulator.ts';

it('kill-orderer: the restarted orderer resumed its ledger\'s sequence and its WAL\'s view', async () => {
  const scenario = findBuiltin('kill-orderer')!.build({});
  const r = await runScenario(scenario, await simClusterFor(scenario, { seed: 1 }), { seed: 1, checks: simChecks });
  expect(r.checks.find((c) => c.name === 'restart resumption')).toMatchObject({ ok: true, detail: "1 restarts, each resumed its ledger's sequence and its WAL's view" });
});

it('a run without restarts has no restart check', async () => {
  const scenario = { name: 'quiet', steps: [{ sleep: '1s' }] };
  const r = await runScenario(scenario, await simClusterFor(scenario, { seed: 1 }), { seed: 1, checks: simChecks });
  expect(r.checks.map((c) => c.name)).not.toContain('restart resumption');
});
