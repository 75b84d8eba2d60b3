/** Text output of a live run: the step table, the undo report and the verdict. Values are masked by the caller. */
import { describeValueShort } from '../scenarios/describe.ts';
import type { ScenarioResult, StepResult } from '../scenarios/runner.ts';
import type { UndoReport } from './undo.ts';

export { escapeControls } from '../shared/escape.ts';

export function formatStep(s: StepResult): string {
  const mark = s.ok ? '✓' : '✗';
  const value = describeValueShort(s.value);
  const err = s.error !== null ? `  <- ${s.error}` : '';
  return ` ${mark} ${String(s.index).padStart(2)}  ${s.name}${value !== '' ? `: ${value}` : ''}${err}`;
}

export function formatUndos(undos: readonly UndoReport[]): string {
  if (undos.length === 0) return 'undo: nothing was changed that needed undoing';
  const lines = ['undo:'];
  for (const u of undos) {
    if (u.state === 'discharged') lines.push(`   · not needed (the scenario restored it): ${u.label}`);
    else if (u.state === 'ran') lines.push(`   ${u.ok === true ? '✓ ran' : '✗ FAILED'}: ${u.label}${u.error !== undefined ? ` (${u.error})` : ''}`);
    else lines.push(`   ! still pending: ${u.label}`);
  }
  return lines.join('\n');
}

export function undosOk(undos: readonly UndoReport[]): boolean {
  return undos.every((u) => u.state === 'discharged' || (u.state === 'ran' && u.ok === true));
}

export function formatResult(r: ScenarioResult, undos: readonly UndoReport[]): string {
  const lines = [`${r.scenario} on the live cluster`, ...r.steps.map(formatStep)];
  for (const c of r.checks) lines.push(` ${c.ok ? '✓' : '✗'} check ${c.name}: ${c.detail}`);
  if (r.pending.length > 0) lines.push(`not run: ${r.pending.join('; ')}`);
  lines.push(formatUndos(undos));
  const ok = r.passed && undosOk(undos);
  lines.push(ok ? 'PASSED' : `FAILED (${r.verdict}${undosOk(undos) ? '' : ', and not every undo succeeded: check the cluster'})`);
  return lines.join('\n');
}
