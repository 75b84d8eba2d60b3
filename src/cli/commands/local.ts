/**
 * `run X --target local` and `compare X --target local`: a scenario on the network
 * `net up` started (LocalCluster), and the same scenario in the simulator beside it, on
 * the same topology and SmartBFT options, compared step by step with src/live/compare.ts
 * (outcome differences fail the command; timing differences are shown with both numbers).
 *
 * A CLI command: it wires the simulator and the real network together, which only the CLI
 * does (it lived in src/local).
 */
import { runScenario, DEFAULT_SEED, type ScenarioResult } from '../../scenarios/runner.ts';
import type { Scenario } from '../../scenarios/schema.ts';
import { resolve } from 'node:path';
import { bool, num, parseArgs, str, type CommandSpec, type FlagSpec } from '../../args/grammar.ts';
import { checksTable, header, logEvidence, resultJson, stepTable, verdictLine } from '../format.ts';
import { UsageError, type CliEnv } from '../io.ts';
import { loadScenario } from '../load.ts';
import { scenarioProfile } from '../targets.ts';
import { durationMs } from '../../scenarios/duration.ts';
import { simClusterFor } from '../../scenarios/simulator.ts';
import type { SmartBftConfig } from '../../sim/smartbft/config.ts';
import { compareResults, formatComparison } from '../../live/compare.ts';
import { LocalCluster, topologyMismatch, unsupportedStep } from '../../local/cluster.ts';
import { DEFAULT_DIR, loadNetState, NetError, processNames, type NetState } from '../../local/net.ts';
import { backoffMaxDelayOf, describeSmartBft, goDurationMs, type SmartBftOptions, type SmartBftOptionName } from '../../local/plan.ts';
import { isRunning, readPid } from '../../local/procs.ts';
import { onStopSignals } from '../../shared/stop-signals.ts';

/**
 * The flags of `run X --target local` and `compare X --target local`. `compare --help`
 * (src/cli/main.ts) lists them after the live cluster's flags (src/live/usage.ts).
 */
export const LOCAL_FLAGS: FlagSpec = {
  target: { type: 'string', value: 'local', expects: 'sim (default) or local', help: 'run on the real Fabric network "fabric-bft-sim net up" started (docs/local.md)' },
  dir: { type: 'string', value: 'DIR', expects: 'the run folder of net up (default ./.fabric-net)', help: 'with --target local: the run folder of net up', default: './.fabric-net' },
  seed: { type: 'int', min: 0, max: 0xffffffff, help: 'with --target local: seed of the simulator run', default: "the scenario's seed, else 1" },
  orderers: { type: 'int', min: 1, max: 100, help: "with --target local: number of orderers (default: the network's)" },
  json: { type: 'bool', help: 'the comparison and both results, as JSON' },
  timeout: { type: 'duration', help: 'wall-clock limit of the real run', default: '30m' },
};

/** `compare X --target local`'s grammar (its --help is compare's, src/cli/main.ts). */
const COMPARE_LOCAL: Pick<CommandSpec, 'name' | 'flags'> = { name: 'compare', flags: LOCAL_FLAGS };

/** The model's SmartBFT options for the network's (only those given at net up; the rest are the same defaults). */
export function simSmartBft(options: SmartBftOptions, changed: readonly SmartBftOptionName[]): Partial<SmartBftConfig> {
  const out: Record<string, number | boolean> = {};
  for (const name of changed) {
    const v = options[name];
    if (typeof v === 'string') out[name] = goDurationMs(v) ?? 0;
    else if (name !== 'IncomingMessageBufferSize') out[name] = v;
  }
  return out as Partial<SmartBftConfig>;
}

interface Prepared {
  readonly state: NetState;
  readonly scenario: Scenario;
  readonly ref: string;
  readonly seed: number;
  readonly timeoutMs: number;
}

function prepare(command: 'run' | 'compare', argv: readonly string[], env: CliEnv): Prepared & { json: boolean } {
  const p = parseArgs(command === 'compare' ? COMPARE_LOCAL : { name: 'run', flags: LOCAL_FLAGS }, argv);
  if (str(p, 'target') !== 'local') {
    throw new UsageError(command === 'run' ? `run: --target is sim or local, got "${str(p, 'target') ?? ''}"` : `compare: --target local is the only target (without it, compare runs against a live cluster given by --config)`);
  }
  if (p.positionals.length !== 1) throw new UsageError(`${command}: expects one scenario name or file, got ${p.positionals.length === 0 ? 'none' : p.positionals.join(' ')}`);
  const dir = resolve(str(p, 'dir') ?? DEFAULT_DIR);
  let state: NetState;
  try {
    state = loadNetState(dir);
  } catch (e) {
    throw new UsageError(`${command}: --target local: ${(e as Error).message}`);
  }
  const n = state.plan.orderers.length;
  const loaded = loadScenario(env, command, p.positionals[0] as string, num(p, 'orderers') ?? n);
  const scenario = loaded.scenario;
  const refused = unsupportedStep(scenario);
  if (refused !== undefined) throw new UsageError(`${command}: --target local: ${scenario.name} ${refused}`);
  const mismatch = topologyMismatch(scenario, state);
  if (mismatch !== undefined) throw new UsageError(`${command}: --target local: ${mismatch}`);
  const down = processNames(state.plan).filter((name) => !isRunning(readPid(dir, name)));
  if (down.length > 0) throw new UsageError(`${command}: --target local: ${down.join(', ')} not running in ${dir} ("fabric-bft-sim net status"; "net up" starts a fresh network)`);
  const timeout = str(p, 'timeout');
  return { state, scenario, ref: loaded.ref, seed: num(p, 'seed') ?? scenario.seed ?? DEFAULT_SEED, timeoutMs: timeout === undefined ? 30 * 60_000 : durationMs(timeout), json: bool(p, 'json') };
}

