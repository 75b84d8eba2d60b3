/**
 * The SmartBFT consenter's public contract (pkg/api + pkg/types of hyperledger-labs/SmartBFT,
 * reduced to what Fabric's orderer plugs in). The Fabric orderer builds on these names:
 * keep them stable.
 *
 * Consenter ids are numbers 1..n; node names are kernel node ids (`orderer.techpulse`).
 * The decided ledger is `state.ledger` (seq 1 first, genesis implicit) and, durably, the
 * list at key `ledger` of the node's store.
 */
import type { Application } from '../consensus/types.ts';
import type { SmartBftConfig } from './config.ts';

export type { Application, Decision, Proposal, Request, Signature, ViewMetadata } from '../consensus/types.ts';

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
export { requestKey, proposalDigest, hash64 } from '../consensus/crypto.ts';
export { defaultApplication } from '../consensus/app.ts';
export { consenterStatus, type ConsenterStatus } from './status.ts';
export { createTwins, type TwinsState } from './twins.ts';
