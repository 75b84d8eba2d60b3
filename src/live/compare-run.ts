/**
 * `compare`: the scenario in the simulator, on the topology the live config describes,
 * then on the cluster; then the step-by-step comparison (compare.ts). Outcome differences
 * fail the command; timing differences are reported. `--report FILE.html` writes the
 * simulator run's HTML report (src/report), from the trace records the run kept.
 */
import { writeFileAtomic } from '../io/files.ts';
import type { TopologyInfo } from '../scenarios/cluster.ts';
import { runScenario, type ScenarioResult } from '../scenarios/runner.ts';
import type { Scenario } from '../scenarios/schema.ts';
import { describeTopology, type TopologySpec } from '../scenarios/topology.ts';
import type { TraceRecord } from '../shared/trace-format.ts';
import type { LiveCliIo, LiveSetup } from './cli.ts';
import { executeOptions, interruptSignal, simTargetOf } from './cli.ts';
import { compareResults, formatComparison } from './compare.ts';
import { formatUndos } from './report.ts';
import { runLive } from './run.ts';

/** The simulator topology a live config describes: its orgs, its orderer count, its peers per org. */
export function topologyOfConfig(t: TopologyInfo): TopologySpec {
  const peersPerOrg = Math.max(1, ...Object.values(t.peersByOrg).map((p) => p.length));
  return { preset: 'certchain', orgs: t.orgs, orderers: t.orderers.length, peersPerOrg };
}

export interface CompareOptions {
  readonly json: boolean;
  /** Where to write the simulator run's HTML report. */
  readonly reportPath?: string;
}

export async function runCompare(s: LiveSetup, opts: CompareOptions, io: LiveCliIo): Promise<number> {
  const { json, reportPath } = opts;
  const scenario: Scenario = { ...s.scenario, topology: { ...s.scenario.topology, ...topologyOfConfig(s.config.topology) } };
  const target = await simTargetOf(io);
  const seed = scenario.seed ?? 1;
  // The records the simulator run's report reads (not the whole trace), when a report is asked for.
  const kept = reportPath !== undefined ? new (await import('../report/cli.ts')).ReportRecords(describeTopology(scenario.topology).orderers) : undefined;
  // On a terminal, a progress line while the simulator runs (the cluster side prints a line per command).
  const progress = io.simProgress?.(`compare ${scenario.name}: simulator`, scenario.steps, json);
  let sim: ScenarioResult;
  try {
    const simCluster = await target.create(scenario, { seed, ...(kept !== undefined ? { traceSink: (r: TraceRecord) => kept.add(r) } : {}), ...(progress !== undefined ? { interrupt: progress.interrupt } : {}) });
    progress?.attach(simCluster);
    sim = await runScenario(scenario, simCluster, {
      seed,
      ...(target.checks ? { checks: target.checks } : {}),
      ...(target.behaviours ? { behaviours: target.behaviours } : {}),
      ...(progress !== undefined ? { onStep: progress.onStep } : {}),
    });
    await simCluster.close();
  } finally {
    progress?.line.end();
  }
  io.stderr(`simulator: ${sim.passed ? 'passed' : sim.verdict} (seed ${seed}); now the live cluster...\n`);
  if (reportPath !== undefined && kept !== undefined) {
    const { reportHtml } = await import('../report/cli.ts');
    // Atomically: a reader (or a run killed midway) never sees half a report.
    (io.writeFile ?? writeFileAtomic)(reportPath, reportHtml(sim, kept, describeTopology(scenario.topology)));
    io.stderr(`simulator report: ${reportPath}\n`);
  }

  const stop = interruptSignal(s.timeoutMs, io);
  try {
    const live = await runLive(scenario, s.config, executeOptions(s, stop.signal, io));
    const mask = (t: string): string => live.cluster.io.masker.mask(t);
    if (live.result === undefined) {
      if (json) io.stdout(`${mask(JSON.stringify({ scenario: scenario.name, preflightError: live.preflightError ?? null, comparison: null, sim, live: null, undos: live.undos }, null, 2))}\n`);
      else io.stdout(`preflight failed, nothing was changed on the cluster: ${live.preflightError ?? ''}\n`);
      return stop.exitCode() ?? 1;
    }
    const cmp = compareResults(sim, live.result, scenario.steps.map((st) => st.expect !== undefined));
    const undosOk = live.undos.every((u) => u.state === 'discharged' || u.ok === true);
    if (json) io.stdout(`${mask(JSON.stringify({ comparison: cmp, sim, live: live.result, undos: live.undos }, null, 2))}\n`);
    else io.stdout(`${mask(`${formatComparison(cmp)}\n${formatUndos(live.undos)}`)}\n`);
    const bySignal = stop.exitCode();
    if (bySignal !== undefined) return bySignal;
    return cmp.outcomeDiffers || !undosOk ? 1 : 0;
  } finally {
    stop.dispose();
  }
}
