/**
 * A run's wall-clock and memory budget. The simulator's event loop polls `interrupt`
 * (every few thousand events), so a step that computes for minutes without yielding is
 * stopped mid-step; `signal` aborts the runner's waits in between. Either way the run
 * ends with the verdict "budget exceeded" and the reason in one sentence.
 *
 * The clock and heap are read here, in the CLI, never inside src/sim.
 */
import { getHeapStatistics } from 'node:v8';
import { formatDuration } from '../scenarios/duration.ts';
import { abortReason } from '../scenarios/runner.ts';

/** Share of V8's heap limit a run may use before it is stopped (the process dies past the limit). */
export const HEAP_SHARE = 0.8;

export interface Budget {
  readonly signal: AbortSignal;
  readonly interrupt: () => string | undefined;
  /** Stops the timer; call when the run is over. */
  dispose(): void;
}

export function runBudget(maxWallMs: number, options: { readonly heapLimitBytes?: number; readonly nowMs?: () => number; readonly heapUsedBytes?: () => number } = {}): Budget {
  const now = options.nowMs ?? (() => performance.now());
  const heapUsed = options.heapUsedBytes ?? (() => process.memoryUsage().heapUsed);
  const heapLimit = options.heapLimitBytes ?? Math.floor(getHeapStatistics().heap_size_limit * HEAP_SHARE);
  const deadline = now() + maxWallMs;
  const controller = new AbortController();
  const stop = (why: string): string => {
    if (!controller.signal.aborted) controller.abort(new Error(why));
    return why;
  };
  const wallReason = `wall-clock budget of ${formatDuration(maxWallMs)} used up (--max-wall)`;
  // Between steps the runner waits on promises: the timer aborts those waits.
  const timer = setTimeout(() => stop(wallReason), maxWallMs);
  timer.unref();
  return {
    signal: controller.signal,
    interrupt: () => {
      if (controller.signal.aborted) return abortReason(controller.signal);
      if (now() >= deadline) return stop(wallReason);
      const used = heapUsed();
      if (used >= heapLimit) return stop(`memory budget used up: the heap holds ${mb(used)} of the ${mb(heapLimit)} a run may use`);
      return undefined;
    },
    dispose: () => clearTimeout(timer),
  };
}

function mb(bytes: number): string {
  return `${Math.round(bytes / 1024 / 1024)} MB`;
}
