/**
 * The data of the HTML report, computed from one run: pure functions from a
 * `ReportInput` (the runner's result, the kernel trace, the node lists, the quorum) to
 * plain, JSON-safe values the page draws. Nothing here knows which producer made the
 * trace (the SmartBFT/Fabric model, a toy protocol in a test, a replayed trace file):
 * it reads the kernel's record kinds and the shared event conventions only.
 *
 * Sources, in the order the lab's operator would look at them:
 *   - `metric consensus_BFT_committed_block_number` per orderer (the lab's "BFT
 *     Committed Block Number" Grafana panel; moves only on blocks decided through
 *     consensus), else `bft.decided` facts (`viaSync: false`);
 *   - `metric ledger_blockchain_height` per peer, else `peer.committed` facts (block + 1);
 *   - crash/restart records, `fault` records (stop/start of a CouchDB container,
 *     partition, cut, heal) and `*.byzantine` facts, for fault shading;
 *   - send/deliver/drop records between two orderers for the message sequence chart;
 *   - `bft.decided` signers for quorum certificates;
 *   - metrics, facts and the traffic itself for each node's state over time.
 */
import type { TraceRecord } from '../sim/kernel/trace.ts';
import { computeQuorum, leaderOfView } from '../sim/consensus/quorum.ts';
import { findBuiltin } from '../scenarios/builtins/index.ts';
import { describeTopology } from '../scenarios/topology.ts';

// ---------------------------------------------------------------- input

/** One executed scenario step, as the runner reports it (only what the report reads). */
export interface ReportStepLike {
  readonly index?: number | undefined;
  readonly op: string;
  readonly name?: string | undefined;
  readonly ok: boolean;
  readonly value?: unknown;
  readonly expected?: unknown;
  readonly error?: string | null | undefined;
  /** Simulated (or wall) time the step started at, ms since the run began. */
  readonly at?: number | undefined;
}

export interface ReportCheckLike {
  readonly name: string;
  readonly ok: boolean;
  readonly detail?: string | undefined;
  /** A lab expectation that did not hold and did not fail the run (runner.ts Check.warning). */
  readonly warning?: boolean | undefined;
}

/** The runner's `ScenarioResult`, as far as the report reads it. */
export interface ReportResultLike {
  readonly scenario: string;
  readonly seed: number;
  readonly target: string;
  readonly passed: boolean;
  readonly traceHash?: string | undefined;
  readonly steps: readonly ReportStepLike[];
  readonly checks?: readonly ReportCheckLike[] | undefined;
}

/** Everything a report is built from; any producer can fill it. */
export interface ReportInput {
  readonly result: ReportResultLike;
  readonly records: readonly TraceRecord[];
  /** Orderers in consenter-id order (id 1 first), peers in any order. */
  readonly nodes: { readonly orderers: readonly string[]; readonly peers: readonly string[] };
  readonly quorum: { readonly n: number; readonly f: number; readonly q: number };
  /** The command that replays the run exactly, when the producer knows it (run --report passes its own). */
  readonly replay?: string | undefined;
  /**
   * The time of the run's last record, when `records` holds only the records the report
   * reads (`ReportRecords`): the records left out still end the run where they end it.
   */
  readonly end?: number | undefined;
}

/**
 * A `ReportInput` from a run: the runner's result, the kept trace records and the
 * topology's node lists (orderers in consenter-id order); n, f and Q from SmartBFT's
 * quorum function.
 */
export function reportInputOf(
  result: ReportResultLike,
  records: readonly TraceRecord[] | ReportRecords,
  topology: { readonly orderers: readonly string[]; readonly peers: readonly string[] },
  replay?: string,
): ReportInput {
  const n = topology.orderers.length;
  const { f, q } = n >= 1 ? computeQuorum(n) : { f: 0, q: 0 };
  const kept = records instanceof ReportRecords ? { records: records.records, end: records.end } : { records };
  return { result, ...kept, nodes: { orderers: [...topology.orderers], peers: [...topology.peers] }, quorum: { n, f, q }, ...(replay !== undefined ? { replay } : {}) };
}

/**
 * The records of a run the report reads, kept as the run goes, and the time of the last
 * of all: a long run's report holds its orderer-to-orderer messages, faults and the facts
 * and gauges the charts draw, not every delivery to a peer, timer or log line. The page
 * built from them is the page built from every record, byte for byte (the readers below
 * skip the rest; test/report/keep.test.ts holds them to it).
 */
export class ReportRecords {
  private readonly kept: TraceRecord[] = [];
  private readonly orderers: ReadonlySet<string>;
  private last = 0;
  private seen = 0;

  constructor(orderers: readonly string[]) {
    this.orderers = new Set(orderers);
  }

  /** One record of the run, in trace order (a trace sink). */
  add(r: TraceRecord): void {
    this.seen++;
    if (r.t > this.last) this.last = r.t;
    if (readByReport(r, this.orderers)) this.kept.push(r);
  }

  /** The records kept, in trace order. */
  get records(): readonly TraceRecord[] {
    return this.kept;
  }

