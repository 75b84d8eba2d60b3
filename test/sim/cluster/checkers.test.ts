import { describe, expect, it } from 'vitest';
import { transactionsValid } from '../../../src/sim/cluster/checkers.ts';
import { SimCluster } from '../../../src/sim/cluster/sim-cluster.ts';
import { envelopesOf } from '../../../src/sim/fabric/block.ts';
import { blockOfDecision, type OrdererState } from '../../../src/sim/fabric/orderer.ts';

describe('validity checker', () => {
  it('every ordered transaction was submitted by a gateway, none valid twice', async () => {
    const c = await SimCluster.create({ seed: 5 });
    const r = await c.issueCertificate('dataforge', { certID: 'V-1', studentID: 's', studentName: 'S', courseID: 'C', courseName: 'Course', issueDate: '2026-03-14', expiryDate: '2027-03-14' });
    expect(r.ok).toBe(true);
    const ok = transactionsValid(c);
    expect(ok.ok).toBe(true);
    expect(ok.detail).toMatch(/ordered transactions, all submitted by a gateway/);
  });

  it('names the block and the transaction when the chain carries one no client submitted', async () => {
    const c = await SimCluster.create({ seed: 5 });
    const ledger = c.sim.state<OrdererState>('orderer.techpulse')!.consenter.ledger;
    const last = blockOfDecision(ledger[ledger.length - 1]!);
    const txId = envelopesOf(last)[0]!.txId;
    // Forget that the gateway submitted it: to the checker the transaction came from nowhere.
    (c.submittedTxIds() as Set<string>).delete(txId);
    const bad = transactionsValid(c);
    expect(bad.ok).toBe(false);
    expect(bad.detail).toBe(`block ${last.header.number} carries transaction ${txId}, which no client submitted`);
  });
});
