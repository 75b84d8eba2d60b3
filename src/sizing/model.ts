/**
 * Orderer sizing, the pure math: for each candidate number of orderers n, what it
 * tolerates, how it fares when a whole zone is lost, how available ordering is, how
 * available endorsement is, and which option to pick for stated requirements.
 *
 * Quorum math is SmartBFT's own (`computeQuorum`, internal/bft/util.go): f = floor((n-1)/3),
 * Q = ceil((n+f+1)/2). Ordering is live while at least Q orderers are up and reachable
 * (prepares, commits, ViewData and NewView all need Q); it is safe while at most f are
 * Byzantine, whatever number are down, because two quorums share 2Q-n >= f+1 nodes. So:
 *
 * - Byzantine faults tolerated = f. Crash faults tolerated (all faults being crashes) =
 *   n - Q. For n = 3f+1 and 3f+2, n - Q = f. For n = 3f+3, Q = 2f+2 and n - Q = f+1:
 *   the two extra nodes buy no Byzantine tolerance but one more crash.
 * - Losing a zone is a crash of every orderer in it: live iff n - lost >= Q; always safe.
 *   Every zone can be lost only if the biggest zone holds <= n - Q orderers, so at least
 *   ceil(n / (n - Q)) zones are needed.
 * - Availability of ordering = P(at least Q orderers up), exact: each zone is up with
 *   probability `zoneAvailability` (independently), each orderer in an up zone with
 *   `nodeAvailability`, so the up count given the set S of up zones is Binomial(N_S, p)
 *   and P(down) = sum over S of P(S) * P(Binomial(N_S, p) < Q). Computed as the
 *   unavailability (no 1 - 0.99999... cancellation).
 * - Endorsement: an org is up if any of its peers is (peers independent, not zoned). The
 *   policy (MAJORITY / ANY / ALL of the orgs) is met with a binomial over orgs. An org's
 *   own gateway answers only if one of its own peers is up (it commits there) and the
 *   policy is met: `orgCanIssue`.
 *
 * Nothing in the recommendation is hard-coded: it is the smallest listed option meeting
 * `tolerate` and `surviveZoneLoss`, and the smallest listed peers-per-org with which an
 * org's gateway is at least as available as ordering.
 */
import { computeQuorum } from '../sim/consensus/quorum.ts';

export type EndorsementPolicy = 'MAJORITY' | 'ANY' | 'ALL';
export const ENDORSEMENT_POLICIES: readonly EndorsementPolicy[] = ['MAJORITY', 'ANY', 'ALL'];

export interface SizingParams {
  /** Candidate orderer counts, e.g. [4, 7, 10, 13]. */
  readonly orderers: readonly number[];
  /** Spread orderers round-robin (consenter order) over this many zones. */
  readonly zones?: number;
  /** Explicit orderers per zone, e.g. [3, 2, 2]; its sum must equal every candidate n. */
  readonly placement?: readonly number[];
  /** Probability one orderer is up (given its zone is). */
  readonly nodeAvailability: number;
  /** Probability one zone is up (a whole-zone outage takes every node in it down). */
  readonly zoneAvailability: number;
  /** Probability one peer is up. */
  readonly peerAvailability: number;
  readonly peersPerOrg: readonly number[];
  readonly orgs: number;
  readonly policy: EndorsementPolicy;
  /** Byzantine faults the ordering service must tolerate (default 1). */
  readonly tolerate: number;
  readonly surviveZoneLoss: boolean;
}

/**
 * Defaults. zoneAvailability 0.9999 is an assumption (about 53 minutes of whole-zone
 * outage a year), not a provider's figure: pass your own.
 */
export const SIZING_DEFAULTS = {
  orderers: [4, 7, 10, 13],
  zones: 1,
  nodeAvailability: 0.999,
  zoneAvailability: 0.9999,
  peersPerOrg: [1, 2],
  orgs: 3,
  policy: 'MAJORITY' as EndorsementPolicy,
  tolerate: 1,
  surviveZoneLoss: false,
} as const;

export interface ZoneLoss {
  /** 1-based zone number. */
  readonly zone: number;
  readonly lost: number;
  readonly left: number;
  /** At least Q orderers left: ordering goes on. */
  readonly live: boolean;
  /** No two different blocks can be decided at one height (crashes never break this). */
  readonly safe: boolean;
  /** Further crashes the survivors can absorb and stay live (negative: short by that many). */
  readonly margin: number;
}

