/**
 * Against a real Fabric network on 127.0.0.1 (`npm run test:local`): net up, the
 * certificates through the Gateway, a crashed orderer and a rebuilt peer through
 * LocalCluster, net down. Needs the binaries of a Fabric 3.1 release ($FABRIC_HOME, or
 * ~/.cache/fabric-bft-sim/fabric-3.1.5); without them the suite is skipped and says why.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.ts';
import { processEnv } from '../../../src/cli/io.ts';
import { LocalCluster } from '../../../src/local/cluster.ts';
import { loadNetState, netDown, processNames, resolveFabricHome, type NetState } from '../../../src/local/net.ts';
import { allPidNames, isRunning, readPid } from '../../../src/local/procs.ts';
import { certificateFor } from '../../../src/scenarios/cluster.ts';

let fabricHome: string | undefined;
let why = '';
try {
  fabricHome = resolveFabricHome(undefined, process.env);
} catch (e) {
  why = (e as Error).message;
  console.log(`test/local/real skipped: ${why}`);
}

const BASE_PORT = Number(process.env['FABRIC_BFT_SIM_TEST_PORT'] ?? 28050);

/** The CLI in this process, as a user runs it. */
async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { ...processEnv(), stdout: (t) => void (out += t), stderr: (t) => void (err += t) });
  return { code, out, err };
}

