/** `fabric-bft-sim run <name|file>`: run a scenario in the simulator. */
import { tmpdir } from 'node:os';
import type { TraceRecord } from '../../sim/kernel/index.ts';
import { DEFAULT_SEED } from '../../scenarios/runner.ts';
import { LIMITS } from '../../scenarios/schema.ts';
import { describeTopology, resolveTopology } from '../../scenarios/topology.ts';
import type { ScenarioResult } from '../../scenarios/runner.ts';
import type { Scenario } from '../../scenarios/schema.ts';
import { traceHeaderLine, traceRecordLine, type TraceHeader } from '../../shared/trace-format.ts';
import { bool, num, parseArgs, str, type CommandSpec } from '../../args/grammar.ts';
import { helpText } from '../../args/help.ts';
import { DivergenceWatch, execute, writeLogs } from '../execute.ts';
import { memorySpool, type Spool } from '../../io/spool.ts';
import { checksTable, header, logEvidence, replayCommand, resultJson, stepTable, verdictLine } from '../format.ts';
import { UsageError, type CliEnv } from '../io.ts';
import { loadScenario } from '../load.ts';
import { checkOutputFile, commitOutput, openOutputSpool, prepareLogsDir, writeOutput } from '../output.ts';
import { PROGRESS_EVERY_MS, progressFor, runProgress } from '../../io/progress.ts';
import { reportKeeper } from '../report.ts';
import { RAFT_VS_BFT, runRaftVsBftCommand } from './raft-vs-bft.ts';

/** A trace file's header: the run it records (the report rebuilds the run's page from it and the step records). */
function traceHeaderOf(scenario: Scenario, result: ScenarioResult, replay: string): Omit<TraceHeader, 'format' | 'version'> {
  const { orderers, peers } = describeTopology(scenario.topology);
  return {
    scenario: result.scenario,
    seed: result.seed,
    replay,
    orderers,
    peers,
    ...(result.traceHash !== undefined ? { traceHash: result.traceHash } : {}),
    passed: result.passed,
    checks: result.checks.map((c) => ({ name: c.name, ok: c.ok, detail: c.detail, ...(c.warning === true ? { warning: true } : {}) })),
  };
}

export const RUN_SPEC: CommandSpec = {
  name: 'run',
  usage: ['<name|file> [options]', 'raft-vs-bft [--orderers N] [--seed N] [--json]'],
  description: `Run a built-in scenario (see "fabric-bft-sim scenarios") or a scenario file (YAML or JSON, format in docs/scenarios.md) in the simulator. Exit code 0 iff every step's expectation and every invariant check held. Output paths are checked before the run. "run raft-vs-bft" runs the same faults on Raft and SmartBFT and exits 0 iff the comparison shows what it should. With --target local the scenario runs on the real Fabric network "fabric-bft-sim net up" started (docs/local.md).`,
  flags: {
    seed: { type: 'int', min: 0, max: 0xffffffff, help: 'seed of the run', default: "the scenario's seed, else 1" },
    orderers: { type: 'int', min: 1, max: LIMITS.orderers, help: 'number of orderers (fault counts of built-ins scale with f)' },
    json: { type: 'bool', help: 'print the result object alone, as JSON' },
    trace: { type: 'string', value: 'FILE.jsonl', expects: 'a file name (JSON Lines)', help: 'write every trace record (send, deliver, timer, event, fault, step...) as JSON Lines, after a header line with the format version (docs/report.md); "fabric-bft-sim report FILE" draws it' },
    logs: { type: 'string', value: 'DIR', expects: 'a directory', help: "write each node's log in Fabric's line format (DIR/<node>.log)" },
    'check-determinism': { type: 'bool', help: 'run twice in this process; fail on the first diverging trace record' },
    report: { type: 'string', value: 'FILE.html', expects: 'a file name (.html)', help: 'write a self-contained HTML report of the run (timeline, views, blocks)' },
    'max-time': { type: 'duration', help: 'simulated-time budget of the steps', default: '4h' },
    'max-wall': { type: 'duration', help: 'wall-clock budget of the run', default: '10m' },
    target: { type: 'string', value: 'sim|local', expects: 'sim (default) or local', help: 'where to run: the simulator, or the network "fabric-bft-sim net up" started', default: 'sim' },
    dir: { type: 'string', value: 'DIR', expects: 'the run folder of net up', help: 'with --target local: the run folder of net up', default: './.fabric-net' },
    timeout: { type: 'duration', help: 'with --target local: wall-clock limit of the real run', default: '30m' },
  },
  examples: ['fabric-bft-sim run kill-orderer --seed 7 --logs logs/', 'fabric-bft-sim run beyond-f --orderers 7', 'fabric-bft-sim run my-scenario.yaml --json', 'fabric-bft-sim run raft-vs-bft'],
};

