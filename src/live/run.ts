/**
 * One live run, start to end: preflight (nothing changes unless it passes), the scenario
 * through the runner, then every pending undo. Used by `live` and `compare`. The caller's
 * signal (Ctrl-C, the run's time limit) aborts the run; the undos still run, and the
 * report says which ran and how each went.
 */
import { runScenario, type ScenarioResult } from '../scenarios/runner.ts';
import type { Scenario } from '../scenarios/schema.ts';
import { LiveCluster, type LiveClusterOptions } from './cluster.ts';
import type { LiveConfig } from './config.ts';
import type { UndoReport } from './undo.ts';

export interface LiveRun {
  readonly cluster: LiveCluster;
  /** Absent when preflight failed (then nothing was changed). */
  readonly result?: ScenarioResult;
  readonly preflightError?: string;
  readonly undos: readonly UndoReport[];
  readonly aborted: boolean;
}

export interface LiveRunOptions extends LiveClusterOptions {
  readonly signal?: AbortSignal;
  readonly onStep?: (line: string) => void;
  readonly onResult?: (line: string) => void;
}

export async function runLive(scenario: Scenario, config: LiveConfig, options: LiveRunOptions): Promise<LiveRun> {
  const cluster = new LiveCluster(config, options);
  let aborted = false;
  const onAbort = (): void => {
    aborted = true;
    void cluster.abort();
  };
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    try {
      await cluster.preflight();
    } catch (e) {
      return { cluster, preflightError: cluster.io.masker.mask((e as Error).message), undos: await cluster.finish(), aborted };
    }
    const result = await runScenario(scenario, cluster, {
      pollMs: config.timeouts.poll,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onResult ? { onStep: (s) => options.onResult?.(cluster.io.masker.mask(`${s.ok ? '✓' : '✗'} ${s.index} ${s.name}`)) } : {}),
    });
    return { cluster, result, undos: await cluster.finish(), aborted };
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
}
