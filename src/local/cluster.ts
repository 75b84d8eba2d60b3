/**
 * `LocalCluster`: the `Cluster` port on the network `net up` started (src/local/net.ts),
 * in wall time:
 *   certificates    Fabric Gateway, each org's User1 against its own peer (gateway.ts)
 *   stop / start    SIGKILL of the process by pid (a crash) / relaunch on the same data
 *   channelInfo     `peer channel getinfo -c certchannel` as the org's admin
 *   ordererStatus   the orderer's /metrics (consensus_BFT_committed_block_number,
 *                   consensus_smartbft_view_number, consensus_BFT_leader_id,
 *                   ledger_blockchain_height) and its log, as LiveCluster reads them
 *   logs            the log files, parsed with the shared parser (src/sim/logs)
 *   rebuildDbs      `peer node rebuild-dbs` with the peer's own configuration (stopped)
 *   reset, rollback `peer node reset`, `peer node rollback -c CH -b N` (stopped), the same way
 *   dropStateDatabase  deletes the peer's LevelDB state database (stopped)
 *   docCount        refused: LevelDB has no CouchDB doc_count
 *   partition, byzantine  refused (before the run: see unsupportedStep)
 * `close()` starts again every node the run stopped and left down.
 */
import { existsSync, openSync, readSync, closeSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  loadCertificate,
  type Certificate,
  type ChannelInfo,
  type Cluster,
  type ClusterLogLine,
  type IssueResult,
  type LoadStarted,
  type LoadTally,
  type NodeId,
  type OkResult,
  type OrdererStatus,
  type TopologyInfo,
  type VerifyResult,
} from '../scenarios/cluster.ts';
import { refusal, refusedIn, type OpName } from '../scenarios/operations.ts';
import type { Scenario } from '../scenarios/schema.ts';
import { LOG_CATALOG } from '../sim/logs/catalog.ts';
import { LogParser } from '../shared/log-format.ts';
import { ordererStateFromLogs, ordererStatus, parseGetInfo, parseLogText, parsePrometheusText } from '../shared/node-output.ts';
import { LoadTallies, issueCounted } from '../scenarios/load-tally.ts';
import { resolveOnTarget } from '../scenarios/selectors.ts';
import { OrgGateways } from './gateway.ts';
import { httpGet, loadNetState, ordererSpec, peerSpec, tool, waitHealthy, type NetState } from './net.ts';
import { adminEnv, backoffMaxDelayOf, goDurationMs, peerEnv, type OrdererPlan, type PeerPlan } from './plan.ts';
import { smartBftMismatch } from '../shared/smartbft-options.ts';
import { isRunning, launch, logFile, readPid, removeBelow, stopProc } from './procs.ts';

/** Why the local target does not run `op` (operations.ts declares it). */
function whyNot(op: OpName): string {
  return refusal(op, 'local')?.why ?? '';
}

/** The first step the local target refuses, as one line naming the step and the target; undefined when it can run them all. */
export function unsupportedStep(scenario: Scenario): string | undefined {
  for (const [i, st] of scenario.steps.entries()) {
    const refused = refusedIn(st, 'local', 'before');
    if (refused !== undefined) {
      const name = (st as { name?: string }).name;
      return `steps[${i}]${name !== undefined ? ` (${name})` : ''}: ${refused.op} cannot run on the local target: ${refused.refusal.why}; run it in the simulator`;
    }
  }
  return undefined;
}

/** Scenario topologies a network `net up` made can run: its orgs, its orderer count, one peer per org. */
export function topologyMismatch(scenario: Scenario, state: NetState): string | undefined {
  const t = scenario.topology ?? {};
  const n = state.plan.orderers.length;
  if (t.orderers !== undefined && t.orderers !== n) return `the scenario wants ${t.orderers} orderers and the local network has ${n} (net up --orderers ${t.orderers}, or run it with --orderers ${n})`;
  if (t.peersPerOrg !== undefined && t.peersPerOrg !== 1) return `the scenario wants ${t.peersPerOrg} peers per org; the local network has 1`;
  if (t.orgs !== undefined && t.orgs.join(',') !== state.plan.orgs.join(',')) return `the scenario's orgs (${t.orgs.join(', ')}) are not the local network's (${state.plan.orgs.join(', ')})`;
  if (t.consensus === 'raft') return 'the scenario runs on Raft; the local network is SmartBFT';
  if (t.ordererBackoffMaxDelay !== undefined) {
    const has = backoffMaxDelayOf(state.plan);
    if (goDurationMs(t.ordererBackoffMaxDelay) !== goDurationMs(has)) return `the scenario's ordererBackoffMaxDelay is ${t.ordererBackoffMaxDelay}, the local network's ${has} (net up --backoff-max-delay ${t.ordererBackoffMaxDelay})`;
  }
  if (t.smartbft !== undefined) return smartBftMismatch(t.smartbft, state.plan.smartbft);
  return undefined;
}

