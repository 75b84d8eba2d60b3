/**
 * RequestPool per-rule tests (internal/bft/requestpool.go, and the timeout handlers of
 * controller.go it calls): one consenter fed one input (a submission, a decision, a timer),
 * asserting what it rejects, forwards, complains about, removes and proposes. Named after
 * the rule of pool_test.go / requestpool.go each one pins.
 */
import { describe, expect, it } from 'vitest';
import type { Request } from '../../../src/sim/smartbft/api.ts';
import type { SmartBftConfig } from '../../../src/sim/smartbft/config.ts';
import { Rng } from '../../../src/sim/kernel/rng.ts';
import { Io } from '../../../src/sim/smartbft/io.ts';
import { eraseProcessed, firstPooled, nextRequests, processedCount, removeRequests, restartTimers, stopTimers } from '../../../src/sim/smartbft/requestpool.ts';
import { logs, OneConsenter, sends } from './one.ts';

type Effects = ReturnType<OneConsenter['step']>;
const req = (id: string, size = 100, clientId = 'c'): Request => ({ clientId, reqId: id, size, payload: null });

function facts(out: Effects, type: string): Record<string, unknown>[] {
  const r: Record<string, unknown>[] = [];
  for (const e of out) if (e.kind === 'emit' && (e.event as { type: string }).type === type) r.push(e.event as Record<string, unknown>);
  return r;
}
const rejected = (out: Effects): string[] => facts(out, 'bft.requestRejected').map((f) => f['reason'] as string);
const submit = (node: OneConsenter, r: Request): Effects => node.step({ kind: 'command', command: { type: 'submit', request: r } });
const ioOf = (node: OneConsenter): Io => new Io(node.state, { now: node.now, self: `orderer${node.id}`, rng: Rng.create(1) });
const kinds = (out: Effects): string[] => logs(out).map((l) => l.kind);

/** Node 2 of 4 (a follower in view 0) with a config of its own. */
const follower = (config: Partial<SmartBftConfig> = {}) => new OneConsenter(2, 4, {}, config);
/** Node 1 of 4, the leader of view 0; its proposals wait for Prepares nobody sends. */
const leader = (config: Partial<SmartBftConfig> = {}) => new OneConsenter(1, 4, {}, config);

