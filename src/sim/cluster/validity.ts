/**
 * The validity invariant's record of a run ("only submitted transactions are ordered",
 * checkers.ts `transactionsValid`), folded as the orderers decide blocks, so that a long
 * run does not keep every transaction id its gateways ever submitted (issue #19: that set
 * was the largest record the cluster itself kept, about 110 bytes a certificate).
 *
 * - `pending`: the ids a gateway submitted that no decided block carries yet (what is in
 *   flight, and what was never ordered);
 * - as each height is decided (the first orderer's `bft.decided` or `raft.decided` fact, the
 *   block read from that orderer's ledger), each of its transactions that is pending leaves
 *   `pending`; one that is not is remembered by its place (block, index): a copy of a
 *   transaction ordered before (the gateway broadcasts to every orderer, and an orderer that
 *   took a copy after the decision may order it again: the peers flag it DUPLICATE_TXID,
 *   core/ledger/kvledger/txmgmt/validation/validator.go), or one no client submitted, or an
 *   envelope that does not parse. The check tells which by walking the chain
 *   (`transactionsValid`);
 * - the header hash of the last block folded: the chain the check reads must be the one
 *   the fold read (a header's hash covers its previous hash and its data hash).
 *
 * It reads what the orderers decided and what the gateways said they submitted, never
 * steers them. The fold keeps O(in-flight + unmatched) ids, not O(run).
 */
import { blockHeaderHash, envelopesOf, type Block } from '../fabric/block.ts';
import { blockOfDecision } from '../fabric/orderer.ts';
import type { Decision } from '../consensus/types.ts';

/** A transaction's place in the chain: its block number and its index in the block. */
export interface TxPlace {
  readonly block: number;
  readonly index: number;
}

export class ValidityFold {
  private readonly pending_ = new Set<string>();
  /** Blocks folded (genesis is block 0, not folded: it carries no submitted transaction). */
  private height_ = 0;
  private lastHash_ = '';
  private txs_ = 0;
  /** Places of folded transactions that were not pending when their block was decided, in chain order. */
  private readonly unmatched_: TxPlace[] = [];

  /** A gateway submitted `txId` to the ordering service (`gateway.submitted`). */
  submitted(txId: string): void {
    this.pending_.add(txId);
  }

  /** An orderer decided block `seq`; `ledger` is its ledger (decisions 1..). Heights folded before are skipped. */
  decided(ledger: readonly Decision[], seq: number): void {
    const to = Math.min(seq, ledger.length);
    for (let h = this.height_ + 1; h <= to; h++) this.fold(ledger[h - 1] as Decision);
  }

  private fold(d: Decision): void {
    const block = blockOfDecision(d);
    this.txs_ += placesUnmatched(block, (txId) => this.pending_.delete(txId), this.unmatched_);
    this.height_ = block.header.number;
    this.lastHash_ = blockHeaderHash(block.header);
  }

  /**
   * The places `ledger`'s blocks past the folded height would leave unmatched, read without
   * folding them: a check may run while blocks are decided that no fact announced yet (or
   * on a fork the orderers will not keep), and must not change what later facts fold.
   */
  unmatchedBeyond(ledger: readonly Decision[]): TxPlace[] {
    const taken = new Set<string>();
    const takes = (txId: string): boolean => {
      if (!this.pending_.has(txId) || taken.has(txId)) return false;
      taken.add(txId);
      return true;
    };
    const out: TxPlace[] = [];
    for (let h = this.height_ + 1; h <= ledger.length; h++) placesUnmatched(blockOfDecision(ledger[h - 1] as Decision), takes, out);
    return out;
  }

  /** Blocks folded so far. */
  get height(): number {
    return this.height_;
  }

  /** The header hash of the last block folded ('' before the first). */
  get lastHash(): string {
    return this.lastHash_;
  }

  /** Transactions folded so far. */
  get txs(): number {
    return this.txs_;
  }

  /** Submitted transaction ids no decided block carries yet. */
  pending(): ReadonlySet<string> {
    return this.pending_;
  }

  /** Places of folded transactions that were not pending when decided, in chain order. */
  unmatched(): readonly TxPlace[] {
    return this.unmatched_;
  }
}

/**
 * The fold's rule for one block: each transaction whose id `takes` (a pending submission,
 * taken once) is matched; every other place, and every envelope that does not parse, is
 * pushed to `unmatched`. Returns the block's transaction count.
 */
function placesUnmatched(block: Block, takes: (txId: string) => boolean, unmatched: TxPlace[]): number {
  const envs = envelopesOf(block);
  for (let i = 0; i < envs.length; i++) {
    const env = envs[i];
    if (env !== null && env !== undefined && takes(env.txId)) continue;
    unmatched.push({ block: block.header.number, index: i });
  }
  return envs.length;
}
