/**
 * The observers: what the simulated cluster shows of itself, read from the trace as it is
 * written. Log lines per node (rendered with Fabric's line shape, filtered by each node's
 * logging spec; `logLines(node, false)` is what `oc logs` shows: since the node's last
 * stop), metric change points, the gateways' answers and submitted transactions, and the
 * status a peer or an orderer reports (channel info, CouchDB, the consenter's view).
 *
 * It reads the world (world.ts) and hands three things back: a gateway answer to the world
 * (`answered`), a refused connection to the world's network (`refused`), and a process that
 * died by itself to whoever restarts it (`exited`, the fault injector's kubelet). It knows
 * no scenario language: its lines and statuses are the `Cluster` port's (src/shared/cluster.ts).
 */
import type { NodeId, Simulation, TraceRecord } from '../kernel/index.ts';
import { renderLine, sprintf, type LogArg } from '../../shared/log-format.ts';
import { LOG_FORMATS } from '../logs/catalog.ts';
import { DEFAULT_LOG_SPEC, LogSpec } from '../logs/spec.ts';
import { CHANNEL } from '../fabric/block.ts';
import { CHAINCODE } from '../fabric/chaincode.ts';
import { COUCH_PREFIX, DB_NOT_FOUND, namespaceDbName, type CouchDbInfo } from '../fabric/couchdb.ts';
import type { ChainInfo } from '../fabric/kvledger.ts';
import { getinfoOutput } from '../../shared/node-output.ts';
import type { Topology } from '../fabric/topology.ts';
import type { SimWorld } from './world.ts';
import { ValidityFold } from './validity.ts';
import type { ClusterLogLine, OrdererStatus } from '../../shared/cluster.ts';

/**
 * What the observers keep beyond what the run itself needs (issue #19: a long run must not
 * grow by its logs and metric series). The run needs, and always has: every node's line
 * counter (the id a line is printed with), the last value of every metric series (a down
 * orderer's last committed block), the statuses. Kept only when asked:
 */
export interface KeepOptions {
  /**
   * Log lines: every line (`true`: `run --logs`, `serve`, a library caller that reads
   * `logs`), none (`false`, the default), or only the lines whose rendered text (Fabric's
   * line, as `logs` returns it) the predicate accepts (a scenario's `waitFor` log patterns).
   */
  readonly logs?: boolean | ((text: string) => boolean);
  /** Every change point of every metric series (`true`); by default only each series' last value. */
  readonly metrics?: boolean;
}

/** A change point of one metric series. */
export interface MetricPoint {
  readonly t: number;
  readonly value: number;
}

/** One line a node printed, kept as its catalog kind and arguments (rendered when read). */
export interface LogEntry {
  readonly at: number;
  readonly seq: number;
  readonly kind: string;
  readonly args: readonly LogArg[];
  readonly fields?: Readonly<Record<string, string>>;
  /** Printed by an offline command, not by the node process. */
  readonly command?: boolean;
}

/** A node's log: the lines kept since the run began (KeepOptions), and where its current container's start. */
export interface NodeLog {
  entries: LogEntry[];
  /** Index of the first entry since the node's last stop. */
  sinceStop: number;
  seq: number;
}

export class SimObservers {
  private readonly logs_ = new Map<NodeId, NodeLog>();
  private readonly series = new Map<string, MetricPoint[]>();
  /** The validity check's record: submitted transactions folded against the blocks as they are decided (validity.ts). */
  readonly validity = new ValidityFold();
  /** Each node's logging spec: a line below its logger's level is not printed. */
  private readonly logSpecs_ = new Map<NodeId, LogSpec>();
  private defaultLogSpec = new LogSpec(DEFAULT_LOG_SPEC);
  private readonly keepLogs: boolean | ((text: string) => boolean);
  private readonly keepMetrics: boolean;

  constructor(
    private readonly world: SimWorld,
    /** A process died by itself (a peer's panic, a failed `peer node start`), for the reason given. */
    private readonly exited: (node: NodeId, reason: string) => void,
    keep: KeepOptions = {},
  ) {
    this.keepLogs = keep.logs ?? false;
    this.keepMetrics = keep.metrics ?? false;
  }

  private get sim(): Simulation {
    return this.world.sim;
  }

  private get fabric(): Topology {
    return this.world.fabric;
  }

  /** Every node's logging spec from now on, unless `setLogSpec` names the node. */
  setDefaultLogSpec(spec: string): void {
    this.defaultLogSpec = new LogSpec(spec);
  }

