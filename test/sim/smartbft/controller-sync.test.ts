/**
 * Controller.sync (internal/bft/controller.go): what it logs after Fabric's synchronizer
 * returns, one consenter fed the heights and state answers by hand.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Decision } from '../../../src/sim/smartbft/api.ts';
import type { HeightRequest } from '../../../src/sim/smartbft/messages.ts';
import { BftCluster } from './harness.ts';
import { logs, OneConsenter, sends } from './one.ts';

function chain(): Decision[] {
  const c = new BftCluster({ n: 4 });
  c.submit('c', 1);
  expect(c.runUntilHeight(1, 5_000)).toBe(true);
  c.submit('c', 1);
  expect(c.runUntilHeight(2, 5_000)).toBe(true);
  return c.ledger(1).slice(0, 2);
}

describe('Controller.sync (controller.go)', () => {
  // Built in each test, not when the file is collected: mutation testing (npm run mutate)
  // then knows which tests reach which code.
  let ledger: Decision[];
  beforeEach(() => {
    ledger = chain();
  });

  /** Node 2 syncs; the others report `height` and state (view, seq). Returns the log kinds and args. */
  function syncWith(height: number, state: { view: number; seq: number }): string[] {
    const node = new OneConsenter(2, 4, { ledger });
    const out = node.step({ kind: 'timer', name: 'syncOnStart' });
    const req = sends(out).find((x) => x.msg.type === 'HeightRequest')!.msg as HeightRequest;
    const all = [...out];
    for (const id of [1, 3, 4]) all.push(...node.receive(id, { type: 'HeightResponse', syncId: req.syncId, height }));
    for (const id of [1, 3, 4]) all.push(...node.receive(id, { type: 'StateTransferResponse', viewNum: state.view, sequence: state.seq }));
    return logs(all).map((l) => `${l.kind} ${l.args.join(',')}`);
  }

  it('nothing fetched, same view: no "Synchronizer returned with sequence X while the controller is at sequence X"', () => {
    const lines = syncWith(3, { view: 0, seq: 3 });
    expect(lines).toContain('syncFailed already at target height of 3');
    expect(lines.filter((l) => l.startsWith('syncSequence') || l.startsWith('syncView'))).toEqual([]);
  });

  it('StateCollector: a newer view needs f+1 equal StateTransferResponses; one is not enough (n=4, f=1)', () => {
    const node = new OneConsenter(2, 4, { ledger });
    const req = sends(node.step({ kind: 'timer', name: 'syncOnStart' })).find((x) => x.msg.type === 'HeightRequest')!.msg as HeightRequest;
    for (const id of [1, 3, 4]) node.receive(id, { type: 'HeightResponse', syncId: req.syncId, height: 3 });
    const one = node.receive(3, { type: 'StateTransferResponse', viewNum: 4, sequence: 3 });
    expect(logs(one)).toEqual([]);
    const two = node.receive(4, { type: 'StateTransferResponse', viewNum: 4, sequence: 3 });
    expect(logs(two).map((l) => l.kind).slice(0, 2)).toEqual(['collectorValid', 'collectedState']);
    expect(node.state.vc.currView).toBe(4);
    // The controller starts the view sync found, at the sequence it already had.
    expect(node.state.view).toMatchObject({ number: 4, seq: 3, stopped: false });
  });
});

describe('Controller.sync then changeView (controller.go sync, changeView)', () => {
  let ledger: Decision[];
  beforeEach(() => {
    ledger = chain();
  });
  const vc = (nextView: number) => ({ type: 'ViewChange' as const, nextView, reason: 'test' });

  /** Sync on `node`: heights `height` from 1, 3, 4 (blocks served from `ledger`), then state (view, seq) from 1, 3, 4. */
  function sync(node: OneConsenter, height: number, state: { view: number; seq: number }): ReturnType<OneConsenter['receive']> {
    const all = [...node.step({ kind: 'timer', name: 'syncOnStart' })];
    const req = sends(all).find((x) => x.msg.type === 'HeightRequest')!.msg as HeightRequest;
    for (const id of [1, 3, 4]) all.push(...node.receive(id, { type: 'HeightResponse', syncId: req.syncId, height }));
    const br = sends(all).find((x) => x.msg.type === 'BlockRequest');
    if (br !== undefined) {
      const m = br.msg as { syncId: number; fromSeq: number; toSeq: number };
      all.push(...node.receive(br.to, { type: 'BlockResponse', syncId: m.syncId, decisions: ledger.slice(m.fromSeq - 1, m.toSeq) }));
    }
    for (const id of [1, 3, 4]) all.push(...node.receive(id, { type: 'StateTransferResponse', viewNum: state.view, sequence: state.seq }));
    return all;
  }
  const starts = (out: ReturnType<OneConsenter['receive']>): string[] => logs(out).filter((l) => l.kind === 'startView').map((l) => l.args.join(','));

  it('blocks fetched, same view: the view starts again at the next sequence', () => {
    const node = new OneConsenter(2, 4, { ledger: ledger.slice(0, 1) });
    const out = sync(node, 3, { view: 0, seq: 2 });
    expect(node.ledger()).toHaveLength(2);
    expect(starts(out)).toEqual(['0,3,2']);
  });

  it('nothing fetched, same view, view running: not restarted', () => {
    const node = new OneConsenter(2, 4, { ledger });
    expect(starts(sync(node, 3, { view: 0, seq: 2 }))).toEqual([]);
  });

  it('a complainer\'s stopped view is started again by a sync that finds the same view (changeView skips only a running view)', () => {
    const node = new OneConsenter(3, 4, { ledger });
    for (;;) {
      const due = Math.min(...node.timers.values());
      node.runUntil(due);
      if (node.state.view.stopped) break;
    }
    expect(node.state.vc).toMatchObject({ realView: 0, currView: 0, nextView: 1 });
    expect(starts(sync(node, 3, { view: 0, seq: 2 }))).toEqual(['0,3,2']);
    expect(node.state.view.stopped).toBe(false);
  });

  it('a node that joined a view change to a later view than sync found: its view is not changed back', () => {
    const node = new OneConsenter(3, 4, { ledger });
    node.receive(1, vc(1));
    node.receive(4, vc(1));
    expect(node.state.vc.currView).toBe(1);
    const out = sync(node, 3, { view: 0, seq: 2 });
    expect(starts(out)).toEqual([]);
    expect(node.state.view.stopped).toBe(true);
  });
});