interface LogCursor {
  /** Lines read so far (of the current file and its rotated predecessor). */
  lines: ClusterLogLine[];
  /** Bytes of the current file read (a smaller size means it was rotated). */
  offset: number;
  /** An incomplete last line, kept until its newline arrives. */
  partial: string;
}

const METRICS: Readonly<Record<string, 'committedBlock' | 'height' | 'leaderId' | 'view'>> = {
  consensus_BFT_committed_block_number: 'committedBlock',
  ledger_blockchain_height: 'height',
  consensus_BFT_leader_id: 'leaderId',
  consensus_smartbft_view_number: 'view',
};

export interface LocalClusterOptions {
  /** Suffix appended to every certificate ID this run issues, so a scenario can run twice on one ledger. */
  readonly certIdSuffix?: string;
  readonly onStep?: (line: string) => void;
  readonly signal?: AbortSignal;
}

export class LocalCluster implements Cluster {
  readonly target = 'local' as const;
  readonly topology: TopologyInfo;
  private readonly openedAtMs = Date.now();
  private readonly gateways: OrgGateways;
  private readonly parser = new LogParser(LOG_CATALOG);
  private readonly cursors = new Map<NodeId, LogCursor>();
  private readonly stoppedByUs = new Set<NodeId>();
  private readonly issuedIds = new Map<string, string>();
  private readonly loads = new Set<{ stop: boolean; done: Promise<void> }>();
  private readonly ordererById: ReadonlyMap<number, NodeId>;

  static open(dir: string, options: LocalClusterOptions = {}): LocalCluster {
    return new LocalCluster(loadNetState(dir), options);
  }

  constructor(
    readonly state: NetState,
    private readonly options: LocalClusterOptions = {},
  ) {
    const p = state.plan;
    this.gateways = new OrgGateways(p);
    this.ordererById = new Map(p.orderers.map((o) => [o.consenterId, o.id]));
    this.topology = {
      channel: p.channel,
      orgs: p.orgs,
      orderers: p.orderers.map((o) => o.id),
      peers: p.peers.map((x) => x.id),
      peersByOrg: Object.fromEntries(p.orgs.map((org) => [org, p.peers.filter((x) => x.org === org).map((x) => x.id)])),
      couchdbs: [],
    };
  }

  now(): number {
    return Date.now() - this.openedAtMs;
  }

  private get dir(): string {
    return this.state.plan.dir;
  }

  private say(line: string): void {
    this.options.onStep?.(line);
  }

  private orgOf(via: string): string {
    const org = via.startsWith('gateway.') ? via.slice('gateway.'.length) : via;
    if (!this.state.plan.orgs.includes(org)) throw new Error(`unknown org "${via}" (orgs: ${this.state.plan.orgs.join(', ')})`);
    return org;
  }

  private orderer(id: NodeId): OrdererPlan | undefined {
    return this.state.plan.orderers.find((o) => o.id === id);
  }

  private peer(id: NodeId): PeerPlan {
    const p = this.state.plan.peers.find((x) => x.id === id);
    if (p === undefined) throw new Error(`${id} is not a peer of the local network (peers: ${this.topology.peers.join(', ')})`);
    return p;
  }

  private known(id: NodeId): void {
    if (/^couchdb\d*\./.test(id)) throw new Error(`${id}: the local network has no CouchDB (its peers use LevelDB)`);
    if (this.orderer(id) === undefined && !this.topology.peers.includes(id)) {
      throw new Error(`unknown node "${id}" (orderers: ${this.topology.orderers.join(', ')}; peers: ${this.topology.peers.join(', ')})`);
    }
  }

