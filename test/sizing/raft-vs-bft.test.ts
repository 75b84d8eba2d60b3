import { describe, expect, it } from 'vitest';
import { runSizeCommand } from '../../src/sizing/cli.ts';
import { runRaftVsBft, type Outcome, type RaftVsBftResult } from '../../src/sizing/raft-vs-bft.ts';

const get = (r: RaftVsBftResult, p: Outcome['protocol'], f: Outcome['fault']): Outcome => r.outcomes.find((o) => o.protocol === p && o.fault === f) as Outcome;

describe('raft-vs-bft: the same faults on etcdraft and SmartBFT (n=4)', () => {
  const r = runRaftVsBft({ n: 4, seed: 1 });

  it('a leader crash: both keep agreement, validity and liveness', () => {
    for (const p of ['raft', 'smartbft'] as const) {
      const o = get(r, p, 'crash');
      expect([o.agreement.held, o.validity.held, o.liveness.held]).toEqual([true, true, true]);
      expect(o.leadersAfter.some((l) => l !== o.faulty)).toBe(true);
    }
  });

  it('a leader that corrupts block data: Raft commits the forged transaction, SmartBFT replaces the leader and decides nothing forged', () => {
    const raft = get(r, 'raft', 'corrupt-block');
    expect(raft.validity.held).toBe(false);
    expect(raft.validity.detail).toMatch(/decided request byzantine:forged-\d+ in block \d+, but no client submitted it/);
    expect(raft.agreement.held).toBe(true);
    const bft = get(r, 'smartbft', 'corrupt-block');
    expect([bft.agreement.held, bft.validity.held, bft.liveness.held]).toEqual([true, true, true]);
    expect(bft.leadersAfter.at(-1)).not.toBe(bft.faulty);
  });

  it('a leader that equivocates: Raft forks at one height, SmartBFT does not', () => {
    const raft = get(r, 'raft', 'equivocate');
    expect(raft.agreement.held).toBe(false);
    expect(raft.agreement.detail).toMatch(/^fork at block \d+: orderer\.\S+ decided [0-9a-f]{16} but orderer\.\S+ decided [0-9a-f]{16}$/);
    const bft = get(r, 'smartbft', 'equivocate');
    expect([bft.agreement.held, bft.validity.held, bft.liveness.held]).toEqual([true, true, true]);
  });

  it('every expectation is met, and each verdict comes with one sentence of why', () => {
    expect(r.expectations.filter((e) => !e.met)).toEqual([]);
    expect(r.passed).toBe(true);
    for (const o of r.outcomes) for (const p of [o.agreement, o.validity, o.liveness]) expect(p.why).toMatch(/^[A-Z][^\n]*\.$/);
  });

  it('another seed, same lesson (n=7)', () => {
    expect(runRaftVsBft({ n: 7, seed: 5 }).expectations.filter((e) => !e.met)).toEqual([]);
  });

  it('size --raft-vs-bft prints the lesson and exits 0; a bad n is one line and exit 2', async () => {
    let out = '';
    let err = '';
    const io = { stdout: (s: string) => (out += s), stderr: (s: string) => (err += s) };
    expect(await runSizeCommand(['--raft-vs-bft'], io)).toBe(0);
    expect(out).toContain('agreement BROKEN');
    expect(out).toContain('validity  BROKEN');
    expect(out).toMatch(/PASSED: Raft survives crashes only; SmartBFT also survives a lying leader\.\n$/);
    expect(await runSizeCommand(['--raft-vs-bft', '--orderers', '3'], io)).toBe(2);
    expect(err).toBe('fabric-bft-sim size: --raft-vs-bft compares one cluster size; give --orderers N with N >= 4\n');
  });
});
