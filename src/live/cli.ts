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
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { FileReadError, readRegularFile } from '../io/files.ts';
import { STOP_SIGNALS, exitCodeOf, onStopSignals, type StopSignal } from '../shared/stop-signals.ts';
import { loadLiveConfig, parseDuration, type LiveConfig } from './config.ts';
import { LiveCluster } from './cluster.ts';
import { bool, only, parseArgs, str, usageLine, UsageError, type Parsed } from '../args/grammar.ts';
import { escapeControls, formatResult } from './report.ts';
import { runLive, type LiveRunOptions } from './run.ts';
import { LIVE_SPECS, usageText, wantsHelp } from './usage.ts';
import { loadScenario } from './scenario.ts';
import type { CliEnv, SimTarget } from '../io/env.ts';
import { runScenario } from '../scenarios/runner.ts';
import { refusedIn } from '../scenarios/operations.ts';
import type { Scenario } from '../scenarios/schema.ts';
import { runCompare } from './compare-run.ts';
import { runServe } from './serve/cli.ts';

export interface LiveCliIo {
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
  /**
   * The simulator behind the port. The CLI passes its own wiring (src/cli/targets.ts, with
   * `topology.profile`); a library caller builds one from the main entry:
   * `async () => ({ create: simClusterFor, checks: simChecks, behaviours: SCENARIO_BEHAVIOURS })`.
   * Live code never wires the simulator itself (docs/architecture.md: only the CLI wires targets).
   */
  readonly target: () => Promise<SimTarget>;
  /** Writes a file (`compare --report`); src/cli's CliEnv has it, else node:fs. */
  readonly writeFile?: (path: string, text: string) => void;
  /** The progress line of the simulator run (`compare`, on a terminal only); src/cli's CliEnv has it. */
  readonly simProgress?: CliEnv['simProgress'];
}

/** The simulated target the caller wired in. */
export async function simTargetOf(io: LiveCliIo): Promise<SimTarget> {
  return io.target();
}

/** The first step a live run refuses, as one line; undefined when none. */
export function liveRefusedStep(scenario: Scenario): string | undefined {
  for (const [i, st] of scenario.steps.entries()) {
    const refused = refusedIn(st, 'live', 'before');
    if (refused !== undefined) {
      const name = (st as { name?: string }).name;
      return `steps[${i}]${name !== undefined ? ` (${name})` : ''}: ${refused.op} is not run on a live cluster: ${refused.refusal.why}; run it in the simulator or with --target local`;
    }
  }
  return undefined;
}

/** compare's own flags: its --help also lists those of --target local (src/cli/commands/local.ts), which src/cli/main.ts routes there. */
const COMPARE = only(LIVE_SPECS.compare, ['config', 'yes', 'json', 'insecure', 'ca-file', 'timeout', 'report']);

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

/**
 * The one output path of `live` and `compare`: every line goes through here, and control
 * characters (ESC, the rest of C0 but newline and tab, DEL, C1) are shown escaped. Names
 * echoed from the config, the scenario file, `oc` or a server cannot move the cursor,
 * clear the screen or retitle the terminal. The `\u001b` form keeps JSON output valid.
 */
function safeOutput(io: LiveCliIo): LiveCliIo {
  return { ...io, stdout: (s) => io.stdout(escapeControls(s)), stderr: (s) => io.stderr(escapeControls(s)) };
}

async function runCommand(command: 'live' | 'compare' | 'serve', argv: readonly string[], rawIo: LiveCliIo): Promise<number> {
  const io = command === 'serve' ? rawIo : safeOutput(rawIo);
  try {
    if (wantsHelp(argv)) {
      io.stdout(usageText(command));
      return 0;
    }
    if (command === 'serve') return await runServe(argv, io);
    const args = parseArgs(command === 'compare' ? COMPARE : LIVE_SPECS.live, argv);
    const setup = prepare(command, args);
    if (!bool(args, 'yes')) return await dryRun(command, setup, bool(args, 'json'), io);
    const refused = liveRefusedStep(setup.scenario);
    if (refused !== undefined) {
      io.stderr(`fabric-bft-sim ${command}: ${refused}\n`);
      return 2;
    }
    if (command === 'live') return await execute(setup, bool(args, 'json'), io);
    const report = str(args, 'report');
    return await runCompare(setup, { json: bool(args, 'json'), ...(report !== undefined ? { reportPath: report } : {}) }, io);
  } catch (e) {
    if (e instanceof UsageError || e instanceof ConfigError) {
      io.stderr(`${usageLine(command, e.message)}\n`);
      return 2;
    }
    io.stderr(`fabric-bft-sim ${command}: ${(e as Error).message.split('\n')[0] ?? ''}\n`);
    return 1;
  }
}

class ConfigError extends Error {}

/** Largest CA bundle read (`--ca-file`, `tls.caFile`); the whole Mozilla bundle is about 220 kB. */
const MAX_CA_BYTES = 1_000_000;

/** `--report` before anything runs: a file name in an existing directory. */
function checkReportPath(path: string): void {
  const kind = (p: string): 'file' | 'dir' | 'other' | 'missing' => {
    try {
      const st = statSync(p);
      return st.isFile() ? 'file' : st.isDirectory() ? 'dir' : 'other';
    } catch {
      return 'missing';
    }
  };
  const k = kind(path);
  if (k === 'dir') throw new UsageError(`--report ${path} is a directory; give a file name`);
  if (k === 'other') throw new UsageError(`--report ${path} is not a regular file`);
  const parent = dirname(resolve(path));
  if (kind(parent) !== 'dir') throw new UsageError(`--report ${path}: directory ${dirname(path)} does not exist`);
}

