/**
 * The SmartBFT consenter's public contract (pkg/api + pkg/types of hyperledger-labs/SmartBFT,
 * reduced to what Fabric's orderer plugs in). The Fabric orderer builds on these names:
 * keep them stable.
 *
 * Consenter ids are numbers 1..n; node names are kernel node ids (`orderer.techpulse`).
 * The decided ledger is `state.ledger` (seq 1 first, genesis implicit) and, durably, the
 * list at key `ledger` of the node's store.
 */
import type { SmartBftConfig } from './config.ts';

export interface Request {
  readonly clientId: string;
  readonly reqId: string;
  readonly size: number;
  readonly payload: unknown;
}

export interface ViewMetadata {
  readonly viewId: number;
  readonly latestSequence: number;
  readonly decisionsInView: number;
}

/** `digest` is computed by the consenter (`proposalDigest`, as Go's Proposal.Digest()); an assembler may leave it ''. */
export interface Proposal {
  readonly header: string;
  readonly payload: readonly Request[];
  readonly metadata: ViewMetadata;
  readonly digest: string;
}

export interface Signature {
  readonly signer: number;
  readonly value: string;
}

export interface Decision {
  readonly seq: number;
  readonly proposal: Proposal;
  readonly signatures: readonly Signature[];
}

/** Pluggable, pure: Fabric's orderer supplies a block assembler. */
export interface Application {
  assemble(requests: readonly Request[], metadata: ViewMetadata, last: Decision | undefined): Proposal;
  /** null when acceptable, else the reason (follower side VerifyProposal). */
  verifyProposal?(proposal: Proposal, last: Decision | undefined): string | null;
}

export interface ConsenterOptions {
  id: number;
  nodes: readonly { id: number; name: string }[];
  config?: Partial<SmartBftConfig>;
  app?: Application;
  channel?: string;
  /**
   * Which events to emit. 'all' (default): log lines, metrics and facts. 'facts': only
   * `bft.*` facts and metrics (benchmarks, long property runs).
   */
  events?: 'all' | 'facts';
}

export type { SmartBftConfig } from './config.ts';
export type { BftMessage, BftCommand, BftEvent } from './messages.ts';
export type { ConsenterState } from './state.ts';
export { createConsenter } from './controller.ts';
export { BYZANTINE_BEHAVIOURS, type ByzantineBehaviour } from './byzantine.ts';
export { requestKey, proposalDigest, hash64 } from './crypto.ts';
export { defaultApplication } from './app.ts';
export { consenterStatus, type ConsenterStatus } from './status.ts';
export { createTwins, type TwinsState } from './twins.ts';
