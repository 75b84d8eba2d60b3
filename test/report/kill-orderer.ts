/**
 * The lab's `kill-orderer` scenario (or any built-in), run as `fabric-bft-sim run
 * kill-orderer` runs it (the CLI's SimCluster wiring and the scenario runner), with the
 * trace kept for a report.
 */
import type { TraceRecord } from '../../src/sim/kernel/index.ts';
import { simClusterFor } from '../../src/scenarios/simulator.ts';
import { findBuiltin } from '../../src/scenarios/builtins/index.ts';
import { runScenario, type ScenarioResult } from '../../src/scenarios/runner.ts';
import { reportInputOf, type ReportInput } from '../../src/report/data.ts';

export async function runKillOrderer(): Promise<{ result: ScenarioResult; input: ReportInput }> {
  return runBuiltin('kill-orderer');
}

/** Any built-in scenario at its defaults, as `fabric-bft-sim run NAME --report` runs it. */
export async function runBuiltin(name: string): Promise<{ result: ScenarioResult; input: ReportInput }> {
  const builtin = findBuiltin(name);
  if (builtin === undefined) throw new Error(`built-in scenario ${name} not found`);
  const scenario = builtin.build({});
  const seed = scenario.seed ?? 1;
  const records: TraceRecord[] = [];
  const cluster = await simClusterFor(scenario, { seed, traceSink: (r) => void records.push(r) });
  try {
    const result = await runScenario(scenario, cluster, { seed });
    return { result, input: reportInputOf(result, records, cluster.topology) };
  } finally {
    await cluster.close();
  }
}
