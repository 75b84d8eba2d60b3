/**
 * The measured columns of the sizing table: short deterministic runs of the real SmartBFT
 * consenter (src/sim/smartbft, Fabric defaults) on the kernel, one seed for all.
 *
 * Network: orderer i (consenter order) sits in the zone the placement gives it (consecutive
 * for an explicit placement, round-robin for `--zones`); a message takes half the RTT of
 * its link, +-10% uniform. The leader of view 0 is consenter 1, in zone 1.
 *
 * - Messages per decision: every orderer-to-orderer message while the cluster orders a
 *   light stream of requests, divided by the decisions. What the consenter sends per
 *   decision with no faults: PrePrepare n-1 (leader to the others) + Prepare n(n-1) +
 *   Commit n(n-1), plus the commits that arrive after a node has decided: each node
 *   decides on Q-1 commits from others, and answers each of the n-Q late ones with an
 *   "assist" re-send of its own commit (View.handlePrevSeqMessage), n(n-Q) in all. Total
 *   (n-1)(2n+1) + n(n-Q) when links are uniform; across zones, late prepares draw assists too.
 * - Decision latency: from a request's submission (to every orderer, as Fabric's gateway
 *   does) until Q orderers have delivered its block; p50/p99 over a light stream.
 * - Throughput at saturation: RequestPoolSize/2 requests always waiting at every orderer
 *   (one replaced per one decided; half, so that a replacement still fits in the pool of an
 *   orderer that has not yet delivered); decisions and requests per simulated second.
 *   Each orderer handles one message at a time at `cpuPerMessageMs` a message (the kernel's
 *   processing cost, ~ one signature check); no disk or bandwidth cost is modelled. With a
 *   CPU cost, latency grows with n: the leader checks n-1 prepares and n-1 commits a block.
 * - Leader crash, heartbeat path: an idle cluster, the leader crashes right after a
 *   decision; time until Q orderers run the next view (LeaderHeartbeatTimeout, then the
 *   view change).
 * - Leader crash, complain path: the leader crashes and a request arrives at once; time
 *   until Q orderers have delivered it (RequestForwardTimeout + RequestComplainTimeout,
 *   then the view change and the new leader's proposal).
 * - Certificate latency, end to end: the Fabric model (`SimCluster`, src/sim/fabric) with
 *   these orderers and zones (put in after the channel set-up), org k's peers and gateway in
 *   zone (k mod zones)+1, the default endorsement policy; `POST /api/v1/certificates` one after another through
 *   the orgs in turn, from the gateway's request to its answer (endorse, order, commit on
 *   the org's own peer); p50.
 */
import { SimCluster } from '../sim/cluster/sim-cluster.ts';
import { buildTopology, DEFAULT_ORGS } from '../sim/fabric/topology.ts';
import { latencyOfRtt, Simulation, type LatencyDist, type NetworkConfig } from '../sim/kernel/index.ts';
import type { Request } from '../sim/consensus/types.ts';
import { createConsenter } from '../sim/smartbft/api.ts';
import { computeQuorum } from '../sim/consensus/quorum.ts';
import type { ConsenterState } from '../sim/smartbft/state.ts';

export interface MeasureSetup {
  readonly seed: number;
  readonly rttInZoneMs: number;
  readonly rttAcrossZonesMs: number;
  /** CPU cost of handling one message on an orderer (kernel `processing`), ms; default 0. */
  readonly cpuPerMessageMs?: number;
}

export interface Measured {
  readonly n: number;
  readonly messagesPerDecision: number;
  /** The no-fault formula's value for n, and its text. */
  readonly formulaValue: number;
  readonly messageFormula: string;
  /** Messages per decision by type. */
  readonly messagesByType: Readonly<Record<string, number>>;
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
  /** Gateway request -> answer (endorse, order, commit) in the Fabric model, p50; null if none succeeded. */
  readonly certificateLatencyMs: number | null;
  readonly decisionsPerSecond: number;
  readonly requestsPerSecond: number;
  readonly recoverHeartbeatMs: number | null;
  readonly recoverComplainMs: number | null;
  /** Trace hashes of the runs: the measured figures' identity for this seed. */
  readonly traceHashes: readonly string[];
  readonly notes: readonly string[];
}

