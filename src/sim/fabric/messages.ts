/**
 * Messages between Fabric nodes in the model: the orderer's Deliver service (blocks and,
 * for the BFT deliverer's censorship monitor, headers), endorsement and evaluation
 * proposals, commit-status queries (the gateway's CommitStatus), and gossip (DataMsg
 * push, pull of recent blocks, StateInfo, state transfer, leader election).
 */
import type { Block, BlockHeader, NsRwSet } from './block.ts';
import type { MessageFields } from '../../shared/trace-format.ts';

// --- Deliver (orderer/common/deliver) -------------------------------------------------
export interface DeliverSeek {
  readonly type: 'deliver.seek';
  /** Client-chosen stream id. */
  readonly session: number;
  readonly start: number;
  /** `SeekInfo.ContentType = HEADER_WITH_SIG` (BFT header receivers). */
  readonly headersOnly: boolean;
}
export interface DeliverConnected {
  readonly type: 'deliver.connected';
  readonly session: number;
}
export interface DeliverBlock {
  readonly type: 'deliver.block';
  readonly session: number;
  readonly block: Block;
}
export interface DeliverHeader {
  readonly type: 'deliver.header';
  readonly session: number;
  readonly header: BlockHeader;
  readonly signers: readonly number[];
}
export interface DeliverCancel {
  readonly type: 'deliver.cancel';
  readonly session: number;
}
export interface DeliverPing {
  readonly type: 'deliver.ping';
  readonly session: number;
}
export interface DeliverPong {
  readonly type: 'deliver.pong';
  readonly session: number;
  /** False when the orderer has no such stream (it restarted). */
  readonly ok: boolean;
}
export type DeliverToOrderer = DeliverSeek | DeliverCancel | DeliverPing;
export type DeliverToPeer = DeliverConnected | DeliverBlock | DeliverHeader | DeliverPong;

// --- Endorsement, evaluation, commit status ------------------------------------------
export interface Proposal {
  readonly type: 'proposal';
  /** Request id chosen by the gateway, echoed in the response. */
  readonly id: string;
  readonly txId: string;
  /** Submitting org. */
  readonly creator: string;
  readonly chaincode: string;
  readonly fn: string;
  readonly args: readonly string[];
  readonly timestampMs: number;
  /** Evaluate (query) only: the result is not endorsed for ordering. */
  readonly evaluate: boolean;
}
export interface ProposalResponse {
  readonly type: 'proposal.response';
  readonly id: string;
  readonly peer: string;
  readonly org: string;
  /** 200 success; 500 chaincode error or endorser refusal. */
  readonly status: number;
  readonly message: string;
  readonly payload: string;
  /** The payload's JSON value as the chaincode built it (chaincode.ts ChaincodeResult.result), if it did. */
  readonly result?: unknown;
  readonly rwset: readonly NsRwSet[];
}
export interface CommitStatusRequest {
  readonly type: 'commitStatus';
  readonly txId: string;
}
export interface CommitStatusResponse {
  readonly type: 'commitStatus.response';
  readonly txId: string;
  /** TxValidationCode. */
  readonly code: number;
  readonly block: number;
}

// --- Gossip ---------------------------------------------------------------------------
export interface GossipData {
  readonly type: 'gossip.data';
  readonly block: Block;
}
export interface GossipStateInfo {
  readonly type: 'gossip.stateInfo';
  readonly height: number;
}
export interface GossipPullHello {
  readonly type: 'gossip.pullHello';
}
export interface GossipPullDigest {
  readonly type: 'gossip.pullDigest';
  readonly numbers: readonly number[];
}
export interface GossipPullRequest {
  readonly type: 'gossip.pullRequest';
  readonly numbers: readonly number[];
}
export interface RemoteStateRequest {
  readonly type: 'gossip.stateRequest';
  readonly nonce: number;
  readonly start: number;
  readonly end: number;
}
export interface RemoteStateResponse {
  readonly type: 'gossip.stateResponse';
  readonly nonce: number;
  readonly blocks: readonly Block[];
}
export interface LeadershipMsg {
  readonly type: 'gossip.leadership';
  /** True: "I am the leader"; false: a proposal to become one. */
  readonly isDeclaration: boolean;
}
export type GossipMsg = GossipData | GossipStateInfo | GossipPullHello | GossipPullDigest | GossipPullRequest | RemoteStateRequest | RemoteStateResponse | LeadershipMsg;

export type PeerMessage = DeliverToPeer | Proposal | CommitStatusRequest | GossipMsg;

// --- Broadcast (gateway -> orderer) ---------------------------------------------------
export interface Broadcast {
  readonly type: 'broadcast';
  readonly txId: string;
  /** The serialized envelope. */
  readonly envelope: string;
}
export interface BroadcastResponse {
  readonly type: 'broadcast.response';
  readonly txId: string;
  readonly status: 'SUCCESS' | 'SERVICE_UNAVAILABLE';
  readonly info: string;
}

/**
 * The gateway's gRPC connection to an orderer dialing again after its reconnect back-off
 * (grpc-go clientconn.go resetTransportAndUnlock): refused while the orderer is down, else
 * answered, and the connection is ready.
 */
export interface GatewayDial {
  readonly type: 'gateway.dial';
}
export interface GatewayDialed {
  readonly type: 'gateway.dialed';
}

/** Every message a Fabric node of the model sends. */
export type FabricMessage = PeerMessage | DeliverToOrderer | ProposalResponse | CommitStatusResponse | Broadcast | BroadcastResponse | GatewayDial | GatewayDialed;

/** The name a Fabric message goes by in the trace (Fabric's own message names); others by their `type`. */
const FABRIC_MESSAGE_NAMES: Readonly<Partial<Record<FabricMessage['type'], string>>> = {
  'deliver.block': 'Block',
  'deliver.header': 'Header',
  'gossip.data': 'DataMsg',
  'gossip.stateResponse': 'RemoteStateResponse',
  proposal: 'Proposal',
  'proposal.response': 'ProposalResponse',
  broadcast: 'Broadcast',
};

/** A message's fields for trace readers (the kernel's `fields`): its type as `describeFabricMessage` names it. */
export function fabricMessageFields(msg: FabricMessage): MessageFields {
  return { type: FABRIC_MESSAGE_NAMES[msg.type] ?? msg.type };
}

/** A message's short trace description (the kernel's `describe`), for every Fabric node. */
export function describeFabricMessage(msg: FabricMessage): string {
  switch (msg.type) {
    case 'deliver.block':
      return `Block ${msg.block.header.number}`;
    case 'deliver.header':
      return `Header ${msg.header.number}`;
    case 'gossip.data':
      return `DataMsg ${msg.block.header.number}`;
    case 'gossip.stateResponse':
      return `RemoteStateResponse ${msg.blocks.length}`;
    case 'proposal':
      return `Proposal ${msg.fn}`;
    case 'proposal.response':
      return `ProposalResponse ${msg.status}`;
    case 'broadcast':
      return `Broadcast ${msg.txId}`;
    default:
      return msg.type;
  }
}
