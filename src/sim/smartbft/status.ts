/**
 * What `ordererStatus` reports for a consenter (the Cluster port): the
 * consensus_BFT_committed_block_number gauge, the ledger's last block, the view, the leader
 * it believes in and its role.
 */
import { leaderOfView } from '../consensus/quorum.ts';
import type { ConsenterState } from './state.ts';

export interface ConsenterStatus {
  /** consensus_BFT_committed_block_number: moves only on blocks decided through consensus. */
  readonly committedBlock: number;
  /** Ledger height - 1 (includes blocks pulled by sync). */
  readonly lastBlock: number;
  readonly view: number;
  /** Consenter id of the leader of the current view. */
  readonly leaderId: number;
  readonly role: 'leader' | 'follower';
}

export function consenterStatus(s: ConsenterState): ConsenterStatus {
  const leaderId = leaderOfView(s.nodes, s.view.number);
  return {
    committedBlock: s.committedBlock,
    lastBlock: s.ledger.length,
    view: s.view.number,
    leaderId,
    role: leaderId === s.id ? 'leader' : 'follower',
  };
}
