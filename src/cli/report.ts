/** The HTML report of a run (src/report), loaded only when `--report` asks for it. */
import type { TraceRecord } from '../sim/kernel/index.ts';
import type { ScenarioResult } from '../scenarios/runner.ts';
import { describeTopology } from '../scenarios/topology.ts';
import type { Scenario } from '../scenarios/schema.ts';

/** What `--report` keeps while a run goes: the records the report reads, not the whole trace. */
export interface RunReportKeeper {
  /** A trace sink: every record of the run, in order. */
  readonly add: (r: TraceRecord) => void;
  /** The page, once the run is over. `replay`: the command the caller printed (a file path or a built-in, with --orderers), shown in the report's header. */
  html(result: ScenarioResult, replay?: string): string;
}

export async function reportKeeper(scenario: Scenario): Promise<RunReportKeeper> {
  const mod = await import('../report/cli.ts');
  const topology = describeTopology(scenario.topology);
  const kept = new mod.ReportRecords(topology.orderers);
  return { add: (r) => kept.add(r), html: (result, replay) => mod.reportHtml(result, kept, topology, replay) };
}
