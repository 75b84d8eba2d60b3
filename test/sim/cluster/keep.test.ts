/**
 * What a simulated cluster keeps (issue #19, memory): log lines and metric change points
 * only when asked, the lines a scenario's `waitFor` log steps look for, and gateway answers
 * taken once. None of it is in the trace hash.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SimCluster } from '../../../src/sim/cluster/sim-cluster.ts';
import { runScenario } from '../../../src/scenarios/runner.ts';
import { SCENARIO_BEHAVIOURS, simChecks, simClusterFor, waitForLogLines } from '../../../src/scenarios/simulator.ts';
import { findBuiltin } from '../../../src/scenarios/builtins/index.ts';
import type { Scenario } from '../../../src/scenarios/schema.ts';
import { main } from '../../../src/cli/main.ts';
import { processEnv } from '../../../src/cli/io.ts';

const cert = { certID: 'K-1', studentID: 's@x.demo', studentName: 'S', courseID: 'C', courseName: 'Course', issueDate: '2026-03-14', expiryDate: '2027-03-14' };

/** Lines the cluster holds, over every node (the kept entries, not what `logs` renders). */
function keptLines(c: SimCluster): number {
  return [...c.topology.orderers, ...c.topology.peers].reduce((n, node) => n + c.observers.nodeLog(node).entries.length, 0);
}

function scenarioNamed(name: string): Scenario {
  const b = findBuiltin(name);
  if (b === undefined) throw new Error(`no built-in ${name}`);
  return b.build({ orderers: 4 });
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('SimCluster keep', () => {
  it('by default keeps no log line and one point per metric series; reading the lines is a clear error', async () => {
    const c = await SimCluster.create({ seed: 5 });
    expect((await c.issueCertificate('techpulse', cert)).ok).toBe(true);
    expect(keptLines(c)).toBe(0);
    for (const points of c.metricSeries().values()) expect(points.length).toBe(1);
    // The last value is still there: a down orderer reports its last committed block from it.
    // (The set-up ends at height 6: the initial certificates are in block 5.)
    expect(c.metric('peer0.techpulse', 'ledger_blockchain_height').at(-1)?.value).toBe(7);
    await expect(c.logs('peer0.techpulse')).rejects.toThrow(/log lines of peer0.techpulse were not kept/);
  });

  it('keep: { logs, metrics } keeps every line and every change point', async () => {
    const c = await SimCluster.create({ seed: 5, keep: { logs: true, metrics: true } });
    await c.issueCertificate('techpulse', cert);
    expect(keptLines(c)).toBeGreaterThan(100);
    expect(c.metric('peer0.techpulse', 'ledger_blockchain_height').map((p) => p.value)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('the trace hash is the same whatever is kept', async () => {
    const run = async (keep: { logs: boolean; metrics: boolean }): Promise<string> => {
      const c = await SimCluster.create({ seed: 6, keep });
      await c.stop('orderer.techpulse');
      await c.issueCertificate('dataforge', cert);
      await c.start('orderer.techpulse');
      await c.sleep(5_000);
      return c.traceHash();
    };
    expect(await run({ logs: false, metrics: false })).toBe(await run({ logs: true, metrics: true }));
  });
});

describe('simClusterFor keeps the lines its waitFor log steps look for', () => {
  it('a scenario without waitFor log steps keeps none', () => {
    expect(waitForLogLines(scenarioNamed('beyond-f'))).toBe(false);
  });

  it('a pattern known only at run time ($reference) keeps every line; $$ is a literal $', () => {
    const base = { name: 'x', steps: [] };
    expect(waitForLogLines({ ...base, steps: [{ waitFor: { log: { node: 'peer0.techpulse', match: '$saved' } } }] } as unknown as Scenario)).toBe(true);
    // `$$` is the pattern `$` (the end of the line), which matches every line; `$$x` never matches.
    const end = waitForLogLines({ ...base, steps: [{ waitFor: { log: { node: 'peer0.techpulse', match: '$$' } } }] } as unknown as Scenario);
    expect((end as (t: string) => boolean)('any line')).toBe(true);
    const never = waitForLogLines({ ...base, steps: [{ waitFor: { log: { node: 'peer0.techpulse', match: '$$x' } } }] } as unknown as Scenario);
    expect((never as (t: string) => boolean)('$x')).toBe(false);
  });

  it('couchdb-rebuild passes with only the matching lines kept, and its trace hash is the one with every line kept', async () => {
    const s = scenarioNamed('couchdb-rebuild');
    const keep = waitForLogLines(s);
    expect(typeof keep).toBe('function');
    const c = await simClusterFor(s, { seed: 1 });
    const result = await runScenario(s, c, { seed: 1, checks: simChecks, behaviours: SCENARIO_BEHAVIOURS });
    expect(result.passed).toBe(true);
    const kept = [...c.topology.orderers, ...c.topology.peers].flatMap((n) => c.allLogs(n));
    expect(kept.length).toBeGreaterThan(0);
    for (const l of kept) expect((keep as (t: string) => boolean)(l.text)).toBe(true);
    const all = await simClusterFor(s, { seed: 1, keep: { logs: true } });
    const again = await runScenario(s, all, { seed: 1, checks: simChecks, behaviours: SCENARIO_BEHAVIOURS });
    expect(again.traceHash).toBe(result.traceHash);
    expect([...all.topology.orderers, ...all.topology.peers].flatMap((n) => all.allLogs(n)).length).toBeGreaterThan(kept.length * 10);
  });
});

describe('run --logs', () => {
  it("writes every line of each node's current container: ids 1, 2, 3, ... with none missing", async () => {
    const parent = mkdtempSync(join(tmpdir(), 'fbs-keep-'));
    dirs.push(parent);
    const dir = join(parent, 'logs');
    const env = processEnv();
    expect(await main(['run', 'kill-orderer', '--logs', dir], { ...env, stdout: () => undefined })).toBe(0);
    const files = readdirSync(dir).filter((f) => f.startsWith('orderer') && f.endsWith('.log'));
    expect(files.length).toBe(4);
    for (const f of files) {
      const ids = readFileSync(join(dir, f), 'utf8').trimEnd().split('\n').map((l) => parseInt(l.split(' ')[3] ?? '', 16));
      expect(ids.length).toBeGreaterThan(10);
      expect(ids).toEqual(ids.map((_, i) => i + 1));
    }
  });
});

describe('gateway answers', () => {
  it('are taken once: none is left behind after requests and a finished load', async () => {
    const c = await SimCluster.create({ seed: 7 });
    await c.issueCertificate('techpulse', cert);
    const started = await c.startLoad('dataforge', 20, 50);
    await c.sleep(20_000);
    const tally = await c.loadTally(started.load as number);
    expect(tally).toMatchObject({ count: 20, issued: 20, committed: 20, failed: 0, pending: 0 });
    expect(c.world.waiting()).toBe(0);
  });
});
