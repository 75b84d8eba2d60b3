/**
 * SimCluster's channel set-up: the lab's certificates are issued only once every org's
 * peer has committed the chaincode definition (as `approveformyorg --waitForEvent` waits on a
 * real channel). Seeds 486 and 477615 issued through a peer that had not yet committed it and
 * failed with `chaincode certcontract not found` (issue #11).
 */
import { describe, expect, it } from 'vitest';
import { SimCluster } from '../../../src/sim/cluster/sim-cluster.ts';

describe('SimCluster bootstrap', () => {
  it.each([486, 477615])('seed %i: the default network starts, every peer at the orderers\' height', async (seed) => {
    const c = await SimCluster.create({ seed });
    const heights = await Promise.all(c.topology.peers.map(async (p) => (await c.channelInfo(p)).height));
    expect(new Set(heights).size).toBe(1);
    expect(heights[0]).toBeGreaterThan(2);
  });
});
