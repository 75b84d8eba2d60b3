/**
 * An org's REST API with its Fabric Gateway client (what `POST /api/v1/certificates` and
 * `GET /api/v1/verify/{id}` stand for), as a node machine.
 *
 * Submit (internal/pkg/gateway `Endorse`, `Submit`, `CommitStatus`): endorse in two rounds
 * as endorse.go `planFromFirstEndorser` does: the proposal goes to the org's own (gateway)
 * peer first; once it has answered, to one peer of each other org that a layout of the
 * endorsement policy needs (registry.go `endorsementPlan`: the layouts that hold the first
 * endorser's org, in a random order; here the gateway's seeded stream picks a minimal set
 * of orgs). A peer that fails (a chaincode error, a mismatching response, a refused
 * connection) gives way to the next peer of its org, then to another layout
 * (`nextPeerInGroup`, `abandonGroupRemoveLayouts`); with no layout left the endorsement
 * fails (`failed to collect enough transaction endorsements`). Once the successful,
 * identical responses satisfy the policy, build the envelope and order it; then wait for
 * the gateway peer to report the transaction committed. (Go's registry also stops offering
 * a peer whose connection failed until discovery lists it again; the model asks it again
 * on the next submit, which costs one refused round trip.)
 *
 * Ordering follows submit.go: on BFT (`submitBFT`) the envelope goes to every orderer and
 * the submit succeeds once Q = ceil((N+F+1)/2) of them answer SUCCESS (an orderer's
 * `failed to submit request: request already exists` counts as one); as soon as more than
 * N - Q have failed it fails with Unavailable `insufficient number of orderers could
 * successfully process transaction to satisfy quorum requirement`. On Raft
 * (`submitNonBFT`) the orderers are tried one at a time in a random order (`rand.Perm`,
 * here the gateway's own seeded stream) until one answers SUCCESS; a 4xx status aborts.
 * An orderer that does not answer counts as failed after `broadcastTimeout`. An orderer
 * whose process is down refuses the connection: its broadcast fails at once (the cluster
 * passes the refusal in as `connectionRefused`, see SimCluster).
 *
 * The gateway keeps one gRPC connection per orderer (internal/pkg/gateway/endpoint.go
 * newConnection, with no back-off options: grpc-go's defaults). After a refused dial the
 * connection is in TRANSIENT_FAILURE: it dials again after the back-off (1 s after the first
 * failure, then x1.6 with +-20% jitter, up to 120 s: grpc internal/backoff, src/shared/grpc-backoff.ts), and until a dial
 * succeeds every broadcast to that orderer fails at once with the refusal's error (pick_first
 * stays in TRANSIENT_FAILURE until READY), even after the orderer is serving again.
 *
 * Failures come back with a reason: a chaincode error, the gateway peer unreachable
 * (connTimeout 3s), no layout of endorsers completed (with each one's error), too few
 * orderers accepting the envelope, a commit timeout, or an invalidation code (MVCC conflict).
 *
 * Evaluate (verify): one proposal to the gateway peer, answered from its committed state.
 *
 * Every answer is emitted as `{ type: 'gateway.answer', requestId, httpStatus, body }`,
 * with `body` shaped like the REST API's JSON.
 */
import { computeQuorum } from '../consensus/quorum.ts';
import type { Effect, Input, NodeContext, NodeId, NodeMachine } from '../kernel/types.ts';
import { CHANNEL, serializeEnvelope, sha256Hex, validationCodeName, type Endorsement, type Envelope, type KVRead, type KVWrite, type NsRwSet } from './block.ts';
import { APPROVE_FN, type CertificateInput, CHAINCODE, LIFECYCLE_NS, simulatedDate, type CertificateRecord, type VerifyStatus } from './chaincode.ts';
import { Out, type FabricEvent } from './effects.ts';
import { describeFabricMessage, fabricMessageFields, type CommitStatusResponse, type FabricMessage, type ProposalResponse } from './messages.ts';
import { policyMet } from './policy.ts';
import { GRPC_DEFAULT_BACKOFF, grpcBackoffMs } from '../../shared/grpc-backoff.ts';
import type { Topology } from './topology.ts';

