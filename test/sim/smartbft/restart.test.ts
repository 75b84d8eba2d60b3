/**
 * Restarts and WAL restore: ports of SmartBFT's TestRestartFollowers and
 * TestRestoringViewChange, plus state.go's restore rules (reference section 4).
 */
import { describe, expect, it } from 'vitest';
import { checkAgreement, checkRestartResume, checkSequenceIntegrity, observeRestarts } from '../../../src/sim/smartbft/checkers.ts';
import { consenterStatus } from '../../../src/sim/smartbft/api.ts';
import type { SavedMessage } from '../../../src/sim/smartbft/messages.ts';
import { BftCluster, logKinds } from './harness.ts';

function logsSince(c: BftCluster, node: string, from: number): { kind: string; args: readonly (string | number)[] }[] {
  const out: { kind: string; args: readonly (string | number)[] }[] = [];
  for (const r of c.records.slice(from)) {
    if (r.k === 'event' && r.node === node && (r.e as { type: string }).type === 'log') out.push(r.e as { kind: string; args: (string | number)[] });
  }
  return out;
}

describe('restart', () => {
  it('TestRestartFollowers: all followers restart at once and the cluster decides again (n=4, f=1, SyncOnStart as the Go test)', () => {
    const c = new BftCluster({ n: 4, config: { SyncOnStart: true } });
    c.submit('c', 1);
    expect(c.runUntilHeight(1, 5_000)).toBe(true);
    for (const id of [2, 3, 4]) c.sim.crash(c.name(id));
    c.run(1_000);
    for (const id of [2, 3, 4]) c.sim.restart(c.name(id));
    c.submit('c', 1);
    expect(c.runUntilHeight(2, 5_000)).toBe(true);
    expect([1, 2, 3, 4].map((id) => consenterStatus(c.state(id)!).view)).toEqual([0, 0, 0, 0]);
    expect(checkAgreement(c.decided).ok).toBe(true);
    expect(checkSequenceIntegrity(c.decided).ok).toBe(true);
  });

  it('rolling restart with SyncOnStart=false: a restarted follower a block behind stays behind while idle, and catches up after the next decision (n=4, f=1)', () => {
    const c = new BftCluster({ n: 4 });
    c.submit('c', 1);
    expect(c.runUntilHeight(1, 5_000)).toBe(true);
    for (const id of [2, 3, 4]) {
      c.sim.crash(c.name(id));
      c.submit('c', 1);
      expect(c.runUntilHeight(c.height(1) + 1, 1_000, [1])).toBe(true);
      c.sim.restart(c.name(id));
      // handleHeartBeat compares ViewSequences.ProposalSeq on both sides: the leader's is the
      // sequence it last decided, the restarted node's the one its view starts at, the same
      // number, so an idle heartbeat does not make it look behind (Fabric 3.1.5 does the same:
      // docs/local.md, over 60 s behind on an idle network).
      expect(c.height(id)).toBe(c.height(1) - 1);
      expect(c.runUntilHeight(c.height(1), 30_000, [id])).toBe(false);
      // The next decision puts the leader's heartbeat one past it: NumOfTicksBehindBeforeSyncing ticks later it syncs.
      c.submit('c', 1);
      expect(c.runUntilHeight(c.height(1), 30_000, [id])).toBe(true);
      const synced = c.decided.filter((d) => d.node === c.name(id) && d.viaSync);
      expect(synced.length).toBeGreaterThan(0);
      // Blocks pulled by sync do not move consensus_BFT_committed_block_number.
      expect(c.state(id)!.committedBlock).toBeLessThan(c.height(id));
    }
    c.submit('c', 1);
    expect(c.runUntilHeight(c.height(1), 5_000)).toBe(true);
    expect(checkAgreement(c.decided).ok).toBe(true);
    expect(checkSequenceIntegrity(c.decided).ok).toBe(true);
  });

  it('restart restores the WAL as state.go does: "safely committed" names the NEXT sequence', () => {
    const c = new BftCluster({ n: 4, keep: true });
    c.submit('c', 5);
    c.run(100);
    for (let k = 0; k < 4; k++) {
      c.submit('c', 1);
      c.run(100);
    }
    expect(c.height(3)).toBe(5);
    const wal = c.sim.durable(c.name(3)).list<SavedMessage>('wal');
    expect(wal.map((r) => r.type)).toEqual(['ProposedRecord', 'Commit']);
    c.sim.crash(c.name(3));
    const from = c.records.length;
    c.sim.restart(c.name(3));
    const lines = logsSince(c, 'orderer3', from).map((l) => `${l.kind.replace('smartbft.', '')}(${l.args.join(', ')})`);
    expect(lines).toEqual([
      'localConsenterId(3)',
      'initializingWal(certchannel, /var/hyperledger/production/orderer/smartbft/wal/certchannel)',
      'walInitialized(2)',
      'walContains(2)',
      'safelyCommitted(6)',
      'changeRole(follower, 0, 1)',
      'startView(0, 6, 5)',
      'servicingChain()',
    ]);
  });

  it('a fresh node logs "Nothing to restore" three times', () => {
    const c = new BftCluster({ n: 4, keep: true });
    expect(logKinds(c.records, 'orderer2').filter((k) => k.endsWith('nothingToRestore') || k.includes('nothingToRestore'))).toHaveLength(3);
  });

  it('a node that crashed PREPARED re-sends its Commit on restart and the decision completes', () => {
    const c = new BftCluster({ n: 4, keep: true });
    c.submit('c', 1);
    // Run until node 3 has WAL-ed its Commit for seq 1 but not decided.
    c.sim.run({ stopWhen: () => c.sim.durable(c.name(3)).listLength('wal') === 2, maxEvents: 100_000 });
    expect(c.height(3)).toBe(0);
    c.sim.crash(c.name(3));
    c.run(100);
    const from = c.records.length;
    c.sim.restart(c.name(3));
    c.run(1_000);
    const kinds = logsSince(c, 'orderer3', from).map((l) => l.kind);
    expect(kinds).toContain('smartbft.walContains');
    expect(kinds).not.toContain('smartbft.safelyCommitted');
    // Its re-sent Commit lets it... decide once the others assist with their commits.
    c.submit('c', 1);
    c.run(15_000);
    expect(c.height(1)).toBe(2);
    c.run(30_000);
    expect(c.height(3)).toBeGreaterThanOrEqual(1);
    expect(checkAgreement(c.decided).ok).toBe(true);
  });

  it('TestRestoringViewChange: a node crashes mid view change and restores it from its WAL (n=4, f=1)', () => {
    const c = new BftCluster({ n: 4, keep: true });
    c.submit('c', 1);
    expect(c.runUntilHeight(1, 5_000)).toBe(true);
    c.sim.crash(c.name(1));
    c.submit('c', 1);
    // Run until node 4 has joined the view change (its WAL's last record is ViewChange).
    const walTail = (): string | undefined => c.sim.durable(c.name(4)).list<SavedMessage>('wal').at(-1)?.type;
    c.sim.run({ stopWhen: () => walTail() === 'ViewChange', maxEvents: 1_000_000 });
    c.sim.crash(c.name(4));
    const from = c.records.length;
    c.sim.restart(c.name(4));
    const kinds = logsSince(c, 'orderer4', from).map((l) => l.kind);
    expect(kinds).toContain('smartbft.lastIsViewChange');
    expect(kinds).toContain('smartbft.sentViewData');
    expect(c.runUntilHeight(2, 60_000, [2, 3, 4])).toBe(true);
    expect([2, 3, 4].map((id) => consenterStatus(c.state(id)!).view)).toEqual([1, 1, 1]);
    expect(checkAgreement(c.decided).ok).toBe(true);
  });

  it('checkRestartResume: orderers restarted right after a view change that committed an in-flight proposal resume its view', () => {
    const c = new BftCluster({ n: 4, keep: true });
    const restarts = observeRestarts(c.sim, c.names);
    c.submit('c', 1);
    const prepared = (id: number): boolean => c.sim.durable(c.name(id)).list<{ type: string }>('wal').at(-1)?.type === 'Commit';
    c.sim.run({ stopWhen: () => [2, 3, 4].every(prepared), maxEvents: 100_000 });
    c.sim.network.partition([[c.name(1)], [c.name(2)], [c.name(3)], [c.name(4)]]);
    c.run(10);
    c.sim.crash(c.name(1));
    c.heal();
    const newView = (id: number) => c.sim.durable(c.name(id)).list<SavedMessage>('wal').at(-1)?.type === 'NewView';
    for (const id of [2, 3, 4]) {
      c.sim.run({ until: c.sim.now + 90_000, stopWhen: () => newView(id), maxEvents: 1_000_000 });
      c.sim.crash(c.name(id));
      c.sim.restart(c.name(id));
    }
    const obs = restarts();
    expect(obs.map((o) => [o.node, o.started?.view, o.started?.seq])).toEqual([
      ['orderer2', 1, 2],
      ['orderer3', 1, 2],
      ['orderer4', 1, 2],
    ]);
    expect(checkRestartResume(obs)).toMatchObject({ ok: true });
  });
});
