/**
 * Offline peer commands and state-database loss beyond the lab: reset, rollback, a CouchDB
 * database destroyed without rebuild-dbs, and a lost savepoint.
 */
import { describe, expect, it } from 'vitest';
import type { Certificate } from '../../../src/scenarios/cluster.ts';
import { stateMatchesLedger } from '../../../src/sim/cluster/checkers.ts';
import { SimCluster } from '../../../src/sim/cluster/sim-cluster.ts';
import { deleteDatabase } from '../../../src/sim/fabric/couchdb.ts';
import { BLOCKS_KEY, INDEX_KEY, PRE_RESET_KEY } from '../../../src/sim/fabric/kvledger.ts';
import { FILE_LOCK_ERROR, resetLedger, rollbackLedger } from '../../../src/sim/fabric/offline.ts';

const cert = (certID: string): Certificate => ({ certID, studentID: 's@techpulse.demo', studentName: 'S', courseID: 'C', courseName: 'Course', issueDate: '2026-03-14', expiryDate: '2027-03-14' });

async function withBlocks(seed: number, extra: number): Promise<SimCluster> {
  const c = await SimCluster.create({ seed, keep: { logs: true } });
  for (let i = 0; i < extra; i++) expect((await c.issueCertificate('dataforge', cert(`R-${i}`))).ok).toBe(true);
  await c.sleep(1_000);
  return c;
}

const text = async (c: SimCluster, n: string): Promise<string> => (await c.logs(n)).map((l) => l.text).join('\n');

describe('peer node reset', () => {
  it('without dropping CouchDB the ledger does not open: the state database is ahead of the block store; the peer runs without the channel', async () => {
    const c = await withBlocks(21, 2);
    const height = (await c.channelInfo('peer0.techpulse')).height;
    expect(await c.resetLedger('peer0.techpulse')).toMatchObject({ ok: false, error: expect.stringContaining('another peer node command is executing') });
    await c.stop('peer0.techpulse');
    expect(await c.resetLedger('peer0.techpulse')).toEqual({ ok: true });
    await c.start('peer0.techpulse');
    const log = await text(c, 'peer0.techpulse');
    expect(log).toContain(
      `ERRO [peer] Initialize -> Failed to load ledger certchannel(the state database [height=${height}] is ahead of the block store [height=1]. This is possible when the state database is not dropped after a ledger reset/rollback. The state database can safely be dropped and will be rebuilt up to block store height upon the next peer start)`,
    );
    expect(log).toContain('Started peer with ID=[peer0.techpulse]');
    await expect(c.channelInfo('peer0.techpulse')).rejects.toThrow(/channel certchannel not found/);
    expect((await c.verifyCertificate('TP-FSWD-001', 'techpulse')).error).toMatch(/channel 'certchannel' not found/);
  });

  it('with rebuild-dbs after reset: blocks come again from the orderers, endorsement is blocked until the pre-reset height is reached, then enabled', async () => {
    const c = await withBlocks(22, 2);
    const height = (await c.channelInfo('peer0.techpulse')).height;
    await c.stop('peer0.techpulse');
    await c.resetLedger('peer0.techpulse');
    await c.rebuildDbs('peer0.techpulse');
    await c.start('peer0.techpulse');
    let log = await text(c, 'peer0.techpulse');
    expect(log).toContain('Start building index from block [0] to last block [0]');
    expect(log).toContain(`Ledger rebuild: channel [certchannel]: preresetHeight: [${height}]`);
    expect(log).toContain('Ledger rebuild: Entering loop to check if current ledger heights surpass prereset ledger heights. Endorsement request processing will be disabled.');
    const blocked = await c.issueCertificate('techpulse', cert('DURING-REBUILD'));
    expect(blocked.error).toContain('endorse requests are blocked while ledgers are being rebuilt');

    await c.sleep(10_500);
    log = await text(c, 'peer0.techpulse');
    expect(log).toContain('Ledger rebuild: Checking if current ledger heights surpass prereset ledger heights');
    expect(log).toContain('Ledger rebuild: Complete, all ledgers surpass prereset heights. Endorsement request processing will be enabled.');
    expect((await c.channelInfo('peer0.techpulse')).height).toBeGreaterThanOrEqual(height);
    expect((await c.issueCertificate('techpulse', cert('AFTER-REBUILD'))).ok).toBe(true);
    expect(stateMatchesLedger(c, 'peer0.techpulse').ok).toBe(true);
  });
});

