/**
 * The live adapter's config: which namespace and deployment each node id is, where the
 * CertChain REST API and Keycloak are, which realm and user each org signs in with, the
 * channel and chaincode, the Argo CD applications that would undo our faults, and how to
 * run `oc`. YAML, validated with zod; every error names the file, the path and the fix.
 *
 * Secrets (passwords, client secrets, bearer tokens) are never values in this file: they
 * are `{ env: NAME }` or `{ file: PATH }` references, read when the run starts.
 */
import { dirname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import type { NodeId, TopologyInfo } from '../scenarios/cluster.ts';
import { DEPLOYED_NODE_ID_RE, couchdbId } from '../shared/names.ts';
import { MAX_DURATION_MS, durationTermMs } from '../scenarios/duration.ts';
import type { SecretRef } from './secrets.ts';
import { FileReadError, readRegularFile } from '../io/files.ts';

/** Largest config file read (a config is a page or two). */
export const MAX_CONFIG_BYTES = 1_000_000;

/**
 * `500ms`, `30s`, `2m`, `1h`, or a number of milliseconds; more than 0 and at most 24h.
 * (Node's timers fire at once for a delay above 2^31-1 ms, about 24.8 days: `--timeout
 * 1000h` would have aborted the run immediately, and `0s` would poll without pause.)
 */
export function parseDuration(v: string | number): number {
  const ms = typeof v === 'number' ? v : durationTermMs(v);
  if (ms === undefined) throw new Error(`"${v}" is not a duration (use 500ms, 30s, 2m or 1h)`);
  if (!(ms > 0)) throw new Error(`"${v}" is not longer than 0`);
  if (ms > MAX_DURATION_MS) throw new Error(`"${v}" is longer than the limit of 24h`);
  return ms;
}

const duration = z
  .union([z.number().int().positive(), z.string()])
  .transform((v, ctx) => {
    try {
      return parseDuration(v);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: (e as Error).message });
      return z.NEVER;
    }
  });

