/**
 * The progress line of long work (`run`, `check`, `compare`, `size`): one line on a
 * terminal's stderr, redrawn in place with a carriage return and cleared when the work is
 * over. No line at all when stderr is not a terminal (a pipe, a log file) or with --json:
 * the caller asks for a line with `enabled` false and gets one that draws nothing (`check`
 * and `sweep` print a plain line every 10% to a log instead, see `runsProgress`).
 *
 * What the line says is the caller's; this module draws it, throttles redraws, prints log
 * lines above it, and estimates the time left. It reads the wall clock the CLI gives it,
 * never the simulator's: a run with a progress line is the same run, event for event.
 */
import { describeStep } from '../scenarios/describe.ts';
import { formatDuration } from '../scenarios/duration.ts';
import type { Step } from '../scenarios/schema.ts';

/** Least wall time between two redraws of a progress line that moves inside a run. */
export const PROGRESS_EVERY_MS = 200;

export interface ProgressLine {
  /** Whether anything is drawn (a terminal stderr, not --json). */
  readonly enabled: boolean;
  /** Redraws the line: at most once per `everyMs` of wall time, unless `force`. */
  show(text: string, force?: boolean): void;
  /** Writes whole lines to stderr (log output, always), above the progress line, which is then redrawn. */
  print(text: string): void;
  /** The work is over: clears the line, or leaves `last` in its place followed by a newline. */
  end(last?: string): void;
  /** Wall-clock ms since the line was made. */
  elapsedMs(): number;
}

export interface ProgressOptions {
  readonly stderr: (text: string) => void;
  /** Wall-clock ms (the CLI's `env.wallMs`). */
  readonly wallMs: () => number;
  /** Draw at all: a terminal stderr and no --json. */
  readonly enabled: boolean;
  /** Least wall time between two redraws (default 0: every `show` draws). */
  readonly everyMs?: number;
  /** Longest line drawn (a wider one wraps, and a carriage return no longer overwrites it). Default 100. */
  readonly maxWidth?: number;
}

/** The progress line of a command: drawn only on a terminal stderr and never with --json. */
export function progressFor(env: { readonly stderr: (text: string) => void; readonly wallMs: () => number; readonly stderrTty: boolean; readonly stderrColumns?: number }, json: boolean, everyMs = 0): ProgressLine {
  // One column short of the terminal's width, so the line never wraps (a wrapped line is not overwritten).
  const columns = env.stderrColumns;
  return progressLine({ stderr: env.stderr, wallMs: env.wallMs, enabled: env.stderrTty && !json, everyMs, ...(columns !== undefined && columns > 20 ? { maxWidth: columns - 1 } : {}) });
}

export function progressLine(o: ProgressOptions): ProgressLine {
  const everyMs = o.everyMs ?? 0;
  const maxWidth = o.maxWidth ?? 100;
  let width = 0;
  let shown: string | undefined;
  let drawnAt = -Infinity;
  const t0 = o.wallMs();
  const fit = (text: string): string => (text.length > maxWidth ? `${text.slice(0, maxWidth - 1)}…` : text);
  // Each line overwrites the one before: padded with spaces to the earlier one's length.
  const draw = (text: string, tail: string): void => {
    const pad = ' '.repeat(Math.max(0, width - text.length));
    width = text.length;
    o.stderr(`\r${text}${pad}${tail}`);
  };
  const clear = (): void => {
    if (width > 0) o.stderr(`\r${' '.repeat(width)}\r`);
    width = 0;
  };
  return {
    enabled: o.enabled,
    show(text, force = false) {
      if (!o.enabled) return;
      shown = fit(text);
      if (everyMs > 0) {
        const now = o.wallMs();
        if (!force && now - drawnAt < everyMs) return;
        drawnAt = now;
      }
      draw(shown, '');
    },
    print(text) {
      if (!o.enabled || width === 0) {
        o.stderr(text);
        return;
      }
      clear();
      o.stderr(text);
      if (shown !== undefined) draw(shown, '');
    },
    end(last) {
      if (!o.enabled) return;
      if (last !== undefined) draw(fit(last), '\n');
      else clear();
      width = 0;
      shown = undefined;
    },
    elapsedMs: () => o.wallMs() - t0,
  };
}