describe('Pool.Submit (requestpool.go)', () => {
  it('a request of RequestMaxBytes is pooled; one byte more is refused with the size error', () => {
    const node = follower({ RequestMaxBytes: 500 });
    expect(rejected(submit(node, req('a', 500)))).toEqual([]);
    expect(node.state.pool.size).toBe(1);
    expect(node.state.pool.bytes).toBe(500);
    expect(rejected(submit(node, req('b', 501)))).toEqual(['submitted request (501) is bigger than request max bytes (500)']);
    expect(node.state.pool.size).toBe(1);
  });

  it('the same request twice: "request already exists", the pool unchanged', () => {
    const node = follower();
    submit(node, req('a'));
    const out = submit(node, req('a'));
    expect(rejected(out)).toEqual(['request already exists']);
    expect(facts(out, 'bft.requestRejected')).toEqual([{ type: 'bft.requestRejected', request: 'c:a', reason: 'request already exists' }]);
    expect(node.state.pool.size).toBe(1);
    expect(node.state.pool.bytes).toBe(100);
  });

  it('the same id from another client is another request', () => {
    const node = follower();
    submit(node, req('a'));
    expect(rejected(submit(node, req('a', 100, 'd')))).toEqual([]);
    expect(node.state.pool.size).toBe(2);
  });

  it('a full pool: the waiter is admitted (bft.requestAdmitted) when auto-removal makes room, FIFO, and the submit timer is cancelled', () => {
    const node = leader({ RequestPoolSize: 1, RequestPoolSubmitTimeout: 300_000 });
    submit(node, req('a'));
    expect(facts(submit(node, req('b')), 'bft.requestWaiting')).toEqual([{ type: 'bft.requestWaiting', request: 'c:b' }]);
    expect(facts(submit(node, req('c')), 'bft.requestWaiting')).toHaveLength(1);
    expect(node.state.pool.waiting.map((w) => w.request.reqId)).toEqual(['b', 'c']);
    // a: forward 2 s, complain 20 s, auto-remove 180 s.
    const out = node.runUntil(202_000);
    expect(facts(out, 'bft.requestRemoved').map((f) => f['request'])).toEqual(['c:a']);
    expect(facts(out, 'bft.requestAdmitted').map((f) => f['request'])).toEqual(['c:b']);
    expect(node.state.pool.waiting.map((w) => w.request.reqId)).toEqual(['c']);
    expect(node.state.pool.size).toBe(1);
  });

  it('a processed mark is matched by the request id, not by its hash: another id of the same 32-bit hash is admitted (requestpool.go keys processed requests by their id)', () => {
    // FNV-1a over clientId, a separator and reqId, as requestpool.ts idHash hashes before
    // fmix32 (a bijection): these two ids of client 'c' collide, found by search.
    const fnv = (r: Request): number => {
      let h = 0x811c9dc5;
      for (const ch of r.clientId) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193);
      h = Math.imul(h ^ 0x10000, 0x01000193);
      for (const ch of r.reqId) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193);
      return h;
    };
    const a = req('tx179599');
    const b = req('tx362382');
    expect(fnv(a)).toBe(fnv(b));
    const node = follower();
    submit(node, a);
    const io = ioOf(node);
    removeRequests(node.state, io, [a]);
    expect(processedCount(node.state)).toBe(1);
    expect(rejected(submit(node, b))).toEqual([]);
    expect(node.state.pool.size).toBe(1);
    expect(rejected(submit(node, req('tx179599')))).toEqual(['request already processed']);
  });

  it('a waiter whose request was decided meanwhile is refused when it gets the semaphore: "request already processed"', () => {
    const node = follower({ RequestPoolSize: 1 });
    submit(node, req('a'));
    submit(node, req('b'));
    // A block of another leader decides both: a's room goes to b, which is processed already.
    const io = ioOf(node);
    removeRequests(node.state, io, [req('b'), req('a')]);
    expect(rejected(io.effects)).toEqual(['request already processed']);
    expect(facts(io.effects, 'bft.requestAdmitted')).toEqual([]);
    expect(node.state.pool.waiting).toEqual([]);
    expect(node.state.pool.size).toBe(0);
    expect(io.effects).toContainEqual({ kind: 'cancelTimer', name: 'poolSubmit' });
  });

  it('a waiter left after an admission keeps its submit timer and times out at its own deadline', () => {
    const node = follower({ RequestPoolSize: 1 });
    submit(node, req('a'));
    submit(node, req('b'));
    submit(node, req('c'));
    direct(node, (io) => removeRequests(node.state, io, [req('a')]));
    expect(node.state.pool.waiting.map((w) => w.request.reqId)).toEqual(['c']);
    expect(rejected(node.runUntil(5_000))).toEqual(['acquiring semaphore for request: c:c: context deadline exceeded']);
  });

  it('waiters time out one by one, each RequestPoolSubmitTimeout after its own submission', () => {
    const node = follower({ RequestPoolSize: 1 });
    submit(node, req('a'));
    node.runUntil(1_000);
    submit(node, req('b'));
    node.runUntil(3_000);
    submit(node, req('c'));
    expect(node.timers.get('poolSubmit')).toBe(6_000);
    expect(rejected(node.runUntil(5_999))).toEqual([]);
    expect(rejected(node.runUntil(6_000))).toEqual(['acquiring semaphore for request: c:b: context deadline exceeded']);
    expect(node.timers.get('poolSubmit')).toBe(8_000);
    expect(rejected(node.runUntil(7_999))).toEqual([]);
    expect(rejected(node.runUntil(8_000))).toEqual(['acquiring semaphore for request: c:c: context deadline exceeded']);
    expect(node.timers.has('poolSubmit')).toBe(false);
  });

  it('a submission behind a waiter waits too, even with room (the semaphore is FIFO)', () => {
    const node = follower({ RequestPoolSize: 2 });
    submit(node, req('a'));
    submit(node, req('b'));
    submit(node, req('c'));
    node.state.pool.size = 1; // as if room were made without a Release
    expect(facts(submit(node, req('d')), 'bft.requestWaiting')).toHaveLength(1);
  });
});