export async function runCommand(argv: readonly string[], env: CliEnv): Promise<number> {
  const p = parseArgs(RUN_SPEC, argv);
  if (p.help) {
    env.stdout(helpText(RUN_SPEC));
    return 0;
  }
  if (str(p, 'target') !== undefined && str(p, 'target') !== 'sim') return (await import('./local.ts')).runLocalCommand(argv, env);
  for (const f of ['dir', 'timeout']) if (p.flags[f] !== undefined) throw new UsageError(`run: --${f} goes with --target local`);
  if (p.positionals.length !== 1) {
    throw new UsageError(`run: expects one scenario name or file, got ${p.positionals.length === 0 ? 'none' : p.positionals.join(' ')} (see "fabric-bft-sim run --help")`);
  }
  const arg = p.positionals[0] as string;
  const orderersFlag = num(p, 'orderers');
  if (arg === RAFT_VS_BFT.name) return await runRaftVsBftCommand(env, p.flags, bool(p, 'json'), orderersFlag, num(p, 'seed'));
  const target = await env.target();
  const loaded = loadScenario(env, 'run', arg, orderersFlag, target.behaviours ? { behaviours: target.behaviours } : {});
  const scenario = loaded.scenario;
  const seed = num(p, 'seed') ?? scenario.seed ?? DEFAULT_SEED;
  const tracePath = str(p, 'trace');
  const logsDir = str(p, 'logs');
  const determinism = bool(p, 'check-determinism');
  const maxTime = str(p, 'max-time');
  const maxWall = str(p, 'max-wall');
  const budgets = { ...(maxTime !== undefined ? { maxTime } : {}), ...(maxWall !== undefined ? { maxWall } : {}) };
  const reportPath = str(p, 'report');
  if (tracePath !== undefined) checkOutputFile(env, 'run', 'trace', tracePath);
  if (reportPath !== undefined) checkOutputFile(env, 'run', 'report', reportPath);
  if (logsDir !== undefined) prepareLogsDir(env, 'run', 'logs', logsDir);

  const started = env.wallMs();
  const json = bool(p, 'json');
  // On a terminal stderr only (never --json): the step, the simulated time, an estimate of what is left.
  const progress = (label: string) => ({ progress: runProgress(progressFor(env, json, PROGRESS_EVERY_MS), label, scenario.steps) });
  // Nothing grows with the run: --trace streams each record to a spool beside the file,
  // --report keeps the records the page reads, --check-determinism spools the first run's
  // canonical lines and compares the second run's with them as they come.
  const spool = tracePath !== undefined ? openOutputSpool(env, 'run', 'trace', tracePath) : undefined;
  const watch = determinism ? new DivergenceWatch(env.spool !== undefined ? tempSpool(env.spool) : memorySpool(() => {})) : undefined;
  try {
    const keeper = reportPath !== undefined ? await reportKeeper(scenario) : undefined;
    let records = 0;
    const sinks: ((r: TraceRecord) => void)[] = [() => void records++];
    if (watch !== undefined) sinks.push(watch.first);
    if (spool !== undefined) sinks.push((r) => spool.append(traceRecordLine(r)));
    if (keeper !== undefined) sinks.push(keeper.add);
    const all = sinks.length > 1;
    const result = await execute(target, scenario, {
      seed,
      ...budgets,
      ...(all ? { traceSink: (r: TraceRecord) => sinks.forEach((sink) => sink(r)) } : {}),
      // --logs writes every line: the cluster keeps them all (by default only those the scenario's waitFor steps look for).
      ...(logsDir !== undefined ? { keep: { logs: true }, after: async (c) => void (await writeLogs(env, c, logsDir)) } : {}),
      ...progress(`run ${scenario.name}`),
    });
    const wall = env.wallMs() - started;

    let divergence: ReturnType<DivergenceWatch['divergence']>;
    if (watch !== undefined) {
      const again = await execute(target, scenario, { seed, ...budgets, traceSink: watch.second, ...progress(`run ${scenario.name} (second run)`) });
      divergence = watch.divergence();
      if (divergence === undefined && JSON.stringify(again) !== JSON.stringify(result)) {
        divergence = { index: watch.records, first: 'results differ', second: 'results differ' };
      }
    }
    const replay = replayCommand(loaded.ref, seed, orderersFlag);
    if (tracePath !== undefined && spool !== undefined) commitOutput('run', 'trace', tracePath, spool, traceHeaderLine(traceHeaderOf(scenario, result, replay)));
    if (reportPath !== undefined && keeper !== undefined) writeOutput(env, 'run', 'report', reportPath, keeper.html(result, replay));
    return printRun(env, { result, scenario, loaded, seed, orderersFlag, wall, divergence, determinism, records, tracePath, logsDir, reportPath, json });
  } finally {
    spool?.discard();
    watch?.dispose();
  }
}

