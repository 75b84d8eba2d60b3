/**
 * Time-axis labels of the report's charts (and the play page's), shared with the page's
 * script: html.ts inlines these functions' source (`Function.prototype.toString`) ahead
 * of client.js, so they must stay self-contained (no imports, no closures, plain
 * browser JavaScript once the types are stripped).
 */

/**
 * A tick label, as short as the tick step allows: `0 s`, `10 s`, `100 s`, `2.5 s`,
 * `250 ms`, `0.25 ms`. Zeros are trimmed only after a decimal point (10 s stays 10 s).
 */
export function fmtTick(ms: number, step: number): string {
  if (ms >= 1000 || step >= 1000) {
    let s = (ms / 1000).toFixed(step >= 1000 ? 0 : step >= 100 ? 1 : step >= 10 ? 2 : 3);
    if (s.indexOf('.') >= 0) s = s.replace(/0+$/, '').replace(/\.$/, '');
    return s + ' s';
  }
  return (step >= 1 ? String(Math.round(ms)) : ms.toFixed(2)) + ' ms';
}

/** The largest 1-2-5 step that gives at least `count` ticks over `range`. */
export function tickStep(range: number, count: number): number {
  const raw = range / Math.max(1, count);
  const mag = Math.pow(10, Math.floor(Math.log10(raw || 1)));
  const steps = [5, 2, 1];
  for (let i = 0; i < steps.length; i++) if ((steps[i] as number) * mag <= raw) return (steps[i] as number) * mag;
  return mag;
}

/** The tick labels of a linear axis over [from, to] with about `count` ticks. */
export function tickLabels(from: number, to: number, count: number): string[] {
  const step = tickStep(to - from, count);
  const out: string[] = [];
  for (let t = Math.ceil(from / step) * step; t <= to + 1e-9; t += step) out.push(fmtTick(t, step));
  return out;
}
