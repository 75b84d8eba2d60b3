/**
 * `check` on all cores: one `check` search (a fixed seed, every fault kind, 4 orderers) of
 * 640 schedules, after 40 schedules of warm-up in this thread, with one worker (this
 * thread) and with one thread per core (src/cli/workers), measured in the same run:
 * - `check.schedulesPerSec.w1`, `check.schedulesPerSec.wAll`: schedules per wall second;
 * - `check.schedulesPerSec.ratio`: wAll / w1, the speed-up (at most the core count, and
 *   only as much as the machine has idle cores while it runs);
 * - `check.cpuPerSchedule.w1Ms`, `.wAllMs` and `.ratio` (wAll / w1): CPU of the whole
 *   process (every thread) per schedule. What more threads cost in CPU (starting them,
 *   loading the model in each, colder JIT): unlike the wall-clock ratio, it does not
 *   depend on what else the machine runs;
 * - `check.workers`: the threads of wAll.
 * The wAll figures pay what a user pays: starting the threads and loading the model in each
 * (not bundling the worker script after a change to the checkout: that is done before).
 *
 * By thread (Linux; src/cli/workers/cpu.ts), the same runs:
 * - `check.cpuPerSchedule.w1MainMs`: the CPU of the thread that runs the schedules of w1;
 * - `check.cpuShare.background.w1`, `.wAll`: the share of the process's CPU spent neither
 *   in this thread nor in a worker thread, i.e. by V8's helper threads (optimizing
 *   compilation of hot functions, parallel scavenges, concurrent marking and sweeping);
 * - `check.schedulesPerSec.ratioCeiling`: workers x w1MainMs / wAllMs, the ratio if w1
 *   went exactly at its thread's pace (its helpers' work done on another core, for free)
 *   and wAll kept every core busy with its CPU (helpers included). Helper work counts
 *   against wAll and not against w1, so the ceiling is below the core count even on an
 *   idle machine.
 */
import { simTarget } from '../src/cli/targets.ts';
import { workerScript } from '../src/cli/workers/bundle.ts';
import { threadCpuMs } from '../src/cli/workers/cpu.ts';
import { defaultWorkers, runJob } from '../src/cli/workers/pool.ts';
import { WHOLE } from '../src/cli/workers/shard.ts';
import type { CheckJob } from '../src/cli/workers/tasks.ts';
import { FAULT_KINDS } from '../src/scenarios/schedule.ts';
import { behavioursFor } from '../src/scenarios/schema.ts';

const RUNS = 640;
const WARM_UP = 40;

interface Measured {
  readonly perSec: number;
  /** CPU of every thread, per schedule. */
  readonly cpuMs: number;
  /** This thread's CPU per schedule, undefined where the system cannot tell. */
  readonly mainMs: number | undefined;
  /** CPU per schedule of neither this thread nor a worker thread (V8's helpers). */
  readonly backgroundMs: number | undefined;
  readonly threads: number;
}

export async function benchCheck(): Promise<Record<string, number>> {
  const target = simTarget();
  const behaviours = behavioursFor(target.behaviours ?? [], 'smartbft').filter((b) => b !== 'twins');
  const job = (runs: number): CheckJob => ({ kind: 'check', seed: 20_261_202, runs, orderers: 4, faults: FAULT_KINDS, actions: 10, behaviours });
  const all = defaultWorkers();
  const measure = async (workers: number, runs: number): Promise<Measured> => {
    const cpu0 = process.cpuUsage();
    const main0 = threadCpuMs();
    const t0 = performance.now();
    const { results, threads, workerCpuMs } = await runJob(job(runs), runs, WHOLE, { workers, target });
    const ms = performance.now() - t0;
    const main1 = threadCpuMs();
    const cpu = process.cpuUsage(cpu0);
    if (results.length !== runs || results.some((r) => !r.passed)) throw new Error(`bench check: ${results.filter((r) => !r.passed).length} of ${results.length} schedules failed`);
    const totalMs = (cpu.user + cpu.system) / 1000;
    const mainMs = main0 === undefined || main1 === undefined ? undefined : main1 - main0;
    const backgroundMs = mainMs === undefined || workerCpuMs === undefined ? undefined : totalMs - mainMs - workerCpuMs;
    return {
      perSec: runs / (ms / 1000),
      cpuMs: totalMs / runs,
      mainMs: mainMs === undefined ? undefined : mainMs / runs,
      backgroundMs: backgroundMs === undefined ? undefined : backgroundMs / runs,
      threads,
    };
  };
  await measure(1, WARM_UP);
  // The worker threads' script, bundled now if the checkout changed since the last bundle
  // (an installed package ships it built): a developer's one-time cost, not a schedule's.
  await workerScript();
  const w1 = await measure(1, RUNS);
  const wAll = await measure(all, RUNS);
  if (wAll.threads !== all) throw new Error(`bench check: ${all} threads asked, ${wAll.threads} ran`);
  const figures: Record<string, number> = {
    'check.schedulesPerSec.w1': w1.perSec,
    'check.schedulesPerSec.wAll': wAll.perSec,
    'check.schedulesPerSec.ratio': wAll.perSec / w1.perSec,
    'check.cpuPerSchedule.w1Ms': w1.cpuMs,
    'check.cpuPerSchedule.wAllMs': wAll.cpuMs,
    'check.cpuPerSchedule.ratio': wAll.cpuMs / w1.cpuMs,
    'check.workers': all,
  };
  if (w1.mainMs !== undefined && w1.backgroundMs !== undefined && wAll.backgroundMs !== undefined) {
    figures['check.cpuPerSchedule.w1MainMs'] = w1.mainMs;
    figures['check.cpuShare.background.w1'] = w1.backgroundMs / w1.cpuMs;
    figures['check.cpuShare.background.wAll'] = wAll.backgroundMs / wAll.cpuMs;
    figures['check.schedulesPerSec.ratioCeiling'] = (all * w1.mainMs) / wAll.cpuMs;
  }
  return figures;
}
