/**
 * `fabric-bft-sim check`: fast-check search over random fault schedules and workloads.
 * Each run has a safety phase (faults anywhere; the invariant checkers must hold) and a
 * liveness phase (everything healed; a new certificate must commit and every node
 * catch up within a bound). A failure is shrunk to a minimal schedule and written out
 * as a scenario file that `fabric-bft-sim run FILE` replays.
 */
import fc from 'fast-check';
import { DEFAULT_TOPOLOGY } from '../../scenarios/topology.ts';
import { scenarioToYaml } from '../../scenarios/parse.ts';
import type { ScenarioResult } from '../../scenarios/runner.ts';
import { FAULT_KINDS, isLivenessStep, scheduleArbitrary, type FaultKind } from '../../scenarios/schedule.ts';
import { LIMITS, behavioursFor, type Scenario } from '../../scenarios/schema.ts';
import { bool, list, num, parseArgs, str } from '../args.ts';
import { execute } from '../execute.ts';
import { UsageError, type CliEnv, type SimTarget } from '../io.ts';
import { checkOutputFile, writeOutput } from '../output.ts';
import { reportHtml } from '../report.ts';
import type { TraceRecord } from '../../sim/kernel/index.ts';

export const CHECK_HELP = `Usage: fabric-bft-sim check [options]

Search random fault schedules with fast-check. Every run: a safety phase (faults
anywhere, at most f Byzantine orderers; agreement, validity, hash chain must hold), then
a liveness phase (network healed, nodes restarted: a new certificate must commit and
every node catch up). A failure is shrunk and written as a scenario file to replay with
"fabric-bft-sim run FILE".

Options:
  --runs N          number of schedules (default 100)
  --seed N          fast-check seed (default: drawn from the clock, and printed)
  --orderers N      number of orderers (default 4)
  --faults LIST     comma-separated: ${FAULT_KINDS.join(', ')} (default: all)
  --actions N       most actions per safety phase (default 10)
  --out FILE        where to write a failing schedule (default check-failure-<seed>.yaml)
  --report FILE     also write the HTML report of the shrunk failing run (.html)
  --json            print a JSON summary alone
  -h, --help        this help
`;

/** Convergence is a liveness property; the other checkers (agreement, hash chain, state) are safety. */
function isLivenessCheck(name: string): boolean {
  return /converge/i.test(name);
}

/**
 * One schedule's run; a run that could not even start (the network set-up failed, the
 * budget ran out) is a failure with its reason, not an exception that loses the reason.
 */
async function attempt(target: SimTarget, scenario: Scenario): Promise<ScenarioResult | string> {
  try {
    return await execute(target, scenario, { seed: scenario.seed ?? 1, maxWall: '2m' });
  } catch (e) {
    return `the run could not start or finish: ${(e instanceof Error ? e.message : String(e)).split('\n')[0] ?? ''}`;
  }
}

/** Which phase failed, and the first reason, in one line. */
function phaseOf(result: ScenarioResult | string): string {
  if (typeof result === 'string') return result;
  const failedStep = result.steps.find((s) => !s.ok);
  // A warning (an expectation the schedule did not require) is not a failure.
  const failed = result.checks.filter((c) => !c.ok && c.warning !== true);
  const safetyCheck = failed.find((c) => !isLivenessCheck(c.name));
  const livenessCheck = failed.find((c) => isLivenessCheck(c.name));
  if (safetyCheck !== undefined) return `safety: ${safetyCheck.name}: ${safetyCheck.detail}`;
  if (failedStep !== undefined && !isLivenessStep(failedStep.name)) return `safety phase: step ${failedStep.index} ${failedStep.name}: ${failedStep.error ?? ''}`;
  if (result.verdict === 'budget exceeded') return `budget exceeded: ${result.pending[0] ?? ''}`;
  if (failedStep !== undefined) return `liveness: step ${failedStep.index} ${failedStep.name}: ${failedStep.error ?? ''}`;
  if (livenessCheck !== undefined) return `liveness: ${livenessCheck.name}: ${livenessCheck.detail}`;
  return 'passed';
}

