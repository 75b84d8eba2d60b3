/**
 * The CLI commands of the live side: `live`, `compare` and `serve`. `src/cli/main.ts`
 * dispatches to `runLiveCommand`. This is the CLI layer: it reads flags, the config and
 * files, owns the Ctrl-C handler and the run's time limit, and prints (masked) results.
 *
 *   fabric-bft-sim live <scenario|file> --config c.yaml [--yes] [--json] [--insecure] [--ca-file F] [--timeout 30m]
 *   fabric-bft-sim compare <scenario|file> --config c.yaml [--yes] [--json] [--report sim.html] [...]
 *   fabric-bft-sim serve [--port 8080] [--host 127.0.0.1] [--speed 1] [--seed N] [--orderers N]
 *
 * Dry run is the default for `live` and `compare`: the plan is printed and nothing runs.
 * `-h`/`--help` prints each command's usage (usage.ts).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadLiveConfig, parseDuration, type LiveConfig } from './config.ts';
import { LiveCluster } from './cluster.ts';
import { parseArgs, UsageError, type ParsedArgs } from './args.ts';
import { formatResult } from './report.ts';
import { runLive, type LiveRunOptions } from './run.ts';
import { usageText, wantsHelp } from './usage.ts';
import { loadScenario } from './scenario.ts';
import type { SimTarget } from '../cli/io.ts';
import { runScenario } from '../scenarios/runner.ts';
import type { Scenario } from '../scenarios/schema.ts';
import { runCompare } from './compare-run.ts';
import { runServe } from './serve/cli.ts';

export interface LiveCliIo {
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
  /** The simulator behind the port (src/cli's CliEnv has it); loaded from src/cli/targets.ts when absent. */
  readonly target?: () => Promise<SimTarget>;
  /** Writes a file (`compare --report`); src/cli's CliEnv has it, else node:fs. */
  readonly writeFile?: (path: string, text: string) => void;
}

/** The simulated target: the CLI env's, else src/cli's default wiring. */
export async function simTargetOf(io: LiveCliIo): Promise<SimTarget> {
  if (io.target !== undefined) return io.target();
  return (await import('../cli/targets.ts')).simTarget();
}

/** Operations LiveCluster refuses (see LiveCluster.partition and friends). */
const LIVE_UNSUPPORTED = ['partition', 'heal', 'byzantine', 'honest'];

const LIVE_FLAGS = { values: ['config', 'ca-file', 'timeout'], switches: ['yes', 'json', 'insecure'] } as const;
const COMPARE_FLAGS = { values: [...LIVE_FLAGS.values, 'report'], switches: LIVE_FLAGS.switches } as const;

/**
 * `live`, `compare` or `serve` with their arguments. Also callable as `(argv, env)`, the
 * convention of src/cli/main.ts's command table, which means `live`.
 */
export async function runLiveCommand(command: 'live' | 'compare' | 'serve', argv: readonly string[], io: LiveCliIo): Promise<number>;
export async function runLiveCommand(argv: readonly string[], io: LiveCliIo): Promise<number>;
export async function runLiveCommand(a: 'live' | 'compare' | 'serve' | readonly string[], b: readonly string[] | LiveCliIo, c?: LiveCliIo): Promise<number> {
  if (typeof a !== 'string') return runLiveCommand('live', a, b as LiveCliIo);
  return runCommand(a, b as readonly string[], c!);
}

/** `compare`, in src/cli/main.ts's `(argv, env)` convention. */
export function runCompareCommand(argv: readonly string[], io: LiveCliIo): Promise<number> {
  return runLiveCommand('compare', argv, io);
}

/** `serve` (the simulated CertChain on loopback), in src/cli/main.ts's `(argv, env)` convention. */
export function runServeCertChainCommand(argv: readonly string[], io: LiveCliIo): Promise<number> {
  return runLiveCommand('serve', argv, io);
}

async function runCommand(command: 'live' | 'compare' | 'serve', argv: readonly string[], io: LiveCliIo): Promise<number> {
  try {
    if (wantsHelp(argv)) {
      io.stdout(usageText(command));
      return 0;
    }
    if (command === 'serve') return await runServe(argv, io);
    const args = parseArgs(argv, command === 'compare' ? COMPARE_FLAGS : LIVE_FLAGS);
    const setup = prepare(command, args);
    if (!args.switches.has('yes')) return await dryRun(command, setup, args.switches.has('json'), io);
    if (command === 'live') return await execute(setup, args.switches.has('json'), io);
    const report = args.values.get('report');
    return await runCompare(setup, { json: args.switches.has('json'), ...(report !== undefined ? { reportPath: report } : {}) }, io);
  } catch (e) {
    if (e instanceof UsageError || e instanceof ConfigError) {
      io.stderr(`fabric-bft-sim ${command}: ${e.message}\n`);
      return 2;
    }
    io.stderr(`fabric-bft-sim ${command}: ${(e as Error).message.split('\n')[0] ?? ''}\n`);
    return 1;
  }
}

class ConfigError extends Error {}

export interface LiveSetup {
  readonly config: LiveConfig;
  readonly configPath: string;
  readonly scenario: Scenario;
  readonly tls: { insecure?: boolean; ca?: string };
  readonly timeoutMs: number;
}

