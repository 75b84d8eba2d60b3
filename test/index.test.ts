import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  findBuiltin,
  runScenario,
  simChecks,
  simClusterFor,
  computeQuorum,
  scheduleArbitrary,
  isLivenessStep,
  parseScenario,
  scenarioToYaml,
  writeRunReport,
  type Scenario,
  type TraceRecord,
} from '../src/index.ts';

/** Static import graph of a module (relative `.ts` imports only). */
function importGraph(entry: string, seen = new Set<string>()): Set<string> {
  if (seen.has(entry)) return seen;
  seen.add(entry);
  const text = readFileSync(entry, 'utf8');
  for (const m of text.matchAll(/^(?:import|export)\s[^;]*?from\s+'(\.{1,2}\/[^']+\.ts)'/gms)) {
    importGraph(resolve(dirname(entry), m[1] as string), seen);
  }
  return seen;
}

describe('the library entry points', () => {
  it('the README example runs a built-in in the simulator and passes', async () => {
    const scenario = findBuiltin('kill-orderer')!.build({ orderers: 4 });
    const cluster = await simClusterFor(scenario, { seed: 7 });
    const result = await runScenario(scenario, cluster, { checks: simChecks, seed: 7 });
    expect(result.passed).toBe(true);
    expect(result.checks.map((c) => c.name)).toContain('only submitted transactions, none valid twice');
    expect(result.traceHash).toMatch(/^[0-9a-f]{16}$/);
    expect(computeQuorum(7)).toEqual({ n: 7, f: 2, q: 5, weak: 3 });
  });

  it('sim-only users never load the live adapter; it is its own entry', async () => {
    const graph = [...importGraph(resolve('src/index.ts'))];
    expect(graph.length).toBeGreaterThan(20);
    expect(graph.filter((f) => f.includes('/src/live/'))).toEqual([]);
    const live = await import('../src/live/index.ts');
    expect(typeof live.LiveCluster).toBe('function');
  });

  it("a property tester's API: the schedule arbitrary, the runner, a shrunk scenario to a file, the report in one call", async () => {
    const [schedule] = fc.sample(scheduleArbitrary({ topology: { preset: 'certchain', orderers: 4 }, faults: ['crash'], behaviours: [], maxActions: 3 }), { numRuns: 1, seed: 5 });
    const scenario = schedule as Scenario;
    expect(scenario.steps.some((s) => isLivenessStep(s.name ?? ''))).toBe(true);
    expect(parseScenario(scenarioToYaml(scenario))).toEqual(scenario);

    const records: TraceRecord[] = [];
    const seed = scenario.seed ?? 1;
    const cluster = await simClusterFor(scenario, { seed, traceSink: (r) => records.push(r) });
    const result = await runScenario(scenario, cluster, { checks: simChecks, seed });
    expect(result.passed).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'fabric-bft-sim-index-'));
    try {
      writeRunReport(join(dir, 'run.html'), scenario, result, records);
      const html = readFileSync(join(dir, 'run.html'), 'utf8');
      expect(html).toMatch(/^<!DOCTYPE html>/i);
      expect(html).toContain('orderer.dataforge');
      expect(html).toContain('liveness: a new certificate commits');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
