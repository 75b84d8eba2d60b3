/**
 * The operation table: every scenario operation (`issue`, `stop`, `waitFor`, ...) declared
 * once, with
 *   - `schema`: its argument's structure (zod), from which the validator checks a step and
 *     scenario.schema.json is generated (schema.ts);
 *   - `summary`: the one sentence editors show on hover (the JSON Schema's description);
 *   - `check`: what a schema cannot say, once the structure holds (node names and selectors
 *     against the topology, orgs, zones, durations, patterns, `$references`), through the
 *     validator's `CheckContext`;
 *   - `run`: how it runs on the `Cluster` port (runner.ts), through the runner's `RunContext`;
 *   - `targets`: the targets that refuse it (live, local), when, and why; the simulator runs
 *     every operation. `live` and `--target local` read their refusals from here;
 *   - `describe`: the step's one-line label when it has no `name` (describe.ts);
 *   - `docs`: its rows of the operation table in docs/scenarios.md, which is generated from
 *     this table (`npm run docs:outputs`) and checked by test/docs/generated.test.ts.
 *
 * The table's order is the order of scenario.schema.json and of the docs table.
 */
import { z } from 'zod';
import { certificateFor, type Certificate, type Cluster, type NodeId, type OkResult } from './cluster.ts';
import { durationMs, formatDuration } from './duration.ts';
import { compilePattern, parsePattern } from './pattern.ts';
import type { ZonePlacement } from '../shared/zones.ts';
import { LIMITS, date, intIn, node, text, via } from './fields.ts';
import { didYouMean } from './suggest.ts';
import { SMARTBFT_MESSAGE_TYPES } from '../sim/smartbft/options.ts';

/** A node id, a selector (`leader`, `nextLeader`, `followers`, `orderers`, `peers`, `all`) or a `$reference`. */
export type NodeRef = string;
export type Duration = string;

export interface IssueArgs {
  readonly via: string;
  readonly certID: string;
  readonly studentID?: string;
  readonly studentName?: string;
  readonly courseID?: string;
  readonly courseName?: string;
  readonly issueDate?: string;
  readonly expiryDate?: string;
}

export interface WaitForArgs {
  /** A log line to wait for; with `absent: true`, a line that must NOT appear up to the end of `within`. */
  readonly log?: { readonly node: NodeRef; readonly match: string; readonly absent?: boolean };
  readonly caughtUp?: NodeRef;
  readonly within?: Duration;
}

/** The targets that run scenarios besides the simulator, which runs every operation. */
export type RealTarget = 'live' | 'local';

/**
 * A target that does not run an operation: `before` refuses a scenario with it before
 * anything runs; `step` lets the run start, and that step fails (a dry run warns of it).
 */
export interface Refusal {
  readonly when: 'before' | 'step';
  /** Why, in one clause (it follows `OP cannot run on the local target: `). */
  readonly why: string;
}

/** One row of the operation table in docs/scenarios.md. */
export interface DocRow {
  /** How the step is written, e.g. `stop: NODE`. */
  readonly syntax: string;
  /** The lab step it mirrors. */
  readonly mirrors: string;
  /** The step's value. */
  readonly value: string;
}

export type NodeKind = 'orderer' | 'peer' | 'couchdb';
type Path = readonly (string | number)[];
const ANY_NODE: readonly NodeKind[] = ['orderer', 'peer', 'couchdb'];

/** What an operation's meaning check can ask of the validator (schema.ts's Checker). */
export interface CheckContext {
  /** Record a problem at `path`. */
  add(path: Path, message: string, at?: 'key'): void;
  /** A string that may be a `$reference`: checks it names an earlier save; true when it is one. */
  ref(value: string, path: Path): boolean;
  /** A node id or selector of one of `kinds` (`single`: one node), `what` naming the operation in messages. */
  node(value: string, path: Path, kinds: readonly NodeKind[], single: boolean, what: string): void;
  org(value: string, path: Path): void;
  duration(value: unknown, path: Path): void;
  /** The zones `topology.zones` names, if any. */
  readonly zones: readonly string[] | undefined;
  /** The Byzantine behaviours the target knows (undefined: any name). */
  readonly behaviours: readonly string[] | undefined;
  /** Set when the target's behaviours are per consensus: errors then say whose list it was. */
  readonly consensus: 'smartbft' | 'raft' | undefined;
  /** The scenario's own `topology.consensus`. */
  readonly consensusOfTopology: 'smartbft' | 'raft';
}

