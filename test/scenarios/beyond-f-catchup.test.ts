/**
 * Issue #15: beyond-f's step 15 (orderer.org3 catches up after its restart) is a draw, on the
 * real network as in the model. With the fidelity suite's SmartBFT options it restarts into
 * view 0 (leader orderer.techpulse) while the others are in view 1 (leader orderer.dataforge),
 * and the others' connections to it redial at the 3 s back-off cap. Two proposals follow its
 * start; the second (BF-2, forwarded by the followers that pooled it at step 5) comes about 1.7 s
 * later. A message of view 1 from its view-0 leader makes it sync at once (SmartBFT v1.0.1
 * internal/bft/view.go processMsg); Commits of a later view from the others count towards f+1
 * (discoverIfSyncNeeded); orderer.dataforge's heartbeats are not its leader's
 * (heartbeatmonitor.go handleHeartBeat). With orderer.dataforge alone redialled in time, it
 * waits for its heartbeat timeout (10 s), complains alone, and syncs on its view change's timeout
 * 20 s later (viewchanger.go checkIfTimeout). Ten real runs of 2026-12-03 18:44-18:57
 * (docs/fidelity.md): 1.6-2.3 s, 33.0 s by the second path (32.3 s in the 18:25 fidelity run),
 * and a third path in 3 runs: the sync's height probe read two orderers before they served the
 * block they were deciding, so the target, the (f+1)-th highest height (Fabric
 * orderer/consensus/smartbft/synchronizer_bft.go computeTargetHeight), was one block short; org3
 * started view 1 at that block's sequence and the leader's heartbeats, which carry it, never
 * showed it behind (`did not catch up within 2m: height 9, orderers at 10`). An orderer serves a
 * block puller the blocks it has written (BlockWriter.WriteBlock appends in a goroutine), deliverMs
 * after deciding them: 10 ms with the built-in profile (figures.deliver's p50 13 ms less the
 * link), when the model decides that block 2-6 ms after the message that starts the sync and
 * probes 22 ms after it (20 ms with the profile of 14:48), so seeds 1-20 never draw it; the real write took 36-42 ms in the 18:51
 * run (its peers' validation of the block; calibrate's p95 is 41 ms) and the real decision came
 * 9-29 ms after the sync's start in the runs that synced on a Prepare. With the p95 as the write time the
 * model draws the third path.
 */
import { describe, expect, it } from 'vitest';
import { findBuiltin, type BuiltinScenario } from '../../src/scenarios/builtins/index.ts';
import { runScenario } from '../../src/scenarios/runner.ts';
import type { Scenario } from '../../src/scenarios/schema.ts';
import { simClusterFor } from '../../src/scenarios/simulator.ts';
import { DEFAULT_PROFILE, type CalibrationProfile } from '../../src/sim/fabric/profile.ts';

function scenario(): Scenario {
  const base = (findBuiltin('beyond-f') as BuiltinScenario).build({});
  return { ...base, topology: { ...base.topology, smartbft: { LeaderHeartbeatTimeout: '10s', RequestComplainTimeout: '8s' } } };
}

async function run(seed: number, profile?: CalibrationProfile): Promise<{ passed: boolean; catchUpMs: number; height: unknown; error: string | null; org3: string[]; refused: number }> {
  const s = scenario();
  const cluster = await simClusterFor(s, { seed, keep: { logs: true }, ...(profile !== undefined ? { profile } : {}) });
  try {
    const r = await runScenario(s, cluster, { seed });
    const step = r.steps.find((x) => x.name === 'orderer.org3 catches up')!;
    const restart = r.steps.find((x) => x.name === 'restart orderer.org3')!;
    const org3 = cluster.allLogs('orderer.org3').filter((l) => l.at >= restart.at).map((l) => l.message);
    const refused = (['orderer.techpulse', 'orderer.dataforge', 'orderer.ordering'] as const)
      .flatMap((n) => cluster.allLogs(n))
      .filter((l) => l.at >= restart.at && /got viewChange message .* from 3 with view 1, expected view 2/.test(l.message)).length;
    return { passed: r.passed, catchUpMs: step.tookMs, height: step.value, error: step.error, org3, refused };
  } finally {
    await cluster.close();
  }
}

