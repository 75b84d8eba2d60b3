/**
 * The admin side of `serve`: what the `oc` stand-in calls, so the live adapter's whole
 * path (spawn, parse, undo) runs against the simulated cluster. Deployments are the
 * lab's (`certchain-<org>`/`orderer|peer0|couchdb`), Argo CD applications
 * `certchain-<ns suffix>` in `openshift-gitops`; `oc exec` understands
 * `peer channel getinfo` and CouchDB `curl` (credentials from `-K -` stdin or `-u`, as
 * the lab types it), `oc debug` understands `peer node rebuild-dbs`, and `oc logs` shows
 * the running pod's log since it started (from `--since-time` on when given), as oc does. Argo CD is emulated too: with
 * `selfHeal` on, a deployment scaled to 0 comes back 5 simulated seconds later, which is
 * why the lab pauses auto-sync first.
 */
import type { Cluster, NodeId } from '../../scenarios/cluster.ts';
import { getinfoOutput } from '../../shared/node-output.ts';
import { logTime } from '../../shared/log-format.ts';
import type { ScaledClock } from './clock.ts';
import { allNodes, deploymentOf, nodeOf, peerOfCouchdb } from './deployments.ts';

export interface AdminAnswer {
  readonly status: number;
  readonly body: Record<string, unknown> | string;
  /** The methods the path answers, on a 405. */
  readonly allow?: string;
}

interface ExecResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
}

const GITOPS = 'openshift-gitops';
/** Argo CD's default `--self-heal-timeout-seconds`: drift is reverted this long after it is seen. */
const SELF_HEAL_MS = 5_000;
/** `2026-03-14 10:00:05.131 UTC` at the start of a Fabric log line. */
const LINE_TIME = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} UTC/;
/** Longest `oc rollout status --timeout` the stand-in waits (simulated ms): the simulation runs that far in one go. */
const MAX_ROLLOUT_MS = 3_600_000;

/** Deepest merge patch the stand-in applies: mergePatch recurses, and an Application is a few levels deep. */
const MAX_PATCH_DEPTH = 32;

/** Each admin path's methods; a GET path answers HEAD too. */
const GET = ['GET', 'HEAD'] as const;
const METHODS: Readonly<Record<string, readonly string[]>> = { '': GET, logs: GET, scale: ['POST'], rollout: ['POST'], exec: ['POST'], debug: ['POST'] };

function notAllowed(method: string, allowed: readonly string[], path: string): AdminAnswer {
  return { status: 405, body: { error: 'method not allowed', reason: `${path} answers ${allowed.join(', ')}, not ${method}` }, allow: allowed.join(', ') };
}

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