const isApproval = (chaincode: string, fn: string): boolean => chaincode === LIFECYCLE_NS && fn === APPROVE_FN;

export type { CertificateInput };

export type GatewayCommand =
  | { readonly type: 'issue'; readonly requestId: string; readonly cert: CertificateInput }
  | { readonly type: 'revoke'; readonly requestId: string; readonly certID: string }
  | { readonly type: 'verify'; readonly requestId: string; readonly certID: string }
  /** A raw submit (network set-up: `_lifecycle` definitions). */
  | { readonly type: 'invoke'; readonly requestId: string; readonly chaincode: string; readonly fn: string; readonly args: readonly string[] }
  /** The orderer's host refused a dial: of this transaction's broadcast, or (no txId) of a redial. */
  | { readonly type: 'connectionRefused'; readonly orderer: NodeId; readonly txId?: string }
  /** A peer's host refused the dial of a proposal (the peer's process is down). */
  | { readonly type: 'peerRefused'; readonly peer: NodeId };

export interface GatewayAnswer {
  readonly type: 'gateway.answer';
  readonly requestId: string;
  readonly httpStatus: number;
  readonly body: Readonly<Record<string, unknown>>;
}

export interface GatewayConfig {
  /** Time to reach the gateway peer and the endorsers (gRPC connTimeout). */
  readonly connTimeoutMs: number;
  /** Wait for the gateway peer to report the commit. */
  readonly commitTimeoutMs: number;
  /** `peer.gateway.broadcastTimeout` (core.yaml: 30s): how long an orderer may take to answer a broadcast. */
  readonly broadcastTimeoutMs: number;
  /** `peer.gateway.endorsementTimeout` (core.yaml: 30s): how long one endorser may take (endorse.go processProposal). */
  readonly endorsementTimeoutMs: number;
}

export const DEFAULT_GATEWAY_CONFIG: GatewayConfig = { connTimeoutMs: 3_000, commitTimeoutMs: 60_000, broadcastTimeoutMs: 30_000, endorsementTimeoutMs: 30_000 };

/** `computeBFTQuorum` of internal/pkg/gateway/submit.go (a copy of SmartBFT's `computeQuorum`): Q and F for N orderers. */
export function computeBFTQuorum(n: number): { q: number; f: number } {
  const { q, f } = computeQuorum(n);
  return { q, f };
}

/** The orderer's info that `broadcastToAll` (submit.go) counts as a success: it already holds the transaction. */
const ALREADY_EXISTS = 'failed to submit request: request already exists';

interface Pending {
  readonly requestId: string;
  readonly kind: 'submit' | 'evaluate';
  readonly op: string;
  readonly txId: string;
  readonly chaincode: string;
  readonly fn: string;
  readonly args: readonly string[];
  readonly timestampMs: number;
  readonly responses: Map<NodeId, ProposalResponse>;
  /** The orgs of `responses` (endorsedOrgs). */
  readonly endorsed: Set<string>;
  /**
   * The names of the request's armed gateway timers ('' when not armed: never set,
   * cancelled or fired): a cancel reuses the string the timer was set with, and a timer that
   * is not armed is not cancelled again (the answer cancelled all three, every time).
   */
  endorseTimer: string;
  orderTimer: string;
  commitTimer: string;
  /** Endorse: the peers asked and not yet answered, the peers that failed, and their ErrorDetails. */
  readonly asked: Set<NodeId>;
  readonly failedPeers: Set<NodeId>;
  readonly endorseErrors: { address: string; message: string }[];
  phase: 'endorse' | 'order' | 'commit';
  /** The envelope, kept to try the next orderer (Raft: one orderer at a time). */
  envelope: string;
  /** Raft: the orderers in the order tried (`rand.Perm`); index of the one tried now. */
  ordererOrder: NodeId[];
  ordererIndex: number;
  /** Orderers still to answer this broadcast. */
  awaiting: Set<NodeId>;
  broadcastOk: number;
  broadcastFailed: number;
  /** `ErrorDetail`s of the orderers that failed (address, mspId, message). */
  errorDetails: { address: string; message: string }[];
  certID: string;
}