  /** The time of the last record added (0 before any). */
  get end(): number {
    return this.last;
  }

  /** Every record added, kept or not. */
  get count(): number {
    return this.seen;
  }
}

/** The metrics the report reads: the two panels' gauges and the node-state gauges (`STATE_METRICS`). */
const METRICS_READ: ReadonlySet<string> = new Set(['consensus_BFT_committed_block_number', 'ledger_blockchain_height', 'consensus_smartbft_view_leader_id']);
/** The SmartBFT log lines `stateFromLog` reads (and `stateChanges` looks for, for ChangeRole). */
const LOG_KINDS_READ: ReadonlySet<string> = new Set(['smartbft.startView', 'smartbft.changeRole', 'smartbft.walContains', 'smartbft.walInitialized']);
/** The facts the report reads besides `*.byzantine` (`BYZANTINE_FACTS`). */
const FACTS_READ: ReadonlySet<string> = new Set(['bft.decided', 'peer.committed']);

/**
 * Whether any reader of this module looks at record `r`: crashes, restarts, faults and
 * notes; messages between two orderers; the gauges, log lines and facts above. Step
 * records are the runner's result's (`ReportInput.result`), timers and commands no reader's.
 */
export function readByReport(r: TraceRecord, orderers: ReadonlySet<string>): boolean {
  switch (r.k) {
    case 'crash':
    case 'restart':
    case 'fault':
    case 'note':
      return true;
    case 'send':
    case 'deliver':
    case 'drop':
      return orderers.has(r.from) && orderers.has(r.to);
    case 'event': {
      const e = r.e;
      if (!isObject(e)) return false;
      const type = e['type'];
      if (typeof type !== 'string') return false;
      if (type === 'metric') return typeof e['name'] === 'string' && (METRICS_READ.has(e['name']) || Object.hasOwn(STATE_METRICS, e['name']));
      if (type === 'log') return typeof e['kind'] === 'string' && LOG_KINDS_READ.has(e['kind']);
      return FACTS_READ.has(type) || BYZANTINE_FACTS.has(type);
    }
    case 'timer':
    case 'command':
    case 'step':
      return false;
  }
}

/**
 * The command that replays the run: the producer's own when given; for a built-in, its
 * name with `--orderers` when n is not the built-in's default; for a scenario from a file
 * (whose path the report was not told), the file named as such, never a wrong name.
 */
export function replayCommand(input: ReportInput): string {
  if (input.replay !== undefined && input.replay !== '') return input.replay;
  const { scenario, seed } = input.result;
  const builtin = findBuiltin(scenario);
  if (builtin !== undefined) {
    const n = input.nodes.orderers.length;
    let defaultN: number | undefined;
    try {
      defaultN = describeTopology(builtin.build({}).topology).orderers.length;
    } catch {
      defaultN = undefined;
    }
    return `fabric-bft-sim run ${scenario} --seed ${seed}${n !== defaultN ? ` --orderers ${n}` : ''}`;
  }
  return `fabric-bft-sim run <the file of scenario "${scenario}"> --seed ${seed}`;
}

// ---------------------------------------------------------------- output

/** A step function over time: `[t, value]` points, value holds until the next point. */
export type Points = [number, number][];

export interface Series {
  readonly node: string;
  readonly points: Points;
}

export type FaultKind = 'crash' | 'partition' | 'byzantine';

/** A shaded interval. `to` is the end of the run when the fault never ended. */
export interface Fault {
  readonly kind: FaultKind;
  /** The node concerned (null for a network partition). */
  readonly node: string | null;
  readonly from: number;
  readonly to: number;
  readonly label: string;
}

export type MessageFate = 'delivered' | 'loss' | 'partition' | 'down' | 'stream' | 'backoff' | 'in-flight';

/** One consensus message between two orderers. */
export interface OrdererMessage {
  readonly id: number;
  readonly from: string;
  readonly to: string;
  /** First word of the description: `PrePrepare`, `Commit`, `ViewChange`, ... */
  readonly type: string;
  readonly text: string;
  readonly view: number | null;
  readonly seq: number | null;
  readonly sent: number;
  /** Delivery or drop time; the end of the run when still in flight. */
  readonly end: number;
  readonly fate: MessageFate;
  /** Sent while its sender behaved Byzantine (or described as such). */
  readonly byzantine: boolean;
  /** A Commit that is part of a quorum certificate some node decided on. */
  readonly certificate: boolean;
  /** Delivered more than once (network duplication). */
  readonly duplicated: boolean;
  /** The proposal's digest, for a PrePrepare, Prepare or Commit whose description gives it (a Byzantine sender's); else null. */
  readonly digest: string | null;
}

/** One node deciding one sequence (a `bft.decided` fact). */
export interface NodeDecision {
  readonly node: string;
  readonly t: number;
  readonly seq: number;
  readonly view: number | null;
  readonly digest: string;
  /** Orderer ids whose signatures made the certificate. */
  readonly signers: string[];
  readonly viaSync: boolean;
}