/** What an operation's `run` can ask of the runner (runner.ts's Run), besides the cluster itself. */
export interface RunContext {
  readonly cluster: Cluster;
  /** The nodes a name or selector names at this moment; rejects when it names none. */
  nodes(name: string): Promise<readonly NodeId[]>;
  /** The one node a name names at this moment; rejects otherwise, `what` naming the operation. */
  one(name: string, what: string): Promise<NodeId>;
  /** `fn` on every node `names` names, in order; the first failure is the result's error. */
  forEach(names: string, fn: (id: NodeId) => Promise<OkResult>): Promise<OkResult>;
  /** Note that the run starts `id` now: `waitFor log` reads its log from there (as `oc logs` of the new pod). */
  starting(id: NodeId): void;
  /** When the run last started `id`, if it did. */
  startedAt(id: NodeId): number | undefined;
  /** `ms`, cut to what is left of the time budget; `cut` says whether it was cut. */
  budgeted(ms: number): { ms: number; cut: boolean };
  /** How often waitFor polls. */
  readonly pollMs: number;
  /** Where `topology.zones` puts each node (stopZone, startZone). */
  readonly zones: ZonePlacement | undefined;
  /** Count an `issue` step's outcome, for the run's metrics. */
  countIssue(ok: boolean): void;
}

/** Thrown by a step that ran into the run's time budget while waiting; the message names what it waited for. */
export class BudgetExceeded extends Error {}

/** How long `waitFor` waits without `within`. */
export const DEFAULT_WAIT_MS = 60_000;

function must(r: OkResult, what: string): void {
  if (!r.ok) throw new Error(`${what} failed${r.error !== undefined ? `: ${r.error}` : ''}`);
}

/** One operation, declared once; `A` is its argument as written in a step. */
export interface OperationSpec<A> {
  readonly schema: z.ZodType;
  readonly summary: string;
  /** What the schema cannot say, once the structure holds: names against the topology, durations, references. */
  readonly check?: (arg: A, c: CheckContext, path: Path, op: string) => void;
  /**
   * How it runs on the `Cluster` port, its argument's `$references` already resolved (so a
   * field may hold whatever the saved value held: strings are taken with `String()`).
   * Returns the step's value (what `save` keeps and `expect` is matched against).
   */
  readonly run: (arg: A, x: RunContext, op: string) => Promise<unknown>;
  readonly targets?: { readonly [T in RealTarget]?: Refusal };
  readonly describe: (arg: A, op: string) => string;
  readonly docs: readonly DocRow[];
}

const define = <A>(spec: OperationSpec<A>): OperationSpec<A> => spec;

const certArgs = z.strictObject({ via, certID: text() });
const peerArg = (extra?: { block: z.ZodType }) => z.strictObject({ peer: node, ...extra });

/** An org (`via`) and `$references` in the other fields. */
const checkCertificate = (a: { readonly via: string }, c: CheckContext, path: Path): void => {
  c.org(a.via, [...path, 'via']);
  for (const [k, v] of Object.entries(a)) if (k !== 'via' && typeof v === 'string') c.ref(v, [...path, k]);
};
const checkAnyNodes = (n: NodeRef, c: CheckContext, path: Path, op: string): void => c.node(n, path, ANY_NODE, false, op);
const checkPeer = (a: { readonly peer: NodeRef }, c: CheckContext, path: Path, op: string): void => c.node(a.peer, [...path, 'peer'], ['peer'], true, op);
const checkZone = (zone: string, c: CheckContext, path: Path, op: string): void => {
  if (c.ref(zone, path)) return;
  if (c.zones === undefined) c.add(path, `${op} needs zones: topology.zones places the nodes in zones (docs/scenarios.md#zones)`);
  else if (!c.zones.includes(zone)) c.add(path, `unknown zone "${zone}"${didYouMean(zone, c.zones)} (zones: ${c.zones.join(', ')})`);
};

/** The loss of a zone is a crash of every node in it (as size models it); coming back, CouchDBs start before their peers. */
async function runZone(zone: string, x: RunContext, op: string): Promise<unknown> {
  const c = x.cluster;
  const members = x.zones?.members[zone];
  if (members === undefined) throw new Error(`unknown zone "${zone}"${x.zones === undefined ? ' (topology.zones names none)' : ` (zones: ${x.zones.zones.join(', ')})`}`);
  let error: string | undefined;
  for (const id of op === 'stopZone' ? [...members].reverse() : members) {
    if (op === 'startZone') x.starting(id);
    const r = op === 'stopZone' ? await c.stop(id) : await c.start(id);
    if (!r.ok && error === undefined) error = `${id}: ${r.error ?? 'failed'}`;
  }
  return error === undefined ? { ok: true, zone, nodes: members } : { ok: false, error, zone, nodes: members };
}

