import { describe, expect, it } from 'vitest';
import { runNetworkComparison } from '../../src/sizing/raft-vs-bft-network.ts';

describe('raft-vs-bft on the whole network (n=4)', () => {
  it('a lying Raft leader breaks a checker; a lying SmartBFT leader breaks none and issuance goes on', async () => {
    const r = await runNetworkComparison(4, 1);
    const of = (c: string, f: string) => r.outcomes.find((o) => o.consensus === c && o.fault === f)!;
    const failed = (c: string, f: string) => of(c, f).checks.filter((k) => !k.ok).map((k) => k.name);
    expect(failed('raft', 'corrupt')).toEqual(['only submitted transactions, none valid twice']);
    expect(failed('raft', 'equivocate')).toEqual(['block hashes agree with the orderers']);
    expect(failed('smartbft', 'corrupt')).toEqual([]);
    expect(failed('smartbft', 'equivocate')).toEqual([]);
    expect(of('smartbft', 'corrupt').issue.ok).toBe(true);
    expect(r.passed).toBe(true);
  });
});
