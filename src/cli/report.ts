/** The HTML report of a run (src/report), loaded only when `--report` asks for it. */
import type { TraceRecord } from '../sim/kernel/index.ts';
import type { ScenarioResult } from '../scenarios/runner.ts';
import { describeTopology } from '../scenarios/topology.ts';
import type { Scenario } from '../scenarios/schema.ts';

export async function reportHtml(scenario: Scenario, result: ScenarioResult, records: readonly TraceRecord[]): Promise<string> {
  const mod = await import('../report/cli.ts');
  return mod.reportHtml(result, records, describeTopology(scenario.topology));
}