describe('peer node rollback', () => {
  it('-b N truncates to block N and needs the state dropped too; a target at the tip is refused', async () => {
    const c = await withBlocks(23, 2);
    const height = (await c.channelInfo('peer0.org3')).height;
    await c.stop('peer0.org3');
    expect(await c.rollbackLedger('peer0.org3', height - 1)).toEqual({ ok: false, error: `target block number [${height - 1}] should be less than the biggest block number [${height - 1}]` });
    expect(await c.rollbackLedger('peer0.org3', 2)).toEqual({ ok: true });
    await c.start('peer0.org3');
    expect(await text(c, 'peer0.org3')).toContain(`the state database [height=${height}] is ahead of the block store [height=3]`);
    await c.stop('peer0.org3');
    await c.rebuildDbs('peer0.org3');
    await c.start('peer0.org3');
    await c.sleep(11_000);
    expect((await c.channelInfo('peer0.org3')).height).toBe(height);
    expect(stateMatchesLedger(c, 'peer0.org3').ok).toBe(true);
  });
});

describe('state database destroyed without rebuild-dbs', () => {
  it('only certchannel_certcontract deleted: the savepoint says the state is current, so nothing is replayed; the DB is recreated empty on first use and the peer silently answers NOT_FOUND', async () => {
    const c = await SimCluster.create({ seed: 24, keep: { logs: true } });
    await c.stop('peer0.techpulse');
    await c.dropStateDatabase('peer0.techpulse');
    await c.start('peer0.techpulse');
    const log = await text(c, 'peer0.techpulse');
    expect(log).toContain('Opened ledger with id = certchannel');
    expect(log).not.toContain('Recommitting lost blocks');
    expect(await c.verifyCertificate('TP-FSWD-001', 'techpulse')).toMatchObject({ status: 'NOT_FOUND' });
    expect(await text(c, 'peer0.techpulse')).toContain('Created state database certchannel_certcontract');
    expect(await c.stateDocCount('peer0.techpulse')).toBe(0);
    expect(await c.verifyCertificate('TP-FSWD-001', 'dataforge')).toMatchObject({ status: 'VALID' });
    const check = stateMatchesLedger(c, 'peer0.techpulse');
    expect(check.ok).toBe(false);
    expect(check.detail).toMatch(/certchannel_certcontract doc_count is 0, the ledger gives \d+/);
  });

  it('the metadata database (savepoint) lost as well: the peer replays every block on start, as after rebuild-dbs', async () => {
    const c = await SimCluster.create({ seed: 25, keep: { logs: true } });
    const before = await c.stateDocCount('peer0.dataforge');
    await c.stop('peer0.dataforge');
    await c.dropStateDatabase('peer0.dataforge');
    deleteDatabase(c.sim.durable('peer0.dataforge'), 'certchannel_');
    await c.start('peer0.dataforge');
    expect(await text(c, 'peer0.dataforge')).toMatch(/Recommitting lost blocks - firstBlockNum=0, lastBlockNum=5/);
    expect(await c.stateDocCount('peer0.dataforge')).toBe(before);
    expect(stateMatchesLedger(c, 'peer0.dataforge').ok).toBe(true);
  });

  it('only fabric__internal lost while other databases remain: the data format check fails and the peer does not start', async () => {
    const c = await SimCluster.create({ seed: 26, keep: { logs: true } });
    await c.stop('peer0.org3');
    deleteDatabase(c.sim.durable('peer0.org3'), 'fabric__internal');
    expect(await c.start('peer0.org3')).toEqual({
      ok: false,
      error: 'peer0.org3 exited: unexpected format. db info = [CouchDB for state database], data format = [], expected format = [2.0]',
    });
    expect(await c.isUp('peer0.org3')).toBe(false);
  });
});

