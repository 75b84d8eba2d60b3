/**
 * Raft wire messages (etcd raft's `raftpb.Message` types the model uses), the Fabric-side
 * `Submit` (the cluster `SubmitRequest` a follower forwards to the leader, chain.go
 * `Submit` -> `rpc.SendSubmit`), commands and events of a Raft orderer node.
 *
 * Commands and the decided ledger have the SmartBFT consenter's shape (`submit`,
 * `byzantine`, `state.ledger: Decision[]`), so an orderer can be built on either.
 */
import type { Decision, Proposal, Request } from '../consensus/types.ts';
import type { MessageFields } from '../../shared/trace-format.ts';

/** A log entry. `block` is absent for the empty entry a new leader appends in its term. */
export interface Entry {
  readonly term: number;
  readonly index: number;
  readonly block?: Proposal;
  /** The leader that cut the block (it signs it: a Raft block carries one orderer signature). */
  readonly signer?: number;
}

export interface MsgVote {
  readonly type: 'MsgVote' | 'MsgPreVote';
  readonly term: number;
  /** Candidate's last log index and term. */
  readonly index: number;
  readonly logTerm: number;
}
export interface MsgVoteResp {
  readonly type: 'MsgVoteResp' | 'MsgPreVoteResp';
  readonly term: number;
  readonly reject: boolean;
}
export interface MsgApp {
  readonly type: 'MsgApp';
  readonly term: number;
  /** Index and term of the entry just before `entries`. */
  readonly index: number;
  readonly logTerm: number;
  readonly entries: readonly Entry[];
  readonly commit: number;
}
export interface MsgAppResp {
  readonly type: 'MsgAppResp';
  readonly term: number;
  readonly index: number;
  readonly reject: boolean;
  /** On reject: the follower's last index, where the leader should retry from. */
  readonly rejectHint: number;
}
export interface MsgHeartbeat {
  readonly type: 'MsgHeartbeat';
  readonly term: number;
  readonly commit: number;
}
export interface MsgHeartbeatResp {
  readonly type: 'MsgHeartbeatResp';
  readonly term: number;
}
export interface Submit {
  readonly type: 'Submit';
  readonly request: Request;
}

export type RaftMessage = MsgVote | MsgVoteResp | MsgApp | MsgAppResp | MsgHeartbeat | MsgHeartbeatResp | Submit;

/** Byzantine behaviours of a Raft leader (a follower holding one behaves honestly). */
export const RAFT_BYZANTINE_BEHAVIOURS = ['corrupt-block', 'equivocate'] as const;
export type RaftByzantineBehaviour = (typeof RAFT_BYZANTINE_BEHAVIOURS)[number];

export type RaftCommand =
  | { readonly type: 'submit'; readonly request: Request }
  | { readonly type: 'byzantine'; readonly behaviour: string | null };

/**
 * Facts for checkers. `raft.decided` has the fields of SmartBFT's `bft.decided`
 * (`view` is the Raft term of the entry, `signers` the leader that cut the block:
 * a Raft block carries one orderer signature), so checkers take the prefix as a parameter.
 */
export type RaftFact =
  | {
      readonly type: 'raft.decided';
      readonly seq: number;
      readonly digest: string;
      readonly view: number;
      readonly signers: readonly number[];
      readonly viaSync: false;
      /** Digest of the block before (the ledger's hash chain). */
      readonly prev: string;
      readonly txCount: number;
    }
  | { readonly type: 'raft.leader'; readonly term: number; readonly leader: number }
  | { readonly type: 'raft.rejected'; readonly clientId: string; readonly reqId: string; readonly reason: string }
  | { readonly type: 'raft.byzantine'; readonly behaviour: string | null; readonly note: string };

export type RaftEvent =
  | { readonly type: 'log'; readonly kind: string; readonly args: readonly (string | number)[]; readonly fields: { readonly channel: string } }
  | { readonly type: 'metric'; readonly name: string; readonly value: number; readonly labels: { readonly channel: string } }
  | RaftFact;

export type { Decision, Proposal, Request };

/** A message's fields for trace readers (the kernel's `fields`): its type; Raft's terms and indexes are not SmartBFT views and sequences. */
export function raftMessageFields(m: RaftMessage): MessageFields {
  return m.type === 'MsgVoteResp' || m.type === 'MsgPreVoteResp' || m.type === 'MsgAppResp' ? (m.reject ? { type: m.type, flags: ['reject'] } : { type: m.type }) : { type: m.type };
}

export function describeRaftMessage(m: RaftMessage): string {
  switch (m.type) {
    case 'MsgVote':
    case 'MsgPreVote':
      return `${m.type} t${m.term} i${m.index}`;
    case 'MsgVoteResp':
    case 'MsgPreVoteResp':
      return `${m.type} t${m.term}${m.reject ? ' reject' : ''}`;
    case 'MsgApp':
      return `MsgApp t${m.term} i${m.index} n${m.entries.length} c${m.commit}`;
    case 'MsgAppResp':
      return `MsgAppResp t${m.term} i${m.index}${m.reject ? ' reject' : ''}`;
    case 'MsgHeartbeat':
      return `MsgHeartbeat t${m.term} c${m.commit}`;
    case 'MsgHeartbeatResp':
      return `MsgHeartbeatResp t${m.term}`;
    case 'Submit':
      return `Submit ${m.request.clientId}:${m.request.reqId}`;
  }
}
