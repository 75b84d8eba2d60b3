/** LocalCluster's reading of log files (incremental, across a rotation) and its refusals. No Fabric binaries needed. */
import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalCluster, unsupportedStep } from '../../src/local/cluster.ts';
import { makePlan } from '../../src/local/plan.ts';
import { BUILTINS } from '../../src/scenarios/builtins/index.ts';

const root = mkdtempSync(join(tmpdir(), 'fbs-local-cluster-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function cluster(): { c: LocalCluster; log: string } {
  const dir = mkdtempSync(join(root, 'net-'));
  mkdirSync(join(dir, 'logs'));
  const plan = makePlan({ dir, fabricHome: join(root, 'fabric') });
  return { c: new LocalCluster({ plan, packageId: 'certcontract_1.0:x', upAt: 'then', timings: {} }), log: join(dir, 'logs', 'orderer.dataforge.log') };
}

const line = (n: number, msg: string): string => `2026-12-02 07:13:47.${String(n).padStart(3, '0')} UTC 00${String(n).padStart(2, '0')} INFO [orderer.consensus.smartbft.consensus] startView -> ${msg} channel=certchannel\n`;

describe('LocalCluster.logs', () => {
  it('reads only what is new, keeps a half-written line for later, and survives a rotation', async () => {
    const { c, log } = cluster();
    writeFileSync(log, '\x1b[34m' + line(1, 'Starting view with number 0, sequence 4, and decisions 3').replace('\n', '\x1b[0m\n') + line(2, 'first'));
    expect((await c.logs('orderer.dataforge')).map((l) => l.message)).toEqual(['Starting view with number 0, sequence 4, and decisions 3', 'first']);
    const [first] = await c.logs('orderer.dataforge');
    expect(first?.kind).toBe('smartbft.startView');
    expect(first?.args).toEqual([0, 4, 3]);
    const third = line(3, 'third');
    appendFileSync(log, third.slice(0, 30));
    expect(await c.logs('orderer.dataforge')).toHaveLength(2);
    appendFileSync(log, third.slice(30));
    expect(await c.logs('orderer.dataforge')).toHaveLength(3);
    // The keeper's rotation: copy to .1, truncate; the writer goes on at the new end.
    copyFileSync(log, `${log}.1`);
    truncateSync(log, 0);
    appendFileSync(log, line(4, 'fourth'));
    expect((await c.logs('orderer.dataforge')).map((l) => l.message.split(' ')[0])).toEqual(['Starting', 'first', 'third', 'fourth']);
  });

  it('reads the rotated file first when it opens a node’s log', async () => {
    const { c, log } = cluster();
    writeFileSync(`${log}.1`, line(1, 'old'));
    writeFileSync(log, line(2, 'new'));
    expect((await c.logs('orderer.dataforge')).map((l) => l.message.split(' ')[0])).toEqual(['old', 'new']);
  });
});

describe('LocalCluster refusals', () => {
  it('says a stopped orderer is down, and names nodes it does not have', async () => {
    const { c } = cluster();
    expect(await c.ordererStatus('orderer.org3')).toEqual({ committedBlock: -1, lastBlock: -1, view: 0, leader: null, role: 'down' });
    expect(await c.stop('couchdb.techpulse')).toEqual({ ok: false, error: 'couchdb.techpulse: the local network has no CouchDB (its peers use LevelDB)' });
    expect(await c.start('orderer9.ordering')).toEqual({ ok: false, error: 'unknown node "orderer9.ordering" (orderers: orderer.techpulse, orderer.dataforge, orderer.org3, orderer.ordering; peers: peer0.techpulse, peer0.dataforge, peer0.org3)' });
    await expect(c.stateDocCount('peer0.org3')).rejects.toThrow(
      "docCount peer0.org3: the local network's peers use LevelDB, which has no doc_count of certchannel_certcontract (CouchDB is not available here)",
    );
  });

  it('runs every built-in without partition or Byzantine steps, and refuses the others', () => {
    const refused = BUILTINS.filter((b) => unsupportedStep(b.build({})) !== undefined).map((b) => b.name);
    expect(refused).toEqual(expect.arrayContaining(['byzantine-leader', 'partitioned-leader']));
    for (const name of ['kill-orderer', 'peer-recovery', 'couchdb-rebuild', 'leader-crash', 'beyond-f', 'rolling-restart']) expect(refused).not.toContain(name);
  });
});
