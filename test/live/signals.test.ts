/**
 * Every signal that ends a live run runs the undos, as Ctrl-C does: a real child process
 * (`fabric-bft-sim live ... --yes`) against serve and the oc stand-in gets SIGTERM or
 * SIGHUP while the orderer is scaled down and Argo CD auto-sync is paused. The orderer
 * must come back, auto-sync must be restored, and the exit code must say which signal
 * (128 + its number).
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunningServe } from '../../src/live/serve/server.ts';
import type { SimCluster } from '../../src/sim/cluster/sim-cluster.ts';
import { SECRETS, callLog, removeTempDirs, startTestServe } from './helpers.ts';

const BIN = resolve(import.meta.dirname, '../../bin/fabric-bft-sim.js');
const ADMIN = 'signals-admin-token';
let serve: RunningServe;
let sim: SimCluster;
let cfg: string;
const log = callLog();

beforeAll(async () => {
  ({ sim, serve, cfg } = await startTestServe(ADMIN));
});

afterAll(async () => {
  await serve?.close();
  removeTempDirs();
});

const AUTOMATED = { prune: true, selfHeal: true };

describe('a signal midway through a live run (orderer down, auto-sync paused)', () => {
  test.each([
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)('%s: the undos run, the cluster ends as it began, exit code %i', async (signal, expected) => {
    const before = log.calls().length;
    const child = spawn(process.execPath, [BIN, 'live', 'kill-orderer', '--config', cfg, '--yes', '--json'], {
      env: { ...process.env, ...SECRETS, OC_STANDIN_URL: serve.url, OC_STANDIN_TOKEN: ADMIN, OC_STANDIN_LOG: log.path },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('exit', (code, sig) => r({ code, signal: sig })));
    try {
      const deadline = Date.now() + 45_000;
      const scaledDown = (): boolean => log.calls().slice(before).some((x) => x.args.join(' ') === 'scale deployment orderer -n certchain-dataforge --replicas=0');
      while (!scaledDown() || (await sim.isUp('orderer.dataforge'))) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the run never scaled the orderer down:\n${err}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      child.kill(signal);
      const { code, signal: killedBy } = await exited;
      expect({ code, killedBy }, err).toEqual({ code: expected, killedBy: null });
      expect(err).toContain(`interrupted by ${signal}: stopping and running the undos`);
      const j = JSON.parse(out) as { aborted: boolean; undos: { label: string; state: string; ok?: boolean }[] };
      expect(j.aborted).toBe(true);
      expect(j.undos.find((u) => u.label.startsWith('scale deployment orderer in certchain-dataforge'))).toMatchObject({ state: 'ran', ok: true });
      // The stand-in's deployment is scaled back and every application syncs by itself again.
      expect(await sim.isUp('orderer.dataforge')).toBe(true);
      for (const app of ['certchain-techpulse', 'certchain-dataforge', 'certchain-org3', 'certchain-ordering']) {
        expect((serve.admin.application(app)?.['spec'] as { syncPolicy: { automated?: unknown } }).syncPolicy.automated, app).toEqual(AUTOMATED);
      }
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});
