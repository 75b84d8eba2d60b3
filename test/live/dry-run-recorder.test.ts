/**
 * The dry run is the same LiveCluster code on another IO (DryRunRecorder): its plan must
 * list exactly what a real run issues. A real run of peer-recovery against serve + the oc
 * stand-in keeps its transcript (the executing IO records every call as the recorder
 * does); the dry run of the same scenario on the same config must name the same commands
 * and requests, and the ones that change the cluster in the same order. A real run asks
 * its reads again while it polls; the recorder lists each read of a poll once.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { LiveCluster } from '../../src/live/cluster.ts';
import type { PlanEntry } from '../../src/live/plan.ts';
import { runLive } from '../../src/live/run.ts';
import type { RunningServe } from '../../src/live/serve/server.ts';
import { findBuiltin } from '../../src/scenarios/builtins/index.ts';
import { runScenario } from '../../src/scenarios/runner.ts';
import { SECRETS, callLog, exampleConfig, removeTempDirs, startTestServe } from './helpers.ts';

const ADMIN = 'test-admin-token';
let serve: RunningServe;
const log = callLog();

beforeAll(async () => {
  ({ serve } = await startTestServe(ADMIN));
});

afterAll(async () => {
  await serve?.close();
  removeTempDirs();
});

/**
 * One entry as a line: the command or the request. Two values only a real run knows are
 * left out: the time a log read starts from and the auto-sync policy read before pausing
 * it (the recorder shows a placeholder for each).
 */
function line(e: PlanEntry): string | undefined {
  if (e.kind === 'note') return undefined;
  if (e.kind === 'http') return `${e.method} ${e.url}`;
  return e.command
    .replace(/^\S+\/fixtures\/oc /, 'oc ')
    .replace(/'?--since-time=[^']*'?$/, '--since-time=T')
    .replace(/"automated":(\{[^}]*\}|"<the automated policy read above>")/, '"automated":READ');
}

/** Commands and requests that change something: scale, rollout, patch, rebuild-dbs, a database DELETE, a POST. */
function changes(l: string): boolean {
  return /^oc (scale|rollout|patch|debug) /.test(l) || / -X DELETE /.test(l) || l.startsWith('POST ');
}

describe('live: the dry-run recorder lists what a real run issues', () => {
  test('peer-recovery: the same commands and requests, and those that change the cluster in the same order', async () => {
    const env = { ...process.env, ...SECRETS, OC_STANDIN_URL: serve.url, OC_STANDIN_TOKEN: ADMIN, OC_STANDIN_LOG: log.path };
    const config = exampleConfig({ api: serve.url, keycloak: serve.url });
    const scenario = findBuiltin('peer-recovery')!.build({ orderers: config.topology.orderers.length });

    const real = await runLive(scenario, config, { dryRun: false, env });
    expect(real.result?.passed, JSON.stringify(real.result?.steps.filter((s) => !s.ok))).toBe(true);
    const issued = real.cluster.io.plan.entries.map(line).filter((l) => l !== undefined);
    expect(log.calls().length).toBe(issued.filter((l) => l.startsWith('oc ')).length);

    // What `live peer-recovery` without --yes runs (src/live/cli.ts dryRun).
    const dry = new LiveCluster(config, { dryRun: true, env });
    await dry.preflight();
    await runScenario(scenario, dry, { pollMs: config.timeouts.poll });
    const planned = dry.io.plan.entries.map(line).filter((l) => l !== undefined);
    expect(log.calls().length, 'the dry run ran nothing').toBe(issued.filter((l) => l.startsWith('oc ')).length);

    expect([...new Set(planned)].sort()).toEqual([...new Set(issued)].sort());
    expect(planned.filter(changes)).toEqual(issued.filter(changes));
    expect(planned.filter(changes).length).toBeGreaterThan(3);
  }, 120_000);
});
