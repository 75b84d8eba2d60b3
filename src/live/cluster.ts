/**
 * `LiveCluster`: the `Cluster` port on a real CertChain cluster, with the lab's own
 * mechanisms (resilience-and-fault-tolerance lab):
 *   stop/start      `oc scale deployment D -n NS --replicas=0|N`, `oc rollout status`
 *   auto-heal       `oc get application A -n openshift-gitops -o json`, then
 *                   `oc patch application A --type=merge -p {"spec":{"syncPolicy":{"automated":null}}}`;
 *                   resume writes back the policy read before
 *   channelInfo     `oc exec deployment/peer0 -n NS -- peer channel getinfo -c CH`
 *   doc_count/drop  `oc exec -i deployment/couchdb -n NS -- curl -s -K - http://localhost:5984/CH_CC`
 *                   (credentials on stdin as a curl config, never on a command line)
 *   rebuildDbs      `oc debug deployment/peer0 -n NS -- peer node rebuild-dbs`
 *   logs/status     `oc logs deployment/D -n NS`, parsed; optional Prometheus text metrics
 *   certificates    REST API with a Keycloak token per org
 * Every disruptive step registers its undo before it acts; `close()` (and `abort()`) run
 * the pending undos in reverse order. A dry run is the same code on another IO
 * (`DryRunRecorder`, src/live/io.ts), which records every call and runs none. Each step
 * that answers an `OkResult` runs in `attempt()`: an error is the step's failure.
 */
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
import { LogParser } from '../shared/log-format.ts';
import { LoadTallies, issueCounted } from '../scenarios/load-tally.ts';
import { resolveOnTarget } from '../scenarios/selectors.ts';
import { CertChainApi } from './api.ts';
import { LOG_CATALOG } from '../sim/logs/catalog.ts';
import { secretRefs, type LiveConfig, type NodeTarget } from './config.ts';
import { createLiveIo, type Background, type LiveIo } from './io.ts';
import { formatDuration } from '../scenarios/duration.ts';
import { ordererStateFromLogs, ordererStatus, parseCouchDbDelete, parseCouchDbInfo, parseGetInfo, parseLogText, parsePrometheusText, pickSample } from '../shared/node-output.ts';
import { curlConfigQuote, describeSecret } from './secrets.ts';
import { UndoStack, type UndoHandle, type UndoReport } from './undo.ts';

export interface LiveClusterOptions {
  /** Default true: record the plan and run nothing. */
  readonly dryRun: boolean;
  readonly env?: NodeJS.ProcessEnv;
  /** Overrides of the config's TLS settings (CLI `--insecure`, `--ca-file`). */
  readonly tls?: { readonly insecure?: boolean; readonly ca?: string };
  /** Suffix appended to every certificate ID this run issues, so a scenario can run twice on one ledger. */
  readonly certIdSuffix?: string;
  readonly onStep?: (line: string) => void;
}

interface DeploymentState {
  readonly specReplicas: number;
  readonly replicas: number;
  readonly readyReplicas: number;
}

function deploymentState(stdout: string, what: string): DeploymentState {
  let o: { spec?: { replicas?: unknown }; status?: { replicas?: unknown; readyReplicas?: unknown } };
  try {
    o = JSON.parse(stdout) as typeof o;
  } catch {
    throw new Error(`${what}: oc get printed something that is not JSON`);
  }
  const n = (v: unknown): number => (typeof v === 'number' ? v : 0);
  return { specReplicas: n(o.spec?.replicas), replicas: n(o.status?.replicas), readyReplicas: n(o.status?.readyReplicas) };
}

const UP_CACHE_MS = 1000;
/** How far before the last line already read an incremental `oc logs --since-time` starts. */
const LOG_OVERLAP_MS = 1000;

/** `--since-time` for the next read: RFC 3339, LOG_OVERLAP_MS before the last line read (the log's own clock). */
function sinceTimeOf(lines: readonly ClusterLogLine[], openedAtMs: number): string | undefined {
  const last = lines[lines.length - 1];
  const t = last === undefined ? NaN : last.at + openedAtMs - LOG_OVERLAP_MS;
  // No line yet, or a time stamp that did not parse: read the whole log again.
  return Number.isFinite(t) ? new Date(t).toISOString() : undefined;
}

