/**
 * `fabric-bft-sim`: the command-line interface. The only place that touches `process`,
 * stdout and files, and the only place that wires the simulator in (targets.ts).
 *
 * Commands are a table: a name, a one-line summary, and a loader of the function to call
 * with `(argv, env) => Promise<exitCode>`. Modules load on use, so `--help` stays fast and
 * sim-only commands never load the live adapter.
 * Exit codes: 0 passed, 1 failed, 2 bad input (one line on stderr, no stack trace).
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { didYouMean } from '../scenarios/suggest.ts';
import { asks, usageLine, UsageError, type CommandSpec } from '../args/grammar.ts';
import { helpText as commandHelp } from '../args/help.ts';
import { escapeControls } from '../shared/escape.ts';
import type { CliEnv } from './io.ts';

export type CommandFn = (argv: readonly string[], env: CliEnv) => Promise<number>;

interface CommandEntry {
  readonly summary: string;
  /** The command's grammar: its parser reads it, and `--help` is generated from it (src/args/help.ts). */
  readonly spec: () => Promise<CommandSpec>;
  readonly load: () => Promise<CommandFn>;
}

export const COMMANDS: Readonly<Record<string, CommandEntry>> = {
  scenarios: { summary: 'list the built-in scenarios (or print one as YAML)', spec: async () => (await import('./commands/scenarios.ts')).SCENARIOS_SPEC, load: async () => (await import('./commands/scenarios.ts')).scenariosCommand },
  run: { summary: 'run a scenario (built-in name or YAML/JSON file) in the simulator', spec: async () => (await import('./commands/run.ts')).RUN_SPEC, load: async () => (await import('./commands/run.ts')).runCommand },
  check: { summary: 'search random fault schedules (fast-check); shrink and save failures', spec: async () => (await import('./commands/check.ts')).CHECK_SPEC, load: async () => (await import('./commands/check.ts')).checkCommand },
  sweep: { summary: 'run a scenario over lists of seeds, orderer counts and options, one result row each', spec: async () => (await import('./commands/sweep.ts')).SWEEP_SPEC, load: async () => (await import('./commands/sweep.ts')).sweepCommand },
  merge: { summary: 'fold the JSON of sweep or check shards (--shard K/N) into the whole run\'s result', spec: async () => (await import('./commands/merge.ts')).MERGE_SPEC, load: async () => (await import('./commands/merge.ts')).mergeCommand },
  lab: { summary: "run the lab's three demos and print a summary (npm start)", spec: async () => (await import('./commands/lab.ts')).LAB_SPEC, load: async () => (await import('./commands/lab.ts')).labCommand },
  live: { summary: 'run a scenario against a real cluster (dry run by default)', spec: async () => (await import('../live/usage.ts')).LIVE_SPECS.live, load: async () => (await import('../live/cli.ts')).runLiveCommand },
  compare: {
    summary: 'run a scenario in the simulator and on a real cluster (or --target local), side by side',
    // One help for both: the live cluster's flags, then those only --target local takes.
    spec: async () => {
      const [{ LIVE_SPECS }, { LOCAL_FLAGS }] = await Promise.all([import('../live/usage.ts'), import('./commands/local.ts')]);
      const live = LIVE_SPECS.compare;
      return { ...live, flags: { ...live.flags, ...Object.fromEntries(Object.entries(LOCAL_FLAGS).filter(([k]) => !(k in live.flags))) } };
    },
    // `--target local` compares with the network `net up` started (src/local); otherwise a live cluster (--config).
    load: async () => async (argv, env) =>
      argv.some((a) => a === '--target' || a.startsWith('--target=')) ? (await import('./commands/local.ts')).compareLocalCommand(argv, env) : (await import('../live/cli.ts')).runCompareCommand(argv, env),
  },
  serve: { summary: 'serve a simulated CertChain (REST API, Keycloak tokens, metrics) on loopback', spec: async () => (await import('../live/usage.ts')).LIVE_SPECS.serve, load: async () => (await import('../live/cli.ts')).runServeCertChainCommand },
  size: {
    summary: 'orderer sizing: fault tolerance, quorum and latency per orderer count',
    spec: async () => (await import('../sizing/args.ts')).SIZE_SPEC,
    // The CLI's output checks (a one-line error before any work; atomic writes) for --report, and its progress line.
    load: async () => {
      const [{ runSizeCommand }, { checkOutputFile, writeOutput }, { progressLine }] = await Promise.all([import('../sizing/cli.ts'), import('./output.ts'), import('../io/progress.ts')]);
      return (argv, env) =>
        runSizeCommand(argv, {
          ...env,
          progress: (enabled) => progressLine({ stderr: env.stderr, wallMs: env.wallMs, enabled }),
          checkOutput: (flag, path) => checkOutputFile(env, 'size', flag, path),
          writeOutput: (flag, path, text) => writeOutput(env, 'size', flag, path, text),
          measureAll: async (todo, setup, shape, workers, onDone) => {
            const [{ defaultWorkers, runJob }, { WHOLE }] = await Promise.all([import('./workers/pool.ts'), import('./workers/shard.ts')]);
            const run = await runJob({ kind: 'size', options: todo, setup, shape }, todo.length, WHOLE, { workers: workers ?? defaultWorkers(), target: undefined, onResult: (r) => r.measured !== undefined && onDone(r.measured.n) });
            return { measured: run.results.map((r) => r.measured).filter((m) => m !== undefined), threads: run.threads };
          },
        });
    },
  },
  net: { summary: 'a real Fabric 3 BFT network on 127.0.0.1 from your Fabric binaries (net up|down|status|logs)', spec: async () => (await import('../local/cli.ts')).NET_SPEC, load: async () => (await import('../local/cli.ts')).netCommand },
  play: { summary: 'the SmartBFT playground in your browser (crash, Byzantine, step, step back, share a link)', spec: async () => (await import('./commands/play.ts')).PLAY_SPEC, load: async () => (await import('./commands/play.ts')).playCommand },
  calibrate: { summary: 'measure a real Fabric network here and write a profile the simulator takes (docs/calibration.md)', spec: async () => (await import('./commands/calibrate.ts')).CALIBRATE_SPEC, load: async () => (await import('./commands/calibrate.ts')).calibrateCommand },
  explain: { summary: 'explain the quorum math for n orderers (explain quorum --orderers N)', spec: async () => (await import('../report/explain.ts')).EXPLAIN_SPEC, load: async () => (await import('../report/cli.ts')).runExplainCommand },
  report: { summary: 'write the HTML report of a run from its trace file (run --trace)', spec: async () => (await import('./commands/report.ts')).REPORT_SPEC, load: async () => (await import('./commands/report.ts')).reportCommand },
  schema: { summary: 'print the JSON Schema of scenario files (for editor completion and checks)', spec: async () => (await import('./commands/schema.ts')).SCHEMA_SPEC, load: async () => (await import('./commands/schema.ts')).schemaCommand },
};

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}

