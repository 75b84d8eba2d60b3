/**
 * What the CLI touches of the outside world, in one record, so commands are testable
 * in-process (`main(argv, env)` with captured output and a fake target) and so the
 * commands other helpers plug in (`live`, `size`, ...) get the same facilities.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import type { Cluster } from '../scenarios/cluster.ts';
import type { Checks } from '../scenarios/runner.ts';
import type { Scenario } from '../scenarios/schema.ts';
import type { TraceRecord } from '../sim/kernel/index.ts';

export interface TargetOptions {
  readonly seed: number;
  /** Receives every trace record of the run (for --trace and --check-determinism). */
  readonly traceSink?: (record: TraceRecord) => void;
}

/** Opens the simulated target for a scenario, plus what it knows beyond the port. */
export interface SimTarget {
  create(scenario: Scenario, options: TargetOptions): Promise<Cluster>;
  /** Invariant checkers for a cluster this target created. */
  readonly checks?: Checks;
  /** Byzantine behaviour names the target implements. */
  readonly behaviours?: readonly string[];
}

export interface CliEnv {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly readFile: (path: string) => string;
  readonly writeFile: (path: string, text: string) => void;
  readonly mkdirp: (path: string) => void;
  readonly isFile: (path: string) => boolean;
  /** Whether stdout is a terminal (progress lines, colours). */
  readonly tty: boolean;
  /** Loads the simulated target (lazily: `--help` does not load the model). */
  readonly target: () => Promise<SimTarget>;
  /** Wall-clock milliseconds, for "took 1.2s" lines only (never inside a run). */
  readonly wallMs: () => number;
}

export function processEnv(): CliEnv {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    readFile: (p) => readFileSync(p, 'utf8'),
    writeFile: (p, t) => writeFileSync(p, t),
    mkdirp: (p) => mkdirSync(p, { recursive: true }),
    isFile: (p) => existsSync(p) && statSync(p).isFile(),
    tty: process.stdout.isTTY === true,
    target: async () => (await import('./targets.ts')).simTarget(),
    wallMs: () => performance.now(),
  };
}

/** A bad command line or input file: printed as one line on stderr, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
