/**
 * A real channel's set-up: the `_lifecycle` flow (install, approveformyorg per org, commit)
 * as fabric-samples test-network's deployCC runs it, the implicit private data collections
 * it writes, and what rebuild-dbs and reset do to them. Test names follow the Fabric tests
 * or rules they mirror (core/chaincode/lifecycle, core/ledger/kvledger/txmgmt/statedb/statecouchdb).
 */
import { describe, expect, it } from 'vitest';
import { stateMatchesLedger } from '../../../src/sim/cluster/checkers.ts';
import { SimCluster } from '../../../src/sim/cluster/sim-cluster.ts';
import { envelopesOf, type StoredBlock } from '../../../src/sim/fabric/block.ts';
import { APPROVE_FN, approvalKeys, COMMIT_FN, simulate, type StateReader } from '../../../src/sim/fabric/chaincode.ts';
import { CouchInstance, namespaceDbName } from '../../../src/sim/fabric/couchdb.ts';
import { BLOCKS_KEY } from '../../../src/sim/fabric/kvledger.ts';
import { initialCertificates } from '../../../src/shared/certificate.ts';

const H = (msp: string): string => `certchannel__lifecycle$$h_implicit_org_${msp}`;
const P = (msp: string): string => `certchannel__lifecycle$$p_implicit_org_${msp}`;
const MSPS = ['$techpulse$m$s$p', '$dataforge$m$s$p', '$org3$m$s$p'];

const empty: StateReader = { get: () => undefined, query: () => [] };
const text = async (c: SimCluster, n: string): Promise<string> => (await c.logs(n)).map((l) => l.text).join('\n');
const dbs = (c: SimCluster, p: string): string[] => CouchInstance.load(c.sim.durable(p)).allDbs();

describe('constructNamespaceDBName (statecouchdb/couchdbutil.go; TestConstructNamespaceDBName)', () => {
  it('escapeUpperCase: each capital becomes $ and its lower case; `$$` joins the collection; mapAndValidateDatabaseName turns . into $', () => {
    expect(namespaceDbName('_lifecycle$$h_implicit_org_TechpulseMSP')).toBe('certchannel__lifecycle$$h_implicit_org_$techpulse$m$s$p');
    expect(namespaceDbName('_lifecycle$$p_implicit_org_Org3MSP')).toBe('certchannel__lifecycle$$p_implicit_org_$org3$m$s$p');
    expect(namespaceDbName('my.CC')).toBe('certchannel_my$$c$c');
  });
});

describe('_lifecycle functions (lifecycle.go; TestApproveChaincodeDefinitionForOrg, TestCommitChaincodeDefinition)', () => {
  const inv = (fn: string, seq: string, msp = 'TechpulseMSP') => ({ chaincode: '_lifecycle', fn, args: ['certcontract', '1.0', seq, 'MAJORITY Endorsement'], creatorMsp: msp, timestampMs: 0 });

  it('an approval writes its definition and package id to the org\'s implicit collection: hashes in the block, values kept aside', () => {
    const r = simulate(inv(APPROVE_FN, '1'), empty);
    expect(r.status).toBe(200);
    const keys = approvalKeys('certcontract', 1);
    expect(r.pvt?.map((c) => [c.ns, c.coll, c.writes.map((w) => w.key)])).toEqual([
      ['_lifecycle', '_implicit_org_TechpulseMSP', [...keys.fields, keys.metadata, ...keys.sourceFields, keys.sourceMetadata]],
    ]);
    expect(r.rwset).toHaveLength(1);
    expect(r.rwset[0]?.writes).toEqual([]);
    expect(r.rwset[0]?.collHashed?.[0]?.coll).toBe('_implicit_org_TechpulseMSP');
    expect(r.rwset[0]?.collHashed?.[0]?.hashedWrites).toHaveLength(6);
    expect(r.rwset[0]?.reads.map((x) => x.key)).toEqual(['namespaces/fields/certcontract/Sequence']);
    expect(JSON.stringify(r.rwset)).not.toContain('certcontract#1');
  });

  it('sequence rules: 0 is not definable, nor one past the next', () => {
    expect(simulate(inv(APPROVE_FN, '0'), empty).message).toBe('requested sequence is 0, but first definable sequence number is 1');
    expect(simulate(inv(APPROVE_FN, '3'), empty).message).toBe('requested sequence 3 is larger than the next available sequence number 1');
  });

  it('commit without the committing org\'s approval: chaincode definition not agreed to by this org', () => {
    expect(simulate(inv(COMMIT_FN, '1', 'DataforgeMSP'), empty).message).toBe('chaincode definition not agreed to by this org (DataforgeMSP)');
  });
});