/** The quorum certificate of one sequence: who signed, who decided on it, when first. */
export interface QuorumCertificate {
  readonly seq: number;
  readonly t: number;
  readonly view: number | null;
  readonly digest: string;
  readonly signers: string[];
  readonly decidedBy: string[];
}

export interface StepView {
  readonly index: number;
  readonly op: string;
  readonly name: string;
  readonly ok: boolean;
  readonly at: number | null;
  readonly detail: string;
}

export type StateKey = 'up' | 'role' | 'view' | 'leader' | 'phase' | 'seq' | 'committed' | 'height' | 'wal';
export type StateValue = string | number | boolean;
/** `[t, key, value]`: from `t` on, `key` has `value`. */
export type StateChange = [number, StateKey, StateValue];
export type NodeState = Partial<Record<StateKey, StateValue>>;

export interface ReportData {
  readonly scenario: string;
  /** The command that replays this run exactly (see `replayCommand`). */
  readonly replay: string;
  readonly seed: number;
  readonly target: string;
  readonly passed: boolean;
  readonly traceHash: string;
  readonly end: number;
  readonly orderers: string[];
  readonly peers: string[];
  readonly quorum: { readonly n: number; readonly f: number; readonly q: number; readonly intersection: number };
  readonly steps: StepView[];
  readonly checks: { name: string; ok: boolean; detail: string; warning?: boolean }[];
  readonly committed: Series[];
  /** Blocks an orderer wrote through sync (not on the committed panel in Fabric): markers. */
  readonly synced: Series[];
  readonly heights: Series[];
  readonly faults: Fault[];
  readonly messages: OrdererMessage[];
  readonly decisions: NodeDecision[];
  readonly certificates: QuorumCertificate[];
  readonly states: { node: string; changes: StateChange[] }[];
  /** The moment the page opens at: the first fault, else the middle of the run. */
  readonly focus: number;
  /** The time axis of the charts and the slider, quiet stretches compressed. */
  readonly axis: AxisSegment[];
  /** Faults and notes the run left in the trace (faults on disk, offline commands...): chart markers, by their text. */
  readonly notes: { t: number; text: string }[];
}

// ---------------------------------------------------------------- helpers

type EventRecord = Extract<TraceRecord, { k: 'event' }>;

interface MetricEvent {
  readonly type: 'metric';
  readonly name: string;
  readonly value: number;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object';
}

function asMetric(e: unknown): MetricEvent | null {
  if (!isObject(e) || e['type'] !== 'metric' || typeof e['name'] !== 'string' || typeof e['value'] !== 'number') return null;
  return { type: 'metric', name: e['name'], value: e['value'] };
}

function events(records: readonly TraceRecord[]): EventRecord[] {
  return records.filter((r): r is EventRecord => r.k === 'event');
}

/** Simulated time of the last record (0 for an empty trace), at least the last step's time. */
export function runEnd(input: ReportInput): number {
  let end = input.end ?? 0;
  for (const r of input.records) if (r.t > end) end = r.t;
  for (const s of input.result.steps) if (s.at !== undefined && s.at > end) end = s.at;
  return end;
}

/** Append a point, dropping repeats of the same value (a gauge set twice). */
function pushPoint(points: Points, t: number, v: number): void {
  const last = points[points.length - 1];
  if (last !== undefined && last[1] === v) return;
  if (last !== undefined && last[0] === t) {
    last[1] = v;
    return;
  }
  points.push([t, v]);
}

function seriesFromMetric(records: readonly TraceRecord[], nodes: readonly string[], name: string): Series[] | null {
  const byNode = new Map<string, Points>(nodes.map((n) => [n, []]));
  let seen = false;
  for (const r of events(records)) {
    const m = asMetric(r.e);
    const pts = byNode.get(r.node);
    if (m === null || m.name !== name || pts === undefined) continue;
    seen = true;
    pushPoint(pts, r.t, m.value);
  }
  return seen ? nodes.map((node) => ({ node, points: byNode.get(node) ?? [] })) : null;
}

// ---------------------------------------------------------------- series

/** Decisions (`bft.decided` facts) in trace order. Signer ids given as numbers are consenter ids. */
export function decisions(input: ReportInput): NodeDecision[] {
  const out: NodeDecision[] = [];
  const orderers = input.nodes.orderers;
  for (const r of events(input.records)) {
    const e = r.e;
    if (!isObject(e) || e['type'] !== 'bft.decided' || typeof e['seq'] !== 'number') continue;
    const rawSigners = Array.isArray(e['signers']) ? (e['signers'] as unknown[]) : [];
    const signers = rawSigners.map((s) => (typeof s === 'number' ? (orderers[s - 1] ?? `#${s}`) : String(s)));
    out.push({
      node: r.node,
      t: r.t,
      seq: e['seq'],
      view: typeof e['view'] === 'number' ? e['view'] : null,
      digest: typeof e['digest'] === 'string' ? e['digest'] : '',
      signers,
      viaSync: e['viaSync'] === true,
    });
  }
  return out;
}

/**
 * Committed block per orderer: the `consensus_BFT_committed_block_number` gauge when the
 * producer emits it, else the sequence of each decision reached through consensus.
 */
