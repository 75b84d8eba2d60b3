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
 * and a third path the model does not draw (a sync one block short, see the note).
 */
import { describe, expect, it } from 'vitest';
import { findBuiltin, type BuiltinScenario } from '../../src/scenarios/builtins/index.ts';
import { runScenario } from '../../src/scenarios/runner.ts';
import type { Scenario } from '../../src/scenarios/schema.ts';
import { simClusterFor } from '../../src/scenarios/simulator.ts';

function scenario(): Scenario {
  const base = (findBuiltin('beyond-f') as BuiltinScenario).build({});
  return { ...base, topology: { ...base.topology, smartbft: { LeaderHeartbeatTimeout: '10s', RequestComplainTimeout: '8s' } } };
}

async function run(seed: number): Promise<{ catchUpMs: number; height: unknown; org3: string[]; refused: number }> {
  const s = scenario();
  const cluster = await simClusterFor(s, { seed, keep: { logs: true } });
  try {
    const r = await runScenario(s, cluster, { seed });
    expect(r.passed).toBe(true);
    const step = r.steps.find((x) => x.name === 'orderer.org3 catches up')!;
    const restart = r.steps.find((x) => x.name === 'restart orderer.org3')!;
    const org3 = cluster.allLogs('orderer.org3').filter((l) => l.at >= restart.at).map((l) => l.message);
    const refused = (['orderer.techpulse', 'orderer.dataforge', 'orderer.ordering'] as const)
      .flatMap((n) => cluster.allLogs(n))
      .filter((l) => l.at >= restart.at && /got viewChange message .* from 3 with view 1, expected view 2/.test(l.message)).length;
    return { catchUpMs: step.tookMs, height: step.value, org3, refused };
  } finally {
    await cluster.close();
  }
}

describe('beyond-f: orderer.org3 catches up after its restart by one of two paths, drawn by the redials (issue #15)', () => {
  it('seed 1: orderer.techpulse, its view-0 leader, redials before BF-2, and its Prepare of view 1 makes it sync at once (the real runs\' 1.6-2.3 s)', async () => {
    const { catchUpMs, height, org3 } = await run(1);
    expect(height).toBe(10);
    expect(catchUpMs).toBeLessThanOrEqual(2_500);
    expect(org3.some((m) => /got message Prepare v1 s9 from 1 of view 1, expected view 0/.test(m))).toBe(true);
    expect(org3.some((m) => /Heartbeat timeout/.test(m))).toBe(false);
  });

  it('seed 2: only orderer.dataforge reaches it in time; heartbeat timeout, a view change the others refuse, and the sync on its timeout 20 s later (the real 33.0 s)', async () => {
    const { catchUpMs, height, org3, refused } = await run(2);
    expect(height).toBe(10);
    expect(catchUpMs).toBeGreaterThanOrEqual(30_000);
    expect(catchUpMs).toBeLessThanOrEqual(32_000);
    // Both proposals after its start reached it from orderer.dataforge alone: one vote, short of f+1.
    const froms = new Set(org3.flatMap((m) => /^3 got message \S+ v1 s\d+ from (\d) of view 1/.exec(m)?.[1] ?? []));
    expect([...froms]).toEqual(['2']);
    expect(org3.some((m) => /Heartbeat timeout \(10s\) from 1 expired/.test(m))).toBe(true);
    expect(refused).toBeGreaterThan(0);
  });
});
