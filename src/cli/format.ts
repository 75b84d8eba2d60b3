/** Human output: the step table with ✓/✗, the lab-style log evidence, checks and verdict. */
import { describeValueShort } from '../scenarios/describe.ts';
import { formatDuration } from '../scenarios/duration.ts';
import type { LoadTally } from '../scenarios/cluster.ts';
import type { ScenarioResult, StepResult } from '../scenarios/runner.ts';

/** `m:ss.mmm` of a time since the cluster opened. */
export function clock(ms: number): string {
  const m = Math.floor(ms / 60_000);
  const s = (ms - m * 60_000) / 1000;
  return `${m}:${s.toFixed(3).padStart(6, '0')}`;
}

function cut(s: string, width: number): string {
  return s.length <= width ? s : s.slice(0, width - 1) + '…';
}

/** The part of a Fabric log line after `func -> `. */
function logMessage(line: string): string {
  const i = line.indexOf(' -> ');
  return i < 0 ? line : line.slice(i + 4);
}

function observed(s: StepResult): string {
  if (s.op === 'waitFor' && typeof s.value === 'string') return logMessage(s.value);
  if (s.op === 'waitFor' && typeof s.value === 'number') return `height ${s.value}`;
  if (s.op === 'load' && s.value !== null && typeof s.value === 'object') return loadLine(s.value as LoadTally);
  return describeValueShort(s.value);
}

/** A load step's tally at the end of the run: `20 asked: 18 committed, 1 failed, 1 pending (1 not issued) - failed: timed out (1)`. */
export function loadLine(t: LoadTally): string {
  const notIssued = t.count - t.issued;
  const errors = Object.entries(t.errors).map(([why, n]) => `${why} (${n})`);
  return `${t.count} asked: ${t.committed} committed, ${t.failed} failed, ${t.pending} pending${notIssued > 0 ? `, ${notIssued} not issued yet` : ''}${errors.length > 0 ? `; failures: ${errors.join(', ')}` : ''}`;
}

export function stepTable(result: ScenarioResult): string {
  const nameW = Math.min(64, Math.max(4, ...result.steps.map((s) => s.name.length)));
  const lines: string[] = [];
  lines.push(`     ${'#'.padStart(3)}  ${'at'.padEnd(9)}  ${'step'.padEnd(nameW)}  observed`);
  for (const s of result.steps) {
    const mark = s.ok ? '✓' : '✗';
    const obs = s.ok ? observed(s) : `${s.error ?? ''}${observed(s) !== '' ? `  [got: ${observed(s)}]` : ''}`;
    lines.push(`  ${mark}  ${String(s.index).padStart(3)}  ${clock(s.at).padEnd(9)}  ${cut(s.name, nameW).padEnd(nameW)}  ${cut(obs, 140)}`);
  }
  return lines.join('\n');
}

/** The leading `2026-03-14 10:00:00.000` of a Fabric log line, for ordering. */
const STAMP_RE = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+/;

/** The log lines `waitFor log` steps found, as the lab's `grep` would show them: in time order. */
export function logEvidence(result: ScenarioResult): string {
  const found = result.steps.filter((s) => s.op === 'waitFor' && s.ok && typeof s.value === 'string').map((s) => String(s.value));
  if (found.length === 0) return '';
  const lines = found.map((line, i) => ({ line, i, stamp: STAMP_RE.exec(line)?.[0] ?? '' }));
  lines.sort((a, b) => (a.stamp !== b.stamp ? (a.stamp < b.stamp ? -1 : 1) : a.i - b.i));
  return ['Log evidence', ...lines.map((l) => `  ${l.line}`)].join('\n');
}

/** Simulated times (`at`, `tookMs`) to the microsecond, so --json shows 12.345, not 12.345000000001. */
export function resultJson(value: unknown): string {
  return JSON.stringify(value, (key, v: unknown) => ((key === 'at' || key === 'tookMs') && typeof v === 'number' ? Math.round(v * 1000) / 1000 : v), 2) + '\n';
}

export function checksTable(result: ScenarioResult): string {
  if (result.checks.length === 0) return '';
  const w = Math.max(...result.checks.map((c) => c.name.length));
  const lines = result.checks.map((c) => `  ${c.ok ? '✓' : c.warning === true ? '!' : '✗'}  ${c.name.padEnd(w)}  ${c.detail}`);
  const warned = [...new Set(result.checks.filter((c) => c.warning === true).map((c) => c.expectation ?? c.name))];
  if (warned.length > 0) {
    // Say why a failed line did not fail the run: it is the lab's expectation, not Fabric's invariant.
    lines.push(`  ! = a warning: ${warned.join(', ')} is an expectation of the lab, not an invariant of Fabric (Fabric itself behaves so); add "expectations: [${warned.join(', ')}]" to the scenario to fail the run on it`);
  }
  return ['Checks', ...lines].join('\n');
}

export function verdictLine(result: ScenarioResult, wallMs: number): string {
  const okSteps = result.steps.filter((s) => s.ok).length;
  const okChecks = result.checks.filter((c) => c.ok).length;
  const warnings = result.checks.filter((c) => c.warning === true).length;
  const figures = `${okSteps}/${result.steps.length} steps, ${okChecks}/${result.checks.length} checks${warnings > 0 ? ` (${warnings} warning${warnings === 1 ? '' : 's'})` : ''}; ${formatDuration(result.metrics.durationMs)} simulated in ${formatDuration(wallMs)}`;
  if (result.verdict === 'passed') return `PASSED  ${figures}`;
  if (result.verdict === 'budget exceeded') return `BUDGET EXCEEDED  ${figures}\n  pending: ${result.pending.join('\n           ')}`;
  return `FAILED  ${figures}`;
}

export function replayCommand(ref: string, seed: number, orderers: number | undefined): string {
  return `fabric-bft-sim run ${ref} --seed ${seed}${orderers !== undefined ? ` --orderers ${orderers}` : ''}`;
}

export function header(result: ScenarioResult, description: string | undefined, orderers: number): string {
  const head = `${result.scenario}${description !== undefined ? `: ${description}` : ''}`;
  return `${head}\ntarget ${result.target} · seed ${result.seed} · ${orderers} orderers${result.traceHash !== undefined ? ` · trace ${result.traceHash}` : ''}`;
}