describe('request timers (requestpool.go RequestTimeoutHandler, controller.go OnRequestTimeout / OnLeaderFwdRequestTimeout)', () => {
  it('follower: forwards the request to the leader after RequestForwardTimeout, not before', () => {
    const node = follower();
    submit(node, req('a'));
    expect(sends(node.runUntil(1_999)).filter((s) => s.msg.type === 'FwdRequest')).toEqual([]);
    const out = node.runUntil(2_000);
    expect(sends(out).filter((s) => s.msg.type === 'FwdRequest')).toEqual([{ to: 1, msg: { type: 'FwdRequest', request: req('a') } }]);
    expect(logs(out).filter((l) => l.kind === 'requestForward')).toEqual([{ kind: 'requestForward', args: ['c:a', 1] }]);
  });

  it('follower: complains about the leader RequestComplainTimeout after the forward (a view change to view 1)', () => {
    const node = follower();
    submit(node, req('a'));
    node.runUntil(2_000);
    const before = node.runUntil(21_999);
    expect(kinds(before)).not.toContain('requestComplain');
    const out = node.runUntil(22_000);
    expect(logs(out).filter((l) => l.kind === 'requestComplain')).toEqual([{ kind: 'requestComplain', args: ['c:a', 1] }]);
    expect(sends(out).filter((s) => s.msg.type === 'ViewChange').map((s) => s.msg)).toEqual(
      [1, 1, 1].map((nextView) => ({ type: 'ViewChange', nextView, reason: 'request leader-forwarding timeout' })),
    );
    // Complain(view, stopView=true): the view stops at once.
    expect(node.state.view.stopped).toBe(true);
  });

  it('leader: nothing to do at the forward timeout, stops sending heartbeats at the complain timeout, removes it at the auto-remove timeout', () => {
    const node = leader();
    submit(node, req('a'));
    const fwd = node.runUntil(2_000);
    expect(sends(fwd).filter((s) => s.msg.type === 'FwdRequest')).toEqual([]);
    expect(logs(fwd).filter((l) => l.kind.startsWith('request'))).toEqual([{ kind: 'requestLeaderNothing', args: ['c:a'] }]);
    const stop = node.runUntil(22_000);
    expect(logs(stop).filter((l) => l.kind.startsWith('request'))).toEqual([{ kind: 'requestLeaderStopHeartbeat', args: ['c:a'] }]);
    expect(sends(node.runUntil(30_000)).filter((s) => s.msg.type === 'HeartBeat')).toEqual([]);
    expect(facts(node.runUntil(201_999), 'bft.requestRemoved')).toEqual([]);
    const removed = node.runUntil(202_000);
    expect(facts(removed, 'bft.requestRemoved')).toEqual([{ type: 'bft.requestRemoved', request: 'c:a' }]);
    expect(node.state.pool.size).toBe(0);
    expect(node.state.pool.bytes).toBe(0);
    expect(rejected(submit(node, req('a')))).toEqual(['request already processed']);
  });

  it('each request keeps its own deadlines: a later one is forwarded later', () => {
    const node = follower();
    submit(node, req('a'));
    node.runUntil(500);
    submit(node, req('b'));
    const fwd = (out: Effects) => sends(out).filter((s) => s.msg.type === 'FwdRequest').map((s) => (s.msg as { request: Request }).request.reqId);
    expect(fwd(node.runUntil(2_000))).toEqual(['a']);
    expect(fwd(node.runUntil(2_499))).toEqual([]);
    expect(fwd(node.runUntil(2_500))).toEqual(['b']);
  });

  it('a request submitted before an earlier-due one re-arms the timer at the earlier deadline', () => {
    const node = follower({ RequestForwardTimeout: 5_000 });
    submit(node, req('a'));
    expect(node.timers.get('requestTimers')).toBe(5_000);
    node.runUntil(4_000);
    submit(node, req('b'));
    expect(node.timers.get('requestTimers')).toBe(5_000);
  });

  it('a block with a client this node never saw leaves the pool as it was', () => {
    const node = follower();
    submit(node, req('a'));
    direct(node, (io) => removeRequests(node.state, io, [req('z', 100, 'stranger')]));
    expect(node.state.pool.size).toBe(1);
    expect(rejected(submit(node, req('z', 100, 'stranger')))).toEqual(['request already processed']);
  });

  it('once the last pooled request is gone no request timer stays armed, and the next submission arms its own', () => {
    const node = follower();
    submit(node, req('a'));
    direct(node, (io) => removeRequests(node.state, io, [req('a')]));
    node.runUntil(2_000); // the stale firing finds nothing
    expect(node.timers.has('requestTimers')).toBe(false);
    node.runUntil(3_000);
    submit(node, req('b'));
    expect(node.timers.get('requestTimers')).toBe(5_000);
    expect(sends(node.runUntil(5_000)).filter((x) => x.msg.type === 'FwdRequest').map((x) => x.to)).toEqual([1]);
  });

  it('a decided request (RemoveRequest) is neither forwarded nor complained about; the other one is', () => {
    const node = follower();
    submit(node, req('a'));
    submit(node, req('b'));
    removeRequests(node.state, ioOf(node), [req('a')]);
    expect(node.state.pool.size).toBe(1);
    expect(node.state.pool.bytes).toBe(100);
    const out = node.runUntil(22_000);
    expect(logs(out).filter((l) => l.kind.startsWith('request'))).toEqual([
      { kind: 'requestForward', args: ['c:b', 1] },
      { kind: 'requestComplain', args: ['c:b', 1] },
    ]);
    expect(rejected(submit(node, req('a')))).toEqual(['request already processed']);
  });
});

