/** SimCluster: determinism, metrics, selectors, the REST bodies and clear errors. */
import { describe, expect, it } from 'vitest';
import { SimCluster } from '../../../src/sim/cluster/sim-cluster.ts';

const cert = { certID: 'D-1', studentID: 's@x.demo', studentName: 'S', courseID: 'C', courseName: 'Course', issueDate: '2026-03-14', expiryDate: '2027-03-14' };

async function scenario(seed: number): Promise<string> {
  const c = await SimCluster.create({ seed });
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
    const c = await SimCluster.create({ seed: 9 });
    expect(c.metric('peer0.techpulse', 'ledger_blockchain_height').at(-1)?.value).toBe(3);
    const before = c.metric('peer0.dataforge', 'gossip_state_height').length;
    await c.stop('peer0.dataforge');
    await c.start('peer0.dataforge');
    expect(c.metric('peer0.dataforge', 'gossip_state_height').length).toBe(before);
    await c.issueCertificate('techpulse', cert);
    await c.sleep(1_000);
    expect(c.metric('peer0.dataforge', 'gossip_state_height').at(-1)?.value).toBe(4);
    expect(c.metric('peer0.dataforge', 'ledger_transaction_count', { channel: 'certchannel', transaction_type: 'ENDORSER_TRANSACTION', chaincode: 'certcontract:1.0', validation_code: 'VALID' }).at(-1)?.value).toBeGreaterThan(0);
    expect(c.sampleMetric('orderer.techpulse', 'consensus_BFT_committed_block_number', 500).at(-1)?.value).toBe(3);
  });

  it('endorsement failures: a duplicate ID is refused with 409 and counted; the policy needs 2 of 3 orgs', async () => {
    const c = await SimCluster.create({ seed: 10 });
    const dup = await c.issueRaw('techpulse', { ...cert, certID: 'TP-FSWD-001' });
    expect(dup).toMatchObject({ httpStatus: 409, body: { success: false, error: 'failed to endorse transaction: the certificate TP-FSWD-001 already exists' } });
    expect(c.metric('peer0.techpulse', 'endorser_endorsement_failures').at(-1)?.value).toBe(1);
    await c.stop('peer0.dataforge');
    await c.stop('peer0.org3');
    const r = await c.issueCertificate('techpulse', cert);
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/no combination of peers can be derived which satisfy the endorsement policy: implicit policy evaluation failed - 1 sub-policies were satisfied, but this policy requires 2 of the 'Endorsement' sub-policies to be satisfied \(unreachable: peer0\.dataforge, peer0\.org3\)/);
    const ok = await c.issueRaw('techpulse', { ...cert, certID: 'NEVER' });
    expect(ok.httpStatus).toBe(503);
  });

  it('selectors resolve to the current leader and followers; unknown names are refused', async () => {
    const c = await SimCluster.create({ seed: 11 });
    expect(await c.resolve('leader')).toEqual(['orderer.techpulse']);
    expect(await c.resolve('nextLeader')).toEqual(['orderer.dataforge']);
    expect(await c.resolve('followers')).toEqual(['orderer.dataforge', 'orderer.org3', 'orderer.ordering']);
    await expect(c.resolve('peer7.nowhere')).rejects.toThrow(/unknown node "peer7.nowhere"/);
    await c.stop('orderer.techpulse');
    expect(await c.waitUntil(async () => (await c.resolve('leader'))[0] === 'orderer.dataforge', 120_000)).toBe(true);
    expect(await c.ordererStatus('orderer.techpulse')).toMatchObject({ role: 'down', leader: null });
  });

  it('verify through the REST API returns the lab JSON shape', async () => {
    const c = await SimCluster.create({ seed: 12 });
    const v = await c.verifyRaw('TP-FSWD-001', 'dataforge');
    expect(v.httpStatus).toBe(200);
    expect(v.body).toMatchObject({ certID: 'TP-FSWD-001', status: 'VALID', verifiedAt: '2026-03-14', certificate: { courseName: 'Full Stack Web Development', issuer: 'TechpulseMSP' } });
    expect(await c.verifyCertificate('NOPE-1', 'org3')).toEqual({ status: 'NOT_FOUND' });
  });

  it('CouchDB stopped under a running peer: the peer dies (runtime CouchDB failures panic it) and cannot start until CouchDB is back', async () => {
    const c = await SimCluster.create({ seed: 13 });
    await c.stop('couchdb.dataforge');
    expect(await c.isUp('peer0.dataforge')).toBe(false);
    await expect(c.stateDocCount('couchdb.dataforge')).rejects.toThrow('CouchDB couchdb.dataforge is down');
    expect((await c.start('peer0.dataforge')).error).toMatch(/CouchDB couchdb\.dataforge is down/);
    await c.start('couchdb.dataforge');
    expect(await c.start('peer0.dataforge')).toEqual({ ok: true });
    expect(await c.stateDocCount('peer0.dataforge')).toBeGreaterThan(0);
  });

  it('state database deleted under a running peer: the peer runs on until a commit writes to it', async () => {
    const c = await SimCluster.create({ seed: 14 });
    expect(await c.dropStateDatabase('couchdb.org3')).toEqual({ ok: true });
    expect(await c.isUp('peer0.org3')).toBe(true);
    expect(await c.dropStateDatabase('couchdb.org3')).toEqual({ ok: false, error: '{"error":"not_found","reason":"Database does not exist."}' });
  });

  it('deleting a database on a stopped CouchDB fails as curl does, and deletes nothing', async () => {
    const c = await SimCluster.create({ seed: 15 });
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
    const c = await SimCluster.create({ seed: 16 });
    await expect(c.partition([['orderer.dataforg']])).rejects.toThrow(/unknown node "orderer\.dataforg"/);
  });

  it('with fewer than a quorum of orderers up, issuance fails and says why', async () => {
    const c = await SimCluster.create({ seed: 17 });
    await c.stop('orderer.org3');
    await c.stop('orderer.ordering');
    const r = await c.issueCertificate('techpulse', { certID: 'NO-QUORUM', studentID: 's', studentName: 'S', courseID: 'C', courseName: 'Course', issueDate: '2026-03-14', expiryDate: '2027-03-14' });
    expect(r.ok).toBe(false);
    // Fabric 3.x's Gateway (submit.go submitBFT) fails at once: 2 refused of 4, Q = 3.
    expect(r.error).toBe('failed to submit transaction to the ordering service: 14 UNAVAILABLE: insufficient number of orderers could successfully process transaction to satisfy quorum requirement');
  });

  it('consensus: raft orders through an elected leader; a crashed leader is replaced by an election', async () => {
    const c = await SimCluster.create({ seed: 18, topology: { orderers: 5, consensus: 'raft' } });
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
