/**
 * The model's Byzantine behaviours (byzantine.ts, no Go counterpart: the faults SmartBFT's
 * own tests inject by hand), one consenter at a time: what each changes in the messages it
 * sends, and what it leaves alone.
 */
import { describe, expect, it } from 'vitest';
import { sign } from '../../../src/sim/consensus/crypto.ts';
import type { Request } from '../../../src/sim/smartbft/api.ts';
import type { Commit, PrePrepare, Prepare } from '../../../src/sim/smartbft/messages.ts';
import { Io } from '../../../src/sim/smartbft/io.ts';
import { isByzantineBehaviour, outgoing, voteForEverything } from '../../../src/sim/smartbft/byzantine.ts';
import { blockHeader } from '../../../src/sim/consensus/app.ts';
import { Rng } from '../../../src/sim/kernel/rng.ts';
import { OneConsenter, sends, type Sent } from './one.ts';

const req = (id: string, clientId = 'c'): Request => ({ clientId, reqId: id, size: 100, payload: null });

/** Leader 1 of `n` with `behaviour`, proposing `ids` in one batch; what it sent. */
function leaderSends(behaviour: string | null, ids: string[], n = 4): { node: OneConsenter; sent: Sent[] } {
  const node = new OneConsenter(1, n, {}, { RequestBatchMaxCount: ids.length });
  node.step({ kind: 'command', command: { type: 'byzantine', behaviour } });
  const sent: Sent[] = [];
  for (const id of ids) sent.push(...sends(node.step({ kind: 'command', command: { type: 'submit', request: req(id) } })));
  return { node, sent };
}
const of = <T>(sent: Sent[], type: string, to: number): T => sent.find((x) => x.msg.type === type && x.to === to)?.msg as T;

describe('equivocate: the leader shows the second half of its followers another proposal, and votes for it there', () => {
  it('n=4: followers 2 and 3 get the proposal, follower 4 the alternative (the payload reversed), with a Prepare and a signed Commit for it', () => {
    const { node, sent } = leaderSends('equivocate', ['a', 'b']);
    const pp2 = of<PrePrepare>(sent, 'PrePrepare', 2);
    const pp3 = of<PrePrepare>(sent, 'PrePrepare', 3);
    const pp4 = of<PrePrepare>(sent, 'PrePrepare', 4);
    expect(pp2.proposal.payload.map((r) => r.reqId)).toEqual(['a', 'b']);
    expect(pp3.proposal.digest).toBe(pp2.proposal.digest);
    expect(pp4.proposal.payload.map((r) => r.reqId)).toEqual(['b', 'a']);
    expect(pp4.proposal.digest).not.toBe(pp2.proposal.digest);
    expect(pp4.proposal.metadata).toEqual(pp2.proposal.metadata);
    expect(of<Prepare>(sent, 'Prepare', 2).digest).toBe(pp2.proposal.digest);
    expect(of<Prepare>(sent, 'Prepare', 4).digest).toBe(pp4.proposal.digest);
    // Its Commit, once prepared: followers 2 and 3 prepare its own proposal.
    const out: Sent[] = [];
    for (const from of [2, 3]) out.push(...sends(node.receive(from, { type: 'Prepare', view: 0, seq: 1, digest: pp2.proposal.digest, assist: false })));
    const c2 = of<Commit>(out, 'Commit', 2);
    const c4 = of<Commit>(out, 'Commit', 4);
    expect(c2.digest).toBe(pp2.proposal.digest);
    expect(c4).toMatchObject({ digest: pp4.proposal.digest, signature: sign(1, pp4.proposal.digest) });
  });

  it('a proposal of one request: the alternative is the empty block; n=7: followers 5, 6 and 7 get it', () => {
    const { sent } = leaderSends('equivocate', ['a'], 7);
    const digests = [2, 3, 4, 5, 6, 7].map((to) => of<PrePrepare>(sent, 'PrePrepare', to).proposal);
    expect(digests.map((p) => p.payload.length)).toEqual([1, 1, 1, 0, 0, 0]);
    expect(new Set(digests.map((p) => p.digest)).size).toBe(2);
  });

  it('a follower that equivocates sends its votes unchanged', () => {
    const node = new OneConsenter(2, 4);
    node.step({ kind: 'command', command: { type: 'byzantine', behaviour: 'equivocate' } });
    const leader = leaderSends(null, ['a']);
    const pp = of<PrePrepare>(leader.sent, 'PrePrepare', 2);
    const out = sends(node.receive(1, pp));
    expect(out.map((x) => [x.to, x.msg.type, (x.msg as Prepare).digest])).toEqual([
      [1, 'Prepare', pp.proposal.digest],
      [3, 'Prepare', pp.proposal.digest],
      [4, 'Prepare', pp.proposal.digest],
    ]);
  });
});

