/**
 * `SimCluster`: the simulator behind the `Cluster` port (src/scenarios/cluster.ts). It wires
 * a Fabric network of the given topology onto the kernel (orderers = SmartBFT consenters +
 * Deliver, peers with their CouchDB volumes, one gateway per org), sets the channel up
 * (chaincode definition, a few certificates per org, including `TP-FSWD-001`), and maps
 * every lab operation onto simulated time: an async operation advances the simulation until
 * its answer (or a timeout) and resolves.
 *
 * Faults are the lab's: `stop`/`start` crash and restart a process (an orderer's death
 * resets its TCP connections, so delivering peers notice at once, and its host refuses new
 * ones); `dropStateDatabase` deletes the database from the peer's CouchDB volume (a running
 * peer panics at its next commit that writes to it); `rebuildDbs` is the offline command
 * (refused while the peer runs, failing after its retries while CouchDB is down). Beyond the lab: partitions, Byzantine orderers, load.
 *
 * Pods: `stop` scales a deployment to 0 (it stays down until `start`). A container that
 * dies by itself (a peer's panic, a failed `peer node start`) is restarted by the kubelet
 * with CrashLoopBackOff: 10 s, 20 s, 40 s, ... capped at 5 min, the back-off reset after
 * 10 min of running (kubelet's defaults). A peer started while its CouchDB is down retries
 * it maxRetriesOnStartup times (about 2 min) and panics with `Error in instantiating ledger
 * provider: ...` (core/ledger/ledgermgmt/ledger_mgmt.go:85), before opening any channel.
 *
 * Observations come from the trace: log lines per node (rendered with Fabric's line shape;
 * `logs(node)` is what `oc logs` shows: since the node's last stop), metric change points,
 * and gateway answers.
 */
import { countLoadError, loadCertificate, type Certificate, type ChannelInfo, type Cluster, type ClusterLogLine, type IssueResult, type LoadStarted, type LoadTally, type NodeId, type OkResult, type OrdererStatus, type TopologyInfo, type VerifyResult } from '../../scenarios/cluster.ts';
import type { ActionHandle, Simulation } from '../kernel/index.ts';
import type { SmartBftConfig } from '../smartbft/api.ts';
import { isByzantineBehaviour } from '../smartbft/byzantine.ts';
import { RAFT_BYZANTINE_BEHAVIOURS } from '../raft/index.ts';
import { computeQuorum } from '../consensus/quorum.ts';
import { resolveOnTarget } from '../consensus/selectors.ts';
import { LOG_FORMATS } from '../logs/catalog.ts';
import type { Block } from '../fabric/block.ts';
import { CHAINCODE } from '../fabric/chaincode.ts';
import { DB_NOT_FOUND, deleteDatabase, namespaceDbName, type CouchDbInfo } from '../fabric/couchdb.ts';
import { ledgerProviderPanic, rebuildDbs, resetLedger, rollbackLedger, type CommandResult } from '../fabric/offline.ts';
import { blocksToReplay } from '../fabric/kvledger.ts';
import type { CostModel } from '../fabric/profile.ts';
import type { Topology } from '../fabric/topology.ts';
import { SimWorld, type WorldOptions } from './world.ts';
import { SimObservers, type MetricPoint } from './observers.ts';

export type { MetricPoint } from './observers.ts';

/** How `SimCluster.create` opens the simulator: the world's options (world.ts), the nodes' and the channel's. */
export interface SimClusterOptions extends WorldOptions {
  readonly smartbft?: Partial<SmartBftConfig>;
  /** Set up the channel (chaincode definition and initial certificates). Default true. */
  readonly bootstrap?: boolean;
  /** Every node's `FABRIC_LOGGING_SPEC` (flogging semantics, default `info`); `logSpecs` overrides per node. */
  readonly logSpec?: string;
  readonly logSpecs?: Readonly<Record<NodeId, string>>;
}

/** A background load: how many it asked for, and the requests sent so far. */
interface SimLoad {
  readonly count: number;
  readonly requestIds: string[];
}

