/** The HTML report of a run (src/report), loaded only when `--report` asks for it. */
import type { TraceRecord } from '../sim/kernel/index.ts';
import type { ScenarioResult } from '../scenarios/runner.ts';
import { describeTopology } from '../scenarios/topology.ts';
import type { Scenario } from '../scenarios/schema.ts';

/** `replay`: the command the caller printed (a file path or a built-in, with --orderers), shown in the report's header. */
export async function reportHtml(scenario: Scenario, result: ScenarioResult, records: readonly TraceRecord[], replay?: string): Promise<string> {
  const mod = await import('../report/cli.ts');
  return mod.reportHtml(result, records, describeTopology(scenario.topology), replay);
}
