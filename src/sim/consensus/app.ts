/**
 * The default Application: a deterministic block assembler standing in for Fabric's
 * (orderer/consensus/smartbft/assembler.go) and its follower-side VerifyProposal. The
 * header chains to the previous decision: `<number>|<previous digest>|<data hash>`.
 */
import type { Application, Decision, Proposal, Request, ViewMetadata } from './types.ts';
import { requestsHash64 } from './crypto.ts';

/** Payload arrays are immutable once proposed and shared by every node: hash each once. */
const dataHashes = new WeakMap<readonly Request[], string>();

function dataHash(requests: readonly Request[]): string {
  let h = dataHashes.get(requests);
  if (h !== undefined) return h;
  // hash64 of `${requestKey(r)};` per request, folded without building the text.
  h = requestsHash64(requests);
  dataHashes.set(requests, h);
  return h;
}

export function blockHeader(number: number, previousDigest: string, requests: readonly Request[]): string {
  return `${number}|${previousDigest}|${dataHash(requests)}`;
}

export const defaultApplication: Application = {
  assemble(requests: readonly Request[], metadata: ViewMetadata, last: Decision | undefined): Proposal {
    // The consenter computes the digest (Go's Proposal.Digest()).
    return { header: blockHeader(metadata.latestSequence, last?.proposal.digest ?? '', requests), payload: requests, metadata, digest: '' };
  },
  verifyProposal(proposal: Proposal, last: Decision | undefined): string | null {
    const want = blockHeader(proposal.metadata.latestSequence, last?.proposal.digest ?? '', proposal.payload);
    if (proposal.header !== want) return `header ${proposal.header} does not chain to the last block (expected ${want})`;
    return null;
  },
};