/** kubelet's CrashLoopBackOff: the first restart delay, doubled per crash, capped (pkg/kubelet/kubelet.go backOffPeriod, MaxContainerBackOff). */
export const CRASH_BACKOFF_INITIAL_MS = 10_000;
export const CRASH_BACKOFF_MAX_MS = 300_000;
/** A container that ran this long without crashing starts its back-off from the beginning again. */
export const CRASH_BACKOFF_RESET_MS = 600_000;

/** One container's restart history under the kubelet. */
interface PodState {
  /** Restarts by the kubelet so far (`oc get pods` RESTARTS). */
  restarts: number;
  /** The back-off's exponent: the next delay is 10 s x 2^step. */
  step: number;
  startedAt: number;
  /** The kubelet's pending restart, or the steps of a start in progress (CouchDB retries). */
  pending: ActionHandle[];
  /** A start is in progress (the peer retrying its CouchDB before it panics). */
  starting: boolean;
}

export class SimCluster implements Cluster {
  readonly target = 'sim' as const;
  readonly topology: TopologyInfo;
  readonly genesis: Block;
  /** Why a process last died on its own (panic, failed start). */
  private readonly exits = new Map<NodeId, string>();
  /** Deployments scaled to 0 by `stop`: the kubelet does not restart them. */
  private readonly scaledDown = new Set<NodeId>();
  private readonly pods = new Map<NodeId, PodState>();

  private constructor(
    /** The nodes, the network and simulated time (world.ts). */
    readonly world: SimWorld,
  ) {
    this.topology = world.topology;
    this.genesis = world.genesis;
    this.observers = new SimObservers(world, (node, reason) => this.exited(node, reason));
  }

  /** What the cluster shows of itself: logs, metrics, statuses (observers.ts). */
  readonly observers: SimObservers;

  /** The kernel's simulation the cluster runs on. */
  get sim(): Simulation {
    return this.world.sim;
  }

  /** The full model topology (orgs, policy, dissemination...). */
  get fabric(): Topology {
    return this.world.fabric;
  }

  /** The measured costs the nodes charge (the profile's, or the built-in default's). */
  get cost(): CostModel {
    return this.world.cost;
  }

  /** Build the network, start every node and (by default) set the channel up. */
  static async create(options: SimClusterOptions): Promise<SimCluster> {
    const world = SimWorld.open(options);
    const c = new SimCluster(world);
    if (options.logSpec !== undefined) c.observers.setDefaultLogSpec(options.logSpec);
    for (const [node, spec] of Object.entries(options.logSpecs ?? {})) c.setLogSpec(node, spec);
    world.sim.observe((r) => c.observers.record(r), ['event', 'crash', 'restart', 'drop']);
    world.addNodes(options.smartbft);
    if (options.bootstrap ?? true) await world.bootstrap();
    return c;
  }

  // --- observation ----------------------------------------------------------------------

  /** A process died by itself (a panic, or `peer node start` failing): the kubelet restarts it with back-off. */
  private exited(node: NodeId, reason: string): void {
    this.exits.set(node, reason);
    this.sim.after(0, () => {
      if (!this.sim.isUp(node)) return;
      this.crash(node);
      this.crashLoop(node);
    });
  }

  /** Set a node's logging spec from now on (`FABRIC_LOGGING_SPEC` at its start, or `PUT /logspec`). */
  setLogSpec(node: NodeId, spec: string): void {
    this.observers.setLogSpec(node, spec);
  }

  /** Every transaction id a gateway has submitted to the ordering service so far. */
  submittedTxIds(): ReadonlySet<string> {
    return this.observers.submittedTxIds();
  }

  /** The stable hash of the run's trace (its identity). */
  traceHash(): string {
    return this.observers.traceHash();
  }

  /** Change points of a metric on a node: `metric('peer0.techpulse', 'ledger_blockchain_height')`. */
  metric(node: NodeId, name: string, labels?: Readonly<Record<string, string>>): readonly MetricPoint[] {
    return this.observers.metric(node, name, labels);
  }