export interface Availability {
  /** P(at least Q up) with node failures only. */
  readonly nodesOnly: number;
  /** P(at least Q up) with node failures and zone outages. */
  readonly withZoneOutages: number;
  /** 1 - withZoneOutages, computed directly. */
  readonly unavailability: number;
  /** -log10(unavailability): 5.2 means "five nines and a bit". */
  readonly nines: number;
  /** Expected minutes a year without ordering. */
  readonly downtimeMinutesPerYear: number;
}

export type Shape = '3f+1' | '3f+2' | '3f+3';

export interface OrdererOption {
  readonly n: number;
  readonly f: number;
  readonly q: number;
  readonly byzantineTolerated: number;
  readonly crashTolerated: number;
  readonly shape: Shape;
  /** One sentence on what this n buys compared with 3f+1. */
  readonly shapeNote: string;
  /** Orderers per zone. */
  readonly placement: readonly number[];
  readonly zoneLoss: readonly ZoneLoss[];
  readonly survivesAnyZoneLoss: boolean;
  /** Fewest zones (round-robin) with which any one can be lost; null if n - Q = 0. */
  readonly zonesNeededForZoneLoss: number | null;
  readonly availability: Availability;
  /** Whether it meets every requirement asked (`requirements`). */
  readonly meets: boolean;
  /** Why this option does or does not meet the requirements. */
  readonly verdict: string;
  /** Each requirement asked, in order, and whether this option meets it. */
  readonly requirements: readonly RequirementCheck[];
  /** Short names of the requirements it fails (`f 1<2`, `z1 loss halts`); empty when it meets them all. */
  readonly failed: readonly string[];
}

/**
 * One requirement the flags asked for: `tolerate` (f >= --tolerate, always asked, default 1)
 * and `zone-loss` (only with --survive-zone-loss).
 */
export interface RequirementCheck {
  readonly id: 'tolerate' | 'zone-loss';
  readonly met: boolean;
  /** Short, for the table: `f 1<2`, `z1 loss halts`. */
  readonly short: string;
  /** One clause: why it is met or not. */
  readonly detail: string;
}

export interface EndorsementRow {
  readonly peersPerOrg: number;
  /** P(an org has at least one peer up). */
  readonly orgUp: number;
  /** P(the endorsement policy can be satisfied). */
  readonly policyMet: number;
  /** P(an org's own gateway can issue: one of its peers up and the policy met). */
  readonly orgCanIssue: number;
  readonly orgCanIssueNines: number;
}

export interface Recommendation {
  readonly orderers: number | null;
  readonly placement: readonly number[] | null;
  readonly peersPerOrg: number | null;
  readonly reason: string;
  readonly peersReason: string;
}

export interface SizingReport {
  readonly params: SizingParams;
  readonly zoneCount: number;
  readonly options: readonly OrdererOption[];
  readonly endorsement: readonly EndorsementRow[];
  readonly recommendation: Recommendation;
}

export const MINUTES_PER_YEAR = 365.25 * 24 * 60;
const MAX_ZONES = 16;
const MAX_ORDERERS = 100;
const MAX_SEARCH_N = 64;

function fail(message: string): never {
  throw new RangeError(message);
}

function checkProbability(p: number, name: string): void {
  if (!(typeof p === 'number' && p >= 0 && p <= 1)) fail(`${name} must be a probability in [0, 1], got ${String(p)}`);
}

function checkCount(v: number, name: string, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max) fail(`${name} must be an integer from ${min} to ${max}, got ${String(v)}`);
}