/**
 * `known` followed by the lines of `fresh` it does not already end with. `fresh` was read
 * from LOG_OVERLAP_MS before the last known line, so it repeats the known lines from that
 * time on: those are recognised by their text (time stamp to the millisecond included).
 */
export function appendNewLogLines(known: readonly ClusterLogLine[], fresh: readonly ClusterLogLine[]): ClusterLogLine[] {
  const last = known[known.length - 1];
  if (last === undefined) return [...fresh];
  const from = last.at - LOG_OVERLAP_MS;
  const seen = new Set<string>();
  for (let i = known.length - 1; i >= 0 && known[i]!.at >= from; i--) seen.add(known[i]!.text);
  return [...known, ...fresh.filter((l) => !(l.at <= last.at && seen.has(l.text)))];
}

export class LiveCluster implements Cluster {
  readonly target = 'live' as const;
  readonly topology: TopologyInfo;
  readonly io: LiveIo;
  private readonly api: CertChainApi;
  private readonly undos: UndoStack;
  private readonly parser = new LogParser(LOG_CATALOG);
  private readonly openedAtMs = Date.now();
  /** Replicas each stopped deployment had, and the undo that restores it. */
  private readonly stopped = new Map<NodeId, { replicas: number; undo: UndoHandle }>();
  /** Peers whose state database we dropped: undo is rebuild-dbs (then the stop's undo starts the peer). */
  private readonly dropped = new Map<NodeId, UndoHandle>();
  /** Argo CD applications paused by us, with the `automated` policy read before. */
  private readonly paused = new Map<string, { automated: unknown; undo: UndoHandle }>();
  private readonly issuedIds = new Map<string, string>();
  private readonly loads = new Set<Background>();
  /** Each background load's tally, by the id `startLoad` gave. */
  private readonly tallies = new LoadTallies();
  private closed: Promise<UndoReport[]> | undefined;
  /** Readiness read within the last UP_CACHE_MS (a poll asks isUp, then ordererStatus asks again). */
  private readonly upCache = new Map<NodeId, { up: boolean; atMs: number }>();
  /** Each node's current pod's log read so far (logs() reads only what is new). */
  private readonly logCache = new Map<NodeId, ClusterLogLine[]>();

  constructor(
    readonly config: LiveConfig,
    private readonly options: LiveClusterOptions,
  ) {
    this.topology = config.topology;
    this.io = createLiveIo({
      dryRun: options.dryRun,
      ocPath: config.oc.path,
      ocTimeoutMs: config.oc.timeout,
      httpTimeoutMs: config.timeouts.http,
      tls: { insecure: options.tls?.insecure ?? config.tls.insecure, ...(options.tls?.ca !== undefined ? { ca: options.tls.ca } : {}) },
      env: options.env ?? process.env,
      baseDir: config.baseDir,
      ...(options.onStep ? { onStep: options.onStep } : {}),
    });
    this.undos = new UndoStack((s) => this.io.masker.mask(s));
    this.api = new CertChainApi(config, this.io);
  }

  now(): number {
    return Date.now() - this.openedAtMs;
  }

  // ---- nodes -----------------------------------------------------------------------

  private node(id: NodeId): NodeTarget {
    const n = this.config.nodes[id];
    if (n === undefined) throw new Error(`unknown node "${id}": not mapped in the config's nodes (known: ${Object.keys(this.config.nodes).join(', ')})`);
    return n;
  }

  private withContainer(n: NodeTarget): string[] {
    return n.container !== undefined ? ['-c', n.container] : [];
  }

  private async getDeployment(n: NodeTarget, why: string, recovery = false): Promise<DeploymentState | undefined> {
    const out = await this.io.oc(['get', 'deployment', n.deployment, '-n', n.namespace, '-o', 'json'], why, { recovery });
    return out === undefined ? undefined : deploymentState(out.stdout, `deployment ${n.deployment} in ${n.namespace}`);
  }