/** A stop signal (Ctrl-C, SIGTERM, SIGHUP) or the time limit aborts the run; the cluster still restores what it stopped. */
function stopSignal(timeoutMs: number, env: CliEnv): { signal: AbortSignal; dispose: () => void } {
  const ac = new AbortController();
  const stopListening = onStopSignals(() => {
    env.stderr('\ninterrupted: stopping the run and starting again what it stopped...\n');
    ac.abort();
  });
  const t = setTimeout(() => ac.abort(), timeoutMs);
  return {
    signal: ac.signal,
    dispose: () => {
      clearTimeout(t);
      stopListening();
    },
  };
}

/** How often `run --target local` polls a `waitFor`: a real time is known to this much. */
export const LOCAL_POLL_MS = 500;

async function runOnLocal(pr: Prepared, env: CliEnv): Promise<ScenarioResult> {
  const stop = stopSignal(pr.timeoutMs, env);
  const cluster = new LocalCluster(pr.state, { certIdSuffix: Date.now().toString(36), onStep: (l) => env.stderr(`  ${l}\n`), signal: stop.signal });
  try {
    const unconnected = await cluster.connectGateways();
    if (unconnected.length > 0) env.stderr(`  no connection yet to the peer of ${unconnected.join(', ')} (connects at its first call)\n`);
    return await runScenario(pr.scenario, cluster, {
      seed: pr.seed,
      signal: stop.signal,
      pollMs: LOCAL_POLL_MS,
      onStep: (s) => env.stderr(`${s.ok ? '✓' : '✗'} ${s.index} ${s.name} (${Math.round(s.tookMs)} ms)\n`),
    });
  } finally {
    await cluster.close();
    stop.dispose();
  }
}

/** `run X --target local`. */
export async function runLocalCommand(argv: readonly string[], env: CliEnv): Promise<number> {
  const pr = prepare('run', argv, env);
  env.stderr(`local network in ${pr.state.plan.dir}; ${describeSmartBft(pr.state.plan.smartbft, pr.state.plan.smartbftChanged)}\n`);
  const started = env.wallMs();
  let result: ScenarioResult;
  try {
    result = await runOnLocal(pr, env);
  } catch (e) {
    if (e instanceof NetError) throw new UsageError(`run: --target local: ${e.message}`);
    throw e;
  }
  if (pr.json) {
    env.stdout(resultJson(result));
    return result.passed ? 0 : 1;
  }
  const parts = [header(result, pr.scenario.description, pr.state.plan.orderers.length), describeSmartBft(pr.state.plan.smartbft, pr.state.plan.smartbftChanged), '', stepTable(result)];
  const evidence = logEvidence(result);
  if (evidence !== '') parts.push('', evidence);
  const checks = checksTable(result);
  if (checks !== '') parts.push('', checks);
  parts.push('', verdictLine(result, env.wallMs() - started));
  env.stdout(`${parts.join('\n')}\n`);
  return result.passed ? 0 : 1;
}

/** `compare X --target local`: the simulator (same topology, same SmartBFT options), then the local network. */
export async function compareLocalCommand(argv: readonly string[], env: CliEnv): Promise<number> {
  // `compare --help` lists these flags with the live cluster's (src/cli/main.ts answers it).
  const pr = prepare('compare', argv, env);
  const smart = describeSmartBft(pr.state.plan.smartbft, pr.state.plan.smartbftChanged);
  env.stderr(`${smart}; the simulator runs with the same\n`);
  const target = await env.target();
  const profile = scenarioProfile(pr.scenario);
  // On a terminal, a progress line while the simulator runs (the local side prints a line per step).
  const progress = env.simProgress?.(`compare ${pr.scenario.name}: simulator`, pr.scenario.steps, pr.json);
  let sim: ScenarioResult;
  try {
    // The network's SmartBFT options and back-off cap (a scenario asking for others was refused).
    const simCluster = await simClusterFor(pr.scenario, { seed: pr.seed, smartbft: simSmartBft(pr.state.plan.smartbft, pr.state.plan.smartbftChanged), ordererBackoffMaxMs: goDurationMs(backoffMaxDelayOf(pr.state.plan)) as number, ...(profile !== undefined ? { profile } : {}), ...(progress !== undefined ? { interrupt: progress.interrupt } : {}) });
    progress?.attach(simCluster);
    try {
      sim = await runScenario(pr.scenario, simCluster, { seed: pr.seed, ...(target.checks ? { checks: target.checks } : {}), ...(target.behaviours ? { behaviours: target.behaviours } : {}), ...(progress !== undefined ? { onStep: progress.onStep } : {}) });
    } finally {
      await simCluster.close();
    }
  } finally {
    progress?.line.end();
  }
  env.stderr(`simulator: ${sim.passed ? 'passed' : sim.verdict} (seed ${pr.seed}); now the local network...\n`);
  const local = await runOnLocal(pr, env);
  const cmp = compareResults(sim, local, pr.scenario.steps.map((st) => st.expect !== undefined));
  if (pr.json) env.stdout(`${JSON.stringify({ comparison: cmp, smartbft: pr.state.plan.smartbft, sim, local }, null, 2)}\n`);
  else env.stdout(`${formatComparison(cmp, { column: 'local', title: `the local Fabric network (${pr.state.plan.orderers.length} orderers, LevelDB)` })}\n${smart}\n`);
  return cmp.outcomeDiffers ? 1 : 0;
}

/** Whether argv asks for `--target local` (`--target local` or `--target=local`). */
export function wantsLocal(argv: readonly string[]): boolean {
  return argv.some((a, i) => a === '--target=local' || (a === '--target' && argv[i + 1] === 'local'));
}