/** Validate parameters; throws one RangeError naming the first bad value. */
export function validateParams(p: SizingParams): void {
  if (p.orderers.length === 0) fail('--orderers needs at least one orderer count');
  for (const n of p.orderers) checkCount(n, '--orderers', 1, MAX_ORDERERS);
  if (p.zones !== undefined && p.placement !== undefined) fail('give either --zones or --placement, not both');
  if (p.zones !== undefined) checkCount(p.zones, '--zones', 1, MAX_ZONES);
  if (p.placement !== undefined) {
    if (p.placement.length === 0 || p.placement.length > MAX_ZONES) fail(`--placement needs 1 to ${MAX_ZONES} zones`);
    for (const k of p.placement) checkCount(k, '--placement', 0, MAX_ORDERERS);
    const total = p.placement.reduce((a, b) => a + b, 0);
    for (const n of p.orderers) {
      if (n !== total) fail(`--placement ${p.placement.join(',')} places ${total} orderers but --orderers asks for ${n}`);
    }
  }
  checkProbability(p.nodeAvailability, '--node-availability');
  checkProbability(p.zoneAvailability, '--zone-availability');
  checkProbability(p.peerAvailability, '--peer-availability');
  if (p.peersPerOrg.length === 0) fail('--peers-per-org needs at least one value');
  for (const k of p.peersPerOrg) checkCount(k, '--peers-per-org', 1, 20);
  checkCount(p.orgs, '--orgs', 1, 50);
  if (!ENDORSEMENT_POLICIES.includes(p.policy)) fail(`--policy must be one of ${ENDORSEMENT_POLICIES.join(', ')}, got ${String(p.policy)}`);
  checkCount(p.tolerate, '--tolerate', 0, 33);
}

/** Orderers per zone when n orderers (in consenter order) are dealt round-robin over z zones. */
export function roundRobin(n: number, zones: number): number[] {
  return Array.from({ length: zones }, (_, z) => Math.max(0, Math.ceil((n - z) / zones)));
}

/** The zone (0-based) of consenter index i (0-based) under round-robin over z zones. */
export function zoneOfIndex(i: number, zones: number): number {
  return i % zones;
}

/** P(Binomial(m, p) < k): the chance that fewer than k of m independent nodes are up. */
export function binomialBelow(m: number, p: number, k: number): number {
  if (k <= 0) return 0;
  if (k > m) return 1;
  let sum = 0;
  let c = 1; // C(m, j)
  for (let j = 0; j < k; j++) {
    sum += c * p ** j * (1 - p) ** (m - j);
    c = (c * (m - j)) / (j + 1);
  }
  return Math.min(1, sum);
}

/** P(fewer than q orderers up) given orderers per zone, node and zone availability. */
export function orderingUnavailability(placement: readonly number[], q: number, node: number, zone: number): number {
  const z = placement.length;
  let total = 0;
  for (let mask = 0; mask < 1 << z; mask++) {
    let pS = 1;
    let upNodes = 0;
    for (let i = 0; i < z; i++) {
      if (mask & (1 << i)) {
        pS *= zone;
        upNodes += placement[i] ?? 0;
      } else {
        pS *= 1 - zone;
      }
    }
    if (pS === 0) continue;
    total += pS * binomialBelow(upNodes, node, q);
  }
  return Math.min(1, total);
}

function nines(unavailability: number): number {
  return unavailability <= 0 ? Infinity : -Math.log10(unavailability);
}

function shapeOf(n: number, f: number): Shape {
  const r = n - 3 * f;
  return r <= 1 ? '3f+1' : r === 2 ? '3f+2' : '3f+3';
}

function shapeNote(n: number, f: number, q: number): string {
  switch (shapeOf(n, f)) {
    case '3f+1':
      return `n = 3f+1: the fewest orderers for f = ${f}`;
    case '3f+2':
      return `n = 3f+2: same f = ${f} and same crash tolerance as n = ${n - 1}, with a bigger quorum (${q}) and more messages`;
    case '3f+3':
      return `n = 3f+3: same f = ${f} as n = ${n - 2} (no more Byzantine tolerance); Q = ${q} = n-f-1, so one more crash (${n - q}) is tolerated`;
  }
}

/** Orderers per zone for candidate n under the parameters. */
export function placementFor(n: number, p: Pick<SizingParams, 'zones' | 'placement'>): number[] {
  if (p.placement !== undefined) return p.placement.slice();
  return roundRobin(n, p.zones ?? SIZING_DEFAULTS.zones);
}

function zonesNeeded(n: number, q: number): number | null {
  const spare = n - q;
  return spare <= 0 ? null : Math.ceil(n / spare);
}