  private async scaleTo(n: NodeTarget, replicas: number, recovery = false): Promise<void> {
    this.upCache.delete(n.id);
    // A new pod has a new log: read it whole next time.
    this.logCache.delete(n.id);
    await this.io.oc(['scale', 'deployment', n.deployment, '-n', n.namespace, `--replicas=${replicas}`], `${replicas === 0 ? 'stop' : 'start'} ${n.id}`, { recovery });
  }

  private async rollout(n: NodeTarget, recovery = false): Promise<void> {
    const t = this.config.timeouts.rollout;
    await this.io.oc(['rollout', 'status', 'deployment', n.deployment, '-n', n.namespace, `--timeout=${formatDuration(t)}`], `wait until ${n.id} is ready`, {
      timeoutMs: t + 15_000,
      recovery,
    });
  }

  private async waitScaledDown(n: NodeTarget): Promise<void> {
    let pods = 0;
    const gone = await this.io.repeatUntil('status.replicas is 0', this.config.timeouts.poll, this.config.timeouts.scaleDown, async () => {
      const d = await this.getDeployment(n, `is ${n.id} gone`);
      pods = d?.replicas ?? 0;
      return pods === 0;
    });
    if (!gone) throw new Error(`${n.id}: still ${pods} pod(s) after ${formatDuration(this.config.timeouts.scaleDown)}`);
  }

  /** The one error rule of the steps that answer an `OkResult`: what the step throws is its failure, in the error's words. */
  private async attempt(step: () => Promise<OkResult | void>): Promise<OkResult> {
    try {
      return (await step()) ?? { ok: true };
    } catch (e) {
      return { ok: false, error: e instanceof Error ? e.message : String(e) };
    }
  }

  async stop(id: NodeId): Promise<OkResult> {
    const n = this.node(id);
    return this.attempt(async () => {
      const before = await this.getDeployment(n, `replicas of ${id} before stopping it`);
      const replicas = before === undefined ? 1 : before.specReplicas;
      // A deployment already at 0 replicas is left as it was: nothing to undo.
      if (!this.stopped.has(id) && replicas > 0) {
        const undo = this.undos.register(`scale deployment ${n.deployment} in ${n.namespace} back to ${replicas} replica(s)`, async () => {
          await this.scaleTo(n, replicas, true);
          await this.rollout(n, true);
        });
        this.stopped.set(id, { replicas, undo });
        this.io.narrate(`undo registered: oc scale deployment ${n.deployment} -n ${n.namespace} --replicas=${replicas}`);
      }
      await this.scaleTo(n, 0);
      await this.waitScaledDown(n);
    });
  }

  async start(id: NodeId): Promise<OkResult> {
    const n = this.node(id);
    const s = this.stopped.get(id);
    return this.attempt(async () => {
      await this.scaleTo(n, s?.replicas ?? 1);
      await this.rollout(n);
      s?.undo.discharge();
      this.stopped.delete(id);
    });
  }

  async isUp(id: NodeId): Promise<boolean> {
    const n = this.node(id);
    const hit = this.upCache.get(id);
    if (hit !== undefined && Date.now() - hit.atMs < UP_CACHE_MS) return hit.up;
    const d = await this.getDeployment(n, `is ${id} up`);
    const up = d === undefined ? true : d.specReplicas > 0 && d.readyReplicas > 0;
    if (d !== undefined) this.upCache.set(id, { up, atMs: Date.now() });
    return up;
  }

  // ---- peers and CouchDB ------------------------------------------------------------

  private peer(id: NodeId): NodeTarget {
    const n = this.node(id);
    if (n.kind !== 'peer') throw new Error(`${id} is not a peer`);
    return n;
  }

  async channelInfo(peerId: NodeId): Promise<ChannelInfo> {
    const n = this.peer(peerId);
    const out = await this.io.oc(
      ['exec', `deployment/${n.deployment}`, '-n', n.namespace, ...this.withContainer(n), '--', 'peer', 'channel', 'getinfo', '-c', this.config.channel],
      `ledger height of ${peerId}`,
    );
    if (out === undefined) return { height: 0, currentBlockHash: '' };
    return parseGetInfo(out.stdout);
  }