const secretRef = z.union([
  z.strictObject({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name') }),
  z.strictObject({ file: z.string().min(1) }),
], { error: 'a secret must be { env: VARIABLE } or { file: PATH } (never the value itself)' });

const url = z.url({ protocol: /^https?$/, error: 'an http(s) URL' });
/**
 * Names that reach `peer` and `curl` as arguments: Fabric's own rules (a value starting
 * with `-` would be read as an option). Channel: `ChannelAllowedChars` and `MaxLength` of
 * fabric common/configtx/validator.go; chaincode: `ChaincodeNameRegExp` of fabric
 * core/chaincode/lifecycle/scc.go.
 */
const channelName = z
  .string()
  .max(249, 'a channel name has at most 249 characters')
  .regex(/^[a-z][a-z0-9.-]*$/, 'a Fabric channel name (lower case letter first, then lower case letters, digits, . or -)');
const chaincodeName = z.string().regex(/^[a-zA-Z0-9]+([-_][a-zA-Z0-9]+)*$/, 'a Fabric chaincode name (letters and digits, single - or _ between them)');

const k8sName = z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'a Kubernetes name (lower case, digits, -)');

const nodeSchema = z.strictObject({
  namespace: k8sName,
  deployment: k8sName,
  /** Container for `oc exec` / `oc logs` (`-c`), when the pod has several. */
  container: k8sName.optional(),
  /** Orderers: SmartBFT consenter id (1..n). */
  consenterId: z.number().int().positive().optional(),
  /** Peers: the node id of its CouchDB (default `couchdb.<org>`). */
  couchdb: z.string().optional(),
});

const orgSchema = z.strictObject({
  realm: z.string().min(1),
  username: z.string().min(1),
  password: secretRef,
  /** This org's REST API, when each org has its own host (default `api.baseUrl`). */
  apiUrl: url.optional(),
});

export const liveConfigSchema = z.strictObject({
  channel: channelName.default('certchannel'),
  chaincode: chaincodeName.default('certcontract'),
  oc: z
    .strictObject({ path: z.string().min(1).default('oc'), timeout: duration.default(30_000) })
    .default({ path: 'oc', timeout: 30_000 }),
  timeouts: z
    .strictObject({
      rollout: duration.default(120_000),
      scaleDown: duration.default(120_000),
      http: duration.default(15_000),
      poll: duration.default(2_000),
    })
    .default({ rollout: 120_000, scaleDown: 120_000, http: 15_000, poll: 2_000 }),
  api: z.strictObject({
    baseUrl: url,
    // Paths start with / so that they cannot extend the base URL's host name (and send
    // the bearer token elsewhere): `.evil.example/{certID}` is refused.
    issuePath: z.string().startsWith('/').default('/api/v1/certificates'),
    verifyPath: z.string().startsWith('/').includes('{certID}').default('/api/v1/verify/{certID}'),
    revokePath: z.string().startsWith('/').includes('{certID}').default('/api/v1/certificates/{certID}/revoke'),
  }),
  tls: z
    .strictObject({ caFile: z.string().min(1).optional(), insecure: z.boolean().default(false) })
    .default({ insecure: false }),
  keycloak: z.strictObject({
    url,
    clientId: z.string().min(1).default('course-manager-ui'),
    clientSecret: secretRef.optional(),
  }),
  orgs: z.record(z.string().regex(/^[a-z0-9]+$/, 'an org name (lower case letters and digits)'), orgSchema).refine(
    (o) => Object.keys(o).length > 0,
    'name at least one org',
  ),
  couchdb: z
    .strictObject({
      // curl reads `user = "name:password"`: the first colon ends the name.
      username: z
        .string()
        .regex(/^[^:\u0000-\u001f\u007f]+$/, 'a CouchDB user name (no colon, no control characters)')
        .default('admin'),
      password: secretRef,
      /** CouchDB as seen from inside its pod (curl runs there). */
      url: url.default('http://localhost:5984'),
    }),
  argocd: z
    .strictObject({
      namespace: k8sName.default('openshift-gitops'),
      /** namespace -> Argo CD application that manages it */
      applications: z.record(k8sName, k8sName).default({}),
    })
    .default({ namespace: 'openshift-gitops', applications: {} }),
  metrics: z
    .strictObject({
      /** A Prometheus text endpoint whose series carry `namespace` and `pod` labels (e.g. Prometheus `/federate`). */
      url,
      bearerToken: secretRef.optional(),
    })
    .optional(),
  nodes: z.record(z.string().regex(DEPLOYED_NODE_ID_RE, 'a node id like orderer.dataforge, peer0.techpulse or couchdb.techpulse'), nodeSchema),
});

export type LiveConfigInput = z.input<typeof liveConfigSchema>;
type Parsed = z.output<typeof liveConfigSchema>;

export interface NodeTarget {
  readonly id: NodeId;
  readonly kind: 'orderer' | 'peer' | 'couchdb';
  readonly org: string;
  readonly namespace: string;
  readonly deployment: string;
  readonly container?: string;
  readonly consenterId?: number;
  /** Peers: their CouchDB node id. */
  readonly couchdb?: NodeId;
}

export interface LiveConfig extends Omit<Parsed, 'nodes'> {
  readonly nodes: Readonly<Record<NodeId, NodeTarget>>;
  readonly topology: TopologyInfo;
  /** Directory of the config file: relative secret and CA file paths resolve from here. */
  readonly baseDir: string;
  /** Orderer node id by SmartBFT consenter id. */
  readonly ordererById: ReadonlyMap<number, NodeId>;
}

function kindOf(id: string): NodeTarget['kind'] {
  if (id.startsWith('orderer')) return 'orderer';
  if (id.startsWith('peer')) return 'peer';
  return 'couchdb';
}

function formatIssues(err: z.ZodError, where: string): string {
  const lines = err.issues.map((i) => {
    const path = i.path.map((p, k) => (typeof p === 'number' ? `[${p}]` : k === 0 ? String(p) : `.${String(p)}`)).join('');
    return `${where}: ${path === '' ? '(top level)' : path}: ${i.message}`;
  });
  return lines.join('\n');
}

/** Validate a parsed document. Throws an Error whose message lists every problem, one per line. */
export function buildLiveConfig(doc: unknown, where: string, baseDir: string): LiveConfig {
  const r = liveConfigSchema.safeParse(doc);
  if (!r.success) throw new Error(formatIssues(r.error, where));
  const c = r.data;
  const problems: string[] = [];
  const nodes: Record<NodeId, NodeTarget> = {};
  for (const [id, n] of Object.entries(c.nodes)) {
    const kind = kindOf(id);
    const org = id.slice(id.indexOf('.') + 1);
    if (kind === 'peer' && !(org in c.orgs)) problems.push(`${where}: nodes.${id}: org "${org}" is not under orgs (known: ${Object.keys(c.orgs).join(', ')})`);
    const t: NodeTarget = {
      id,
      kind,
      org,
      namespace: n.namespace,
      deployment: n.deployment,
      ...(n.container !== undefined ? { container: n.container } : {}),
      ...(n.consenterId !== undefined ? { consenterId: n.consenterId } : {}),
      ...(kind === 'peer' ? { couchdb: n.couchdb ?? couchdbId(org, Number(/^peer(\d+)\./.exec(id)?.[1] ?? 0)) } : {}),
    };
    if (kind === 'peer' && t.couchdb !== undefined && !(t.couchdb in c.nodes)) {
      problems.push(`${where}: nodes.${id}.couchdb: "${t.couchdb}" is not a node in this config`);
    }
    if (kind !== 'orderer' && n.consenterId !== undefined) problems.push(`${where}: nodes.${id}.consenterId: only orderers have a consenter id`);
    nodes[id] = t;
  }
  const orderers = Object.values(nodes).filter((n) => n.kind === 'orderer');
  // Consenter ids default to DESIGN.md's order: the config's order of orderers.
  const ordererById = new Map<number, NodeId>();
  orderers.forEach((o, i) => {
    const cid = o.consenterId ?? i + 1;
    if (ordererById.has(cid)) problems.push(`${where}: nodes.${o.id}.consenterId: ${cid} is used twice`);
    ordererById.set(cid, o.id);
    nodes[o.id] = { ...o, consenterId: cid };
  });
  if (orderers.length === 0) problems.push(`${where}: nodes: map at least one orderer (e.g. orderer.dataforge)`);
  if (problems.length > 0) throw new Error(problems.join('\n'));

  const orgs = Object.keys(c.orgs);
  const peersByOrg: Record<string, NodeId[]> = {};
  for (const org of orgs) peersByOrg[org] = [];
  const peers: NodeId[] = [];
  const couchdbs: NodeId[] = [];
  for (const n of Object.values(nodes)) {
    if (n.kind === 'peer') {
      peers.push(n.id);
      peersByOrg[n.org]?.push(n.id);
    } else if (n.kind === 'couchdb') couchdbs.push(n.id);
  }
  for (const org of orgs) peersByOrg[org]?.sort();
  const sortedOrderers = [...ordererById.entries()].sort((a, b) => a[0] - b[0]).map(([, id]) => id);
  const topology: TopologyInfo = { channel: c.channel, orgs, orderers: sortedOrderers, peers, peersByOrg, couchdbs };
  return { ...c, nodes, topology, baseDir, ordererById };
}

/** Parse YAML text (errors carry line and column). */
export function parseLiveConfig(text: string, where: string, baseDir: string): LiveConfig {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const pos = e.linePos?.[0];
    // The yaml library appends " at line L, column C:" and a code frame; the position leads instead.
    const what = (e.message.split('\n')[0] ?? '').replace(/\s*at line \d+, column \d+:?\s*$/, '').replace(/[.:]\s*$/, '');
    throw new Error(`${where}${pos ? `:${pos.line}:${pos.col}` : ''}: malformed YAML: ${what}`);
  }
  return buildLiveConfig(doc.toJS(), where, baseDir);
}

/** Read and validate a config file; `what` names it in errors (`--config c.yaml is not a regular file`). */
export function loadLiveConfig(path: string, what = 'config'): LiveConfig {
  let text: string;
  try {
    text = readRegularFile(path, MAX_CONFIG_BYTES);
  } catch (e) {
    if (e instanceof FileReadError) throw new Error(`${what} ${path} ${e.problem}`);
    throw e;
  }
  return parseLiveConfig(text, path, dirname(resolve(path)));
}

/** Every secret reference in a config, with what it is for (for the plan and preflight). */
export function secretRefs(c: LiveConfig): { what: string; ref: SecretRef }[] {
  const out: { what: string; ref: SecretRef }[] = [];
  for (const [org, o] of Object.entries(c.orgs)) out.push({ what: `orgs.${org}.password`, ref: o.password });
  if (c.keycloak.clientSecret) out.push({ what: 'keycloak.clientSecret', ref: c.keycloak.clientSecret });
  out.push({ what: 'couchdb.password', ref: c.couchdb.password });
  if (c.metrics?.bearerToken) out.push({ what: 'metrics.bearerToken', ref: c.metrics.bearerToken });
  return out;
}