  /** Every metric series, keyed `node|name|labels`. */
  metricSeries(): ReadonlyMap<string, readonly MetricPoint[]> {
    return this.observers.metricSeries();
  }

  /** A series sampled every `stepMs` from 0 to now (the value in force at each sample time). */
  sampleMetric(node: NodeId, name: string, stepMs = 1000): MetricPoint[] {
    return this.observers.sampleMetric(node, name, stepMs);
  }

  async ordererStatus(orderer: NodeId): Promise<OrdererStatus> {
    return this.observers.ordererStatus(orderer);
  }

  /** The node's log lines, parsed, as `oc logs` shows them: since the node's last stop. */
  async logs(node: NodeId): Promise<readonly ClusterLogLine[]> {
    return this.observers.logLines(node, false);
  }

  /** Every log line of the node since the run began. */
  allLogs(node: NodeId): readonly ClusterLogLine[] {
    return this.observers.logLines(node, true);
  }

  async channelInfo(peer: NodeId): Promise<ChannelInfo> {
    return this.observers.channelInfo(peer);
  }

  /** `peer channel getinfo -c certchannel` stdout, byte for byte. */
  getinfo(peer: NodeId): string {
    return this.observers.getinfo(peer);
  }

  /** CouchDB `GET /<db>` of a peer's CouchDB (peer or couchdb id); undefined when the database does not exist. */
  dbInfo(peerOrCouchdb: NodeId, db?: string): CouchDbInfo | undefined {
    return this.observers.dbInfo(peerOrCouchdb, db);
  }

  async stateDocCount(peer: NodeId): Promise<number> {
    return this.observers.stateDocCount(peer);
  }

  // --- running the simulation -----------------------------------------------------------

  now(): number {
    return this.world.now();
  }

  /** Height of the orderers' chain (the highest among running orderers, genesis included). */
  ordererHeight(): number {
    return this.world.ordererHeight();
  }

  // --- the lab's operations -------------------------------------------------------------

  async issueCertificate(via: string, cert: Certificate): Promise<IssueResult> {
    const a = await this.world.request(this.world.orgOf(via), { type: 'issue', requestId: '', cert });
    if (a.httpStatus < 300) return { ok: true, txID: String(a.body['txID']), block: Number(a.body['blockNumber']) };
    const txID = a.body['txID'];
    return { ok: false, error: String(a.body['error']) + this.orderingDiagnosis(a.httpStatus), ...(typeof txID === 'string' ? { txID } : {}) };
  }

  /**
   * What the model knows and the API does not say: after a commit timeout, whether the
   * ordering service could decide at all (fewer than Q orderers up).
   */
  private orderingDiagnosis(httpStatus: number): string {
    if (httpStatus !== 504) return '';
    const n = this.topology.orderers.length;
    const { q } = computeQuorum(n);
    const up = this.topology.orderers.filter((o) => this.sim.isUp(o)).length;
    return up < q ? ` (the ordering service cannot decide: ${up} of ${n} orderers are up, a block needs a quorum of ${q})` : '';
  }

  async verifyCertificate(certID: string, via: string): Promise<VerifyResult> {
    const a = await this.world.request(this.world.orgOf(via), { type: 'verify', requestId: '', certID });
    if (a.httpStatus >= 300) return { status: 'NOT_FOUND', error: String(a.body['error']) };
    const cert = a.body['certificate'] as (Certificate & { revoked?: boolean }) | undefined;
    const status = a.body['status'] as VerifyResult['status'];
    if (cert === undefined) return { status };
    const c = cert as unknown as Record<string, unknown>;
    return {
      status,
      certificate: {
        certID: String(c['certID']),
        studentID: String(c['studentID']),
        studentName: String(c['studentName']),
        courseID: String(c['courseID']),
        courseName: String(c['courseName']),
        issueDate: String(c['issueDate']),
        expiryDate: String(c['expiryDate']),
        revoked: c['revoked'] === true,
      },
    };
  }

