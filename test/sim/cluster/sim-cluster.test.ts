/** SimCluster: determinism, metrics, selectors, the REST bodies and clear errors. */
import { describe, expect, it } from 'vitest';
import { SimCluster } from '../../../src/sim/cluster/sim-cluster.ts';
import type { PeerState } from '../../../src/sim/fabric/peer.ts';

const cert = { certID: 'D-1', studentID: 's@x.demo', studentName: 'S', courseID: 'C', courseName: 'Course', issueDate: '2026-03-14', expiryDate: '2027-03-14' };

async function scenario(seed: number): Promise<string> {
  const c = await SimCluster.create({ seed, keep: { logs: true, metrics: true } });
  await c.stop('peer0.org3');
  await c.issueCertificate('techpulse', cert);
  await c.start('peer0.org3');
  await c.sleep(5_000);
  return c.traceHash();
}

describe('SimCluster', () => {
  it('same seed, same trace hash; another seed, another run', async () => {
    const a = await scenario(7);
    expect(await scenario(7)).toBe(a);
    expect(await scenario(8)).not.toBe(a);
  });

  it('metrics: ledger height per peer; gossip_state_height is absent after a restart until the first commit', async () => {
    const c = await SimCluster.create({ seed: 9, keep: { logs: true, metrics: true } });
    // Genesis, three approvals, the commit, the initial certificates (in one block, 5).
    expect(c.metric('peer0.techpulse', 'ledger_blockchain_height').at(-1)?.value).toBe(6);
    const before = c.metric('peer0.dataforge', 'gossip_state_height').length;
    await c.stop('peer0.dataforge');
    await c.start('peer0.dataforge');
    expect(c.metric('peer0.dataforge', 'gossip_state_height').length).toBe(before);
    await c.issueCertificate('techpulse', cert);
    await c.sleep(1_000);
    expect(c.metric('peer0.dataforge', 'gossip_state_height').at(-1)?.value).toBe(7);
    expect(c.metric('peer0.dataforge', 'ledger_transaction_count', { channel: 'certchannel', transaction_type: 'ENDORSER_TRANSACTION', chaincode: 'certcontract:1.0', validation_code: 'VALID' }).at(-1)?.value).toBeGreaterThan(0);
    expect(c.sampleMetric('orderer.techpulse', 'consensus_BFT_committed_block_number', 500).at(-1)?.value).toBe(6);
  });

  it('endorsement failures: a duplicate ID is refused with 409 and counted; the policy needs 2 of 3 orgs', async () => {
    const c = await SimCluster.create({ seed: 10, keep: { logs: true, metrics: true } });
    const dup = await c.issueRaw('techpulse', { ...cert, certID: 'TP-FSWD-001' });
    expect(dup).toMatchObject({ httpStatus: 409, body: { success: false, error: 'failed to endorse transaction: the certificate TP-FSWD-001 already exists' } });
    expect(c.metric('peer0.techpulse', 'endorser_endorsement_failures').at(-1)?.value).toBe(1);
    await c.stop('peer0.dataforge');
    await c.stop('peer0.org3');
    // endorse.go: the gateway peer endorses first, then a layout's other org; each stopped
    // peer refuses the dial, its layout is abandoned, and with none left the endorsement fails
    // at once with both peers' ErrorDetails.
    const r = await c.issueRaw('techpulse', cert);
    expect(r).toMatchObject({ httpStatus: 503, body: { success: false, error: 'failed to endorse transaction: failed to collect enough transaction endorsements, see attached details for more info' } });
    const details = (r.body['details'] as { address: string; message: string }[]).map((d) => d.address).sort();
    expect(details).toEqual(['peer0.dataforge:7051', 'peer0.org3:7051']);
    expect((r.body['details'] as { message: string }[])[0]?.message).toMatch(/connect: connection refused/);
    const ok = await c.issueRaw('techpulse', { ...cert, certID: 'NEVER' });
    expect(ok.httpStatus).toBe(503);
  });

  it('selectors resolve to the current leader and followers; unknown names are refused', async () => {
    const c = await SimCluster.create({ seed: 11, keep: { logs: true, metrics: true } });
    expect(await c.resolve('leader')).toEqual(['orderer.techpulse']);
    expect(await c.resolve('nextLeader')).toEqual(['orderer.dataforge']);
    expect(await c.resolve('followers')).toEqual(['orderer.dataforge', 'orderer.org3', 'orderer.ordering']);
    await expect(c.resolve('peer7.nowhere')).rejects.toThrow(/^unknown node or selector "peer7.nowhere" \(nodes: orderer.techpulse, .*, couchdb.techpulse, .*; selectors: leader, /);
    await c.stop('orderer.techpulse');
    expect(await c.waitUntil(async () => (await c.resolve('leader'))[0] === 'orderer.dataforge', 120_000)).toBe(true);
    expect(await c.ordererStatus('orderer.techpulse')).toMatchObject({ role: 'down', leader: null });
  });

  it('issue and revoke through the REST API answer with the record the ledger holds (the chaincode payload, parsed)', async () => {
    const c = await SimCluster.create({ seed: 12 });
    const stored = (): string | undefined => c.sim.state<PeerState>('peer0.techpulse')?.ledger?.couch.stored('certchannel_certcontract', 'D-1')?.value;
    const issued = await c.issueRaw('techpulse', cert);
    expect(issued.httpStatus).toBe(201);
    await c.waitUntil(() => stored() !== undefined, 10_000);
    expect(JSON.stringify(issued.body['certificate'])).toBe(stored());
    expect(issued.body['certificate']).toEqual({ docType: 'certificate', ...cert, issuer: 'TechpulseMSP', revoked: false });
    const revoked = await c.world.request('techpulse', { type: 'revoke', requestId: '', certID: 'D-1' });
    expect(revoked.httpStatus).toBe(200);
    await c.waitUntil(() => stored()?.includes('"revoked":true') === true, 10_000);
    expect(JSON.stringify(revoked.body['certificate'])).toBe(stored());
  });

  it('verify through the REST API returns the lab JSON shape', async () => {
    const c = await SimCluster.create({ seed: 12, keep: { logs: true, metrics: true } });
    const v = await c.verifyRaw('TP-FSWD-001', 'dataforge');
    expect(v.httpStatus).toBe(200);
    expect(v.body).toMatchObject({ certID: 'TP-FSWD-001', status: 'VALID', verifiedAt: '2026-03-14', certificate: { courseName: 'Full Stack Web Development', issuer: 'TechpulseMSP' } });
    expect(await c.verifyCertificate('NOPE-1', 'org3')).toEqual({ status: 'NOT_FOUND' });
  });

  it('CouchDB stopped under a running peer: the peer panics, and started with CouchDB down it panics in the ledger provider and crash-loops until CouchDB is back', async () => {
    const c = await SimCluster.create({ seed: 13, keep: { logs: true, metrics: true } });
    await c.stop('couchdb.dataforge');
    expect(await c.isUp('peer0.dataforge')).toBe(false);
    await expect(c.stateDocCount('couchdb.dataforge')).rejects.toThrow('CouchDB couchdb.dataforge is down');
    const t0 = c.now();
    const r = await c.start('peer0.dataforge');
    // core/ledger/ledgermgmt/ledger_mgmt.go:85, after verifyCouchConfig's 11 attempts (125 ms doubling).
    expect(r.error).toBe(
      'peer0.dataforge exited: panic: Error in instantiating ledger provider: unable to connect to CouchDB, check the hostname and port: http error calling couchdb: Get "http://couchdb.dataforge:5984/": dial tcp couchdb.dataforge:5984: connect: connection refused',
    );
    expect(c.now() - t0).toBeGreaterThan(127_000);
    const lines = (await c.logs('peer0.dataforge')).map((l) => l.message);
    expect(lines.filter((t) => /Attempt \d+ of 11 returned error/.test(t))).toHaveLength(11);
    expect(lines.some((t) => /Loading chain|Opened ledger|Starting peer/.test(t))).toBe(false);
    // Not scaled to 0: the kubelet restarts it after its back-off, and once CouchDB is back it runs.
    await c.start('couchdb.dataforge');
    expect(await c.isUp('peer0.dataforge')).toBe(false);
    await c.sleep(21_000);
    expect(await c.isUp('peer0.dataforge')).toBe(true);
    expect(await c.stateDocCount('peer0.dataforge')).toBeGreaterThan(0);
  });

  it('CrashLoopBackOff: a container that dies by itself restarts after 10 s, 20 s, 40 s...; a stopped one (scaled to 0) stays down', async () => {
    const c = await SimCluster.create({ seed: 13, keep: { logs: true, metrics: true } });
    await c.stop('couchdb.dataforge');
    const t0 = c.now();
    const at = async (s: number): Promise<number> => {
      await c.sleep(t0 + s * 1000 - c.now());
      return c.restarts('peer0.dataforge');
    };
    // Panic at t0; restart at +10 s, which retries CouchDB for ~128 s and panics; then +20 s, then +40 s.
    expect(await at(9)).toBe(0);
    expect(await at(11)).toBe(1);
    expect(await at(157)).toBe(1);
    expect(await at(159)).toBe(2);
    expect(await at(325)).toBe(2);
    expect(await at(327)).toBe(3);
    expect(await c.isUp('peer0.dataforge')).toBe(false);

    await c.stop('peer0.techpulse');
    await c.sleep(600_000);
    expect(await c.isUp('peer0.techpulse')).toBe(false);
    expect(c.restarts('peer0.techpulse')).toBe(0);
  });

  it('a peer that panics by itself (its state database deleted under it) is restarted by the kubelet without a start', async () => {
    const c = await SimCluster.create({ seed: 14, keep: { logs: true, metrics: true } });
    expect(await c.dropStateDatabase('peer0.org3')).toEqual({ ok: true });
    expect((await c.issueCertificate('dataforge', { certID: 'P-1', studentID: 's', studentName: 'S', courseID: 'C', courseName: 'Course', issueDate: '2026-03-14', expiryDate: '2027-03-14' })).ok).toBe(true);
    await c.sleep(1_000);
    expect(await c.isUp('peer0.org3')).toBe(false);
    await c.sleep(10_000);
    expect(await c.isUp('peer0.org3')).toBe(true);
    expect(c.restarts('peer0.org3')).toBe(1);
  });

  it('state database deleted under a running peer: the peer runs on until a commit writes to it', async () => {
    const c = await SimCluster.create({ seed: 14, keep: { logs: true, metrics: true } });
    expect(await c.dropStateDatabase('couchdb.org3')).toEqual({ ok: true });
    expect(await c.isUp('peer0.org3')).toBe(true);
    expect(await c.dropStateDatabase('couchdb.org3')).toEqual({ ok: false, error: '{"error":"not_found","reason":"Database does not exist."}' });
  });

  it('deleting a database on a stopped CouchDB fails as curl does, and deletes nothing', async () => {
    const c = await SimCluster.create({ seed: 15, keep: { logs: true, metrics: true } });
    const before = await c.stateDocCount('peer0.techpulse');
    await c.stop('peer0.techpulse');
    await c.stop('couchdb.techpulse');
    const r = await c.dropStateDatabase('peer0.techpulse');
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/Failed to connect to couchdb\.techpulse port 5984: Connection refused/);
    await c.start('couchdb.techpulse');
    expect(await c.stateDocCount('peer0.techpulse')).toBe(before);
  });

  it('a partition naming an unknown node is refused instead of silently cutting nothing', async () => {
    const c = await SimCluster.create({ seed: 16, keep: { logs: true, metrics: true } });
    await expect(c.partition([['orderer.dataforg']])).rejects.toThrow(/unknown node "orderer\.dataforg"/);
  });

  it('with fewer than a quorum of orderers up, issuance fails and says why', async () => {
    const c = await SimCluster.create({ seed: 17, keep: { logs: true, metrics: true } });
    await c.stop('orderer.org3');
    await c.stop('orderer.ordering');
    const r = await c.issueCertificate('techpulse', { certID: 'NO-QUORUM', studentID: 's', studentName: 'S', courseID: 'C', courseName: 'Course', issueDate: '2026-03-14', expiryDate: '2027-03-14' });
    expect(r.ok).toBe(false);
    // Fabric 3.x's Gateway (submit.go submitBFT) fails at once: 2 refused of 4, Q = 3.
    expect(r.error).toBe('failed to submit transaction to the ordering service: 14 UNAVAILABLE: insufficient number of orderers could successfully process transaction to satisfy quorum requirement');
  });

  it('consensus: raft orders through an elected leader; a crashed leader is replaced by an election', async () => {
    const c = await SimCluster.create({ seed: 18, keep: { logs: true, metrics: true }, topology: { orderers: 5, consensus: 'raft' } });
    const [leader] = await c.resolve('leader');
    expect((await c.ordererStatus(leader as string)).role).toBe('leader');
    await expect(c.resolve('nextLeader')).rejects.toThrow(/leaders are elected/);
    await c.stop(leader as string);
    await c.sleep(15_000);
    const [next] = await c.resolve('leader');
    expect(next).not.toBe(leader);
    const r = await c.issueCertificate('org3', { certID: 'RAFT-1', studentID: 's', studentName: 'S', courseID: 'C', courseName: 'Course', issueDate: '2026-03-14', expiryDate: '2027-03-14' });
    expect(r.ok).toBe(true);
    expect((await c.verifyCertificate('RAFT-1', 'techpulse')).status).toBe('VALID');
    expect((await c.setByzantine(next as string, 'corruptProposal')).error).toMatch(/unknown Byzantine behaviour "corruptProposal"/);
  });
});
