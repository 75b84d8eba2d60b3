/**
 * RequestPool (internal/bft/requestpool.go): Submit on a full pool (its semaphore, with
 * RequestPoolSubmitTimeout) and the processed-request memory (delMap / delSlice, cut to
 * the last 1000 ids every 5 s).
 */
import { describe, expect, it } from 'vitest';
import type { TraceRecord } from '../../../src/sim/kernel/index.ts';
import type { Request } from '../../../src/sim/smartbft/api.ts';
import { BftCluster } from './harness.ts';
import { OneConsenter } from './one.ts';

const req = (id: string): Request => ({ clientId: 'c', reqId: id, size: 100, payload: null });

function rejections(effects: readonly { kind: string; event?: unknown }[]): string[] {
  const out: string[] = [];
  for (const e of effects) {
    const ev = e.event as { type?: string; reason?: string } | undefined;
    if (e.kind === 'emit' && ev?.type === 'bft.requestRejected') out.push(ev.reason as string);
  }
  return out;
}

function rejectedIn(records: readonly TraceRecord[], node: string): string[] {
  return rejections(records.filter((r) => r.k === 'event' && r.node === node).map((r) => ({ kind: 'emit', event: (r as { e: unknown }).e })));
}

describe('RequestPool (requestpool.go)', () => {
  it('Submit: a full pool makes the submitter wait RequestPoolSubmitTimeout (5 s), then fails with the semaphore error', () => {
    const node = new OneConsenter(2, 4, {}, { RequestPoolSize: 1 });
    node.step({ kind: 'command', command: { type: 'submit', request: req('tx1') } });
    const out = node.step({ kind: 'command', command: { type: 'submit', request: req('tx2') } });
    expect(rejections(out)).toEqual([]);
    expect(out.filter((e) => e.kind === 'emit').map((e) => (e as { event: { type: string } }).event.type)).toEqual(['bft.requestWaiting']);
    expect(rejections(node.runUntil(4_999))).toEqual([]);
    expect(rejections(node.runUntil(5_000))).toEqual(['acquiring semaphore for request: c:tx2: context deadline exceeded']);
  });

  it('Submit: a waiting submission enters the pool as soon as a decision makes room (n=4, RequestPoolSize 1)', () => {
    const c = new BftCluster({ n: 4, keep: true, config: { RequestPoolSize: 1 } });
    c.submit('c', 2);
    expect(c.runUntilHeight(2, 4_000)).toBe(true);
    expect(c.ledger(1).map((d) => d.proposal.payload.map((r) => r.reqId))).toEqual([['tx1'], ['tx2']]);
    for (const n of c.names) expect(rejectedIn(c.records, n)).toEqual([]);
  });

  it('"request already processed" covers the last 1000 processed ids, cut every 5 s', () => {
    const c = new BftCluster({ n: 4, keep: true });
    c.submit('c', 1_100);
    expect(c.runUntilHeight(3, 10_000)).toBe(true);
    expect(c.ledger(1).reduce((k, d) => k + d.proposal.payload.length, 0)).toBe(1_100);
    c.run(6_000);
    const from = c.records.length;
    c.sim.command('orderer2', { type: 'submit', request: req('tx1100') });
    c.sim.command('orderer2', { type: 'submit', request: req('tx100') });
    c.run(10);
    // tx1..tx100 were forgotten at the erase; tx101..tx1100 are the last 1000.
    expect(rejectedIn(c.records.slice(from), 'orderer2')).toEqual(['request already processed']);
    expect(c.state(2)!.pool.size).toBe(1);
  });
});