/** Run `fn` with the node's Io, then apply the timers it set or cancelled to the node. */
function direct(node: OneConsenter, fn: (io: Io) => void): Effects {
  const io = ioOf(node);
  fn(io);
  for (const e of io.effects) {
    if (e.kind === 'setTimer') {
      node.timers.delete(e.name);
      node.timers.set(e.name, node.now + e.afterMs);
    } else if (e.kind === 'cancelTimer') node.timers.delete(e.name);
  }
  return io.effects;
}

describe('RequestsTimer.StopTimers / RestartTimers (requestpool.go), the timer queue', () => {
  const forwarded = (out: Effects) => sends(out).filter((s) => s.msg.type === 'FwdRequest').map((s) => (s.msg as { request: Request }).request.reqId);

  it('StopTimers: no forward while stopped, also for a request pooled meanwhile; RestartTimers: every pooled request gets a whole RequestForwardTimeout again', () => {
    const node = follower();
    submit(node, req('a'));
    node.runUntil(1_000);
    direct(node, (io) => stopTimers(node.state, io));
    direct(node, (io) => stopTimers(node.state, io));
    expect(node.timers.has('requestTimers')).toBe(false);
    node.runUntil(10_000);
    submit(node, req('b'));
    expect(forwarded(node.runUntil(30_000))).toEqual([]);
    direct(node, (io) => restartTimers(node.state, io));
    expect(node.timers.get('requestTimers')).toBe(32_000);
    expect(forwarded(node.runUntil(31_999))).toEqual([]);
    expect(forwarded(node.runUntil(32_000))).toEqual(['a', 'b']);
  });

  it('RestartTimers skips decided requests, and a request decided before the restart is not forwarded', () => {
    const node = follower();
    submit(node, req('a'));
    submit(node, req('b'));
    direct(node, (io) => stopTimers(node.state, io));
    direct(node, (io) => removeRequests(node.state, io, [req('a')]));
    direct(node, (io) => restartTimers(node.state, io));
    expect(forwarded(node.runUntil(2_000))).toEqual(['b']);
  });

  it('a timer that fires while stopped does nothing (its queue was dropped)', () => {
    const node = follower();
    submit(node, req('a'));
    direct(node, (io) => stopTimers(node.state, io));
    node.timers.set('requestTimers', 2_000); // a stale kernel timer
    expect(forwarded(node.runUntil(3_000))).toEqual([]);
    expect(node.state.pool.fifo[0]!.stage).toBe(0);
  });

  it('the timer stands for the earliest deadline of all three stages: a complaint due before a newer request\'s forward fires on time', () => {
    const node = follower();
    submit(node, req('a'));
    node.runUntil(21_000); // a forwarded at 2 s, its complaint due at 22 s
    submit(node, req('b')); // forward due at 23 s
    expect(node.timers.get('requestTimers')).toBe(22_000);
    const out = node.runUntil(22_000);
    expect(logs(out).filter((l) => l.kind === 'requestComplain')).toEqual([{ kind: 'requestComplain', args: ['c:a', 1] }]);
  });

  it('a newer request due before the armed complaint re-arms the timer at its own forward deadline', () => {
    const node = follower();
    submit(node, req('a'));
    node.runUntil(3_000); // a forwarded at 2 s; the timer now stands for its complaint at 22 s
    expect(node.timers.get('requestTimers')).toBe(22_000);
    submit(node, req('b'));
    expect(node.timers.get('requestTimers')).toBe(5_000);
    expect(sends(node.runUntil(5_000)).filter((x) => x.msg.type === 'FwdRequest').map((x) => (x.msg as { request: Request }).request.reqId)).toEqual(['b']);
  });

  it('expired timers run in deadline order across stages within one firing', () => {
    const node = leader({ RequestForwardTimeout: 1_000, RequestComplainTimeout: 1_000 });
    submit(node, req('a'));
    node.runUntil(1_200); // a: stage 1 since 1 s, due 2 s
    submit(node, req('b')); // b: stage 0, due 2.2 s: not earlier, the timer stays at 2 s
    expect(node.timers.get('requestTimers')).toBe(2_000);
    node.timers.set('requestTimers', 2_500); // fire late: both have expired
    const out = node.runUntil(2_500);
    expect(logs(out).filter((l) => l.kind.startsWith('request')).map((l) => [l.kind, l.args[0]])).toEqual([
      ['requestLeaderStopHeartbeat', 'c:a'],
      ['requestLeaderNothing', 'c:b'],
    ]);
    expect(node.timers.get('requestTimers')).toBe(3_500);
  });
});

