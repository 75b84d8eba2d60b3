/**
 * Durations in scenario files and the live config: `500ms`, `30s`, `2m`, `1h` (decimals
 * allowed: `1.5s`), one term of the grammar in src/shared/duration.ts, at most 24h.
 */
import { durationTermMs } from '../shared/duration.ts';

export { durationTermMs };

/** The longest duration a scenario may name (one simulated day). */
export const MAX_DURATION_MS = 24 * 3_600_000;

/** Milliseconds for a duration string, or a one-line reason why it is not one. */
export function parseDuration(text: unknown): { ms: number } | { error: string } {
  if (typeof text !== 'string') {
    return { error: `expected a duration like 500ms, 30s or 2m, got ${describeValue(text)}` };
  }
  const ms = durationTermMs(text);
  if (ms === undefined) return { error: `expected a duration like 500ms, 30s or 2m, got "${text}"` };
  if (ms > MAX_DURATION_MS) return { error: `duration "${text}" is longer than the limit of 24h` };
  return { ms };
}

/** Milliseconds for a duration already validated by the schema. */
export function durationMs(text: string): number {
  const r = parseDuration(text);
  if ('error' in r) throw new RangeError(r.error);
  return r.ms;
}

/** `90000` -> `1m30s`, `500` -> `500ms`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${Number.isInteger(s) ? s : s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  const rest = Math.round(s - m * 60);
  return rest === 0 ? `${m}m` : `${m}m${rest}s`;
}

/** A short description of any value for error messages: `number 3`, `a list`, `null`. */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `"${v.length > 40 ? v.slice(0, 40) + '...' : v}"`;
  return `${typeof v} ${String(v)}`;
}