describe('the other behaviours', () => {
  it('silent: sends nothing', () => {
    expect(leaderSends('silent', ['a']).sent).toEqual([]);
  });

  it('corruptProposal: the PrePrepare loses its first request and keeps its digest; votes are untouched', () => {
    const honest = of<PrePrepare>(leaderSends(null, ['a', 'b']).sent, 'PrePrepare', 2);
    const { sent } = leaderSends('corruptProposal', ['a', 'b']);
    const pp = of<PrePrepare>(sent, 'PrePrepare', 2);
    expect(pp.proposal.payload.map((r) => r.reqId)).toEqual(['b']);
    expect(pp.proposal.digest).toBe(honest.proposal.digest);
    expect(of<Prepare>(sent, 'Prepare', 2).digest).toBe(honest.proposal.digest);
  });

  it('corruptSignature: its Commits carry a signature that does not verify; nothing else changes', () => {
    const { node, sent } = leaderSends('corruptSignature', ['a']);
    const pp = of<PrePrepare>(sent, 'PrePrepare', 2);
    const out: Sent[] = [];
    for (const from of [2, 3]) out.push(...sends(node.receive(from, { type: 'Prepare', view: 0, seq: 1, digest: pp.proposal.digest, assist: false })));
    expect(of<Commit>(out, 'Commit', 2)).toMatchObject({ digest: pp.proposal.digest, signature: { signer: 1, value: 'corrupted' } });
  });

  it('mutate: about three in ten of its consensus messages change in exactly one of view, sequence (by one) or digest; other messages never', () => {
    const node = new OneConsenter(2, 4);
    node.step({ kind: 'command', command: { type: 'byzantine', behaviour: 'mutate' } });
    const rng = Rng.create(7);
    const ioOf = (): Io => new Io(node.state, { now: node.now, self: 'orderer2', rng });
    const kinds = new Map<string, number>();
    const deltas = new Set<string>();
    let total = 0;
    for (let seq = 1; seq <= 300; seq++) {
      const commit: Commit = { type: 'Commit', view: 5, seq, digest: 'abcd', signature: sign(2, 'abcd'), assist: false };
      // Sent through the node's Io as its own broadcast of a vote.
      const io = ioOf();
      io.broadcast(commit);
      io.send(3, { type: 'Prepare', view: 5, seq, digest: 'abcd', assist: false });
      const pp: PrePrepare = { type: 'PrePrepare', view: 5, seq, proposal: { header: 'h', payload: [], metadata: { viewId: 5, latestSequence: seq, decisionsInView: 0 }, digest: 'abcd' } };
      const ppio = ioOf();
      ppio.send(3, pp);
      for (const e of ppio.effects) {
        if (e.kind !== 'send') continue;
        const m = e.msg as PrePrepare;
        if (m.proposal.digest !== 'abcd') {
          expect(m.proposal.digest).toBe('bcd0');
          expect(m.proposal.header).toBe('h');
          kinds.set('ppDigest', (kinds.get('ppDigest') ?? 0) + 1);
        }
      }
      for (const e of io.effects) {
        if (e.kind !== 'send') continue;
        total++;
        const m = e.msg as Commit;
        const diff = [m.view !== 5 && 'view', m.seq !== seq && 'seq', m.digest !== 'abcd' && 'digest'].filter(Boolean) as string[];
        expect(diff.length).toBeLessThanOrEqual(1);
        const k = diff[0] ?? 'none';
        if (k === 'view') deltas.add(`view${m.view - 5}`);
        if (k === 'seq') deltas.add(`seq${m.seq - seq}`);
        if (k === 'digest') expect(m.digest).toBe('bcd0');
        kinds.set(k, (kinds.get(k) ?? 0) + 1);
        if (k !== 'none') kinds.set(`changed ${m.type}`, (kinds.get(`changed ${m.type}`) ?? 0) + 1);
      }
    }
    const changed = total - (kinds.get('none') ?? 0);
    expect(changed / total).toBeGreaterThan(0.2);
    expect(changed / total).toBeLessThan(0.4);
    for (const k of ['view', 'seq', 'digest', 'ppDigest', 'changed Prepare', 'changed Commit']) expect(kinds.get(k) ?? 0).toBeGreaterThan(0);
    // By one, up and down.
    expect([...deltas].sort()).toEqual(['seq-1', 'seq1', 'view-1', 'view1']);
    const io = ioOf();
    io.broadcast({ type: 'ViewChange', nextView: 1, reason: 'x' });
    expect(io.effects.map((e) => (e.kind === 'send' ? e.msg : undefined))).toEqual([1, 2, 3].map(() => ({ type: 'ViewChange', nextView: 1, reason: 'x' })));
  });

  it('voteAll: its own votes are dropped; for each PrePrepare, Prepare or Commit shown it, it echoes a Prepare and a signed Commit for that digest to the sender, once', () => {
    const node = new OneConsenter(2, 4);
    node.step({ kind: 'command', command: { type: 'byzantine', behaviour: 'voteAll' } });
    const pp = of<PrePrepare>(leaderSends(null, ['a']).sent, 'PrePrepare', 2);
    const out = sends(node.receive(1, pp));
    const d = pp.proposal.digest;
    expect(out.map((x) => [x.to, x.msg])).toEqual([
      [1, { type: 'Prepare', view: 0, seq: 1, digest: d, assist: true, showDigest: true }],
      [1, { type: 'Commit', view: 0, seq: 1, digest: d, signature: sign(2, d), assist: true, showDigest: true }],
    ]);
    // A vote from 3 for another digest: echoed to 3, for that digest; the same again: nothing.
    const vote: Prepare = { type: 'Prepare', view: 0, seq: 1, digest: 'other', assist: false };
    expect(sends(node.receive(3, vote)).map((x) => [x.to, x.msg.type, (x.msg as Prepare).digest])).toEqual([
      [3, 'Prepare', 'other'],
      [3, 'Commit', 'other'],
    ]);
    expect(sends(node.receive(3, vote))).toEqual([]);
    // An assist vote is not echoed.
    expect(sends(node.receive(4, { ...vote, digest: 'third', assist: true }))).toEqual([]);
  });

  it('censor (no client named): the client of the first request in the pool is the one censored (none while the pool is empty)', () => {
    const node = new OneConsenter(1, 4, {}, { RequestBatchMaxCount: 1 });
    node.step({ kind: 'command', command: { type: 'byzantine', behaviour: 'censor' } });
    expect(sends(node.runUntil(120)).filter((x) => x.msg.type === 'PrePrepare')).toEqual([]);
    expect(sends(node.step({ kind: 'command', command: { type: 'submit', request: req('v1', 'victim') } }))).toEqual([]);
    const out = sends(node.step({ kind: 'command', command: { type: 'submit', request: req('o1', 'other') } }));
    expect(of<PrePrepare>(out, 'PrePrepare', 2).proposal.payload.map((r) => r.reqId)).toEqual(['o1']);
  });

  it('censor:<client> censors that client, whichever client is first in the pool', () => {
    const node = new OneConsenter(1, 4, {}, { RequestBatchMaxCount: 1 });
    node.step({ kind: 'command', command: { type: 'byzantine', behaviour: 'censor:x' } });
    const out = sends(node.step({ kind: 'command', command: { type: 'submit', request: req('y1', 'y') } }));
    expect(of<PrePrepare>(out, 'PrePrepare', 2).proposal.payload.map((r) => r.reqId)).toEqual(['y1']);
  });

  it('isByzantineBehaviour: the names, and censor: with a client name after it', () => {
    expect(['silent', 'censor', 'censor:x', 'censor:ab'].map(isByzantineBehaviour)).toEqual([true, true, true, true]);
    expect(['censor:', 'xcensor:a', 'Silent', ''].map(isByzantineBehaviour)).toEqual([false, false, false, false]);
  });
});