export class OcEmulator {
  private readonly replicas = new Map<NodeId, number>();
  /** When each node's current pod started (its `oc logs` begins there). */
  private readonly podStart = new Map<NodeId, number>();
  private readonly apps = new Map<string, Record<string, unknown>>();
  private readonly heals = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly cluster: Cluster,
    private readonly clock: ScaledClock,
    private readonly couchdbPassword: string,
  ) {
    const namespaces = new Set(allNodes(cluster.topology).map((id) => deploymentOf(id).namespace));
    for (const ns of namespaces) {
      this.apps.set(ns, {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: { name: ns, namespace: GITOPS },
        spec: { destination: { namespace: ns }, syncPolicy: { automated: { prune: true, selfHeal: true } } },
      });
    }
  }

  /** The Argo CD application objects (for tests: did the policy come back as it was?). */
  application(name: string): Record<string, unknown> | undefined {
    return this.apps.get(name);
  }

  private async up(id: NodeId): Promise<boolean> {
    return this.cluster.isUp(id);
  }

  async handle(method: string, path: string, body: Record<string, unknown> | undefined, query: URLSearchParams = new URLSearchParams()): Promise<AdminAnswer> {
    let seg: string[];
    try {
      seg = path.split('/').slice(2).map(decodeURIComponent);
    } catch {
      return { status: 400, body: { error: `admin path ${path.slice(0, 200)} is not valid percent-encoded UTF-8` } };
    }
    if (seg[0] === 'whoami' && seg.length === 1) return GET.includes(method as 'GET') ? { status: 200, body: 'kube:admin' } : notAllowed(method, GET, path);
    if (seg[0] === 'applications' && seg.length === 3) return this.application2(method, path, seg[1]!, seg[2]!, body);
    if (seg[0] !== 'deployments' || seg.length < 3 || seg.length > 4) return { status: 400, body: { error: `unknown admin path ${path.slice(0, 200)}` } };
    const [, ns, name, action = ''] = seg as [string, string, string, string | undefined];
    const allowed = METHODS[action];
    if (allowed === undefined) return { status: 400, body: { error: `unknown admin call ${method} ${path.slice(0, 200)}` } };
    if (!allowed.includes(method)) return notAllowed(method, allowed, path);
    const id = nodeOf(this.cluster.topology, ns, name);
    if (id === undefined) return { status: 404, body: { kind: 'deployments.apps', name } };
    switch (`${method === 'HEAD' ? 'GET' : method} ${action}`) {
      case 'GET ':
        return { status: 200, body: await this.clock.op(() => this.deployment(id, ns, name)) };
      case 'POST scale':
        return this.scale(id, Number(body?.['replicas']));
      case 'POST rollout': {
        const ms = body?.['timeoutMs'] ?? 60_000;
        if (typeof ms !== 'number' || !(ms >= 0 && ms <= MAX_ROLLOUT_MS)) return { status: 400, body: { error: `timeoutMs must be a number of ms from 0 to ${MAX_ROLLOUT_MS}, got ${JSON.stringify(ms)}` } };
        return this.rollout(id, ms);
      }
      case 'POST exec':
        return { status: 200, body: { ...(await this.exec(id, strings(body?.['command']), String(body?.['stdin'] ?? ''))) } };
      case 'POST debug':
        return { status: 200, body: { ...(await this.debug(id, strings(body?.['command']))) } };
      case 'GET logs':
        return this.logs(id, name, query.get('sinceTime') ?? undefined);
      default:
        return { status: 400, body: { error: `unknown admin call ${method} ${path}` } };
    }
  }

  private async deployment(id: NodeId, ns: string, name: string): Promise<Record<string, unknown>> {
    const up = await this.up(id);
    const n = up ? 1 : 0;
    return {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: ns },
      spec: { replicas: this.replicas.get(id) ?? 1 },
      status: { replicas: n, readyReplicas: n, availableReplicas: n, updatedReplicas: n },
    };
  }

  private async scale(id: NodeId, replicas: number): Promise<AdminAnswer> {
    if (!Number.isInteger(replicas) || replicas < 0) return { status: 400, body: { error: `bad --replicas ${String(replicas)}` } };
    const r = await this.clock.op(async () => {
      this.replicas.set(id, replicas);
      const up = await this.up(id);
      if (replicas === 0 && up) {
        this.scheduleSelfHeal(id);
        return this.cluster.stop(id);
      }
      if (replicas > 0 && !up) {
        this.podStart.set(id, this.cluster.now());
        return this.cluster.start(id);
      }
      return { ok: true };
    });
    return r.ok ? { status: 200, body: { ok: true } } : { status: 500, body: { error: r.error ?? 'scale failed' } };
  }

  private selfHealOn(id: NodeId): boolean {
    const app = this.apps.get(deploymentOf(id).namespace) as { spec?: { syncPolicy?: { automated?: { selfHeal?: unknown } } } } | undefined;
    return app?.spec?.syncPolicy?.automated?.selfHeal === true;
  }

  /** Argo CD reverts the drift (replicas 0 vs 1 in git) if self-heal is still on when it looks. */
  private scheduleSelfHeal(id: NodeId): void {
    if (!this.selfHealOn(id)) return;
    const t = setTimeout(() => {
      this.heals.delete(t);
      if (this.stopped) return;
      void this.clock.op(async () => {
        if (this.stopped || !this.selfHealOn(id) || (await this.up(id))) return;
        this.replicas.set(id, 1);
        this.podStart.set(id, this.cluster.now());
        await this.cluster.start(id);
      });
    }, SELF_HEAL_MS / this.clock.speed);
    this.heals.add(t);
  }

  /** Cancel pending Argo CD reactions (serve is closing). */
  stop(): void {
    this.stopped = true;
    for (const t of this.heals) clearTimeout(t);
    this.heals.clear();
  }

  private async rollout(id: NodeId, timeoutMs: number): Promise<AdminAnswer> {
    const ok = await this.clock.op(() => this.cluster.waitUntil(() => this.up(id), timeoutMs));
    return { status: 200, body: { ok } };
  }

  private async exec(id: NodeId, cmd: string[], stdin: string): Promise<ExecResult> {
    const { deployment, namespace } = deploymentOf(id);
    return this.clock.op(async () => {
      if (!(await this.up(id))) return { stdout: '', stderr: `error: no running pod for deployment/${deployment} in ${namespace}\n`, code: 1 };
      if (cmd[0] === 'peer' && cmd[1] === 'channel' && cmd[2] === 'getinfo') {
        const ch = cmd[cmd.indexOf('-c') + 1];
        if (!this.cluster.topology.peers.includes(id)) return { stdout: '', stderr: 'Error: peer: command not found\n', code: 127 };
        if (ch !== this.cluster.topology.channel) return { stdout: '', stderr: `Error: received bad response, status 500: access denied for [GetChainInfo][${ch ?? ''}]\n`, code: 1 };
        const info = await this.cluster.channelInfo(id);
        return { stdout: getinfoOutput(info), stderr: 'INFO [channelCmd] InitCmdFactory -> Endorser and orderer connections initialized\n', code: 0 };
      }
      if (cmd[0] === 'curl') return this.curl(id, cmd, stdin);
      return { stdout: '', stderr: `exec: "${cmd[0] ?? ''}": executable file not found in $PATH\n`, code: 126 };
    });
  }

  /** CouchDB through `curl` inside the couchdb pod. */
  private async curl(id: NodeId, cmd: string[], stdin: string): Promise<ExecResult> {
    if (!this.cluster.topology.couchdbs.includes(id)) return { stdout: '', stderr: 'curl: (7) Failed to connect to localhost port 5984: Connection refused\n', code: 7 };
    const userArg = cmd.indexOf('-u') >= 0 ? cmd[cmd.indexOf('-u') + 1] : /user\s*=\s*"([^"]*)"/.exec(stdin)?.[1];
    const method = cmd.indexOf('-X') >= 0 ? cmd[cmd.indexOf('-X') + 1] : 'GET';
    const url = cmd.find((a) => /^https?:\/\//.test(a));
    if (url === undefined) return { stdout: '', stderr: 'curl: no URL specified!\n', code: 2 };
    if (userArg !== `admin:${this.couchdbPassword}`) return { stdout: '{"error":"unauthorized","reason":"Name or password is incorrect."}\n', stderr: '', code: 0 };
    let db: string;
    try {
      db = new URL(url).pathname.replace(/^\//, '');
    } catch {
      return { stdout: '', stderr: 'curl: (3) URL using bad/illegal format or missing URL\n', code: 3 };
    }
    const peer = peerOfCouchdb(id);
    const want = `${this.cluster.topology.channel}_certcontract`;
    const notFound = { stdout: '{"error":"not_found","reason":"Database does not exist."}\n', stderr: '', code: 0 };
    if (db !== want) return notFound;
    if (method === 'DELETE') {
      const r = await this.cluster.dropStateDatabase(peer);
      return r.ok ? { stdout: '{"ok":true}\n', stderr: '', code: 0 } : notFound;
    }
    try {
      const n = await this.cluster.stateDocCount(peer);
      return { stdout: `${JSON.stringify({ db_name: db, doc_count: n, doc_del_count: 0, instance_start_time: '0' })}\n`, stderr: '', code: 0 };
    } catch {
      return notFound;
    }
  }

  /** `oc debug deployment/peer0 -- peer node rebuild-dbs`: a debug pod with the peer's volumes. */
  private async debug(id: NodeId, cmd: string[]): Promise<ExecResult> {
    const { deployment } = deploymentOf(id);
    const start = `Starting pod/${deployment}-debug-sim, command was: ${cmd.join(' ')}\n`;
    const end = `\nRemoving debug pod ...\n`;
    if (!(cmd[0] === 'peer' && cmd[1] === 'node' && cmd[2] === 'rebuild-dbs')) return { stdout: '', stderr: `${start}exec: "${cmd[0] ?? ''}" not supported by the stand-in${end}`, code: 1 };
    return this.clock.op(async () => {
      const before = (await this.cluster.logs(id)).length;
      const r = await this.cluster.rebuildDbs(id);
      const lines = (await this.cluster.logs(id)).slice(before).map((l) => this.wallStamped(l.text, l.at));
      const out = lines.length > 0 ? `${lines.join('\n')}\n` : '';
      return r.ok ? { stdout: out, stderr: `${start}${end}`, code: 0 } : { stdout: out, stderr: `${start}Error: ${r.error ?? 'rebuild-dbs failed'}${end}`, code: 1 };
    });
  }

  /** `oc logs deployment/D [--since-time=RFC3339]`: the current pod's log, from `sinceTime` (wall clock) on when given. */
  private async logs(id: NodeId, name: string, sinceTime?: string): Promise<AdminAnswer> {
    const sinceWall = sinceTime === undefined ? -Infinity : Date.parse(sinceTime);
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(sinceTime ?? '1970-01-01T00:00:00Z') || Number.isNaN(sinceWall)) {
      return { status: 400, body: `error: invalid argument "${sinceTime ?? ''}" for "--since-time" flag: not an RFC3339 time` };
    }
    return this.clock.op(async () => {
      if (!(await this.up(id))) return { status: 400, body: `error: no running pod for deployment/${name}` };
      const since = this.podStart.get(id) ?? 0;
      // Lines carry the wall-clock time they happened at, as a real pod's log does.
      const lines = (await this.cluster.logs(id))
        .filter((l) => l.at >= since && this.clock.wallOf(l.at) >= sinceWall)
        .map((l) => this.wallStamped(l.text, l.at));
      return { status: 200, body: lines.length > 0 ? `${lines.join('\n')}\n` : '' };
    });
  }

  /** Replace the line's timestamp (simulated calendar) with the wall-clock time of `at`. */
  private wallStamped(text: string, at: number): string {
    return LINE_TIME.test(text) ? `${logTime(this.clock.wallOf(at), 0)}${text.replace(LINE_TIME, '')}` : text;
  }

  private application2(method: string, path: string, ns: string, name: string, patch: Record<string, unknown> | undefined): AdminAnswer {
    const allowed = ['GET', 'HEAD', 'PATCH'];
    if (!allowed.includes(method)) return notAllowed(method, allowed, path);
    const app = ns === GITOPS ? this.apps.get(name) : undefined;
    if (app === undefined) return { status: 404, body: { kind: 'applications.argoproj.io', name } };
    if (method === 'GET' || method === 'HEAD') return { status: 200, body: app };
    if (depthOf(patch) > MAX_PATCH_DEPTH) return { status: 400, body: { error: `the patch nests deeper than ${MAX_PATCH_DEPTH} levels` } };
    const next = mergePatch(app, patch ?? {}) as Record<string, unknown>;
    this.apps.set(name, next);
    return { status: 200, body: next };
  }
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : [];
}

/** How deeply objects and arrays nest in a JSON value, counted without recursion. */
function depthOf(v: unknown): number {
  let max = 0;
  const todo: [unknown, number][] = [[v, 0]];
  for (let item = todo.pop(); item !== undefined; item = todo.pop()) {
    const [x, d] = item;
    if (typeof x !== 'object' || x === null) continue;
    max = Math.max(max, d + 1);
    for (const c of Object.values(x)) todo.push([c, d + 1]);
  }
  return max;
}