function prepare(command: string, args: ParsedArgs): LiveSetup {
  if (args.positional.length !== 1) {
    throw new UsageError(`expects one scenario name or file, got ${args.positional.length === 0 ? 'none' : args.positional.join(' ')} (see "fabric-bft-sim ${command} --help")`);
  }
  const configPath = args.values.get('config');
  if (configPath === undefined) throw new UsageError('--config c.yaml is required (see examples/certchain.live.yaml)');
  let config: LiveConfig;
  try {
    config = loadLiveConfig(configPath);
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
  let scenario: Scenario;
  try {
    scenario = loadScenario(args.positional[0]!, config.topology);
  } catch (e) {
    throw new ConfigError((e as Error).message.split('\n')[0] ?? '');
  }
  const caFile = args.values.get('ca-file') ?? (config.tls.caFile !== undefined ? resolve(config.baseDir, config.tls.caFile) : undefined);
  let ca: string | undefined;
  if (caFile !== undefined && args.switches.has('yes')) {
    try {
      ca = readFileSync(caFile, 'utf8');
    } catch (e) {
      throw new ConfigError(`cannot read the CA file ${caFile} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  let timeoutMs = 30 * 60_000;
  const t = args.values.get('timeout');
  if (t !== undefined) {
    try {
      timeoutMs = parseDuration(t);
    } catch (e) {
      throw new UsageError(`--timeout: ${(e as Error).message}`);
    }
  }
  const tls = { ...(args.switches.has('insecure') ? { insecure: true } : {}), ...(ca !== undefined ? { ca } : {}) };
  return { config, configPath, scenario, tls, timeoutMs };
}

/** Record the whole run without executing anything: not a read, not a token request. */
async function dryRun(command: string, s: LiveSetup, json: boolean, io: LiveCliIo): Promise<number> {
  const cluster = new LiveCluster(s.config, { dryRun: true, tls: s.tls });
  await cluster.preflight();
  await runScenario(s.scenario, cluster, { pollMs: s.config.timeouts.poll });
  const pending = cluster.undoReport().filter((u) => u.state === 'pending');
  const plan = cluster.io.plan;
  if (json) {
    io.stdout(`${JSON.stringify({ dryRun: true, command, scenario: s.scenario.name, plan: plan.entries, pendingUndos: pending.map((u) => u.label) }, null, 2)}\n`);
    return 0;
  }
  const lines = [
    `DRY RUN of ${s.scenario.name} against the cluster in ${s.configPath}: nothing was executed, nothing was read.`,
    `These are the commands and requests \`--yes\` would make, in order (secrets shown as ***):`,
    '',
    plan.format(),
    '',
  ];
  const unsupported = s.scenario.steps
    .map((st, i) => ({ i, op: Object.keys(st).find((k) => LIVE_UNSUPPORTED.includes(k)) }))
    .filter((x) => x.op !== undefined);
  for (const u of unsupported) lines.push(`WARNING: steps[${u.i}] ${u.op ?? ''} cannot run on a live cluster; that step will fail (run it in the simulator).`);
  if (pending.length > 0) lines.push(`At the end these undos would still be pending and would run: ${pending.map((u) => u.label).join('; ')}`);
  lines.push('Values above (heights, counts, the leader) are not known until the run; every undo is registered before its step and runs on failure, timeout or Ctrl-C.');
  if (command === 'compare') lines.push('compare also runs the scenario in the simulator, on the topology this config describes.');
  lines.push(`Run again with --yes to execute.`);
  io.stdout(`${lines.join('\n')}\n`);
  return 0;
}

/** The signal a run stops on: Ctrl-C (SIGINT) or its time limit. Call `dispose` afterwards. */
export function interruptSignal(timeoutMs: number, io: LiveCliIo): { signal: AbortSignal; dispose: () => void; interrupted: () => boolean } {
  const ac = new AbortController();
  let interrupted = false;
  const onSigint = (): void => {
    interrupted = true;
    io.stderr('\ninterrupted: stopping and running the undos (Ctrl-C again does not skip them)...\n');
    ac.abort();
  };
  process.on('SIGINT', onSigint);
  const timer = setTimeout(() => {
    io.stderr(`\nthe run took longer than its --timeout: stopping and running the undos...\n`);
    ac.abort();
  }, timeoutMs);
  return {
    signal: ac.signal,
    interrupted: () => interrupted,
    dispose: () => {
      clearTimeout(timer);
      process.off('SIGINT', onSigint);
    },
  };
}

/**
 * How `live --yes` and `compare --yes` run the cluster side: executing, with the CLI's TLS
 * overrides, a fresh certificate-id suffix, the run's stop signal, and progress on stderr.
 */
export function executeOptions(s: LiveSetup, signal: AbortSignal, io: LiveCliIo): LiveRunOptions {
  return {
    dryRun: false,
    tls: s.tls,
    certIdSuffix: Date.now().toString(36),
    signal,
    onStep: (l) => io.stderr(`  ${l}\n`),
    onResult: (l) => io.stderr(`${l}\n`),
  };
}

async function execute(s: LiveSetup, json: boolean, io: LiveCliIo): Promise<number> {
  const stop = interruptSignal(s.timeoutMs, io);
  try {
    const run = await runLive(s.scenario, s.config, executeOptions(s, stop.signal, io));
    const mask = (t: string): string => run.cluster.io.masker.mask(t);
    if (json) {
      io.stdout(`${mask(JSON.stringify({ scenario: s.scenario.name, preflightError: run.preflightError ?? null, result: run.result ?? null, undos: run.undos, aborted: run.aborted }, null, 2))}\n`);
    } else if (run.result === undefined) {
      io.stdout(`preflight failed, nothing was changed: ${run.preflightError ?? ''}\n`);
    } else io.stdout(`${mask(formatResult(run.result, run.undos))}\n`);
    if (stop.interrupted()) return 130;
    const undosOk = run.undos.every((u) => u.state === 'discharged' || u.ok === true);
    return run.result?.passed === true && undosOk ? 0 : 1;
  } finally {
    stop.dispose();
  }
}
