/**
 * `check` on all cores: schedules per wall second of one `check` search (a fixed seed,
 * every fault kind, 4 orderers) with one worker (this thread) and with one worker thread
 * per core (src/cli/workers), measured in the same run, alternately, best of two each:
 * - `check.schedulesPerSec.w1`, `check.schedulesPerSec.wAll`;
 * - `check.schedulesPerSec.ratio`: wAll / w1 (the speed-up; at most the core count);
 * - `check.workers`: the worker threads of wAll.
 * The wAll figure pays what a user pays: starting the threads and loading the model in each.
 */
import { simTarget } from '../src/cli/targets.ts';
import { defaultWorkers, runJob } from '../src/cli/workers/pool.ts';
import { WHOLE } from '../src/cli/workers/shard.ts';
import type { CheckJob } from '../src/cli/workers/tasks.ts';
import { FAULT_KINDS } from '../src/scenarios/schedule.ts';
import { behavioursFor } from '../src/scenarios/schema.ts';

const RUNS = 160;

export async function benchCheck(): Promise<Record<string, number>> {
  const target = simTarget();
  const behaviours = behavioursFor(target.behaviours ?? [], 'smartbft').filter((b) => b !== 'twins');
  const job: CheckJob = { kind: 'check', seed: 20_261_202, runs: RUNS, orderers: 4, faults: FAULT_KINDS, actions: 10, behaviours };
  const all = defaultWorkers();
  const rate = async (workers: number): Promise<number> => {
    const t0 = performance.now();
    const { results } = await runJob(job, RUNS, WHOLE, { workers, target });
    const ms = performance.now() - t0;
    if (results.length !== RUNS || results.some((r) => !r.passed)) throw new Error(`bench check: ${results.filter((r) => !r.passed).length} of ${results.length} schedules failed`);
    return RUNS / (ms / 1000);
  };
  let w1 = 0;
  let wAll = 0;
  for (let round = 0; round < 2; round++) {
    w1 = Math.max(w1, await rate(1));
    wAll = Math.max(wAll, await rate(all));
  }
  return { 'check.schedulesPerSec.w1': w1, 'check.schedulesPerSec.wAll': wAll, 'check.schedulesPerSec.ratio': wAll / w1, 'check.workers': all };
}
