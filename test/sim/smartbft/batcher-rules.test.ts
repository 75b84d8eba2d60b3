/**
 * Batcher per-rule tests (internal/bft/batcher.go BatchBuilder.NextBatch, controller.go
 * propose): the leader of view 0 alone, fed submissions and its own timers, asserting when
 * it proposes and what the PrePrepare carries.
 */
import { describe, expect, it } from 'vitest';
import type { Request } from '../../../src/sim/smartbft/api.ts';
import type { SmartBftConfig } from '../../../src/sim/smartbft/config.ts';
import type { Commit, PrePrepare, Prepare } from '../../../src/sim/smartbft/messages.ts';
import { sign } from '../../../src/sim/consensus/crypto.ts';
import { OneConsenter, sends } from './one.ts';

type Effects = ReturnType<OneConsenter['step']>;
const req = (id: string, size = 100, clientId = 'c'): Request => ({ clientId, reqId: id, size, payload: null });
const submit = (node: OneConsenter, r: Request): Effects => node.step({ kind: 'command', command: { type: 'submit', request: r } });
/** The request ids of each PrePrepare proposed (sent to node 2), in order. */
const proposed = (out: Effects): string[][] =>
  sends(out)
    .filter((s) => s.msg.type === 'PrePrepare' && s.to === 2)
    .map((s) => (s.msg as PrePrepare).proposal.payload.map((r) => r.reqId));
const leader = (config: Partial<SmartBftConfig> = {}) => new OneConsenter(1, 4, {}, config);
const byzantine = (node: OneConsenter, behaviour: string | null): Effects => node.step({ kind: 'command', command: { type: 'byzantine', behaviour } });
/** Followers 2 and 3 vote for the leader's last PrePrepare: with its own votes a quorum of 3 of 4, so it decides. */
function decideLast(node: OneConsenter): Effects {
  const pps = node.effects.filter((e) => e.kind === 'send' && e.msg.type === 'PrePrepare').map((e) => (e as { msg: PrePrepare }).msg);
  const pp = pps[pps.length - 1] as PrePrepare;
  const out: Effects = [];
  for (const from of [2, 3]) out.push(...node.receive(from, { type: 'Prepare', view: pp.view, seq: pp.seq, digest: pp.proposal.digest, assist: false } satisfies Prepare));
  for (const from of [2, 3]) out.push(...node.receive(from, { type: 'Commit', view: pp.view, seq: pp.seq, digest: pp.proposal.digest, signature: sign(from, pp.proposal.digest), assist: false } satisfies Commit));
  expect(node.ledger().map((d) => d.seq)).toContain(pp.seq);
  return out;
}

describe('BatchBuilder.NextBatch (batcher.go)', () => {
  it('NextBatch at the view start arms RequestBatchMaxInterval: a request pooled before it ends is proposed when it ends, not before', () => {
    const node = leader();
    expect(node.timers.get('batch')).toBe(50);
    submit(node, req('a'));
    expect(proposed(node.runUntil(49))).toEqual([]);
    expect(proposed(node.runUntil(50))).toEqual([['a']]);
  });

  it('a batch full by RequestBatchMaxCount is proposed at once, and its timer cancelled', () => {
    const node = leader({ RequestBatchMaxCount: 2 });
    expect(proposed(submit(node, req('a')))).toEqual([]);
    const out = submit(node, req('b'));
    expect(proposed(out)).toEqual([['a', 'b']]);
    expect(out).toContainEqual({ kind: 'cancelTimer', name: 'batch' });
    expect(node.timers.has('batch')).toBe(false);
  });

  it('a batch full by RequestBatchMaxBytes is proposed at once, with the requests that fit', () => {
    const node = leader({ RequestBatchMaxCount: 10, RequestBatchMaxBytes: 250, RequestMaxBytes: 250 });
    expect(proposed(submit(node, req('a')))).toEqual([]);
    expect(proposed(submit(node, req('b')))).toEqual([]);
    expect(proposed(submit(node, req('c')))).toEqual([['a', 'b']]);
  });

  it('one request at RequestBatchMaxBytes exactly is a full batch', () => {
    const node = leader({ RequestBatchMaxCount: 10, RequestBatchMaxBytes: 100, RequestMaxBytes: 100 });
    expect(proposed(submit(node, req('a', 100)))).toEqual([['a']]);
  });

  it('an empty round: the leader idles, and a request wakes it at the next round boundary of its NextBatch loop', () => {
    const node = leader();
    expect(proposed(node.runUntil(120))).toEqual([]);
    expect(node.timers.has('batch')).toBe(false);
    submit(node, req('a'));
    expect(node.timers.get('batch')).toBe(150);
    expect(proposed(node.runUntil(149))).toEqual([]);
    expect(proposed(node.runUntil(150))).toEqual([['a']]);
  });

  it('an idle leader proposes at once when one submission fills the batch (its NextBatch round returns on submittedChan)', () => {
    const node = leader({ RequestBatchMaxCount: 1 });
    node.runUntil(120);
    expect(proposed(submit(node, req('a')))).toEqual([['a']]);
  });

  it('one proposal at a time: requests pooled while the proposal is in flight are not proposed', () => {
    const node = leader({ RequestBatchMaxCount: 1 });
    expect(proposed(submit(node, req('a')))).toEqual([['a']]);
    expect(proposed(submit(node, req('b')))).toEqual([]);
    expect(proposed(node.runUntil(1_000))).toEqual([]);
  });

  it('NextBatch after a decision: requests pooled meanwhile that fill a batch are proposed at once', () => {
    const node = leader({ RequestBatchMaxCount: 1 });
    expect(proposed(submit(node, req('a')))).toEqual([['a']]);
    submit(node, req('b'));
    node.now = 10;
    expect(proposed(decideLast(node))).toEqual([['b']]);
  });

  it('NextBatch after a decision at time T: its rounds run from T, so an idle leader wakes at T + k intervals', () => {
    const node = leader({ RequestBatchMaxCount: 2 });
    submit(node, req('a'));
    expect(proposed(submit(node, req('b')))).toEqual([['a', 'b']]);
    node.now = 1_010;
    decideLast(node);
    expect(node.timers.get('batch')).toBe(1_060);
    node.runUntil(1_130);
    expect(node.timers.has('batch')).toBe(false);
    submit(node, req('c'));
    expect(node.timers.get('batch')).toBe(1_160);
    expect(proposed(node.runUntil(1_160))).toEqual([['c']]);
  });

  it('a woken leader proposes at once when a later submission fills the batch (NextBatch returns on submittedChan)', () => {
    const node = leader({ RequestBatchMaxCount: 2 });
    node.runUntil(120);
    expect(proposed(submit(node, req('a')))).toEqual([]);
    expect(node.timers.get('batch')).toBe(150);
    node.now = 130;
    expect(proposed(submit(node, req('b')))).toEqual([['a', 'b']]);
    expect(node.timers.has('batch')).toBe(false);
  });

  it('a follower never proposes', () => {
    const node = new OneConsenter(2, 4);
    expect(node.timers.has('batch')).toBe(false);
    submit(node, req('a', 100));
    expect(sends(node.runUntil(1_000)).filter((s) => s.msg.type === 'PrePrepare')).toEqual([]);
  });
});

