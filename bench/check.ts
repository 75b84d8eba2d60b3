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
 * The wAll figures pay what a user pays: starting the threads and loading the model in each.
 */
import { simTarget } from '../src/cli/targets.ts';
import { defaultWorkers, runJob } from '../src/cli/workers/pool.ts';
import { WHOLE } from '../src/cli/workers/shard.ts';
import type { CheckJob } from '../src/cli/workers/tasks.ts';
import { FAULT_KINDS } from '../src/scenarios/schedule.ts';
import { behavioursFor } from '../src/scenarios/schema.ts';

const RUNS = 640;
const WARM_UP = 40;

export async function benchCheck(): Promise<Record<string, number>> {
  const target = simTarget();
  const behaviours = behavioursFor(target.behaviours ?? [], 'smartbft').filter((b) => b !== 'twins');
  const job = (runs: number): CheckJob => ({ kind: 'check', seed: 20_261_202, runs, orderers: 4, faults: FAULT_KINDS, actions: 10, behaviours });
  const all = defaultWorkers();
  const measure = async (workers: number, runs: number): Promise<{ perSec: number; cpuMs: number; threads: number }> => {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const { results, threads } = await runJob(job(runs), runs, WHOLE, { workers, target });
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    if (results.length !== runs || results.some((r) => !r.passed)) throw new Error(`bench check: ${results.filter((r) => !r.passed).length} of ${results.length} schedules failed`);
    return { perSec: runs / (ms / 1000), cpuMs: (cpu.user + cpu.system) / 1000 / runs, threads };
  };
  await measure(1, WARM_UP);
  const w1 = await measure(1, RUNS);
  const wAll = await measure(all, RUNS);
  if (wAll.threads !== all) throw new Error(`bench check: ${all} threads asked, ${wAll.threads} ran`);
  return {
    'check.schedulesPerSec.w1': w1.perSec,
    'check.schedulesPerSec.wAll': wAll.perSec,
    'check.schedulesPerSec.ratio': wAll.perSec / w1.perSec,
    'check.cpuPerSchedule.w1Ms': w1.cpuMs,
    'check.cpuPerSchedule.wAllMs': wAll.cpuMs,
    'check.cpuPerSchedule.ratio': wAll.cpuMs / w1.cpuMs,
    'check.workers': all,
  };
}
