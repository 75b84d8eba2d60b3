/**
 * The `Cluster` port: everything a scenario can do, in the lab's vocabulary.
 *
 * Three targets implement it: `SimCluster` (src/sim, deterministic, simulated time),
 * `LiveCluster` (src/live: oc + REST + Keycloak + logs, wall time) and `LocalCluster`
 * (src/local: Fabric processes on 127.0.0.1, wall time). A scenario never
 * knows where it runs. Every operation is async because the live side is; the sim side
 * advances simulated time while an operation "waits".
 *
 * Times are milliseconds since the cluster was opened (simulated or wall).
 *
 * A leaf module: the port's words are shared by the scenario language (src/scenarios/cluster.ts
 * re-exports them), the simulator that implements it (src/sim/cluster) and the real targets.
 */

import type { Certificate } from './certificate.ts';
import type { StepEnd, StepStart } from './trace-format.ts';

/** A step record without its time (the cluster stamps it). */
export type StepAnnotation = Omit<StepStart, 't'> | Omit<StepEnd, 't'>;

export { certificateFor, loadCertificate, type Certificate } from './certificate.ts';

export type NodeId = string;

export interface IssueResult {
  readonly ok: boolean;
  readonly txID?: string;
  /** Block the transaction was committed in (on the org's own peer). */
  readonly block?: number;
  /** Why it failed, one sentence (endorsement policy not met, timeout, MVCC conflict, duplicate ID...). */
  readonly error?: string;
}

export type VerifyStatus = 'VALID' | 'NOT_FOUND' | 'REVOKED' | 'EXPIRED';

export interface VerifyResult {
  readonly status: VerifyStatus;
  readonly certificate?: Certificate & { readonly revoked?: boolean };
  /** Set when the query itself failed (peer down, API error); status is then NOT_FOUND. */
  readonly error?: string;
}

export interface OkResult {
  readonly ok: boolean;
  readonly error?: string;
}

/** `peer channel getinfo -c certchannel`: hashes are standard base64; no previous hash at height 1. */
/** `startLoad`'s answer: `load` identifies the load for `loadTally` when `ok`. */
export interface LoadStarted extends OkResult {
  readonly load?: number;
}

/** A background load's outcome so far: every certificate asked for is in exactly one of issued's parts or not issued yet. */
export interface LoadTally {
  /** Certificates the load step asked for. */
  readonly count: number;
  /** Submitted to the org's API so far (`count - issued` are still to come). */
  readonly issued: number;
  /** Answered: committed VALID. */
  readonly committed: number;
  /** Answered with an error. */
  readonly failed: number;
  /** Submitted, not answered yet. */
  readonly pending: number;
  /** Failure reasons (first line of each), with how many failed for it; at most `LOAD_ERROR_KINDS`, then `other`. */
  readonly errors: Readonly<Record<string, number>>;
}

/** Distinct failure reasons a `LoadTally` lists before it counts the rest as `other`. */
export const LOAD_ERROR_KINDS = 5;

/** Count one failure reason into a tally's `errors` (first line, at most LOAD_ERROR_KINDS kinds). */
export function countLoadError(errors: Record<string, number>, error: string): void {
  const key = error.split('\n')[0] ?? '';
  if (key in errors || Object.keys(errors).length < LOAD_ERROR_KINDS) errors[key] = (errors[key] ?? 0) + 1;
  else errors['other'] = (errors['other'] ?? 0) + 1;
}

export interface ChannelInfo {
  readonly height: number;
  readonly currentBlockHash: string;
  readonly previousBlockHash?: string;
}

export interface OrdererStatus {
  /** `consensus_BFT_committed_block_number` (moves only on blocks decided through consensus). */
  readonly committedBlock: number;
  /** Ledger height - 1 (includes blocks pulled by sync). */
  readonly lastBlock: number;
  readonly view: number;
  /** Node id of the leader this orderer believes in (null when unknown or down). */
  readonly leader: NodeId | null;
  readonly role: 'leader' | 'follower' | 'down';
}

/** One log line of a node, parsed into the shared event vocabulary (see src/sim/logs). */
export interface ClusterLogLine {
  /** Milliseconds since the cluster was opened. */
  readonly at: number;
  readonly node: NodeId;
  readonly level: string;
  readonly module: string;
  readonly func: string;
  readonly message: string;
  /** The catalog kind when the line matched a known format (e.g. `smartbft.startView`). */
  readonly kind?: string;
  readonly args?: readonly (string | number)[];
  /** The line as the node printed it (Fabric's line shape). */
  readonly text: string;
}

