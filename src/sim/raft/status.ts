/**
 * What `ordererStatus` can report for a Raft orderer (the Cluster port), in the shape of
 * SmartBFT's `consenterStatus`: committed block (consensus_etcdraft_committed_block_number),
 * last block, the term as the "view", the leader it follows and its role.
 */
import type { RaftState } from './state.ts';

export interface RaftStatus {
  readonly committedBlock: number;
  readonly lastBlock: number;
  /** The Raft term. */
  readonly view: number;
  /** Raft id of the leader this node follows (0: none known). */
  readonly leaderId: number;
  readonly role: 'leader' | 'follower' | 'candidate';
}

export function raftStatus(s: RaftState): RaftStatus {
  return {
    committedBlock: s.ledger.length,
    lastBlock: s.ledger.length,
    view: s.term,
    leaderId: s.lead,
    role: s.role === 'leader' ? 'leader' : s.role === 'follower' ? 'follower' : 'candidate',
  };
}