const LIGHT_REQUESTS = 60;
const CERTIFICATES = 12;
const SATURATION_DECISIONS = 8;
const RECOVERY_LIMIT_MS = 300_000;

/** (n-1)(2n+1) + n(n-Q): PrePrepare + Prepare + Commit + commit assists, uniform links, no faults. */
export function messagesPerDecisionFormula(n: number): number {
  const { q } = computeQuorum(n);
  return (n - 1) * (2 * n + 1) + n * (n - q);
}

/** Zone index (0-based) of each consenter, in consenter order. */
export function zoneAssignment(placement: readonly number[], roundRobin: boolean): number[] {
  const n = placement.reduce((a, b) => a + b, 0);
  if (roundRobin) return Array.from({ length: n }, (_, i) => i % placement.length);
  const out: number[] = [];
  placement.forEach((k, z) => {
    for (let i = 0; i < k; i++) out.push(z);
  });
  return out;
}

const halfRtt = latencyOfRtt;

interface Cluster {
  readonly sim: Simulation;
  readonly names: readonly string[];
  readonly q: number;
  state(name: string): ConsenterState | undefined;
}

function cluster(n: number, zones: readonly number[], setup: MeasureSetup, seedSalt: number): Cluster {
  const names = Array.from({ length: n }, (_, i) => `orderer${i + 1}`);
  const nodes = names.map((name, i) => ({ id: i + 1, name }));
  const zoneOf: Record<string, string> = {};
  names.forEach((nm, i) => (zoneOf[nm] = `zone${(zones[i] ?? 0) + 1}`));
  const zoneNames = [...new Set(Object.values(zoneOf))];
  const zoneLatency: Record<string, LatencyDist> = {};
  for (const a of zoneNames) for (const b of zoneNames) if (a < b) zoneLatency[`${a}->${b}`] = halfRtt(setup.rttAcrossZonesMs);
  const network: NetworkConfig = { latency: halfRtt(setup.rttInZoneMs), zones: zoneOf, zoneLatency };
  const cpu = setup.cpuPerMessageMs ?? 0;
  const sim = new Simulation({ seed: setup.seed * 1000 + seedSalt, network, ...(cpu > 0 ? { processing: { perMessageMs: cpu } } : {}) });
  for (const nd of nodes) sim.addNode(nd.name, createConsenter({ id: nd.id, nodes, events: 'facts' }));
  return { sim, names, q: computeQuorum(n).q, state: (nm) => sim.state<ConsenterState>(nm) };
}

/** Calls `onQuorum(seq, at)` when the Q-th orderer delivers block seq through consensus or sync. */
function watchQuorumDelivery(c: Cluster, onQuorum: (seq: number, at: number, by: string) => void): void {
  const count = new Map<number, number>();
  c.sim.observe((r) => {
    if (r.k !== 'event') return;
    const e = r.e as { type?: string; seq?: number };
    if (e.type !== 'bft.decided' || e.seq === undefined) return;
    const k = (count.get(e.seq) ?? 0) + 1;
    count.set(e.seq, k);
    if (k === c.q) onQuorum(e.seq, r.t, r.node);
  }, ['event']);
}

function submitAll(c: Cluster, r: Request): void {
  for (const nm of c.names) if (c.sim.isUp(nm)) c.sim.command(nm, { type: 'submit', request: r });
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[i] as number;
}

function payloadOf(c: Cluster, by: string, seq: number): readonly Request[] {
  return c.state(by)?.ledger[seq - 1]?.proposal.payload ?? [];
}