export function committedSeries(input: ReportInput): Series[] {
  const fromMetric = seriesFromMetric(input.records, input.nodes.orderers, 'consensus_BFT_committed_block_number');
  if (fromMetric !== null) return fromMetric;
  const byNode = new Map<string, Points>(input.nodes.orderers.map((n) => [n, []]));
  for (const d of decisions(input)) {
    const pts = byNode.get(d.node);
    if (pts !== undefined && !d.viaSync) pushPoint(pts, d.t, d.seq);
  }
  return input.nodes.orderers.map((node) => ({ node, points: byNode.get(node) ?? [] }));
}

/** Blocks each orderer obtained through sync (markers beside the committed line). */
export function syncedSeries(input: ReportInput): Series[] {
  const byNode = new Map<string, Points>(input.nodes.orderers.map((n) => [n, []]));
  for (const d of decisions(input)) {
    const pts = byNode.get(d.node);
    if (pts !== undefined && d.viaSync) pushPoint(pts, d.t, d.seq);
  }
  return input.nodes.orderers.map((node) => ({ node, points: byNode.get(node) ?? [] }));
}

/** Ledger height per peer: `ledger_blockchain_height`, else `peer.committed` block + 1. */
export function heightSeries(input: ReportInput): Series[] {
  const fromMetric = seriesFromMetric(input.records, input.nodes.peers, 'ledger_blockchain_height');
  if (fromMetric !== null) return fromMetric;
  const byNode = new Map<string, Points>(input.nodes.peers.map((n) => [n, []]));
  for (const r of events(input.records)) {
    const e = r.e;
    const pts = byNode.get(r.node);
    if (pts === undefined || !isObject(e) || e['type'] !== 'peer.committed' || typeof e['block'] !== 'number') continue;
    const last = pts[pts.length - 1];
    pushPoint(pts, r.t, Math.max(e['block'] + 1, last?.[1] ?? 0));
  }
  return input.nodes.peers.map((node) => ({ node, points: byNode.get(node) ?? [] }));
}

// ---------------------------------------------------------------- faults

/** The facts a node emits when its Byzantine behaviour changes (`behaviour: null` is honest again). */
const BYZANTINE_FACTS: ReadonlySet<string> = new Set(['bft.byzantine', 'raft.byzantine', 'orderer.byzantine']);

/**
 * Fault intervals, from the trace's fields: crash..restart from the kernel's records (and
 * `stop`..`start` faults of processes that are not kernel nodes, CouchDB containers);
 * partitions and one-way cuts until a `heal` fault; Byzantine behaviour from the node's
 * `*.byzantine` facts until the behaviour is null.
 */
export function faultIntervals(input: ReportInput): Fault[] {
  const end = runEnd(input);
  const out: Fault[] = [];
  const down = new Map<string, number>();
  const byz = new Map<string, { from: number; label: string }>();
  let partition: { from: number; label: string } | null = null;
  const up = (node: string, t: number): void => {
    const from = down.get(node);
    if (from === undefined) return;
    out.push({ kind: 'crash', node, from, to: t, label: `${node} down` });
    down.delete(node);
  };
  const closePartition = (t: number): void => {
    if (partition !== null) out.push({ kind: 'partition', node: null, from: partition.from, to: t, label: partition.label });
    partition = null;
  };
  const closeByz = (node: string, t: number): void => {
    const open = byz.get(node);
    if (open === undefined) return;
    out.push({ kind: 'byzantine', node, from: open.from, to: t, label: open.label });
    byz.delete(node);
  };
  for (const r of input.records) {
    if (r.k === 'crash') {
      if (!down.has(r.node)) down.set(r.node, r.t);
    } else if (r.k === 'restart') {
      up(r.node, r.t);
    } else if (r.k === 'fault') {
      switch (r.fault) {
        case 'stop':
          if (!down.has(r.node)) down.set(r.node, r.t);
          break;
        case 'start':
          up(r.node, r.t);
          break;
        case 'partition':
        case 'cut':
          closePartition(r.t);
          partition = { from: r.t, label: r.text };
          break;
        case 'heal':
          closePartition(r.t);
          break;
        default:
          break;
      }
    } else if (r.k === 'event' && isObject(r.e) && typeof r.e['type'] === 'string' && BYZANTINE_FACTS.has(r.e['type'])) {
      const b = r.e['behaviour'];
      const behaviour = typeof b === 'string' && b !== '' ? b : null;
      const label = `${r.node} byzantine ${behaviour ?? 'off'}`;
      if (byz.get(r.node)?.label === label) continue; // the same switch told twice
      closeByz(r.node, r.t);
      if (behaviour !== null) byz.set(r.node, { from: r.t, label });
    }
  }
  for (const [node, from] of down) out.push({ kind: 'crash', node, from, to: end, label: `${node} down` });
  closePartition(end);
  for (const node of [...byz.keys()]) closeByz(node, end);
  return out.sort((a, b) => a.from - b.from || a.kind.localeCompare(b.kind));
}

// ---------------------------------------------------------------- messages

type SendRecord = Extract<TraceRecord, { k: 'send' }>;

