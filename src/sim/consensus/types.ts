/**
 * The consensus-neutral words both protocol models speak (SmartBFT and Raft): a client's
 * request, a proposal (the block to be, as SmartBFT's pkg/types `Proposal`), a decision
 * (the proposal with the signatures that decided it, `types.Decision`) and the pluggable
 * `Application` that assembles blocks (Fabric's orderer supplies it). Names and fields
 * follow SmartBFT's pkg/types; the Raft orderer uses the same shapes so that the Fabric
 * model, the checkers and sizing read either protocol's ledger alike. Types only.
 */

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