  private couchdbOf(peerId: NodeId): NodeTarget {
    const p = this.peer(peerId);
    return this.node(p.couchdb ?? `couchdb.${p.org}`);
  }

  private get stateDb(): string {
    return `${this.config.channel}_${this.config.chaincode}`;
  }

  private async couch(peerId: NodeId, method: 'GET' | 'DELETE', why: string): Promise<string | undefined> {
    const c = this.couchdbOf(peerId);
    const user = `${this.config.couchdb.username}:${this.io.secret(this.config.couchdb.password, 'couchdb.password')}`;
    const url = `${this.config.couchdb.url.replace(/\/+$/, '')}/${this.stateDb}`;
    const out = await this.io.oc(
      ['exec', '-i', `deployment/${c.deployment}`, '-n', c.namespace, ...this.withContainer(c), '--', 'curl', '-s', '-K', '-', ...(method === 'DELETE' ? ['-X', 'DELETE'] : []), url],
      why,
      { stdin: `user = "${curlConfigQuote(user)}"\n` },
    );
    return out?.stdout;
  }

  async stateDocCount(peerId: NodeId): Promise<number> {
    const body = await this.couch(peerId, 'GET', `doc_count of ${this.stateDb} beside ${peerId}`);
    return body === undefined ? 0 : parseCouchDbInfo(body, this.stateDb);
  }

  async dropStateDatabase(peerId: NodeId): Promise<OkResult> {
    const p = this.peer(peerId);
    return this.attempt(async () => {
      if (!this.dropped.has(peerId)) {
        // The ledger is the source of truth: rebuild-dbs with the peer stopped puts the
        // state back on its next start (which the stop's own undo performs).
        const undo = this.undos.register(`rebuild the state database of ${peerId} from its ledger (peer node rebuild-dbs)`, async () => {
          const running = this.stopped.has(peerId) ? false : await this.isUp(peerId);
          if (running) {
            await this.scaleTo(p, 0, true);
            await this.debugRebuild(p, true);
            await this.scaleTo(p, 1, true);
            await this.rollout(p, true);
          } else await this.debugRebuild(p, true);
        });
        this.dropped.set(peerId, undo);
        this.io.narrate(`undo registered: oc debug deployment/${p.deployment} -n ${p.namespace} -- peer node rebuild-dbs`);
      }
      const body = await this.couch(peerId, 'DELETE', `delete ${this.stateDb} beside ${peerId}`);
      return body === undefined ? { ok: true } : parseCouchDbDelete(body, this.stateDb);
    });
  }

  private async debugRebuild(p: NodeTarget, recovery: boolean): Promise<string | undefined> {
    const out = await this.io.oc(['debug', `deployment/${p.deployment}`, '-n', p.namespace, ...this.withContainer(p), '--', 'peer', 'node', 'rebuild-dbs'], `rebuild-dbs on ${p.id}`, {
      timeoutMs: this.config.timeouts.rollout,
      recovery,
    });
    return out === undefined ? undefined : out.stdout + out.stderr;
  }

  async rebuildDbs(peerId: NodeId): Promise<OkResult> {
    const p = this.peer(peerId);
    return this.attempt(async () => {
      const text = await this.debugRebuild(p, false);
      if (text !== undefined && /another peer node command is executing/.test(text)) {
        return { ok: false, error: `rebuild-dbs on ${peerId}: the peer is running (stop it first)` };
      }
      this.dropped.get(peerId)?.discharge();
      this.dropped.delete(peerId);
    });
  }

  // ---- orderers, logs, metrics ---------------------------------------------------------

