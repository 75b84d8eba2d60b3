/** The cost model takes a calibration profile: commit and endorsement time, process start, replay rate. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.ts';
import { simTarget } from '../../../src/cli/targets.ts';
import { SimCluster } from '../../../src/sim/cluster/sim-cluster.ts';
import { costModelOf, DEFAULT_PROFILE, type CalibrationProfile } from '../../../src/sim/fabric/profile.ts';
import { testEnv } from '../../cli/env.ts';

function profile(over: { commit?: Partial<CalibrationProfile['figures']['commit']>; evaluateP50?: number; peerStartMs?: number; blocksPerSec?: number; rebuildMs?: number }): CalibrationProfile {
  const f = DEFAULT_PROFILE.figures;
  return {
    ...DEFAULT_PROFILE,
    figures: {
      ...f,
      commit: { ...f.commit, ...(over.commit ?? {}) },
      evaluate: { ...f.evaluate, p50Ms: over.evaluateP50 ?? f.evaluate.p50Ms },
      peerStart: { ...f.peerStart, healthzMs: over.peerStartMs ?? f.peerStart.healthzMs },
      rebuild: { ...f.rebuild, blocksPerSec: over.blocksPerSec ?? f.rebuild.blocksPerSec, commandMs: over.rebuildMs ?? f.rebuild.commandMs },
    },
  };
}

const lin = (baseMs: number, perTxMs = 0) => ({ baseMs, perTxMs });

describe('a profile in SimCluster', () => {
  it("prints the profile's commit time in the peer's Validated and Committed block lines", async () => {
    const c = await SimCluster.create({ seed: 4, keep: { logs: true }, profile: profile({ commit: { validate: lin(7), stateValidation: lin(11), blockCommit: lin(13, 2), stateCommit: lin(17), rest: lin(0) } }) });
    const log = (await c.logs('peer0.techpulse')).map((l) => l.message);
    expect(log).toContain('[certchannel] Committed block [0] with 1 transaction(s) in 43ms (state_validation=11ms block_and_pvtdata_commit=15ms state_commit=17ms) commitHash=[]');
    expect(log).toContain('[certchannel] Validated block [1] in 7ms');
  });

  // kv_ledger.go commit: the total is timed after historyDB.Commit, which none of the three parts includes.
  it("adds the profile's commit rest (the history database) to the Committed block line's total, not to its parts", async () => {
    const c = await SimCluster.create({ seed: 4, keep: { logs: true }, profile: profile({ commit: { validate: lin(7), stateValidation: lin(11), blockCommit: lin(13, 2), stateCommit: lin(17), rest: lin(5) } }) });
    const log = (await c.logs('peer0.techpulse')).map((l) => l.message);
    expect(log).toContain('[certchannel] Committed block [0] with 1 transaction(s) in 48ms (state_validation=11ms block_and_pvtdata_commit=15ms state_commit=17ms) commitHash=[]');
  });

  it('charges the measured endorsement time to an evaluate', async () => {
    const slow = await SimCluster.create({ seed: 4, keep: { logs: true }, profile: profile({ evaluateP50: 504 }) });
    const t0 = slow.now();
    expect((await slow.verifyCertificate('TP-FSWD-001', 'techpulse')).status).toBe('VALID');
    expect(slow.now() - t0).toBeGreaterThanOrEqual(500);
    const fast = await SimCluster.create({ seed: 4, keep: { logs: true }, profile: profile({ evaluateP50: 4 }) });
    const t1 = fast.now();
    await fast.verifyCertificate('TP-FSWD-001', 'techpulse');
    expect(fast.now() - t1).toBeLessThan(100);
  });

  // Close to, not equal: the orderers' per-message cost (1.3 ms in the built-in profile) leaves the clock at fractions of a ms.
  it('takes the measured start time for a peer, rebuild-dbs time, and the replay of its blocks after rebuild-dbs', async () => {
    const c = await SimCluster.create({ seed: 4, keep: { logs: true }, profile: profile({ peerStartMs: 3000, blocksPerSec: 2, rebuildMs: 700 }) });
    const p = 'peer0.dataforge';
    await c.stop(p);
    let t = c.now();
    await c.start(p);
    expect(c.now() - t).toBeCloseTo(3001, 6);
    const height = (await c.channelInfo(p)).height;
    await c.stop(p);
    t = c.now();
    expect((await c.rebuildDbs(p)).ok).toBe(true);
    expect(c.now() - t).toBeCloseTo(700, 6);
    t = c.now();
    await c.start(p);
    expect(c.now() - t).toBeCloseTo(3000 + (height * 1000) / 2 + 1, 6);
    expect(await c.isUp(p)).toBe(true);
  });

  it("charges each message an orderer receives the profile's CPU time: an issue commits later, and not at all without it for a v1 profile", async () => {
    const withCpu = (perMessageMs: number): CalibrationProfile => ({ ...DEFAULT_PROFILE, figures: { ...DEFAULT_PROFILE.figures, ordererCpu: { ...(DEFAULT_PROFILE.figures.ordererCpu as NonNullable<CalibrationProfile['figures']['ordererCpu']>), perMessageMs } } });
    const { ordererCpu: _, ...v1figures } = DEFAULT_PROFILE.figures;
    const tookMs = async (p: CalibrationProfile): Promise<number> => {
      const c = await SimCluster.create({ seed: 4, keep: { logs: true }, profile: p });
      const t0 = c.now();
      await c.issueCertificate('techpulse', { certID: 'CPU-1', studentID: 's@techpulse.demo', studentName: 'A', courseID: 'C', courseName: 'C', issueDate: '2026-01-01', expiryDate: '2028-01-01' });
      return c.now() - t0;
    };
    const free = await tookMs({ ...DEFAULT_PROFILE, version: 1, figures: v1figures });
    expect(await tookMs(withCpu(0))).toBe(free);
    // Pre-prepare, prepares and commits: at least three messages in a row on the way to a decision.
    expect(await tookMs(withCpu(20))).toBeGreaterThanOrEqual(free + 3 * 20);
  });

  it("charges a submit's endorsement at the gateway peer and at the second round's peer, one after the other", async () => {
    const withEndorse = (p50Ms: number): CalibrationProfile => ({ ...DEFAULT_PROFILE, figures: { ...DEFAULT_PROFILE.figures, endorse: { count: 20, p50Ms, p95Ms: p50Ms } } });
    const tookMs = async (p: CalibrationProfile): Promise<number> => {
      const c = await SimCluster.create({ seed: 4, keep: { logs: true }, profile: p });
      const t0 = c.now();
      await c.issueCertificate('techpulse', { certID: 'END-1', studentID: 's@techpulse.demo', studentName: 'A', courseID: 'C', courseName: 'C', issueDate: '2026-01-01', expiryDate: '2028-01-01' });
      return c.now() - t0;
    };
    // 8 ms is the two rounds' network alone (no endorsement cost); 208 ms adds 100 ms at each peer.
    expect(await tookMs(withEndorse(208))).toBeCloseTo((await tookMs(withEndorse(8))) + 200, 6);
  });

  it('uses the built-in profile by default', async () => {
    const c = await SimCluster.create({ seed: 4, keep: { logs: true } });
    expect(c.cost).toEqual(costModelOf(DEFAULT_PROFILE));
  });
});

describe('topology: { profile: FILE }', () => {
  const dirs: string[] = [];
  const tempDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'profile-test-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('is read by the CLI and passed to the simulator', async () => {
    const dir = tempDir();
    const file = join(dir, 'p.json');
    const p = profile({ peerStartMs: 1234 });
    writeFileSync(file, JSON.stringify(p));
    const c = await simTarget().create({ name: 'x', topology: { profile: file }, steps: [] }, { seed: 1 });
    expect((c as SimCluster).cost.peerStartMs).toBe(1234);
  });

  it('a missing or invalid file is one line naming it, exit 2', async () => {
    const dir = tempDir();
    const missing = join(dir, 'none.json');
    const scenario = (f: string) => `name: x\ntopology: { profile: ${f} }\nsteps:\n  - sleep: 1s\n`;
    let env = testEnv({ 's.yaml': scenario(missing) });
    expect(await main(['run', 's.yaml'], env)).toBe(2);
    expect(env.err()).toBe(`fabric-bft-sim run: topology.profile: ${missing}: cannot read the profile: no such file\n`);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ version: 1 }));
    env = testEnv({ 's.yaml': scenario(bad) });
    expect(await main(['run', 's.yaml'], env)).toBe(2);
    expect(env.err()).toMatch(new RegExp(`^fabric-bft-sim run: topology\\.profile: ${bad}: not a calibration profile at fabric: .*\\n$`));
  });

  it('calibrate without Fabric binaries says so in one line', async () => {
    const env = testEnv();
    expect(await main(['calibrate', '--fabric-home', '/nonexistent-fabric'], env)).toBe(2);
    expect(env.err()).toBe('fabric-bft-sim calibrate: no Fabric binaries in /nonexistent-fabric/bin (orderer, peer, configtxgen, cryptogen, osnadmin): set FABRIC_HOME to an unpacked Fabric 3.1 release; calibrate measures a real network\n');
  });
});
