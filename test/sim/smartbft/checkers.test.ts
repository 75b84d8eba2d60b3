/** The checkers on hand-made facts: each one must catch what it is for, with a clear detail. */
import { describe, expect, it } from 'vitest';
import type { Decision } from '../../../src/sim/smartbft/api.ts';
import {
  checkAccountability,
  checkAgreement,
  checkLiveness,
  checkRestartResume,
  checkSequenceIntegrity,
  checkValidity,
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
});