/**
 * The negative log check: no line of the node's log (since the runner last started it,
 * as the positive check reads) matches, up to the end of the window. Fails at the first
 * matching line, naming it; holds when the window ends without one.
 */
async function waitForAbsent(x: RunContext, log: { node: string; match: string }, ms: number, cut: boolean, within: number): Promise<unknown> {
  const c = x.cluster;
  const node = await x.one(log.node, 'waitFor log');
  const re = compilePattern(log.match);
  const since = x.startedAt(node) ?? 0;
  let found: string | undefined;
  const seen = async (): Promise<boolean> => {
    for (const l of await c.logs(node)) {
      if (l.at >= since && re.test(l.text)) {
        found = l.text;
        return true;
      }
    }
    return false;
  };
  // waitUntil ends early only when a line matched; a last look covers the window's end.
  if ((await c.waitUntil(seen, ms, x.pollMs)) || (await seen())) {
    throw new Error(`${node} logged a line matching /${log.match}/, which must not appear: ${found ?? ''}`);
  }
  if (cut) throw new BudgetExceeded(`waitFor ${node} log /${log.match}/ absent`);
  return { absent: true, within: formatDuration(within) };
}

async function waitFor(a: Record<string, unknown>, x: RunContext): Promise<unknown> {
  const c = x.cluster;
  const within = a['within'] === undefined ? DEFAULT_WAIT_MS : durationMs(String(a['within']));
  const { ms, cut } = x.budgeted(within);
  const log = a['log'] as { node: string; match: string; absent?: boolean } | undefined;
  if (log !== undefined && log.absent === true) return waitForAbsent(x, log, ms, cut, within);
  if (log !== undefined) {
    const node = await x.one(log.node, 'waitFor log');
    const re = compilePattern(log.match);
    const since = x.startedAt(node) ?? 0;
    let found: string | undefined;
    const ok = await c.waitUntil(
      async () => {
        const lines = await c.logs(node);
        for (const l of lines) {
          if (l.at >= since && re.test(l.text)) {
            found = l.text;
            return true;
          }
        }
        return false;
      },
      ms,
      x.pollMs,
    );
    if (ok && found !== undefined) return found;
    if (cut) throw new BudgetExceeded(`waitFor ${node} log /${log.match}/`);
    throw new Error(`no line of ${node}${since > 0 ? ' since its restart' : ''} matched /${log.match}/ within ${formatDuration(within)}`);
  }
  const node = await x.one(String(a['caughtUp']), 'waitFor caughtUp');
  const isOrderer = c.topology.orderers.includes(node);
  let mine = 0;
  let target = 0;
  const ok = await c.waitUntil(
    async () => {
      try {
        if (!(await c.isUp(node))) return false;
        target = 0;
        for (const o of c.topology.orderers) {
          if (o === node || !(await c.isUp(o))) continue;
          const st = await c.ordererStatus(o);
          if (st.role !== 'down') target = Math.max(target, st.lastBlock + 1);
        }
        mine = isOrderer ? (await c.ordererStatus(node)).lastBlock + 1 : (await c.channelInfo(node)).height;
        return mine >= target;
      } catch {
        return false;
      }
    },
    ms,
    x.pollMs,
  );
  if (ok) return mine;
  if (cut) throw new BudgetExceeded(`waitFor ${node} caught up`);
  throw new Error(`${node} did not catch up within ${formatDuration(within)}: height ${mine}, orderers at ${target}`);
}

const opAndArg = (arg: string, op: string): string => `${op} ${arg}`;
const opAndPeer = (a: { readonly peer: NodeRef }, op: string): string => `${op} ${a.peer}`;
const opAlone = (_: unknown, op: string): string => op;
const certificate = (a: { readonly via: string; readonly certID: string }, op: string): string => `${op} ${a.certID} via ${a.via}`;

/** Why the live target refuses `reset` and `rollback` before a run. */
const LIVE_TRUNCATES = (cmd: string): string => `peer node ${cmd} truncates the peer's block store on the cluster's volume, and the lab's peers keep their CouchDB, which ${cmd} does not drop (LiveCluster.${cmd}Ledger)`;
const LOCAL_NO_NETNS = 'the processes share 127.0.0.1; cutting links between them needs network namespaces the local target does not create';

