/**
 * Reading what the real cluster prints: `peer channel getinfo` output, CouchDB's database
 * info, `oc logs` (Fabric 2.x and 3.x line shapes, ANSI colours stripped) into the same
 * `ClusterLogLine` events the simulator gives, Prometheus text, and an orderer's SmartBFT
 * status (view, leader, role, committed block) from its log lines and metrics. And the one
 * text written here, `peer channel getinfo`'s (`getinfoOutput`), which the simulator and
 * `serve`'s oc emulator print as a real peer does.
 *
 * A leaf module: both real targets read their nodes with it (src/live on OpenShift,
 * src/local on 127.0.0.1), and neither imports the other.
 */
import type { ChannelInfo, ClusterLogLine, NodeId, OrdererStatus } from './cluster.ts';
import type { LogParser } from './log-format.ts';

/** `peer channel getinfo` stdout, byte for byte (json.Marshal of BlockchainInfo; omitempty fields). */
export function getinfoOutput(info: { height: number; currentBlockHash: string; previousBlockHash?: string }): string {
  const fields: string[] = [`"height":${info.height}`];
  if (info.currentBlockHash !== '') fields.push(`"currentBlockHash":${JSON.stringify(info.currentBlockHash)}`);
  if (info.previousBlockHash !== undefined && info.previousBlockHash !== '') fields.push(`"previousBlockHash":${JSON.stringify(info.previousBlockHash)}`);
  return `Blockchain info: {${fields.join(',')}}\n`;
}

/** `Blockchain info: {"height":5,"currentBlockHash":"...","previousBlockHash":"..."}` (fabric.md §3). */
export function parseGetInfo(stdout: string): ChannelInfo {
  const line = stdout.split('\n').find((l) => l.includes('Blockchain info:'));
  if (line === undefined) {
    const first = stdout.trim().split('\n')[0] ?? '';
    throw new Error(`peer channel getinfo: no "Blockchain info:" line in its output${first ? ` (got "${first.slice(0, 120)}")` : ' (empty output)'}`);
  }
  const json = line.slice(line.indexOf('{'));
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch {
    throw new Error(`peer channel getinfo: malformed JSON after "Blockchain info:": ${json.slice(0, 120)}`);
  }
  const o = v as { height?: unknown; currentBlockHash?: unknown; previousBlockHash?: unknown };
  if (typeof o.height !== 'number' || !Number.isInteger(o.height) || o.height < 0) throw new Error(`peer channel getinfo: "height" is not a whole number in ${json.slice(0, 120)}`);
  if (o.currentBlockHash !== undefined && typeof o.currentBlockHash !== 'string') throw new Error(`peer channel getinfo: "currentBlockHash" is not a string in ${json.slice(0, 120)}`);
  return {
    height: o.height,
    // Fields are omitempty: an absent hash is an empty one.
    currentBlockHash: o.currentBlockHash ?? '',
    ...(typeof o.previousBlockHash === 'string' ? { previousBlockHash: o.previousBlockHash } : {}),
  };
}

/** CouchDB `GET /<db>`: `{"db_name":..., "doc_count": N, ...}` or `{"error":"not_found","reason":"Database does not exist."}`. */
export function parseCouchDbInfo(body: string, db: string): number {
  let v: unknown;
  try {
    v = JSON.parse(body);
  } catch {
    throw new Error(`CouchDB ${db}: answer is not JSON: ${body.trim().slice(0, 120) || '(empty)'}`);
  }
  const o = v as { doc_count?: unknown; error?: unknown; reason?: unknown };
  if (o.error === 'not_found') throw new Error(`CouchDB database ${db} does not exist (${String(o.reason ?? 'not_found')})`);
  if (typeof o.error === 'string') throw new Error(`CouchDB ${db}: ${o.error}: ${String(o.reason ?? '')}`);
  if (typeof o.doc_count !== 'number') throw new Error(`CouchDB ${db}: no doc_count in ${body.trim().slice(0, 120)}`);
  return o.doc_count;
}

/** CouchDB `DELETE /<db>`: `{"ok":true}`; a database already gone is reported as such. */
export function parseCouchDbDelete(body: string, db: string): { ok: boolean; error?: string } {
  let o: { ok?: unknown; error?: unknown; reason?: unknown };
  try {
    o = JSON.parse(body) as typeof o;
  } catch {
    return { ok: false, error: `CouchDB ${db}: answer is not JSON: ${body.trim().slice(0, 120) || '(empty)'}` };
  }
  if (o.ok === true) return { ok: true };
  return { ok: false, error: `CouchDB ${db}: ${String(o.error ?? 'error')}: ${String(o.reason ?? '')}`.trim() };
}