/** A spool in the system's temporary folder (no output file to put it beside); in memory if none can be made there. */
function tempSpool(open: (dir: string) => Spool): Spool {
  try {
    return open(tmpdir());
  } catch {
    return memorySpool(() => {});
  }
}

interface Outcome {
  readonly result: ScenarioResult;
  readonly scenario: Scenario;
  readonly loaded: ReturnType<typeof loadScenario>;
  readonly seed: number;
  readonly orderersFlag: number | undefined;
  readonly wall: number;
  readonly divergence: ReturnType<DivergenceWatch['divergence']>;
  readonly determinism: boolean;
  /** Trace records of the (first) run. */
  readonly records: number;
  readonly tracePath: string | undefined;
  readonly logsDir: string | undefined;
  readonly reportPath: string | undefined;
  readonly json: boolean;
}

function printRun(env: CliEnv, o: Outcome): number {
  const { result, scenario, loaded, seed, orderersFlag, wall, divergence, determinism, tracePath, logsDir, reportPath, json } = o;
  const passed = result.passed && divergence === undefined;
  if (json) {
    const out = determinism ? { ...result, passed, determinism: divergence === undefined ? { identical: true, records: o.records } : { identical: false, ...divergence } } : result;
    env.stdout(resultJson(out));
    return passed ? 0 : 1;
  }
  const orderers = resolveTopology(scenario.topology).orderers;
  const parts = [header(result, scenario.description, orderers), '', stepTable(result)];
  const evidence = logEvidence(result);
  if (evidence !== '') parts.push('', evidence);
  const checks = checksTable(result);
  if (checks !== '') parts.push('', checks);
  if (determinism) {
    parts.push(
      '',
      divergence === undefined
        ? `Determinism: two runs, ${o.records} trace records, identical`
        : `Determinism: FAILED, the runs diverge at trace record #${divergence.index}\n  first run:  ${divergence.first}\n  second run: ${divergence.second}`,
    );
  }
  if (tracePath !== undefined) parts.push('', `Trace: ${o.records} records written to ${tracePath}`);
  if (logsDir !== undefined) parts.push('', `Logs: one file per node in ${logsDir}/ (grep them as the lab does)`);
  if (reportPath !== undefined) parts.push('', `Report: ${reportPath}`);
  parts.push('', verdictLine(result, wall));
  if (!passed) parts.push(`replay: ${replayCommand(loaded.ref, seed, orderersFlag)}`);
  env.stdout(parts.join('\n') + '\n');
  return passed ? 0 : 1;
}
