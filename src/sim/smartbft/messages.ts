/**
 * Wire messages (smartbftprotos/messages.proto `Message` oneof), the WAL's `SavedMessage`
 * records, commands and events of the consenter. Plus three Fabric-side messages that
 * stand for the orderer's gRPC services the consenter uses: `Submit` (the Broadcast API a
 * client or gateway calls), `FwdRequest` (Comm.SendTransaction to the leader) and the
 * block puller's height/block requests used by BFTSynchronizer.
 */
import type { Decision, Proposal, Request, Signature } from './api.ts';
import type { MessageFields } from '../../shared/trace-format.ts';

export interface PrePrepare {
  readonly type: 'PrePrepare';
  readonly view: number;
  readonly seq: number;
  readonly proposal: Proposal;
  /**
   * Set on a PrePrepare a Byzantine sender sends (io.ts), so the trace's description shows
   * the proposal's digest: an equivocation's two proposals are then told apart (the report
   * colours each). Not part of the wire message; receivers ignore it.
   */
  readonly showDigest?: true;
}
export interface Prepare {
  readonly type: 'Prepare';
  readonly view: number;
  readonly seq: number;
  readonly digest: string;
  readonly assist: boolean;
  /** Set on a Byzantine sender's copy: the trace shows the digest it votes for. */
  readonly showDigest?: true;
}
export interface Commit {
  readonly type: 'Commit';
  readonly view: number;
  readonly seq: number;
  readonly digest: string;
  readonly signature: Signature;
  readonly assist: boolean;
  /** Set on a Byzantine sender's copy: the trace shows the digest it votes for. */
  readonly showDigest?: true;
}
export interface ViewChange { readonly type: 'ViewChange'; readonly nextView: number; readonly reason: string }

/** ViewData: what a node tells the next leader about its last decision and in-flight proposal. */
export interface ViewData {
  readonly nextView: number;
  readonly lastDecision: Decision | undefined;
  readonly inFlightProposal: Proposal | undefined;
  readonly inFlightPrepared: boolean;
}
export interface SignedViewData { readonly viewData: ViewData; readonly signer: number; readonly signature: string }
export interface ViewDataMsg { readonly type: 'ViewData'; readonly signed: SignedViewData }
export interface NewView { readonly type: 'NewView'; readonly signedViewData: readonly SignedViewData[] }
export interface HeartBeat { readonly type: 'HeartBeat'; readonly view: number; readonly seq: number }
export interface HeartBeatResponse { readonly type: 'HeartBeatResponse'; readonly view: number }
export interface StateTransferRequest { readonly type: 'StateTransferRequest' }
export interface StateTransferResponse { readonly type: 'StateTransferResponse'; readonly viewNum: number; readonly sequence: number }
export interface Submit { readonly type: 'Submit'; readonly request: Request }
export interface FwdRequest { readonly type: 'FwdRequest'; readonly request: Request }
export interface HeightRequest { readonly type: 'HeightRequest'; readonly syncId: number }
export interface HeightResponse { readonly type: 'HeightResponse'; readonly syncId: number; readonly height: number }
export interface BlockRequest { readonly type: 'BlockRequest'; readonly syncId: number; readonly fromSeq: number; readonly toSeq: number }
export interface BlockResponse { readonly type: 'BlockResponse'; readonly syncId: number; readonly decisions: readonly Decision[] }

export type ConsensusMessage = PrePrepare | Prepare | Commit;

export type BftMessage =
  | PrePrepare
  | Prepare
  | Commit
  | ViewChange
  | ViewDataMsg
  | NewView
  | HeartBeat
  | HeartBeatResponse
  | StateTransferRequest
  | StateTransferResponse
  | Submit
  | FwdRequest
  | HeightRequest
  | HeightResponse
  | BlockRequest
  | BlockResponse;

/** WAL records (`SavedMessage` oneof). */
export type SavedMessage =
  | { readonly type: 'ProposedRecord'; readonly prePrepare: PrePrepare; readonly prepare: Prepare }
  | { readonly type: 'Commit'; readonly commit: Commit }
  | { readonly type: 'ViewChange'; readonly nextView: number }
  | { readonly type: 'NewView'; readonly viewId: number; readonly latestSequence: number; readonly decisionsInView: number };

