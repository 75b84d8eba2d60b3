/**
 * What the CLI touches of the outside world, in one record, so commands are testable
 * in-process (`main(argv, env)` with captured output and a fake target) and so the
 * commands other helpers plug in (`live`, `size`, ...) get the same facilities.
 */
import { accessSync, constants, mkdirSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { escapeControls } from '../shared/escape.ts';
import { MAX_INPUT_FILE_BYTES, readRegularFile, writeFileAtomic } from '../io/files.ts';
import { fileSpool } from '../io/spool.ts';
import { PROGRESS_EVERY_MS, progressFor, runProgress, type RunProgress } from '../io/progress.ts';
import type { CliEnv, PathKind } from '../io/env.ts';

export type { RunProgress };
export type { CliEnv, PathKind, SimTarget, TargetOptions } from '../io/env.ts';

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

/** `text` with control characters escaped, but for the carriage returns a progress line (src/io/progress.ts) begins or ends with. */
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
    // Beside the output, with no name: a run killed midway leaves nothing behind.
    spool: fileSpool,
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