  async revokeCertificate(certID: string, via: string): Promise<OkResult> {
    const a = await this.world.request(this.world.orgOf(via), { type: 'revoke', requestId: '', certID });
    return a.httpStatus < 300 ? { ok: true } : { ok: false, error: String(a.body['error']) };
  }

  /** The REST API's raw answer (status and JSON body) for `POST /api/v1/certificates`. */
  async issueRaw(via: string, cert: Certificate): Promise<{ httpStatus: number; body: Readonly<Record<string, unknown>> }> {
    return this.world.request(this.world.orgOf(via), { type: 'issue', requestId: '', cert });
  }

  /** The REST API's raw answer for `GET /api/v1/verify/{id}`. */
  async verifyRaw(certID: string, via: string): Promise<{ httpStatus: number; body: Readonly<Record<string, unknown>> }> {
    return this.world.request(this.world.orgOf(via), { type: 'verify', requestId: '', certID });
  }

  async stop(node: NodeId): Promise<OkResult> {
    const k = this.world.kindOf(node);
    if (k === 'couchdb') {
      this.world.couchdbDown.add(node);
      const peer = this.world.peerOf(node);
      this.sim.note(`couchdb ${node} stopped`);
      if (this.sim.isUp(peer)) {
        // A runtime CouchDB failure panics the peer (fabric#3633).
        this.sim.note(`${peer} panics: its state database ${node} is unreachable`);
        this.exits.set(peer, `its state database ${node} is unreachable`);
        this.crash(peer);
        this.crashLoop(peer);
      }
      return { ok: true };
    }
    // `oc scale --replicas=0`: the kubelet leaves it down, a pending restart is called off.
    this.scaledDown.add(node);
    this.cancelPod(node);
    if (!this.sim.isUp(node)) return { ok: true };
    this.crash(node);
    return { ok: true };
  }

  private pod(node: NodeId): PodState {
    let p = this.pods.get(node);
    if (p === undefined) this.pods.set(node, (p = { restarts: 0, step: 0, startedAt: 0, pending: [], starting: false }));
    return p;
  }

  private cancelPod(node: NodeId): void {
    const p = this.pods.get(node);
    if (p === undefined) return;
    for (const h of p.pending) this.sim.cancel(h);
    p.pending = [];
    p.starting = false;
  }

  /** The container died by itself: the kubelet restarts it after its back-off, unless the deployment is scaled to 0. */
  private crashLoop(node: NodeId): void {
    if (this.scaledDown.has(node)) return;
    const p = this.pod(node);
    this.cancelPod(node);
    if (this.sim.now - p.startedAt >= CRASH_BACKOFF_RESET_MS) p.step = 0;
    const delay = Math.min(CRASH_BACKOFF_INITIAL_MS * 2 ** p.step, CRASH_BACKOFF_MAX_MS);
    p.step++;
    this.sim.note(`${node} CrashLoopBackOff: back-off ${delay / 1000}s restarting failed container`);
    p.pending = [
      this.sim.after(delay, () => {
        p.pending = [];
        if (this.scaledDown.has(node) || this.sim.isUp(node)) return;
        p.restarts++;
        this.launch(node);
      }),
    ];
  }