describe('state database deleted while the peer runs', () => {
  it('the peer runs on until the next commit that writes to it, which fails with CouchDB\'s 404 and panics the peer', async () => {
    const c = await SimCluster.create({ seed: 27, keep: { logs: true }, traceKeep: true });
    expect(await c.dropStateDatabase('peer0.techpulse')).toEqual({ ok: true });
    await c.sleep(5_000);
    expect(await c.isUp('peer0.techpulse')).toBe(true);
    // A block that writes to certchannel_certcontract reaches the peer.
    expect((await c.issueCertificate('dataforge', cert('AFTER-DELETE'))).ok).toBe(true);
    await c.sleep(1_000);
    expect(await c.isUp('peer0.techpulse')).toBe(false);
    const panics = c.sim.trace.records.flatMap((r) => (r.k === 'event' && r.node === 'peer0.techpulse' && (r.e as { type: string }).type === 'peer.panic' ? [r.e as { reason: string }] : []));
    expect(panics.map((p) => p.reason)).toEqual(['Cannot commit block to the ledger due to error handling CouchDB request. Error:not_found,  Status Code:404,  Reason:Database does not exist.']);
  });
});

describe('rebuild-dbs with the peer\'s CouchDB down', () => {
  it('retries maxRetriesOnStartup (10) times over about 2 min, then fails "unable to connect to CouchDB, check the hostname and port"; nothing is dropped', async () => {
    const c = await SimCluster.create({ seed: 28, keep: { logs: true } });
    const before = await c.stateDocCount('peer0.techpulse');
    await c.stop('peer0.techpulse');
    await c.stop('couchdb.techpulse');
    const t0 = c.now();
    const r = await c.rebuildDbs('peer0.techpulse');
    expect(r).toEqual({
      ok: false,
      error: 'unable to connect to CouchDB, check the hostname and port: http error calling couchdb: Get "http://couchdb.techpulse:5984/": dial tcp couchdb.techpulse:5984: connect: connection refused',
    });
    // 125ms doubling between 11 attempts: 125 * (2^10 - 1).
    expect(c.now() - t0).toBe(127_875);
    const warns = c.allLogs('peer0.techpulse').filter((l) => l.kind === 'couchdb.attemptError').map((l) => l.message);
    expect(warns).toHaveLength(11);
    expect(warns[0]).toBe('Attempt 1 of 11 returned error: Get "http://couchdb.techpulse:5984/": dial tcp couchdb.techpulse:5984: connect: connection refused. Retrying couchdb request in 125ms');
    expect(warns[9]).toMatch(/^Attempt 10 of 11 .* Retrying couchdb request in 1m4s$/);
    expect(warns[10]).toMatch(/^Attempt 11 of 11 .*\. Retries exhausted$/);
    await c.start('couchdb.techpulse');
    expect(await c.stateDocCount('peer0.techpulse')).toBe(before);
  });
});

