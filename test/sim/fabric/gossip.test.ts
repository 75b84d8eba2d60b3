/**
 * The 2.x gossip path: org leaders pull from the orderers and push to their org; a
 * non-leader that falls 20+ blocks behind drops pushed blocks and, with state transfer
 * disabled (the default since 2.2), stays behind; anti-entropy closes the gap when enabled.
 */
import { describe, expect, it } from 'vitest';
import type { Certificate } from '../../../src/scenarios/cluster.ts';
import { blockHashesAgree, converged, stateMatchesLedger } from '../../../src/sim/cluster/checkers.ts';
import { SimCluster } from '../../../src/sim/cluster/sim-cluster.ts';
import type { PeerState } from '../../../src/sim/fabric/peer.ts';
import { pkiId } from '../../../src/sim/fabric/gossip.ts';

const cert = (certID: string): Certificate => ({ certID, studentID: 's@x.demo', studentName: 'S', courseID: 'C', courseName: 'Course', issueDate: '2026-03-14', expiryDate: '2027-03-14' });
const height = (c: SimCluster, p: string): number => c.sim.state<PeerState>(p)?.ledger?.height ?? -1;
const text = async (c: SimCluster, n: string): Promise<string> => (await c.logs(n)).map((l) => l.text).join('\n');

async function gossipCluster(seed: number, stateTransfer: boolean): Promise<SimCluster> {
  return SimCluster.create({ seed, keep: { logs: true }, topology: { peersPerOrg: 2, dissemination: 'gossip', gossip: { orgLeader: 'peer0', stateTransfer } } });
}

async function missBlocks(c: SimCluster, peer: string, n: number): Promise<number> {
  await c.stop(peer);
  const h = height(c, 'peer0.techpulse');
  for (let i = 0; i < n; i++) expect((await c.issueCertificate('dataforge', cert(`MISS-${i}`))).ok).toBe(true);
  await c.start(peer);
  return h;
}

describe('gossip path (2.x)', () => {
  it('leaders log that they disseminate; followers get every block by push', async () => {
    const c = await gossipCluster(41, false);
    expect(await text(c, 'peer0.techpulse')).toContain('This peer will retrieve blocks from ordering service and disseminate to other peers in the organization channel=certchannel');
    expect(await text(c, 'peer1.techpulse')).not.toContain('This peer will retrieve blocks');
    await c.issueCertificate('org3', cert('G-1'));
    expect((await converged(c, 5_000)).ok).toBe(true);
    expect(blockHashesAgree(c).ok).toBe(true);
  });

  it('a follower a few blocks behind catches up by pull of recent blocks, without state transfer', async () => {
    const c = await gossipCluster(42, false);
    await missBlocks(c, 'peer1.techpulse', 3);
    expect((await converged(c, 10_000)).ok).toBe(true);
  });

  it('state transfer disabled: a follower 25 blocks behind drops pushed blocks (20+ ahead) and stalls for good', async () => {
    const c = await gossipCluster(43, false);
    const stuck = await missBlocks(c, 'peer1.techpulse', 25);
    await c.issueCertificate('dataforge', cert('PUSHED'));
    await c.sleep(60_000);
    expect(height(c, 'peer1.techpulse')).toBe(stuck);
    expect(height(c, 'peer0.techpulse')).toBe(stuck + 26);
    expect(await text(c, 'peer1.techpulse')).toMatch(
      new RegExp(`WARN \\[gossip\\.state\\] queueNewMessage -> Block \\[${stuck + 25}\\] received from gossip wasn't added to payload buffer: Ledger height is at ${stuck}, cannot enqueue block with sequence of ${stuck + 25}`),
    );
    expect((await converged(c, 1_000)).detail).toContain(`peer1.techpulse stayed at height ${stuck}`);
  });

  it('state transfer disabled, more than 100 blocks behind: the straggler warning', async () => {
    const c = await gossipCluster(44, false);
    const stuck = await missBlocks(c, 'peer1.org3', 102);
    await c.issueCertificate('dataforge', cert('PUSHED'));
    await c.sleep(5_000);
    expect(await text(c, 'peer1.org3')).toContain(
      `[certchannel] Current block height (${stuck}) is too far behind other peers at height (${stuck + 103}) to be able to receive blocks without state transfer which is disabled in the configuration (peer.gossip.state.enabled = false).`,
    );
  });

  it('state transfer enabled: anti-entropy (every 10s, batches of 10) brings the same follower back', async () => {
    const c = await gossipCluster(45, true);
    await missBlocks(c, 'peer1.techpulse', 25);
    expect((await converged(c, 40_000)).ok).toBe(true);
    expect(blockHashesAgree(c).ok).toBe(true);
    expect(stateMatchesLedger(c, 'peer1.techpulse').ok).toBe(true);
  });

  it('leader election: the lowest PKI-ID leads (not the lowest name); when it dies the next peer becomes leader and delivery continues', async () => {
    // sha256("TechpulseMSP" + id): peer1.techpulse d044..., peer0.techpulse d1bc...
    expect(pkiId('techpulse', 'peer1.techpulse') < pkiId('techpulse', 'peer0.techpulse')).toBe(true);
    expect(pkiId('techpulse', 'peer0.techpulse')).toMatch(/^d1bc3273[0-9a-f]{56}$/);
    const c = await SimCluster.create({ seed: 46, keep: { logs: true }, topology: { peersPerOrg: 2, dissemination: 'gossip', gossip: { orgLeader: 'election' } } });
    // election.go beLeader: le.logger.Info(le.id, ": Becoming a leader"), the PKI-ID in hex.
    expect(await text(c, 'peer1.techpulse')).toContain(`INFO [gossip.election] beLeader -> ${pkiId('techpulse', 'peer1.techpulse')} : Becoming a leader`);
    expect(await text(c, 'peer0.techpulse')).not.toContain('Becoming a leader');
    await c.stop('peer1.techpulse');
    await c.sleep(20_000);
    const log = await text(c, 'peer0.techpulse');
    expect(log).toContain(`${pkiId('techpulse', 'peer0.techpulse')} : Becoming a leader`);
    expect(log).toContain('Elected as a leader, starting delivery service for channel certchannel');
    const r = await c.issueCertificate('dataforge', cert('AFTER-FAILOVER'));
    expect(r.ok).toBe(true);
    expect(await c.waitUntil(() => height(c, 'peer0.techpulse') > (r.block as number), 5_000)).toBe(true);
  });
});