  /** A new container of `node`: the process starts (a peer whose CouchDB is down retries it, then panics). */
  private launch(node: NodeId): void {
    const p = this.pod(node);
    p.startedAt = this.sim.now;
    const spec = this.fabric.peers.find((x) => x.id === node);
    this.exits.delete(node);
    if (spec === undefined || !this.world.couchdbDown.has(spec.couchdb)) {
      // The process starts: the measured time to its `/healthz`, plus, for a peer whose
      // state database is behind its block store (after rebuild-dbs), the replay of those
      // blocks at the measured rate (calibration profile). It serves nothing until then.
      const replay = spec !== undefined ? blocksToReplay(this.sim.durable(node)) : 0;
      const startMs = (spec !== undefined ? this.cost.peerStartMs : this.cost.ordererStartMs) + Math.round((replay * 1000) / this.cost.replayBlocksPerSec);
      if (startMs <= 0) {
        this.sim.restart(node);
        return;
      }
      p.starting = true;
      p.pending = [
        this.sim.after(startMs, () => {
          p.pending = [];
          p.starting = false;
          this.sim.restart(node);
        }),
      ];
      return;
    }
    // The new container's log (what `oc logs` shows) starts empty.
    const l = this.observers.nodeLog(node);
    l.sinceStop = l.entries.length;
    l.seq = 0;
    const r = ledgerProviderPanic({ address: `${spec.couchdb}:5984`, up: false });
    p.starting = true;
    this.sim.note(`${node} starts with CouchDB ${spec.couchdb} down`);
    p.pending = r.logs.map((e) =>
      this.sim.after(e.atMs ?? 0, () => {
        if (!this.observers.logSpecOf(node).enabled(LOG_FORMATS.get(e.kind)?.module ?? '', LOG_FORMATS.get(e.kind)?.level ?? 'INFO')) return;
        l.seq++;
        l.entries.push({ at: this.sim.now, seq: l.seq, kind: e.kind, args: e.args });
      }),
    );
    p.pending.push(
      this.sim.after(r.durationMs, () => {
        p.pending = [];
        p.starting = false;
        this.exits.set(node, `panic: ${r.reason}`);
        this.sim.note(`${node} panics: ${r.reason}`);
        this.crashLoop(node);
      }),
    );
  }

  private crash(node: NodeId): void {
    this.sim.crash(node);
    if (this.world.kindOf(node) === 'orderer') {
      // The process is gone: its TCP connections are reset.
      for (const p of this.topology.peers) if (this.sim.isUp(p)) this.sim.command(p, { type: 'connectionReset', orderer: node }, `connectionReset ${node}`);
    }
  }

  async start(node: NodeId): Promise<OkResult> {
    const k = this.world.kindOf(node);
    if (k === 'couchdb') {
      this.world.couchdbDown.delete(node);
      this.sim.note(`couchdb ${node} started`);
      return { ok: true };
    }
    // `oc scale --replicas=1`: a container starts now (a pending back-off restart is replaced by it).
    this.scaledDown.delete(node);
    if (this.sim.isUp(node)) return { ok: true };
    const pod = this.pod(node);
    if (!pod.starting) {
      this.cancelPod(node);
      this.launch(node);
    }
    // `oc rollout status`: the pod is ready a moment later, or its process has died (a
    // peer whose CouchDB is down panics after its retries).
    if (pod.starting) this.world.runUntil(() => !pod.starting, Math.max(this.world.opTimeoutMs, 600_000));
    this.sim.run({ until: this.sim.now + 1 });
    const exit = this.exits.get(node);
    if (exit !== undefined && !this.sim.isUp(node)) return { ok: false, error: `${node} exited: ${exit}` };
    return { ok: true };
  }

  /** How often the kubelet restarted the node's container after it died by itself (`oc get pods` RESTARTS). */
  restarts(node: NodeId): number {
    return this.pods.get(node)?.restarts ?? 0;
  }

  async isUp(node: NodeId): Promise<boolean> {
    if (this.world.kindOf(node) === 'couchdb') return !this.world.couchdbDown.has(node);
    return this.sim.isUp(node);
  }

  async dropStateDatabase(peer: NodeId): Promise<OkResult> {
    const p = this.world.peerOf(peer);
    const db = namespaceDbName(CHAINCODE);
    const couch = this.fabric.peers.find((x) => x.id === p)?.couchdb;
    if (couch !== undefined && this.world.couchdbDown.has(couch)) {
      return { ok: false, error: `curl: (7) Failed to connect to ${couch} port 5984: Connection refused (CouchDB is stopped)` };
    }
    if (!deleteDatabase(this.sim.durable(p), db)) return { ok: false, error: DB_NOT_FOUND };
    this.sim.note(`DELETE ${db} on ${p}'s CouchDB`);
    if (this.sim.isUp(p)) {
      // The running peer keeps its handle to the database: its next commit that writes to
      // it gets CouchDB's 404 and panics (fabric#3633); until then it runs on.
      this.sim.command(p, { type: 'stateDatabaseDeleted', db }, `stateDatabaseDeleted ${db}`);
    }
    return { ok: true };
  }