  // ---- certificates -----------------------------------------------------------------

  private realId(certID: string): string {
    return this.issuedIds.get(certID) ?? certID;
  }

  async issueCertificate(via: string, cert: Certificate): Promise<IssueResult> {
    const org = this.orgOf(via);
    const suffix = this.options.certIdSuffix;
    const real = suffix === undefined || suffix === '' ? cert.certID : `${cert.certID}-${suffix}`;
    if (real !== cert.certID) this.issuedIds.set(cert.certID, real);
    return this.gateways.issue(org, { ...cert, certID: real });
  }

  /** Endorse an issue of `cert` without submitting it (calibrate); throws the Gateway's error. */
  endorseIssue(via: string, cert: Certificate): Promise<void> {
    return this.gateways.endorseIssue(this.orgOf(via), cert);
  }

  verifyCertificate(certID: string, via: string): Promise<VerifyResult> {
    return this.gateways.verify(this.orgOf(via), this.realId(certID));
  }

  revokeCertificate(certID: string, via: string): Promise<OkResult> {
    return this.gateways.revoke(this.orgOf(via), this.realId(certID));
  }

  async startLoad(via: string, count: number, everyMs: number): Promise<LoadStarted> {
    const org = this.orgOf(via);
    const load = this.tallies.begin(count);
    const handle = { stop: false, done: Promise.resolve() };
    const tag = Date.now().toString(36);
    handle.done = (async () => {
      for (let i = 0; i < count && !handle.stop; i++) {
        await issueCounted(this.tallies, load, () => this.gateways.issue(org, loadCertificate(org, i, tag)));
        await this.pause(everyMs);
      }
    })();
    this.loads.add(handle);
    return { ok: true, load };
  }

  /** Each background load's tally, by the id `startLoad` gave. */
  private readonly tallies = new LoadTallies();

  async loadTally(load: number): Promise<LoadTally> {
    return this.tallies.tally(load);
  }

  // ---- processes ----------------------------------------------------------------------

  async stop(id: NodeId): Promise<OkResult> {
    try {
      this.known(id);
      const was = await stopProc(this.dir, id, 'SIGKILL');
      if (was) this.stoppedByUs.add(id);
      this.say(was ? `killed ${id} (SIGKILL, pid ${readPid(this.dir, id)?.pid ?? '?'})` : `${id} was not running`);
      return { ok: true };
    } catch (e) {
      return { ok: false, error: (e as Error).message };
    }
  }

  async start(id: NodeId): Promise<OkResult> {
    try {
      this.known(id);
      if (isRunning(readPid(this.dir, id))) return { ok: true };
      const o = this.orderer(id);
      const spec = o !== undefined ? ordererSpec(this.state.plan, o) : peerSpec(this.state.plan, this.peer(id));
      launch(this.dir, spec);
      this.say(`started ${id} (pid ${readPid(this.dir, id)?.pid ?? '?'})`);
      await waitHealthy(this.dir, id, o !== undefined ? o.opsPort : this.peer(id).opsPort, 60_000);
      this.stoppedByUs.delete(id);
      return { ok: true };
    } catch (e) {
      return { ok: false, error: (e as Error).message.split('\n')[0] ?? '' };
    }
  }

  async isUp(id: NodeId): Promise<boolean> {
    this.known(id);
    return isRunning(readPid(this.dir, id));
  }

  // ---- peers ----------------------------------------------------------------------------

  async channelInfo(peerId: NodeId): Promise<ChannelInfo> {
    const p = this.peer(peerId);
    const out = await tool(this.state.plan, 'peer', ['channel', 'getinfo', '-c', this.state.plan.channel], adminEnv(this.state.plan, p), `channelInfo ${peerId}`, 20_000);
    return parseGetInfo(`${out.stdout}\n${out.stderr}`);
  }

  stateDocCount(peerId: NodeId): Promise<number> {
    return Promise.reject(
      new Error(`docCount ${peerId}: the local network's peers use LevelDB, which has no doc_count of ${this.state.plan.channel}_${this.state.plan.chaincode.name} (CouchDB is not available here)`),
    );
  }