/** Everything about one candidate n except the verdict. */
function describeOption(n: number, p: SizingParams): Omit<OrdererOption, 'meets' | 'verdict' | 'requirements' | 'failed'> {
  const { f, q } = computeQuorum(n);
  const placement = placementFor(n, p);
  const zoneLoss: ZoneLoss[] = placement.map((lost, i) => ({
    zone: i + 1,
    lost,
    left: n - lost,
    live: n - lost >= q,
    safe: true,
    margin: n - lost - q,
  }));
  const nodesOnly = binomialBelow(n, p.nodeAvailability, q);
  const unavailability = orderingUnavailability(placement, q, p.nodeAvailability, p.zoneAvailability);
  return {
    n,
    f,
    q,
    byzantineTolerated: f,
    crashTolerated: n - q,
    shape: shapeOf(n, f),
    shapeNote: shapeNote(n, f, q),
    placement,
    zoneLoss,
    survivesAnyZoneLoss: zoneLoss.every((z) => z.live),
    zonesNeededForZoneLoss: zonesNeeded(n, q),
    availability: {
      nodesOnly: 1 - nodesOnly,
      withZoneOutages: 1 - unavailability,
      unavailability,
      nines: nines(unavailability),
      downtimeMinutesPerYear: unavailability * MINUTES_PER_YEAR,
    },
  };
}

/** The requirements asked (the flags given) and how option o fares against each. */
export function requirementChecks(o: Omit<OrdererOption, 'meets' | 'verdict' | 'requirements' | 'failed'>, p: Pick<SizingParams, 'tolerate' | 'surviveZoneLoss'>): RequirementCheck[] {
  const out: RequirementCheck[] = [];
  const fOk = o.f >= p.tolerate;
  out.push({
    id: 'tolerate',
    met: fOk,
    short: fOk ? `f ${o.f}>=${p.tolerate}` : `f ${o.f}<${p.tolerate}`,
    detail: fOk ? `f = ${o.f} >= ${p.tolerate}` : `tolerates f = ${o.f} < ${p.tolerate} Byzantine`,
  });
  if (p.surviveZoneLoss) {
    const worst = o.zoneLoss.reduce((a, b) => (b.lost > a.lost ? b : a));
    out.push({
      id: 'zone-loss',
      met: o.survivesAnyZoneLoss,
      short: o.survivesAnyZoneLoss ? 'any zone loss ok' : `z${worst.zone} loss halts`,
      detail: o.survivesAnyZoneLoss ? `every zone loss leaves >= Q = ${o.q}` : `losing zone ${worst.zone} (${worst.lost} of ${o.n}) leaves ${worst.left} < Q = ${o.q}`,
    });
  }
  return out;
}

function verdictOf(o: Omit<OrdererOption, 'meets' | 'verdict' | 'requirements' | 'failed'>, p: SizingParams): Pick<OrdererOption, 'meets' | 'verdict' | 'requirements' | 'failed'> {
  const requirements = requirementChecks(o, p);
  const failing = requirements.filter((r) => !r.met);
  const meets = failing.length === 0;
  return {
    meets,
    verdict: (meets ? requirements : failing).map((r) => r.detail).join(meets ? ', ' : '; '),
    requirements,
    failed: failing.map((r) => r.short),
  };
}

function policyNeeds(policy: EndorsementPolicy, orgs: number): number {
  switch (policy) {
    case 'ANY':
      return 1;
    case 'ALL':
      return orgs;
    case 'MAJORITY':
      return Math.floor(orgs / 2) + 1;
  }
}

/** Endorsement availability for k peers per org. */
export function endorsementRow(k: number, orgs: number, policy: EndorsementPolicy, peer: number): EndorsementRow {
  const orgDown = (1 - peer) ** k;
  const orgUp = 1 - orgDown;
  const need = policyNeeds(policy, orgs);
  const policyMet = 1 - binomialBelow(orgs, orgUp, need);
  // Own org up, and at least need-1 of the others.
  const othersShort = binomialBelow(orgs - 1, orgUp, need - 1);
  const cannot = orgDown + orgUp * othersShort;
  return { peersPerOrg: k, orgUp, policyMet, orgCanIssue: 1 - cannot, orgCanIssueNines: nines(cannot) };
}

function fmtP(x: number): string {
  if (x >= 1) return '1';
  const d = Math.min(12, Math.max(3, Math.ceil(-Math.log10(1 - x)) + 1));
  return x.toFixed(d);
}