  private offline(peer: NodeId, name: string, run: (up: boolean) => CommandResult): OkResult {
    const p = this.world.peerOf(peer);
    const r = run(this.sim.isUp(p));
    this.sim.note(`peer node ${name} on ${p}: ${r.ok ? 'ok' : r.error ?? 'failed'}`);
    const l = this.observers.nodeLog(p);
    for (const e of r.logs) {
      l.seq++;
      l.entries.push({ at: this.sim.now + (e.atMs ?? 0), seq: l.seq, kind: e.kind, args: e.args, command: true });
    }
    if (r.durationMs !== undefined && r.durationMs > 0) this.sim.run({ until: this.sim.now + r.durationMs });
    return r.ok ? { ok: true } : { ok: false, error: r.error ?? `${name} failed` };
  }

  async rebuildDbs(peer: NodeId): Promise<OkResult> {
    const p = this.world.peerOf(peer);
    const couch = this.fabric.peers.find((x) => x.id === p)?.couchdb as NodeId;
    return this.offline(p, 'rebuild-dbs', (up) => {
      const r = rebuildDbs(this.sim.durable(p), up, { address: `${couch}:5984`, up: !this.world.couchdbDown.has(couch) });
      // A command that ran takes the measured time of `peer node rebuild-dbs` (process start, drops, exit).
      return r.ok ? { ...r, durationMs: (r.durationMs ?? 0) + this.cost.rebuildCommandMs } : r;
    });
  }

  /** `peer node reset` (peer stopped). */
  async resetLedger(peer: NodeId): Promise<OkResult> {
    const p = this.world.peerOf(peer);
    return this.offline(p, 'reset', (up) => resetLedger(this.sim.durable(p), up));
  }

  /** `peer node rollback -c certchannel -b N` (peer stopped). */
  async rollbackLedger(peer: NodeId, blockNumber: number): Promise<OkResult> {
    const p = this.world.peerOf(peer);
    return this.offline(p, `rollback -b ${blockNumber}`, (up) => rollbackLedger(this.sim.durable(p), up, blockNumber));
  }

  // --- waiting ---------------------------------------------------------------------------

  waitUntil(condition: () => Promise<boolean> | boolean, timeoutMs: number, pollMs?: number): Promise<boolean> {
    return this.world.waitUntil(condition, timeoutMs, pollMs);
  }

  sleep(ms: number): Promise<void> {
    return this.world.sleep(ms);
  }

  async resolve(nodeOrSelector: string): Promise<readonly NodeId[]> {
    const t = this.topology;
    return resolveOnTarget(t, nodeOrSelector, {
      isNode: (n) => t.orderers.includes(n) || t.peers.includes(n) || t.couchdbs.includes(n),
      nodes: [...t.orderers, ...t.peers, ...t.couchdbs],
      leaderRule: this.fabric.consensus,
      ordererStatuses: () => Promise.all(t.orderers.map((o) => this.ordererStatus(o))),
    });
  }

  async pauseAutoHeal(): Promise<OkResult> {
    return { ok: true };
  }

  async resumeAutoHeal(): Promise<OkResult> {
    return { ok: true };
  }

  // --- faults beyond the lab -------------------------------------------------------------

  async partition(groups: readonly (readonly NodeId[])[]): Promise<OkResult> {
    // kindOf rejects an unknown id: a typo must not leave the named node in the "everyone
    // else" group and silently cut nothing.
    const mapped = groups.map((g) => {
      const ids = g.map((n) => (this.world.kindOf(n) === 'couchdb' ? this.world.peerOf(n) : n));
      // An org's API sits with its gateway peer.
      for (const gw of this.fabric.gateways) if (ids.includes(gw.peer)) ids.push(gw.id);
      return ids;
    });
    this.sim.network.partition(mapped);
    this.sim.note(`partition ${JSON.stringify(mapped)}`);
    return { ok: true };
  }