async function helpText(): Promise<string> {
  const names = Object.keys(COMMANDS);
  const w = Math.max(...names.map((n) => n.length));
  return `fabric-bft-sim ${version()}: a deterministic simulator of a Hyperledger Fabric network ordered by SmartBFT

Usage: fabric-bft-sim <command> [options]

Commands:
${names.map((n) => `  ${n.padEnd(w)}  ${COMMANDS[n]?.summary ?? ''}`).join('\n')}

Options:
  -h, --help      help (also "fabric-bft-sim <command> --help" or "fabric-bft-sim help <command>")
  -v, --version   print the version (also after a command)

Examples:
  fabric-bft-sim lab
  fabric-bft-sim run kill-orderer --seed 7 --logs logs/
  fabric-bft-sim run beyond-f --orderers 7
  fabric-bft-sim run my-scenario.yaml --json
  fabric-bft-sim check --runs 200 --faults crash,byzantine,partition
`;
}

/**
 * One error style for every command: `fabric-bft-sim run: --seed ...`, `fabric-bft-sim
 * run: my.yaml:6:11: ...` (src/args usageLine); `fabric-bft-sim: ...` only when there is
 * no command (an unknown one).
 */
function usagePrefix(message: string, command: string | undefined): string {
  if (command !== undefined && Object.hasOwn(COMMANDS, command)) return usageLine(command, message);
  return `fabric-bft-sim: ${message}`;
}

/**
 * `env` defaults to the process's own (src/cli/io.ts `processEnv`), loaded only past
 * `--help` and `--version`: io.ts brings the progress line, which describes scenario steps
 * and so loads the scenario schema (zod, about 100 modules), most of `--help`'s start-up.
 */
export async function main(argv: string[], given?: CliEnv): Promise<number> {
  const [command, ...rest] = argv;
  // The same escaping as processEnv's stdout.
  const print = (text: string): void => void (given === undefined ? process.stdout.write(escapeControls(text)) : given.stdout(text));
  if (command === undefined || command === '-h' || command === '--help' || (command === 'help' && rest[0] === undefined)) {
    print(await helpText());
    return 0;
  }
  if (command === '-v' || command === '--version') {
    print(`${version()}\n`);
    return 0;
  }
  const env = given ?? (await import('./io.ts')).processEnv();
  try {
    // `help run` is `run --help`; `help nope` is the unknown-command error.
    if (command === 'help' && rest[0] !== undefined) return await main([rest[0], '--help'], env);
    const entry = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
    if (entry === undefined) {
      const hint = command.startsWith('-') ? '' : didYouMean(command, Object.keys(COMMANDS));
      throw new UsageError(`unknown ${command.startsWith('-') ? 'option' : 'command'} "${command}"${hint}; "fabric-bft-sim --help" lists the commands`);
    }
    // Every command takes -h/--help and -v/--version, before anything else on the line.
    if (asks(rest, ['-h', '--help'])) {
      env.stdout(commandHelp(await entry.spec()));
      return 0;
    }
    if (asks(rest, ['-v', '--version'])) {
      env.stdout(`${version()}\n`);
      return 0;
    }
    const fn = await entry.load();
    return await fn(rest, env);
  } catch (e) {
    if (e instanceof UsageError) {
      env.stderr(`${usagePrefix(e.message, argv[0])}\n`);
      return 2;
    }
    const msg = e instanceof Error ? e.message : String(e);
    env.stderr(`${usagePrefix(`internal error: ${msg.split('\n')[0] ?? ''}`, argv[0])}\n`);
    if (process.env['FABRIC_BFT_SIM_DEBUG'] !== undefined && e instanceof Error && e.stack !== undefined) env.stderr(`${e.stack}\n`);
    return 3;
  }
}

// `tsx src/cli/main.ts lab` (npm start) runs it directly; bin/fabric-bft-sim.js imports it.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