export interface TopologyInfo {
  readonly channel: string;
  readonly orgs: readonly string[];
  readonly orderers: readonly NodeId[];
  readonly peers: readonly NodeId[];
  /** Peer ids per org, in order (peer0 first). */
  readonly peersByOrg: Readonly<Record<string, readonly NodeId[]>>;
  readonly couchdbs: readonly NodeId[];
}

export interface Cluster {
  readonly target: 'sim' | 'live' | 'local';
  readonly topology: TopologyInfo;
  /** Milliseconds since the cluster was opened. */
  now(): number;

  issueCertificate(via: string, cert: Certificate): Promise<IssueResult>;
  verifyCertificate(certID: string, via: string): Promise<VerifyResult>;
  revokeCertificate(certID: string, via: string): Promise<OkResult>;

  /** `oc scale deployment X --replicas=0` (peer, orderer or couchdb). */
  stop(node: NodeId): Promise<OkResult>;
  /** `oc scale deployment X --replicas=1`, then wait for rollout. */
  start(node: NodeId): Promise<OkResult>;
  isUp(node: NodeId): Promise<boolean>;

  channelInfo(peer: NodeId): Promise<ChannelInfo>;
  /** CouchDB `doc_count` of `<channel>_certcontract`; rejects when the database does not exist. */
  stateDocCount(peer: NodeId): Promise<number>;
  dropStateDatabase(peer: NodeId): Promise<OkResult>;
  /** `peer node rebuild-dbs` (refused while the peer runs). */
  rebuildDbs(peer: NodeId): Promise<OkResult>;
  /** `peer node reset`: every channel back to its genesis block (refused while the peer runs). */
  resetLedger(peer: NodeId): Promise<OkResult>;
  /** `peer node rollback -c <channel> -b N` (refused while the peer runs; N below the last block). */
  rollbackLedger(peer: NodeId, blockNumber: number): Promise<OkResult>;
  ordererStatus(orderer: NodeId): Promise<OrdererStatus>;
  /** The node's log so far, parsed. */
  logs(node: NodeId): Promise<readonly ClusterLogLine[]>;

  /** Poll `condition` until true or `timeoutMs` passes; resolves whether it became true. */
  waitUntil(condition: () => Promise<boolean> | boolean, timeoutMs: number, pollMs?: number): Promise<boolean>;
  sleep(ms: number): Promise<void>;

  /** Resolve a selector or a node id to node ids, at this moment. Rejects unknown names. */
  resolve(nodeOrSelector: string): Promise<readonly NodeId[]>;

  /** Pause / restore Argo CD auto-sync (no-op in the simulator). */
  pauseAutoHeal(): Promise<OkResult>;
  resumeAutoHeal(): Promise<OkResult>;

  // Faults beyond the lab. A target that cannot do one rejects with a clear reason.
  partition(groups: readonly (readonly NodeId[])[]): Promise<OkResult>;
  heal(): Promise<OkResult>;
  /** One-way cuts from each of `from` to each of `to` (`heal` removes them). Absent on targets that cannot. */
  cut?(from: readonly NodeId[], to: readonly NodeId[]): Promise<OkResult>;
  /** Drop only messages of some types (SmartBFT's `Commit`, ...) from each of `from` to each of `to` (`heal` removes it). Absent on targets that cannot. */
  dropMessages?(from: readonly NodeId[], to: readonly NodeId[], types: readonly string[]): Promise<OkResult>;
  setByzantine(node: NodeId, behaviour: string | null): Promise<OkResult>;
  /** Background issuance through `via`: `count` certificates, each `everyMs` after the answer to the one before; `load` names it for `loadTally`. */
  startLoad(via: string, count: number, everyMs: number): Promise<LoadStarted>;
  /** What became of a background load so far (answers that arrived by now). */
  loadTally(load: number): Promise<LoadTally>;

  /** The run's identity (the simulator's trace hash); absent on the live side. */
  traceHash?(): string;
  /** Write a scenario step's start or end into the run's trace, at this moment (the simulator's); absent where there is no trace. */
  recordStep?(step: StepAnnotation): void;

  /** Release resources (timers, child processes); run undos on the live side. */
  close(): Promise<void>;
}