  /** One-way cuts: nothing `from` sends reaches `to` (each pair of different nodes); the other way still works. */
  async cut(from: readonly NodeId[], to: readonly NodeId[]): Promise<OkResult> {
    for (const a of from) for (const b of to) if (a !== b) for (const x of this.world.linkEnds(a)) for (const y of this.world.linkEnds(b)) this.sim.network.cut(x, y);
    this.sim.note(`cut ${JSON.stringify(from)} -> ${JSON.stringify(to)}`);
    return { ok: true };
  }

  /** Drop the messages of the given types (`Commit`, `HeartBeat`, ...) from each of `from` to each of `to`. */
  async dropMessages(from: readonly NodeId[], to: readonly NodeId[], types: readonly string[]): Promise<OkResult> {
    for (const a of from) for (const b of to) if (a !== b) this.sim.network.dropTypes(a, b, types);
    this.sim.note(`drop ${types.join(',')} ${JSON.stringify(from)} -> ${JSON.stringify(to)}`);
    return { ok: true };
  }

  async heal(): Promise<OkResult> {
    this.sim.network.heal();
    this.sim.note('heal');
    return { ok: true };
  }

  async setByzantine(node: NodeId, behaviour: string | null): Promise<OkResult> {
    if (this.world.kindOf(node) !== 'orderer') return { ok: false, error: `${node} is not an orderer: only orderers take Byzantine behaviours` };
    const known = this.fabric.consensus === 'raft' ? (b: string): boolean => (RAFT_BYZANTINE_BEHAVIOURS as readonly string[]).includes(b) : isByzantineBehaviour;
    if (behaviour !== null && behaviour !== 'censorDeliver' && !known(behaviour)) {
      return { ok: false, error: `unknown Byzantine behaviour "${behaviour}"` };
    }
    if (!this.sim.isUp(node)) return { ok: false, error: `${node} is down` };
    this.sim.command(node, { type: 'byzantine', behaviour }, `byzantine ${behaviour ?? 'off'}`);
    return { ok: true };
  }

  async startLoad(via: string, count: number, everyMs: number): Promise<LoadStarted> {
    const org = this.world.orgOf(via);
    if (!Number.isInteger(count) || count < 1) return { ok: false, error: `load count must be an integer >= 1, got ${count}` };
    if (!(everyMs >= 0)) return { ok: false, error: `load interval must be >= 0 ms, got ${everyMs}` };
    const base = this.sim.now;
    const tag = this.world.nextTag();
    const load: SimLoad = { count, requestIds: [] };
    this.loads.push(load);
    for (let i = 0; i < count; i++) {
      this.sim.at(base + i * everyMs, () => {
        const cert = loadCertificate(org, i + 1, `${org.toUpperCase()}-${tag}`);
        load.requestIds.push(this.world.send(org, { type: 'issue', requestId: '', cert }));
      });
    }
    return { ok: true, load: this.loads.length - 1 };
  }

  /** Background loads, by the id `startLoad` gave (their index). */
  private readonly loads: SimLoad[] = [];

  async loadTally(loadId: number): Promise<LoadTally> {
    const load = this.loads[loadId];
    if (load === undefined) throw new Error(`no background load ${loadId}`);
    let committed = 0;
    let failed = 0;
    const errors: Record<string, number> = {};
    for (const id of load.requestIds) {
      const a = this.world.answers.get(id);
      if (a === undefined) continue;
      if (a.httpStatus < 300) committed++;
      else {
        failed++;
        countLoadError(errors, String(a.body['error']));
      }
    }
    const issued = load.requestIds.length;
    return { count: load.count, issued, committed, failed, pending: issued - committed - failed, errors };
  }

  async close(): Promise<void> {
    // Nothing to release: the simulation holds no outside resources.
  }
}

