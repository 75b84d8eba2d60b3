/**
 * The fault injector: the lab's faults and those beyond it, done to the simulated world
 * (world.ts) the way they happen to a real cluster.
 *
 * Processes: `stop`/`start` scale a deployment to 0 and back (`oc scale`); a stopped
 * orderer's TCP connections are reset, so delivering peers notice at once, and its host
 * refuses new ones. A container that dies by itself (a peer's panic, a failed `peer node
 * start`) is restarted by the kubelet with CrashLoopBackOff: 10 s, 20 s, 40 s, ... capped at
 * 5 min, the back-off reset after 10 min of running (kubelet's defaults). A peer started
 * while its CouchDB is down retries it maxRetriesOnStartup times (about 2 min) and panics
 * with `Error in instantiating ledger provider: ...` (core/ledger/ledgermgmt/ledger_mgmt.go:85),
 * before opening any channel.
 *
 * Storage: `dropStateDatabase` deletes the database from the peer's CouchDB volume (a
 * running peer panics at its next commit that writes to it); `rebuildDbs`, `resetLedger`
 * and `rollbackLedger` are the offline commands (refused while the peer runs; rebuild-dbs
 * fails after its retries while CouchDB is down).
 *
 * The network and Byzantine orderers: partitions, one-way cuts, dropped message types,
 * heal, and a Byzantine behaviour per orderer. It knows no scenario language: its results
 * have the `Cluster` port's `OkResult` shape.
 */
import type { ActionHandle, NodeId, Simulation } from '../kernel/index.ts';
import { isByzantineBehaviour } from '../smartbft/byzantine.ts';
import { RAFT_BYZANTINE_BEHAVIOURS } from '../raft/index.ts';
import { LOG_FORMATS } from '../logs/catalog.ts';
import { CHAINCODE } from '../fabric/chaincode.ts';
import { DB_NOT_FOUND, deleteDatabase, namespaceDbName } from '../fabric/couchdb.ts';
import { ledgerProviderPanic, rebuildDbs, resetLedger, rollbackLedger, type CommandResult } from '../fabric/offline.ts';
import { blocksToReplay } from '../fabric/kvledger.ts';
import type { CostModel } from '../fabric/profile.ts';
import type { Topology } from '../fabric/topology.ts';
import type { SimObservers } from './observers.ts';
import type { SimWorld } from './world.ts';
import type { OkResult, TopologyInfo } from '../../shared/cluster.ts';

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

export class SimFaults {
  /** Why a process last died on its own (panic, failed start). */
  private readonly exits = new Map<NodeId, string>();
  /** Deployments scaled to 0 by `stop`: the kubelet does not restart them. */
  private readonly scaledDown = new Set<NodeId>();
  private readonly pods = new Map<NodeId, PodState>();

  constructor(
    private readonly world: SimWorld,
    /** The nodes' logs, for what a container prints outside its process (a failed start, an offline command). */
    private readonly observers: SimObservers,
  ) {}

  private get sim(): Simulation {
    return this.world.sim;
  }

  private get fabric(): Topology {
    return this.world.fabric;
  }

  private get topology(): TopologyInfo {
    return this.world.topology;
  }

  private get cost(): CostModel {
    return this.world.cost;
  }

  // --- processes (the kubelet) -----------------------------------------------------------

  /** A process died by itself (a panic, or `peer node start` failing): the kubelet restarts it with back-off. */
  exited(node: NodeId, reason: string): void {
    this.exits.set(node, reason);
    this.sim.after(0, () => {
      if (!this.sim.isUp(node)) return;
      this.crash(node);
      this.crashLoop(node);
    });
  }