const ANSI = /\x1b\[[0-9;]*m/g;

/** `oc logs` text to the shared events; lines that are not Fabric log lines are skipped. */
export function parseLogText(text: string, node: NodeId, openedAtMs: number, parser: LogParser): ClusterLogLine[] {
  const out: ClusterLogLine[] = [];
  for (const raw of text.split('\n')) {
    const clean = raw.replace(ANSI, '').replace(/\r$/, '');
    if (clean.trim() === '') continue;
    const p = parser.parse(clean);
    if (p === undefined) continue;
    out.push({
      at: p.timeMs - openedAtMs,
      node,
      level: p.level,
      module: p.module,
      func: p.func,
      message: p.message,
      ...(p.kind !== undefined ? { kind: p.kind } : {}),
      ...(p.args !== undefined ? { args: p.args } : {}),
      text: clean,
    });
  }
  return out;
}

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** Prometheus text exposition format (comments and histograms' extra series are kept as samples). */
export function parsePrometheusText(text: string): Sample[] {
  const out: Sample[] = [];
  const re = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = re.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    const body = m[2] ?? '';
    const lre = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
    for (let l = lre.exec(body); l !== null; l = lre.exec(body)) labels[l[1] ?? ''] = (l[2] ?? '').replace(/\\(.)/g, (_s, c: string) => (c === 'n' ? '\n' : c));
    const value = Number(m[3]);
    if (Number.isNaN(value) && m[3] !== 'NaN') continue;
    out.push({ name: m[1] ?? '', labels, value });
  }
  return out;
}

/** The sample of `name` for one deployment (Prometheus `namespace` label and a `pod` named `<deployment>-...`). */
export function pickSample(samples: readonly Sample[], name: string, namespace: string, deployment: string, channel: string): number | undefined {
  const s = samples.find(
    (x) =>
      x.name === name &&
      x.labels['namespace'] === namespace &&
      (x.labels['pod'] ?? '').startsWith(`${deployment}-`) &&
      (x.labels['channel'] === undefined || x.labels['channel'] === channel),
  );
  return s?.value;
}

/** What an orderer's log says about its SmartBFT state (latest lines win). */
export interface LoggedOrdererState {
  readonly view?: number;
  readonly leaderId?: number;
  readonly role?: 'leader' | 'follower';
  /** Last block this orderer wrote through consensus (`Delivering proposal, writing block N`). */
  readonly committedBlock?: number;
  /** Last block it has, including blocks pulled by sync. */
  readonly lastBlock?: number;
}

export function ordererStateFromLogs(lines: readonly ClusterLogLine[]): LoggedOrdererState {
  let view: number | undefined;
  let leaderId: number | undefined;
  let role: 'leader' | 'follower' | undefined;
  let committed: number | undefined;
  let last: number | undefined;
  const num = (l: ClusterLogLine, i: number): number | undefined => {
    const v = l.args?.[i];
    return typeof v === 'number' ? v : undefined;
  };
  for (const l of lines) {
    switch (l.kind) {
      case 'smartbft.changeRole': {
        const r = l.args?.[0];
        if (r === 'leader' || r === 'follower') role = r;
        view = num(l, 1) ?? view;
        leaderId = num(l, 2) ?? leaderId;
        break;
      }
      case 'smartbft.startView':
        view = num(l, 0) ?? view;
        break;
      case 'smartbft.deliver': {
        const b = num(l, 0);
        if (b !== undefined) {
          committed = b;
          last = Math.max(last ?? b, b);
        }
        break;
      }
      case 'smartbft.finishedSync': {
        const b = num(l, 2);
        if (b !== undefined) last = Math.max(last ?? b, b);
        break;
      }
      case 'smartbft.fetchedBlock': {
        const b = num(l, 0);
        if (b !== undefined) last = Math.max(last ?? b, b);
        break;
      }
      default:
        break;
    }
  }
  return {
    ...(view !== undefined ? { view } : {}),
    ...(leaderId !== undefined ? { leaderId } : {}),
    ...(role !== undefined ? { role } : {}),
    ...(committed !== undefined ? { committedBlock: committed } : {}),
    ...(last !== undefined ? { lastBlock: last } : {}),
  };
}

/** Combine log state, metrics and the deployment's readiness into the port's `OrdererStatus`. */
export function ordererStatus(
  up: boolean,
  logged: LoggedOrdererState,
  metrics: { committedBlock?: number; height?: number; leaderId?: number; view?: number },
  ordererById: ReadonlyMap<number, NodeId>,
  selfId: number,
): OrdererStatus {
  const committedBlock = metrics.committedBlock ?? logged.committedBlock ?? -1;
  const lastBlock = metrics.height !== undefined ? metrics.height - 1 : Math.max(logged.lastBlock ?? -1, committedBlock);
  const view = logged.view ?? metrics.view ?? 0;
  const leaderId = logged.leaderId ?? metrics.leaderId;
  if (!up) return { committedBlock, lastBlock, view, leader: null, role: 'down' };
  return {
    committedBlock,
    lastBlock,
    view,
    leader: leaderId !== undefined ? (ordererById.get(leaderId) ?? null) : null,
    // Without a role line, the leader id decides; a node that knows nothing is a follower.
    role: logged.role ?? (leaderId === selfId ? 'leader' : 'follower'),
  };
}
