/**
 * Sim beside live, step by step (pure). The same scenario ran on both targets; each step
 * gets a verdict on its OUTCOME: `same`, `differs`, `only sim failed`, `only live failed`,
 * or `only one side ran`. Timing is reported, never judged. What counts as the outcome:
 * whether the step held (its `expect`, or its own ok), plus the outcome fields of its
 * value (`ok`, `status`, `role`) when the step has no `expect`. Heights, block numbers
 * and transaction ids are values of the world, not outcomes: a live ledger has history
 * the simulator does not, so they are shown, not compared.
 */
import { describeValueShort } from '../scenarios/describe.ts';
import type { ScenarioResult, StepResult } from '../scenarios/runner.ts';

export type CompareVerdict = 'same' | 'differs' | 'only sim failed' | 'only live failed' | 'only one side ran';

export interface CompareRow {
  readonly index: number;
  readonly name: string;
  readonly op: string;
  readonly sim: string;
  readonly live: string;
  readonly verdict: CompareVerdict;
  /** Why the verdict is not `same`, in a sentence. */
  readonly why?: string;
  /** The log line or the error each side produced for this step. */
  readonly simEvidence?: string;
  readonly liveEvidence?: string;
  readonly simTookMs?: number;
  readonly liveTookMs?: number;
}

export interface Comparison {
  readonly scenario: string;
  readonly rows: readonly CompareRow[];
  /** True when some step's outcome differs: the command fails. */
  readonly outcomeDiffers: boolean;
  /** Steps whose durations differ by more than 2x and 1 s (reported only). */
  readonly timing: readonly string[];
}

const OUTCOME_KEYS = ['ok', 'status', 'role'] as const;

function outcomeOf(value: unknown): Record<string, unknown> | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of OUTCOME_KEYS) if (k in v) out[k] = v[k];
  return Object.keys(out).length > 0 ? out : undefined;
}

function evidence(s: StepResult): string | undefined {
  if (s.error !== null) return s.error;
  if (s.op === 'waitFor' && typeof s.value === 'string') return s.value;
  const e = s.value !== null && typeof s.value === 'object' ? (s.value as { error?: unknown }).error : undefined;
  return typeof e === 'string' ? e : undefined;
}

/** A step's value for the table: a log line shows its message (the evidence lines show it whole). */
function shown(s: StepResult): string {
  if (typeof s.value === 'string' && s.value.includes(' -> ')) return s.value.slice(s.value.indexOf(' -> ') + 4);
  return describeValueShort(s.value) || (s.ok ? 'ok' : 'failed');
}

export function compareStep(sim: StepResult | undefined, live: StepResult | undefined, hasExpect: boolean): CompareRow {
  const base = sim ?? live!;
  const se = sim === undefined ? undefined : evidence(sim);
  const le = live === undefined ? undefined : evidence(live);
  const row = {
    index: base.index,
    name: base.name,
    op: base.op,
    sim: sim === undefined ? '(not run)' : shown(sim),
    live: live === undefined ? '(not run)' : shown(live),
    ...(se !== undefined ? { simEvidence: se } : {}),
    ...(le !== undefined ? { liveEvidence: le } : {}),
    ...(sim !== undefined ? { simTookMs: sim.tookMs } : {}),
    ...(live !== undefined ? { liveTookMs: live.tookMs } : {}),
  };
  if (sim === undefined || live === undefined) {
    return { ...row, verdict: 'only one side ran', why: `the ${sim === undefined ? 'simulator' : 'live'} run stopped before this step` };
  }
  if (sim.ok && !live.ok) return { ...row, verdict: 'only live failed', why: live.error ?? 'failed' };
  if (!sim.ok && live.ok) return { ...row, verdict: 'only sim failed', why: sim.error ?? 'failed' };
  if (!sim.ok && !live.ok) return { ...row, verdict: 'same' };
  if (hasExpect) return { ...row, verdict: 'same' };
  const a = outcomeOf(sim.value);
  const b = outcomeOf(live.value);
  if (JSON.stringify(a) !== JSON.stringify(b)) {
    return { ...row, verdict: 'differs', why: `outcome ${JSON.stringify(a ?? null)} in the simulator, ${JSON.stringify(b ?? null)} live` };
  }
  return { ...row, verdict: 'same' };
}

/** `expects[i]` says whether step i has an `expect` (from the scenario). */
export function compareResults(sim: ScenarioResult, live: ScenarioResult, expects: readonly boolean[]): Comparison {
  const n = Math.max(sim.steps.length, live.steps.length);
  const rows: CompareRow[] = [];
  const timing: string[] = [];
  for (let i = 0; i < n; i++) {
    const row = compareStep(sim.steps[i], live.steps[i], expects[i] ?? false);
    rows.push(row);
    const a = row.simTookMs;
    const b = row.liveTookMs;
    if (a !== undefined && b !== undefined && Math.abs(a - b) > 1000 && Math.max(a, b) > 2 * Math.max(1, Math.min(a, b))) {
      timing.push(`step ${row.index} (${row.name}): ${Math.round(a)} ms in the simulator, ${Math.round(b)} ms live`);
    }
  }
  return { scenario: sim.scenario, rows, outcomeDiffers: rows.some((r) => r.verdict !== 'same'), timing };
}

function cut(s: string, w: number): string {
  return s.length <= w ? s.padEnd(w) : `${s.slice(0, w - 1)}…`;
}

/** `other` names the real side: `live` (an OpenShift cluster, the default) or `local` (net up's network). */
export function formatComparison(c: Comparison, other: { column: string; title: string } = { column: 'live', title: 'live cluster' }): string {
  const lines = [`${c.scenario}: simulator beside ${other.title}`, `  #  ${cut('step', 44)} ${cut('sim', 26)} ${cut(other.column, 26)} verdict`];
  for (const r of c.rows) {
    lines.push(`${String(r.index).padStart(3)}  ${cut(r.name, 44)} ${cut(r.sim, 26)} ${cut(r.live, 26)} ${r.verdict}`);
    if (r.why !== undefined && r.verdict !== 'same') lines.push(`       why: ${r.why}`);
    if (r.simEvidence !== undefined) lines.push(`       sim:  ${r.simEvidence}`);
    if (r.liveEvidence !== undefined) lines.push(`       ${`${other.column}:`.padEnd(5)} ${r.liveEvidence}`);
  }
  if (c.timing.length > 0) lines.push('timing (reported, not failed):', ...c.timing.map((t) => `  ${t}`));
  lines.push(c.outcomeDiffers ? 'OUTCOMES DIFFER' : 'no outcome differences');
  return lines.join('\n');
}
