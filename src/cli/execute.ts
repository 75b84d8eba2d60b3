/** Running one scenario on the simulated target: open, run, collect logs, close. */
import { canonicalLine, type TraceRecord } from '../sim/kernel/index.ts';
import type { Cluster } from '../scenarios/cluster.ts';
import { abortReason, runScenario, type ScenarioResult } from '../scenarios/runner.ts';
import { ScenarioError, type Scenario } from '../scenarios/schema.ts';
import { durationMs } from '../scenarios/duration.ts';
import { UsageError, type CliEnv, type SimTarget, type TargetOptions } from './io.ts';
import { runBudget } from './budget.ts';
import type { RunProgress } from '../io/progress.ts';
import { LOGS_MARKER, writeOutput } from './output.ts';
import type { Spool } from '../io/spool.ts';

export interface ExecuteOptions {
  readonly seed: number;
  readonly traceSink?: (r: TraceRecord) => void;
  /** Simulated-time budget, e.g. `4h`. */
  readonly maxTime?: string;
  /** Wall-clock budget, e.g. `10m`. */
  readonly maxWall?: string;
  /** Called with the cluster after the run, before it closes (to write logs). */
  readonly after?: (cluster: Cluster) => Promise<void>;
  /** The progress line (a terminal's stderr only); cleared when the run is over. */
  readonly progress?: RunProgress;
  /** What the cluster keeps beyond what the run needs (every log line for `--logs`). */
  readonly keep?: TargetOptions['keep'];
}

export async function execute(target: SimTarget, scenario: Scenario, options: ExecuteOptions): Promise<ScenarioResult> {
  // One budget for the whole run, set-up included: the event loop polls it mid-step.
  const budget = runBudget(durationMs(options.maxWall ?? '10m'));
  const progress = options.progress;
  // The progress line is redrawn where the event loop polls the budget: it reads, never stops.
  const interrupt = progress === undefined ? budget.interrupt : () => progress.interrupt() ?? budget.interrupt();
  let cluster: Cluster;
  try {
    cluster = await target.create(scenario, { seed: options.seed, interrupt, ...(options.traceSink ? { traceSink: options.traceSink } : {}), ...(options.keep !== undefined ? { keep: options.keep } : {}) });
  } catch (e) {
    budget.dispose();
    progress?.line.end();
    if (budget.signal.aborted) throw new UsageError(`the network could not be set up: ${abortReason(budget.signal)}`);
    throw e;
  }
  progress?.attach(cluster);
  try {
    const result = await runScenario(scenario, cluster, {
      seed: options.seed,
      ...(target.checks ? { checks: target.checks } : {}),
      ...(target.behaviours ? { behaviours: target.behaviours } : {}),
      ...(options.maxTime !== undefined ? { maxTimeMs: durationMs(options.maxTime) } : {}),
      signal: budget.signal,
      ...(progress !== undefined ? { onStep: progress.onStep } : {}),
    });
    if (options.after) await options.after(cluster);
    return result;
  } catch (e) {
    if (e instanceof ScenarioError) throw new UsageError(e.message);
    throw e;
  } finally {
    budget.dispose();
    progress?.line.end();
    await cluster.close();
  }
}

/**
 * Each node's log, in Fabric's line format, one file per node (`DIR/orderer.dataforge.log`).
 * DIR was checked and created before the run (output.ts prepareOutputDir).
 */
export async function writeLogs(env: CliEnv, cluster: Cluster, dir: string): Promise<number> {
  const t = cluster.topology;
  let files = 0;
  for (const node of [...t.orderers, ...t.peers, ...t.couchdbs]) {
    const lines = await cluster.logs(node);
    writeOutput(env, 'run', 'logs', `${dir}/${node}.log`, lines.map((l) => l.text).join('\n') + (lines.length > 0 ? '\n' : ''));
    files++;
  }
  writeOutput(env, 'run', 'logs', `${dir}/${LOGS_MARKER}`, 'Node logs written by "fabric-bft-sim run --logs"; a later run replaces the .log files here.\n');
  return files;
}

/** Where two runs' traces first differ, or undefined when they are identical. */
export function firstDivergence(a: readonly TraceRecord[], b: readonly TraceRecord[]): { index: number; first: string; second: string } | undefined {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    const lx = x === undefined ? '(no record: the first run ended here)' : canonicalLine(x);
    const ly = y === undefined ? '(no record: the second run ended here)' : canonicalLine(y);
    if (lx !== ly) return { index: i, first: lx, second: ly };
  }
  return undefined;
}

/**
 * `--check-determinism` in bounded memory: the first run's records go to a spool as their
 * canonical lines (one JSON string a line), the second run's are compared with them as
 * they come, in step; the same answer as `firstDivergence` over both runs' records.
 */
export class DivergenceWatch {
  private firstCount = 0;
  private secondCount = 0;
  private next: (() => string | undefined) | undefined;
  private found: { index: number; first: string; second: string } | undefined;

  constructor(private readonly spool: Spool) {}

  /** A record of the first run (a trace sink). */
  readonly first = (r: TraceRecord): void => {
    this.spool.append(`${JSON.stringify(canonicalLine(r))}\n`);
    this.firstCount++;
  };

  /** A record of the second run (a trace sink), after the first run is over. */
  readonly second = (r: TraceRecord): void => {
    const i = this.secondCount++;
    if (this.found !== undefined) return;
    const line = this.firstLine();
    const ly = canonicalLine(r);
    const lx = line ?? '(no record: the first run ended here)';
    if (lx !== ly) this.found = { index: i, first: lx, second: ly };
  };

  /** Records of the first run. */
  get records(): number {
    return this.firstCount;
  }

  /** Where the runs first differ, once the second is over; undefined when identical. */
  divergence(): { index: number; first: string; second: string } | undefined {
    if (this.found !== undefined) return this.found;
    // the second run ended first: the first run's next record has no partner
    const line = this.secondCount < this.firstCount ? this.firstLine() : undefined;
    return line === undefined ? undefined : { index: this.secondCount, first: line, second: '(no record: the second run ended here)' };
  }

  /** Drops the spool. */
  dispose(): void {
    this.spool.discard();
  }

  private firstLine(): string | undefined {
    this.next ??= this.spool.lines();
    const text = this.next();
    return text === undefined ? undefined : (JSON.parse(text) as string);
  }
}