/**
 * A sent message's fields (the protocol's `fields`, kept on its send record): type,
 * view, sequence, digest. A send record without them (a producer that gives none) has
 * its whole description as its type, and no view or sequence.
 */
export function messageOf(r: SendRecord): { type: string; view: number | null; seq: number | null; digest: string | null; flags: readonly string[] } {
  const f = r.msg;
  if (f === undefined) return { type: r.m, view: null, seq: null, digest: null, flags: [] };
  return { type: f.type, view: f.view ?? null, seq: f.seq ?? null, digest: f.digest ?? null, flags: f.flags ?? [] };
}

/**
 * Consensus messages between orderers, paired send -> delivery or drop by message id,
 * sorted by send time. Messages sent while the sender is Byzantine are marked, and so
 * are the Commits that form a quorum certificate some node decided on.
 */
export function consensusMessages(input: ReportInput, faults: readonly Fault[] = faultIntervals(input)): OrdererMessage[] {
  const orderers = new Set(input.nodes.orderers);
  const end = runEnd(input);
  interface Open {
    id: number; from: string; to: string; m: string; fields: ReturnType<typeof messageOf>; sent: number; end: number | null; fate: MessageFate; deliveries: number;
  }
  const byId = new Map<number, Open>();
  const order: Open[] = [];
  for (const r of input.records) {
    if (r.k !== 'send' && r.k !== 'deliver' && r.k !== 'drop') continue;
    if (!orderers.has(r.from) || !orderers.has(r.to)) continue;
    if (r.k === 'send') {
      const o: Open = { id: r.id, from: r.from, to: r.to, m: r.m, fields: messageOf(r), sent: r.t, end: null, fate: 'in-flight', deliveries: 0 };
      byId.set(r.id, o);
      order.push(o);
      continue;
    }
    const o = byId.get(r.id);
    if (o === undefined) continue;
    if (r.k === 'deliver') {
      o.deliveries++;
      if (o.end === null) {
        o.end = r.t;
        o.fate = 'delivered';
      }
    } else if (o.end === null) {
      o.end = r.t;
      o.fate = r.reason;
    }
  }
  const byzantine = faults.filter((f) => f.kind === 'byzantine');
  const certificateIds = certificateMessageIds(decisions(input), order);
  return order.map((o) => {
    const d = o.fields;
    const byz = byzantine.some((f) => f.node === o.from && o.sent >= f.from && o.sent <= f.to);
    return {
      id: o.id,
      from: o.from,
      to: o.to,
      type: d.type,
      text: o.m,
      view: d.view,
      seq: d.seq,
      sent: o.sent,
      end: o.end ?? end,
      fate: o.fate,
      byzantine: byz,
      certificate: certificateIds.has(o.id),
      duplicated: o.deliveries > 1,
      digest: d.digest,
    };
  });
}

/** For each decision, the latest Commit of each signer for that sequence delivered to the decider by then. */
function certificateMessageIds(
  decided: readonly NodeDecision[],
  msgs: readonly { id: number; from: string; to: string; fields: { type: string; seq: number | null }; end: number | null; fate: MessageFate }[],
): Set<number> {
  const commitsTo = new Map<string, { id: number; from: string; seq: number | null; end: number }[]>();
  for (const o of msgs) {
    if (o.fate !== 'delivered' || o.end === null) continue;
    const d = o.fields;
    if (d.type !== 'Commit') continue;
    let list = commitsTo.get(o.to);
    if (list === undefined) commitsTo.set(o.to, (list = []));
    list.push({ id: o.id, from: o.from, seq: d.seq, end: o.end });
  }
  const ids = new Set<number>();
  for (const dec of decided) {
    if (dec.viaSync) continue;
    const signers = new Set(dec.signers);
    const latest = new Map<string, number>();
    for (const c of commitsTo.get(dec.node) ?? []) {
      if (c.seq === dec.seq && c.end <= dec.t && signers.has(c.from)) latest.set(c.from, c.id);
    }
    for (const id of latest.values()) ids.add(id);
  }
  return ids;
}

