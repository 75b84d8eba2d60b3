/**
 * The Raft protocol as etcd raft runs it under Fabric's etcdraft (mirrors etcd-io/raft
 * `raft.go`: `tickElection`, `tickHeartbeat`, `Step`, `stepLeader`, `stepCandidate`,
 * `stepFollower`, `handleAppendEntries`, `maybeCommit`; with Fabric's `PreVote: true` and
 * `CheckQuorum: true`).
 *
 * - Election: a follower that hears nothing from a leader for its randomized timeout
 *   ([ElectionTick, 2*ElectionTick-1] ticks) first runs a pre-vote (no term change), then a
 *   real vote at term+1; a majority floor(n/2)+1 of votes makes it leader, which appends an
 *   empty entry in its term. Votes go only to candidates whose log is at least as
 *   up to date; a node that heard from a leader within ElectionTick ignores vote requests.
 * - Replication: the leader sends MsgApp with the previous (index, term); a follower
 *   accepts when it has that entry, overwrites conflicting entries, and acks. The leader
 *   commits the highest index a majority has, if it is from its own term.
 * - No Byzantine checks: a follower accepts whatever entries the leader sends if the
 *   (index, term) bookkeeping matches; it never looks inside a block.
 * - CheckQuorum: a leader that has not heard from a majority in ElectionTick steps down.
 *
 * Simplifications: the leader replicates optimistically (one MsgApp per new entry, next
 * advanced at once) and falls back to resending from `match + 1` on a heartbeat response;
 * no snapshots, no membership changes, no leader transfer.
 */
import type { Entry, MsgApp, MsgAppResp, MsgHeartbeat, MsgVote, MsgVoteResp } from './messages.ts';
import type { Out, RaftState } from './state.ts';

/** What the Fabric chain does when Raft hands it something. */
export interface ChainHooks {
  /** A committed entry with a block, in index order. */
  applyBlock(o: Out, e: Entry): void;
  /** After applying entries (the chain may start serving requests). */
  afterApply(o: Out): void;
  becameLeader(o: Out): void;
  /** Called when this node stops being leader. */
  steppedDown(o: Out): void;
  /** Transform the entries sent to one follower (Byzantine leaders only). */
  outgoing(o: Out, to: number, entries: readonly Entry[]): readonly Entry[];
}

export function lastIndex(s: RaftState): number {
  return s.log.length;
}

export function termAt(s: RaftState, i: number): number {
  if (i === 0) return 0;
  return s.log[i - 1]?.term ?? -1;
}

export function quorumSize(s: RaftState): number {
  return Math.floor(s.nodes.length / 2) + 1;
}

function others(s: RaftState): number[] {
  return s.nodes.filter((n) => n.id !== s.id).map((n) => n.id);
}

export function resetRandomizedElectionTimeout(o: Out): void {
  const e = o.s.opts.ElectionTick;
  o.s.randomizedElectionTimeout = o.ctx.rng.int(e, 2 * e - 1);
}

function setLead(o: Out, lead: number): void {
  const s = o.s;
  if (lead === s.lead) return;
  o.log('etcdraft.leaderChanged', s.lead, lead);
  s.leaderChanges++;
  o.metric('consensus_etcdraft_leader_changes', s.leaderChanges);
  s.lead = lead;
  o.emit({ type: 'raft.leader', term: s.term, leader: lead });
  if (lead !== 0 && s.bootstrapCampaign) {
    s.bootstrapCampaign = false;
    o.log('etcdraft.quitCampaign', lead);
    o.cancel('campaign');
  }
}

function reset(o: Out, term: number): void {
  const s = o.s;
  if (s.term !== term) {
    s.term = term;
    s.vote = 0;
    o.persistHardState();
  }
  s.electionElapsed = 0;
  s.heartbeatElapsed = 0;
  resetRandomizedElectionTimeout(o);
  s.votes.clear();
  s.progress.clear();
}

export function becomeFollower(o: Out, term: number, lead: number, h: ChainHooks): void {
  const wasLeader = o.s.role === 'leader';
  reset(o, term);
  o.s.role = 'follower';
  setLead(o, lead);
  if (wasLeader) {
    o.metric('consensus_etcdraft_is_leader', 0);
    h.steppedDown(o);
  }
}

function becomeLeader(o: Out, h: ChainHooks): void {
  const s = o.s;
  reset(o, s.term);
  s.role = 'leader';
  setLead(o, s.id);
  for (const id of others(s)) s.progress.set(id, { match: 0, next: lastIndex(s) + 1, recentActive: true });
  o.metric('consensus_etcdraft_is_leader', 1);
  appendEntry(o, { term: s.term, index: lastIndex(s) + 1 });
  h.becameLeader(o);
  bcastAppend(o, h);
  maybeCommit(o, h);
}

