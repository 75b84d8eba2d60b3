/**
 * A Raft orderer node's volatile state: etcd raft's `raft` struct (term, vote, role,
 * log, commit, progress, election and heartbeat counters) and Fabric's etcdraft `Chain`
 * (block cutter, block creator, in-flight blocks, ledger). A crash discards it; `start`
 * rebuilds term, vote, commit, the log and the ledger from the durable store.
 *
 * Durable keys: `raft/hardstate` {term, vote, commit}, `raft/entries` (the log),
 * `raft/applied` (last applied index), `ledger` (decided blocks, as SmartBFT's).
 */
import type { Effect, NodeContext } from '../kernel/types.ts';
import type { Application, Decision, Proposal, Request } from '../consensus/types.ts';
import type { RaftOptions } from './config.ts';
import type { Entry, RaftByzantineBehaviour, RaftEvent, RaftMessage } from './messages.ts';

export type Role = 'follower' | 'pre-candidate' | 'candidate' | 'leader';

/** The leader's view of one follower (etcd `tracker.Progress`). */
export interface Progress {
  match: number;
  next: number;
  /** Heard from since the last CheckQuorum round. */
  recentActive: boolean;
}

export interface RaftState {
  readonly id: number;
  readonly name: string;
  readonly channel: string;
  /** Every consenter, sorted by id (self included). */
  readonly nodes: readonly { readonly id: number; readonly name: string }[];
  readonly opts: RaftOptions;
  readonly app: Application;
  readonly emitLogs: boolean;

  term: number;
  /** Who this node voted for in `term` (0: nobody). */
  vote: number;
  role: Role;
  /** The leader this node follows (0: none known). */
  lead: number;
  /** log[i - 1] has index i. */
  log: Entry[];
  commit: number;
  applied: number;
  electionElapsed: number;
  heartbeatElapsed: number;
  randomizedElectionTimeout: number;
  /** Votes (or pre-votes) received in the current campaign: id -> granted. */
  votes: Map<number, boolean>;
  /** Leader only. */
  progress: Map<number, Progress>;
  /** node.go: the node picked at bootstrap keeps campaigning until a leader is present. */
  bootstrapCampaign: boolean;

  /** Block cutter (leader). */
  pending: Request[];
  pendingBytes: number;
  batchTimerRunning: boolean;
  /** Requests the leader cannot take yet (just elected, or MaxInflightBlocks reached). */
  backlog: Request[];
  /** A new leader serves no request until its log is applied (chain.go `justElected`). */
  justElected: boolean;
  /** The last block this leader created (block creator), chaining the next. */
  lastCreated: Proposal | undefined;
  /** Equivocation: the other chain a Byzantine leader feeds half of its followers. */
  altLast: Proposal | undefined;
  alt: Map<number, Proposal>;

  ledger: Decision[];
  byzantine: RaftByzantineBehaviour | null;
  leaderChanges: number;
}

/** One step's output: the effects in order, and the context they were produced in. */
export class Out {
  readonly effects: Effect<RaftMessage, RaftEvent>[] = [];
  constructor(
    readonly s: RaftState,
    readonly ctx: NodeContext,
  ) {}

  send(to: number, msg: RaftMessage): void {
    const name = this.s.nodes.find((n) => n.id === to)?.name;
    if (name !== undefined) this.effects.push({ kind: 'send', to: name, msg });
  }

  emit(event: RaftEvent): void {
    this.effects.push({ kind: 'emit', event });
  }

  log(kind: string, ...args: (string | number)[]): void {
    if (this.s.emitLogs) this.emit({ type: 'log', kind, args, fields: { channel: this.s.channel } });
  }

  metric(name: string, value: number): void {
    this.emit({ type: 'metric', name, value, labels: { channel: this.s.channel } });
  }

  persistHardState(): void {
    const s = this.s;
    this.effects.push({ kind: 'persist', op: { op: 'set', key: 'raft/hardstate', value: { term: s.term, vote: s.vote, commit: s.commit } } });
  }

  timer(name: string, afterMs: number): void {
    this.effects.push({ kind: 'setTimer', name, afterMs });
  }

  cancel(name: string): void {
    this.effects.push({ kind: 'cancelTimer', name });
  }
}