(fabricHome === undefined ? describe.skip : describe)('a real Fabric 3 network ordered by SmartBFT', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fbs-real-'));
  let state: NetState;
  let c: LocalCluster;
  let lines: string[] = [];
  let upJson: Record<string, unknown> = {};

  beforeAll(async () => {
    // `net up --json`: the progress on stderr, one JSON document on stdout.
    const r = await cli('net', 'up', '--json', '--dir', dir, '--base-port', String(BASE_PORT), '--fabric-home', fabricHome as string, '--smartbft', 'LeaderHeartbeatTimeout=10s');
    lines = r.err.split('\n');
    if (r.code !== 0) throw new Error(`net up failed (${r.code}): ${r.err}`);
    upJson = JSON.parse(r.out) as Record<string, unknown>;
    state = loadNetState(dir);
    c = new LocalCluster(state, { certIdSuffix: 't' });
  });

  afterAll(async () => {
    await c?.close();
    await netDown(dir, () => undefined);
    const left = allPidNames(dir).filter((n) => isRunning(readPid(dir, n)));
    rmSync(dir, { recursive: true, force: true });
    expect(left).toEqual([]);
  });

  it('comes up with every process running, the chaincode committed and the SmartBFT options said', async () => {
    expect(processNames(state.plan).filter((n) => !isRunning(readPid(dir, n)))).toEqual([]);
    expect(lines[1]).toBe(
      'SmartBFT: LeaderHeartbeatTimeout=10s* LeaderHeartbeatCount=10 RequestForwardTimeout=2s RequestComplainTimeout=20s ViewChangeTimeout=20s RequestBatchMaxInterval=50ms (* given, the rest Fabric\'s defaults)',
    );
    expect(state.packageId).toMatch(/^certcontract_1\.0:[0-9a-f]{64}$/);
    const s = await c.ordererStatus('orderer.dataforge');
    expect(s).toMatchObject({ role: 'follower', view: 0, leader: 'orderer.techpulse' });
    expect((await c.ordererStatus('orderer.techpulse')).role).toBe('leader');
  });

  it('net up --json prints one document: the folder, the nodes and the SmartBFT options', () => {
    expect(upJson).toMatchObject({ dir, orderers: ['orderer.techpulse', 'orderer.dataforge', 'orderer.org3', 'orderer.ordering'], peers: ['peer0.techpulse', 'peer0.dataforge', 'peer0.org3'], smartbft: { LeaderHeartbeatTimeout: '10s', LeaderHeartbeatCount: 10 } });
    expect(upJson['upAt']).toBe(state.upAt);
  });

  it('approves the chaincode one org after the other, as the simulator: one block each, then the commit', () => {
    // Blocks 1-3 the approvals, 4 the definition, then the initial certificates.
    expect(lines.find((l) => l.includes('initial certificates issued'))).toMatch(/issued in blocks? 5(, 6)? \(/);
  });

  it('net status --json: every process with its pid, running, and the orderers at one height', async () => {
    const r = await cli('net', 'status', '--json', '--dir', dir);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out) as { dir: string; smartbft: Record<string, unknown>; nodes: { name: string; pid?: number; running: boolean; detail: string }[] };
    expect(doc.dir).toBe(dir);
    expect(doc.smartbft['LeaderHeartbeatTimeout']).toBe('10s');
    expect(doc.nodes.map((n) => n.name.split(' ')[0])).toEqual(processNames(state.plan));
    expect(doc.nodes.every((n) => n.running && typeof n.pid === 'number')).toBe(true);
    const heights = doc.nodes.filter((n) => n.name.startsWith('orderer')).map((n) => /^height (\d+)/.exec(n.detail)?.[1]);
    expect(new Set(heights).size).toBe(1);
    expect(doc.nodes[0]?.detail).toMatch(/view 0, leader orderer\.techpulse \(itself\)$/);
  });

  it("serves the lab's initial certificates as the model's bootstrap issues them", async () => {
    expect((await c.verifyCertificate('TP-FSWD-001', 'techpulse')).status).toBe('VALID');
    expect((await c.verifyCertificate('TP-SEC-003', 'dataforge')).status).toBe('EXPIRED');
    expect((await c.verifyCertificate('ORG3-INTRO-001', 'org3')).status).toBe('VALID');
  });

  it("connects every org's Gateway client before the first call; an org whose peer does not answer is named", async () => {
    expect(await c.connectGateways()).toEqual([]);
    // The same network with org3's peer at a port nothing listens on (the plan's last port, unused).
    const plan = { ...state.plan, peers: state.plan.peers.map((p) => (p.org === 'org3' ? { ...p, port: BASE_PORT + 99 } : p)) };
    const other = new LocalCluster({ ...state, plan });
    try {
      const t0 = Date.now();
      expect(await other.connectGateways(1_000)).toEqual(['org3']);
      expect(Date.now() - t0).toBeLessThan(5_000);
    } finally {
      await other.close();
    }
  });

  /** Every peer at the same height: a gateway answers when ITS peer committed; the others may be a few ms behind. */
  async function settled(): Promise<void> {
    const heights = async () => Promise.all(c.topology.peers.map(async (p) => (await c.channelInfo(p)).height));
    expect(await c.waitUntil(async () => new Set(await heights()).size === 1, 10_000, 100)).toBe(true);
  }

  it('issues, verifies and revokes with the model’s answers and errors', async () => {
    const cert = certificateFor('techpulse', { certID: 'REAL-1' });
    const r = await c.issueCertificate('techpulse', cert);
    expect(r.ok).toBe(true);
    expect(r.block).toBeGreaterThan(0);
    await settled();
    const again = await c.issueCertificate('dataforge', cert);
    expect(again).toMatchObject({ ok: false, error: 'the certificate REAL-1-t already exists' });
    expect(await c.verifyCertificate('REAL-1', 'org3')).toMatchObject({ status: 'VALID', certificate: { certID: 'REAL-1-t', revoked: false } });
    expect(await c.revokeCertificate('REAL-1', 'dataforge')).toEqual({ ok: true });
    await settled();
    expect((await c.verifyCertificate('REAL-1', 'techpulse')).status).toBe('REVOKED');
    expect(await c.revokeCertificate('REAL-1', 'org3')).toEqual({ ok: false, error: 'the certificate REAL-1-t is already revoked' });
    expect((await c.verifyCertificate('NO-SUCH', 'techpulse')).status).toBe('NOT_FOUND');
  });

  it('keeps issuing with a follower orderer crashed; the orderer comes back on its data', async () => {
    expect(await c.stop('orderer.org3')).toEqual({ ok: true });
    expect(await c.isUp('orderer.org3')).toBe(false);
    expect((await c.ordererStatus('orderer.org3')).role).toBe('down');
    expect((await c.issueCertificate('dataforge', certificateFor('dataforge', { certID: 'REAL-2' }))).ok).toBe(true);
    expect(await c.start('orderer.org3')).toEqual({ ok: true });
    // A new block makes the restarted follower see it is behind (SmartBFT heartbeats carry the sequence).
    expect((await c.issueCertificate('org3', certificateFor('org3', { certID: 'REAL-3' }))).ok).toBe(true);
    const leaderHeight = async (): Promise<number> => (await c.ordererStatus('orderer.techpulse')).lastBlock;
    expect(await c.waitUntil(async () => (await c.ordererStatus('orderer.org3')).lastBlock === (await leaderHeight()), 60_000)).toBe(true);
    const log = await c.logs('orderer.org3');
    expect(log.some((l) => l.kind === 'smartbft.startView')).toBe(true);
  });

  it('rebuilds a stopped peer’s databases with peer node rebuild-dbs, and the peer replays its blocks', async () => {
    const before = (await c.channelInfo('peer0.org3')).height;
    expect(await c.rebuildDbs('peer0.org3')).toEqual({ ok: false, error: 'rebuild-dbs on peer0.org3: the peer is running (stop it first)' });
    expect(await c.stop('peer0.org3')).toEqual({ ok: true });
    expect(await c.rebuildDbs('peer0.org3')).toEqual({ ok: true });
    expect(await c.start('peer0.org3')).toEqual({ ok: true });
    expect(await c.waitUntil(async () => (await c.channelInfo('peer0.org3').catch(() => ({ height: 0 }))).height >= before, 60_000)).toBe(true);
    expect((await c.verifyCertificate('TP-FSWD-001', 'org3')).status).toBe('VALID');
  });

  it('rolls a stopped peer back with peer node rollback; it refetches the blocks and serves again', async () => {
    const before = (await c.channelInfo('peer0.dataforge')).height;
    expect((await c.rollbackLedger('peer0.dataforge', 2)).error).toMatch(/^rollback -b 2 on peer0\.dataforge: the peer is running/);
    expect(await c.stop('peer0.dataforge')).toEqual({ ok: true });
    const past = await c.rollbackLedger('peer0.dataforge', 999);
    expect(past.ok).toBe(false);
    expect(past.error).toContain(`target block number [999] should be less than the biggest block number [${before - 1}]`);
    expect(await c.rollbackLedger('peer0.dataforge', 2)).toEqual({ ok: true });
    expect(await c.start('peer0.dataforge')).toEqual({ ok: true });
    expect(await c.waitUntil(async () => (await c.channelInfo('peer0.dataforge').catch(() => ({ height: 0 }))).height >= before, 60_000)).toBe(true);
    // Endorsement comes back when the peer's reset loop (every 10 s) sees the height reached.
    expect(await c.waitUntil(async () => (await c.verifyCertificate('REAL-2', 'dataforge')).status === 'VALID', 30_000, 500)).toBe(true);
  });

  it('refuses what LevelDB and loopback cannot do, in one line', async () => {
    await expect(c.stateDocCount('peer0.techpulse')).rejects.toThrow(/^docCount peer0\.techpulse: the local network's peers use LevelDB/);
    await expect(c.partition()).rejects.toThrow(/^partition: /);
    await expect(c.setByzantine('orderer.org3')).rejects.toThrow(/^byzantine orderer\.org3: a real orderer cannot be made to lie from outside/);
  });
});
