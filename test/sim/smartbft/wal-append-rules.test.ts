/**
 * The WAL append's time (SmartBftConfig.WalAppendMs, figures.wal): SmartBFT v1.0.1's View
 * saves a record before the vote it records goes out (internal/bft/view.go processProposal:
 * State.Save of the ProposedRecord, then the leader's PrePrepare and everyone's Prepare;
 * processPrepares: State.Save of the Commit, then the Commit), and PersistedState.Save
 * (internal/bft/state.go) returns once WriteAheadLogFile.Append (pkg/wal/writeaheadlog.go)
 * has written and fsynced it. The View's goroutine blocks meanwhile: what arrives waits in
 * its channels. Go's mirror is TestViewPersisted (view_test.go: the Prepare and the Commit
 * are broadcast after the records are saved); here one consenter is fed one input at a time.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/sim/smartbft/config.ts';
import type { PrePrepare, Prepare } from '../../../src/sim/smartbft/messages.ts';
import { PHASE } from '../../../src/sim/smartbft/state.ts';
import { commitOf, leaderPrePrepare, logs, OneConsenter, sends } from './one.ts';

const WAL_MS = 3;


const prepare = (pp: PrePrepare): Prepare => ({ type: 'Prepare', view: pp.view, seq: pp.seq, digest: pp.proposal.digest, assist: false });
const votes = (effects: Parameters<typeof sends>[0], type: 'PrePrepare' | 'Prepare' | 'Commit'): number[] => sends(effects).filter((x) => x.msg.type === type).map((x) => x.to);
const facts = (node: OneConsenter, type: string): unknown[] =>
  node.effects.filter((e) => e.kind === 'emit' && (e.event as { type: string }).type === type).map((e) => (e as { event: unknown }).event);

describe('TestViewPersisted: a record is saved to the WAL before the vote it records is sent (view.go, state.go, writeaheadlog.go)', () => {
  let pp: PrePrepare;
  beforeEach(() => {
    pp = leaderPrePrepare();
  });

  it('processProposal: a follower fed the PrePrepare sends its Prepare WalAppendMs later; the ProposedRecord and InFlightData are there at once', () => {
    const node = new OneConsenter(2, 4, {}, { WalAppendMs: WAL_MS });
    const now = node.receive(1, pp);
    expect(votes(now, 'Prepare')).toEqual([]);
    expect(logs(now).map((l) => l.kind)).not.toContain('processedProposal');
    expect(node.wal().map((r) => r.type)).toEqual(['ProposedRecord']);
    expect(node.state.inFlight).toEqual({ proposal: pp.proposal, prepared: false });
    expect(node.state.view.phase).toBe(PHASE.COMMITTED);
    expect(votes(node.runUntil(WAL_MS - 1), 'Prepare')).toEqual([]);
    const saved = node.runUntil(WAL_MS);
    expect(votes(saved, 'Prepare')).toEqual([1, 3, 4]);
    expect(logs(saved).map((l) => l.kind)).toContain('processedProposal');
    expect(node.state.view.phase).toBe(PHASE.PROPOSED);
  });

  it('without the figure (WalAppendMs 0, the default) the Prepare goes out in the step that got the PrePrepare', () => {
    expect(resolveConfig().WalAppendMs).toBe(0);
    const node = new OneConsenter(2, 4);
    expect(votes(node.receive(1, pp), 'Prepare')).toEqual([1, 3, 4]);
  });

  it('the leader saves its own proposal before it broadcasts the PrePrepare', () => {
    const leader = new OneConsenter(1, 4, {}, { WalAppendMs: WAL_MS });
    leader.step({ kind: 'command', command: { type: 'submit', request: { clientId: 'c', reqId: 'tx1', size: 100, payload: null } } });
    const all = leader.runUntil(1_000);
    const sent = leader.effects.filter((e) => e.kind === 'send' && (e.msg as { type: string }).type === 'PrePrepare');
    expect(sent).toHaveLength(3);
    expect(votes(all, 'Prepare')).toEqual([2, 3, 4]);
    // The batch timer proposed at RequestBatchMaxInterval; the PrePrepare left WalAppendMs after that.
    const at = (t: number): number[] => {
      const n = new OneConsenter(1, 4, {}, { WalAppendMs: WAL_MS });
      n.step({ kind: 'command', command: { type: 'submit', request: { clientId: 'c', reqId: 'tx1', size: 100, payload: null } } });
      return votes(n.runUntil(t), 'PrePrepare');
    };
    const interval = resolveConfig().RequestBatchMaxInterval;
    expect(at(interval + WAL_MS - 1)).toEqual([]);
    expect(at(interval + WAL_MS)).toEqual([2, 3, 4]);
  });

  it('processPrepares: the prepares that come during the ProposedRecord\'s save wait; then the Commit is saved in turn and sent WalAppendMs after the Prepare', () => {
    const node = new OneConsenter(2, 4, {}, { WalAppendMs: WAL_MS });
    node.receive(1, pp);
    node.runUntil(1);
    expect(votes([...node.receive(3, prepare(pp)), ...node.receive(4, prepare(pp))], 'Commit')).toEqual([]);
    const proposed = node.runUntil(WAL_MS);
    expect(votes(proposed, 'Prepare')).toEqual([1, 3, 4]);
    expect(votes(proposed, 'Commit')).toEqual([]);
    expect(logs(proposed).map((l) => l.kind)).toContain('collectedPrepares');
    expect(node.wal().map((r) => r.type)).toEqual(['ProposedRecord', 'Commit']);
    expect(node.state.inFlight?.prepared).toBe(true);
    // The leader's own Prepare, during the Commit's save: it waits too, no second save.
    node.runUntil(WAL_MS + 1);
    expect(votes(node.receive(1, prepare(pp)), 'Commit')).toEqual([]);
    expect(node.wal().map((r) => r.type)).toEqual(['ProposedRecord', 'Commit']);
    expect(votes(node.runUntil(2 * WAL_MS - 1), 'Commit')).toEqual([]);
    const prepared = node.runUntil(2 * WAL_MS);
    expect(votes(prepared, 'Commit')).toEqual([1, 3, 4]);
    expect(logs(prepared).map((l) => l.kind)).toContain('processedPrepares');
  });

  it('a node decides only once its own Commit is saved, however early the others\' commits come', () => {
    const node = new OneConsenter(2, 4, {}, { WalAppendMs: WAL_MS });
    node.receive(1, pp);
    node.receive(3, prepare(pp));
    node.receive(4, prepare(pp));
    node.runUntil(WAL_MS);
    node.receive(3, commitOf(pp, 3));
    node.receive(4, commitOf(pp, 4));
    expect(facts(node, 'bft.decided')).toEqual([]);
    expect(node.ledger()).toHaveLength(0);
    node.runUntil(2 * WAL_MS);
    expect(node.ledger().map((d) => d.seq)).toEqual([1]);
  });

  it('Abort during a save: the view changed while the ProposedRecord was written sends no Prepare (run() returns on abortChan)', () => {
    const node = new OneConsenter(2, 4, {}, { WalAppendMs: WAL_MS });
    expect(votes(node.receive(1, pp), 'Prepare')).toEqual([]);
    node.receive(3, { type: 'ViewChange', nextView: 1, reason: 'test' });
    node.receive(4, { type: 'ViewChange', nextView: 1, reason: 'test' });
    expect(node.state.view.stopped).toBe(true);
    expect(votes(node.runUntil(10 * WAL_MS), 'Prepare')).toEqual([]);
    expect(node.wal().map((r) => r.type)).toContain('ProposedRecord');
  });

  it('a save\'s timer with no save pending (the view that began it was replaced) sends nothing', () => {
    const node = new OneConsenter(2, 4, {}, { WalAppendMs: WAL_MS });
    expect(node.state.view.walPending).toBeUndefined();
    const fired = node.step({ kind: 'timer', name: 'wal' });
    expect(sends(fired)).toEqual([]);
    expect(node.wal()).toEqual([]);
  });

  it('WalAppendMs is zero or more', () => {
    expect(() => resolveConfig({ WalAppendMs: -1 })).toThrow('SmartBftConfig: WalAppendMs should be zero or more, got -1');
  });
});
