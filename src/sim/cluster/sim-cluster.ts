/**
 * `SimCluster`: the simulator behind the `Cluster` port (src/scenarios/cluster.ts), a thin
 * adapter over three modules, each with a small interface:
 *
 * - the world (world.ts): the Fabric network of the topology on the kernel, its names, the
 *   channel's set-up, simulated time (an async operation advances the simulation until its
 *   answer, or a timeout, and resolves) and the gateways' requests;
 * - the fault injector (faults.ts): the lab's faults (stop/start under the kubelet, a
 *   dropped state database, the offline peer commands) and those beyond it (partitions,
 *   cuts, dropped message types, Byzantine orderers);
 * - the observers (observers.ts): log lines, metric series, gateway answers and the
 *   statuses peers and orderers report, read from the trace.
 *
 * What is left here is the port's vocabulary: the lab's REST operations on the gateways
 * (issue, verify, revoke, with the model's diagnosis of a commit timeout), background load,
 * and the selectors, resolved from the orderers' statuses by the one rule every target
 * shares (src/sim/consensus/selectors.ts).
 */
import { countLoadError, loadCertificate, type Certificate, type ChannelInfo, type Cluster, type ClusterLogLine, type IssueResult, type LoadStarted, type LoadTally, type NodeId, type OkResult, type OrdererStatus, type TopologyInfo, type VerifyResult } from '../../shared/cluster.ts';
import type { ActionHandle, Simulation } from '../kernel/index.ts';
import type { SmartBftConfig } from '../smartbft/api.ts';
import { computeQuorum } from '../consensus/quorum.ts';
import { resolveOnTarget } from '../consensus/selectors.ts';
import type { Block } from '../fabric/block.ts';
import type { CouchDbInfo } from '../fabric/couchdb.ts';
import type { CostModel } from '../fabric/profile.ts';
import type { Topology } from '../fabric/topology.ts';
import { SimWorld, type WorldOptions } from './world.ts';
import { SimObservers, type KeepOptions, type MetricPoint } from './observers.ts';
import { SimFaults } from './faults.ts';
import type { ValidityFold } from './validity.ts';

export type { KeepOptions, MetricPoint } from './observers.ts';
export { CRASH_BACKOFF_INITIAL_MS, CRASH_BACKOFF_MAX_MS, CRASH_BACKOFF_RESET_MS } from './faults.ts';

/** How `SimCluster.create` opens the simulator: the world's options (world.ts), the nodes' and the channel's. */
export interface SimClusterOptions extends WorldOptions {
  readonly smartbft?: Partial<SmartBftConfig>;
  /** Set up the channel (chaincode definition and initial certificates). Default true. */
  readonly bootstrap?: boolean;
  /** Every node's `FABRIC_LOGGING_SPEC` (flogging semantics, default `info`); `logSpecs` overrides per node. */
  readonly logSpec?: string;
  readonly logSpecs?: Readonly<Record<NodeId, string>>;
  /**
   * What the cluster keeps beyond what the run needs: log lines (all, none, or those a
   * predicate on the rendered line accepts) and every metric change point. Default: no log
   * lines and each metric series' last value, so a long run does not grow by them
   * (`logs`/`allLogs` then return no lines, `metric` one point per series).
   */
  readonly keep?: KeepOptions;
}

/**
 * A background load: how many it asked for, how many were sent, and the answers folded in
 * as they arrive (no answer is kept): the counts, and each failure's reason with its place
 * in the load, so the tally lists reasons in the order of the requests, as before.
 */
interface SimLoad {
  readonly count: number;
  issued: number;
  committed: number;
  readonly failures: { readonly index: number; readonly error: string }[];
}

export class SimCluster implements Cluster {
  readonly target = 'sim' as const;
  readonly topology: TopologyInfo;
  readonly genesis: Block;

  /** What the cluster shows of itself: logs, metrics, statuses (observers.ts). */
  readonly observers: SimObservers;
  /** The faults done to the world: processes, storage, the network, Byzantine orderers (faults.ts). */
  readonly faults: SimFaults;