  async stop(node: NodeId): Promise<OkResult> {
    const k = this.world.kindOf(node);
    if (k === 'couchdb') {
      this.world.couchdbDown.add(node);
      const peer = this.world.peerOf(node);
      this.sim.fault({ fault: 'stop', node }, `couchdb ${node} stopped`);
      if (this.sim.isUp(peer)) {
        // A runtime CouchDB failure panics the peer (fabric#3633).
        this.sim.fault({ fault: 'panic', node: peer, reason: `its state database ${node} is unreachable` }, `${peer} panics: its state database ${node} is unreachable`);
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
    this.sim.fault({ fault: 'crashLoop', node, backoffMs: delay }, `${node} CrashLoopBackOff: back-off ${delay / 1000}s restarting failed container`);
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
    this.sim.fault({ fault: 'startWithout', node, dependency: spec.couchdb }, `${node} starts with CouchDB ${spec.couchdb} down`);
    p.pending = r.logs.map((e) =>
      this.sim.after(e.atMs ?? 0, () => {
        if (!this.observers.logSpecOf(node).enabled(LOG_FORMATS.get(e.kind)?.module ?? '', LOG_FORMATS.get(e.kind)?.level ?? 'INFO')) return;
        this.observers.print(node, { at: this.sim.now, kind: e.kind, args: e.args });
      }),
    );
    p.pending.push(
      this.sim.after(r.durationMs, () => {
        p.pending = [];
        p.starting = false;
        this.exits.set(node, `panic: ${r.reason}`);
        this.sim.fault({ fault: 'panic', node, reason: r.reason }, `${node} panics: ${r.reason}`);
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
      this.sim.fault({ fault: 'start', node }, `couchdb ${node} started`);
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

  // --- storage and offline commands ----------------------------------------------------

  async dropStateDatabase(peer: NodeId): Promise<OkResult> {
    const p = this.world.peerOf(peer);
    const db = namespaceDbName(CHAINCODE);
    const couch = this.fabric.peers.find((x) => x.id === p)?.couchdb;
    if (couch !== undefined && this.world.couchdbDown.has(couch)) {
      return { ok: false, error: `curl: (7) Failed to connect to ${couch} port 5984: Connection refused (CouchDB is stopped)` };
    }
    if (!deleteDatabase(this.sim.durable(p), db)) return { ok: false, error: DB_NOT_FOUND };
    this.sim.fault({ fault: 'dropDatabase', node: p, db }, `DELETE ${db} on ${p}'s CouchDB`);
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
    this.sim.fault({ fault: 'offline', node: p, command: `peer node ${name}`, ok: r.ok, ...(r.ok ? {} : { error: r.error ?? 'failed' }) }, `peer node ${name} on ${p}: ${r.ok ? 'ok' : r.error ?? 'failed'}`);
    for (const e of r.logs) this.observers.print(p, { at: this.sim.now + (e.atMs ?? 0), kind: e.kind, args: e.args, command: true });
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

  // --- the network, Byzantine orderers --------------------------------------------------

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
    this.sim.fault({ fault: 'partition', groups: mapped }, `partition ${JSON.stringify(mapped)}`);
    return { ok: true };
  }

  /** One-way cuts: nothing `from` sends reaches `to` (each pair of different nodes); the other way still works. */
  async cut(from: readonly NodeId[], to: readonly NodeId[]): Promise<OkResult> {
    for (const a of from) for (const b of to) if (a !== b) for (const x of this.world.linkEnds(a)) for (const y of this.world.linkEnds(b)) this.sim.network.cut(x, y);
    this.sim.fault({ fault: 'cut', from, to }, `cut ${JSON.stringify(from)} -> ${JSON.stringify(to)}`);
    return { ok: true };
  }

  /** Drop the messages of the given types (`Commit`, `HeartBeat`, ...) from each of `from` to each of `to`. */
  async dropMessages(from: readonly NodeId[], to: readonly NodeId[], types: readonly string[]): Promise<OkResult> {
    for (const a of from) for (const b of to) if (a !== b) this.sim.network.dropTypes(a, b, types);
    this.sim.fault({ fault: 'dropMessages', from, to, types }, `drop ${types.join(',')} ${JSON.stringify(from)} -> ${JSON.stringify(to)}`);
    return { ok: true };
  }

  async heal(): Promise<OkResult> {
    this.sim.network.heal();
    this.sim.fault({ fault: 'heal' }, 'heal');
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
}