describe('Pool.NextRequests (requestpool.go)', () => {
  it('FIFO up to the count; stops before the request that would pass the bytes, but always takes the first', () => {
    const node = follower();
    submit(node, req('a', 300));
    submit(node, req('b', 300));
    submit(node, req('c', 300));
    submit(node, req('d', 300));
    const ids = (rs: Request[]) => rs.map((r) => r.reqId);
    expect(ids(nextRequests(node.state, 3, 10_000, undefined))).toEqual(['a', 'b', 'c']);
    expect(ids(nextRequests(node.state, 10, 600, undefined))).toEqual(['a', 'b']);
    expect(ids(nextRequests(node.state, 10, 599, undefined))).toEqual(['a']);
    expect(ids(nextRequests(node.state, 10, 100, undefined))).toEqual(['a']);
    direct(node, (io) => removeRequests(node.state, io, [req('b')]));
    expect(ids(nextRequests(node.state, 3, 10_000, undefined))).toEqual(['a', 'c', 'd']);
    direct(node, (io) => removeRequests(node.state, io, [req('a')]));
    expect(ids(nextRequests(node.state, 10, 10_000, undefined))).toEqual(['c', 'd']);
    expect(firstPooled(node.state)?.request.reqId).toBe('c');
  });

  it('a censoring leader skips the censored client only', () => {
    const node = follower();
    submit(node, req('a', 100, 'x'));
    submit(node, req('b', 100, 'y'));
    submit(node, req('c', 100, 'x'));
    expect(nextRequests(node.state, 10, 10_000, 'x').map((r) => r.reqId)).toEqual(['b']);
    expect(nextRequests(node.state, 10, 10_000, 'z').map((r) => r.reqId)).toEqual(['a', 'b', 'c']);
  });
});