/** etcd `campaign`: a pre-vote round (PreVote on), or a real election. */
export function campaign(o: Out, pre: boolean, h: ChainHooks): void {
  const s = o.s;
  if (s.role === 'leader') return;
  let voteTerm: number;
  if (pre) {
    reset(o, s.term);
    s.role = 'pre-candidate';
    setLead(o, 0);
    voteTerm = s.term + 1;
  } else {
    reset(o, s.term + 1);
    s.role = 'candidate';
    setLead(o, 0);
    s.vote = s.id;
    o.persistHardState();
    voteTerm = s.term;
  }
  s.votes.set(s.id, true);
  if (poll(o, h)) return;
  const li = lastIndex(s);
  for (const id of others(s)) o.send(id, { type: pre ? 'MsgPreVote' : 'MsgVote', term: voteTerm, index: li, logTerm: termAt(s, li) });
}

/** Count votes; act on a win or a loss. True when the campaign is decided. */
function poll(o: Out, h: ChainHooks): boolean {
  const s = o.s;
  let granted = 0;
  let rejected = 0;
  for (const v of s.votes.values()) v ? granted++ : rejected++;
  const q = quorumSize(s);
  if (granted >= q) {
    if (s.role === 'pre-candidate') campaign(o, false, h);
    else becomeLeader(o, h);
    return true;
  }
  if (rejected >= q) {
    becomeFollower(o, s.term, 0, h);
    return true;
  }
  return false;
}

export function appendEntry(o: Out, e: Entry): void {
  o.s.log.push(e);
  o.effects.push({ kind: 'persist', op: { op: 'append', key: 'raft/entries', value: e } });
}

function sendAppend(o: Out, to: number, h: ChainHooks): void {
  const s = o.s;
  const pr = s.progress.get(to);
  if (pr === undefined) return;
  const prev = pr.next - 1;
  const entries = h.outgoing(o, to, s.log.slice(prev));
  o.send(to, { type: 'MsgApp', term: s.term, index: prev, logTerm: termAt(s, prev), entries, commit: s.commit });
  if (entries.length > 0) pr.next = prev + entries.length + 1;
}

export function bcastAppend(o: Out, h: ChainHooks): void {
  for (const id of others(o.s)) sendAppend(o, id, h);
}

function bcastHeartbeat(o: Out): void {
  const s = o.s;
  for (const id of others(s)) {
    const pr = s.progress.get(id);
    o.send(id, { type: 'MsgHeartbeat', term: s.term, commit: Math.min(pr?.match ?? 0, s.commit) });
  }
}

/** The highest index a majority holds; committed if it is of the leader's term. */
export function maybeCommit(o: Out, h: ChainHooks): boolean {
  const s = o.s;
  const matches = [lastIndex(s), ...[...s.progress.values()].map((p) => p.match)].sort((a, b) => b - a);
  const mci = matches[quorumSize(s) - 1] ?? 0;
  if (mci > s.commit && termAt(s, mci) === s.term) {
    commitTo(o, mci, h);
    return true;
  }
  return false;
}

function commitTo(o: Out, c: number, h: ChainHooks): void {
  const s = o.s;
  if (c <= s.commit) return;
  s.commit = c;
  o.persistHardState();
  let applied = false;
  while (s.applied < s.commit) {
    const e = s.log[s.applied];
    if (e === undefined) break;
    s.applied++;
    applied = true;
    if (e.block !== undefined) h.applyBlock(o, e);
  }
  if (applied) {
    o.effects.push({ kind: 'persist', op: { op: 'set', key: 'raft/applied', value: s.applied } });
    h.afterApply(o);
  }
}

/** etcd `tick`: one TickInterval passed. */
export function tick(o: Out, h: ChainHooks): void {
  const s = o.s;
  if (s.role === 'leader') {
    s.heartbeatElapsed++;
    s.electionElapsed++;
    if (s.electionElapsed >= s.opts.ElectionTick) {
      s.electionElapsed = 0;
      if (s.opts.CheckQuorum) {
        let active = 1;
        for (const p of s.progress.values()) {
          if (p.recentActive) active++;
          p.recentActive = false;
        }
        if (active < quorumSize(s)) {
          becomeFollower(o, s.term, 0, h);
          return;
        }
      }
    }
    if (s.heartbeatElapsed >= s.opts.HeartbeatTick) {
      s.heartbeatElapsed = 0;
      bcastHeartbeat(o);
    }
    return;
  }
  s.electionElapsed++;
  if (s.electionElapsed >= s.randomizedElectionTimeout) {
    s.electionElapsed = 0;
    campaign(o, s.opts.PreVote, h);
  }
}

type RaftProtocolMessage = MsgVote | MsgVoteResp | MsgApp | MsgAppResp | MsgHeartbeat | { readonly type: 'MsgHeartbeatResp'; readonly term: number };