describe('beyond-f: orderer.org3 catches up after its restart by one of two paths, drawn by the redials, or stays one block short (issue #15)', () => {
  it('seed 1: orderer.techpulse, its view-0 leader, redials before BF-2, and its Prepare of view 1 makes it sync at once (the real runs\' 1.6-2.3 s)', async () => {
    const { passed, catchUpMs, height, org3 } = await run(1);
    expect(passed).toBe(true);
    expect(height).toBe(10);
    expect(catchUpMs).toBeLessThanOrEqual(2_500);
    expect(org3.some((m) => /got message Prepare v1 s9 from 1 of view 1, expected view 0/.test(m))).toBe(true);
    expect(org3.some((m) => /Heartbeat timeout/.test(m))).toBe(false);
  });

  // Which seeds draw this path moves with the profile's costs: seeds 3, 8, 9, 15, 16 and 19 of 1-20 with the
  // built-in profile of 2026-12-03 20:36 (2, 3, 8, 9, 14, 15, 16, 18 and 19 with that of 14:48); the others take the path above.
  it('seed 3: only orderer.dataforge reaches it in time; heartbeat timeout, a view change the others refuse, and the sync on its timeout 20 s later (the real 33.0 s)', async () => {
    const { passed, catchUpMs, height, org3, refused } = await run(3);
    expect(passed).toBe(true);
    expect(height).toBe(10);
    expect(catchUpMs).toBeGreaterThanOrEqual(30_000);
    expect(catchUpMs).toBeLessThanOrEqual(32_000);
    // Both proposals after its start reached it from orderer.dataforge alone: one vote, short of f+1.
    const froms = new Set(org3.flatMap((m) => /^3 got message \S+ v1 s\d+ from (\d) of view 1/.exec(m)?.[1] ?? []));
    expect([...froms]).toEqual(['2']);
    expect(org3.some((m) => /Heartbeat timeout \(10s\) from 1 expired/.test(m))).toBe(true);
    expect(refused).toBeGreaterThan(0);
  });

  it('a block write as slow as the 18:51 run\'s (calibrate\'s p95, 41 ms): the probe reads 9 where block 9 is decided, the sync stops one block short, and nothing moves it for 2 minutes (the real third path)', async () => {
    const deliver = DEFAULT_PROFILE.figures.deliver!;
    const profile: CalibrationProfile = { ...DEFAULT_PROFILE, figures: { ...DEFAULT_PROFILE.figures, deliver: { ...deliver, p50Ms: deliver.p95Ms } } };
    const { passed, height, error, org3 } = await run(1, profile);
    expect(passed).toBe(false);
    expect(height).toBe(null);
    // The real runs' own words (18:47, 18:51).
    expect(error).toBe('orderer.org3 did not catch up within 2m: height 9, orderers at 10');
    // Synced on orderer.techpulse's Prepare of block 9 (its view-0 leader in view 1), as at 18:47.
    expect(org3.some((m) => /got message Prepare v1 s9 from 1 of view 1, expected view 0/.test(m))).toBe(true);
    const probes = org3.filter((m) => m.startsWith('HeightsByEndpoints'));
    expect(probes).toEqual(['HeightsByEndpoints: map[orderer.dataforge:7050:9 orderer.ordering:7050:9 orderer.techpulse:7050:9], my endpoint: orderer.org3:7050']);
    expect(org3).toContain('Detected target height: 9');
    expect(org3).toContain('Finished synchronizing with cluster, fetched 2 blocks, starting from block [7], up until and including block [8]');
    // The real line of 18:47:40.847: view 1 at the sequence of the block it lacks.
    expect(org3).toContain('Starting view with number 1, sequence 9, and decisions 2');
    expect(org3.some((m) => /Heartbeat timeout/.test(m))).toBe(false);
  });
});
