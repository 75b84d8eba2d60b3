/**
 * `fabric-bft-sim size`: the sizing table (math + measured columns) or, with
 * `--raft-vs-bft`, the Raft vs SmartBFT comparison. The CLI dispatcher calls
 * `runSizeCommand(argv, io)`; exit code 0 on success, 2 on bad arguments (one line on
 * stderr), 1 when the Raft vs SmartBFT comparison did not show what it should.
 *
 * `--report FILE.html` also writes the sizing page (src/sizing/html.ts) from the same
 * numbers. Measuring takes a second or two per size: on a terminal stderr (and never with
 * --json) a progress line shows the size being measured and an estimate of the time left.
 */
import { usageLine, UsageError } from '../args/grammar.ts';
import { helpText } from '../args/help.ts';
import { parseSizeArgs, SIZE_SPEC } from './args.ts';
import { availabilityDominance } from './dominance.ts';
import { renderSizing } from './format.ts';
import { renderSizingHtml } from './html.ts';
import { distinctSizes, measureOptions, type FabricShape, type Measured, type MeasureProgress, type MeasureSetup } from './measure.ts';
import { computeSizing, placementFor } from './model.ts';
import { renderRaftVsBft, runRaftVsBft } from './raft-vs-bft.ts';

export interface SizeIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** Whether stderr is a terminal: the progress line is printed only then. */
  readonly stderrTty?: boolean;
  /** The CLI's progress line (src/io/progress.ts); without it, no progress is shown. */
  readonly progress?: (enabled: boolean) => SizeProgressLine;
  /**
   * `--report`: the CLI's output checks, given by the CLI (src/cli/main.ts), so sizing
   * imports nothing of the CLI. `checkOutput` throws a one-line error before any work;
   * `writeOutput` writes the whole file atomically.
   */
  readonly checkOutput?: (flag: string, path: string) => void;
  readonly writeOutput?: (flag: string, path: string, text: string) => void;
  /**
   * `--workers`: the CLI's worker threads (src/cli/workers), handed in so sizing imports
   * nothing of the CLI. Measures `todo` (each option once) on up to `workers` threads
   * (undefined: one per core) and returns the columns in `todo`'s order, with the number
   * of threads that took part; `onDone` sees each size as it is measured. Without it, the
   * sizes are measured one after the other here.
   */
  readonly measureAll?: (
    todo: readonly { readonly n: number; readonly placement: readonly number[] }[],
    setup: MeasureSetup,
    shape: FabricShape,
    workers: number | undefined,
    onDone: (n: number) => void,
  ) => Promise<{ readonly measured: readonly Measured[]; readonly threads: number }>;
}

/**
 * The CLI's progress line (src/io/progress.ts), handed in by the CLI so sizing imports
 * nothing of it: redrawn in place on a terminal's stderr, nothing when `enabled` is false.
 */
export interface SizeProgressLine {
  show(text: string, force?: boolean): void;
  end(last?: string): void;
  elapsedMs(): number;
}

/** The line while measuring: the size being measured, the time so far and an estimate of what is left. */
export function measuringProgress(line: SizeProgressLine): MeasureProgress {
  let previous = 0;
  let lastSize = 0;
  return ({ done, total, n }) => {
    const at = line.elapsedMs();
    if (done > 0) lastSize = (at - previous) / 1000;
    previous = at;
    const elapsed = at / 1000;
    if (n === null) {
      line.end(`size: measured ${total} size${total === 1 ? '' : 's'} in ${elapsed.toFixed(1)} s`);
      return;
    }
    // Bigger sizes cost more (messages grow with n^2), so each size left is counted at the
    // slower of the average and the last size measured: "about".
    const perSize = Math.max(elapsed / Math.max(1, done), lastSize);
    const left = done === 0 ? '' : `, about ${Math.max(1, Math.round(perSize * (total - done)))} s left`;
    line.show(`size: measuring n = ${n} (${done + 1} of ${total}), ${elapsed.toFixed(1)} s so far${left}`, true);
  };
}