export type BftCommand =
  | { readonly type: 'submit'; readonly request: Request }
  | { readonly type: 'byzantine'; readonly behaviour: string | null };

export type BftEvent =
  | { readonly type: 'log'; readonly kind: string; readonly args: readonly (string | number)[]; readonly fields: { readonly channel: string } }
  | { readonly type: 'metric'; readonly name: string; readonly value: number; readonly labels: { readonly channel: string } }
  | { readonly type: string; readonly [k: string]: unknown };

/**
 * The message's fields for trace readers (the kernel's `fields`): what `describeMessage`
 * shows, as fields: view (the next view of a view change), sequence, the digest a
 * Byzantine sender shows, `assist` for a vote re-sent for a decided sequence.
 */
export function messageFields(m: BftMessage): MessageFields {
  switch (m.type) {
    case 'PrePrepare':
      return { type: m.type, view: m.view, seq: m.seq, ...(m.showDigest === true ? { digest: m.proposal.digest } : {}) };
    case 'Prepare':
    case 'Commit':
      return { type: m.type, view: m.view, seq: m.seq, ...(m.showDigest === true ? { digest: m.digest } : {}), ...(m.assist ? { flags: ['assist'] } : {}) };
    case 'ViewChange':
      return { type: m.type, view: m.nextView };
    case 'ViewData':
      return { type: m.type, view: m.signed.viewData.nextView };
    case 'NewView': {
      const nv = m.signedViewData[0]?.viewData.nextView;
      return nv === undefined ? { type: m.type } : { type: m.type, view: nv };
    }
    case 'HeartBeat':
      return { type: m.type, view: m.view, seq: m.seq };
    case 'HeartBeatResponse':
      return { type: m.type, view: m.view };
    case 'StateTransferResponse':
      return { type: m.type, view: m.viewNum, seq: m.sequence };
    default:
      return { type: m.type };
  }
}

/**
 * The last description of a vote by kind (Prepare, Commit; plain or assist): every
 * consenter sends its own vote object for the same view and sequence, and each was
 * described anew (the kernel describes a broadcast once per message object). Returning
 * the same string also lets the kernel find its hash by identity.
 */
interface VoteText {
  view: number;
  seq: number;
  text: string;
}
const voteTexts: VoteText[] = [0, 1, 2, 3].map(() => ({ view: -1, seq: -1, text: '' }));

function describeVote(m: Prepare | Commit): string {
  if (m.showDigest === true) return `${m.type} v${m.view} s${m.seq}${m.assist ? ' assist' : ''} #${m.digest}`;
  const memo = voteTexts[(m.type === 'Prepare' ? 0 : 2) + (m.assist ? 1 : 0)] as VoteText;
  if (memo.view !== m.view || memo.seq !== m.seq) {
    memo.text = `${m.type} v${m.view} s${m.seq}${m.assist ? ' assist' : ''}`;
    memo.view = m.view;
    memo.seq = m.seq;
  }
  return memo.text;
}

/** Short deterministic description for the trace. */
export function describeMessage(m: BftMessage): string {
  switch (m.type) {
    case 'PrePrepare':
      return `PrePrepare v${m.view} s${m.seq}${m.showDigest === true ? ` #${m.proposal.digest}` : ''}`;
    case 'Prepare':
    case 'Commit':
      return describeVote(m);
    case 'ViewChange':
      return `ViewChange nv${m.nextView}`;
    case 'ViewData':
      return `ViewData nv${m.signed.viewData.nextView}`;
    case 'NewView':
      return `NewView nv${m.signedViewData[0]?.viewData.nextView ?? '?'}`;
    case 'HeartBeat':
      return `HeartBeat v${m.view} s${m.seq}`;
    case 'HeartBeatResponse':
      return `HeartBeatResponse v${m.view}`;
    case 'StateTransferResponse':
      return `StateTransferResponse v${m.viewNum} s${m.sequence}`;
    case 'Submit':
    case 'FwdRequest':
      return `${m.type} ${m.request.clientId}:${m.request.reqId}`;
    case 'HeightResponse':
      return `HeightResponse h${m.height}`;
    case 'BlockRequest':
      return `BlockRequest ${m.fromSeq}-${m.toSeq}`;
    case 'BlockResponse':
      return `BlockResponse x${m.decisions.length}`;
    default:
      return m.type;
  }
}