export interface GatewayState {
  readonly id: NodeId;
  readonly org: string;
  readonly pending: Map<string, Pending>;
  readonly byTx: Map<string, string>;
  seq: number;
  /** Connections to orderers in TRANSIENT_FAILURE (absent: ready, or idle until the next broadcast dials). */
  readonly failedConns: Map<NodeId, FailedConn>;
}

/** A connection whose dial was refused: the back-off attempt, when it dials again, and the error RPCs get meanwhile. */
interface FailedConn {
  attempt: number;
  redialAt: number;
  readonly error: string;
}

const refusedError = (orderer: NodeId): string =>
  `rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp ${orderer}:7050: connect: connection refused"`;

type GwOut = Out<FabricMessage>;

/**
 * Two endorsements agree: the same result and the same read-write set, member for member
 * (the ProposalResponsePayloads whose bytes internal/pkg/gateway/endorsement.go compares). Compared in
 * place; a JSON text of each response's set was built for it before.
 */
function sameResult(a: ProposalResponse, b: ProposalResponse): boolean {
  return a.payload === b.payload && sameList(a.rwset, b.rwset, sameNsRwSet);
}

function sameList<T>(a: readonly T[], b: readonly T[], same: (x: T, y: T) => boolean): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!same(a[i] as T, b[i] as T)) return false;
  return true;
}

function sameNsRwSet(a: NsRwSet, b: NsRwSet): boolean {
  if (a.ns !== b.ns || !sameList(a.reads, b.reads, sameRead) || !sameList(a.writes, b.writes, sameWrite)) return false;
  if (a.collHashed === undefined || b.collHashed === undefined) return a.collHashed === b.collHashed;
  return sameList(a.collHashed, b.collHashed, (x, y) => x.coll === y.coll && sameList(x.hashedWrites, y.hashedWrites, (u, v) => u.keyHash === v.keyHash && u.valueHash === v.valueHash));
}

function sameRead(a: KVRead, b: KVRead): boolean {
  if (a.key !== b.key) return false;
  if (a.version === null || b.version === null) return a.version === b.version;
  return a.version.block === b.version.block && a.version.tx === b.version.tx;
}

function sameWrite(a: KVWrite, b: KVWrite): boolean {
  return a.key === b.key && a.value === b.value;
}