export async function runSizeCommand(argv: readonly string[], io: SizeIo): Promise<number> {
  let args;
  try {
    args = parseSizeArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr(`${usageLine('size', e.message)}\n`);
    return 2;
  }
  if (args.help) {
    io.stdout(helpText(SIZE_SPEC));
    return 0;
  }

  if (args.raftVsBft && args.reportPath !== undefined) {
    io.stderr('fabric-bft-sim size: --report draws the sizing table; it does not go with --raft-vs-bft\n');
    return 2;
  }
  if (args.reportPath !== undefined) {
    try {
      if (io.checkOutput === undefined || io.writeOutput === undefined) throw new Error('--report needs a file system to write to');
      io.checkOutput('report', args.reportPath);
    } catch (e) {
      io.stderr(`${usageLine('size', (e as Error).message)}\n`);
      return 2;
    }
  }

  if (args.raftVsBft) {
    const n = args.params.orderers[0] ?? 4;
    if (args.params.orderers.length !== 1 || n < 4) {
      io.stderr('fabric-bft-sim size: --raft-vs-bft compares one cluster size; give --orderers N with N >= 4\n');
      return 2;
    }
    const result = runRaftVsBft({ n, seed: args.seed });
    io.stdout(args.json ? `${JSON.stringify(result, null, 2)}\n` : renderRaftVsBft(result));
    return result.passed ? 0 : 1;
  }

  let report;
  try {
    report = computeSizing(args.params);
  } catch (e) {
    if (e instanceof RangeError || e instanceof UsageError) {
      io.stderr(`fabric-bft-sim size: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const setup: MeasureSetup = { seed: args.seed, rttInZoneMs: args.rttInZoneMs, rttAcrossZonesMs: args.rttAcrossZonesMs, cpuPerMessageMs: args.cpuPerMessageMs };
  const shape = { roundRobin: args.params.placement === undefined, orgs: args.params.orgs, peersPerOrg: Math.min(...args.params.peersPerOrg) };
  const progress = io.stderrTty === true && !args.json && io.progress !== undefined ? measuringProgress(io.progress(true)) : undefined;
  const wanted = report.options.map((o) => ({ n: o.n, placement: placementFor(o.n, args.params) }));
  let measured: Map<number, Measured> | undefined;
  if (!args.measure) measured = undefined;
  else if (io.measureAll === undefined || args.workers === 1) measured = await measureOptions(wanted, setup, shape, progress);
  else {
    // On threads the sizes finish in any order: the line shows the smallest one still being measured.
    const todo = distinctSizes(wanted);
    const done = new Set<number>();
    const next = (): number | null => todo.find((o) => !done.has(o.n))?.n ?? null;
    progress?.({ done: 0, total: todo.length, n: next() });
    const run = await io.measureAll(todo, setup, shape, args.workers, (n) => {
      done.add(n);
      progress?.({ done: done.size, total: todo.length, n: done.size === todo.length ? null : next() });
    });
    measured = new Map(run.measured.map((m) => [m.n, m]));
    // Asked for threads: say how many took part (not by default, so the output is the same on any machine).
    if (!args.json && args.workers !== undefined && todo.length > 1) io.stderr(`size: measured on ${run.threads} thread${run.threads === 1 ? '' : 's'}\n`);
  }
  const dominance = measured === undefined ? null : availabilityDominance(report, measured, args.nodeMttrMs);
  const text = renderSizing(report, measured, measured === undefined ? undefined : setup, dominance);

  if (args.json) {
    const options = report.options.map((o) => ({ ...o, measured: measured?.get(o.n) ?? null }));
    const body = { seed: args.seed, rttInZoneMs: args.rttInZoneMs, rttAcrossZonesMs: args.rttAcrossZonesMs, cpuPerMessageMs: args.cpuPerMessageMs, nodeMttrMs: args.nodeMttrMs, zoneCount: report.zoneCount, params: report.params, options, endorsement: report.endorsement, recommendation: report.recommendation, dominance };
    io.stdout(`${JSON.stringify(body, (_k, v: unknown) => (v === Infinity ? 'Infinity' : v), 2)}\n`);
  } else {
    io.stdout(text);
  }
  if (args.reportPath !== undefined) {
    const html = renderSizingHtml({ report, measured, setup: measured === undefined ? undefined : setup, dominance, text });
    if (io.writeOutput === undefined) {
      io.stderr('fabric-bft-sim size: --report needs a file system to write to\n');
      return 2;
    }
    try {
      io.writeOutput('report', args.reportPath, html);
    } catch (e) {
      io.stderr(`${usageLine('size', (e as Error).message)}\n`);
      return 2;
    }
    if (!args.json) io.stdout(`\nReport: ${args.reportPath}\n`);
  }
  return 0;
}
