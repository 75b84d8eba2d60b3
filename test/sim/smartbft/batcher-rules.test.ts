/**
 * Batcher per-rule tests (internal/bft/batcher.go BatchBuilder.NextBatch, controller.go
 * propose): the leader of view 0 alone, fed submissions and its own timers, asserting when
 * it proposes and what the PrePrepare carries.
 */
import { describe, expect, it } from 'vitest';
import type { Request } from '../../../src/sim/smartbft/api.ts';
import type { SmartBftConfig } from '../../../src/sim/smartbft/config.ts';
import type { PrePrepare } from '../../../src/sim/smartbft/messages.ts';
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

  it('censor: the censored client\'s requests neither fill a batch nor are proposed; another client\'s are', () => {
    const node = leader({ RequestBatchMaxCount: 1 });
    node.step({ kind: 'command', command: { type: 'byzantine', behaviour: 'censor:x' } });
    expect(proposed(submit(node, req('a', 100, 'x')))).toEqual([]);
    expect(proposed(node.runUntil(200))).toEqual([]);
    expect(proposed(submit(node, req('b', 100, 'y')))).toEqual([['b']]);
  });
});