export interface LiveSetup {
  readonly config: LiveConfig;
  readonly configPath: string;
  readonly scenario: Scenario;
  readonly tls: { insecure?: boolean; ca?: string };
  readonly timeoutMs: number;
}

function prepare(command: string, args: Parsed): LiveSetup {
  if (args.positionals.length !== 1) {
    throw new UsageError(`expects one scenario name or file, got ${args.positionals.length === 0 ? 'none' : args.positionals.join(' ')} (see "fabric-bft-sim ${command} --help")`);
  }
  const configPath = str(args, 'config');
  if (configPath === undefined) throw new UsageError('--config c.yaml is required (see examples/certchain.live.yaml)');
  let config: LiveConfig;
  try {
    config = loadLiveConfig(configPath, '--config');
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
  let scenario: Scenario;
  try {
    scenario = loadScenario(args.positionals[0]!, config.topology);
  } catch (e) {
    throw new ConfigError((e as Error).message.split('\n')[0] ?? '');
  }
  const caFlag = str(args, 'ca-file');
  const caFile = caFlag ?? (config.tls.caFile !== undefined ? resolve(config.baseDir, config.tls.caFile) : undefined);
  let ca: string | undefined;
  if (caFile !== undefined && bool(args, 'yes')) {
    try {
      ca = readRegularFile(caFile, MAX_CA_BYTES);
    } catch (e) {
      if (e instanceof FileReadError) throw new ConfigError(`${caFlag !== undefined ? '--ca-file' : `${configPath}: tls.caFile`} ${caFile} ${e.problem}`);
      throw e;
    }
  }
  const report = str(args, 'report');
  if (report !== undefined) checkReportPath(report);
  let timeoutMs = 30 * 60_000;
  const t = str(args, 'timeout');
  if (t !== undefined) {
    try {
      timeoutMs = parseDuration(t);
    } catch (e) {
      throw new UsageError(`--timeout: ${(e as Error).message}`);
    }
  }
  const tls = { ...(bool(args, 'insecure') ? { insecure: true } : {}), ...(ca !== undefined ? { ca } : {}) };
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
    .map((st, i) => ({ i, op: refusedIn(st, 'live')?.op }))
    .filter((x) => x.op !== undefined);
  for (const u of unsupported) lines.push(`WARNING: steps[${u.i}] ${u.op ?? ''} cannot run on a live cluster; that step will fail (run it in the simulator).`);
  if (pending.length > 0) lines.push(`At the end these undos would still be pending and would run: ${pending.map((u) => u.label).join('; ')}`);
  lines.push('Values above (heights, counts, the leader) are not known until the run; every undo is registered before its step and runs on failure, timeout or Ctrl-C.');
  if (command === 'compare') lines.push('compare also runs the scenario in the simulator, on the topology this config describes.');
  lines.push(`Run again with --yes to execute.`);
  io.stdout(`${lines.join('\n')}\n`);
  return 0;
}

/** The signals that end a live run (src/shared/stop-signals.ts); each runs the undos. */
export { STOP_SIGNALS };

const ignoreOutputError = (): void => undefined;

/**
 * The signal a run stops on: SIGINT (Ctrl-C), SIGTERM, SIGHUP, or its time limit. While the
 * run lasts these signals do not kill the process: they abort the run, whose undos then run
 * (a second signal does not skip them). `exitCode()` is then 128 + the signal's number
 * (130, 143, 129), as a shell reports a process a signal ended. Call `dispose` afterwards.
 */
export function interruptSignal(
  timeoutMs: number,
  io: LiveCliIo,
): { signal: AbortSignal; dispose: () => void; interrupted: () => boolean; exitCode: () => number | undefined } {
  const ac = new AbortController();
  let received: StopSignal | undefined;
  const stopListening = onStopSignals((sig) => {
    if (received === undefined) {
      received = sig;
      // After SIGHUP the terminal is gone: a failed write must not kill the undos.
      process.stdout.on('error', ignoreOutputError);
      process.stderr.on('error', ignoreOutputError);
      const how = sig === 'SIGINT' ? '' : ` by ${sig}`;
      io.stderr(`\ninterrupted${how}: stopping and running the undos (Ctrl-C or another signal does not skip them)...\n`);
    }
    ac.abort();
  });
  const timer = setTimeout(() => {
    io.stderr(`\nthe run took longer than its --timeout: stopping and running the undos...\n`);
    ac.abort();
  }, timeoutMs);
  return {
    signal: ac.signal,
    interrupted: () => received !== undefined,
    exitCode: () => (received === undefined ? undefined : exitCodeOf(received)),
    dispose: () => {
      clearTimeout(timer);
      stopListening();
      process.stdout.off('error', ignoreOutputError);
      process.stderr.off('error', ignoreOutputError);
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
    const bySignal = stop.exitCode();
    if (bySignal !== undefined) return bySignal;
    const undosOk = run.undos.every((u) => u.state === 'discharged' || u.ok === true);
    return run.result?.passed === true && undosOk ? 0 : 1;
  } finally {
    stop.dispose();
  }
}
