/**
 * The scenario runner: executes a scenario's steps against a `Cluster`, checks each
 * step's `expect`, keeps `save`d values for `$references`, then runs the invariant
 * checkers, and returns one result object.
 *
 * A step whose expect fails marks the run failed, and the run goes on, so the result
 * shows everything. Budgets (simulated time, steps, and an optional abort signal the
 * caller ties to the wall clock) make sure a run always ends: a run that exceeds one
 * stops with the verdict "budget exceeded" and says what was still pending.
 *
 * How each operation runs is its entry's `run` in the operation table (operations.ts);
 * the runner gives it a `RunContext` (node resolution, the time budget, start times).
 *
 * The runner knows only the `Cluster` port: checkers that need the simulator's insides
 * are passed in (`options.checks`).
 */
import type { Cluster, LoadTally, NodeId, OkResult } from './cluster.ts';
import { describeStep } from './describe.ts';
import { formatDuration } from './duration.ts';
import { mismatch, resolveRefs, type Vars } from './expect.ts';
import { BudgetExceeded, DEFAULT_WAIT_MS, OPERATION_TABLE, type RunContext } from './operations.ts';
import { argOf, opOf, validateScenario, type Behaviours, type Expectation, type OpName, type Scenario, type Step } from './schema.ts';
import { zonesOf } from './topology.ts';
import type { ZonePlacement } from '../shared/zones.ts';

/** One check's verdict after a run (see {@link simChecks}). */
export interface Check {
  /** What was checked, e.g. `block hashes agree with the orderers`. */
  readonly name: string;
  /** Whether it held; an invariant (or a required expectation) that did not hold fails the run. */
  readonly ok: boolean;
  /** One line: the evidence, or the first counterexample. */
  readonly detail: string;
  /**
   * `invariant` (the default): a property Fabric guarantees (agreement, hash chain,
   * validity); `expectation`: what the lab expects of a run but Fabric does not promise
   * (convergence, state = fold(ledger)), named by {@link Check.expectation}.
   */
  readonly severity?: 'invariant' | 'expectation';
  /** An expectation's name, as a scenario's `expectations` lists it to make it fail the run. */
  readonly expectation?: Expectation;
  /** Set by the runner: an expectation that did not hold and the scenario did not require; shown as a warning, the run passes. */
  readonly warning?: boolean;
}

/** An expectation that did not hold fails the run only when the scenario lists it in `expectations`. */
function weigh(check: Check, required: readonly Expectation[]): Check {
  if (check.ok || check.severity !== 'expectation') return check;
  if (check.expectation !== undefined && required.includes(check.expectation)) return check;
  return { ...check, warning: true };
}

/** Invariant checkers: called once after the steps, their verdicts are part of `passed`. */
export type Checks = (cluster: Cluster) => Promise<readonly Check[]>;

/** What one step did. */
export interface StepResult {
  /** 1-based, as the table prints it. */
  readonly index: number;
  /** The step's operation. */
  readonly op: OpName;
  /** The step's `name`, or the operation described (`issue CHK-1 via techpulse`). */
  readonly name: string;
  /** The operation succeeded and its value matched `expect` (a step without `expect` needs only to run). */
  readonly ok: boolean;
  /** What the operation returned (what `save` keeps and `expect` is matched against). */
  readonly value: unknown;
  /** The step's `expect` with references resolved (null when the step has none). */
  readonly expected: unknown;
  /** Why the step failed, in one line (null when it passed). */
  readonly error: string | null;
  /** Time of the step's start, in ms since the cluster opened (simulated on the sim). */
  readonly at: number;
  /** How long the step took (simulated on the sim). */
  readonly tookMs: number;
}

/** How a run ended: every step and check held, one did not, or the time or step budget ran out first. */
export type Verdict = 'passed' | 'failed' | 'budget exceeded';

/** What {@link runScenario} returns: always a finished result, whatever the steps did. */
export interface ScenarioResult {
  /** The scenario's name. */
  readonly scenario: string;
  /** The seed of the run (replay: `fabric-bft-sim run FILE --seed N`). */
  readonly seed: number;
  /** The simulator, a real cluster (live) or a real network on this machine (local). */
  readonly target: 'sim' | 'live' | 'local';
  /** Every step and every check held. */
  readonly passed: boolean;
  readonly verdict: Verdict;
  /** Why the run stopped early, and the steps it did not run (empty when it ran them all). */
  readonly pending: readonly string[];
  /** The simulator's trace hash: same seed, same hash (absent on a live cluster). */
  readonly traceHash?: string;
  /** One result per step run, in order. */
  readonly steps: readonly StepResult[];
  /** The checks' verdicts (empty when no `checks` were given); a failed expectation the scenario did not require has `warning`. */
  readonly checks: readonly Check[];
  readonly metrics: RunMetrics;
}