export function createGateway(topology: Topology, org: string, config: Partial<GatewayConfig> = {}): NodeMachine<GatewayState, FabricMessage, GatewayCommand, FabricEvent> {
  const spec = topology.gateways.find((g) => g.org === org);
  if (spec === undefined) throw new Error(`createGateway: unknown org "${org}"`);
  const cfg: GatewayConfig = { ...DEFAULT_GATEWAY_CONFIG, ...config };
  const orderers = topology.orderers.map((o) => o.id);
  /** Each org's peers, the gateway's own peer first in its org (registry.go sorts the local endorser first). */
  const peersOf = new Map<string, NodeId[]>();
  for (const o of topology.orgs) peersOf.set(o, topology.peers.filter((p) => p.org === o).map((p) => p.id));
  peersOf.set(org, [spec.peer, ...(peersOf.get(org) ?? []).filter((id) => id !== spec.peer)]);
  const orgOfPeer = new Map(topology.peers.map((p) => [p.id, p.org] as const));
  /** submitBFT's Q for this channel's orderers. */
  const bftQ = computeBFTQuorum(orderers.length).q;

  function answer(s: GatewayState, p: Pending, httpStatus: number, body: Record<string, unknown>, out: GwOut): void {
    stopEndorsers(p, out);
    s.pending.delete(p.requestId);
    s.byTx.delete(p.txId);
    disarmEndorse(p, out);
    disarmOrder(p, out);
    if (p.commitTimer !== '') {
      out.cancel(p.commitTimer);
      p.commitTimer = '';
    }
    out.fact('gateway.answer', { requestId: p.requestId, httpStatus, body });
  }

  /** Cancel the gateway peer's connTimeout (gw.endorse) if it is armed. */
  function disarmEndorse(p: Pending, out: GwOut): void {
    if (p.endorseTimer === '') return;
    out.cancel(p.endorseTimer);
    p.endorseTimer = '';
  }

  /** Cancel the broadcastTimeout (gw.order) if it is armed. */
  function disarmOrder(p: Pending, out: GwOut): void {
    if (p.orderTimer === '') return;
    out.cancel(p.orderTimer);
    p.orderTimer = '';
  }

  /** Arm the broadcastTimeout (gw.order), again for Raft's next orderer. */
  function armOrder(p: Pending, out: GwOut): void {
    if (p.orderTimer === '') p.orderTimer = `gw.order:${p.requestId}`;
    out.timer(p.orderTimer, cfg.broadcastTimeoutMs, p.requestId);
  }

  function fail(s: GatewayState, p: Pending, httpStatus: number, error: string, out: GwOut): void {
    answer(s, p, httpStatus, { success: false, error, ...(p.txId !== '' && p.kind === 'submit' ? { txID: p.txId } : {}) }, out);
  }

  function begin(s: GatewayState, cmd: Exclude<GatewayCommand, { type: 'connectionRefused' } | { type: 'peerRefused' }>, ctx: NodeContext, out: GwOut): void {
    if (s.pending.has(cmd.requestId)) {
      out.fact('gateway.answer', { requestId: cmd.requestId, httpStatus: 400, body: { success: false, error: `duplicate request id ${cmd.requestId}` } });
      return;
    }
    s.seq++;
    const txId = sha256Hex(`${s.id}:${s.seq}:${cmd.requestId}`);
    let chaincode = CHAINCODE;
    let fn: string;
    let args: readonly string[];
    let certID = '';
    let kind: 'submit' | 'evaluate' = 'submit';
    switch (cmd.type) {
      case 'issue': {
        const c = cmd.cert;
        fn = 'IssueCertificate';
        args = [c.certID, c.studentID, c.studentName, c.courseID, c.courseName, c.issueDate, c.expiryDate];
        certID = c.certID;
        break;
      }
      case 'revoke':
        fn = 'RevokeCertificate';
        args = [cmd.certID];
        certID = cmd.certID;
        break;
      case 'verify':
        fn = 'VerifyCertificate';
        args = [cmd.certID];
        certID = cmd.certID;
        kind = 'evaluate';
        break;
      case 'invoke':
        chaincode = cmd.chaincode;
        fn = cmd.fn;
        args = cmd.args;
        break;
    }
    const endorseTimer = `gw.endorse:${cmd.requestId}`;
    const p: Pending = { requestId: cmd.requestId, kind, op: cmd.type, txId, chaincode, fn, args, timestampMs: ctx.now, responses: new Map(), endorsed: new Set(), endorseTimer, orderTimer: '', commitTimer: '', asked: new Set(), failedPeers: new Set(), endorseErrors: [], phase: 'endorse', envelope: '', ordererOrder: [], ordererIndex: 0, awaiting: new Set(), broadcastOk: 0, broadcastFailed: 0, errorDetails: [], certID };
    s.pending.set(cmd.requestId, p);
    s.byTx.set(txId, cmd.requestId);
    // The first endorser is the gateway's own peer (evaluate: the only one; approveformyorg
    // too, for its implicit collection).
    ask(p, spec!.peer, out);
    out.timer(endorseTimer, cfg.connTimeoutMs, cmd.requestId);
  }

  function ask(p: Pending, peer: NodeId, out: GwOut): void {
    p.asked.add(peer);
    out.send(peer, { type: 'proposal', id: p.requestId, txId: p.txId, creator: org, chaincode: p.chaincode, fn: p.fn, args: p.args, timestampMs: p.timestampMs, evaluate: p.kind === 'evaluate' });
    // The gateway peer is reached within connTimeout (the gw.endorse timer); another endorser
    // gets EndorsementTimeout (processProposal's context.WithTimeout).
    if (peer !== spec!.peer) out.timer(`gw.endorser:${p.requestId}:${peer}`, cfg.endorsementTimeoutMs, p.requestId);
  }

  /** The endorsers still asked are no longer waited for. */
  function stopEndorsers(p: Pending, out: GwOut): void {
    for (const peer of p.asked) if (peer !== spec!.peer) out.cancel(`gw.endorser:${p.requestId}:${peer}`);
    p.asked.clear();
  }

  /**
   * The orgs that endorsed so far. `responses` holds only successes that agree with the
   * gateway peer's (a failing or mismatching endorser is failed instead, and the gateway
   * peer's own failure ends the request), so every response counts.
   */
  function endorsedOrgs(p: Pending): ReadonlySet<string> {
    return p.endorsed;
  }

  /** Keep a peer's response (with its org among the endorsed). */
  function keep(p: Pending, r: ProposalResponse): void {
    p.responses.set(r.peer, r);
    p.endorsed.add(r.org);
  }


  /** An org's next peer to ask: one not asked before (Go's `nextPeerInGroup`). */
  function nextPeerOf(p: Pending, o: string): NodeId | undefined {
    return (peersOf.get(o) ?? []).find((id) => !p.asked.has(id) && !p.responses.has(id) && !p.failedPeers.has(id));
  }

  /**
   * The next layout: from the orgs endorsed so far, add orgs with a peer left to ask in a
   * seeded random order until the policy is met, then drop the added ones it does not need
   * (a minimal layout, as discovery's are). Ask a peer of each org added. False when no
   * layout is left.
   */
  function nextLayout(p: Pending, ctx: NodeContext, out: GwOut): boolean {
    const have = endorsedOrgs(p);
    const pendingOrgs = new Set<string>();
    for (const id of p.asked) pendingOrgs.add(orgOfPeer.get(id) as string);
    const chosen = new Set(have);
    for (const o of pendingOrgs) chosen.add(o);
    const candidates = ctx.rng.shuffle(topology.orgs.filter((o) => !chosen.has(o) && nextPeerOf(p, o) !== undefined));
    const added: string[] = [];
    for (const o of candidates) {
      if (policyMet(topology.policy, chosen, topology.orgs)) break;
      chosen.add(o);
      added.push(o);
    }
    if (!policyMet(topology.policy, chosen, topology.orgs)) return false;
    for (let i = added.length - 1; i >= 0; i--) {
      const o = added[i] as string;
      chosen.delete(o);
      if (!policyMet(topology.policy, chosen, topology.orgs)) chosen.add(o);
    }
    for (const o of chosen) if (!have.has(o) && !pendingOrgs.has(o)) ask(p, nextPeerOf(p, o) as NodeId, out);
    return true;
  }

  /** A peer other than the gateway's failed this proposal: its org's next peer, else another layout, else give up. */
  function endorserFailed(s: GatewayState, p: Pending, peer: NodeId, message: string, ctx: NodeContext, out: GwOut): void {
    p.asked.delete(peer);
    out.cancel(`gw.endorser:${p.requestId}:${peer}`);
    p.failedPeers.add(peer);
    p.endorseErrors.push({ address: `${peer}:7051`, message });
    const next = nextPeerOf(p, orgOfPeer.get(peer) as string);
    if (next !== undefined) return ask(p, next, out);
    if (p.asked.size > 0 || nextLayout(p, ctx, out)) return;
    failEndorsement(s, p, out);
  }

  /** endorse.go: no layout completed ("see attached details": every endorser's ErrorDetail). */
  function failEndorsement(s: GatewayState, p: Pending, out: GwOut): void {
    answer(s, p, 503, { success: false, error: 'failed to endorse transaction: failed to collect enough transaction endorsements, see attached details for more info', txID: p.txId, details: p.endorseErrors }, out);
  }

  /** The responses so far (all successes agreeing with the gateway peer's), if they satisfy the policy. */
  function endorsementSet(p: Pending): ProposalResponse[] | undefined {
    // approveformyorg is endorsed by the org's own peer only (its implicit collection).
    if (!isApproval(p.chaincode, p.fn) && !policyMet(topology.policy, endorsedOrgs(p), topology.orgs)) return undefined;
    return [...p.responses.values()];
  }


  function onProposalResponse(s: GatewayState, r: ProposalResponse, ctx: NodeContext, out: GwOut): void {
    const p = s.pending.get(r.id);
    if (p === undefined || p.phase !== 'endorse' || !p.asked.delete(r.peer)) return;
    if (p.kind === 'evaluate') {
      keep(p, r);
      if (r.status !== 200) return fail(s, p, 500, r.message, out);
      const v = (r.result ?? JSON.parse(r.payload)) as { certID: string; status: VerifyStatus; certificate?: CertificateRecord };
      return answer(s, p, 200, { ...v, verifiedAt: simulatedDate(ctx.now) }, out);
    }
    if (r.peer === spec!.peer) {
      keep(p, r);
      disarmEndorse(p, out);
      if (r.status !== 200) return fail(s, p, r.message.includes('already exists') ? 409 : 500, `failed to endorse transaction: ${r.message}`, out);
    } else {
      out.cancel(`gw.endorser:${p.requestId}:${r.peer}`);
      const own = p.responses.get(spec!.peer) as ProposalResponse;
      if (r.status !== 200) return endorserFailed(s, p, r.peer, `chaincode response ${r.status}, ${r.message}`, ctx, out);
      // endorsement.go processEndorsement: a payload unlike the first endorser's fails that endorser.
      if (!sameResult(r, own)) return endorserFailed(s, p, r.peer, 'ProposalResponsePayloads do not match', ctx, out);
      keep(p, r);
    }
    const set = endorsementSet(p);
    if (set !== undefined) return submit(s, p, set, ctx, out);
    // Go waits for every endorser of the round it sent before it plans the next.
    if (p.asked.size > 0) return;
    // The first endorsement is in (endorse.go, after planFromFirstEndorser), or a layout
    // was answered without meeting the policy: endorse with the rest of a layout.
    if (!nextLayout(p, ctx, out)) failEndorsement(s, p, out);
  }

  function submit(s: GatewayState, p: Pending, set: readonly ProposalResponse[], ctx: NodeContext, out: GwOut): void {
    p.phase = 'order';
    disarmEndorse(p, out);
    stopEndorsers(p, out);
    const own = set.find((r) => r.peer === spec!.peer) as ProposalResponse;
    const endorsements: Endorsement[] = set.map((r) => ({ org: r.org, peer: r.peer }));
    const rwset: readonly NsRwSet[] = own.rwset;
    const env: Envelope = {
      txId: p.txId,
      channel: CHANNEL,
      type: 'ENDORSER_TRANSACTION',
      creator: org,
      timestampMs: p.timestampMs,
      chaincode: p.chaincode,
      fn: p.fn,
      args: p.args,
      rwset,
      endorsements,
    };
    const envelope = serializeEnvelope(env);
    p.envelope = envelope;
    out.fact('gateway.submitted', { txId: p.txId });
    if (topology.consensus === 'raft') {
      // submitNonBFT: one orderer at a time, in the order of rand.Perm (a Raft orderer would
      // order every copy it is sent).
      p.ordererOrder = ctx.rng.shuffle(orderers);
      p.ordererIndex = -1;
      nextRaftOrderer(s, p, out);
    } else {
      // submitBFT: every orderer (a censoring leader cannot hide it); a connection in
      // TRANSIENT_FAILURE fails its broadcast at once.
      for (const o of orderers) {
        p.awaiting.add(o);
        if (!s.failedConns.has(o)) out.send(o, { type: 'broadcast', txId: p.txId, envelope });
      }
      armOrder(p, out);
      for (const o of orderers) {
        const failed = s.failedConns.get(o);
        if (failed !== undefined) onBroadcastOutcome(s, p, o, failed.error, out);
      }
    }
    // Every orderer's connection was failed: the submit has already failed.
    if (!s.pending.has(p.requestId)) return;
    out.send(spec!.peer, { type: 'commitStatus', txId: p.txId });
    p.commitTimer = `gw.commit:${p.requestId}`;
    out.timer(p.commitTimer, cfg.commitTimeoutMs, p.requestId);
  }

  /** Raft: send the envelope to the next orderer; false when every orderer was tried. */
  function nextRaftOrderer(s: GatewayState, p: Pending, out: GwOut): boolean {
    if (p.ordererIndex + 1 >= p.ordererOrder.length) return false;
    p.ordererIndex++;
    const o = p.ordererOrder[p.ordererIndex] as NodeId;
    p.awaiting.clear();
    p.awaiting.add(o);
    const failed = s.failedConns.get(o);
    if (failed !== undefined) {
      onBroadcastOutcome(s, p, o, failed.error, out);
      return true;
    }
    out.send(o, { type: 'broadcast', txId: p.txId, envelope: p.envelope });
    armOrder(p, out);
    return true;
  }

  /** The orderers' answers so far satisfy the submit: it returns and the commit wait goes on. */
  function ordered(p: Pending, out: GwOut): void {
    p.phase = 'commit';
    p.awaiting.clear();
    disarmOrder(p, out);
  }

  /**
   * One orderer's outcome for the broadcast: `null` a success, else the error detail.
   * BFT: submitBFT's loop (succeed at Q successes, fail once failures > N - Q); Raft:
   * submitNonBFT's (next orderer, or give up when none is left).
   */
  function onBroadcastOutcome(s: GatewayState, p: Pending, orderer: NodeId, error: string | null, out: GwOut): void {
    if (p.phase !== 'order' || !p.awaiting.delete(orderer)) return;
    if (error === null) p.broadcastOk++;
    else {
      p.broadcastFailed++;
      p.errorDetails.push({ address: `${orderer}:7050`, message: error });
    }
    if (topology.consensus === 'raft') {
      if (error === null) return ordered(p, out);
      if (nextRaftOrderer(s, p, out)) return;
      return failOrdering(s, p, 'no orderers could successfully process transaction', out);
    }
    if (p.broadcastOk >= bftQ) return ordered(p, out);
    if (p.broadcastFailed > orderers.length - bftQ) {
      return failOrdering(s, p, 'insufficient number of orderers could successfully process transaction to satisfy quorum requirement', out);
    }
  }

  /**
   * Submit's error as the REST API passes it on: the gRPC status of `newRpcError(codes.Unavailable, ...)`
   * (submit.go) as @grpc/grpc-js prints it (`14 UNAVAILABLE: ...`), with the orderers' ErrorDetails.
   */
  function failOrdering(s: GatewayState, p: Pending, desc: string, out: GwOut): void {
    answer(s, p, 503, { success: false, error: `failed to submit transaction to the ordering service: 14 UNAVAILABLE: ${desc}`, txID: p.txId, details: p.errorDetails }, out);
  }

  function onCommitStatus(s: GatewayState, r: CommitStatusResponse, out: GwOut): void {
    const rid = s.byTx.get(r.txId);
    const p = rid === undefined ? undefined : s.pending.get(rid);
    if (p === undefined || p.phase === 'endorse') return;
    if (r.code !== 0) {
      const name = validationCodeName(r.code);
      return fail(s, p, name === 'MVCC_READ_CONFLICT' ? 409 : 500, `transaction ${p.txId} failed to commit with status code ${r.code} (${name})`, out);
    }
    const own = p.responses.get(spec!.peer);
    // The chaincode's own value of its payload when it built one (it is what parsing the payload gives).
    let result: unknown = own?.result ?? null;
    if (own !== undefined && own.result === undefined && own.payload !== '') {
      try {
        result = JSON.parse(own.payload);
      } catch {
        result = own.payload;
      }
    }
    const body: Record<string, unknown> = { success: true, txID: p.txId, blockNumber: r.block };
    if (p.op === 'issue') Object.assign(body, { message: 'Certificate issued successfully', certificate: result });
    else if (p.op === 'revoke') Object.assign(body, { message: 'Certificate revoked successfully', certificate: result });
    else body['result'] = result;
    answer(s, p, p.op === 'issue' ? 201 : 200, body, out);
  }

  function onTimer(s: GatewayState, name: string, requestId: string, ctx: NodeContext, out: GwOut): void {
    const p = s.pending.get(requestId);
    if (p === undefined) return;
    // A timer that fired is no longer armed (the kernel forgot it).
    if (name === p.endorseTimer) p.endorseTimer = '';
    else if (name === p.orderTimer) p.orderTimer = '';
    else if (name === p.commitTimer) p.commitTimer = '';
    if (name.startsWith('gw.endorser:') && p.phase === 'endorse') {
      const peer = name.slice(`gw.endorser:${requestId}:`.length);
      if (p.asked.has(peer)) endorserFailed(s, p, peer, 'rpc error: code = DeadlineExceeded desc = context deadline exceeded', ctx, out);
      return;
    }
    // The gateway peer did not answer within connTimeout (its answer cancels this timer).
    if (name.startsWith('gw.endorse:') && p.phase === 'endorse') return fail(s, p, 503, `failed to connect to gateway peer ${spec!.peer}:7051: context deadline exceeded`, out);
    if (name.startsWith('gw.order:') && p.phase === 'order') {
      // broadcastTimeout: the orderers still silent fail with the cancelled context.
      for (const o of [...p.awaiting]) onBroadcastOutcome(s, p, o, 'rpc error: code = Canceled desc = context canceled', out);
      return;
    }
    if (name.startsWith('gw.commit:')) {
      fail(s, p, 504, `timed out waiting for transaction ${p.txId} to commit on ${spec!.peer}`, out);
    }
  }

  return {
    start() {
      return { state: { id: spec.id, org, pending: new Map(), byTx: new Map(), seq: 0, failedConns: new Map() }, effects: [] };
    },
    step(s: GatewayState, input: Input<FabricMessage, GatewayCommand>, ctx: NodeContext): Effect<FabricMessage, FabricEvent>[] {
      const out: GwOut = new Out();
      if (input.kind === 'command') {
        const c = input.command;
        if (c.type === 'connectionRefused') {
          // The dial failed: the connection goes to TRANSIENT_FAILURE and dials again after
          // the back-off (a refusal of a broadcast sent before the first one came back does
          // not count twice).
          const failed = s.failedConns.get(c.orderer);
          if (failed === undefined || failed.redialAt <= ctx.now) {
            const attempt = failed === undefined ? 0 : failed.attempt + 1;
            const waitMs = grpcBackoffMs(attempt, () => ctx.rng.float(), GRPC_DEFAULT_BACKOFF);
            s.failedConns.set(c.orderer, { attempt, redialAt: ctx.now + waitMs, error: refusedError(c.orderer) });
            out.timer(`gw.redial:${c.orderer}`, waitMs, c.orderer);
          }
          // gRPC fails an RPC at once on a connection in TRANSIENT_FAILURE (a refused dial;
          // the gateway's connections dial asynchronously: transport/http2_client.go
          // newHTTP2Client's "transport: Error while dialing").
          const rid = c.txId === undefined ? undefined : s.byTx.get(c.txId);
          const p = rid === undefined ? undefined : s.pending.get(rid);
          if (p !== undefined) onBroadcastOutcome(s, p, c.orderer, refusedError(c.orderer), out);
        } else if (c.type === 'peerRefused') {
          // Every proposal still waiting on that peer fails at once (the gateway peer's own
          // refusal is left to the connection timeout, as before).
          for (const p of [...s.pending.values()]) {
            if (p.phase === 'endorse' && c.peer !== spec!.peer && p.asked.has(c.peer)) {
              endorserFailed(s, p, c.peer, `rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp ${c.peer}:7051: connect: connection refused"`, ctx, out);
            }
          }
        } else begin(s, c, ctx, out);
      }
      else if (input.kind === 'timer') {
        // The back-off is over: dial again (clientconn.go resetTransportAndUnlock -> Idle, and
        // pick_first connects at once). Refused: the next back-off; answered: ready.
        if (input.name.startsWith('gw.redial:')) out.send(String(input.data), { type: 'gateway.dial' });
        else onTimer(s, input.name, String(input.data), ctx, out);
      }
      else {
        const m = input.msg;
        if (m.type === 'proposal.response') onProposalResponse(s, m, ctx, out);
        else if (m.type === 'commitStatus.response') onCommitStatus(s, m, out);
        else if (m.type === 'gateway.dialed') s.failedConns.delete(input.from);
        else if (m.type === 'broadcast.response') {
          const rid = s.byTx.get(m.txId);
          const p = rid === undefined ? undefined : s.pending.get(rid);
          if (p !== undefined) {
            // broadcastToAll / submitNonBFT (submit.go): SUCCESS, or (BFT) the orderer already has it.
            const ok = m.status === 'SUCCESS' || (topology.consensus !== 'raft' && m.status === 'SERVICE_UNAVAILABLE' && m.info === ALREADY_EXISTS);
            onBroadcastOutcome(s, p, input.from, ok ? null : `received unsuccessful response from orderer: status=${m.status}, info=${m.info}`, out);
          }
        }
      }
      return out.list;
    },
    describe: describeFabricMessage,
    fields: fabricMessageFields,
  };
}
