/** The checkers on hand-made facts: each one must catch what it is for, with a clear detail. */
import { describe, expect, it } from 'vitest';
import type { Decision } from '../../../src/sim/smartbft/api.ts';
import { BftCluster } from './harness.ts';
import type { TraceRecord } from '../../../src/sim/kernel/trace.ts';
import {
  checkAccountability,
  checkAgreement,
  checkLiveness,
  checkRestartResume,
  checkSequenceIntegrity,
  checkValidity,
  decidedFacts,
  observeRestarts,
  type DecidedFact,
} from '../../../src/sim/smartbft/checkers.ts';

function fact(node: string, seq: number, digest: string, prev: string, signers: number[] = [1, 2, 3]): DecidedFact {
  return { node, t: seq, seq, digest, view: 0, signers, viaSync: false, prev, txCount: 1 };
}

function decision(seq: number, reqIds: string[]): Decision {
  return {
    seq,
    proposal: {
      header: `${seq}`,
      payload: reqIds.map((reqId) => ({ clientId: 'c', reqId, size: 1, payload: null })),
      metadata: { viewId: 0, latestSequence: seq, decisionsInView: seq - 1 },
      digest: `d${seq}`,
    },
    signatures: [],
  };
}

describe('checkers', () => {
  const chain = [fact('o1', 1, 'a', ''), fact('o1', 2, 'b', 'a'), fact('o2', 1, 'a', ''), fact('o2', 2, 'b', 'a')];

  it('agreement passes on one chain and names the fork otherwise', () => {
    expect(checkAgreement(chain).ok).toBe(true);
    const forked = [...chain, fact('o3', 2, 'x', 'a')];
    expect(checkAgreement(forked)).toEqual({ name: 'agreement', ok: false, detail: 'fork at block 2: o1 decided b but o3 decided x' });
    expect(checkAgreement(forked, ['o3']).ok).toBe(true);
  });

  it('sequence integrity catches a gap and a broken hash chain', () => {
    expect(checkSequenceIntegrity(chain).ok).toBe(true);
    expect(checkSequenceIntegrity([fact('o1', 1, 'a', ''), fact('o1', 3, 'c', 'b')]).detail).toBe('o1 decided block 3 after block 1');
    expect(checkSequenceIntegrity([fact('o1', 1, 'a', ''), fact('o1', 2, 'b', 'zz')]).detail).toBe('o1: block 2 does not chain to block 1');
  });

  it('validity catches an unsubmitted request and a request decided twice', () => {
    const submitted = new Set(['c:t1', 'c:t2']);
    expect(checkValidity([{ node: 'o1', decisions: [decision(1, ['t1']), decision(2, ['t2'])] }], submitted).ok).toBe(true);
    expect(checkValidity([{ node: 'o1', decisions: [decision(1, ['t9'])] }], submitted).detail).toBe(
      'o1 decided request c:t9 in block 1, but no client submitted it',
    );
    expect(checkValidity([{ node: 'o1', decisions: [decision(1, ['t1']), decision(2, ['t1'])] }], submitted).detail).toBe(
      'o1 decided request c:t1 twice, in blocks 1 and 2',
    );
  });

  it('liveness explains in one sentence why it failed', () => {
    const ledgers = [{ node: 'o1', decisions: [decision(1, ['t1'])] }];
    expect(checkLiveness({ ledgers, submitted: ['c:t1'], n: 4, live: 4, boundMs: 1000 }).ok).toBe(true);
    expect(checkLiveness({ ledgers, submitted: ['c:t1', 'c:t2'], n: 4, live: 2, boundMs: 1000 }).detail).toBe(
      'o1 did not decide 1 of 2 requests (first c:t2) within 1000 ms: only 2 of 4 orderers were up, honest and connected, and a quorum needs 3',
    );
  });

  it('accountability names the consenters that signed both sides of a fork', () => {
    expect(checkAccountability(chain).ok).toBe(true);
    const acc = checkAccountability([fact('o3', 1, 'a', '', [1, 2, 3]), fact('o4', 1, 'b', '', [1, 2, 4])]);
    expect(acc.ok).toBe(false);
    expect(acc.culprits).toEqual([1, 2]);
    expect(acc.detail).toBe('block 1: 2 conflicting decisions, signed by both: [1 2]');
  });

  it('restart resumption names a node that came back below its WAL\'s view or off its ledger\'s sequence', () => {
    const ledger = [decision(1, ['a'])];
    const wal = [{ type: 'NewView' as const, viewId: 2, latestSequence: 1, decisionsInView: 0 }];
    const base = { node: 'o3', t: 500, ledger, wal };
    expect(checkRestartResume([{ ...base, started: { view: 2, seq: 2 } }]).ok).toBe(true);
    expect(checkRestartResume([{ ...base, started: { view: 0, seq: 2 } }])).toEqual({
      name: 'restart resumption',
      ok: false,
      detail: 'o3 restarted at 500 ms in view 0, but its WAL ends with a NewView for view 2 at sequence 1',
    });
    expect(checkRestartResume([{ ...base, started: { view: 2, seq: 1 } }]).detail).toBe('o3 restarted at 500 ms with 1 blocks but started at sequence 1, not 2');
    expect(checkRestartResume([{ ...base, wal: [{ type: 'ViewChange', nextView: 3 }], started: { view: 1, seq: 2 } }]).detail).toBe(
      'o3 restarted at 500 ms in view 1, but its WAL ends with a ViewChange leaving view 3',
    );
    expect(checkRestartResume([{ ...base, started: undefined }]).detail).toBe('o3 restarted at 500 ms but never started a view');
  });

  it('each check that passes says what it counted', () => {
    const submitted = new Set(['c:t1', 'c:t2']);
    const ledgers = [{ node: 'o1', decisions: [decision(1, ['t1']), decision(2, ['t2'])] }];
    expect(checkAgreement(chain)).toEqual({ name: 'agreement', ok: true, detail: '2 blocks, every honest node agrees on each' });
    expect(checkSequenceIntegrity(chain)).toEqual({ name: 'sequence integrity', ok: true, detail: '2 nodes, every chain consecutive and linked' });
    expect(checkValidity(ledgers, submitted)).toEqual({ name: 'validity', ok: true, detail: '2 decided requests, all submitted, none twice' });
    expect(checkLiveness({ ledgers, submitted: ['c:t1'], n: 4, live: 4, boundMs: 1000 })).toEqual({ name: 'liveness', ok: true, detail: '1 nodes decided all 1 requests within 1000 ms' });
    expect(checkAccountability(chain)).toEqual({ name: 'accountability', ok: true, detail: 'no conflicting decisions', culprits: [] });
    expect(checkRestartResume([])).toEqual({ name: 'restart resumption', ok: true, detail: "0 restarts, each resumed its ledger's sequence and its WAL's view" });
  });

  it('each check that fails says so with its name; a Byzantine node is left out of the chain and validity checks', () => {
    expect(checkSequenceIntegrity([fact('o1', 2, 'b', 'a')])).toEqual({ name: 'sequence integrity', ok: false, detail: 'o1 decided block 2 after block 0' });
    expect(checkSequenceIntegrity([fact('o1', 1, 'a', 'x')])).toEqual({ name: 'sequence integrity', ok: false, detail: 'o1: block 1 does not chain to block 0' });
    expect(checkSequenceIntegrity([...chain, fact('o9', 5, 'x', 'y')], ['o9'])).toEqual({ name: 'sequence integrity', ok: true, detail: '2 nodes, every chain consecutive and linked' });
    const submitted = new Set(['c:t1']);
    expect(checkValidity([{ node: 'o1', decisions: [decision(1, ['t9'])] }], submitted)).toMatchObject({ name: 'validity', ok: false });
    expect(checkValidity([{ node: 'o1', decisions: [decision(1, ['t1']), decision(2, ['t1'])] }], submitted)).toMatchObject({ name: 'validity', ok: false });
    expect(checkValidity([{ node: 'o9', decisions: [decision(1, ['t9'])] }, { node: 'o1', decisions: [decision(1, ['t1'])] }], submitted, ['o9'])).toEqual({
      name: 'validity',
      ok: true,
      detail: '1 decided requests, all submitted, none twice',
    });
    const ledgers = [{ node: 'o1', decisions: [decision(1, ['t1'])] }];
    // A quorum exactly (3 of 4) was live: the other explanation.
    expect(checkLiveness({ ledgers, submitted: ['c:t1', 'c:t2'], n: 4, live: 3, boundMs: 1000 })).toEqual({
      name: 'liveness',
      ok: false,
      detail: 'o1 did not decide 1 of 2 requests (first c:t2) within 1000 ms: a quorum (3 of 4, Q=3) was live but 1 requests stayed undecided, so the leader kept them out or the view change did not finish',
    });
  });

  it('accountability: forks listed by block, signers of one side merged across the nodes that decided it, culprits in numeric order', () => {
    const acc = checkAccountability([
      fact('o1', 2, 'p', '', [10, 2]),
      fact('o2', 2, 'q', '', [10, 9, 2]),
      fact('o3', 1, 'a', '', [1, 3]),
      fact('o4', 1, 'a', '', [1, 4]),
      fact('o5', 1, 'b', '', [3, 4, 5]),
    ]);
    expect(acc).toEqual({
      name: 'accountability',
      ok: false,
      detail: 'block 1: 2 conflicting decisions, signed by both: [3 4]; block 2: 2 conflicting decisions, signed by both: [2 10]',
      culprits: [2, 3, 4, 10],
    });
  });

  it('decidedFacts: the bft.decided events of a trace, with the node and time of each', () => {
    const e = { type: 'bft.decided', seq: 1, digest: 'a', view: 0, signers: [1, 2, 3], viaSync: false, prev: '', txCount: 1 };
    const records = [
      { k: 'event', t: 7, node: 'o1', e },
      { k: 'event', t: 8, node: 'o1', e: { type: 'log', kind: 'x' } },
      { k: 'send', t: 9, node: 'o1', to: 'o2', msg: e },
    ] as unknown as TraceRecord[];
    expect(decidedFacts(records)).toEqual([{ ...e, node: 'o1', t: 7 }]);
  });

  it('observeRestarts: each restart of a watched node, the disk it restarted from and the first view it started', () => {
    const c = new BftCluster({ n: 4 });
    const watched = observeRestarts(c.sim, ['orderer3']);
    c.submit('c', 1);
    expect(c.runUntilHeight(1, 5_000)).toBe(true);
    c.sim.crash('orderer3');
    c.sim.crash('orderer4');
    c.sim.restart('orderer4');
    c.sim.restart('orderer3');
    const obs = watched();
    expect(obs).toHaveLength(1);
    expect(obs[0]).toMatchObject({ node: 'orderer3', started: { view: 0, seq: 2 } });
    expect(obs[0]?.ledger.map((d) => d.seq)).toEqual([1]);
    expect(obs[0]?.wal.map((r) => r.type)).toEqual(['ProposedRecord', 'Commit']);
    expect(checkRestartResume(obs).ok).toBe(true);
    // A snapshot: later decisions and restarts change neither its disks nor its length.
    c.submit('c', 1);
    expect(c.runUntilHeight(2, 10_000)).toBe(true);
    c.sim.crash('orderer3');
    c.sim.restart('orderer3');
    expect(obs).toHaveLength(1);
    expect(obs[0]?.ledger.map((d) => d.seq)).toEqual([1]);
    expect(obs[0]?.wal.map((r) => r.type)).toEqual(['ProposedRecord', 'Commit']);
    expect(watched().map((o) => o.ledger.length)).toEqual([1, 2]);
  });

  it('restart resumption: the view floor is the last block\'s view unless the WAL\'s last record is a NewView or ViewChange above it', () => {
    const inView = (seq: number, view: number): Decision => {
      const d = decision(seq, ['t']);
      return { ...d, proposal: { ...d.proposal, metadata: { ...d.proposal.metadata, viewId: view } } };
    };
    const fail = (detail: string) => ({ name: 'restart resumption', ok: false, detail });
    const at = { node: 'o3', t: 500 };
    const nv = (viewId: number) => ({ type: 'NewView' as const, viewId, latestSequence: 1, decisionsInView: 0 });
    // No ledger, no WAL: view 0, sequence 1.
    expect(checkRestartResume([{ ...at, ledger: [], wal: [], started: { view: 0, seq: 1 } }]).ok).toBe(true);
    expect(checkRestartResume([{ ...at, ledger: [], wal: [nv(2)], started: { view: 0, seq: 1 } }])).toEqual(fail('o3 restarted at 500 ms in view 0, but its WAL ends with a NewView for view 2 at sequence 1'));
    // The last block's view (not the first's).
    const ledger = [inView(1, 0), inView(2, 2)];
    expect(checkRestartResume([{ ...at, ledger, wal: [], started: { view: 1, seq: 3 } }])).toEqual(fail('o3 restarted at 500 ms in view 1, but its last block was decided in view 2'));
    // A WAL record at or below that view does not lower it or change the reason; another record type is no floor.
    for (const tail of [nv(2), nv(1), { type: 'ViewChange' as const, nextView: 2 }, { type: 'ViewChange' as const, nextView: 1 }]) {
      expect(checkRestartResume([{ ...at, ledger, wal: [tail], started: { view: 1, seq: 3 } }])).toEqual(fail('o3 restarted at 500 ms in view 1, but its last block was decided in view 2'));
    }
    const pp = { type: 'PrePrepare' as const, view: 2, seq: 3, proposal: inView(3, 2).proposal };
    const proposed = { type: 'ProposedRecord' as const, prePrepare: pp, prepare: { type: 'Prepare' as const, view: 2, seq: 3, digest: 'd3', assist: false } };
    expect(checkRestartResume([{ ...at, ledger, wal: [proposed], started: { view: 1, seq: 3 } }])).toEqual(fail('o3 restarted at 500 ms in view 1, but its last block was decided in view 2'));
    expect(checkRestartResume([{ ...at, ledger, wal: [], started: undefined }])).toEqual(fail('o3 restarted at 500 ms but never started a view'));
    expect(checkRestartResume([{ ...at, ledger, wal: [], started: { view: 2, seq: 4 } }])).toEqual(fail('o3 restarted at 500 ms with 2 blocks but started at sequence 4, not 3'));
  });
});