  /**
   * The current pod's log so far. The first read of a pod is whole; later reads (a
   * waitFor polls every few seconds) ask only for lines since the last line already read
   * (`--since-time`, on the pod's own clock, less LOG_OVERLAP_MS), and the overlap is
   * dropped by comparing lines, so the answer is still the whole log.
   */
  async logs(id: NodeId): Promise<readonly ClusterLogLine[]> {
    const n = this.node(id);
    const cached = this.logCache.get(id);
    const since = cached === undefined ? undefined : this.io.fromReads(() => sinceTimeOf(cached, this.openedAtMs), '<time of the last line read>');
    try {
      const out = await this.io.oc(
        ['logs', `deployment/${n.deployment}`, '-n', n.namespace, ...this.withContainer(n), ...(since !== undefined ? [`--since-time=${since}`] : [])],
        since === undefined ? `log of ${id}` : `new lines of the log of ${id}`,
      );
      if (out === undefined) {
        this.logCache.set(id, []);
        return [];
      }
      const fresh = parseLogText(out.stdout, id, this.openedAtMs, this.parser);
      const lines = cached === undefined ? fresh : appendNewLogLines(cached, fresh);
      this.logCache.set(id, lines);
      return lines;
    } catch (e) {
      this.logCache.delete(id);
      // A stopped deployment has no pod, hence no log.
      if (!(await this.isUp(id))) return [];
      throw e;
    }
  }

  private async metrics(n: NodeTarget): Promise<{ committedBlock?: number; height?: number; leaderId?: number; view?: number }> {
    const m = this.config.metrics;
    if (m === undefined) return {};
    const headers: Record<string, string> = m.bearerToken ? { authorization: `Bearer ${this.io.secret(m.bearerToken, 'metrics.bearerToken')}` } : {};
    const res = await this.io.http({ method: 'GET', url: m.url, headers }, `metrics of ${n.id}`);
    if (res === undefined) return {};
    if (res.status !== 200) throw new Error(`metrics ${m.url} answered ${res.status}`);
    const s = parsePrometheusText(res.body);
    const pick = (name: string): number | undefined => pickSample(s, name, n.namespace, n.deployment, this.config.channel);
    const committedBlock = pick('consensus_BFT_committed_block_number');
    const height = pick('ledger_blockchain_height');
    const leaderId = pick('consensus_BFT_leader_id');
    const view = pick('consensus_smartbft_view_number');
    return {
      ...(committedBlock !== undefined ? { committedBlock } : {}),
      ...(height !== undefined ? { height } : {}),
      ...(leaderId !== undefined ? { leaderId } : {}),
      ...(view !== undefined ? { view } : {}),
    };
  }

  async ordererStatus(id: NodeId): Promise<OrdererStatus> {
    const n = this.node(id);
    if (n.kind !== 'orderer') throw new Error(`${id} is not an orderer`);
    const up = await this.isUp(id);
    const lines = up ? await this.logs(id) : [];
    const metrics = up ? await this.metrics(n) : {};
    return ordererStatus(up, ordererStateFromLogs(lines), metrics, this.config.ordererById, n.consenterId ?? 0);
  }

  // ---- certificates -----------------------------------------------------------------

  private realId(certID: string): string {
    return this.issuedIds.get(certID) ?? certID;
  }

  async issueCertificate(via: string, cert: Certificate): Promise<IssueResult> {
    const suffix = this.options.certIdSuffix;
    const real = suffix === undefined || suffix === '' ? cert.certID : `${cert.certID}-${suffix}`;
    if (real !== cert.certID) this.issuedIds.set(cert.certID, real);
    return this.api.issue(via, { ...cert, certID: real });
  }

  verifyCertificate(certID: string, via: string): Promise<VerifyResult> {
    return this.api.verify(this.realId(certID), via);
  }

  revokeCertificate(certID: string, via: string): Promise<OkResult> {
    return this.api.revoke(this.realId(certID), via);
  }

  async startLoad(via: string, count: number, everyMs: number): Promise<LoadStarted> {
    const load = this.tallies.begin(count);
    const each = (i: number): Promise<void> => issueCounted(this.tallies, load, () => this.issueCertificate(via, loadCertificate(via, i, Date.now())));
    this.loads.add(await this.io.background(`background load: ${count} certificates through ${via}, one every ${formatDuration(everyMs)}, each:`, count, everyMs, each));
    return { ok: true, load };
  }

  async loadTally(load: number): Promise<LoadTally> {
    return this.tallies.tally(load);
  }

  // ---- Argo CD ------------------------------------------------------------------------