/** Light stream: latency percentiles and messages per decision. */
function lightStream(n: number, zones: readonly number[], setup: MeasureSetup): { p50: number; p99: number; perDecision: number; byType: Record<string, number>; hash: string } {
  const c = cluster(n, zones, setup, 1);
  const submittedAt = new Map<string, number>();
  const latencies: number[] = [];
  let decisions = 0;
  watchQuorumDelivery(c, (seq, at, by) => {
    decisions++;
    for (const r of payloadOf(c, by, seq)) {
      const t0 = submittedAt.get(r.reqId);
      if (t0 !== undefined) latencies.push(at - t0);
    }
  });
  const sent: Record<string, number> = {};
  let counting = false;
  c.sim.observe((r) => {
    if (counting && r.k === 'send') {
      const type = r.m.split(' ')[0] ?? r.m;
      sent[type] = (sent[type] ?? 0) + 1;
    }
  }, ['send']);
  const load = c.sim.rng.fork('sizing/load');
  let t = 1_000;
  for (let i = 0; i < LIGHT_REQUESTS; i++) {
    const reqId = `light-${i}`;
    c.sim.at(t, () => {
      submittedAt.set(reqId, c.sim.now);
      submitAll(c, { clientId: 'sizing', reqId, size: 1_000, payload: i });
    });
    t += 150 + load.float() * 100 + 2 * setup.rttAcrossZonesMs;
  }
  c.sim.at(1_000, () => {
    counting = true;
  });
  c.sim.run({ until: t + 5_000, stopWhen: () => latencies.length >= LIGHT_REQUESTS });
  // Let the last decision's late votes and assists go out before counting.
  c.sim.run({ until: c.sim.now + 1_000 });
  counting = false;
  const sorted = latencies.slice().sort((a, b) => a - b);
  const total = Object.values(sent).reduce((a, b) => a + b, 0);
  const byType: Record<string, number> = {};
  for (const k of Object.keys(sent).sort()) byType[k] = (sent[k] ?? 0) / Math.max(1, decisions);
  return { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), perDecision: total / Math.max(1, decisions), byType, hash: c.sim.trace.hash() };
}

/** Pool kept full: decisions and requests per simulated second. */
function saturation(n: number, zones: readonly number[], setup: MeasureSetup): { decisionsPerSecond: number; requestsPerSecond: number; hash: string } {
  const c = cluster(n, zones, setup, 2);
  const poolSize = c.state(c.names[0] as string)?.config.RequestPoolSize ?? 400;
  let next = 0;
  const submit = (): void => submitAll(c, { clientId: 'sizing', reqId: `sat-${next++}`, size: 1_000, payload: null });
  const marks: { at: number; requests: number }[] = [];
  let requests = 0;
  watchQuorumDelivery(c, (seq, at, by) => {
    const k = payloadOf(c, by, seq).length;
    requests += k;
    marks.push({ at, requests });
    for (let i = 0; i < k; i++) submit();
  });
  // Half the pool: a replacement submitted when Q orderers delivered must still fit at an
  // orderer that has not yet removed the decided requests from its pool.
  c.sim.at(1_000, () => {
    for (let i = 0; i < Math.floor(poolSize / 2); i++) submit();
  });
  c.sim.run({ until: 120_000, stopWhen: () => marks.length >= SATURATION_DECISIONS + 2 });
  // Skip the first two decisions (the pool filling up, the leader's first batch timer).
  const first = marks[1];
  const last = marks[marks.length - 1];
  if (first === undefined || last === undefined || last.at <= first.at) return { decisionsPerSecond: 0, requestsPerSecond: 0, hash: c.sim.trace.hash() };
  const seconds = (last.at - first.at) / 1000;
  return { decisionsPerSecond: (marks.length - 2) / seconds, requestsPerSecond: (last.requests - first.requests) / seconds, hash: c.sim.trace.hash() };
}

function viewStartedOnQuorum(c: Cluster, minView: number): () => number | undefined {
  const started = new Map<number, Set<string>>();
  let at: number | undefined;
  c.sim.observe((r) => {
    if (at !== undefined || r.k !== 'event') return;
    const e = r.e as { type?: string; view?: number };
    if (e.type !== 'bft.viewStarted' || e.view === undefined || e.view < minView) return;
    const set = started.get(e.view) ?? new Set<string>();
    set.add(r.node);
    started.set(e.view, set);
    if (set.size >= c.q) at = r.t;
  }, ['event']);
  return () => at;
}

/** Idle cluster, leader crashes right after a decision: time until Q orderers run the next view. */
function recoverByHeartbeat(n: number, zones: readonly number[], setup: MeasureSetup): { ms: number | null; hash: string } {
  const c = cluster(n, zones, setup, 3);
  let decidedAt: number | undefined;
  watchQuorumDelivery(c, (_seq, at) => {
    decidedAt ??= at;
  });
  c.sim.at(1_000, () => submitAll(c, { clientId: 'sizing', reqId: 'warm', size: 1_000, payload: null }));
  c.sim.run({ until: 30_000, stopWhen: () => decidedAt !== undefined && c.names.every((nm) => (c.state(nm)?.ledger.length ?? 0) >= 1) });
  const leader = c.names[0] as string;
  c.sim.crash(leader);
  const crashedAt = c.sim.now;
  const newView = viewStartedOnQuorum(c, 1);
  c.sim.run({ until: crashedAt + RECOVERY_LIMIT_MS, stopWhen: () => newView() !== undefined });
  const at = newView();
  return { ms: at === undefined ? null : at - crashedAt, hash: c.sim.trace.hash() };
}