/** Every operation, in the order of scenario.schema.json and docs/scenarios.md. */
export const OPERATION_TABLE = {
  issue: define<IssueArgs>({
    schema: z.strictObject({
      via,
      certID: text(),
      studentID: text().optional(),
      studentName: text().optional(),
      courseID: text().optional(),
      courseName: text().optional(),
      issueDate: date.optional(),
      expiryDate: date.optional(),
    }),
    summary: "Issue a certificate through an org's gateway (endorse, order, commit).",
    check: checkCertificate,
    run: async (a, x) => {
      const via = String(a.via);
      const r = await x.cluster.issueCertificate(via, certificateFor(via, a as { certID: string } & Partial<Certificate>));
      x.countIssue(r.ok);
      return r;
    },
    describe: certificate,
    docs: [
      {
        syntax: '`issue: { via: ORG, certID, studentID, studentName, courseID, courseName, issueDate, expiryDate }`',
        mirrors: "`POST /api/v1/certificates` with ORG's token; all fields but `via` and `certID` default to the lab's (`student01@<org>.demo`, `Resilience Test`, `TEST-101`, `BFT Testing`, `2026-03-14`, `2027-03-14`)",
        value: '`{ ok, txID, block, error }`',
      },
    ],
  }),
  verify: define<{ readonly via: string; readonly certID: string }>({
    schema: certArgs,
    summary: 'Read a certificate back (VALID, REVOKED, EXPIRED or NOT_FOUND).',
    check: checkCertificate,
    run: async (a, x) => {
      const r = await x.cluster.verifyCertificate(String(a.certID), String(a.via));
      // The stored certificate as the API returned it (absent for NOT_FOUND), so `expect` and `save` can read its fields.
      return { status: r.status, ...(r.certificate !== undefined ? { certificate: r.certificate } : {}), ...(r.error !== undefined ? { error: r.error } : {}) };
    },
    describe: certificate,
    docs: [
      {
        syntax: '`verify: { via: ORG, certID }`',
        mirrors: '`GET /api/v1/verify/{certID}`',
        value: '`{ status, certificate }`: status `VALID`, `NOT_FOUND`, `REVOKED`, `EXPIRED`; `certificate` is the stored one (`certID`, `studentID`, `studentName`, `courseID`, `courseName`, `issueDate`, `expiryDate`, `revoked`), absent when NOT_FOUND',
      },
    ],
  }),
  revoke: define<{ readonly via: string; readonly certID: string }>({
    schema: certArgs,
    summary: 'Revoke a certificate.',
    check: checkCertificate,
    run: (a, x) => x.cluster.revokeCertificate(String(a.certID), String(a.via)),
    describe: certificate,
    docs: [{ syntax: '`revoke: { via: ORG, certID }`', mirrors: "revoke through ORG's API", value: '`{ ok, error }`' }],
  }),
  stop: define<NodeRef>({
    schema: node,
    summary: 'Stop a node (orderer, peer or CouchDB), or a selector such as leader.',
    check: checkAnyNodes,
    run: (n, x) => x.forEach(String(n), (id) => x.cluster.stop(id)),
    describe: opAndArg,
    docs: [{ syntax: '`stop: NODE`', mirrors: '`oc scale deployment X --replicas=0`', value: '`{ ok }`' }],
  }),
  start: define<NodeRef>({
    schema: node,
    summary: 'Start a stopped node.',
    check: checkAnyNodes,
    run: (n, x) =>
      x.forEach(String(n), (id) => {
        x.starting(id);
        return x.cluster.start(id);
      }),
    describe: opAndArg,
    docs: [{ syntax: '`start: NODE`', mirrors: '`oc scale deployment X --replicas=1`', value: '`{ ok }`' }],
  }),
  stopZone: define<string>({
    schema: text(64),
    summary: 'Lose a whole zone (topology.zones): stop every node in it.',
    check: checkZone,
    run: (zone, x, op) => runZone(String(zone), x, op),
    describe: opAndArg,
    docs: [{ syntax: '`stopZone: ZONE`', mirrors: 'the loss of a whole zone ([Zones](#zones)): every node in it stops', value: '`{ ok, zone, nodes }`' }],
  }),
  startZone: define<string>({
    schema: text(64),
    summary: 'Bring a lost zone back: start every node in it.',
    check: checkZone,
    run: (zone, x, op) => runZone(String(zone), x, op),
    describe: opAndArg,
    docs: [{ syntax: '`startZone: ZONE`', mirrors: 'the zone comes back: every node in it starts', value: '`{ ok, zone, nodes }`' }],
  }),
  pauseAutoHeal: define<true>({
    schema: z.literal(true),
    summary: 'Pause Argo CD auto-sync, which would restart a stopped node (a no-op in the simulator).',
    run: (_, x) => x.cluster.pauseAutoHeal(),
    describe: opAlone,
    docs: [{ syntax: '`pauseAutoHeal: true`', mirrors: 'pause Argo CD auto-sync (no-op in the simulator)', value: '`{ ok }`' }],
  }),
  resumeAutoHeal: define<true>({
    schema: z.literal(true),
    summary: 'Re-enable Argo CD auto-sync.',
    run: (_, x) => x.cluster.resumeAutoHeal(),
    describe: opAlone,
    docs: [{ syntax: '`resumeAutoHeal: true`', mirrors: 're-enable Argo CD auto-sync', value: '`{ ok }`' }],
  }),
  channelInfo: define<{ readonly peer: NodeRef }>({
    schema: peerArg(),
    summary: "A peer's channel height and current and previous block hashes (peer channel getinfo).",
    check: checkPeer,
    run: async (a, x, op) => x.cluster.channelInfo(await x.one(String(a.peer), op)),
    describe: opAndPeer,
    docs: [{ syntax: '`channelInfo: { peer: NODE }`', mirrors: '`peer channel getinfo -c certchannel`', value: '`{ height, currentBlockHash, previousBlockHash }`' }],
  }),
  docCount: define<{ readonly peer: NodeRef }>({
    schema: peerArg(),
    summary: "Documents in a peer's state database.",
    check: checkPeer,
    targets: { local: { when: 'step', why: "the local network's peers use LevelDB, which has no CouchDB doc_count" } },
    run: async (a, x, op) => x.cluster.stateDocCount(await x.one(String(a.peer), op)),
    describe: opAndPeer,
    docs: [{ syntax: '`docCount: { peer: NODE }`', mirrors: 'CouchDB `doc_count` of `certchannel_certcontract`', value: 'a number' }],
  }),
  dropStateDatabase: define<{ readonly peer: NodeRef }>({
    schema: peerArg(),
    summary: "Drop a peer's CouchDB state database.",
    check: checkPeer,
    run: async (a, x, op) => x.cluster.dropStateDatabase(await x.one(String(a.peer), op)),
    describe: opAndPeer,
    docs: [{ syntax: '`dropStateDatabase: { peer: NODE }`', mirrors: '`curl -X DELETE .../certchannel_certcontract`', value: '`{ ok, error }`' }],
  }),
  rebuildDbs: define<{ readonly peer: NodeRef }>({
    schema: peerArg(),
    summary: "Rebuild a peer's state database from its ledger.",
    check: checkPeer,
    run: async (a, x, op) => x.cluster.rebuildDbs(await x.one(String(a.peer), op)),
    describe: opAndPeer,
    docs: [{ syntax: '`rebuildDbs: { peer: NODE }`', mirrors: '`peer node rebuild-dbs` (the peer must be stopped)', value: '`{ ok, error }`' }],
  }),
  reset: define<{ readonly peer: NodeRef }>({
    schema: peerArg(),
    summary: "peer node reset: a stopped peer's channels back to the genesis block; it refetches the blocks when started.",
    check: checkPeer,
    targets: { live: { when: 'before', why: LIVE_TRUNCATES('reset') } },
    run: async (a, x, op) => x.cluster.resetLedger(await x.one(String(a.peer), op)),
    describe: opAndPeer,
    docs: [
      {
        syntax: '`reset: { peer: NODE }`',
        mirrors: '`peer node reset` (the peer must be stopped): every channel back to its genesis block; see [reset and rollback](#reset-and-rollback)',
        value: '`{ ok, error }`',
      },
    ],
  }),
  rollback: define<{ readonly peer: NodeRef; readonly block: number }>({
    schema: peerArg({ block: intIn(0, Number.MAX_SAFE_INTEGER) }),
    summary: "peer node rollback -b N: a stopped peer's channel back to block N (below its last block); it refetches the rest when started.",
    check: checkPeer,
    targets: { live: { when: 'before', why: LIVE_TRUNCATES('rollback') } },
    run: async (a, x, op) => x.cluster.rollbackLedger(await x.one(String(a.peer), op), Number(a.block)),
    describe: (a) => `rollback ${a.peer} to block ${a.block}`,
    docs: [{ syntax: '`rollback: { peer: NODE, block: N }`', mirrors: '`peer node rollback -c certchannel -b N` (the peer must be stopped; N below the last block)', value: '`{ ok, error }`' }],
  }),
  ordererStatus: define<{ readonly orderer: NodeRef }>({
    schema: z.strictObject({ orderer: node }),
    summary: "An orderer's committed block, last block, view, leader and role.",
    check: (a, c, path, op) => c.node(a.orderer, [...path, 'orderer'], ['orderer'], true, op),
    run: async (a, x, op) => x.cluster.ordererStatus(await x.one(String(a.orderer), op)),
    describe: (a, op) => `${op} ${a.orderer}`,
    docs: [{ syntax: '`ordererStatus: { orderer: NODE }`', mirrors: 'SmartBFT logs and metrics', value: '`{ committedBlock, lastBlock, view, leader, role }`' }],
  }),
  waitFor: define<WaitForArgs>({
    schema: z.strictObject({
      log: z.strictObject({ node, match: text(1000), absent: z.boolean().optional() }).optional(),
      caughtUp: node.optional(),
      within: z.string().optional(),
    }),
    summary: 'Wait until a log line appears (or, with log.absent, check that none appears) or a node catches up, within a bound.',
    check: (a, c, path) => {
      const hasLog = a.log !== undefined;
      const hasCaughtUp = a.caughtUp !== undefined;
      if (hasLog === hasCaughtUp) {
        c.add(path, 'waitFor needs exactly one of log: { node, match } or caughtUp: NODE');
        return;
      }
      if (a.within !== undefined) c.duration(a.within, [...path, 'within']);
      if (a.log !== undefined) {
        c.node(a.log.node, [...path, 'log', 'node'], ANY_NODE, true, 'waitFor.log');
        if (!c.ref(a.log.match, [...path, 'log', 'match'])) {
          const r = parsePattern(a.log.match);
          if ('error' in r) c.add([...path, 'log', 'match'], r.error);
        }
      } else {
        c.node(String(a.caughtUp), [...path, 'caughtUp'], ['orderer', 'peer'], true, 'waitFor.caughtUp');
      }
    },
    run: (a, x) => waitFor(a as Record<string, unknown>, x),
    describe: (a) => {
      const within = a.within === undefined ? '' : ` within ${a.within}`;
      return a.log !== undefined ? `waitFor ${a.log.node} log /${a.log.match}/${a.log.absent === true ? ' absent' : ''}${within}` : `waitFor ${a.caughtUp ?? '?'} caught up${within}`;
    },
    docs: [
      { syntax: '`waitFor: { log: { node: NODE, match: REGEX }, within: DURATION }`', mirrors: '`oc logs ... \\| grep` in a polling loop', value: 'the first matching log line' },
      { syntax: '`waitFor: { log: { node: NODE, match: REGEX, absent: true }, within: DURATION }`', mirrors: '`oc logs ... \\| grep` must find nothing', value: '`{ absent: true, within }`' },
      { syntax: '`waitFor: { caughtUp: NODE, within: DURATION }`', mirrors: 'the lab\'s "catches up"', value: 'the height reached' },
    ],
  }),
  sleep: define<Duration>({
    schema: z.string(),
    summary: 'Let simulated time pass, e.g. 30s.',
    check: (d, c, path) => c.duration(d, path),
    run: async (d, x) => {
      const { ms, cut } = x.budgeted(durationMs(String(d)));
      await x.cluster.sleep(ms);
      if (cut) throw new BudgetExceeded(`sleep ${String(d)}`);
      return null;
    },
    describe: opAndArg,
    docs: [{ syntax: '`sleep: DURATION`', mirrors: '`sleep`', value: '-' }],
  }),
  partition: define<readonly (readonly NodeRef[])[]>({
    schema: z.array(z.array(node).min(1, { error: 'a partition group needs at least one node' })).min(1),
    summary: 'Split the network into groups (nodes not named form one more group).',
    check: (groups, c, path) => groups.forEach((g, i) => g.forEach((n, j) => c.node(n, [...path, i, j], ANY_NODE, false, 'partition'))),
    targets: {
      live: { when: 'step', why: 'the adapter does not write NetworkPolicies' },
      local: { when: 'before', why: LOCAL_NO_NETNS },
    },
    run: async (arg, x) => {
      const groups: NodeId[][] = [];
      for (const g of arg) {
        const ids: NodeId[] = [];
        for (const n of g) for (const id of await x.nodes(n)) if (!ids.includes(id)) ids.push(id);
        groups.push(ids);
      }
      must(await x.cluster.partition(groups), 'partition');
      return null;
    },
    describe: (groups) => `partition ${groups.map((g) => `[${g.join(' ')}]`).join(' | ')}`,
    docs: [{ syntax: '`partition: [[NODE, ...], [NODE, ...]]`', mirrors: 'network partition; nodes in no group form one more group', value: '-' }],
  }),
  heal: define<true>({
    schema: z.literal(true),
    summary: 'Remove every partition, cut and message drop.',
    targets: {
      live: { when: 'step', why: 'the live target does not partition' },
      local: { when: 'before', why: 'the local target does not partition' },
    },
    run: async (_, x) => {
      must(await x.cluster.heal(), 'heal');
      return null;
    },
    describe: opAlone,
    docs: [{ syntax: '`heal: true`', mirrors: 'remove every partition, cut and message drop', value: '-' }],
  }),
  cut: define<{ readonly from: NodeRef; readonly to: NodeRef }>({
    schema: z.strictObject({ from: node, to: node }),
    summary: 'Cut the links from one node (or selector) to another, one way only.',
    check: (a, c, path, op) => {
      c.node(a.from, [...path, 'from'], ANY_NODE, false, op);
      c.node(a.to, [...path, 'to'], ANY_NODE, false, op);
    },
    targets: {
      live: { when: 'step', why: 'the adapter does not write NetworkPolicies' },
      local: { when: 'before', why: LOCAL_NO_NETNS },
    },
    run: async (a, x) => {
      const c = x.cluster;
      if (c.cut === undefined) throw new Error('cut: this target cannot cut links one way; run it in the simulator');
      must(await c.cut(await x.nodes(String(a.from)), await x.nodes(String(a.to))), 'cut');
      return null;
    },
    describe: (a) => `cut ${a.from} -> ${a.to}`,
    docs: [{ syntax: '`cut: { from: NODE, to: NODE }`', mirrors: 'a one-way link failure: nothing `from` sends reaches `to` (both may be selectors: every pair), the other way still works', value: '-' }],
  }),
  dropMessages: define<{ readonly from: NodeRef; readonly to?: NodeRef; readonly types: readonly string[] }>({
    schema: z.strictObject({ from: node, to: node.optional(), types: z.array(text(64)).min(1, { error: 'name at least one message type' }) }),
    summary: 'Drop only some SmartBFT message types (Commit, HeartBeat, ...) from one node to others.',
    check: (a, c, path, op) => {
      c.node(a.from, [...path, 'from'], ['orderer'], false, op);
      if (a.to !== undefined) c.node(a.to, [...path, 'to'], ['orderer'], false, op);
      if (c.consensusOfTopology === 'raft') {
        c.add([...path, 'types'], 'dropMessages names SmartBFT message types; topology.consensus is raft');
        return;
      }
      a.types.forEach((t, i) => {
        if (!(SMARTBFT_MESSAGE_TYPES as readonly string[]).includes(t)) c.add([...path, 'types', i], `unknown SmartBFT message type "${t}"${didYouMean(t, SMARTBFT_MESSAGE_TYPES)} (known: ${SMARTBFT_MESSAGE_TYPES.join(', ')})`);
      });
    },
    targets: {
      live: { when: 'step', why: 'dropping some message types needs a proxy between the orderers the live target does not run' },
      local: { when: 'before', why: 'dropping some message types needs a proxy between the orderers the local target does not run' },
    },
    run: async (a, x) => {
      const c = x.cluster;
      if (c.dropMessages === undefined) throw new Error('dropMessages: this target cannot drop messages by type; run it in the simulator');
      must(await c.dropMessages(await x.nodes(String(a.from)), await x.nodes(a.to === undefined ? 'orderers' : String(a.to)), a.types), 'dropMessages');
      return null;
    },
    describe: (a) => `drop ${a.types.join(', ')} ${a.from} -> ${a.to ?? 'orderers'}`,
    docs: [
      {
        syntax: '`dropMessages: { from: NODE, to: NODE, types: [TYPE, ...] }`',
        mirrors: 'lose only some SmartBFT messages: those of the given types from `from` to `to` (orderers; `to` defaults to `orderers`), e.g. `{ from: orderer.org3, types: [Commit] }`',
        value: '-',
      },
    ],
  }),
  byzantine: define<{ readonly node: NodeRef; readonly behaviour: string }>({
    schema: z.strictObject({ node, behaviour: text(64) }),
    summary: 'Make an orderer Byzantine with a named behaviour.',
    check: (a, c, path, op) => {
      c.node(a.node, [...path, 'node'], ['orderer'], false, op);
      const b = a.behaviour;
      // `censor:<clientId>` is a parameterised `censor`: the name before the colon must be known.
      if (c.behaviours !== undefined && !c.behaviours.includes(b) && !c.behaviours.includes(b.split(':')[0] ?? '')) {
        const orderers = c.consensus === undefined ? '' : c.consensus === 'raft' ? ' for etcdraft orderers (topology.consensus: raft)' : ' for SmartBFT orderers';
        c.add([...path, 'behaviour'], `unknown Byzantine behaviour "${b}"${orderers}${didYouMean(b, c.behaviours)} (known: ${c.behaviours.join(', ')})`);
      }
    },
    targets: {
      live: { when: 'step', why: 'a real orderer cannot be made to lie from outside' },
      local: { when: 'before', why: 'a real orderer cannot be made to lie from outside' },
    },
    run: async (a, x) => {
      must(await x.forEach(String(a.node), (id) => x.cluster.setByzantine(id, String(a.behaviour))), 'byzantine');
      return null;
    },
    describe: (a) => `byzantine ${a.node} ${a.behaviour}`,
    docs: [{ syntax: '`byzantine: { node: NODE, behaviour: NAME }`', mirrors: 'make an orderer Byzantine', value: '-' }],
  }),
  honest: define<NodeRef>({
    schema: node,
    summary: 'Make a Byzantine orderer honest again.',
    check: (n, c, path, op) => c.node(n, path, ['orderer'], false, op),
    targets: {
      live: { when: 'step', why: 'the live target does not make orderers Byzantine' },
      local: { when: 'before', why: 'the local target does not make orderers Byzantine' },
    },
    run: async (n, x) => {
      must(await x.forEach(String(n), (id) => x.cluster.setByzantine(id, null)), 'honest');
      return null;
    },
    describe: opAndArg,
    docs: [{ syntax: '`honest: NODE`', mirrors: 'back to honest', value: '-' }],
  }),
  load: define<{ readonly via: string; readonly count: number; readonly every: Duration }>({
    schema: z.strictObject({ via, count: intIn(1, LIMITS.loadCount), every: z.string() }),
    summary: 'Issue certificates in the background at a steady rate.',
    check: (a, c, path) => {
      c.org(a.via, [...path, 'via']);
      c.duration(a.every, [...path, 'every']);
    },
    run: async (a, x) => {
      const started = await x.cluster.startLoad(String(a.via), Number(a.count), durationMs(String(a.every)));
      must(started, 'load');
      if (started.load === undefined) throw new Error('load: the target gave the load no id');
      return { load: started.load };
    },
    describe: (a) => `load ${a.count} certificates via ${a.via} every ${a.every}`,
    docs: [{ syntax: '`load: { via: ORG, count: N, every: DURATION }`', mirrors: 'background issuance: N certificates, each DURATION after the answer to the one before (a `curl; sleep` loop: a stall holds one request)', value: 'at the end of the run, its tally (below)' }],
  }),
};

