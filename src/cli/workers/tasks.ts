/**
 * The work `check` and `sweep` spread over worker threads, as pure functions of (job,
 * index): the same code runs in a worker (pool.ts, worker.ts) and in the main thread, so
 * one worker and eight give the same result for every index.
 *
 * Indices are claimed from a shared counter (Atomics over a SharedArrayBuffer), in
 * increasing order, so a fast worker takes more and no index runs twice. A `check`
 * worker walks fast-check's own stream of schedules (the one `fc.check` with this seed
 * would run: schedule i depends on the seed and i only) and runs the schedules it
 * claimed; a failure lowers the shared bound, and nobody starts an index above it.
 */
import fc from 'fast-check';
import { scheduleArbitrary, isLivenessStep, type FaultKind } from '../../scenarios/schedule.ts';
import type { Check, ScenarioResult } from '../../scenarios/runner.ts';
import type { Scenario } from '../../scenarios/schema.ts';
import { resolveTopology } from '../../scenarios/topology.ts';
import { measureOption, type FabricShape, type Measured, type MeasureSetup } from '../../sizing/measure.ts';
import { execute } from '../execute.ts';
import type { SimTarget } from '../io.ts';

/** `check`: the schedule search, as `check --seed S --runs R ...` defines it. */
export interface CheckJob {
  readonly kind: 'check';
  readonly seed: number;
  readonly runs: number;
  readonly orderers: number;
  readonly faults: readonly FaultKind[];
  readonly actions: number;
  /** The Byzantine behaviours schedules draw from (the target's, for SmartBFT, without twins). */
  readonly behaviours: readonly string[];
}

/** `sweep`: every variant (orderer count x options) with every seed; index = variant * seeds + seed position. */
export interface SweepJob {
  readonly kind: 'sweep';
  readonly variants: readonly Scenario[];
  readonly seeds: readonly number[];
  readonly maxWall: string;
}

/** `size`: the measured columns of each orderer count (index = position in `options`); the simulator's kernel alone, no target. */
export interface SizeJob {
  readonly kind: 'size';
  readonly options: readonly { readonly n: number; readonly placement: readonly number[] }[];
  readonly setup: MeasureSetup;
  readonly shape: FabricShape;
}

export type Job = CheckJob | SweepJob | SizeJob;

/** What one index gave. `row` is a sweep's result row. */
export interface CellResult {
  readonly index: number;
  readonly passed: boolean;
  /** Which phase or step failed, in one line (null when it passed). */
  readonly failure: string | null;
  readonly row?: SweepRow;
  /** A size's measured columns. */
  readonly measured?: Measured;
}

export interface SweepRow {
  readonly index: number;
  readonly seed: number;
  readonly orderers: number;
  readonly options: Readonly<Record<string, string | number>>;
  readonly passed: boolean;
  readonly verdict: string;
  readonly traceHash: string | null;
  /** Simulated milliseconds the steps took. */
  readonly simulatedMs: number;
  readonly steps: string;
  readonly checks: string;
  readonly failure: string | null;
}

/** The shared counter: [0] the next position in this shard's index list, [1] the lowest failing index so far. */
export const NO_FAILURE = 0x7fffffff;

export function sharedClaims(): SharedArrayBuffer {
  const sab = new SharedArrayBuffer(8);
  Atomics.store(new Int32Array(sab), 1, NO_FAILURE);
  return sab;
}

export class Claims {
  private readonly cells: Int32Array;
  constructor(
    shared: SharedArrayBuffer,
    private readonly indices: readonly number[],
  ) {
    this.cells = new Int32Array(shared);
  }

  /** The next index to run, or undefined when the list is done or a lower index failed. */
  next(): number | undefined {
    const p = Atomics.add(this.cells, 0, 1);
    const index = this.indices[p];
    if (index === undefined || index > Atomics.load(this.cells, 1)) return undefined;
    return index;
  }

  failed(index: number): void {
    for (;;) {
      const low = Atomics.load(this.cells, 1);
      if (index >= low || Atomics.compareExchange(this.cells, 1, low, index) === low) return;
    }
  }
}

/** Convergence is a liveness property; the other checkers (agreement, hash chain, state) are safety. Read from the check's field, not its name. */
function isLivenessCheck(check: Check): boolean {
  return check.expectation === 'convergence';
}

/**
 * One run; a run that could not even start (the network set-up failed, the budget ran
 * out) is a failure with its reason, not an exception that loses the reason.
 */
export async function attempt(target: SimTarget, scenario: Scenario, seed: number, maxWall: string): Promise<ScenarioResult | string> {
  try {
    return await execute(target, scenario, { seed, maxWall });
  } catch (e) {
    return `the run could not start or finish: ${(e instanceof Error ? e.message : String(e)).split('\n')[0] ?? ''}`;
  }
}

export function passedOf(result: ScenarioResult | string): boolean {
  return typeof result !== 'string' && result.passed;
}

/**
 * Which phase failed, and the first reason, in one line. `check`'s schedules have a safety
 * and a liveness phase, told apart by the names its own generator gives the liveness steps
 * (src/scenarios/schedule.ts); a sweep's scenarios are the user's, whose step names are never
 * read (`phases: false`): a failed step is reported as it is.
 */