/** Leader crashes and a request arrives at once: time until Q orderers have delivered it. */
function recoverByComplaint(n: number, zones: readonly number[], setup: MeasureSetup): { ms: number | null; hash: string } {
  const c = cluster(n, zones, setup, 4);
  c.sim.run({ until: 2_000 });
  c.sim.crash(c.names[0] as string);
  const crashedAt = c.sim.now;
  let deliveredAt: number | undefined;
  watchQuorumDelivery(c, (seq, at, by) => {
    if (payloadOf(c, by, seq).some((r) => r.reqId === 'after-crash')) deliveredAt ??= at;
  });
  submitAll(c, { clientId: 'sizing', reqId: 'after-crash', size: 1_000, payload: null });
  c.sim.run({ until: crashedAt + RECOVERY_LIMIT_MS, stopWhen: () => deliveredAt !== undefined });
  return { ms: deliveredAt === undefined ? null : deliveredAt - crashedAt, hash: c.sim.trace.hash() };
}

/** Zone name of each node of the Fabric model: orderers by the placement, org k's peers and gateway in zone (k mod zones)+1. */
function fabricZones(n: number, zones: readonly number[], orgs: readonly string[], peersPerOrg: number): Record<string, string> {
  const topo = buildTopology({ orgs, orderers: n, peersPerOrg });
  const zoneCount = Math.max(1, ...zones.map((z) => z + 1));
  const out: Record<string, string> = {};
  topo.orderers.forEach((o, i) => (out[o.id] = `zone${(zones[i] ?? 0) + 1}`));
  const orgZone = (org: string): string => `zone${(orgs.indexOf(org) % zoneCount) + 1}`;
  for (const p of topo.peers) out[p.id] = orgZone(p.org);
  for (const g of topo.gateways) out[g.id] = orgZone(g.org);
  return out;
}

/** p50 of gateway request -> answer for certificates issued one after another. */
async function certificateLatency(n: number, zones: readonly number[], setup: MeasureSetup, orgs: readonly string[], peersPerOrg: number): Promise<{ p50: number | null; hash: string }> {
  const zoneOf = fabricZones(n, zones, orgs, peersPerOrg);
  const zoneNames = [...new Set(Object.values(zoneOf))].sort();
  const zoneLatency: Record<string, LatencyDist> = {};
  for (const a of zoneNames) for (const b of zoneNames) if (a < b) zoneLatency[`${a}->${b}`] = halfRtt(setup.rttAcrossZonesMs);
  // Set the channel up on a flat network, then put the zones in: SimCluster's set-up issues
  // its first certificates as soon as one org's peer has the chaincode definition, which
  // fails when another org's peer gets that block later, across zones.
  const c = await SimCluster.create({ seed: setup.seed * 1000 + 5, topology: { orgs, orderers: n, peersPerOrg }, network: { latency: halfRtt(setup.rttInZoneMs) } });
  c.sim.network.reconfigure({ latency: halfRtt(setup.rttInZoneMs), zones: zoneOf, zoneLatency });
  const latencies: number[] = [];
  for (let i = 0; i < CERTIFICATES; i++) {
    const org = orgs[i % orgs.length] as string;
    const t0 = c.now();
    const r = await c.issueCertificate(org, {
      certID: `SIZING-${i}`,
      studentID: `student${i}@sizing.demo`,
      studentName: 'Sizing Run',
      courseID: 'SIZE-101',
      courseName: 'Ordering Service Sizing',
      issueDate: '2026-03-14',
      expiryDate: '2028-03-14',
    });
    if (r.ok) latencies.push(c.now() - t0);
  }
  const sorted = latencies.sort((a, b) => a - b);
  return { p50: sorted.length === 0 ? null : percentile(sorted, 0.5), hash: c.traceHash() };
}