describe('bootstrap: a real channel\'s set-up (test-network deployCC)', () => {
  // The initial certificates are submitted together; SmartBFT cuts them into block 5 with the built-in profile (endorsements
  // of 1 ms: all eight reach the leader within its 50 ms batch interval). The real `net up` has done that ("the lab's initial
  // certificates issued in block 5") and more often cut 7 + 1 into blocks 5 and 6 (three calibrate runs of 2026-12-03).
  it('one block per approveformyorg, in org order, then the commit: the initial certificates come after, from block 5', async () => {
    const c = await SimCluster.create({ seed: 1, keep: { logs: true } });
    const blocks = c.sim.durable('peer0.org3').get<StoredBlock[]>(BLOCKS_KEY) ?? [];
    const txs = blocks.map((sb) => envelopesOf(sb.block).map((e) => (e === null ? '?' : `${e.type === 'CONFIG' ? 'CONFIG' : `${e.creator} ${e.fn}`}`)));
    expect(txs.slice(0, 5)).toEqual([['CONFIG'], [`techpulse ${APPROVE_FN}`], [`dataforge ${APPROVE_FN}`], [`org3 ${APPROVE_FN}`], [`techpulse ${COMMIT_FN}`]]);
    expect(blocks.slice(0, 5).every((sb) => sb.flags.every((f) => f === 0))).toBe(true);
    expect(txs.slice(5).flat().every((t) => t.endsWith('IssueCertificate'))).toBe(true);
    expect(txs.slice(5).flat()).toHaveLength(c.topology.orgs.flatMap((org) => initialCertificates(org)).length);
    expect((await c.channelInfo('peer0.techpulse')).height).toBe(6);
  });

  it('every peer holds every org\'s hashes ($$h); each org\'s values ($$p) only on its own peer', async () => {
    const c = await SimCluster.create({ seed: 2, keep: { logs: true } });
    const peers = ['peer0.techpulse', 'peer0.dataforge', 'peer0.org3'];
    peers.forEach((p, i) => {
      const have = dbs(c, p);
      for (const m of MSPS) expect(have).toContain(H(m));
      expect(have.filter((d) => d.includes('$$p'))).toEqual([P(MSPS[i] as string)]);
      expect(c.dbInfo(p, P(MSPS[i] as string))?.doc_count).toBe(6);
      expect(c.dbInfo(p, H(MSPS[0] as string))?.doc_count).toBe(6);
      expect(stateMatchesLedger(c, p).ok).toBe(true);
    });
  });
});

describe('rebuild-dbs and reset with private data (kvledger rebuild_dbs.go, drop_dbs.go, kv_ledger.go)', () => {
  it('rebuild-dbs drops every $$h and $$p database; the replay recreates them, logged as Fabric logs them, $$p from the private data store it kept', async () => {
    const c = await SimCluster.create({ seed: 3, keep: { logs: true } });
    const p = 'peer0.dataforge';
    await c.stop(p);
    expect(await c.rebuildDbs(p)).toEqual({ ok: true });
    expect(dbs(c, p)).toEqual([]);
    await c.start(p);
    const log = await text(c, p);
    for (const m of MSPS) expect(log).toContain(`[couchdb] createDatabaseIfNotExist -> Created state database ${H(m)}`);
    expect(log).toContain(`Created state database ${P('$dataforge$m$s$p')}`);
    expect(log).not.toContain(P('$techpulse$m$s$p'));
    expect(c.dbInfo(p, P('$dataforge$m$s$p'))?.doc_count).toBe(6);
    expect(stateMatchesLedger(c, p)).toMatchObject({ ok: true });
  });

  it('reset then rebuild-dbs: the refetched approval blocks take their private values from the private data store (CommitLegacy FetchPvtDataFromLedger)', async () => {
    const c = await SimCluster.create({ seed: 4, keep: { logs: true } });
    const p = 'peer0.org3';
    await c.stop(p);
    expect(await c.resetLedger(p)).toEqual({ ok: true });
    expect(await c.rebuildDbs(p)).toEqual({ ok: true });
    await c.start(p);
    expect(await c.waitUntil(async () => (await c.channelInfo(p)).height >= 6, 60_000)).toBe(true);
    expect(c.dbInfo(p, P('$org3$m$s$p'))?.doc_count).toBe(6);
    expect(stateMatchesLedger(c, p)).toMatchObject({ ok: true });
  });
});
