/**
 * Durations, a shared word: one grammar for the durations a user writes and one
 * formatter for the durations Go prints. A leaf module: it imports nothing of the project.
 *
 * - A term is a number and a unit: `500ms`, `30s`, `2m`, `1h`, decimals allowed (`1.5s`).
 *   Scenario files and the live config take one term (src/scenarios/duration.ts adds the
 *   scenario's messages and its 24h limit); SmartBFT's options in a scenario's
 *   `topology.smartbft` and in `net up --smartbft` take Go's `time.ParseDuration` form,
 *   terms one after another (`1m30s`).
 * - `goDuration` is Go's `time.Duration.String()`, which Fabric's and SmartBFT's log
 *   lines print (`1m0s`, `20s`, `500ms`).
 */

const TERM = String.raw`(\d+(?:\.\d+)?)(ms|s|m|h)`;
const ONE_TERM = new RegExp(`^${TERM}$`);
const TERMS = new RegExp(`^(?:${TERM})+$`);
const EACH_TERM = new RegExp(TERM, 'g');

/** Milliseconds in one of each unit. */
export const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds for one term, not rounded (`0.1ms` is 0.1; spaces around it ignored), or undefined. */
export function durationTermExactMs(text: string): number | undefined {
  const m = ONE_TERM.exec(text.trim());
  if (m === null) return undefined;
  return Number(m[1]) * (UNIT_MS[m[2] ?? 'ms'] ?? 1);
}

/** Whole milliseconds for one term (`500ms`, `1.5s`, `2m`; spaces around it ignored), or undefined. */
export function durationTermMs(text: string): number | undefined {
  const ms = durationTermExactMs(text);
  return ms === undefined ? undefined : Math.round(ms);
}

/** Go's `time.ParseDuration`, the subset we accept: terms one after another (`500ms`, `10s`, `1m30s`, `2h`). Milliseconds, not rounded. */
export function goDurationMs(text: string): number | undefined {
  if (!TERMS.test(text)) return undefined;
  let ms = 0;
  for (const m of text.matchAll(EACH_TERM)) ms += Number(m[1]) * (UNIT_MS[m[2] ?? 'ms'] ?? 1);
  return ms;
}

/**
 * Go's `time.Duration.String()`: `0s`, `500ms`, `1.6s`, `20s`, `1m0s`, `3m20s`, `1h0m0s`,
 * and a fraction of a millisecond to the nanosecond: `1m0.000412s`.
 */
export function goDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 1000) return `${trimZeros(ms.toFixed(6))}ms`;
  let h: number;
  let m: number;
  let sec: number;
  if (Number.isInteger(ms)) {
    // Whole milliseconds: hours and minutes exactly, then the seconds left.
    h = Math.floor(ms / 3_600_000);
    m = Math.floor((ms % 3_600_000) / 60_000);
    sec = (ms % 60_000) / 1000;
  } else {
    const totalSeconds = ms / 1000;
    h = Math.floor(totalSeconds / 3600);
    m = Math.floor((totalSeconds - h * 3600) / 60);
    sec = totalSeconds - h * 3600 - m * 60;
  }
  const secText = `${trimZeros(sec.toFixed(9))}s`;
  if (h > 0) return `${h}h${m}m${secText}`;
  if (m > 0) return `${m}m${secText}`;
  return secText;
}

function trimZeros(fixed: string): string {
  return fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
}
