/**
 * What dominates ordering availability: the choice of n, or the time a leader crash stops
 * ordering. Pure: the sizing report and the measured recovery times in, one sentence and
 * its numbers out; nothing here is a fixed string about which one wins.
 *
 * The `down/yr` column counts only the time fewer than Q orderers are up. A crash of the
 * leader also stops ordering while Q are up, until a view change installs the next leader:
 * the measured recovery time (heartbeat path when the cluster is idle, complaint path when a
 * request is waiting). There is one leader at a time, so leader crashes come at the rate one
 * orderer crashes, the same for every n: with node availability A and a mean time to repair
 * (MTTR), a node fails (1 - A) * year / MTTR times a year (A = MTBF / (MTBF + MTTR)).
 * Zone outages that take the leader with them are not counted (their rate is not given).
 *
 * Recovery dominates when even the complaint-path downtime a year exceeds the whole spread
 * of `down/yr` over the listed sizes; n dominates when even the heartbeat-path downtime is
 * below it; otherwise it depends on the path.
 */
import type { Measured } from './measure.ts';
import { MINUTES_PER_YEAR, type SizingReport } from './model.ts';

export interface Dominance {
  /** `recovery`: leader-crash recovery outweighs n; `size`: n does; `path`: it depends on the path. */
  readonly verdict: 'recovery' | 'size' | 'path';
  readonly nodeMttrMs: number;
  /** Crashes of one orderer (so of the leader) a year. */
  readonly leaderCrashesPerYear: number;
  /** Slowest and fastest measured recovery over the sizes, each path, ms. */
  readonly heartbeatMs: { readonly min: number; readonly max: number };
  readonly complainMs: { readonly min: number; readonly max: number };
  /** Minutes a year without ordering because of leader crashes, each path (its slowest n). */
  readonly heartbeatMinutesPerYear: number;
  readonly complainMinutesPerYear: number;
  /** Biggest minus smallest down/yr over the sizes that meet the requirements (all sizes when fewer than two do), and which sizes those are. */
  readonly sizeSpreadMinutesPerYear: number;
  readonly worst: { readonly n: number; readonly minutesPerYear: number };
  readonly best: { readonly n: number; readonly minutesPerYear: number };
  readonly sentence: string;
}

function minutes(x: number): string {
  return x >= 10 ? x.toFixed(0) : x >= 1 ? x.toFixed(1) : x.toFixed(2);
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function duration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/**
 * The dominance sentence, or null when a size has no measured recovery (not measured, or a
 * path that did not recover within the limit) or the report lists no size.
 */
export function availabilityDominance(report: SizingReport, measured: ReadonlyMap<number, Measured>, nodeMttrMs: number): Dominance | null {
  if (report.options.length === 0 || !(nodeMttrMs > 0)) return null;
  const hb: number[] = [];
  const cp: number[] = [];
  for (const o of report.options) {
    const m = measured.get(o.n);
    if (m === undefined || m.recoverHeartbeatMs === null || m.recoverComplainMs === null) return null;
    hb.push(m.recoverHeartbeatMs);
    cp.push(m.recoverComplainMs);
  }
  const nodeMttrMinutes = nodeMttrMs / 60_000;
  const crashes = ((1 - report.params.nodeAvailability) * MINUTES_PER_YEAR) / nodeMttrMinutes;
  const heartbeatMs = { min: Math.min(...hb), max: Math.max(...hb) };
  const complainMs = { min: Math.min(...cp), max: Math.max(...cp) };
  const hbMin = (crashes * heartbeatMs.max) / 60_000;
  const cpMin = (crashes * complainMs.max) / 60_000;
  // The choice is among the sizes that meet the requirements, when two or more do.
  const meeting = report.options.filter((o) => o.meets);
  const among = meeting.length >= 2 ? meeting : report.options;
  const byDown = among.map((o) => ({ n: o.n, minutesPerYear: o.availability.downtimeMinutesPerYear }));
  const worst = byDown.reduce((a, b) => (b.minutesPerYear > a.minutesPerYear ? b : a));
  const best = byDown.reduce((a, b) => (b.minutesPerYear < a.minutesPerYear ? b : a));
  const spread = worst.minutesPerYear - best.minutesPerYear;
  const verdict: Dominance['verdict'] = cpMin > spread ? 'recovery' : hbMin < spread ? 'size' : 'path';

  const flat = heartbeatMs.max - heartbeatMs.min < 100 && complainMs.max - complainMs.min < 100;
  const span = (r: { min: number; max: number }): string => (r.max - r.min < 100 ? seconds(r.max) : `${(r.min / 1000).toFixed(1)}-${seconds(r.max)}`);
  const stops = `a leader crash stops ordering for ${span(complainMs)} (complaint path) to ${span(heartbeatMs)} (heartbeat path)${flat ? ' at every n' : ', depending on n'}`;
  const rate = `${crashes.toFixed(1)} leader crashes a year (node availability ${report.params.nodeAvailability}, repair time ${duration(nodeMttrMs)}: --node-mttr)`;
  const cost = `${minutes(cpMin)} to ${minutes(hbMin)} min/yr without ordering, not counted in down/yr`;
  const which = meeting.length >= 2 && meeting.length < report.options.length ? 'the sizes that meet the requirements' : 'the sizes';
  const differ = `${which} differ by ${minutes(spread)} min/yr in down/yr (${minutes(worst.minutesPerYear)} at n = ${worst.n}, ${minutes(best.minutesPerYear)} at n = ${best.n})`;
  let sentence: string;
  if (report.options.length === 1) sentence = `Leader-crash recovery: ${stops}; at ${rate} that is ${cost} (${minutes(worst.minutesPerYear)} min/yr for n = ${worst.n}).`;
  else if (verdict === 'recovery') sentence = `What dominates availability: leader-crash recovery, more than n. ${cap(stops)}; at ${rate} that is ${cost}, more than the ${minutes(spread)} min/yr by which ${differ.replace(/ differ by [^(]*/, ' differ ')}.`;
  else if (verdict === 'size') sentence = `What dominates availability: the choice of n, more than leader-crash recovery. ${cap(differ)}, more than leader crashes cost: ${cost}; ${stops}, at ${rate}.`;
  else sentence = `What dominates availability depends on the path: ${stops}; at ${rate} that is ${cost}; ${differ}: more than the complaint path costs, less than the heartbeat path.`;
  return {
    verdict,
    nodeMttrMs,
    leaderCrashesPerYear: crashes,
    heartbeatMs,
    complainMs,
    heartbeatMinutesPerYear: hbMin,
    complainMinutesPerYear: cpMin,
    sizeSpreadMinutesPerYear: spread,
    worst,
    best,
    sentence,
  };
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
