/** Fabric's metric names and when they move (reference section 7). */
import { describe, expect, it } from 'vitest';
import type { TraceRecord } from '../../../src/sim/kernel/index.ts';
import { BftCluster } from './harness.ts';

function metric(records: readonly TraceRecord[], node: string, name: string): number[] {
  const out: number[] = [];
  for (const r of records) {
    if (r.k !== 'event' || r.node !== node) continue;
    const e = r.e as { type: string; name?: string; value?: number };
    if (e.type === 'metric' && e.name === name) out.push(e.value as number);
  }
  return out;
}

describe('metrics', () => {
  it('committed block, leader and view gauges follow Fabric; sync-written blocks do not move the committed gauge', () => {
    const c = new BftCluster({ n: 4, keep: true });
    c.submit('c', 1);
    c.run(1_000);
    expect(metric(c.records, 'orderer2', 'consensus_BFT_committed_block_number')).toEqual([0, 1]);
    expect(metric(c.records, 'orderer2', 'consensus_BFT_leader_id').at(-1)).toBe(1);
    expect(metric(c.records, 'orderer1', 'consensus_BFT_is_leader').at(-1)).toBe(1);
    expect(metric(c.records, 'orderer2', 'consensus_BFT_is_leader').at(-1)).toBe(0);
    // Leader crash: view 1; the leader gauges stay stale until the next block, as in Fabric.
    c.sim.crash('orderer1');
    c.run(70_000);
    expect(metric(c.records, 'orderer2', 'consensus_smartbft_view_number').at(-1)).toBe(1);
    expect(metric(c.records, 'orderer2', 'consensus_smartbft_viewchange_real_view').at(-1)).toBe(1);
    expect(metric(c.records, 'orderer2', 'consensus_BFT_leader_id').at(-1)).toBe(1);
    expect(metric(c.records, 'orderer2', 'consensus_BFT_is_leader').at(-1)).toBe(0);
    c.submit('c', 1);
    c.run(1_000);
    expect(metric(c.records, 'orderer2', 'consensus_BFT_leader_id').at(-1)).toBe(2);
    expect(metric(c.records, 'orderer2', 'consensus_BFT_is_leader').at(-1)).toBe(1);
    expect(metric(c.records, 'orderer2', 'sim_smartbft_viewchange_total').at(-1)).toBe(1);
    // The old leader restarts behind and syncs: its committed gauge stays at what consensus wrote.
    c.sim.restart('orderer1');
    c.run(30_000);
    expect(c.height(1)).toBe(2);
    expect(metric(c.records, 'orderer1', 'consensus_BFT_committed_block_number').at(-1)).toBe(1);
    expect(metric(c.records, 'orderer1', 'consensus_smartbft_consensus_latency_sync_count').at(-1)).toBeGreaterThanOrEqual(1);
  });
});