/**
 * `about 1m20s left`, from the work done so far at a steady pace; empty before anything is
 * done (no pace yet) and once all is done.
 */
export function timeLeft(elapsedMs: number, done: number, total: number): string {
  if (done <= 0 || done >= total) return '';
  const left = (elapsedMs / done) * (total - done);
  return `about ${formatDuration(Math.max(1000, Math.round(left / 1000) * 1000))} left`;
}

/**
 * The progress of one scenario run on the simulator: the step it is at, the simulated time
 * reached, the wall time so far and an estimate of what is left (from the steps done).
 * `interrupt` goes where the simulator polls its caller's budget (`TargetOptions.interrupt`,
 * every few thousand events), so the line moves inside a step that simulates for minutes;
 * it only reads the cluster's clock and never asks the run to stop.
 */
export interface RunProgress {
  readonly interrupt: () => undefined;
  /** The cluster whose simulated time the line shows, once it is open. */
  attach(cluster: { now(): number }): void;
  /** After each step (the runner's `onStep`). */
  readonly onStep: () => void;
  readonly line: ProgressLine;
}

export function runProgress(line: ProgressLine, label: string, steps: readonly Step[]): RunProgress {
  let clock: { now(): number } | undefined;
  let done = 0;
  const text = (): string => {
    const elapsed = line.elapsedMs();
    if (clock === undefined) return `${label}: setting the network up, ${formatDuration(elapsed)} so far`;
    const at = Math.min(done + 1, steps.length);
    const step = steps[at - 1];
    const name = step === undefined ? '' : ` (${describeStep(step)})`;
    const left = timeLeft(elapsed, done, steps.length);
    // The step's name last: a line cut to the terminal's width loses it, not the figures.
    return `${label}: step ${at} of ${steps.length}, ${formatDuration(clock.now())} simulated, ${formatDuration(elapsed)} so far${left === '' ? '' : `, ${left}`}${name}`;
  };
  return {
    line,
    interrupt: () => {
      if (line.enabled) line.show(text());
      return undefined;
    },
    attach: (c) => {
      clock = c;
      if (line.enabled) line.show(text(), true);
    },
    onStep: () => {
      done++;
      if (line.enabled) line.show(text());
    },
  };
}

/**
 * The progress of `total` independent runs (`check`, `sweep`): on a terminal the progress
 * line, rewritten per run with an estimate of the time left and left as a last line when
 * done; off a terminal (a pod's or a CI job's log) a plain line every 10%; nothing with
 * --json. `failure` ends it early: the line says so and the rest is not counted.
 */
export function runsProgress(env: { readonly stderr: (text: string) => void; readonly wallMs: () => number; readonly stderrTty: boolean; readonly stderrColumns?: number }, json: boolean, label: string, total: number): { ran(done: number, failure?: string): void; end(): void } {
  const line = progressFor(env, json);
  const every = Math.max(1, Math.ceil(total / 10));
  return {
    ran(done, failure) {
      if (json) return;
      const text = `${label} ${done}/${total} runs${failure === undefined ? '' : ` - FAILED (${failure}); shrinking...`}`;
      if (!line.enabled) {
        if (done % every === 0 || done === total || failure !== undefined) env.stderr(`${text}\n`);
      } else if (failure !== undefined) {
        line.end(text);
      } else if (done === total) {
        line.end(`${text} in ${formatDuration(line.elapsedMs())}`);
      } else {
        const left = timeLeft(line.elapsedMs(), done, total);
        line.show(`${text}, ${formatDuration(line.elapsedMs())} so far${left === '' ? '' : `, ${left}`}`);
      }
    },
    end: () => line.end(),
  };
}