/** One rule each of kvledger/reset.go, kvledger/rollback.go and blkstorage (v3.1.5), on a stopped peer's volume. */
describe('offline commands, rule by rule (Fabric kvledger reset_test.go / rollback_test.go)', () => {
  it('TestResetAllLedgers: drops the LevelDB stores and the index, records the pre-reset height, keeps only the genesis block; CouchDB is untouched', async () => {
    const c = await withBlocks(31, 1);
    const p = 'peer0.dataforge';
    const height = (await c.channelInfo(p)).height;
    const docs = c.dbInfo(p)?.doc_count;
    await c.stop(p);
    const v = c.sim.durable(p);
    const r = resetLedger(v, false);
    expect(r.ok).toBe(true);
    expect(r.logs.map((l) => l.kind)).toEqual([
      'kvledger.resetting', 'kvledger.ledgerFolder', 'kvledger.dropState', 'kvledger.dropConfigHistory', 'kvledger.dropBookkeeper', 'kvledger.dropHistory',
      'kvledger.resetBlockStore', 'blkstorage.dropIndex', 'blkstorage.foundLedgers', 'blkstorage.recordingHeight', 'blkstorage.resetToGenesis', 'kvledger.resetDone',
    ]);
    expect(v.listLength(BLOCKS_KEY)).toBe(1);
    expect(v.get(PRE_RESET_KEY)).toBe(height);
    expect(v.get(INDEX_KEY)).toBeUndefined();
    expect(c.dbInfo(p)?.doc_count).toBe(docs);
  });

  it('recordHeightIfGreaterThanPreviousRecording: a second reset before the peer caught up keeps the first height', async () => {
    const c = await withBlocks(32, 1);
    const p = 'peer0.dataforge';
    const height = (await c.channelInfo(p)).height;
    await c.stop(p);
    const v = c.sim.durable(p);
    resetLedger(v, false);
    const again = resetLedger(v, false);
    expect(again.logs).toContainEqual({ type: 'log', kind: 'blkstorage.notRecordingHeight', args: [1, height] });
    expect(v.get(PRE_RESET_KEY)).toBe(height);
  });

  it('TestResetAllLedgers on a peer that joined no channel: "No ledgers found.. exiting", and the command succeeds', async () => {
    const c = await SimCluster.create({ seed: 33, keep: { logs: true } });
    const p = 'peer0.org3';
    await c.stop(p);
    const v = c.sim.durable(p);
    v.apply({ op: 'truncate', key: BLOCKS_KEY, length: 0 });
    const r = resetLedger(v, false);
    expect(r).toMatchObject({ ok: true });
    expect(r.logs.at(-1)?.kind).toBe('blkstorage.noLedgers');
  });

  it('the file lock: reset and rollback on a running peer fail with Fabric\'s message and change nothing', async () => {
    const c = await SimCluster.create({ seed: 34, keep: { logs: true } });
    const v = c.sim.durable('peer0.techpulse');
    const before = v.listLength(BLOCKS_KEY);
    expect(resetLedger(v, true)).toEqual({ ok: false, error: FILE_LOCK_ERROR, logs: [] });
    expect(rollbackLedger(v, true, 1)).toEqual({ ok: false, error: FILE_LOCK_ERROR, logs: [] });
    expect(v.listLength(BLOCKS_KEY)).toBe(before);
  });

  it('TestValidateRollbackParams: an unknown channel is "ledgerID [..] does not exist"; a target at or past the last block is refused', async () => {
    const c = await SimCluster.create({ seed: 35, keep: { logs: true } });
    const p = 'peer0.org3';
    await c.stop(p);
    const v = c.sim.durable(p);
    const last = v.listLength(BLOCKS_KEY) - 1;
    expect(rollbackLedger(v, false, 1, 'otherchannel')).toMatchObject({ ok: false, error: 'ledgerID [otherchannel] does not exist' });
    expect(rollbackLedger(v, false, last)).toMatchObject({ ok: false, error: `target block number [${last}] should be less than the biggest block number [${last}]` });
    expect(v.listLength(BLOCKS_KEY)).toBe(last + 1);
  });

  it('TestRollbackKVLedger: drops the LevelDB stores, rolls the index back to N (kept, not dropped), truncates after N, records the pre-reset height', async () => {
    const c = await withBlocks(36, 1);
    const p = 'peer0.org3';
    const height = (await c.channelInfo(p)).height;
    await c.stop(p);
    const v = c.sim.durable(p);
    const r = rollbackLedger(v, false, 1);
    expect(r.ok).toBe(true);
    expect(r.logs.map((l) => l.kind)).toEqual([
      'blkstorage.validatingRollback', 'kvledger.droppingDatabases', 'kvledger.dropState', 'kvledger.dropConfigHistory', 'kvledger.dropBookkeeper', 'kvledger.dropHistory',
      'kvledger.rollingBack', 'blkstorage.recordingHeight', 'blkstorage.rollingBackIndex', 'blkstorage.rollingBackFiles', 'kvledger.rolledBack',
    ]);
    expect(v.get(INDEX_KEY)).toEqual({ lastBlockIndexed: 1 });
    expect(v.listLength(BLOCKS_KEY)).toBe(2);
    expect(v.get(PRE_RESET_KEY)).toBe(height);
  });
});
