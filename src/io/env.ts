/**
 * What a command touches of the outside world, as types: `CliEnv` (output streams, files,
 * the wall clock, the simulated target) and `SimTarget`. The CLI builds one
 * (src/cli/io.ts `processEnv`, the only place that wires the simulator in) and hands it to
 * every command, the ones outside src/cli (`live`, `net`, `run --target local`) included,
 * which import these types from here rather than from the CLI.
 */
import type { Cluster } from '../shared/cluster.ts';
import type { Checks } from '../scenarios/runner.ts';
import type { Behaviours, Scenario, Step } from '../scenarios/schema.ts';
import type { TraceRecord } from '../shared/trace-format.ts';
import type { RunProgress } from './progress.ts';
import type { Spool } from './spool.ts';

export interface TargetOptions {
  readonly seed: number;
  /** Receives every trace record of the run (for --trace, --report and --check-determinism). */
  readonly traceSink?: (record: TraceRecord) => void;
  /** Polled inside the simulation's event loop: why to stop now (budget used up), or undefined. */
  readonly interrupt?: () => string | undefined;
  /**
   * What the simulated cluster keeps beyond what the run needs: every log line (`run
   * --logs`, `serve`, which read them), every metric change point. By default neither: a
   * long run does not grow by them.
   */
  readonly keep?: { readonly logs?: boolean; readonly metrics?: boolean };
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
  /**
   * Opens a spool in an existing directory: text appended as a run goes, kept out of the
   * heap, committed atomically at the end (src/io/spool.ts). Without it (an in-memory
   * environment) the text is kept in memory and committed with `writeFile`.
   */
  readonly spool?: (dir: string) => Spool;
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
  /** Whether stderr is a terminal: progress lines (src/io/progress.ts) are drawn only there. */
  readonly stderrTty: boolean;
  /** The width of that terminal, when known: a progress line is cut to it. */
  readonly stderrColumns?: number;
  /** Loads the simulated target (lazily: `--help` does not load the model). */
  readonly target: () => Promise<SimTarget>;
  /** Wall-clock milliseconds, for "took 1.2s" lines only (never inside a run). */
  readonly wallMs: () => number;
  /**
   * The progress line of one simulator run (src/io/progress.ts `runProgress`), for the
   * commands that live outside src/cli (`compare`); it draws nothing off a terminal or with --json.
   */
  readonly simProgress?: (label: string, steps: readonly Step[], json: boolean) => RunProgress;
}

export type PathKind = 'file' | 'dir' | 'other' | 'missing';
