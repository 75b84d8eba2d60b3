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
import { FAULT_KINDS, type FaultKind } from '../../scenarios/schedule.ts';
import { LIMITS, behavioursFor, type Scenario } from '../../scenarios/schema.ts';
import { bool, list, num, parseArgs, str, type CommandSpec } from '../../args/grammar.ts';
import { helpText } from '../../args/help.ts';
import { execute } from '../execute.ts';
import { UsageError, type CliEnv, type SimTarget } from '../io.ts';
import { defaultWorkers, MAX_WORKERS, runJob } from '../workers/pool.ts';
import { parseShard, shardLabel, WHOLE } from '../workers/shard.ts';
import { checkArbitrary, checkAttempt, passedOf, phaseOf, type CheckJob } from '../workers/tasks.ts';
import { checkOutputFile, writeOutput } from '../output.ts';
import { runsProgress } from '../../io/progress.ts';
import { reportKeeper } from '../report.ts';

export const CHECK_SPEC: CommandSpec = {
  name: 'check',
  usage: ['[options]'],
  description: `Search random fault schedules with fast-check. Every run: a safety phase (faults anywhere, at most f Byzantine orderers; agreement, validity, hash chain must hold), then a liveness phase (network healed, nodes restarted: a new certificate must commit and every node catch up). A failure is shrunk and written as a scenario file to replay with "fabric-bft-sim run FILE". Exit code 0 iff every schedule passed.`,
  flags: {
    runs: { type: 'int', min: 1, max: 1_000_000, help: 'number of schedules', default: '100' },
    seed: { type: 'int', min: 0, max: 0x7fffffff, help: 'fast-check seed', default: 'drawn from the clock, and printed' },
    orderers: { type: 'int', min: 1, max: LIMITS.orderers, help: 'number of orderers', default: '4' },
    faults: { type: 'list', values: FAULT_KINDS, help: `fault kinds to draw: ${FAULT_KINDS.join(', ')}`, default: 'all' },
    actions: { type: 'int', min: 1, max: 200, help: 'most actions per safety phase', default: '10' },
    out: { type: 'string', value: 'FILE', expects: 'a file name', help: 'where to write a failing schedule', default: 'check-failure-<seed>.yaml' },
    report: { type: 'string', value: 'FILE.html', expects: 'a file name (.html)', help: 'also write the HTML report of the shrunk failing run' },
    json: { type: 'bool', help: 'print a JSON summary alone' },
    workers: { type: 'int', min: 1, max: MAX_WORKERS, help: 'worker threads; the result is the same for any N: the lowest failing schedule is shrunk', default: 'one per core' },
    shard: { type: 'string', value: 'K/N', expects: 'K/N (shard K of N, K from 0)', help: 'run schedules i with i mod N = K only (K from 0 to N-1); "fabric-bft-sim merge" folds the JSON of N shards into the whole run\'s' },
  },
  examples: ['fabric-bft-sim check --runs 200 --faults crash,byzantine,partition', 'fabric-bft-sim check --runs 50 --seed 42 --json', 'fabric-bft-sim check --runs 1000 --shard 0/4 --json > shard0.json'],
};