  private applications(): string[] {
    const used = new Set(Object.values(this.config.nodes).map((n) => n.namespace));
    return Object.entries(this.config.argocd.applications)
      .filter(([ns]) => used.has(ns))
      .map(([, app]) => app);
  }

  private async patchAutomated(app: string, automated: unknown, why: string, recovery: boolean): Promise<void> {
    const patch = JSON.stringify({ spec: { syncPolicy: { automated: automated ?? null } } });
    await this.io.oc(['patch', 'application', app, '-n', this.config.argocd.namespace, '--type=merge', '-p', patch], why, { recovery });
  }

  async pauseAutoHeal(): Promise<OkResult> {
    return this.attempt(async () => {
      for (const app of this.applications()) {
        if (this.paused.has(app)) continue;
        const out = await this.io.oc(['get', 'application', app, '-n', this.config.argocd.namespace, '-o', 'json'], `sync policy of ${app} (restored afterwards)`);
        // In a dry run the policy is not read: the plan shows where it goes.
        let automated: unknown = '<the automated policy read above>';
        if (out !== undefined) {
          const o = JSON.parse(out.stdout) as { spec?: { syncPolicy?: { automated?: unknown } } };
          automated = o.spec?.syncPolicy?.automated ?? null;
          if (automated === null) continue; // auto-sync already off: nothing to pause, nothing to restore
        }
        const restore = automated;
        const undo = this.undos.register(`restore Argo CD auto-sync of ${app} to ${out === undefined ? 'the policy read above' : JSON.stringify(restore)}`, () =>
          this.patchAutomated(app, restore, `restore auto-sync of ${app}`, true),
        );
        this.paused.set(app, { automated: restore, undo });
        this.io.narrate(`undo registered: patch ${app} back to the automated policy read above`);
        await this.patchAutomated(app, null, `pause auto-sync of ${app}`, false);
      }
    });
  }

  async resumeAutoHeal(): Promise<OkResult> {
    return this.attempt(async () => {
      for (const [app, p] of [...this.paused]) {
        this.io.narrate(`restore the automated policy read from ${app} before pausing`);
        await this.patchAutomated(app, p.automated, `restore auto-sync of ${app}`, false);
        p.undo.discharge();
        this.paused.delete(app);
      }
    });
  }

  // ---- waiting, selectors -------------------------------------------------------------

  sleep(ms: number): Promise<void> {
    return this.io.sleep(ms);
  }

  waitUntil(condition: () => Promise<boolean> | boolean, timeoutMs: number, pollMs?: number): Promise<boolean> {
    return this.io.repeatUntil('the condition holds', pollMs ?? this.config.timeouts.poll, timeoutMs, condition);
  }

  async resolve(nodeOrSelector: string): Promise<readonly NodeId[]> {
    const t = this.topology;
    return resolveOnTarget(t, nodeOrSelector, { isNode: (n) => n in this.config.nodes, nodes: Object.keys(this.config.nodes), ordererStatuses: () => this.ordererStatuses() });
  }

  /** Each orderer's status, for the selectors (a dry run reads none: view 0, whose leader is the first orderer). */
  private ordererStatuses(): Promise<readonly OrdererStatus[]> {
    const first = this.topology.orderers[0]!;
    return this.io.findOut<readonly OrdererStatus[]>({
      what: 'find the leader: the view and leader each running orderer logged last',
      find: async () => {
        const statuses: OrdererStatus[] = [];
        for (const o of this.topology.orderers) statuses.push(await this.ordererStatus(o));
        return statuses;
      },
      sample: () => this.ordererStatus(first),
      assume: [],
      assumption: `(dry run: the plan below assumes the leader is ${first})`,
    });
  }

  // ---- faults a live cluster does not do ---------------------------------------------------

  partition(): Promise<OkResult> {
    return Promise.reject(new Error('partition: not supported on a live cluster (the adapter does not write NetworkPolicies); run it in the simulator'));
  }

  heal(): Promise<OkResult> {
    return Promise.reject(new Error('heal: not supported on a live cluster (partition is not either)'));
  }

