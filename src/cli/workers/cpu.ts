/**
 * The CPU time of the calling thread alone (Linux), for `npm run bench`'s breakdown of a
 * `check` run by thread: the main thread, the worker threads, and the rest of the process
 * (V8's helper threads: optimizing compilation and parallel or concurrent garbage
 * collection). `process.cpuUsage()` counts every thread of the process; Node 20 has no
 * per-thread figure (`process.threadCpuUsage` came in Node 23.9).
 *
 * `/proc/thread-self/schedstat` gives the thread's time on a CPU in nanoseconds (the
 * scheduler's own sum, not sampled); where the kernel has no schedstat,
 * `/proc/thread-self/stat`'s utime + stime, in clock ticks (10 ms on Linux's usual
 * USER_HZ of 100). Undefined on other systems.
 */
import { readFileSync } from 'node:fs';

/** Linux's USER_HZ, the unit of /proc's utime and stime (100 on every mainstream architecture). */
const TICKS_PER_SEC = 100;

function read(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** This thread's CPU time in milliseconds, or undefined where /proc/thread-self cannot tell. */
export function threadCpuMs(): number | undefined {
  const schedstat = read('/proc/thread-self/schedstat');
  const ns = schedstat === undefined ? NaN : Number(schedstat.split(' ')[0]);
  // A kernel without schedstats (CONFIG_SCHEDSTATS off) may print zeros.
  if (Number.isFinite(ns) && ns > 0) return ns / 1e6;
  const stat = read('/proc/thread-self/stat');
  if (stat === undefined) return undefined;
  // Fields after the command name (which may hold spaces and parentheses): state is field 3, utime 14, stime 15.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  return Number.isFinite(utime) && Number.isFinite(stime) ? ((utime + stime) * 1000) / TICKS_PER_SEC : undefined;
}