describe('the batcher of a Byzantine leader (the model\'s own faults)', () => {
  it('slowLeader: waits LeaderHeartbeatTimeout - 2 ticks before proposing, full batch or not', () => {
    const node = leader({ RequestBatchMaxCount: 1 });
    node.step({ kind: 'command', command: { type: 'byzantine', behaviour: 'slowLeader' } });
    expect(proposed(submit(node, req('a')))).toEqual([]);
    expect(proposed(node.runUntil(57_999))).toEqual([]);
    expect(proposed(node.runUntil(58_000))).toEqual([['a']]);
  });

  it('slowLeader: the next NextBatch after a decision waits the same delay, even for a full batch', () => {
    const node = leader({ RequestBatchMaxCount: 1 });
    byzantine(node, 'slowLeader');
    submit(node, req('a'));
    submit(node, req('b'));
    expect(proposed(node.runUntil(58_000))).toEqual([['a']]);
    expect(proposed(decideLast(node))).toEqual([]);
    expect(proposed(node.runUntil(115_999))).toEqual([]);
    expect(proposed(node.runUntil(116_000))).toEqual([['b']]);
  });

  it('slowLeader switched off during its wait (the timer of NextBatch\'s delay, or a round re-armed to it): the next full batch is proposed at once', () => {
    const node = leader({ RequestBatchMaxCount: 1 });
    byzantine(node, 'slowLeader');
    submit(node, req('a'));
    submit(node, req('b'));
    node.runUntil(58_000);
    decideLast(node);
    byzantine(node, null);
    expect(proposed(submit(node, req('c')))).toEqual([['b']]);

    const other = leader({ RequestBatchMaxCount: 1 });
    byzantine(other, 'slowLeader');
    submit(other, req('a'));
    other.runUntil(1_000);
    byzantine(other, null);
    expect(proposed(submit(other, req('b')))).toEqual([['a']]);
  });

  it('slowLeader turned on while idle: the next submission waits the delay from the submission, full batch or not', () => {
    const node = leader({ RequestBatchMaxCount: 1 });
    node.runUntil(120);
    byzantine(node, 'slowLeader');
    expect(proposed(submit(node, req('a')))).toEqual([]);
    expect(proposed(node.runUntil(58_119))).toEqual([]);
    expect(proposed(node.runUntil(58_120))).toEqual([['a']]);
  });

  it('slowLeader turned on while waiting for a round boundary: the delay counts from the start of that round', () => {
    const node = leader({ RequestBatchMaxCount: 10 });
    node.runUntil(30_020);
    submit(node, req('a'));
    expect(node.timers.get('batch')).toBe(30_050);
    byzantine(node, 'slowLeader');
    expect(proposed(node.runUntil(88_000 - 1))).toEqual([]);
    expect(proposed(node.runUntil(88_000))).toEqual([['a']]);
  });

  it('censor: the censored client\'s requests do not fill a batch, so a later request waits for the round', () => {
    const node = leader({ RequestBatchMaxCount: 2 });
    byzantine(node, 'censor:x');
    expect(proposed(submit(node, req('x1', 100, 'x')))).toEqual([]);
    expect(proposed(submit(node, req('x2', 100, 'x')))).toEqual([]);
    node.now = 10;
    expect(proposed(submit(node, req('y', 100, 'y')))).toEqual([]);
    expect(proposed(node.runUntil(49))).toEqual([]);
    expect(proposed(node.runUntil(50))).toEqual([['y']]);
  });

  it('censor: the censored client\'s requests neither fill a batch nor are proposed; another client\'s are', () => {
    const node = leader({ RequestBatchMaxCount: 1 });
    node.step({ kind: 'command', command: { type: 'byzantine', behaviour: 'censor:x' } });
    expect(proposed(submit(node, req('a', 100, 'x')))).toEqual([]);
    expect(proposed(node.runUntil(200))).toEqual([]);
    expect(proposed(submit(node, req('b', 100, 'y')))).toEqual([['b']]);
  });
});