/** One certificate per decided sequence: signers of the first decision, every node that decided it. */
export function quorumCertificates(decided: readonly NodeDecision[]): QuorumCertificate[] {
  const bySeq = new Map<number, { seq: number; t: number; view: number | null; digest: string; signers: string[]; decidedBy: string[] }>();
  for (const d of decided) {
    const c = bySeq.get(d.seq);
    if (c === undefined) {
      bySeq.set(d.seq, { seq: d.seq, t: d.t, view: d.view, digest: d.digest, signers: [...d.signers], decidedBy: [d.node] });
    } else if (!c.decidedBy.includes(d.node)) {
      c.decidedBy.push(d.node);
      if (c.signers.length === 0) c.signers.push(...d.signers);
    }
  }
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

// ---------------------------------------------------------------- node state

const PHASES = ['COMMITTED', 'PROPOSED', 'PREPARED', 'ABORT'];

/** Metric name -> state key (and how to read its value). */
const STATE_METRICS: Record<string, StateKey> = {
  consensus_smartbft_view_number: 'view',
  consensus_smartbft_viewchange_real_view: 'view',
  consensus_smartbft_view_leader_id: 'leader',
  consensus_BFT_leader_id: 'leader',
  consensus_smartbft_view_proposal_sequence: 'seq',
  consensus_smartbft_view_phase: 'phase',
  consensus_BFT_committed_block_number: 'committed',
  ledger_blockchain_height: 'height',
  consensus_BFT_is_leader: 'role',
  consensus_smartbft_wal_count_of_files: 'wal',
};

/**
 * SmartBFT log lines that carry state (src/sim/smartbft/logs.ts kinds, Fabric's format
 * strings): startView (view, sequence, decisions), ChangeRole (role, view, leader id),
 * Restore's and the WAL's entry counts.
 */
function stateFromLog(kind: string, args: readonly unknown[], orderers: readonly string[]): [StateKey, StateValue][] {
  const num = (i: number): number | null => {
    const a = args[i];
    const v = typeof a === 'number' ? a : typeof a === 'string' && a.trim() !== '' ? Number(a) : NaN;
    return Number.isFinite(v) ? v : null;
  };
  const out: [StateKey, StateValue][] = [];
  const push = (key: StateKey, v: StateValue | null): void => {
    if (v !== null) out.push([key, v]);
  };
  switch (kind) {
    case 'smartbft.startView':
      push('view', num(0));
      push('seq', num(1));
      push('phase', 'COMMITTED');
      break;
    case 'smartbft.changeRole': {
      const role = args[0];
      if (typeof role === 'string') push('role', role);
      push('view', num(1));
      const id = num(2);
      if (id !== null) push('leader', orderers[id - 1] ?? `#${id}`);
      break;
    }
    case 'smartbft.walContains':
    case 'smartbft.walInitialized':
      push('wal', num(0));
      break;
    default:
      break;
  }
  return out;
}

/** What sending a message of this type says about the sender's phase (when no phase gauge exists). */
const PHASE_BY_SENT: Record<string, string> = {
  PrePrepare: 'PROPOSED',
  Prepare: 'PROPOSED',
  Commit: 'PREPARED',
  ViewChange: 'VIEW CHANGE',
  ViewData: 'VIEW CHANGE',
  SignedViewData: 'VIEW CHANGE',
};

/**
 * Every change of every node's state, in time order: up/down, view, leader, phase,
 * sequence, committed block, ledger height, WAL entries. Gauges, log lines and facts
 * first; the phase also follows what the node sends (Prepare: PROPOSED, Commit:
 * PREPARED, ViewChange: VIEW CHANGE) and decides (COMMITTED); without a view gauge the
 * view is read from traffic and the leader of view v is consenter (v mod n) + 1.
 */
export function stateChanges(input: ReportInput): { node: string; changes: StateChange[] }[] {
  const orderers = input.nodes.orderers;
  const nodes = [...orderers, ...input.nodes.peers];
  const isOrderer = new Set(orderers);
  const metricsSeen = new Set<StateKey>();
  const names = new Set<string>();
  for (const r of events(input.records)) {
    const m = asMetric(r.e);
    if (m !== null) names.add(m.name);
    else if (isObject(r.e) && r.e['type'] === 'log' && typeof r.e['kind'] === 'string') names.add(r.e['kind']);
    const key = m === null ? undefined : STATE_METRICS[m.name];
    if (key !== undefined) metricsSeen.add(key);
  }
  // Fabric's leader gauges are stale during a view change (set on Deliver only): the
  // library's view leader gauge and ChangeRole lines say it first, when present.
  const stale = new Set<string>();
  if (names.has('consensus_smartbft_view_leader_id')) stale.add('consensus_BFT_leader_id');
  if (names.has('smartbft.changeRole')) stale.add('consensus_BFT_is_leader');
  const changes = new Map<string, StateChange[]>(nodes.map((n) => [n, []]));
  const decidedUpTo = new Map<string, number>();
  const current = new Map<string, NodeState>(nodes.map((n) => [n, {}]));
  const set = (node: string, t: number, key: StateKey, value: StateValue): void => {
    const cur = current.get(node);
    const list = changes.get(node);
    if (cur === undefined || list === undefined || cur[key] === value) return;
    cur[key] = value;
    list.push([t, key, value]);
  };
  const setView = (node: string, t: number, view: number): void => {
    set(node, t, 'view', view);
    if (!metricsSeen.has('leader') && orderers.length > 0) {
      const leader = leaderOfView(orderers, view);
      set(node, t, 'leader', leader);
      if (!metricsSeen.has('role')) set(node, t, 'role', leader === node ? 'leader' : 'follower');
    }
  };
  for (const n of nodes) set(n, 0, 'up', true);
  for (const r of input.records) {
    switch (r.k) {
      case 'crash':
        set(r.node, r.t, 'up', false);
        if (isOrderer.has(r.node)) set(r.node, r.t, 'role', 'down');
        break;
      case 'restart':
        set(r.node, r.t, 'up', true);
        if (isOrderer.has(r.node)) set(r.node, r.t, 'role', 'starting');
        break;
      case 'send': {
        if (!isOrderer.has(r.from) || !isOrderer.has(r.to)) break;
        const d = messageOf(r);
        // SmartBFT sets its phase gauge sparsely (abort, restore): traffic fills the gaps.
        // Assists re-send a vote for a sequence already decided: no phase change.
        const phase = PHASE_BY_SENT[d.type];
        const done = decidedUpTo.get(r.from) ?? -1;
        if (phase !== undefined && !d.flags.includes('assist') && (d.seq === null || d.seq > done)) set(r.from, r.t, 'phase', phase);
        if (!metricsSeen.has('view') && d.view !== null && d.type !== 'ViewChange' && d.type !== 'ViewData') setView(r.from, r.t, d.view);
        break;
      }
      case 'event': {
        const e = r.e;
        if (!isObject(e)) break;
        const m = asMetric(e);
        if (m !== null) {
          const key = STATE_METRICS[m.name];
          if (key === undefined || stale.has(m.name)) break;
          if (key === 'phase') set(r.node, r.t, key, PHASES[m.value] ?? String(m.value));
          else if (key === 'leader') set(r.node, r.t, key, orderers[m.value - 1] ?? (m.value === 0 ? 'none' : `#${m.value}`));
          else if (key === 'role') set(r.node, r.t, key, m.value === 1 ? 'leader' : 'follower');
          else if (key === 'view') setView(r.node, r.t, m.value);
          else set(r.node, r.t, key, m.value);
        } else if (e['type'] === 'bft.decided' && typeof e['seq'] === 'number') {
          decidedUpTo.set(r.node, Math.max(decidedUpTo.get(r.node) ?? -1, e['seq']));
          if (!metricsSeen.has('seq')) set(r.node, r.t, 'seq', e['seq']);
          if (e['viaSync'] !== true) set(r.node, r.t, 'phase', 'COMMITTED');
          if (!metricsSeen.has('view') && typeof e['view'] === 'number') setView(r.node, r.t, e['view']);
          if (!metricsSeen.has('committed') && e['viaSync'] !== true) set(r.node, r.t, 'committed', e['seq']);
        } else if (e['type'] === 'peer.committed' && typeof e['block'] === 'number' && !metricsSeen.has('height')) {
          const h = current.get(r.node)?.height;
          set(r.node, r.t, 'height', Math.max(e['block'] + 1, typeof h === 'number' ? h : 0));
        } else if (e['type'] === 'log' && typeof e['kind'] === 'string' && Array.isArray(e['args'])) {
          for (const [key, value] of stateFromLog(e['kind'], e['args'] as unknown[], orderers)) {
            if (key === 'view' && typeof value === 'number') setView(r.node, r.t, value);
            else set(r.node, r.t, key, value);
          }
        }
        break;
      }
      default:
        break;
    }
  }
  return nodes.map((node) => ({ node, changes: changes.get(node) ?? [] }));
}

/** A node's state at time `t` (the last value of each key at or before `t`). */
export function stateAt(changes: readonly StateChange[], t: number): NodeState {
  const out: NodeState = {};
  for (const [ct, key, value] of changes) {
    if (ct > t) break;
    out[key] = value;
  }
  return out;
}

// ---------------------------------------------------------------- time axis

/**
 * One stretch of the charts' time axis. `share` is its part of the axis width (all
 * shares sum to 1); a `compressed` stretch is a quiet one drawn narrow with a break mark.
 */
export interface AxisSegment {
  readonly from: number;
  readonly to: number;
  readonly compressed: boolean;
  readonly share: number;
}

/** A stretch with nothing happening longer than this part of the run is compressed. */
const QUIET_FRACTION = 0.04;
/** Axis width of one compressed stretch, and the most all of them may take. */
const QUIET_SHARE = 0.04;
const QUIET_SHARE_MAX = 0.3;
/** Least axis width of a busy stretch, so a 100 ms outage stays visible in a 10-minute run. */
const BUSY_SHARE_MIN = 0.08;

/**
 * The time axis for moments of interest `times` in a run of length `end`: busy stretches
 * keep their proportions, stretches where nothing of interest happens for more than 4%
 * of the run are compressed (simulated runs wait in long quiet stretches: a 5 s sleep
 * after a 100 ms outage). Without such stretches the axis is plainly linear.
 */
export function timeAxis(times: readonly number[], end: number): AxisSegment[] {
  if (!(end > 0)) return [{ from: 0, to: Math.max(0, end), compressed: false, share: 1 }];
  const gapMin = end * QUIET_FRACTION;
  const pad = gapMin / 4;
  const pts = [...new Set([0, ...times.filter((t) => t >= 0 && t <= end), end])].sort((a, b) => a - b);
  const busy: [number, number][] = [];
  const quiet: [number, number][] = [];
  let start = 0;
  for (let i = 1; i < pts.length; i++) {
    const prev = pts[i - 1] as number;
    const next = pts[i] as number;
    if (next - prev <= gapMin) continue;
    busy.push([start, Math.min(end, prev + pad)]);
    quiet.push([Math.min(end, prev + pad), next === end ? end : next - pad]);
    start = next === end ? end : next - pad;
  }
  busy.push([start, end]);
  if (quiet.length === 0) return [{ from: 0, to: end, compressed: false, share: 1 }];
  const quietShare = Math.min(QUIET_SHARE, QUIET_SHARE_MAX / quiet.length);
  const busyTotal = 1 - quietShare * quiet.length;
  const busyDur = busy.reduce((a, [f, t]) => a + (t - f), 0);
  const raw = busy.map(([f, t]) => Math.max(busyDur > 0 ? ((t - f) / busyDur) * busyTotal : 0, BUSY_SHARE_MIN));
  const rawSum = raw.reduce((a, b) => a + b, 0);
  const out: AxisSegment[] = [];
  for (let i = 0; i < busy.length; i++) {
    const [bf, bt] = busy[i] as [number, number];
    if (bt > bf || busy.length === 1) out.push({ from: bf, to: bt, compressed: false, share: ((raw[i] as number) / rawSum) * busyTotal });
    const q = quiet[i];
    if (q !== undefined) out.push({ from: q[0], to: q[1], compressed: true, share: quietShare });
  }
  const total = out.reduce((a, x) => a + x.share, 0);
  return out.map((x) => ({ ...x, share: x.share / total }));
}

/** Moments of interest: faults, steps, decisions, series changes and non-heartbeat traffic. */
function interestingTimes(parts: {
  faults: readonly Fault[];
  steps: readonly StepView[];
  series: readonly Series[];
  messages: readonly OrdererMessage[];
  states: readonly { changes: readonly StateChange[] }[];
  notes: readonly { t: number }[];
}): number[] {
  const ts: number[] = parts.notes.map((n) => n.t);
  for (const f of parts.faults) ts.push(f.from, f.to);
  for (const s of parts.steps) if (s.at !== null) ts.push(s.at);
  for (const s of parts.series) for (const [t] of s.points) ts.push(t);
  for (const m of parts.messages) if (!m.type.startsWith('HeartBeat')) ts.push(m.sent, m.end);
  for (const s of parts.states) for (const [t] of s.changes) ts.push(t);
  return ts;
}

// ---------------------------------------------------------------- steps

function show(x: unknown): string {
  if (x === undefined) return '';
  if (typeof x === 'string') return x;
  return JSON.stringify(x) ?? String(x);
}

export function stepViews(result: ReportResultLike): StepView[] {
  return result.steps.map((s, i) => {
    const parts: string[] = [];
    if (s.value !== undefined && s.value !== null) parts.push(`got ${show(s.value)}`);
    if (s.expected !== undefined && s.expected !== null) parts.push(`expected ${show(s.expected)}`);
    if (typeof s.error === 'string') parts.push(s.error);
    return { index: s.index ?? i, op: s.op, name: s.name ?? s.op, ok: s.ok, at: s.at ?? null, detail: parts.join('; ') };
  });
}

// ---------------------------------------------------------------- all together

function validate(input: ReportInput): void {
  const { orderers, peers } = input.nodes;
  const seen = new Set<string>();
  for (const n of [...orderers, ...peers]) {
    if (seen.has(n)) throw new Error(`report: node "${n}" is listed twice in nodes.orderers/nodes.peers`);
    seen.add(n);
  }
  const { n, f, q } = input.quorum;
  if (![n, f, q].every((x) => Number.isInteger(x) && x >= 0)) {
    throw new Error(`report: quorum must be integers {n, f, q}, got ${JSON.stringify(input.quorum)}`);
  }
}

export function buildReportData(input: ReportInput): ReportData {
  validate(input);
  const faults = faultIntervals(input);
  const decided = decisions(input);
  const end = runEnd(input);
  const firstFault = faults[0];
  const { n, f, q } = input.quorum;
  const steps = stepViews(input.result);
  const committed = committedSeries(input);
  const synced = syncedSeries(input);
  const heights = heightSeries(input);
  const messages = consensusMessages(input, faults);
  const states = stateChanges(input);
  const notes = input.records.flatMap((r) => (r.k === 'note' || r.k === 'fault' ? [{ t: r.t, text: r.text }] : []));
  return {
    scenario: input.result.scenario,
    replay: replayCommand(input),
    seed: input.result.seed,
    target: input.result.target,
    passed: input.result.passed,
    traceHash: input.result.traceHash ?? '',
    end,
    orderers: [...input.nodes.orderers],
    peers: [...input.nodes.peers],
    quorum: { n, f, q, intersection: 2 * q - n },
    steps,
    checks: (input.result.checks ?? []).map((c) => ({ name: c.name, ok: c.ok, detail: c.detail ?? '', ...(c.warning === true ? { warning: true } : {}) })),
    committed,
    synced,
    heights,
    faults,
    messages,
    decisions: decided,
    certificates: quorumCertificates(decided),
    states,
    focus: firstFault !== undefined ? firstFault.from : end / 2,
    axis: timeAxis(interestingTimes({ faults, steps, series: [...committed, ...synced, ...heights], messages, states, notes }), end),
    notes,
  };
}