export async function checkCommand(argv: readonly string[], env: CliEnv): Promise<number> {
  const p = parseArgs('check', argv, {
    runs: { type: 'int', min: 1, max: 1_000_000 },
    seed: { type: 'int', min: 0, max: 0x7fffffff },
    orderers: { type: 'int', min: 1, max: LIMITS.orderers },
    faults: { type: 'list', values: FAULT_KINDS },
    actions: { type: 'int', min: 1, max: 200 },
    out: { type: 'string', placeholder: 'a file name' },
    report: { type: 'string', placeholder: 'a file name (.html)' },
    json: { type: 'bool' },
  });
  if (p.help) {
    env.stdout(CHECK_HELP);
    return 0;
  }
  if (p.positionals.length > 0) throw new UsageError(`check: takes no scenario, got "${p.positionals.join(' ')}" (see "fabric-bft-sim check --help")`);
  const runs = num(p, 'runs') ?? 100;
  // Without --seed each search explores new schedules; the seed is printed for replay.
  const seed = num(p, 'seed') ?? Date.now() % 0x7fffffff;
  const faults = (list(p, 'faults') ?? FAULT_KINDS) as readonly FaultKind[];
  const orderers = num(p, 'orderers') ?? DEFAULT_TOPOLOGY.orgs.length + 1;
  const json = bool(p, 'json');
  // Output paths are checked before the search, not after an hour of it.
  const file = str(p, 'out') ?? `check-failure-${seed}.yaml`;
  const reportPath = str(p, 'report');
  checkOutputFile(env, 'check', 'out', file);
  if (reportPath !== undefined) checkOutputFile(env, 'check', 'report', reportPath);
  const target = await env.target();
  const topology = { preset: 'certchain', orderers } as const;
  // The schedules run on SmartBFT orderers: draw only behaviours they take (Raft's
  // `corrupt-block` is refused by a SmartBFT orderer, and that is not a safety failure).
  // `twins` switched on mid-run is inert (byzantine.ts: twins are two copies from the start).
  const behaviours = behavioursFor(target.behaviours ?? [], 'smartbft').filter((b) => b !== 'twins');
  const arb = scheduleArbitrary({ topology, faults, behaviours, maxActions: num(p, 'actions') ?? 10 });

  let done = 0;
  let shrinking = false;
  const lastFailure: { scenario?: Scenario; result?: ScenarioResult | string } = {};
  // A terminal gets one line rewritten per run; a log file a line every 10%.
  const every = env.stderrTty ? 1 : Math.max(1, Math.ceil(runs / 10));
  if (!json) env.stderr(`check: ${runs} schedules on ${orderers} orderers, faults ${faults.join(',')}, seed ${seed}\n`);
  const details = await fc.check(
    fc.asyncProperty(arb, async (scenario) => {
      const result = await attempt(target, scenario);
      const passed = typeof result !== 'string' && result.passed;
      if (!shrinking) {
        done++;
        if (!json && (done % every === 0 || done === runs || !passed)) {
          const line = `check: ${done}/${runs} runs${passed ? '' : ` - FAILED (${phaseOf(result)}); shrinking...`}`;
          env.stderr(env.stderrTty ? `\r${line}${done === runs || !passed ? '\n' : ''}` : `${line}\n`);
        }
      }
      if (!passed) {
        shrinking = true;
        lastFailure.scenario = scenario;
        lastFailure.result = result;
      }
      return passed;
    }),
    { numRuns: runs, seed, endOnFailure: false },
  );

  if (!details.failed) {
    if (json) env.stdout(JSON.stringify({ passed: true, runs: details.numRuns, seed }, null, 2) + '\n');
    else env.stdout(`check: ${details.numRuns} schedules passed (seed ${seed})\n`);
    return 0;
  }
  const counterexample = details.counterexample?.[0] ?? lastFailure.scenario;
  if (counterexample === undefined) {
    const why = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    env.stderr(`check: the property threw: ${why}\n`);
    return 1;
  }
  const result = lastFailure.result;
  const scenario: Scenario = { ...counterexample, name: `check-failure-${seed}` };
  writeOutput(env, 'check', 'out', file, `# Shrunk by "fabric-bft-sim check --seed ${seed}" (fast-check path ${details.counterexamplePath ?? '?'}).\n${scenarioToYaml(scenario)}`);
  if (reportPath !== undefined) {
    // The shrunk run once more, deterministic, this time keeping its trace for the report.
    const records: TraceRecord[] = [];
    const replay = await execute(target, scenario, { seed: scenario.seed ?? 1, maxWall: '2m', traceSink: (r) => void records.push(r) });
    writeOutput(env, 'check', 'report', reportPath, await reportHtml(scenario, replay, records));
  }
  if (json) {
    env.stdout(JSON.stringify({ passed: false, runs: details.numRuns, seed, path: details.counterexamplePath, file, ...(reportPath !== undefined ? { report: reportPath } : {}), failure: result ? phaseOf(result) : null, scenario }, null, 2) + '\n');
    return 1;
  }
  env.stdout(
    [
      `check: FAILED after ${details.numRuns} schedules (seed ${seed}, path ${details.counterexamplePath ?? '?'}, ${details.numShrinks} shrinks)`,
      result ? `  ${phaseOf(result)}` : '',
      `  shrunk schedule (${scenario.steps.length} steps) written to ${file}`,
      reportPath !== undefined ? `  report of the shrunk run: ${reportPath}` : '',
      `replay: fabric-bft-sim run ${file}`,
    ]
      .filter((l) => l !== '')
      .join('\n') + '\n',
  );
  return 1;
}