  /** Refused: the run refuses a scenario with this step before it starts (cli.ts liveRefusedStep). */
  resetLedger(peer: NodeId): Promise<OkResult> {
    return Promise.reject(new Error(`reset ${peer}: not run on a live cluster (it truncates the peer's block store and leaves its CouchDB ahead of it); run it in the simulator or with --target local`));
  }

  rollbackLedger(peer: NodeId, blockNumber: number): Promise<OkResult> {
    return Promise.reject(new Error(`rollback ${peer} -b ${blockNumber}: not run on a live cluster (it truncates the peer's block store and leaves its CouchDB ahead of it); run it in the simulator or with --target local`));
  }

  setByzantine(node: NodeId): Promise<OkResult> {
    return Promise.reject(new Error(`byzantine ${node}: not supported on a live cluster (a real orderer cannot be made to lie from outside)`));
  }

  // ---- preflight, undo, close ---------------------------------------------------------------

  /**
   * Before any disruption: the cluster answers and we are logged in, every mapped
   * deployment exists and is ready, every Argo CD application exists, each org's API
   * answers and each org's token can be obtained. Throws the first problem, in a sentence.
   */
  async preflight(): Promise<void> {
    this.io.note('preflight: nothing is changed until all of these succeed');
    // Every secret the run will need, read now (a dry run only names where they come from).
    const refs = secretRefs(this.config);
    this.io.note(`secrets: ${refs.map((r) => `${r.what} from ${describeSecret(r.ref)}`).join(', ')}`);
    for (const r of refs) this.io.secret(r.ref, r.what);
    await this.io.oc(['whoami'], 'preflight: the cluster answers and we are logged in');
    // One read per namespace, all at once (the plan lists them in config order).
    const byNs = new Map<string, NodeTarget[]>();
    for (const n of Object.values(this.config.nodes)) byNs.set(n.namespace, [...(byNs.get(n.namespace) ?? []), n]);
    const apps = this.applications();
    await Promise.all([
      ...[...byNs].map(async ([ns, nodes]) => {
        const names = [...new Set(nodes.map((n) => n.deployment))];
        const out = await this.io.oc(['get', 'deployment', ...names, '-n', ns, '-o', 'json'], `preflight: ${nodes.map((n) => n.id).join(', ')} ${nodes.length === 1 ? 'exists and is ready' : 'exist and are ready'}`);
        if (out === undefined) return;
        const doc = JSON.parse(out.stdout) as { kind?: string; items?: unknown[] };
        const items = doc.kind === 'List' ? (doc.items ?? []) : [doc];
        names.forEach((name, i) => {
          const d = deploymentState(JSON.stringify(items[i] ?? {}), `deployment ${name} in ${ns}`);
          if (d.specReplicas < 1 || d.readyReplicas < 1) {
            throw new Error(`preflight: deployment ${name} in ${ns} is not ready (${d.readyReplicas}/${d.specReplicas} replicas ready)`);
          }
        });
      }),
      ...(apps.length > 0 ? [this.io.oc(['get', 'application', ...apps, '-n', this.config.argocd.namespace, '-o', 'name'], 'preflight: the Argo CD applications exist')] : []),
    ]);
    const probed = new Set<string>();
    for (const org of this.topology.orgs) {
      if (!probed.has(this.api.baseOf(org))) await this.api.probe(org);
      probed.add(this.api.baseOf(org));
      await this.api.token(org);
    }
  }

  /** Stop at once (Ctrl-C, timeout): kill what is in flight, then run every pending undo. */
  abort(): Promise<UndoReport[]> {
    this.io.abort();
    return this.finish();
  }

  undoReport(): UndoReport[] {
    return this.undos.report();
  }

  async close(): Promise<void> {
    await this.finish();
  }

  /** Stop background load and run every pending undo; resolves with the undo report. Idempotent. */
  finish(): Promise<UndoReport[]> {
    this.closed ??= (async () => {
      for (const l of this.loads) l.stop();
      await Promise.allSettled([...this.loads].map((l) => l.done));
      return this.undos.runAll();
    })();
    return this.closed;
  }
}