/** Figures of a run, for the summary line and `--json`. */
export interface RunMetrics {
  /** Time the steps took: simulated on the simulator, wall-clock on a live cluster. */
  readonly durationMs: number;
  readonly stepsRun: number;
  readonly stepsFailed: number;
  /** `issue` steps that committed, and that failed. */
  readonly issued: number;
  readonly issueFailed: number;
  /** Background load (`load` steps) summed at the end of the run; absent when the run had none. */
  readonly load?: LoadTotals;
  /** `consensus_BFT_committed_block_number` per orderer that is up at the end. */
  readonly committedBlock: Readonly<Record<NodeId, number>>;
  /** Ledger height per peer that is up at the end. */
  readonly ledgerHeight: Readonly<Record<NodeId, number>>;
}

export type LoadTotals = Omit<LoadTally, 'errors'>;

/** How {@link runScenario} runs (exported as `ScenarioRunOptions`). */
export interface RunOptions {
  /** The seed the cluster was built with, for the result (default: the scenario's, else 1). */
  readonly seed?: number;
  /** Invariants to check after the steps, e.g. {@link simChecks}; their verdicts are part of `passed`. */
  readonly checks?: Checks;
  /** Simulated (or wall) time the steps may take, from the first step. Default 4 hours. */
  readonly maxTimeMs?: number;
  /** Steps the run may execute. Default 10 000. */
  readonly maxSteps?: number;
  /** Aborts the run (the caller's wall-clock budget); the result says budget exceeded. */
  readonly signal?: AbortSignal;
  /** Byzantine behaviours the target knows, for validation. */
  readonly behaviours?: Behaviours;
  /** How often waitFor polls. Default 500 ms. */
  readonly pollMs?: number;
  /** Called after each step (progress). */
  readonly onStep?: (step: StepResult) => void;
}

export const DEFAULT_SEED = 1;
export const DEFAULT_MAX_TIME_MS = 4 * 3_600_000;
export { DEFAULT_WAIT_MS };

/** Thrown when the abort signal fired during a step. */
class Aborted extends Error {}

function errorText(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n')[0] ?? '';
}

function jsonSafe(v: unknown): unknown {
  return v === undefined ? null : v;
}

/** An operation's `run`, its argument already resolved. */
type RunOf = (arg: unknown, x: RunContext, op: string) => Promise<unknown>;

class Run implements RunContext {
  private readonly vars = new Map<string, unknown>();
  /** When the runner last started a node: `waitFor log` reads the log from there (as `oc logs` of the new pod). */
  private readonly started = new Map<NodeId, number>();
  private readonly t0: number;
  readonly pollMs: number;
  issued = 0;
  issueFailed = 0;

  constructor(
    readonly cluster: Cluster,
    private readonly maxTimeMs: number,
    pollMs: number,
    /** Where `topology.zones` puts each node (stopZone, startZone). */
    readonly zones: ZonePlacement | undefined = undefined,
  ) {
    this.t0 = cluster.now();
    this.pollMs = pollMs;
  }

  get variables(): Vars {
    return this.vars;
  }

  save(name: string, value: unknown): void {
    this.vars.set(name, value);
  }

  elapsed(): number {
    return this.cluster.now() - this.t0;
  }

  budgeted(ms: number): { ms: number; cut: boolean } {
    const left = Math.max(0, this.maxTimeMs - this.elapsed());
    return ms > left ? { ms: left, cut: true } : { ms, cut: false };
  }

  async nodes(name: string): Promise<readonly NodeId[]> {
    const ids = await this.cluster.resolve(name);
    if (ids.length === 0) throw new Error(`"${name}" names no node at this moment`);
    return ids;
  }

  async one(name: string, what: string): Promise<NodeId> {
    const ids = await this.nodes(name);
    if (ids.length !== 1) throw new Error(`"${name}" names ${ids.length} nodes at this moment (${ids.join(', ')}); ${what} needs one`);
    return ids[0] as NodeId;
  }

  async forEach(names: string, fn: (id: NodeId) => Promise<OkResult>): Promise<OkResult> {
    let error: string | undefined;
    for (const id of await this.nodes(names)) {
      const r = await fn(id);
      if (!r.ok && error === undefined) error = `${id}: ${r.error ?? 'failed'}`;
    }
    return error === undefined ? { ok: true } : { ok: false, error };
  }

  starting(id: NodeId): void {
    this.started.set(id, this.cluster.now());
  }

  startedAt(id: NodeId): number | undefined {
    return this.started.get(id);
  }