  /** LevelDB's state database is one folder for every channel and namespace; the peer must be stopped. */
  async dropStateDatabase(peerId: NodeId): Promise<OkResult> {
    const p = this.peer(peerId);
    if (isRunning(readPid(this.dir, peerId))) return { ok: false, error: `dropStateDatabase ${peerId}: the peer is running; LevelDB is locked by it (stop it first)` };
    const state = join(p.dataDir, 'ledgersData', 'stateLeveldb');
    if (!existsSync(state)) return { ok: false, error: `dropStateDatabase ${peerId}: no state database at ${state}` };
    removeBelow(p.dataDir, join('ledgersData', 'stateLeveldb'));
    this.say(`deleted ${state}`);
    return { ok: true };
  }

  async rebuildDbs(peerId: NodeId): Promise<OkResult> {
    const p = this.peer(peerId);
    if (isRunning(readPid(this.dir, peerId))) return { ok: false, error: `rebuild-dbs on ${peerId}: the peer is running (stop it first)` };
    try {
      await tool(this.state.plan, 'peer', ['node', 'rebuild-dbs'], peerEnv(this.state.plan, p), `rebuild-dbs on ${peerId}`, 60_000);
      return { ok: true };
    } catch (e) {
      return { ok: false, error: (e as Error).message };
    }
  }

  /** `peer node reset` with the peer's own configuration (stopped); LevelDB state is dropped by the command itself. */
  async resetLedger(peerId: NodeId): Promise<OkResult> {
    return this.offlinePeerCommand(peerId, 'reset', ['node', 'reset']);
  }

  /** `peer node rollback -c <channel> -b N` with the peer's own configuration (stopped). */
  async rollbackLedger(peerId: NodeId, blockNumber: number): Promise<OkResult> {
    return this.offlinePeerCommand(peerId, `rollback -b ${blockNumber}`, ['node', 'rollback', '-c', this.state.plan.channel, '-b', String(blockNumber)]);
  }

  private async offlinePeerCommand(peerId: NodeId, what: string, args: readonly string[]): Promise<OkResult> {
    const p = this.peer(peerId);
    if (isRunning(readPid(this.dir, peerId))) return { ok: false, error: `${what} on ${peerId}: the peer is running (stop it first)` };
    try {
      await tool(this.state.plan, 'peer', [...args], peerEnv(this.state.plan, p), `${what} on ${peerId}`, 60_000);
      return { ok: true };
    } catch (e) {
      return { ok: false, error: (e as Error).message };
    }
  }

  // ---- orderers, logs -------------------------------------------------------------------

  private async metrics(o: OrdererPlan): Promise<{ committedBlock?: number; height?: number; leaderId?: number; view?: number }> {
    const r = await httpGet(o.opsPort, '/metrics');
    if (r === undefined || r.status !== 200) return {};
    const out: { committedBlock?: number; height?: number; leaderId?: number; view?: number } = {};
    for (const s of parsePrometheusText(r.body)) {
      const key = METRICS[s.name];
      if (key !== undefined && (s.labels['channel'] === undefined || s.labels['channel'] === this.state.plan.channel)) out[key] = s.value;
    }
    return out;
  }

  async ordererStatus(id: NodeId): Promise<OrdererStatus> {
    const o = this.orderer(id);
    if (o === undefined) throw new Error(`${id} is not an orderer (orderers: ${this.topology.orderers.join(', ')})`);
    const up = isRunning(readPid(this.dir, id));
    const lines = up ? await this.logs(id) : [];
    const m = up ? await this.metrics(o) : {};
    return ordererStatus(up, ordererStateFromLogs(lines), m, this.ordererById, o.consenterId);
  }

  /** The node's log so far (both files when it was rotated), read incrementally. */
  async logs(id: NodeId): Promise<readonly ClusterLogLine[]> {
    this.known(id);
    const f = logFile(this.dir, id);
    let c = this.cursors.get(id);
    const size = existsSync(f) ? statSync(f).size : 0;
    if (c === undefined || size < c.offset) {
      // First read, or the keeper rotated the file: read the old file whole, then the new from 0.
      const old = c === undefined ? this.readFrom(`${f}.1`, 0) : undefined;
      c = { lines: c?.lines ?? [], offset: 0, partial: '' };
      if (old !== undefined) c.lines.push(...parseLogText(old.text, id, this.openedAtMs, this.parser));
      this.cursors.set(id, c);
    }
    const fresh = this.readFrom(f, c.offset);
    if (fresh !== undefined && fresh.text !== '') {
      const text = c.partial + fresh.text;
      const cut = text.lastIndexOf('\n');
      c.partial = cut < 0 ? text : text.slice(cut + 1);
      c.offset = fresh.end;
      if (cut >= 0) c.lines.push(...parseLogText(text.slice(0, cut), id, this.openedAtMs, this.parser));
    }
    return c.lines;
  }

