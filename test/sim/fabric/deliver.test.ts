/** Fabric 3.x BFT deliverer: one block source, header receivers on the others, failover and censorship detection. */
import { describe, expect, it } from 'vitest';
import type { Certificate } from '../../../src/scenarios/cluster.ts';
import { blockHashesAgree, converged } from '../../../src/sim/cluster/checkers.ts';
import { SimCluster } from '../../../src/sim/cluster/sim-cluster.ts';
import type { PeerState } from '../../../src/sim/fabric/peer.ts';
import { endpointString } from '../../../src/sim/fabric/deliverclient.ts';

const cert = (certID: string): Certificate => ({ certID, studentID: 's@x.demo', studentName: 'S', courseID: 'C', courseName: 'Course', issueDate: '2026-03-14', expiryDate: '2027-03-14' });
const source = (c: SimCluster, p: string): string | null => c.sim.state<PeerState>(p)?.deliver?.source ?? null;
const text = async (c: SimCluster, n: string): Promise<string> => (await c.logs(n)).map((l) => l.text).join('\n');

describe('BFT deliverer (3.x)', () => {
  it("block source killed: the connection reset moves the peer to the next orderer after 100ms; no block is missed", async () => {
    const c = await SimCluster.create({ seed: 31, keep: { logs: true } });
    const src = source(c, 'peer0.org3') as string;
    expect(src).toMatch(/^orderer\./);
    await c.stop(src);
    const r = await c.issueCertificate('org3', cert('AFTER-KILL'));
    expect(r.ok).toBe(true);
    const log = await text(c, 'peer0.org3');
    // block_receiver.go: Start's goroutine, ProcessIncoming, then bft_deliverer.go FetchBlocks.
    expect(log).toContain(`WARN [BlockReceiver] func1 -> Encountered an error reading from deliver stream: rpc error: code = Unavailable desc = error reading from server: EOF orderer-address=${src}:7050`);
    expect(log).toContain(`WARN [BlockReceiver] ProcessIncoming -> Orderer hung up without sending status orderer-address=${src}:7050`);
    expect(log).toContain(`WARN [peer.blocksprovider] FetchBlocks -> Failure while processing incoming blocks: orderer \`${src}:7050\` hung up without sending status channel=certchannel`);
    expect(log).toContain('WARN [peer.blocksprovider] retryBackoff -> Failed to fetch blocks, count=1, round=0, going to retry in 100ms channel=certchannel');
    expect(source(c, 'peer0.org3')).not.toBe(src);
    expect((await converged(c, 5_000)).ok).toBe(true);
    expect(blockHashesAgree(c).ok).toBe(true);
  });

  it('the deliverer prints its endpoints as Fabric does: Address: host:port, CertHash: <MD5 of the TLS root certs>', async () => {
    const c = await SimCluster.create({ seed: 35, keep: { logs: true } });
    const line = (await c.logs('peer0.techpulse')).find((l) => l.kind === 'blocksprovider.refreshed');
    expect(line?.text).toMatch(/INFO \[peer\.blocksprovider\] refreshSources -> Refreshed endpoints: \[Address: orderer\.\w+:7050, CertHash: [0-9A-F]{32}( Address: orderer\.\w+:7050, CertHash: [0-9A-F]{32}){3}\] channel=certchannel$/);
  });

  it('block source censors (withholds blocks, headers flow from the others): suspicion, then after blockCensorshipTimeout 30s the peer switches and commits', async () => {
    const c = await SimCluster.create({ seed: 32, keep: { logs: true } });
    const src = source(c, 'peer0.techpulse') as string;
    expect((await c.setByzantine(src, 'censorDeliver')).ok).toBe(true);
    const r = await c.issueCertificate('dataforge', cert('CENSORED-1'));
    expect(r.ok).toBe(true);
    const block = r.block as number;
    const issuedAt = c.now();
    const got = await c.waitUntil(() => (c.sim.state<PeerState>('peer0.techpulse')?.ledger?.height ?? 0) > block, 40_000, 100);
    expect(got).toBe(true);
    const waited = c.now() - issuedAt;
    expect(waited).toBeGreaterThan(25_000);
    expect(waited).toBeLessThan(35_000);
    const log = await text(c, 'peer0.techpulse');
    const ep = endpointString(src, c.fabric.orderers.find((o) => o.id === src)?.org as string);
    expect(ep).toMatch(/^Address: orderer\.\w+:7050, CertHash: [0-9A-F]{32}$/);
    expect(log).toContain(`WARN [BFTCensorshipMonitor] Monitor -> Block censorship detected, block source endpoint: ${ep} channel=certchannel`);
    expect(log).toContain(`Censorship suspicion: block censorship detected, endpoint: ${ep}; going to retry fetching blocks from another orderer`);
    expect(source(c, 'peer0.techpulse')).not.toBe(src);
  });

  it('link to the block source cut: the header receivers reveal newer blocks and the monitor switches within the censorship timeout', async () => {
    const c = await SimCluster.create({ seed: 33, keep: { logs: true } });
    const src = source(c, 'peer0.dataforge') as string;
    c.sim.network.isolate(src, ['peer0.dataforge']);
    const r = await c.issueCertificate('techpulse', cert('CUT-1'));
    expect(r.ok).toBe(true);
    expect(await c.waitUntil(() => (c.sim.state<PeerState>('peer0.dataforge')?.ledger?.height ?? 0) > (r.block as number), 40_000)).toBe(true);
    expect(await text(c, 'peer0.dataforge')).toContain('Block censorship detected');
  });

  it('a cut shorter than the keepalive loses a block on the stream: the next block shows the gap and the peer reconnects from its height', async () => {
    const c = await SimCluster.create({ seed: 34, keep: { logs: true } });
    await c.partition([['peer0.dataforge']]);
    const missed = await c.issueCertificate('techpulse', cert('DURING-CUT'));
    expect(missed.ok).toBe(true);
    await c.heal();
    const next = await c.issueCertificate('techpulse', cert('AFTER-CUT'));
    expect(next.ok).toBe(true);
    expect(await c.waitUntil(() => (c.sim.state<PeerState>('peer0.dataforge')?.ledger?.height ?? 0) > (next.block as number), 5_000)).toBe(true);
    // VerifyBlock's number check, wrapped by processMsg and ProcessIncoming.
    expect(await text(c, 'peer0.dataforge')).toMatch(
      new RegExp(`Failure while processing incoming blocks: got error while attempting to receive blocks from orderer \`orderer\\.\\w+:7050\`: block \\[${next.block as number}\\] from orderer \\[Address: orderer\\.\\w+:7050, CertHash: [0-9A-F]{32}\\] could not be verified: expected block number is \\[${missed.block as number}\\] but actual block number inside block is \\[${next.block as number}\\] channel=certchannel`),
    );
    expect(blockHashesAgree(c).ok).toBe(true);
  });
});