/** etcd `Step` for protocol messages. */
export function stepMessage(o: Out, from: number, m: RaftProtocolMessage, h: ChainHooks): void {
  const s = o.s;
  if (m.term > s.term) {
    if (m.type === 'MsgVote' || m.type === 'MsgPreVote') {
      const inLease = s.opts.CheckQuorum && s.lead !== 0 && s.electionElapsed < s.opts.ElectionTick;
      if (inLease) return;
    }
    if (m.type === 'MsgPreVote' || (m.type === 'MsgPreVoteResp' && !m.reject)) {
      // A pre-vote never changes terms.
    } else {
      becomeFollower(o, m.term, m.type === 'MsgApp' || m.type === 'MsgHeartbeat' ? from : 0, h);
    }
  } else if (m.term < s.term) {
    if (m.type === 'MsgApp' || m.type === 'MsgHeartbeat') {
      // Tell a stale leader about the newer term so it steps down (CheckQuorum/PreVote).
      o.send(from, { type: 'MsgAppResp', term: s.term, index: 0, reject: false, rejectHint: 0 });
    } else if (m.type === 'MsgPreVote') {
      o.send(from, { type: 'MsgPreVoteResp', term: s.term, reject: true });
    }
    return;
  }

  switch (m.type) {
    case 'MsgVote':
    case 'MsgPreVote': {
      const canVote = s.vote === from || (s.vote === 0 && s.lead === 0) || (m.type === 'MsgPreVote' && m.term > s.term);
      const li = lastIndex(s);
      const lt = termAt(s, li);
      const upToDate = m.logTerm > lt || (m.logTerm === lt && m.index >= li);
      const respType = m.type === 'MsgVote' ? 'MsgVoteResp' : 'MsgPreVoteResp';
      if (canVote && upToDate) {
        o.send(from, { type: respType, term: m.term, reject: false });
        if (m.type === 'MsgVote') {
          s.electionElapsed = 0;
          s.vote = from;
          o.persistHardState();
        }
      } else {
        o.send(from, { type: respType, term: s.term, reject: true });
      }
      return;
    }
    case 'MsgVoteResp':
    case 'MsgPreVoteResp': {
      const want = m.type === 'MsgVoteResp' ? 'candidate' : 'pre-candidate';
      if (s.role !== want) return;
      s.votes.set(from, !m.reject);
      poll(o, h);
      return;
    }
    case 'MsgApp':
    case 'MsgHeartbeat': {
      if (s.role === 'leader') return;
      if (s.role !== 'follower') becomeFollower(o, m.term, from, h);
      s.electionElapsed = 0;
      setLead(o, from);
      if (m.type === 'MsgHeartbeat') {
        commitTo(o, Math.min(m.commit, lastIndex(s)), h);
        o.send(from, { type: 'MsgHeartbeatResp', term: s.term });
      } else {
        handleAppendEntries(o, from, m, h);
      }
      return;
    }
    case 'MsgAppResp': {
      const pr = s.role === 'leader' ? s.progress.get(from) : undefined;
      if (pr === undefined) return;
      pr.recentActive = true;
      if (m.reject) {
        // etcd maybeDecrTo: retry from the follower's last index, never below match + 1.
        pr.next = Math.max(pr.match + 1, Math.min(m.index, m.rejectHint + 1));
        sendAppend(o, from, h);
        return;
      }
      if (m.index > pr.match) {
        pr.match = m.index;
        if (pr.next <= m.index) pr.next = m.index + 1;
        if (maybeCommit(o, h)) bcastAppend(o, h);
      }
      return;
    }
    case 'MsgHeartbeatResp': {
      const pr = s.role === 'leader' ? s.progress.get(from) : undefined;
      if (pr === undefined) return;
      pr.recentActive = true;
      if (pr.match < lastIndex(s)) {
        pr.next = pr.match + 1;
        sendAppend(o, from, h);
      }
      return;
    }
  }
}

function handleAppendEntries(o: Out, from: number, m: MsgApp, h: ChainHooks): void {
  const s = o.s;
  const reply = (r: Omit<MsgAppResp, 'type' | 'term'>): void => o.send(from, { type: 'MsgAppResp', term: s.term, ...r });
  if (m.index < s.commit) {
    reply({ index: s.commit, reject: false, rejectHint: 0 });
    return;
  }
  if (m.index > lastIndex(s) || termAt(s, m.index) !== m.logTerm) {
    reply({ index: m.index, reject: true, rejectHint: lastIndex(s) });
    return;
  }
  for (const e of m.entries) {
    if (e.index <= lastIndex(s)) {
      if (termAt(s, e.index) === e.term) continue;
      // Conflict: drop this entry and everything after it.
      s.log.length = e.index - 1;
      o.effects.push({ kind: 'persist', op: { op: 'truncate', key: 'raft/entries', length: e.index - 1 } });
    }
    appendEntry(o, e);
  }
  const lastNew = m.index + m.entries.length;
  commitTo(o, Math.min(m.commit, lastNew), h);
  reply({ index: lastNew, reject: false, rejectHint: 0 });
}