export function phaseOf(result: ScenarioResult | string, phases = true): string {
  if (typeof result === 'string') return result;
  const failedStep = result.steps.find((s) => !s.ok);
  // A warning (an expectation the schedule did not require) is not a failure.
  const failed = result.checks.filter((c) => !c.ok && c.warning !== true);
  const safetyCheck = failed.find((c) => !isLivenessCheck(c));
  const livenessCheck = failed.find((c) => isLivenessCheck(c));
  if (safetyCheck !== undefined) return `safety: ${safetyCheck.name}: ${safetyCheck.detail}`;
  if (!phases && failedStep !== undefined) return `step ${failedStep.index} ${failedStep.name}: ${failedStep.error ?? ''}`;
  if (failedStep !== undefined && !isLivenessStep(failedStep.name)) return `safety phase: step ${failedStep.index} ${failedStep.name}: ${failedStep.error ?? ''}`;
  if (result.verdict === 'budget exceeded') return `budget exceeded: ${result.pending[0] ?? ''}`;
  if (failedStep !== undefined) return `liveness: step ${failedStep.index} ${failedStep.name}: ${failedStep.error ?? ''}`;
  if (livenessCheck !== undefined) return `liveness: ${livenessCheck.name}: ${livenessCheck.detail}`;
  return 'passed';
}

export function checkArbitrary(job: CheckJob): fc.Arbitrary<Scenario> {
  return scheduleArbitrary({ topology: { preset: 'certchain', orderers: job.orderers }, faults: job.faults, behaviours: job.behaviours, maxActions: job.actions });
}

/** A check schedule's run: the scenario's own seed, two minutes of wall clock at most. */
export function checkAttempt(target: SimTarget, scenario: Scenario): Promise<ScenarioResult | string> {
  return attempt(target, scenario, scenario.seed ?? 1, '2m');
}

/** Thrown inside the property to end this worker's walk of the stream (nothing left to claim). */
class Stop extends Error {}

async function runCheck(target: SimTarget, job: CheckJob, claims: Claims, post: (r: CellResult) => void): Promise<void> {
  let want = claims.next();
  if (want === undefined) return;
  let index = 0;
  await fc.check(
    fc.asyncProperty(checkArbitrary(job), async (scenario) => {
      const i = index++;
      if (want === undefined) throw new Stop();
      if (i < want) return true;
      const result = await checkAttempt(target, scenario);
      const passed = passedOf(result);
      if (!passed) claims.failed(i);
      post({ index: i, passed, failure: passed ? null : phaseOf(result) });
      want = passed ? claims.next() : undefined;
      if (want === undefined) throw new Stop();
      return true;
    }),
    // The walk, not the search: no shrinking here (the main thread shrinks the lowest failure).
    { seed: job.seed, numRuns: job.runs, endOnFailure: true },
  );
}

function summary(ok: number, total: number): string {
  return `${ok}/${total}`;
}

/** The sweep's row for `index`. */
export async function sweepCell(target: SimTarget, job: SweepJob, index: number): Promise<CellResult> {
  const variant = job.variants[Math.floor(index / job.seeds.length)] as Scenario;
  const seed = job.seeds[index % job.seeds.length] as number;
  const result = await attempt(target, variant, seed, job.maxWall);
  const passed = passedOf(result);
  const failure = passed ? null : phaseOf(result, false);
  const t = variant.topology ?? {};
  const orderers = resolveTopology(t).orderers;
  const options: Record<string, string | number> = {};
  for (const k of ['peersPerOrg', 'dissemination', 'consensus'] as const) if (t[k] !== undefined) options[k] = t[k];
  const row: SweepRow =
    typeof result === 'string'
      ? { index, seed, orderers, options, passed, verdict: 'failed', traceHash: null, simulatedMs: 0, steps: '0/0', checks: '0/0', failure }
      : {
          index,
          seed,
          orderers,
          options,
          passed,
          verdict: result.verdict,
          traceHash: result.traceHash ?? null,
          simulatedMs: Math.round(result.metrics.durationMs * 1000) / 1000,
          steps: summary(result.steps.filter((s) => s.ok).length, result.steps.length),
          checks: summary(result.checks.filter((c) => c.ok).length, result.checks.length),
          failure,
        };
  return { index, passed, failure, row };
}

async function runSweep(target: SimTarget, job: SweepJob, claims: Claims, post: (r: CellResult) => void): Promise<void> {
  for (let i = claims.next(); i !== undefined; i = claims.next()) post(await sweepCell(target, job, i));
}

async function runSize(job: SizeJob, claims: Claims, post: (r: CellResult) => void): Promise<void> {
  for (let i = claims.next(); i !== undefined; i = claims.next()) {
    const o = job.options[i];
    if (o === undefined) throw new RangeError(`size: no option ${i}`);
    post({ index: i, passed: true, failure: null, measured: await measureOption(o.n, o.placement, job.setup, job.shape) });
  }
}

/** Runs the indices this thread claims until none is left; `post` gets each result as it comes. A size job needs no target. */
export async function runTask(target: SimTarget | undefined, job: Job, claims: Claims, post: (r: CellResult) => void): Promise<void> {
  try {
    if (job.kind === 'size') await runSize(job, claims, post);
    else if (target === undefined) throw new Error(`a ${job.kind} job needs a target`);
    else if (job.kind === 'check') await runCheck(target, job, claims, post);
    else await runSweep(target, job, claims, post);
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
  }
}