  countIssue(ok: boolean): void {
    if (ok) this.issued++;
    else this.issueFailed++;
  }

  /** Execute one operation with references already resolved (its `run`, operations.ts); returns the step's value. */
  async execute(op: OpName, arg: unknown): Promise<unknown> {
    return (OPERATION_TABLE[op].run as RunOf)(arg, this, op);
  }

  async metrics(stepsRun: number, stepsFailed: number): Promise<RunMetrics> {
    const committedBlock: Record<NodeId, number> = {};
    const ledgerHeight: Record<NodeId, number> = {};
    const c = this.cluster;
    for (const o of c.topology.orderers) {
      try {
        if (await c.isUp(o)) committedBlock[o] = (await c.ordererStatus(o)).committedBlock;
      } catch {
        // A node that cannot report is left out of the end-of-run figures.
      }
    }
    for (const p of c.topology.peers) {
      try {
        if (await c.isUp(p)) ledgerHeight[p] = (await c.channelInfo(p)).height;
      } catch {
        // As above.
      }
    }
    return { durationMs: this.elapsed(), stepsRun, stepsFailed, issued: this.issued, issueFailed: this.issueFailed, committedBlock, ledgerHeight };
  }
}

/**
 * Each load step's tally at the end of the run becomes its value, and its `expect` is
 * checked against it (`expect: { committed: 100, failed: 0 }`). A load step passes
 * without an `expect`: a background load is workload, and a fault may fail some of it.
 */
async function settleLoads(cluster: Cluster, scenario: Scenario, steps: StepResult[], loads: readonly { at: number; load: number }[], vars: Vars): Promise<void> {
  for (const { at, load } of loads) {
    const step = steps[at] as StepResult;
    const tally = await cluster.loadTally(load);
    const spec = scenario.steps[step.index - 1] as Step;
    let expected: unknown = null;
    let error: string | null = step.error;
    if (spec.expect !== undefined && error === null) {
      expected = resolveRefs(spec.expect, vars);
      error = mismatch(tally, expected) ?? null;
    }
    steps[at] = { ...step, value: tally, expected, error, ok: error === null };
  }
}

/** The load steps' settled tallies, summed; undefined when no load step settled. */
function sumLoads(steps: readonly StepResult[]): LoadTotals | undefined {
  let t: { count: number; issued: number; committed: number; failed: number; pending: number } | undefined;
  for (const st of steps) {
    if (st.op !== 'load' || st.value === null || typeof st.value !== 'object') continue;
    const v = st.value as LoadTally;
    t ??= { count: 0, issued: 0, committed: 0, failed: 0, pending: 0 };
    t.count += v.count;
    t.issued += v.issued;
    t.committed += v.committed;
    t.failed += v.failed;
    t.pending += v.pending;
  }
  return t;
}

/** Whether the caller's budget ran out (a function: TypeScript would otherwise keep a narrowed `aborted` across awaits). */
function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

/** The sentence an aborted signal carries (its reason's message; a bare abort or timeout: the wall clock). */
export function abortReason(signal: AbortSignal | undefined): string {
  const r: unknown = signal?.reason;
  if (r instanceof Error && r.name !== 'TimeoutError' && r.name !== 'AbortError') return r.message;
  return 'wall-clock budget used up';
}