  /** Take one trace record in (SimCluster subscribes it to the kernel's events, crashes, restarts and drops). */
  record(r: TraceRecord): void {
    if (r.k === 'event') {
      const e = r.e as { type: string; kind?: string; args?: LogArg[]; fields?: Record<string, string>; name?: string; value?: number; labels?: Record<string, string>; requestId?: string; httpStatus?: number; body?: Record<string, unknown> };
      if (e.type === 'log' && e.kind !== undefined) {
        const fmt = LOG_FORMATS.get(e.kind);
        if (fmt !== undefined && !(this.logSpecs_.get(r.node) ?? this.defaultLogSpec).enabled(fmt.module, fmt.level)) return;
        // No line kept: the line only takes the node's next id (print's first step).
        if (this.keepLogs === false) this.nodeLog(r.node).seq++;
        else this.print(r.node, { at: r.t, kind: e.kind, args: e.args ?? [], ...(e.fields !== undefined ? { fields: e.fields } : {}) });
      } else if (e.type === 'metric' && e.name !== undefined) {
        const key = `${r.node}|${e.name}|${e.labels === undefined ? '' : JSON.stringify(e.labels)}`;
        let s = this.series.get(key);
        if (s === undefined) this.series.set(key, (s = []));
        const point = { t: r.t, value: e.value ?? 0 };
        // Not kept: the series is its last value only (bounded by the number of series).
        if (this.keepMetrics || s.length === 0) s.push(point);
        else s[0] = point;
      } else if (e.type === 'peer.panic' || e.type === 'peer.exit') {
        // The peer process dies (a panic, or `peer node start` failing): the kubelet restarts it with back-off.
        const node = r.node;
        this.exited(node, String((e as { reason?: unknown }).reason ?? e.type));
      } else if (e.type === 'gateway.submitted') {
        this.validity.submitted(String((e as { txId?: unknown }).txId));
      } else if (e.type === 'bft.decided' || e.type === 'raft.decided') {
        // The block just written to this orderer's ledger (the fact follows the write: smartbft/controller.ts deliver, raft/chain.ts).
        const s = this.world.ordererState(r.node);
        if (s !== undefined) this.validity.decided(s.consenter.ledger, Number((e as { seq?: unknown }).seq));
      } else if (e.type === 'gateway.answer' && e.requestId !== undefined) {
        this.world.answered(e.requestId, { httpStatus: e.httpStatus ?? 500, body: e.body ?? {} });
      }
    } else if (r.k === 'drop') {
      if (r.reason === 'down') this.world.refused(r.from, r.to, r.m);
    } else if (r.k === 'crash') {
      const l = this.nodeLog(r.node);
      l.sinceStop = l.entries.length;
    } else if (r.k === 'restart') {
      this.nodeLog(r.node).seq = 0;
    }
  }

  /** Set a node's logging spec from now on (`FABRIC_LOGGING_SPEC` at its start, or `PUT /logspec`). */
  setLogSpec(node: NodeId, spec: string): void {
    this.world.kindOf(node);
    this.logSpecs_.set(node, new LogSpec(spec));
  }

  /** The spec a node's lines are printed by. */
  logSpecOf(node: NodeId): LogSpec {
    return this.logSpecs_.get(node) ?? this.defaultLogSpec;
  }

  /**
   * A node prints a line (its process, or its container outside the process: a failed
   * start, an offline command): the line takes the node's next id, and is kept if the
   * keep options ask for it.
   */
  print(node: NodeId, line: Omit<LogEntry, 'seq'>): void {
    const l = this.nodeLog(node);
    l.seq++;
    const keep = this.keepLogs;
    if (keep === false) return;
    const entry: LogEntry = { ...line, seq: l.seq };
    if (keep !== true) {
      const fmt = LOG_FORMATS.get(entry.kind);
      if (fmt === undefined || !keep(renderLine(fmt, { type: 'log', kind: entry.kind, args: entry.args, ...(entry.fields !== undefined ? { fields: entry.fields } : {}) }, entry.at, entry.seq))) return;
    }
    l.entries.push(entry);
  }

  /** A node's log: its kept lines, where its current container's start, its line counter. */
  nodeLog(node: NodeId): NodeLog {
    let l = this.logs_.get(node);
    if (l === undefined) this.logs_.set(node, (l = { entries: [], sinceStop: 0, seq: 0 }));
    return l;
  }

  /** The stable hash of the run's trace (its identity). */
  traceHash(): string {
    return this.sim.trace.hash();
  }

  /** Change points of a metric on a node: `metric('peer0.techpulse', 'ledger_blockchain_height')`. */
  metric(node: NodeId, name: string, labels?: Readonly<Record<string, string>>): readonly MetricPoint[] {
    if (labels !== undefined) return this.series.get(`${node}|${name}|${JSON.stringify(labels)}`) ?? [];
    for (const [k, v] of this.series) if (k.startsWith(`${node}|${name}|`)) return v;
    return [];
  }

