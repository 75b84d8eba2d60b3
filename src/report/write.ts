/**
 * The HTML report of a run in one call, for library users (the CLI's `run --report FILE`
 * and `check --report FILE` write the same page). The report needs the run's trace
 * records: keep them with the simulator's `traceSink` while the run goes, all of them or,
 * for a long run, only those the report reads (a `ReportRecords` as the sink: the same page).
 */
import { writeFileSync } from 'node:fs';
import type { TraceRecord } from '../sim/kernel/trace.ts';
import type { ScenarioResult } from '../scenarios/runner.ts';
import type { Scenario } from '../scenarios/schema.ts';
import { describeTopology } from '../scenarios/topology.ts';
import { reportInputOf, type ReportRecords } from './data.ts';
import { renderReport } from './html.ts';

/**
 * The self-contained HTML report (inline script and data, no network) of one simulated run.
 *
 * @param scenario - the scenario that ran (its topology names the nodes)
 * @param result - what {@link runScenario} returned
 * @param records - every trace record of the run, as the `traceSink` of {@link simClusterFor} received them, or a `ReportRecords` that sink fed
 */
export function runReportHtml(scenario: Scenario, result: ScenarioResult, records: readonly TraceRecord[] | ReportRecords): string {
  return renderReport(reportInputOf(result, records, describeTopology(scenario.topology)));
}

/**
 * Write the HTML report of one simulated run to `file`.
 *
 * @example
 * ```ts
 * const records: TraceRecord[] = [];
 * const cluster = await simClusterFor(scenario, { seed: 7, traceSink: (r) => records.push(r) });
 * const result = await runScenario(scenario, cluster, { checks: simChecks, seed: 7 });
 * writeRunReport('run.html', scenario, result, records);
 * ```
 */
export function writeRunReport(file: string, scenario: Scenario, result: ScenarioResult, records: readonly TraceRecord[] | ReportRecords): void {
  writeFileSync(file, runReportHtml(scenario, result, records));
}