describe('outgoing and voteForEverything, called directly', () => {
  const rng = Rng.create(3);
  const nodeAs = (behaviour: string | null) => {
    const node = new OneConsenter(1, 4);
    node.state.byzantine = behaviour;
    return node;
  };
  const ctxOf = (node: OneConsenter) => ({ now: node.now, self: 'orderer1', rng });
  const prepare = (digest: string): Prepare => ({ type: 'Prepare', view: 0, seq: 1, digest, assist: false });

  it('equivocate: a leader with no proposal, a vote for another digest and a message that is not a vote go out unchanged', () => {
    const node = nodeAs('equivocate');
    expect(outgoing(node.state, 4, prepare('zz'), ctxOf(node))).toEqual(prepare('zz'));
    const { node: leader, sent } = leaderSends('equivocate', ['a', 'b']);
    const pp = of<PrePrepare>(sent, 'PrePrepare', 2);
    expect(outgoing(leader.state, 4, prepare('zz'), ctxOf(leader))).toEqual(prepare('zz'));
    const hb = { type: 'HeartBeat' as const, view: 0, seq: 1 };
    expect(outgoing(leader.state, 4, hb, ctxOf(leader))).toEqual(hb);
    // Its own Prepare, to the second group: the alternative's digest and nothing more.
    const alt = of<PrePrepare>(sent, 'PrePrepare', 4).proposal.digest;
    expect(outgoing(leader.state, 4, prepare(pp.proposal.digest), ctxOf(leader))).toEqual(prepare(alt));
  });

  it('equivocate at sequence 2: the alternative block chains to block 1 like the proposal does', () => {
    const node = new OneConsenter(1, 4, {}, { RequestBatchMaxCount: 2 });
    node.step({ kind: 'command', command: { type: 'submit', request: req('a') } });
    const first = sends(node.step({ kind: 'command', command: { type: 'submit', request: req('b') } }));
    const pp1 = of<PrePrepare>(first, 'PrePrepare', 2);
    for (const from of [2, 3]) node.receive(from, { type: 'Prepare', view: 0, seq: 1, digest: pp1.proposal.digest, assist: false });
    for (const from of [2, 3]) node.receive(from, { type: 'Commit', view: 0, seq: 1, digest: pp1.proposal.digest, signature: sign(from, pp1.proposal.digest), assist: false });
    expect(node.ledger()).toHaveLength(1);
    node.step({ kind: 'command', command: { type: 'byzantine', behaviour: 'equivocate' } });
    node.step({ kind: 'command', command: { type: 'submit', request: req('c') } });
    const out = sends(node.step({ kind: 'command', command: { type: 'submit', request: req('d') } }));
    const alt = of<PrePrepare>(out, 'PrePrepare', 4).proposal;
    expect(alt.header).toBe(blockHeader(2, pp1.proposal.digest, [req('d'), req('c')]));
  });

  it('corruptProposal: a PrePrepare with no request gets a forged one; corruptSignature and corruptProposal leave a Prepare as it is', () => {
    const node = nodeAs('corruptProposal');
    const empty: PrePrepare = { type: 'PrePrepare', view: 0, seq: 7, proposal: { header: 'h', payload: [], metadata: { viewId: 0, latestSequence: 7, decisionsInView: 0 }, digest: 'd' } };
    expect(outgoing(node.state, 2, empty, ctxOf(node))).toEqual({ ...empty, proposal: { ...empty.proposal, payload: [{ clientId: 'byzantine', reqId: 'forged-7', size: 1, payload: null }] } });
    expect(outgoing(node.state, 2, prepare('d'), ctxOf(node))).toEqual(prepare('d'));
    const bad = nodeAs('corruptSignature');
    expect(outgoing(bad.state, 2, prepare('d'), ctxOf(bad))).toEqual(prepare('d'));
  });

  it('voteAll: its own Prepares and Commits are dropped, assists and other messages pass; an honest node echoes nothing', () => {
    const node = nodeAs('voteAll');
    const commit: Commit = { type: 'Commit', view: 0, seq: 1, digest: 'd', signature: sign(1, 'd'), assist: false };
    expect(outgoing(node.state, 2, prepare('d'), ctxOf(node))).toBeNull();
    expect(outgoing(node.state, 2, commit, ctxOf(node))).toBeNull();
    expect(outgoing(node.state, 2, { ...commit, assist: true }, ctxOf(node))).toEqual({ ...commit, assist: true });
    const vc = { type: 'ViewChange' as const, nextView: 1, reason: 'x' };
    expect(outgoing(node.state, 2, vc, ctxOf(node))).toEqual(vc);
    expect(voteForEverything(nodeAs(null).state, 2, prepare('d'))).toEqual([]);
    expect(voteForEverything(node.state, 3, commit).map((m) => m.type)).toEqual(['Prepare', 'Commit']);
    expect(voteForEverything(node.state, 3, { ...commit, assist: true })).toEqual([]);
    expect(voteForEverything(node.state, 3, vc)).toEqual([]);
  });

  it('voteAll remembers up to 4097 echoes, then forgets them all', () => {
    const node = nodeAs('voteAll');
    const vote = (i: number): Prepare => prepare(`d${i}`);
    for (let i = 0; i < 4097; i++) expect(voteForEverything(node.state, 2, vote(i))).toHaveLength(2);
    expect(voteForEverything(node.state, 2, vote(0))).toEqual([]);
    expect(voteForEverything(node.state, 2, vote(4097))).toHaveLength(2);
    expect(voteForEverything(node.state, 2, vote(0))).toHaveLength(2);
  });
});