/** The smallest n (beyond the list) meeting the requirements with the same zone spreading, if any. */
function smallestBeyond(p: SizingParams): { n: number; placement: readonly number[] } | null {
  if (p.placement !== undefined) return null;
  for (let n = 1; n <= MAX_SEARCH_N; n++) {
    const o = describeOption(n, p);
    if (verdictOf(o, p).meets) return { n, placement: o.placement };
  }
  return null;
}

function recommend(options: readonly OrdererOption[], endorsement: readonly EndorsementRow[], p: SizingParams, zoneCount: number): Recommendation {
  const wants = [`tolerate f >= ${p.tolerate} Byzantine`];
  if (p.surviveZoneLoss) wants.push(`survive the loss of any one of ${zoneCount} zone${zoneCount === 1 ? '' : 's'}`);
  const listed = options.map((o) => o.n).join(',');
  const pick = options.filter((o) => o.meets).sort((a, b) => a.n - b.n)[0];
  let reason: string;
  if (pick !== undefined) {
    reason =
      `${pick.n} orderers (${pick.placement.join(',')}): the smallest of ${listed} that can ${wants.join(' and ')}` +
      ` (f = ${pick.f}, Q = ${pick.q}` +
      (p.surviveZoneLoss ? `, biggest zone ${Math.max(...pick.placement)} <= n-Q = ${pick.crashTolerated})` : ')') +
      `; ordering availability ${fmtP(pick.availability.withZoneOutages)}.`;
  } else {
    const beyond = smallestBeyond(p);
    reason = `none of ${listed} can ${wants.join(' and ')}.`;
    if (beyond !== null) reason += ` The smallest n that can is ${beyond.n} (${beyond.placement.join(',')}).`;
    if (p.surviveZoneLoss && zoneCount === 1) reason += ' With one zone, losing it stops every orderer: spread orderers over zones (--zones).';
    else if (p.surviveZoneLoss) {
      const needs = options.map((o) => `${o.n} needs ${o.zonesNeededForZoneLoss ?? 'more than n'} zones`).join(', ');
      reason += ` To survive a zone loss round-robin: ${needs}.`;
    }
  }

  const target = (pick ?? options[0])?.availability.withZoneOutages ?? 0;
  const sorted = endorsement.slice().sort((a, b) => a.peersPerOrg - b.peersPerOrg);
  const peerPick = sorted.find((e) => e.orgCanIssue >= target);
  let peersReason: string;
  const first = sorted[0];
  if (peerPick === undefined) {
    const best = sorted[sorted.length - 1];
    peersReason = `even ${best?.peersPerOrg ?? 0} peers per org leave an org's gateway (${fmtP(best?.orgCanIssue ?? 0)}) less available than ordering (${fmtP(target)}): add peers.`;
  } else if (first !== undefined && peerPick.peersPerOrg !== first.peersPerOrg) {
    peersReason =
      `${peerPick.peersPerOrg} peers per org: with ${first.peersPerOrg}, an org's gateway (it needs one of its own peers, then ${p.policy} of ${p.orgs} orgs) ` +
      `is up ${fmtP(first.orgCanIssue)}, below ordering's ${fmtP(target)}; with ${peerPick.peersPerOrg} it is ${fmtP(peerPick.orgCanIssue)}.`;
  } else {
    peersReason = `${peerPick.peersPerOrg} peer${peerPick.peersPerOrg === 1 ? '' : 's'} per org: an org's gateway is up ${fmtP(peerPick.orgCanIssue)}, at least ordering's ${fmtP(target)}.`;
  }
  return {
    orderers: pick?.n ?? null,
    placement: pick?.placement ?? null,
    peersPerOrg: peerPick?.peersPerOrg ?? null,
    reason,
    peersReason,
  };
}

/** The whole sizing table for the parameters. Throws a one-line RangeError on bad input. */
export function computeSizing(params: SizingParams): SizingReport {
  validateParams(params);
  const zoneCount = params.placement?.length ?? params.zones ?? SIZING_DEFAULTS.zones;
  const options = params.orderers.map((n) => {
    const o = describeOption(n, params);
    return { ...o, ...verdictOf(o, params) };
  });
  const endorsement = params.peersPerOrg.map((k) => endorsementRow(k, params.orgs, params.policy, params.peerAvailability));
  return { params, zoneCount, options, endorsement, recommendation: recommend(options, endorsement, params, zoneCount) };
}

export { fmtP as formatProbability };
