/**
 * Byzantine behaviours, pluggable per node and switchable mid-run with the `byzantine`
 * command. Most act on the way out (`outgoing`), so the node's own protocol logic stays
 * honest and the fault is exactly the behaviour named:
 *
 * - `silent`: alive but mute (sends nothing).
 * - `equivocate`: as leader, sends one proposal to the first half of the followers and a
 *   different valid one to the rest, and votes (Prepare/Commit, validly signed) for
 *   whichever proposal each follower got.
 * - `corruptProposal`: as leader, changes the payload of its PrePrepares but keeps the
 *   digest (SmartBFT TestLeaderModifiesPreprepare).
 * - `corruptSignature`: its Commit signatures do not verify.
 * - `mutate`: ByzzFuzz-style small mutations of view, seq or digest of consensus messages.
 * - `slowLeader`: as leader, proposes only every LeaderHeartbeatTimeout minus two ticks,
 *   so heartbeat timeouts never fire; only request complaints can replace it.
 * - `censor` / `censor:<clientId>`: as leader, never proposes that client's requests
 *   (plain `censor`: the client of the first request it sees).
 * - `voteAll`: a follower that votes for every proposal it sees: to each node it sends a
 *   Prepare and a validly signed Commit for the digest that node showed it.
 * - `twins`: two honest copies under one identity (see twins.ts `createTwins`); as a
 *   behaviour of a single consenter it is inert.
 */
import type { NodeContext } from '../kernel/types.ts';
import type { Proposal } from './api.ts';
import { sign, withDigest } from '../consensus/crypto.ts';
import type { BftMessage } from './messages.ts';
import type { ConsenterState } from './state.ts';
import { firstPooled } from './requestpool.ts';

export const BYZANTINE_BEHAVIOURS = [
  'silent',
  'equivocate',
  'twins',
  'corruptProposal',
  'corruptSignature',
  'mutate',
  'slowLeader',
  'censor',
  'voteAll',
] as const;

export type ByzantineBehaviour = (typeof BYZANTINE_BEHAVIOURS)[number];

export function isByzantineBehaviour(name: string): boolean {
  return (BYZANTINE_BEHAVIOURS as readonly string[]).includes(name) || (name.startsWith('censor:') && name.length > 'censor:'.length);
}

/** The client a censoring leader drops, if any. */
export function censoredClient(s: ConsenterState): string | undefined {
  const b = s.byzantine;
  if (b === null || !b.startsWith('censor')) return undefined;
  if (b.startsWith('censor:')) return b.slice('censor:'.length);
  if (s.byz.censored === undefined) {
    s.byz.censored = firstPooled(s)?.request.clientId;
  }
  return s.byz.censored;
}

/** How long a slow leader waits before each proposal (0 when not slow). */
export function slowLeaderDelayMs(s: ConsenterState): number {
  if (s.byzantine !== 'slowLeader') return 0;
  return Math.max(s.config.RequestBatchMaxInterval, s.config.LeaderHeartbeatTimeout - 2 * s.config.TickIntervalMs);
}

/** The half of the followers that an equivocating leader shows its second proposal. */
function inSecondGroup(s: ConsenterState, to: number): boolean {
  const followers = s.nodes.filter((id) => id !== s.id);
  return followers.indexOf(to) >= Math.ceil(followers.length / 2);
}

function alternative(s: ConsenterState, p: Proposal): Proposal {
  const cached = s.byz.alt.get(p.metadata.latestSequence);
  // Stryker disable next-line ConditionalExpression,EqualityOperator: a cache; the application's assemble is pure, so building the alternative again gives the same one
  if (cached !== undefined && cached.header !== p.header) return cached;
  const payload = p.payload.length > 1 ? [...p.payload].reverse() : [];
  const alt = withDigest(s.app.assemble(payload, p.metadata, s.ledger[p.metadata.latestSequence - 2]));
  s.byz.alt.clear();
  s.byz.alt.set(p.metadata.latestSequence, alt);
  return alt;
}

/** A message on its way from a Byzantine node to consenter `to`: changed, or null to drop. */
export function outgoing(s: ConsenterState, to: number, msg: BftMessage, ctx: NodeContext): BftMessage | null {
  switch (s.byzantine) {
    case 'silent':
      return null;
    case 'equivocate': {
      if (s.view.leaderId !== s.id || !inSecondGroup(s, to)) return msg;
      if (msg.type === 'PrePrepare') return { ...msg, proposal: alternative(s, msg.proposal) };
      const p = s.view.proposal;
      if (p === undefined || (msg.type !== 'Prepare' && msg.type !== 'Commit') || msg.digest !== p.digest) return msg;
      const alt = alternative(s, p);
      if (msg.type === 'Prepare') return { ...msg, digest: alt.digest };
      return { ...msg, digest: alt.digest, signature: sign(s.id, alt.digest) };
    }
    case 'corruptProposal': {
      if (msg.type !== 'PrePrepare') return msg;
      const p = msg.proposal;
      const payload = p.payload.length > 0 ? p.payload.slice(1) : [{ clientId: 'byzantine', reqId: `forged-${msg.seq}`, size: 1, payload: null }];
      return { ...msg, proposal: { ...p, payload } };
    }
    case 'corruptSignature':
      if (msg.type !== 'Commit') return msg;
      return { ...msg, signature: { signer: s.id, value: 'corrupted' } };
    case 'mutate': {
      if (msg.type !== 'PrePrepare' && msg.type !== 'Prepare' && msg.type !== 'Commit') return msg;
      if (!ctx.rng.chance(0.3)) return msg;
      const which = ctx.rng.int(0, 2);
      // Stryker disable next-line ArithmeticOperator: up or down on a fair draw; swapping the two outcomes is the same fault
      if (which === 0) return { ...msg, view: msg.view + (ctx.rng.chance(0.5) ? 1 : -1) };
      // Stryker disable next-line ArithmeticOperator,EqualityOperator: the same for up or down; `which !== 1` swaps draws 1 and 2 (sequence or digest), equally likely
      if (which === 1) return { ...msg, seq: msg.seq + (ctx.rng.chance(0.5) ? 1 : -1) };
      if (msg.type === 'PrePrepare') return { ...msg, proposal: { ...msg.proposal, digest: `${msg.proposal.digest.slice(1)}0` } };
      return { ...msg, digest: `${msg.digest.slice(1)}0` };
    }
    case 'voteAll':
      // Its own votes are replaced by the echoes in `voteForEverything`.
      if (msg.type === 'Prepare' || msg.type === 'Commit') return msg.assist ? msg : null;
      return msg;
    default:
      return msg;
  }
}

/** voteAll: echo a Prepare and a signed Commit for the digest `sender` showed us. */
export function voteForEverything(s: ConsenterState, sender: number, msg: BftMessage): BftMessage[] {
  if (s.byzantine !== 'voteAll') return [];
  let view: number, seq: number, digest: string;
  if (msg.type === 'PrePrepare') {
    view = msg.view;
    seq = msg.seq;
    digest = msg.proposal.digest;
  } else if ((msg.type === 'Prepare' || msg.type === 'Commit') && !msg.assist) {
    view = msg.view;
    seq = msg.seq;
    digest = msg.digest;
  } else return [];
  const key = `${sender}/${view}/${seq}/${digest}`;
  if (s.byz.voted.has(key)) return [];
  if (s.byz.voted.size > 4096) s.byz.voted.clear();
  s.byz.voted.add(key);
  return [
    { type: 'Prepare', view, seq, digest, assist: true },
    { type: 'Commit', view, seq, digest, signature: sign(s.id, digest), assist: true },
  ];
}