  private readFrom(path: string, offset: number): { text: string; end: number } | undefined {
    if (!existsSync(path)) return undefined;
    const fd = openSync(path, 'r');
    try {
      const size = statSync(path).size;
      if (size <= offset) return { text: '', end: offset };
      const buf = Buffer.alloc(size - offset);
      const n = readSync(fd, buf, 0, buf.length, offset);
      return { text: buf.subarray(0, n).toString('utf8'), end: offset + n };
    } finally {
      closeSync(fd);
    }
  }

  // ---- waiting, selectors -----------------------------------------------------------------

  private pause(ms: number): Promise<void> {
    return new Promise((resolveP) => {
      const sig = this.options.signal;
      const t = setTimeout(done, ms);
      function done(): void {
        sig?.removeEventListener('abort', done);
        clearTimeout(t);
        resolveP();
      }
      sig?.addEventListener('abort', done);
    });
  }

  sleep(ms: number): Promise<void> {
    return this.pause(ms);
  }

  async waitUntil(condition: () => Promise<boolean> | boolean, timeoutMs: number, pollMs = 500): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.options.signal?.aborted) throw new Error('run aborted');
      if (await condition()) return true;
      if (Date.now() >= deadline) return false;
      await this.pause(Math.min(pollMs, Math.max(0, deadline - Date.now())));
    }
  }

  async resolve(nodeOrSelector: string): Promise<readonly NodeId[]> {
    const t = this.topology;
    return resolveOnTarget(t, nodeOrSelector, { isNode: (n) => t.orderers.includes(n) || t.peers.includes(n), nodes: [...t.orderers, ...t.peers], ordererStatuses: () => this.ordererStatuses() });
  }

  /** Each orderer's status, for the selectors. */
  private async ordererStatuses(): Promise<readonly OrdererStatus[]> {
    const statuses: OrdererStatus[] = [];
    for (const o of this.topology.orderers) statuses.push(await this.ordererStatus(o));
    return statuses;
  }

  // ---- what the local target does not have ----------------------------------------------

  async pauseAutoHeal(): Promise<OkResult> {
    // Nothing restarts a killed process here: there is no auto-heal to pause.
    return { ok: true };
  }

  async resumeAutoHeal(): Promise<OkResult> {
    return { ok: true };
  }

  partition(): Promise<OkResult> {
    return Promise.reject(new Error(`partition: ${whyNot('partition')}`));
  }

  heal(): Promise<OkResult> {
    return Promise.reject(new Error(`heal: ${whyNot('heal')}`));
  }

  setByzantine(node: NodeId): Promise<OkResult> {
    return Promise.reject(new Error(`byzantine ${node}: ${whyNot('byzantine')}`));
  }

  /**
   * Connect every org's Gateway client to its peer before the steps run (OrgGateways
   * connectAll), so that an issue step times Fabric, not our first TLS handshake; returns
   * the orgs whose peer did not answer within `timeoutMs` (they connect at their first call).
   */
  connectGateways(timeoutMs = 5_000): Promise<string[]> {
    return this.gateways.connectAll(timeoutMs);
  }

  /** Stop background load, close the gateways, start again every node the run stopped and left down. */
  async close(): Promise<void> {
    for (const l of this.loads) l.stop = true;
    await Promise.allSettled([...this.loads].map((l) => l.done));
    for (const id of [...this.stoppedByUs]) {
      if (isRunning(readPid(this.dir, id))) continue;
      const r = await this.start(id);
      this.say(r.ok ? `restored ${id} (the run left it stopped)` : `could not restart ${id}: ${r.error ?? ''}`);
    }
    this.gateways.close();
  }
}
