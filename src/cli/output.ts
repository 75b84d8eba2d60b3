/**
 * Output paths (`--trace`, `--report`, `--logs`, `--out`), checked BEFORE a run so a typo
 * costs nothing: the parent must be an existing, writable directory. `--logs DIR` is
 * created here, one level only (its parent must exist): Node 20's recursive mkdir loops
 * forever on some paths (`/proc/nope`). Every failure is a one-line `UsageError`.
 */
import { dirname } from 'node:path';
import { UsageError, type CliEnv } from './io.ts';
import { memorySpool, type Spool } from '../io/spool.ts';

function reason(e: unknown): string {
  const err = e as { code?: unknown; message?: unknown };
  const code = typeof err.code === 'string' ? err.code : undefined;
  const why: Record<string, string> = { EACCES: 'permission denied', EPERM: 'permission denied', EROFS: 'read-only file system', ENOENT: 'no such directory', ENOTDIR: 'not a directory', ENOSPC: 'no space left', EEXIST: 'already exists' };
  if (code !== undefined && why[code] !== undefined) return why[code];
  return String(err.message ?? e).split('\n')[0] ?? '';
}

function checkParent(env: CliEnv, what: string, path: string): void {
  const parent = dirname(path);
  const kind = env.pathKind(parent);
  if (kind === 'missing') throw new UsageError(`${what}: directory ${parent} does not exist`);
  if (kind !== 'dir') throw new UsageError(`${what}: ${parent} is not a directory`);
  if (!env.canWrite(parent)) throw new UsageError(`${what}: cannot write in ${parent} (permission denied)`);
}

/** A file the command will write: `run: --report /nonexistent/r.html: directory /nonexistent does not exist`. */
export function checkOutputFile(env: CliEnv, command: string, flag: string, path: string): void {
  const what = `${command}: --${flag} ${path}`;
  const kind = env.pathKind(path);
  if (kind === 'dir') throw new UsageError(`${what}: is a directory; give a file name`);
  if (kind === 'other') throw new UsageError(`${what}: is not a regular file`);
  checkParent(env, what, path);
}

/** A directory the command will write files in; created (one level) when missing. */
export function prepareOutputDir(env: CliEnv, command: string, flag: string, path: string): void {
  const what = `${command}: --${flag} ${path}`;
  const kind = env.pathKind(path);
  if (kind === 'dir') {
    if (!env.canWrite(path)) throw new UsageError(`${what}: cannot write in it (permission denied)`);
    return;
  }
  if (kind !== 'missing') throw new UsageError(`${what}: exists and is not a directory`);
  checkParent(env, what, path);
  try {
    env.mkdir(path);
  } catch (e) {
    throw new UsageError(`${what}: cannot create the directory (${reason(e)})`);
  }
}

/** Writes an output file; a failure (disk full, removed directory) is a one-line error. */
export function writeOutput(env: CliEnv, command: string, flag: string, path: string, text: string): void {
  try {
    env.writeFile(path, text);
  } catch (e) {
    throw new UsageError(`${command}: --${flag} ${path}: cannot write (${reason(e)})`);
  }
}

/**
 * A file written as the command goes (`run --trace`): a spool beside `path` (checked with
 * `checkOutputFile` first), committed with `commitOutput`. A failure is a one-line error.
 */
export function openOutputSpool(env: CliEnv, command: string, flag: string, path: string): Spool {
  if (env.spool === undefined) return memorySpool(env.writeFile);
  try {
    return env.spool(dirname(path));
  } catch (e) {
    throw new UsageError(`${command}: --${flag} ${path}: cannot write (${reason(e)})`);
  }
}

/** Publishes a spool as `path`, `head` first, atomically; a failure (disk full during the run or now) is a one-line error. */
export function commitOutput(command: string, flag: string, path: string, spool: Spool, head: string): void {
  try {
    spool.commit(path, head);
  } catch (e) {
    throw new UsageError(`${command}: --${flag} ${path}: cannot write (${reason(e)})`);
  }
}

/** The file `run --logs DIR` leaves in DIR, so a later run knows the `.log` files there are its to replace. */
export const LOGS_MARKER = '.fabric-bft-sim-logs';

/**
 * `--logs DIR`: created when missing; an existing DIR must be empty or hold an earlier
 * `run --logs` output (its marker file), whose `.log` files are removed first, so a run
 * with 4 orderers never leaves the 7-orderer run's `orderer5.ordering.log` beside its own.
 */
export function prepareLogsDir(env: CliEnv, command: string, flag: string, path: string): void {
  prepareOutputDir(env, command, flag, path);
  const names = env.listDir(path);
  if (names.length === 0) return;
  if (!names.includes(LOGS_MARKER)) {
    throw new UsageError(`${command}: --${flag} ${path}: the folder is not empty and was not written by an earlier "run --logs" (no ${LOGS_MARKER} in it): give an empty or new folder`);
  }
  for (const name of names) {
    if (!name.endsWith('.log')) continue;
    const file = `${path}/${name}`;
    if (env.pathKind(file) !== 'file') continue;
    try {
      env.removeFile(file);
    } catch (e) {
      throw new UsageError(`${command}: --${flag} ${path}: cannot remove the earlier run's ${name} (${reason(e)})`);
    }
  }
}