export async function checkCommand(argv: readonly string[], env: CliEnv): Promise<number> {
  const p = parseArgs(CHECK_SPEC, argv);
  if (p.help) {
    env.stdout(helpText(CHECK_SPEC));
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
  const workers = num(p, 'workers') ?? defaultWorkers();
  const shardRaw = str(p, 'shard');
  const shard = shardRaw === undefined ? WHOLE : parseShard('check', shardRaw);
  const sharded = shardRaw !== undefined;
  const target = await env.target();
  // The schedules run on SmartBFT orderers: draw only behaviours they take (Raft's
  // `corrupt-block` is refused by a SmartBFT orderer, and that is not a safety failure).
  // `twins` switched on mid-run is inert (byzantine.ts: twins are two copies from the start).
  const behaviours = behavioursFor(target.behaviours ?? [], 'smartbft').filter((b) => b !== 'twins');
  const job: CheckJob = { kind: 'check', seed, runs, orderers, faults, actions: num(p, 'actions') ?? 10, behaviours };

  // A shard runs the indices i with i mod N = K; its own share is what progress counts.
  const mine = Math.ceil((runs - shard.index) / shard.count);
  const where = sharded ? ` shard ${shardLabel(shard)}:` : '';
  let done = 0;
  let failedSeen = false;
  // The progress line on a terminal (with an estimate), a line every 10% in a log.
  const progress = runsProgress(env, json, `check:${where}`, mine);
  if (!json) env.stderr(`check:${where} ${sharded ? `${mine} of ` : ''}${runs} schedules on ${orderers} orderers, faults ${faults.join(',')}, seed ${seed}${workers > 1 ? `, ${workers} workers` : ''}\n`);
  const run = await runJob(job, runs, shard, {
    workers,
    target,
    onResult: (r) => {
      if (failedSeen) return;
      done++;
      if (!r.passed) failedSeen = true;
      progress.ran(done, r.passed ? undefined : (r.failure ?? ''));
    },
  });
  progress.end();
  const results = run.results;
  // Asked for threads: say how many took part (not by default, so the output is the same on any machine).
  if (!json && workers > 1 && p.flags['workers'] !== undefined) env.stderr(`check:${where} ran on ${run.threads} threads: ${run.here} schedules in the main one, ${results.length - run.here} in worker threads\n`);
  // The first failure in seed order: every lower index of this shard ran and passed.
  const first = results.find((r) => !r.passed);
  const ran = first === undefined ? results.length : results.filter((r) => r.index <= first.index).length;
  const shardFields = sharded ? { shard: shardLabel(shard), job: { seed, runs, orderers, faults, actions: job.actions }, ran, failureIndex: first?.index ?? null } : {};

  if (first === undefined) {
    if (json) env.stdout(JSON.stringify({ passed: true, runs: sharded ? ran : runs, seed, ...shardFields }, null, 2) + '\n');
    else env.stdout(`check:${where} ${sharded ? ran : runs} schedules passed (seed ${seed})\n`);
    return 0;
  }
  // Shrink it here, as fast-check would have had it been the first failure of one sequential
  // run: the path "i" replays schedule i of this seed and shrinks from it.
  const lastFailure: { scenario?: Scenario; result?: ScenarioResult | string } = {};
  const details = await fc.check(
    fc.asyncProperty(checkArbitrary(job), async (scenario) => {
      const result = await checkAttempt(target, scenario);
      const passed = passedOf(result);
      if (!passed) {
        lastFailure.scenario = scenario;
        lastFailure.result = result;
      }
      return passed;
    }),
    { seed, numRuns: 1, path: String(first.index), endOnFailure: false },
  );
  const counterexample = details.counterexample?.[0] ?? lastFailure.scenario;
  if (!details.failed || counterexample === undefined) {
    const why = details.failed ? (details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)) : `schedule ${first.index} failed once and passed when replayed: the run is not deterministic`;
    env.stderr(`check: ${why}\n`);
    return 1;
  }
  const result = lastFailure.result;
  const scenario: Scenario = { ...counterexample, name: `check-failure-${seed}` };
  const schedules = first.index + 1;
  writeOutput(env, 'check', 'out', file, `# Shrunk by "fabric-bft-sim check --seed ${seed}" (fast-check path ${details.counterexamplePath ?? '?'}).\n${scenarioToYaml(scenario)}`);
  if (reportPath !== undefined) {
    // The shrunk run once more, deterministic, this time keeping the trace records the report reads.
    const keeper = await reportKeeper(scenario);
    const replay = await execute(target, scenario, { seed: scenario.seed ?? 1, maxWall: '2m', traceSink: keeper.add });
    writeOutput(env, 'check', 'report', reportPath, keeper.html(replay));
  }
  if (json) {
    env.stdout(JSON.stringify({ passed: false, runs: schedules, seed, path: details.counterexamplePath, file, ...(reportPath !== undefined ? { report: reportPath } : {}), failure: result ? phaseOf(result) : null, scenario, ...shardFields }, null, 2) + '\n');
    return 1;
  }
  env.stdout(
    [
      `check:${where} FAILED after ${sharded ? `${ran} of this shard's ` : ''}${schedules} schedules (seed ${seed}, path ${details.counterexamplePath ?? '?'}, ${details.numShrinks} shrinks)`,
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