export interface FabricShape {
  /** Round-robin zones (`--zones`) rather than consecutive (`--placement`). */
  readonly roundRobin: boolean;
  /** Number of peer orgs (names: the lab's three, then org4, org5, ...). */
  readonly orgs: number;
  readonly peersPerOrg: number;
}

export const DEFAULT_FABRIC_SHAPE: FabricShape = { roundRobin: true, orgs: 3, peersPerOrg: 1 };

function orgNames(k: number): string[] {
  return Array.from({ length: k }, (_, i) => DEFAULT_ORGS[i] ?? `org${i + 1}`);
}

/** All measured columns for one orderer count and placement. */
export async function measureOption(n: number, placement: readonly number[], setup: MeasureSetup, shape: FabricShape = DEFAULT_FABRIC_SHAPE): Promise<Measured> {
  const zones = zoneAssignment(placement, shape.roundRobin);
  if (zones.length !== n) throw new RangeError(`measureOption: placement ${placement.join(',')} holds ${zones.length} orderers, not ${n}`);
  const light = lightStream(n, zones, setup);
  const sat = saturation(n, zones, setup);
  const hb = n >= 2 ? recoverByHeartbeat(n, zones, setup) : { ms: null, hash: '' };
  const cp = n >= 2 ? recoverByComplaint(n, zones, setup) : { ms: null, hash: '' };
  const cert = await certificateLatency(n, zones, setup, orgNames(shape.orgs), shape.peersPerOrg);
  return {
    n,
    messagesPerDecision: Math.round(light.perDecision * 10) / 10,
    formulaValue: messagesPerDecisionFormula(n),
    messageFormula: `(n-1)(2n+1)+n(n-Q) = ${messagesPerDecisionFormula(n)}`,
    messagesByType: light.byType,
    latencyP50Ms: light.p50,
    latencyP99Ms: light.p99,
    certificateLatencyMs: cert.p50,
    decisionsPerSecond: sat.decisionsPerSecond,
    requestsPerSecond: sat.requestsPerSecond,
    recoverHeartbeatMs: hb.ms,
    recoverComplainMs: cp.ms,
    traceHashes: [light.hash, sat.hash, hb.hash, cp.hash, cert.hash],
    notes: [
      'msgs/decision: PrePrepare n-1, Prepare n(n-1), Commit n(n-1), and n(n-Q) commit assists (each node decides on Q-1 commits from others and answers the n-Q that arrive later); more when cross-zone delays make prepares late too.',
      'Latency: submission to every orderer until Q orderers delivered the block. Throughput: RequestPoolSize/2 requests always waiting. Each orderer handles one message at a time at the CPU cost per message; no disk or bandwidth cost is modelled.',
      'Leader crash: heartbeat path = crash right after a decision until Q orderers run the next view; complain path = crash plus a new request until Q orderers delivered it.',
      `cert e2e: the Fabric model, ${shape.orgs} orgs x ${shape.peersPerOrg} peer(s), org k's peers and gateway in zone (k mod zones)+1; POST /api/v1/certificates to its answer (endorse, order, commit), p50 of ${CERTIFICATES}.`,
    ],
  };
}

/** Called before each size is measured (`done` of `total` sizes measured so far) and once at the end (`n` null). */
export type MeasureProgress = (p: { readonly done: number; readonly total: number; readonly n: number | null }) => void;

/** The options to measure: the first of each orderer count, in order. */
export function distinctSizes<O extends { readonly n: number }>(options: readonly O[]): O[] {
  return options.filter((o, i) => options.findIndex((x) => x.n === o.n) === i);
}

/** Measured columns for each option (same seed for all), one after the other in this thread. */
export async function measureOptions(
  options: readonly { n: number; placement: readonly number[] }[],
  setup: MeasureSetup,
  shape: FabricShape = DEFAULT_FABRIC_SHAPE,
  onProgress?: MeasureProgress,
): Promise<Map<number, Measured>> {
  const out = new Map<number, Measured>();
  const todo = distinctSizes(options);
  for (const [i, o] of todo.entries()) {
    onProgress?.({ done: i, total: todo.length, n: o.n });
    out.set(o.n, await measureOption(o.n, o.placement, setup, shape));
  }
  onProgress?.({ done: todo.length, total: todo.length, n: null });
  return out;
}
