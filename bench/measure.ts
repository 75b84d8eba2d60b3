/**
 * Rates measured with tinybench: a task does a fixed amount of work (events,
 * decisions, certificates) per iteration; the rate is work / mean iteration time.
 */
import { Bench } from 'tinybench';

export interface RateOptions {
  /** Minimum wall time to spend iterating, in ms (default 1000). */
  readonly timeMs?: number;
  /** Minimum iterations (default 3). */
  readonly iterations?: number;
}

/** Runs `task` repeatedly; `task` returns how many units of work it did. Returns units per wall second. */
export async function measureRate(name: string, task: () => number, options: RateOptions = {}): Promise<number> {
  let units = 0;
  let calls = 0;
  const bench = new Bench({ name, time: options.timeMs ?? 1000, iterations: options.iterations ?? 3, warmupIterations: 1, warmupTime: 0 });
  bench.add(name, () => {
    units += task();
    calls++;
  });
  await bench.run();
  const t = bench.tasks[0];
  const result = t?.result;
  if (!result || !('latency' in result)) throw new Error(`bench ${name}: no result (${t?.result?.state ?? 'not run'})`);
  const meanMs = result.latency.mean;
  // Warmup calls are counted in `units`/`calls` too, so use the per-call average.
  return units / calls / (meanMs / 1000);
}
