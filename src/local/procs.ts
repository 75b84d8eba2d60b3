/**
 * The processes of a local network: started detached (their own process group, so they
 * outlive `net up`), each with a pid file in `<dir>/pids/` holding the pid, the process's
 * start time (/proc/<pid>/stat field 22, so a reused pid is never signalled) and how to
 * start it again (`start` after a `stop` relaunches it on the same data). Stopped only
 * by pid, never by name. Logs go to `<dir>/logs/<name>.log`, appended, and one keeper
 * process copies a log to `<name>.log.1` and truncates it when it passes the cap.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export interface ProcSpec {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd?: string;
}

export interface PidRecord {
  readonly pid: number;
  /** /proc/<pid>/stat start time, in clock ticks since boot. */
  readonly startTime: number;
  readonly spec: ProcSpec;
}

/** Bytes a log may reach before it is rotated to `.log.1` (one old file kept). */
export const LOG_CAP_BYTES = 20 * 1024 * 1024;

export function pidsDir(dir: string): string {
  return join(dir, 'pids');
}

export function logsDir(dir: string): string {
  return join(dir, 'logs');
}

export function logFile(dir: string, name: string): string {
  return join(logsDir(dir), `${name}.log`);
}

/**
 * The fields of /proc/<pid>/stat after the parenthesised command name (rest[0] is field 3,
 * the state), or undefined when there is no such process.
 */
function statFieldsFrom3(pid: number): string[] | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** Field 22 of /proc/<pid>/stat (the start time), or undefined when there is no such process. */
export function procStartTime(pid: number): number | undefined {
  const rest = statFieldsFrom3(pid);
  // Field 22 is rest[19]. A zombie is not running.
  if (rest === undefined || rest[0] === 'Z') return undefined;
  const v = Number(rest[19]);
  return Number.isFinite(v) ? v : undefined;
}

/**
 * CPU time a process has used so far, user + system (/proc/<pid>/stat fields 14 and 15, in
 * clock ticks; `ticksPerSec` is the kernel's USER_HZ, 100 on Linux x86 and arm64), in ms;
 * undefined when there is no such process.
 */
export function procCpuMs(pid: number, ticksPerSec = 100): number | undefined {
  const rest = statFieldsFrom3(pid);
  if (rest === undefined) return undefined;
  // utime (field 14) is rest[11], stime (field 15) rest[12].
  const ticks = Number(rest[11]) + Number(rest[12]);
  return Number.isFinite(ticks) ? (ticks * 1000) / ticksPerSec : undefined;
}

export function readPid(dir: string, name: string): PidRecord | undefined {
  const f = join(pidsDir(dir), `${name}.json`);
  if (!existsSync(f)) return undefined;
  try {
    return JSON.parse(readFileSync(f, 'utf8')) as PidRecord;
  } catch {
    return undefined;
  }
}

/** Whether the process a pid file names is still the one we started. */
export function isRunning(rec: PidRecord | undefined): boolean {
  return rec !== undefined && procStartTime(rec.pid) === rec.startTime;
}

export function allPidNames(dir: string): string[] {
  if (!existsSync(pidsDir(dir))) return [];
  return readdirSync(pidsDir(dir))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

/** Start a process detached, its output appended to its log; writes its pid file. */
export function launch(dir: string, spec: ProcSpec): PidRecord {
  mkdirSync(pidsDir(dir), { recursive: true });
  mkdirSync(logsDir(dir), { recursive: true });
  const fd = openSync(logFile(dir, spec.name), 'a');
  try {
    const child = spawn(spec.command, [...spec.args], {
      detached: true,
      stdio: ['ignore', fd, fd],
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: process.env['HOME'] ?? '/tmp', ...spec.env },
      ...(spec.cwd !== undefined ? { cwd: spec.cwd } : {}),
    });
    child.unref();
    const pid = child.pid;
    if (pid === undefined) throw new Error(`${spec.name}: could not start ${spec.command}`);
    // The child exists from spawn() on; its /proc entry is there at once.
    const startTime = procStartTime(pid) ?? -1;
    const rec: PidRecord = { pid, startTime, spec };
    writeFileSync(join(pidsDir(dir), `${spec.name}.json`), `${JSON.stringify(rec, null, 2)}\n`);
    return rec;
  } finally {
    closeSync(fd);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Signal the process of a pid file (and its process group, which it leads) if it is still
 * the one we started. `SIGKILL` is a crash; `SIGTERM` waits up to `graceMs`, then kills.
 * Resolves whether it was running.
 */
export async function stopProc(dir: string, name: string, how: 'SIGTERM' | 'SIGKILL', graceMs = 10_000): Promise<boolean> {
  const rec = readPid(dir, name);
  if (!isRunning(rec)) return false;
  const pid = (rec as PidRecord).pid;
  const signal = (s: NodeJS.Signals): void => {
    try {
      process.kill(-pid, s);
    } catch {
      try {
        process.kill(pid, s);
      } catch {
        /* gone */
      }
    }
  };
  signal(how);
  const deadline = Date.now() + (how === 'SIGKILL' ? 5_000 : graceMs);
  while (isRunning(rec) && Date.now() < deadline) await sleep(100);
  if (isRunning(rec)) {
    signal('SIGKILL');
    while (isRunning(rec)) await sleep(100);
  }
  return true;
}

/** The last `n` lines of a process's log (for "died at start" errors). */
export function tailLog(dir: string, name: string, n = 8): string[] {
  try {
    const text = readFileSync(logFile(dir, name), 'utf8');
    return text
      .replace(/\x1b\[[0-9;]*m/g, '')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .slice(-n);
  } catch {
    return [];
  }
}

/** Ports among `ports` something on 127.0.0.1 already listens on. */
export async function busyPorts(ports: readonly number[]): Promise<number[]> {
  const busy: number[] = [];
  for (const port of ports) {
    const free = await new Promise<boolean>((resolveP) => {
      const s = createServer();
      s.once('error', () => resolveP(false));
      s.listen({ port, host: '127.0.0.1', exclusive: true }, () => s.close(() => resolveP(true)));
    });
    if (!free) busy.push(port);
  }
  return busy;
}

/**
 * The log keeper: every 2 s, a log past `cap` bytes is copied to `.log.1` and truncated
 * (the writers opened it O_APPEND, so they go on at the new end). Run as `node -e`.
 */
export const LOG_KEEPER_SOURCE = `
const fs = require('node:fs'); const path = require('node:path');
const [dir, cap] = [process.argv[1], Number(process.argv[2])];
setInterval(() => {
  let names = [];
  try { names = fs.readdirSync(dir).filter((f) => f.endsWith('.log')); } catch { return; }
  for (const f of names) {
    const p = path.join(dir, f);
    try { if (fs.statSync(p).size > cap) { fs.copyFileSync(p, p + '.1'); fs.truncateSync(p, 0); } } catch {}
  }
}, 2000);
`;

export function launchLogKeeper(dir: string): PidRecord {
  return launch(dir, { name: 'log-keeper', command: process.execPath, args: ['-e', LOG_KEEPER_SOURCE, logsDir(dir), String(LOG_CAP_BYTES)], env: {} });
}

/** Remove a folder the network made (only below the run folder). */
export function removeBelow(dir: string, sub: string): void {
  const p = join(dir, sub);
  if (!p.startsWith(dir)) throw new Error(`refusing to remove ${p}: not below ${dir}`);
  rmSync(p, { recursive: true, force: true });
}

export function fileSize(p: string): number {
  try {
    return statSync(p).size;
  } catch {
    return 0;
  }
}