describe('processed ids (requestpool.go delMap / delSlice, eraseFromDelSlice)', () => {
  it('a decided request that was never pooled is "already processed" when submitted later', () => {
    const node = follower();
    direct(node, (io) => removeRequests(node.state, io, [req('a'), req('b', 100, 'd')]));
    expect(rejected(submit(node, req('a')))).toEqual(['request already processed']);
    expect(rejected(submit(node, req('b', 100, 'd')))).toEqual(['request already processed']);
    expect(rejected(submit(node, req('b')))).toEqual([]);
  });

  it('the erase runs at each 5 s deadline, not before, and keeps the last 1000 ids (also across many blocks)', () => {
    const node = follower();
    const start = node.state.pool.processedEraseAt;
    const blocks = 2_100;
    for (let i = 0; i < blocks; i++) direct(node, (io) => removeRequests(node.state, io, [req(`t${i}`)]));
    node.now = start - 1;
    direct(node, (io) => eraseProcessed(node.state, io));
    expect(processedCount(node.state)).toBe(blocks);
    node.now = start;
    direct(node, (io) => eraseProcessed(node.state, io));
    expect(node.state.pool.processedEraseAt).toBe(start + 5_000);
    expect(processedCount(node.state)).toBe(1_000);
    expect(rejected(submit(node, req('t1099')))).toEqual([]);
    expect(rejected(submit(node, req('t1100')))).toEqual(['request already processed']);
    // 600 more, one block each; the next erase forgets t1100 .. t1699.
    for (let i = blocks; i < blocks + 600; i++) direct(node, (io) => removeRequests(node.state, io, [req(`t${i}`)]));
    node.now = start + 5_000;
    direct(node, (io) => eraseProcessed(node.state, io));
    expect(processedCount(node.state)).toBe(1_000);
    expect(rejected(submit(node, req('t1699')))).toEqual([]);
    expect(rejected(submit(node, req('t1700')))).toEqual(['request already processed']);
    expect(rejected(submit(node, req('t2699')))).toEqual(['request already processed']);
  });

  it('an erase cuts inside a block: the block\'s later ids are kept', () => {
    const node = follower();
    const start = node.state.pool.processedEraseAt;
    const big = Array.from({ length: 1_005 }, (_, i) => req(`t${i}`));
    direct(node, (io) => removeRequests(node.state, io, big));
    direct(node, (io) => removeRequests(node.state, io, [req('u')]));
    node.now = start + 12_000; // two deadlines passed: one erase, the next deadline after now
    direct(node, (io) => eraseProcessed(node.state, io));
    expect(node.state.pool.processedEraseAt).toBe(start + 15_000);
    expect(processedCount(node.state)).toBe(1_000);
    expect(rejected(submit(node, req('t5')))).toEqual([]);
    expect(rejected(submit(node, req('t6')))).toEqual(['request already processed']);
    expect(rejected(submit(node, req('u')))).toEqual(['request already processed']);
    // the next erase, with nothing in excess, keeps everything
    node.now = start + 15_000;
    direct(node, (io) => eraseProcessed(node.state, io));
    expect(rejected(submit(node, req('t7')))).toEqual(['request already processed']);
  });

  it('forgotten ids and requests that left the pool do not stay indexed: 40,000 ids decided over 20 erases leave indexes sized by the ids still known', () => {
    const node = follower();
    let at = node.state.pool.processedEraseAt;
    submit(node, req('a', 100, 'lonely'));
    direct(node, (io) => removeRequests(node.state, io, [req('a', 100, 'lonely')]));
    for (let round = 0; round < 20; round++) {
      const ids = Array.from({ length: 2_000 }, (_, i) => req(`r${round}-${i}`, 100, i % 2 === 0 ? 'even' : 'odd'));
      for (const r of ids.slice(0, 300)) submit(node, r);
      direct(node, (io) => removeRequests(node.state, io, ids));
      node.now = at;
      at += 5_000;
      direct(node, (io) => eraseProcessed(node.state, io));
    }
    expect(processedCount(node.state)).toBe(1_000);
    // delMap: rebuilt from the live marks at each erase, with room for the 3,000 marks a
    // round ends with at half load or less; only the live ones in it.
    expect(node.state.pool.marks.length / 2).toBeLessThanOrEqual(8_192);
    expect(node.state.pool.markUsed).toBe(1_000);
    // existMap: entries that left the pool are dropped once they outnumber the pooled ones by 1024.
    let indexed = 0;
    for (const m of node.state.pool.requests.values()) indexed += m.size;
    expect(indexed).toBeLessThanOrEqual(1_024);
    expect(node.state.pool.requests.has('lonely')).toBe(false);
    // Still exact: the last 1000 ids are remembered, the one before them is not.
    expect(rejected(submit(node, req('r19-999', 100, 'odd')))).toEqual([]);
    expect(rejected(submit(node, req('r19-1000', 100, 'even')))).toEqual(['request already processed']);
    expect(rejected(submit(node, req('a', 100, 'lonely')))).toEqual([]);
  });

  it('moveToDelSlice: a forgotten id decided again is remembered again, as the newest', () => {
    const node = follower();
    const start = node.state.pool.processedEraseAt;
    direct(node, (io) => removeRequests(node.state, io, Array.from({ length: 1_001 }, (_, i) => req(`t${i}`))));
    node.now = start;
    direct(node, (io) => eraseProcessed(node.state, io));
    expect(processedCount(node.state)).toBe(1_000);
    expect(rejected(submit(node, req('t0')))).toEqual([]);
    // t0 is pooled again now; a block decides it and t1000 again (t1000 is still remembered).
    direct(node, (io) => removeRequests(node.state, io, [req('t0'), req('t1000')]));
    expect(processedCount(node.state)).toBe(1_001);
    expect(rejected(submit(node, req('t0')))).toEqual(['request already processed']);
    node.now = start + 5_000;
    direct(node, (io) => eraseProcessed(node.state, io));
    // The erase forgets the oldest remembered, t1; t0 is now the newest.
    expect(rejected(submit(node, req('t1')))).toEqual([]);
    expect(rejected(submit(node, req('t2')))).toEqual(['request already processed']);
    expect(rejected(submit(node, req('t0')))).toEqual(['request already processed']);
  });

  it('moveToDelSlice: a forgotten id decided again without being pooled is remembered again', () => {
    const node = follower();
    const start = node.state.pool.processedEraseAt;
    direct(node, (io) => removeRequests(node.state, io, Array.from({ length: 1_001 }, (_, i) => req(`t${i}`))));
    node.now = start;
    direct(node, (io) => eraseProcessed(node.state, io));
    direct(node, (io) => removeRequests(node.state, io, [req('t0')]));
    expect(processedCount(node.state)).toBe(1_001);
    expect(rejected(submit(node, req('t0')))).toEqual(['request already processed']);
  });

  it('moveToDelSlice: an id processed twice is remembered once, so it takes one of the 1000 places (a, t0..t998, a, t999, then an erase forgets a, keeps t0)', () => {
    const node = follower();
    const start = node.state.pool.processedEraseAt;
    direct(node, (io) => removeRequests(node.state, io, [req('a')]));
    direct(node, (io) => removeRequests(node.state, io, Array.from({ length: 999 }, (_, i) => req(`t${i}`))));
    direct(node, (io) => removeRequests(node.state, io, [req('a'), req('t999')]));
    expect(processedCount(node.state)).toBe(1_001);
    node.now = start;
    direct(node, (io) => eraseProcessed(node.state, io));
    expect(processedCount(node.state)).toBe(1_000);
    expect(rejected(submit(node, req('t0')))).toEqual(['request already processed']);
    expect(rejected(submit(node, req('a')))).toEqual([]);
  });

  it('an auto-removed id decided afterwards stays in its first place (RemoveRequest of a request not in the pool: moveToDelSlice finds it)', () => {
    const node = leader();
    const start = node.state.pool.processedEraseAt;
    submit(node, req('a'));
    node.runUntil(202_000);
    expect(processedCount(node.state)).toBe(1);
    direct(node, (io) => removeRequests(node.state, io, [req('a'), ...Array.from({ length: 1_000 }, (_, i) => req(`t${i}`))]));
    expect(processedCount(node.state)).toBe(1_001);
    node.now = start + 205_000;
    direct(node, (io) => eraseProcessed(node.state, io));
    expect(rejected(submit(node, req('a')))).toEqual([]);
    expect(rejected(submit(node, req('t0')))).toEqual(['request already processed']);
  });

  it('an auto-removed id joins the processed ids in order: the first forgotten when 1000 more follow', () => {
    const node = leader();
    const start = node.state.pool.processedEraseAt;
    submit(node, req('a'));
    node.runUntil(202_000);
    direct(node, (io) => removeRequests(node.state, io, Array.from({ length: 1_000 }, (_, i) => req(`t${i}`))));
    node.now = start + 205_000;
    direct(node, (io) => eraseProcessed(node.state, io));
    expect(processedCount(node.state)).toBe(1_000);
    expect(rejected(submit(node, req('a')))).toEqual([]);
    expect(rejected(submit(node, req('t0')))).toEqual(['request already processed']);
  });
});

describe('the pool FIFO after RemoveRequest (requestpool.go deleteRequest: a removed request leaves the pool)', () => {
  it('a follower, which never reads the FIFO for a batch, keeps no decided entry in it: 3,000 requests pooled and decided one by one leave a FIFO of at most 2,048 entries, and the next request is still the first pooled', () => {
    const node = follower();
    for (let i = 0; i < 3_000; i++) {
      submit(node, req(`t${i}`));
      direct(node, (io) => removeRequests(node.state, io, [req(`t${i}`)]));
    }
    expect(node.state.pool.size).toBe(0);
    expect(node.state.pool.fifo.length - node.state.pool.head).toBe(0);
    expect(node.state.pool.fifo.length).toBeLessThanOrEqual(2_048);
    submit(node, req('next'));
    expect(firstPooled(node.state)?.request.reqId).toBe('next');
  });
});
