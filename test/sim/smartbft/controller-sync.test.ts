/**
 * Controller.sync (internal/bft/controller.go): what it logs after Fabric's synchronizer
 * returns, one consenter fed the heights and state answers by hand.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Decision } from '../../../src/sim/smartbft/api.ts';
import { blockHeader, defaultApplication } from '../../../src/sim/consensus/app.ts';
import { sign, withDigest } from '../../../src/sim/consensus/crypto.ts';
import type { HeightRequest } from '../../../src/sim/smartbft/messages.ts';
import { viewDataSummary } from '../../../src/sim/smartbft/viewchanger.ts';
import { BftCluster } from './harness.ts';
import { answerSync, logs, OneConsenter, sends } from './one.ts';

function events(out: readonly { kind: string; event?: unknown }[], type: string): Record<string, unknown>[] {
  const r: Record<string, unknown>[] = [];
  for (const e of out) if (e.kind === 'emit' && (e.event as { type: string }).type === type) r.push(e.event as Record<string, unknown>);
  return r;
}

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
    // synchronizer_bft.go Sync: a failed synchronize returns the ledger's last block without its "Returning decision" line.
    expect(lines.filter((l) => l.startsWith('returningDecision'))).toEqual([]);
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

  it('changeView after sync (controller.go:407-435): a node that joined a view change restarts its aborted view when the sync finds nothing newer; its ViewChanger stays in the joined view', () => {
    const node = new OneConsenter(3, 4, { ledger });
    node.receive(1, vc(1));
    node.receive(4, vc(1));
    expect(node.state.vc.currView).toBe(1);
    expect(node.state.view.stopped).toBe(true);
    const out = sync(node, 3, { view: 0, seq: 2 });
    // Go: abortView(0) and startView, "Starting view with number 0 ..." (the model kept the
    // view stopped until the NewView before 2026-12-03).
    expect(starts(out)).toHaveLength(1);
    expect(node.state.view).toMatchObject({ number: 0, stopped: false });
    expect(node.state.currViewNumber).toBe(0);
    expect(node.state.vc.currView).toBe(1);
  });
});

describe('BFTSynchronizer (orderer/consensus/smartbft/synchronizer_bft.go) and the StateCollector (statecollector.go), one consenter', () => {
  let ledger: Decision[];
  beforeEach(() => {
    ledger = chain();
  });
  type Out = ReturnType<OneConsenter['receive']>;
  const lines = (out: Out): string[] => logs(out).map((l) => `${l.kind} ${l.args.join(',')}`);
  const sent = (out: Out): string[] => sends(out).map((x) => `${x.msg.type}->${x.to}`);
  function begin(node: OneConsenter): { out: Out; syncId: number } {
    const out = node.step({ kind: 'timer', name: 'syncOnStart' });
    const req = sends(out).find((x) => x.msg.type === 'HeightRequest');
    return { out, syncId: (req?.msg as HeightRequest | undefined)?.syncId ?? -1 };
  }
  const height = (node: OneConsenter, from: number, syncId: number, h: number): Out => node.receive(from, { type: 'HeightResponse', syncId, height: h });

  it('Sync: HeightRequest to every other orderer, the sync counter, "BFT Sync initiated", a 1 s wait for heights', () => {
    const node = new OneConsenter(2, 4, { ledger });
    const { out, syncId } = begin(node);
    expect(sent(out)).toEqual(['HeightRequest->1', 'HeightRequest->3', 'HeightRequest->4']);
    expect(syncId).toBe(1);
    expect(lines(out)).toEqual(['bftSyncInitiated ']);
    expect(events(out, 'metric').map((m) => [m['name'], m['value']])).toContainEqual(['consensus_smartbft_consensus_latency_sync_count', 1]);
    expect(events(out, 'bft.syncStarted')).toEqual([{ type: 'bft.syncStarted', height: 3 }]);
    expect(node.timers.get('sync')).toBe(node.now + 1_000);
    const all: Out = [];
    for (const id of [1, 3, 4]) all.push(...height(node, id, syncId, 3));
    for (const id of [1, 3, 4]) all.push(...node.receive(id, { type: 'StateTransferResponse', viewNum: 0, sequence: 3 }));
    expect(events(all, 'bft.synced')).toEqual([{ type: 'bft.synced', height: 3, view: 0 }]);
    // A view the others report at this node's next sequence but not above its own: nothing saved.
    expect(lines(all).filter((l) => l.startsWith('collectedState'))).toEqual([]);
    expect(node.wal()).toEqual([]);
  });

  it('grabSyncToken / relinquishSyncToken (controller.go sync): a Sync() while a sync runs is dropped, in any stage, and none follows it; the next Sync() after it starts one', () => {
    const node = new OneConsenter(2, 4, { ledger });
    const { syncId } = begin(node);
    // The leader's HeartBeat of a higher view is the heartbeat monitor's Sync() (heartbeatmonitor.go handleHeartBeat).
    const higher = (): Out => node.receive(1, { type: 'HeartBeat', view: 3, seq: 3 });
    const during: Out = [...higher()];
    for (const id of [1, 3, 4]) during.push(...height(node, id, syncId, 3));
    expect(node.state.sync.stage).toBe('state');
    during.push(...higher());
    expect(sent(during).filter((x) => x.startsWith('HeightRequest'))).toEqual([]);
    expect(lines(during).filter((l) => l.startsWith('bftSyncInitiated'))).toEqual([]);
    const end: Out = [];
    for (const id of [1, 3, 4]) end.push(...node.receive(id, { type: 'StateTransferResponse', viewNum: 0, sequence: 3 }));
    expect(events(end, 'bft.synced')).toHaveLength(1);
    expect(sent(end).filter((x) => x.startsWith('HeightRequest'))).toEqual([]);
    expect(node.state.sync).toMatchObject({ active: false, syncs: 1 });
    // The token is free again.
    const next = higher();
    expect(sent(next)).toEqual(['HeightRequest->1', 'HeightRequest->3', 'HeightRequest->4']);
    expect(node.state.sync).toMatchObject({ active: true, id: 2, syncs: 2 });
    // A new sync counts its own answers: the first sync's heights are gone.
    expect(lines(height(node, 1, 2, 3))).toEqual([]);
  });

  it('synchronizer_bft.go detectTargetHeight / createBFTDeliverer: with SyncProbeMs the height requests wait for the block puller\'s dials, with SyncPullMs the block request waits for the deliverer\'s', () => {
    const node = new OneConsenter(2, 4, { ledger: ledger.slice(0, 1) }, { SyncProbeMs: 40, SyncPullMs: 50 });
    const t0 = node.now;
    const out = node.step({ kind: 'timer', name: 'syncOnStart' });
    expect(lines(out)).toEqual(['bftSyncInitiated ']);
    expect(sent(out)).toEqual([]);
    expect(sent(node.runUntil(t0 + 39))).toEqual([]);
    const asked = node.runUntil(t0 + 40);
    expect(sent(asked)).toEqual(['HeightRequest->1', 'HeightRequest->3', 'HeightRequest->4']);
    const syncId = (sends(asked)[0]?.msg as HeightRequest).syncId;
    // The heights wait starts when they are asked: 1 s from then.
    expect(node.timers.get('sync')).toBe(t0 + 40 + 1_000);
    height(node, 1, syncId, 3);
    height(node, 3, syncId, 3);
    const got = height(node, 4, syncId, 3);
    expect(lines(got)).toContain('targetHeight 3');
    expect(sent(got)).toEqual([]);
    const now = node.now;
    expect(sent(node.runUntil(now + 49))).toEqual([]);
    expect(sent(node.runUntil(now + 50))).toEqual(['BlockRequest->1']);
    // Then the pull timeout as before.
    expect(node.timers.get('sync')).toBe(now + 50 + node.state.config.ReplicationPullTimeoutMs);
    // The deliverer is connected: its blocks are taken (the blocks stage).
    const fetched = node.receive(1, { type: 'BlockResponse', syncId, decisions: ledger.slice(1, 2) });
    expect(lines(fetched)).toContain('finishedSync 1,2,2');
    expect(node.state.ledger.length).toBe(2);
  });

  it('SyncProbeMs and SyncPullMs are measured costs: 0 by default (no wait), never negative', () => {
    expect(new OneConsenter(2, 4, { ledger }).state.config).toMatchObject({ SyncProbeMs: 0, SyncPullMs: 0 });
    expect(() => new OneConsenter(2, 4, { ledger }, { SyncProbeMs: -1 })).toThrow(/SyncProbeMs should be zero or more/);
  });

  it('heights: only this sync\'s answers count, and the target is computed once all others answered', () => {
    const node = new OneConsenter(2, 4, { ledger });
    const { syncId } = begin(node);
    // Answers for another sync (a later one, an earlier one) from 3 and 4 are not counted: 1's answer does not complete the heights.
    expect(lines(height(node, 3, syncId + 1, 9))).toEqual([]);
    expect(lines(height(node, 4, syncId - 1, 9))).toEqual([]);
    expect(lines(height(node, 1, syncId, 3))).toEqual([]);
    expect(lines(height(node, 3, syncId, 3))).toEqual([]);
    expect(lines(height(node, 4, syncId, 3)).map((l) => l.split(' ')[0])).toContain('targetHeight');
    expect(lines(height(node, 4, syncId, 3))).toEqual([]);
  });

  it('detectTargetHeight: "HeightsByEndpoints" keyed host:port in string order, the (f+1)-th highest height is the target', () => {
    const node = new OneConsenter(2, 4, { ledger: ledger.slice(0, 1) });
    const { syncId } = begin(node);
    height(node, 4, syncId, 2);
    height(node, 1, syncId, 5);
    const out = height(node, 3, syncId, 3);
    expect(lines(out).slice(0, 2)).toEqual(['heightsByEndpoints map[orderer1:7050:5 orderer3:7050:3 orderer4:7050:2],orderer2:7050', 'targetHeight 3']);
    // Sources: every orderer at the target or above, the highest first.
    expect(sends(out).filter((x) => x.msg.type === 'BlockRequest').map((x) => [x.to, (x.msg as { fromSeq: number }).fromSeq, (x.msg as { toSeq: number }).toSeq])).toEqual([[1, 2, 2]]);
  });

  it('heights time out after 1 s: the target from those that answered (the lowest when fewer than f+1)', () => {
    const node = new OneConsenter(2, 4, { ledger: ledger.slice(0, 1) });
    const { syncId } = begin(node);
    height(node, 3, syncId, 3);
    const out = node.runUntil(node.now + 1_000);
    expect(lines(out)).toContain('targetHeight 3');
    expect(sent(out)).toEqual(['BlockRequest->3']);
  });

  it('blocks: an orderer that does not answer in time is skipped for the next; when none is left and nothing was pulled, getBlocksFromSyncBuffer\'s "failed to get any blocks from SyncBuffer: failed pulling block N"', () => {
    const node = new OneConsenter(2, 4, { ledger: ledger.slice(0, 1) });
    const { syncId } = begin(node);
    for (const id of [1, 3, 4]) height(node, id, syncId, 3);
    const t1 = node.runUntil(node.now + node.state.config.ReplicationPullTimeoutMs);
    expect(sent(t1)).toEqual(['BlockRequest->3']);
    const t2 = node.runUntil(node.now + node.state.config.ReplicationPullTimeoutMs);
    expect(sent(t2)).toEqual(['BlockRequest->4']);
    const t3 = node.runUntil(node.now + node.state.config.ReplicationPullTimeoutMs);
    expect(lines(t3)).toContain('syncFailed failed to get any blocks from SyncBuffer: failed pulling block 2');
    expect(lines(t3).filter((l) => l.startsWith('finishedSync') || l.startsWith('returningDecision'))).toEqual([]);
  });

  it('getBlocksFromSyncBuffer: the sources ran out after some blocks were pulled, short of the target: "Finished synchronizing" with what it pulled, and its last block\'s decision is returned', () => {
    const node = new OneConsenter(2, 4, { ledger: [] });
    const { syncId } = begin(node);
    for (const id of [1, 3, 4]) height(node, id, syncId, 3);
    // Orderer 1 serves block 1 only; 3 and 4 never answer.
    const first = node.receive(1, { type: 'BlockResponse', syncId, decisions: [ledger[0]!] });
    expect(sent(first)).toEqual(['BlockRequest->3']);
    node.runUntil(node.now + node.state.config.ReplicationPullTimeoutMs);
    const out = node.runUntil(node.now + node.state.config.ReplicationPullTimeoutMs);
    expect(node.ledger()).toHaveLength(1);
    expect(lines(out).filter((l) => /^(finishedSync|returningDecision|syncSequence|syncFailed) /.test(l))).toEqual([
      'finishedSync 1,1,1',
      `returningDecision 1,{seq:1 digest:${ledger[0]!.proposal.digest} signers:${ledger[0]!.signatures.length}}`,
      'syncSequence 1,0',
    ]);
  });

  it('detectTargetHeight: no other orderer answered: "cannot get detect target height: no cluster members to synchronize with", no "Detected target height", and the sync goes on to the state', () => {
    const node = new OneConsenter(2, 4, { ledger });
    begin(node);
    const out = node.runUntil(node.now + 1_000);
    expect(lines(out).filter((l) => /^(heightsByEndpoints|targetHeight|syncFailed|returningDecision) /.test(l))).toEqual([
      'heightsByEndpoints map[],orderer2:7050',
      'syncFailed cannot get detect target height: no cluster members to synchronize with',
    ]);
    expect(sent(out).filter((x) => x.startsWith('StateTransferRequest'))).toEqual(['StateTransferRequest->1', 'StateTransferRequest->3', 'StateTransferRequest->4']);
  });

  it('a block response: only from the orderer asked, for this sync; a block that does not verify stops the pull and the next orderer is asked', () => {
    const node = new OneConsenter(2, 4, { ledger: [] });
    const { syncId } = begin(node);
    for (const id of [1, 3, 4]) height(node, id, syncId, 3);
    const resp = (decisions: Decision[], id = syncId) => ({ type: 'BlockResponse' as const, syncId: id, decisions });
    expect(node.receive(3, resp(ledger))).toEqual([]);
    expect(node.receive(1, resp(ledger, syncId + 1))).toEqual([]);
    const bad = { ...ledger[1]!, signatures: ledger[1]!.signatures.slice(0, 1) };
    const out = node.receive(1, resp([ledger[0]!, bad]));
    expect(node.ledger()).toHaveLength(1);
    expect(lines(out)).toEqual(['fetchedBlock 1']);
    expect(sends(out).map((x) => [x.to, (x.msg as { fromSeq: number }).fromSeq])).toEqual([[3, 2]]);
    const done = node.receive(3, resp([ledger[0]!, ledger[1]!]));
    expect(lines(done).slice(0, 3)).toEqual(['fetchedBlock 2', 'finishedSync 2,1,2', `returningDecision 2,{seq:2 digest:${ledger[1]!.proposal.digest} signers:${ledger[1]!.signatures.length}}`]);
    expect(lines(done)).toContain('syncSequence 2,0');
    expect(events(done, 'bft.decided').map((e) => e['viaSync'])).toEqual([true]);
  });

  it('serving a block puller: the decisions held in the range asked, none beyond the ledger', () => {
    const node = new OneConsenter(2, 4, { ledger });
    const ask = (fromSeq: number, toSeq: number) => (sends(node.receive(3, { type: 'BlockRequest', syncId: 5, fromSeq, toSeq }))[0]!.msg as { decisions: readonly Decision[] }).decisions.map((d) => d.seq);
    expect(ask(0, 9)).toEqual([1, 2]);
    expect(ask(2, 2)).toEqual([2]);
    expect(ask(3, 9)).toEqual([]);
  });

  it('nothing decided anywhere: "Synchronizer returned with an empty proposal metadata"', () => {
    const node = new OneConsenter(2, 4);
    const { syncId } = begin(node);
    const out: Out = [];
    for (const id of [1, 3, 4]) out.push(...height(node, id, syncId, 1));
    expect(lines(out)).toContain('syncEmptyMetadata ');
    expect(sent(out)).toEqual(['StateTransferRequest->1', 'StateTransferRequest->3', 'StateTransferRequest->4']);
    // The collect timer outside the state stage does nothing; in it, the sync ends, and no other sync follows.
    const fin = node.runUntil(node.now + node.state.config.CollectTimeout);
    expect(lines(fin).slice(0, 2)).toEqual(['collectorTimeout 2', 'fetchStateFailed ']);
    expect(sent(fin)).toEqual([]);
    expect(lines(node.step({ kind: 'timer', name: 'collectState' }))).toEqual([]);
    begin(node);
    expect(lines(node.step({ kind: 'timer', name: 'collectState' }))).toEqual([]);
  });

  it('controller.go sync: no decision returned (empty metadata) but f+1 equal states collected: nothing to prune (maybePruneInFlight needs a decision), the sync ends', () => {
    const node = new OneConsenter(2, 4);
    const { syncId } = begin(node);
    for (const id of [1, 3, 4]) height(node, id, syncId, 1);
    node.receive(1, { type: 'StateTransferResponse', viewNum: 0, sequence: 1 });
    const out = node.receive(3, { type: 'StateTransferResponse', viewNum: 0, sequence: 1 });
    expect(lines(out).filter((l) => l.startsWith('synced'))).toEqual([]);
    expect(lines(out)).toContain('collectorValid 2,0,1');
    expect(node.state.sync.active).toBe(false);
  });

  it('one orderer alone (n=1): no requests; no cluster member to synchronize with, and the sync ends in the same step', () => {
    const node = new OneConsenter(1, 1, { ledger });
    const { out } = begin(node);
    expect(sends(out)).toEqual([]);
    expect(lines(out)).toContain('syncFailed cannot get detect target height: no cluster members to synchronize with');
    expect(events(out, 'bft.synced')).toEqual([{ type: 'bft.synced', height: 3, view: 0 }]);
  });

  it('n=7 (f=2): the 3rd highest height is the target; sources are those at or above it, highest first then by id (whatever the order the answers came in), asked in turn', () => {
    const node = new OneConsenter(1, 7);
    const { syncId } = begin(node);
    // Answers arrive out of id order, and 6 (height 6) before 5 (height 6).
    const hs: [number, number][] = [[6, 6], [2, 2], [7, 7], [4, 3], [5, 6], [3, 5]];
    let out: Out = [];
    for (const [id, h] of hs) out = height(node, id, syncId, h);
    expect(lines(out).slice(0, 2)).toEqual(['heightsByEndpoints map[orderer2:7050:2 orderer3:7050:5 orderer4:7050:3 orderer5:7050:6 orderer6:7050:6 orderer7:7050:7],orderer1:7050', 'targetHeight 6']);
    const asked = [sends(out).find((x) => x.msg.type === 'BlockRequest')!.to];
    for (let i = 0; i < 2; i++) asked.push(sends(node.runUntil(node.now + node.state.config.ReplicationPullTimeoutMs)).find((x) => x.msg.type === 'BlockRequest')!.to);
    expect(asked).toEqual([7, 5, 6]);
    expect(lines(node.runUntil(node.now + node.state.config.ReplicationPullTimeoutMs))).toContain('syncFailed failed to get any blocks from SyncBuffer: failed pulling block 1');
  });

  it('a block response outside the blocks stage is ignored (while heights are collected, after the sync)', () => {
    const node = new OneConsenter(2, 4, { ledger: [] });
    const { syncId } = begin(node);
    expect(node.receive(1, { type: 'BlockResponse', syncId, decisions: ledger })).toEqual([]);
    for (const id of [1, 3, 4]) height(node, id, syncId, 3);
    node.receive(1, { type: 'BlockResponse', syncId, decisions: ledger });
    expect(node.ledger()).toHaveLength(2);
    for (const id of [1, 3]) node.receive(id, { type: 'StateTransferResponse', viewNum: 0, sequence: 3 });
    expect(node.state.sync.active).toBe(false);
    expect(node.receive(1, { type: 'BlockResponse', syncId, decisions: ledger })).toEqual([]);
  });

  it('a block with a quorum of valid signatures that does not extend this ledger (VerifyProposal) is not written', () => {
    const other = new BftCluster({ n: 4 });
    other.submit('other-client', 1);
    expect(other.runUntilHeight(1, 5_000)).toBe(true);
    other.submit('other-client', 1);
    expect(other.runUntilHeight(2, 5_000)).toBe(true);
    // Sequence 2 of another chain: well signed, but its header does not follow this ledger's block 1.
    const foreign = other.ledger(1)[1]!;
    expect(foreign.proposal.digest).not.toBe(ledger[1]!.proposal.digest);
    const node = new OneConsenter(2, 4, { ledger: [ledger[0]!] });
    const { syncId } = begin(node);
    for (const id of [1, 3, 4]) height(node, id, syncId, 3);
    node.receive(1, { type: 'BlockResponse', syncId, decisions: [foreign] });
    expect(node.ledger()).toHaveLength(1);
    node.receive(3, { type: 'BlockResponse', syncId, decisions: [ledger[1]!] });
    expect(node.ledger()).toHaveLength(2);
  });

  it('a fetched block decided in a later view: "Synchronizer returned with view number 1 while the controller is at view number 0", and the controller starts that view after it', () => {
    const proposal = withDigest({ ...ledger[1]!.proposal, metadata: { ...ledger[1]!.proposal.metadata, viewId: 1, decisionsInView: 0 } });
    const inView1: Decision = { seq: 2, proposal, signatures: [1, 3, 4].map((x) => sign(x, proposal.digest)) };
    const node = new OneConsenter(2, 4, { ledger: [ledger[0]!] });
    const { syncId } = begin(node);
    const out: Out = [];
    for (const id of [1, 3, 4]) out.push(...height(node, id, syncId, 3));
    out.push(...node.receive(1, { type: 'BlockResponse', syncId, decisions: [inView1] }));
    expect(node.ledger()).toHaveLength(2);
    for (const id of [1, 3]) out.push(...node.receive(id, { type: 'StateTransferResponse', viewNum: 1, sequence: 2 }));
    expect(lines(out)).toContain('syncSequence 2,1');
    expect(lines(out)).toContain('syncView 1,0');
    expect(lines(out).filter((l) => l.startsWith('startView'))).toEqual(['startView 1,3,1']);
  });

  it('a fetched block needs Q valid signatures of distinct consenters on a well-formed proposal (validDecision): forged values, unknown signers, one signer three times, a sequence that is not its proposal\'s are all refused', () => {
    const d2 = ledger[1]!;
    const bad: Decision[] = [
      { ...d2, signatures: [1, 3, 4].map((signer) => ({ signer, value: 'forged' })) },
      { ...d2, signatures: [9, 10, 11].map((x) => sign(x, d2.proposal.digest)) },
      { ...d2, signatures: [d2.signatures[0]!, d2.signatures[0]!, d2.signatures[0]!] },
      { ...ledger[0]!, seq: 2 },
      { ...d2, proposal: { ...d2.proposal, digest: 'forged' }, signatures: [1, 3, 4].map((x) => sign(x, 'forged')) },
    ];
    for (const b of bad) {
      const node = new OneConsenter(2, 4, { ledger: [ledger[0]!] });
      const { syncId } = begin(node);
      for (const id of [1, 3, 4]) height(node, id, syncId, 3);
      node.receive(1, { type: 'BlockResponse', syncId, decisions: [b] });
      expect(node.ledger()).toHaveLength(1);
    }
  });

  it('validDecision: a well-signed block that chains to the ledger but whose metadata sequence is not its place in the chain is refused', () => {
    const d1 = ledger[0]!;
    const payload = ledger[1]!.proposal.payload;
    // Header and metadata say sequence 3, chained to block 1: VerifyProposal accepts it, the sequence check does not.
    const proposal = withDigest({ header: blockHeader(3, d1.proposal.digest, payload), payload, metadata: { ...ledger[1]!.proposal.metadata, latestSequence: 3 }, digest: '' });
    const misplaced: Decision = { seq: 2, proposal, signatures: [1, 3, 4].map((x) => sign(x, proposal.digest)) };
    const node = new OneConsenter(2, 4, { ledger: [d1] });
    const { syncId } = begin(node);
    for (const id of [1, 3, 4]) height(node, id, syncId, 3);
    node.receive(1, { type: 'BlockResponse', syncId, decisions: [misplaced] });
    expect(node.ledger()).toHaveLength(1);
  });

  it('a fetched block of an older view than the controller\'s (a node that joined view 1 without block 2 of view 0): the view restarts after it with 0 decisions, no view collected (the model\'s choice; Go returns early, docs/testing.md)', () => {
    const node = new OneConsenter(3, 4, { ledger: [ledger[0]!] });
    node.receive(1, { type: 'ViewChange', nextView: 1, reason: 'test' });
    node.receive(4, { type: 'ViewChange', nextView: 1, reason: 'test' });
    const vd = (signer: number) => {
      const viewData = { nextView: 1, lastDecision: ledger[0]!, inFlightProposal: undefined, inFlightPrepared: false };
      return { viewData, signer, signature: sign(signer, viewDataSummary(viewData)).value };
    };
    node.receive(2, { type: 'NewView', signedViewData: [vd(2), vd(1), vd(4)] });
    expect(node.state.view).toMatchObject({ number: 1, seq: 2, stopped: false });
    const walBefore = node.wal().length;
    const { syncId } = begin(node);
    const out: Out = [];
    for (const id of [1, 2, 4]) out.push(...height(node, id, syncId, 3));
    out.push(...node.receive(sends(out).find((x) => x.msg.type === 'BlockRequest')!.to, { type: 'BlockResponse', syncId, decisions: [ledger[1]!] }));
    for (const id of [1, 2]) out.push(...node.receive(id, { type: 'StateTransferResponse', viewNum: 1, sequence: 3 }));
    expect(node.ledger()).toHaveLength(2);
    expect(lines(out)).toContain('syncSequence 2,1');
    expect(lines(out).filter((l) => /^(syncView|collectedState) /.test(l))).toEqual([]);
    expect(node.wal()).toHaveLength(walBefore);
    expect(lines(out).filter((l) => l.startsWith('startView'))).toEqual(['startView 1,3,0']);
  });

  it('an application without VerifyProposal (Application.verifyProposal is optional): a fetched block is written on its Q valid signatures alone', () => {
    const node = new OneConsenter(2, 4, { ledger: [ledger[0]!] }, {}, 0, { assemble: defaultApplication.assemble });
    const { syncId } = begin(node);
    for (const id of [1, 3, 4]) height(node, id, syncId, 3);
    node.receive(1, { type: 'BlockResponse', syncId, decisions: [ledger[1]!] });
    expect(node.ledger()).toHaveLength(2);
  });

  it('StateCollector keeps each orderer\'s first answer: a changed second answer does not count', () => {
    const node = new OneConsenter(2, 4, { ledger });
    const { syncId } = begin(node);
    for (const id of [1, 3, 4]) height(node, id, syncId, 3);
    node.receive(1, { type: 'StateTransferResponse', viewNum: 3, sequence: 3 });
    node.receive(1, { type: 'StateTransferResponse', viewNum: 2, sequence: 3 });
    const out = node.receive(3, { type: 'StateTransferResponse', viewNum: 3, sequence: 3 });
    expect(lines(out)).toContain('collectorValid 2,3,3');
  });

  it('StateCollector: one answer per orderer, f+1 identical (view and sequence) to accept; only in the state stage; times out with "Fetching state failed"', () => {
    const node = new OneConsenter(2, 4, { ledger });
    const st = (from: number, viewNum: number, sequence: number) => node.receive(from, { type: 'StateTransferResponse', viewNum, sequence });
    expect(st(1, 3, 3)).toEqual([]);
    const { syncId } = begin(node);
    expect(st(1, 3, 3)).toEqual([]);
    for (const id of [1, 3, 4]) height(node, id, syncId, 3);
    expect(lines(st(1, 3, 3))).toEqual([]);
    expect(lines(st(1, 3, 3))).toEqual([]);
    expect(lines(st(3, 3, 4))).toEqual([]);
    expect(lines(st(4, 2, 3))).toEqual([]);
    const out = node.runUntil(node.now + node.state.config.CollectTimeout);
    expect(lines(out).slice(0, 2)).toEqual(['collectorTimeout 2', 'fetchStateFailed ']);
    expect(node.state.view.number).toBe(0);
  });

  it('a newer view is taken only at this node\'s next sequence: a view from f+1 at another sequence changes nothing', () => {
    const node = new OneConsenter(2, 4, { ledger });
    const { syncId } = begin(node);
    for (const id of [1, 3, 4]) height(node, id, syncId, 3);
    node.receive(1, { type: 'StateTransferResponse', viewNum: 2, sequence: 5 });
    const out = node.receive(3, { type: 'StateTransferResponse', viewNum: 2, sequence: 5 });
    expect(lines(out)).toContain('collectorValid 2,2,5');
    expect(lines(out).filter((l) => l.startsWith('collectedState'))).toEqual([]);
    expect(node.state.view.number).toBe(0);
    expect(events(out, 'bft.synced')).toEqual([{ type: 'bft.synced', height: 3, view: 0 }]);
  });
});

describe("Controller.Sync closes a leader's Batcher until changeView resets it (controller.go:458-463, 432-434, propose)", () => {
  let ledger: Decision[];
  beforeEach(() => {
    ledger = chain();
  });
  const request = (reqId: string) => ({ type: 'submit' as const, request: { clientId: 'c', reqId, size: 10, payload: null } });
  const prePrepares = (out: readonly { kind: string; msg?: { type: string } }[]): number => sends(out as Parameters<typeof sends>[0]).filter((x) => x.msg.type === 'PrePrepare').length;

  it("a leader synced by f+1 HeartBeatResponses of a higher view, the sync finding nothing newer: its view runs on, and it proposes nothing more", () => {
    const node = new OneConsenter(1, 4, { ledger });
    expect(node.state.view).toMatchObject({ number: 0, leaderId: 1, stopped: false });
    // handleHeartBeatResponse: f+1 = 2 responses of view 1 start Controller.Sync.
    node.receive(2, { type: 'HeartBeatResponse', view: 1 });
    answerSync(node, node.receive(3, { type: 'HeartBeatResponse', view: 1 }), ledger.length + 1, { view: 0, seq: ledger.length + 1 });
    // changeView: "Got view change to 0 but view is already running": the view is not restarted.
    expect(node.state.view).toMatchObject({ number: 0, leaderId: 1, stopped: false });
    expect(node.state.batch.closed).toBe(true);
    const after = [...node.step({ kind: 'command', command: request('after-sync') })];
    after.push(...node.runUntil(node.now + 5_000));
    expect(prePrepares(after)).toBe(0);
  });

  it('the same leader with no sync proposes the request within the batch interval', () => {
    const node = new OneConsenter(1, 4, { ledger });
    const out = [...node.step({ kind: 'command', command: request('no-sync') })];
    out.push(...node.runUntil(node.now + 5_000));
    // One PrePrepare, broadcast to the three others.
    expect(prePrepares(out)).toBe(3);
  });

  it("SyncOnStart's sync is Controller.Start's own c.sync(): a leader's Batcher stays open", () => {
    const node = new OneConsenter(1, 4, { ledger });
    node.step({ kind: 'timer', name: 'syncOnStart' });
    expect(node.state.batch.closed).toBe(false);
  });

  it('a follower that syncs leaves the Batcher alone', () => {
    const follower = new OneConsenter(2, 4, { ledger });
    follower.receive(1, { type: 'HeartBeat', view: 5, seq: ledger.length + 1 });
    expect(follower.state.batch.closed).toBe(false);
  });
});

describe("changeView resets the Batcher a leader's Sync closed (controller.go:432-434)", () => {
  it('the leader syncs to a newer view it leads again (view 4 of 4 nodes): it proposes in it', () => {
    const ledger = chain();
    const node = new OneConsenter(1, 4, { ledger });
    node.receive(2, { type: 'HeartBeatResponse', view: 4 });
    const started = node.receive(3, { type: 'HeartBeatResponse', view: 4 });
    expect(node.state.batch.closed).toBe(true);
    answerSync(node, started, ledger.length + 1, { view: 4, seq: ledger.length + 1 });
    expect(node.state.view).toMatchObject({ number: 4, leaderId: 1, stopped: false });
    expect(node.state.batch.closed).toBe(false);
    const after = [...node.step({ kind: 'command', command: { type: 'submit', request: { clientId: 'c', reqId: 'in-view-4', size: 10, payload: null } } })];
    after.push(...node.runUntil(node.now + 5_000));
    expect(sends(after).filter((x) => x.msg.type === 'PrePrepare').length).toBe(3);
  });
});