  /** Every metric series, keyed `node|name|labels`. */
  metricSeries(): ReadonlyMap<string, readonly MetricPoint[]> {
    return this.series;
  }

  /** A series sampled every `stepMs` from 0 to now (the value in force at each sample time). */
  sampleMetric(node: NodeId, name: string, stepMs = 1000): MetricPoint[] {
    const pts = this.metric(node, name);
    const out: MetricPoint[] = [];
    let i = 0;
    let v: number | undefined;
    for (let t = 0; t <= this.sim.now; t += stepMs) {
      while (i < pts.length && (pts[i] as MetricPoint).t <= t) v = (pts[i++] as MetricPoint).value;
      if (v !== undefined) out.push({ t, value: v });
    }
    return out;
  }

  /** An orderer's status: its consenter's, or, when it is down, its last committed block and its ledger. */
  ordererStatus(orderer: NodeId): OrdererStatus {
    if (this.world.kindOf(orderer) !== 'orderer') throw new Error(`${orderer} is not an orderer`);
    const s = this.world.ordererState(orderer);
    if (s === undefined) {
      const last = this.metric(orderer, 'consensus_BFT_committed_block_number');
      const committed = last[last.length - 1]?.value ?? 0;
      return { committedBlock: committed, lastBlock: this.sim.durable(orderer).listLength('ledger'), view: 0, leader: null, role: 'down' };
    }
    const st = this.world.consenterStatus(s);
    return { committedBlock: st.committedBlock, lastBlock: st.lastBlock, view: st.view, leader: st.leader, role: st.role === 'candidate' ? 'follower' : st.role };
  }

  /** The node's log lines, parsed: since the node's last stop (what `oc logs` shows), or `all` since the run began. */
  logLines(node: NodeId, all: boolean): ClusterLogLine[] {
    const k = this.world.kindOf(node);
    if (k === 'couchdb') return [];
    // Reading lines the cluster was told not to keep would be a silent empty answer: say so.
    if (this.keepLogs === false) throw new Error(`the log lines of ${node} were not kept: open the cluster with keep: { logs: true } (run --logs), or through simClusterFor, which keeps the lines its scenario's waitFor steps look for`);
    const l = this.logs_.get(node);
    if (l === undefined) return [];
    const out: ClusterLogLine[] = [];
    for (let i = all ? 0 : l.sinceStop; i < l.entries.length; i++) {
      const e = l.entries[i] as LogEntry;
      const fmt = LOG_FORMATS.get(e.kind);
      if (fmt === undefined) continue;
      const ev = { type: 'log' as const, kind: e.kind, args: e.args, ...(e.fields !== undefined ? { fields: e.fields } : {}) };
      out.push({
        at: e.at,
        node,
        level: fmt.level,
        module: fmt.module,
        func: fmt.func,
        message: sprintf(fmt.format, e.args),
        kind: e.kind,
        args: e.args,
        text: renderLine(fmt, ev, e.at, e.seq),
      });
    }
    return out;
  }

  /** `peer channel getinfo`'s figures (height, current and previous block hash). */
  channelInfo(peer: NodeId): ChainInfo {
    const s = this.world.peerState(this.world.peerOf(peer));
    if (s.ledger === null) throw new Error(`channel ${CHANNEL} not found on ${peer}: ${s.ledgerError ?? ''}`);
    return s.ledger.info();
  }

  /** `peer channel getinfo -c certchannel` stdout, byte for byte. */
  getinfo(peer: NodeId): string {
    const s = this.world.peerState(this.world.peerOf(peer));
    if (s.ledger === null) throw new Error(`channel ${CHANNEL} not found on ${peer}`);
    return getinfoOutput(s.ledger.info());
  }

  /** CouchDB `GET /<db>` of a peer's CouchDB (peer or couchdb id); undefined when the database does not exist. */
  dbInfo(peerOrCouchdb: NodeId, db = namespaceDbName(CHAINCODE)): CouchDbInfo | undefined {
    const peer = this.world.peerOf(peerOrCouchdb);
    return this.sim.durable(peer).get<CouchDbInfo>(`${COUCH_PREFIX}${db}/_info`);
  }

  /** CouchDB `doc_count` of the chaincode's database; throws when CouchDB is down or the database does not exist. */
  stateDocCount(peer: NodeId): number {
    const p = this.world.peerOf(peer);
    const spec = this.fabric.peers.find((x) => x.id === p);
    if (spec !== undefined && this.world.couchdbDown.has(spec.couchdb)) throw new Error(`CouchDB ${spec.couchdb} is down`);
    const info = this.dbInfo(p);
    if (info === undefined) throw new Error(DB_NOT_FOUND);
    return info.doc_count;
  }
}