  private constructor(
    /** The nodes, the network and simulated time (world.ts). */
    readonly world: SimWorld,
    keep: KeepOptions | undefined,
  ) {
    this.topology = world.topology;
    this.genesis = world.genesis;
    // A process that dies by itself, seen in the trace, is the kubelet's to restart.
    this.observers = new SimObservers(world, (node, reason) => this.faults.exited(node, reason), keep);
    this.faults = new SimFaults(world, this.observers);
  }

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
    const c = new SimCluster(world, options.keep);
    if (options.logSpec !== undefined) c.observers.setDefaultLogSpec(options.logSpec);
    for (const [node, spec] of Object.entries(options.logSpecs ?? {})) c.setLogSpec(node, spec);
    world.sim.observe((r) => c.observers.record(r), ['event', 'crash', 'restart', 'drop']);
    world.addNodes(options.smartbft);
    if (options.bootstrap ?? true) await world.bootstrap();
    return c;
  }

  // --- observation ----------------------------------------------------------------------

  /** Set a node's logging spec from now on (`FABRIC_LOGGING_SPEC` at its start, or `PUT /logspec`). */
  setLogSpec(node: NodeId, spec: string): void {
    this.observers.setLogSpec(node, spec);
  }

  /** The validity check's record: submitted transactions not ordered yet, and the decided blocks folded against them (validity.ts). */
  get validity(): ValidityFold {
    return this.observers.validity;
  }

  /** The stable hash of the run's trace (its identity). */
  traceHash(): string {
    return this.observers.traceHash();
  }

  /** A scenario step's start or end, into the trace (outside its hash). */
  recordStep(step: Parameters<Simulation['step']>[0]): void {
    this.sim.step(step);
  }

  /** Change points of a metric on a node: `metric('peer0.techpulse', 'ledger_blockchain_height')` (only the last unless `keep.metrics`). */
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

  /** The node's log lines, parsed, as `oc logs` shows them: since the node's last stop (the lines `keep.logs` kept). */
  async logs(node: NodeId): Promise<readonly ClusterLogLine[]> {
    return this.observers.logLines(node, false);
  }

  /** Every log line of the node since the run began (the lines `keep.logs` kept). */
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

  // --- faults ----------------------------------------------------------------------------

  /** `oc scale --replicas=0` (an orderer or a peer), or CouchDB stopped (its peer panics). */
  stop(node: NodeId): Promise<OkResult> {
    return this.faults.stop(node);
  }

  /** `oc scale --replicas=1`, then `oc rollout status`. */
  start(node: NodeId): Promise<OkResult> {
    return this.faults.start(node);
  }

  /** How often the kubelet restarted the node's container after it died by itself (`oc get pods` RESTARTS). */
  restarts(node: NodeId): number {
    return this.faults.restarts(node);
  }

  isUp(node: NodeId): Promise<boolean> {
    return this.faults.isUp(node);
  }

  dropStateDatabase(peer: NodeId): Promise<OkResult> {
    return this.faults.dropStateDatabase(peer);
  }

  rebuildDbs(peer: NodeId): Promise<OkResult> {
    return this.faults.rebuildDbs(peer);
  }

  /** `peer node reset` (peer stopped). */
  resetLedger(peer: NodeId): Promise<OkResult> {
    return this.faults.resetLedger(peer);
  }

  /** `peer node rollback -c certchannel -b N` (peer stopped). */
  rollbackLedger(peer: NodeId, blockNumber: number): Promise<OkResult> {
    return this.faults.rollbackLedger(peer, blockNumber);
  }

  partition(groups: readonly (readonly NodeId[])[]): Promise<OkResult> {
    return this.faults.partition(groups);
  }

  /** One-way cuts: nothing `from` sends reaches `to` (each pair of different nodes); the other way still works. */
  cut(from: readonly NodeId[], to: readonly NodeId[]): Promise<OkResult> {
    return this.faults.cut(from, to);
  }

  /** Drop the messages of the given types (`Commit`, `HeartBeat`, ...) from each of `from` to each of `to`. */
  dropMessages(from: readonly NodeId[], to: readonly NodeId[], types: readonly string[]): Promise<OkResult> {
    return this.faults.dropMessages(from, to, types);
  }

  heal(): Promise<OkResult> {
    return this.faults.heal();
  }

  setByzantine(node: NodeId, behaviour: string | null): Promise<OkResult> {
    return this.faults.setByzantine(node, behaviour);
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

  /**
   * An open-loop load, the simulator's own (no target has it; `load` steps use `startLoad`):
   * `count` certificates through `via`, one every `everyMs` on the simulated clock whatever
   * became of the ones before, as a pool of clients would issue them. The benches drive the
   * network with it at a fixed rate (bench/fabric.ts, bench/memory.ts); `loadTally` reads it.
   */
  startClockLoad(via: string, count: number, everyMs: number): LoadStarted {
    const started = this.newLoad(via, count, everyMs);
    if (!('issue' in started)) return started;
    // One request pending on the clock at a time: each schedules the next as it goes (the
    // next first, so a request's own events come after it), where scheduling all `count` at
    // once held a closure per certificate, and the scheduler's tables grew to the load's size
    // for the run's length (bench/memory.ts, issue #19).
    const base = this.sim.now;
    const fire = (i: number): void => {
      if (i + 1 < count) this.sim.at(base + (i + 1) * everyMs, () => fire(i + 1));
      started.issue(i, () => undefined);
    };
    this.sim.at(base, () => fire(0));
    return { ok: true, load: started.load };
  }

  /**
   * A new load's tally and its issue function, or the error for a bad count or interval.
   * `issue(i, answered)` sends certificate i through the org's gateway, counts the answer in
   * the tally, then calls `answered`; it gives the request's id.
   */
  private newLoad(via: string, count: number, everyMs: number): { ok: false; error: string } | { load: number; issue: (i: number, answered: () => void) => string; org: string; tally: SimLoad } {
    const org = this.world.orgOf(via);
    if (!Number.isInteger(count) || count < 1) return { ok: false, error: `load count must be an integer >= 1, got ${count}` };
    if (!(everyMs >= 0)) return { ok: false, error: `load interval must be >= 0 ms, got ${everyMs}` };
    const tag = this.world.nextTag();
    const tally: SimLoad = { count, issued: 0, committed: 0, failures: [] };
    this.loads.push(tally);
    const issue = (i: number, answered: () => void): string => {
      const cert = loadCertificate(org, i + 1, `${org.toUpperCase()}-${tag}`);
      tally.issued++;
      return this.world.send(org, { type: 'issue', requestId: '', cert }, (a) => {
        if (a.httpStatus < 300) tally.committed++;
        else tally.failures.push({ index: i, error: String(a.body['error']) });
        answered();
      });
    };
    return { load: this.loads.length - 1, issue, org, tally };
  }

  /**
   * A background load as the real targets run it (src/local/cluster.ts startLoad, src/live/io.ts
   * ExecutingIo.background), the lab's `curl POST; sleep` loop: the first certificate now, each
   * next one `everyMs` after the answer to the one before (an answer, or no answer within the
   * operation timeout, which counts as failed as an `issue` step's does). While ordering stalls
   * (a leader down until the view change) one request waits, not one per interval: the
   * requests do not pile up to be cut into one block when ordering resumes.
   */
  async startLoad(via: string, count: number, everyMs: number): Promise<LoadStarted> {
    const started = this.newLoad(via, count, everyMs);
    if (!('issue' in started)) return started;
    const { org, tally } = started;
    const issue = (i: number): void => {
      const last = i + 1 >= count;
      let timeout: ActionHandle | undefined;
      const next = (): void => {
        if (!last) this.sim.after(everyMs, () => issue(i + 1));
      };
      const id = started.issue(i, () => {
        if (timeout !== undefined) this.sim.cancel(timeout);
        next();
      });
      // The last request has no next to hold up: its answer is awaited as long as the run lasts.
      if (!last) {
        timeout = this.sim.after(this.world.opTimeoutMs, () => {
          this.world.giveUp(id);
          tally.failures.push({ index: i, error: `no answer from the ${org} API within ${this.world.opTimeoutMs} ms` });
          next();
        });
      }
    };
    this.sim.at(this.sim.now, () => issue(0));
    return { ok: true, load: started.load };
  }

  /** Background loads, by the id `startLoad` gave (their index). */
  private readonly loads: SimLoad[] = [];

  async loadTally(loadId: number): Promise<LoadTally> {
    const load = this.loads[loadId];
    if (load === undefined) throw new Error(`no background load ${loadId}`);
    const errors: Record<string, number> = {};
    // In the order of the requests (the first LOAD_ERROR_KINDS reasons are named, the rest `other`).
    for (const f of [...load.failures].sort((a, b) => a.index - b.index)) countLoadError(errors, f.error);
    const { count, issued, committed } = load;
    const failed = load.failures.length;
    return { count, issued, committed, failed, pending: issued - committed - failed, errors };
  }

  async close(): Promise<void> {
    // Nothing to release: the simulation holds no outside resources.
  }
}