type Table = typeof OPERATION_TABLE;

/** Every operation and its argument, as written in a step (declared in the operation table, src/scenarios/operations.ts). */
export type Operations = { readonly [K in keyof Table]: Table[K] extends OperationSpec<infer A> ? A : never };

export type OpName = keyof Operations;

/** The operations' names, in the table's order. */
export const OPERATIONS = Object.keys(OPERATION_TABLE) as readonly OpName[];

/** The operation's entry, typed by its argument. */
export function operation<K extends OpName>(op: K): OperationSpec<Operations[K]> {
  return OPERATION_TABLE[op] as unknown as OperationSpec<Operations[K]>;
}

/** How `target` treats `op`: undefined when it runs it. */
export function refusal(op: OpName, target: RealTarget): Refusal | undefined {
  const targets: OperationSpec<unknown>['targets'] = OPERATION_TABLE[op].targets;
  return targets?.[target];
}

/** The targets that run `op`, for the docs: `sim, local, live`. */
export function targetsOf(op: OpName): string {
  return ['sim', ...(['local', 'live'] as const).filter((t) => refusal(op, t) === undefined)].join(', ');
}

/** The first operation in `step` that `target` refuses at `when`, with its refusal. */
export function refusedIn(step: object, target: RealTarget, when?: Refusal['when']): { op: OpName; refusal: Refusal } | undefined {
  for (const k of Object.keys(step)) {
    if (!Object.hasOwn(OPERATION_TABLE, k)) continue;
    const r = refusal(k as OpName, target);
    if (r !== undefined && (when === undefined || r.when === when)) return { op: k as OpName, refusal: r };
  }
  return undefined;
}

/** The operation table of docs/scenarios.md, as markdown lines (generated from the table). */
export function operationsMarkdown(): string[] {
  const rows = OPERATIONS.flatMap((op) => OPERATION_TABLE[op].docs.map((r) => `| ${r.syntax} | ${r.mirrors} | ${r.value} | ${targetsOf(op)} |`));
  return ['| operation | lab step it mirrors | value | runs on |', '|---|---|---|---|', ...rows];
}
