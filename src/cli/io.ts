/**
 * What the CLI touches of the outside world, in one record, so commands are testable
 * in-process (`main(argv, env)` with captured output and a fake target) and so the
 * commands other helpers plug in (`live`, `size`, ...) get the same facilities.
 */
import { accessSync, constants, mkdirSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import type { Cluster } from '../scenarios/cluster.ts';
import { escapeControls } from '../shared/escape.ts';
import { MAX_INPUT_FILE_BYTES, readRegularFile, writeFileAtomic } from './files.ts';
import type { Checks } from '../scenarios/runner.ts';
import type { Behaviours, Scenario } from '../scenarios/schema.ts';
import type { TraceRecord } from '../sim/kernel/index.ts';
import type { Step } from '../scenarios/schema.ts';
import { PROGRESS_EVERY_MS, progressFor, runProgress, type RunProgress } from './progress.ts';

export type { RunProgress };

export interface TargetOptions {
  readonly seed: number;
  /** Receives every trace record of the run (for --trace and --check-determinism). */
  readonly traceSink?: (record: TraceRecord) => void;
  /** Polled inside the simulation's event loop: why to stop now (budget used up), or undefined. */
  readonly interrupt?: () => string | undefined;
}

/** Opens the simulated target for a scenario, plus what it knows beyond the port. */
export interface SimTarget {
  create(scenario: Scenario, options: TargetOptions): Promise<Cluster>;
  /** Invariant checkers for a cluster this target created. */
  readonly checks?: Checks;
  /** Byzantine behaviour names the target implements. */
  readonly behaviours?: Behaviours;
}

export interface CliEnv {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly readFile: (path: string) => string;
  /** Writes a whole file atomically (a temp file in the same directory, then a rename): a reader never sees half of it. */
  readonly writeFile: (path: string, text: string) => void;
  /** Names in a directory. */
  readonly listDir: (path: string) => readonly string[];
  /** Removes one regular file. */
  readonly removeFile: (path: string) => void;
  /** Creates one directory; its parent must exist (never a recursive mkdir). */
  readonly mkdir: (path: string) => void;
  readonly pathKind: (path: string) => PathKind;
  /** Whether files can be created in this existing directory. */
  readonly canWrite: (dir: string) => boolean;
  /** Whether stdout is a terminal (progress lines, colours). */
  readonly tty: boolean;
  /** Whether stderr is a terminal: progress lines (src/cli/progress.ts) are drawn only there. */
  readonly stderrTty: boolean;
  /** The width of that terminal, when known: a progress line is cut to it. */
  readonly stderrColumns?: number;
  /** Loads the simulated target (lazily: `--help` does not load the model). */
  readonly target: () => Promise<SimTarget>;
  /** Wall-clock milliseconds, for "took 1.2s" lines only (never inside a run). */
  readonly wallMs: () => number;
  /**
   * The progress line of one simulator run (src/cli/progress.ts `runProgress`), for the
   * commands that live outside src/cli (`compare`); it draws nothing off a terminal or with --json.
   */
  readonly simProgress?: (label: string, steps: readonly Step[], json: boolean) => RunProgress;
}

export type PathKind = 'file' | 'dir' | 'other' | 'missing';

function pathKindOf(p: string): PathKind {
  try {
    const s = statSync(p);
    return s.isFile() ? 'file' : s.isDirectory() ? 'dir' : 'other';
  } catch {
    return 'missing';
  }
}

function canWriteIn(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** What `processEnv` writes to: the process's own streams, or stand-ins (a test's fake terminal). */
export interface OutputStream {
  readonly isTTY?: boolean;
  /** A terminal's width, when it is one. */
  readonly columns?: number;
  write(text: string): unknown;
}

/** `text` with control characters escaped, but for the carriage returns a progress line (src/cli/progress.ts) begins or ends with. */
function escapeOutput(text: string): string {
  const head = text.startsWith('\r') ? '\r' : '';
  const body = text.slice(head.length);
  const tail = body.endsWith('\r') ? '\r' : '';
  return `${head}${escapeControls(body.slice(0, body.length - tail.length))}${tail}`;
}

export function processEnv(streams: { readonly stdout?: OutputStream; readonly stderr?: OutputStream } = {}): CliEnv {
  const out = streams.stdout ?? process.stdout;
  const err = streams.stderr ?? process.stderr;
  const env: CliEnv = {
    stdout: (t) => out.write(escapeControls(t)),
    stderr: (t) => err.write(escapeOutput(t)),
    // A regular file under the cap only: /dev/zero or a FIFO is an error, not a hang.
    readFile: (p) => readRegularFile(p, MAX_INPUT_FILE_BYTES),
    // Atomically (a temporary file, then a rename): nobody reads half a report.
    writeFile: writeFileAtomic,
    listDir: (p) => readdirSync(p),
    removeFile: (p) => unlinkSync(p),
    mkdir: (p) => mkdirSync(p),
    pathKind: pathKindOf,
    canWrite: canWriteIn,
    tty: out.isTTY === true,
    stderrTty: err.isTTY === true,
    ...(err.isTTY === true && typeof err.columns === 'number' ? { stderrColumns: err.columns } : {}),
    target: async () => (await import('./targets.ts')).simTarget(),
    wallMs: () => performance.now(),
    simProgress: (label, steps, json) => runProgress(progressFor(env, json, PROGRESS_EVERY_MS), label, steps),
  };
  return env;
}

/**
 * A bad command line or input file: printed as one line on stderr, exit code 2. One class
 * for every command, defined with the grammar (src/args) so that commands outside the CLI
 * folder (live, net, size, explain) throw the same one.
 */
export { UsageError } from '../args/grammar.ts';