function abortable<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return p;
  if (signal.aborted) {
    // `p` may have been aborted by this very budget and will reject: that is handled here.
    p.catch(() => undefined);
    return Promise.reject(new Aborted('aborted'));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new Aborted('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/**
 * Run a scenario against a cluster. Throws `ScenarioError` when the scenario is not
 * valid for this cluster's topology; otherwise always returns a finished result.
 */
export async function runScenario(input: Scenario | unknown, cluster: Cluster, options: RunOptions = {}): Promise<ScenarioResult> {
  const scenario = validateScenario(input, { topology: cluster.topology, ...(options.behaviours ? { behaviours: options.behaviours } : {}) });
  const maxSteps = options.maxSteps ?? 10_000;
  const maxTimeMs = options.maxTimeMs ?? DEFAULT_MAX_TIME_MS;
  const run = new Run(cluster, maxTimeMs, options.pollMs ?? 500, zonesOf(scenario.topology));
  const steps: StepResult[] = [];
  const pending: string[] = [];
  /** Load steps run so far: where their result sits in `steps`, and the target's id of the load. */
  const loads: { at: number; load: number }[] = [];
  let budget = false;
  let aborted = false;

  for (let i = 0; i < scenario.steps.length; i++) {
    const step = scenario.steps[i] as Step;
    const label = describeStep(step);
    if (i >= maxSteps) {
      budget = true;
      pending.push(`step budget of ${maxSteps} steps reached`, ...scenario.steps.slice(i).map((s, j) => `steps[${i + j}] ${describeStep(s)}`));
      break;
    }
    if (isAborted(options.signal)) {
      aborted = true;
      pending.push(`run aborted: ${abortReason(options.signal)}`, ...scenario.steps.slice(i).map((s, j) => `steps[${i + j}] ${describeStep(s)}`));
      break;
    }
    if (run.elapsed() >= maxTimeMs) {
      budget = true;
      pending.push(`time budget of ${formatDuration(maxTimeMs)} used up`, ...scenario.steps.slice(i).map((s, j) => `steps[${i + j}] ${describeStep(s)}`));
      break;
    }
    const op = opOf(step);
    const at = cluster.now();
    cluster.recordStep?.({ k: 'step', phase: 'start', index: i + 1, op, name: label });
    let value: unknown = null;
    let expected: unknown = null;
    let error: string | null = null;
    try {
      const arg = resolveRefs(argOf(step, op), run.variables);
      value = jsonSafe(await abortable(run.execute(op, arg), options.signal));
      if (op === 'load') {
        // A background load's outcome is known when the run ends: its value and its
        // `expect` are settled then (settleLoads), not now.
        loads.push({ at: steps.length, load: (value as { load: number }).load });
        value = null;
      } else if (step.expect !== undefined) {
        expected = resolveRefs(step.expect, run.variables);
        const why = mismatch(value, expected);
        if (why !== undefined) error = why;
      } else if (value !== null && typeof value === 'object' && (value as { ok?: unknown }).ok === false) {
        const e = (value as { error?: unknown }).error;
        error = `${op} failed${typeof e === 'string' ? `: ${e}` : ''}`;
      }
      if (step.save !== undefined) run.save(step.save, value);
    } catch (e) {
      if (e instanceof BudgetExceeded) {
        budget = true;
        error = `time budget of ${formatDuration(maxTimeMs)} used up during ${e.message}`;
      } else if (e instanceof Aborted || isAborted(options.signal)) {
        // Aborted while waiting, or interrupted inside the cluster's own computation
        // (the simulator polls the same budget in its event loop): either way the caller's
        // budget ran out, and the cluster must not be driven further.
        aborted = true;
        error = `run aborted during this step: ${abortReason(options.signal)}`;
      } else {
        error = errorText(e);
      }
    }
    const result: StepResult = { index: i + 1, op, name: label, ok: error === null, value, expected, error, at, tookMs: cluster.now() - at };
    cluster.recordStep?.({ k: 'step', phase: 'end', index: result.index, op, name: label, ok: result.ok, value, expected, error, tookMs: result.tookMs });
    steps.push(result);
    options.onStep?.(result);
    if (budget || aborted) {
      pending.push(`steps[${i}] ${label} (${aborted ? 'aborted' : 'still waiting'})`, ...scenario.steps.slice(i + 1).map((s, j) => `steps[${i + 1 + j}] ${describeStep(s)}`));
      break;
    }
  }

  if (!aborted) {
    try {
      await settleLoads(cluster, scenario, steps, loads, run.variables);
    } catch (e) {
      if (isAborted(options.signal)) aborted = true;
      else throw e;
    }
  }
  const failed = steps.filter((s) => !s.ok).length;
  let checks: readonly Check[] = [];
  let metrics: RunMetrics = { durationMs: run.elapsed(), stepsRun: steps.length, stepsFailed: failed, issued: run.issued, issueFailed: run.issueFailed, committedBlock: {}, ledgerHeight: {} };
  if (!aborted) {
    metrics = await run.metrics(steps.length, failed);
    if (options.checks !== undefined) {
      try {
        const required = scenario.expectations ?? [];
        checks = (await abortable(options.checks(cluster), options.signal)).map((c) => weigh(c, required));
      } catch (e) {
        if (isAborted(options.signal)) aborted = true;
        checks = [{ name: 'checkers', ok: false, detail: `the checkers could not run: ${aborted ? abortReason(options.signal) : errorText(e)}` }];
      }
    }
  }
  const loadTotals = sumLoads(steps);
  if (loadTotals !== undefined) metrics = { ...metrics, load: loadTotals };
  const exceeded = budget || aborted;
  const passed = !exceeded && failed === 0 && checks.every((c) => c.ok || c.warning === true);
  const traceHash = cluster.traceHash?.();
  return {
    scenario: scenario.name,
    seed: options.seed ?? scenario.seed ?? DEFAULT_SEED,
    target: cluster.target,
    passed,
    verdict: exceeded ? 'budget exceeded' : passed ? 'passed' : 'failed',
    pending,
    ...(traceHash !== undefined ? { traceHash } : {}),
    steps,
    checks,
    metrics,
  };
}
