/**
 * The whole live path on loopback: LiveCluster spawns the `oc` stand-in, which calls
 * serve's admin endpoint; tokens come from serve's Keycloak; certificates go through its
 * REST API; the simulated CertChain (SimCluster) runs behind it in scaled time.
 */
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runLiveCommand } from '../../src/live/cli.ts';
import { processEnv } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';
import type { RunningServe } from '../../src/live/serve/server.ts';
import type { SimCluster } from '../../src/sim/cluster/sim-cluster.ts';
import { SECRETS, callLog, removeTempDirs, startTestServe, tempDir, cliSimTarget } from './helpers.ts';

const ADMIN = 'test-admin-token';
let serve: RunningServe;
let sim: SimCluster;
let cfg: string;
const log = callLog();

beforeAll(async () => {
  ({ sim, serve, cfg } = await startTestServe(ADMIN));
  Object.assign(process.env, SECRETS, { OC_STANDIN_URL: serve.url, OC_STANDIN_TOKEN: ADMIN, OC_STANDIN_LOG: log.path });
});

afterAll(async () => {
  await serve?.close();
  removeTempDirs();
  for (const k of [...Object.keys(SECRETS), 'OC_STANDIN_URL', 'OC_STANDIN_TOKEN', 'OC_STANDIN_LOG']) delete process.env[k];
});

function capture(): { out: string[]; err: string[]; io: { stdout: (s: string) => void; stderr: (s: string) => void; target: typeof cliSimTarget } } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (s) => out.push(s), stderr: (s) => err.push(s), target: cliSimTarget } };
}

const AUTOMATED = { prune: true, selfHeal: true };

async function clusterAsItBegan(): Promise<void> {
  for (const n of [...sim.topology.orderers, ...sim.topology.peers, ...sim.topology.couchdbs]) expect(await sim.isUp(n), `${n} up`).toBe(true);
  for (const app of ['certchain-techpulse', 'certchain-dataforge', 'certchain-org3', 'certchain-ordering']) {
    expect((serve.admin.application(app)?.['spec'] as { syncPolicy: { automated?: unknown } }).syncPolicy.automated, app).toEqual(AUTOMATED);
  }
}

describe('against serve + the oc stand-in (live --yes inside compare)', () => {
  test.each(['kill-orderer', 'peer-recovery', 'couchdb-rebuild'])(
    '%s: the live run passes, compare finds no outcome difference, every undo discharged or run, the cluster ends as it began',
    async (name) => {
      const c = capture();
      const before = log.calls().length;
      const report = join(tempDir('fbs-report-'), 'sim.html');
      // A report from an earlier run: replaced by a rename (atomically), never rewritten in place.
      writeFileSync(report, 'an earlier report');
      const earlier = statSync(report).ino;
      const code = await runLiveCommand('compare', [name, '--config', cfg, '--yes', '--json', '--report', report], c.io);
      const out = c.out.join('');
      const j = JSON.parse(out) as {
        comparison: { outcomeDiffers: boolean; rows: { verdict: string; name: string; why?: string }[] };
        sim: { passed: boolean };
        live: { passed: boolean; steps: { name: string; ok: boolean; error: string | null }[] };
        undos: { state: string; ok?: boolean }[];
      };
      expect(j.live.steps.filter((s) => !s.ok), out).toEqual([]);
      expect(j.live.passed).toBe(true);
      expect(j.sim.passed).toBe(true);
      expect(j.comparison.rows.filter((r) => r.verdict !== 'same')).toEqual([]);
      expect(j.comparison.outcomeDiffers).toBe(false);
      expect(code, c.err.join('')).toBe(0);
      expect(j.undos.length).toBeGreaterThan(0);
      expect(j.undos.every((u) => u.state === 'discharged' || (u.state === 'ran' && u.ok === true))).toBe(true);
      for (const s of Object.values(SECRETS)) expect(out + c.err.join('')).not.toContain(s);
      // No bearer token (a JWT from serve's Keycloak) either.
      expect(out + c.err.join('')).not.toMatch(/eyJ[A-Za-z0-9_-]{8,}\./);
      await clusterAsItBegan();
      // --report: the simulator side's HTML report.
      const html = readFileSync(report, 'utf8');
      expect(html.startsWith('<!doctype html>')).toBe(true);
      expect(html).toContain(name);
      expect(statSync(report).ino).not.toBe(earlier);
      expect(readdirSync(dirname(report))).toEqual(['sim.html']);
      // Log polls after a pod's first read ask only for what is new.
      const logCalls = log.calls().slice(before).filter((x) => x.args[0] === 'logs');
      if (name !== 'couchdb-rebuild') expect(logCalls.some((x) => x.args.some((a) => /^--since-time=\d{4}-\d\d-\d\dT[\d:.]+Z$/.test(a)))).toBe(true);
    },
  );

  test('compare on a terminal stderr: a progress line while the simulator runs, cleared before the cluster side', async () => {
    const stream = (isTTY: boolean) => ({
      isTTY,
      text: '',
      write(t: string) {
        this.text += t;
        return true;
      },
    });
    const out = stream(false);
    const err = stream(true);
    const code = await main(['compare', 'peer-recovery', '--config', cfg, '--yes'], processEnv({ stdout: out, stderr: err }));
    expect(code, out.text + err.text).toBe(0);
    const simSide = err.text.slice(0, err.text.indexOf('simulator: passed'));
    expect(simSide).toMatch(/^\rcompare peer-recovery: simulator: step 1 of \d+, \S+ simulated, \S+ so far/);
    // Cleared (spaces, then back to the start of the line) before the next line is written.
    expect(simSide).toMatch(/\r +\r$/);
    expect(simSide).not.toContain('\n');
    // The cluster side's lines are plain lines (one per command and step), no carriage return.
    expect(err.text.slice(simSide.length)).not.toContain('\r');
    await clusterAsItBegan();
  }, 120_000);

  test('live --yes prints the step table, the undo report and PASSED (human output, no secrets)', async () => {
    const c = capture();
    const code = await runLiveCommand('live', ['peer-recovery', '--config', cfg, '--yes'], c.io);
    const out = c.out.join('');
    expect(code, out + c.err.join('')).toBe(0);
    expect(out).toMatch(/^ ✓ 11  Step 4: the certificate is VALID through TechPulse: VALID$/m);
    expect(out).toContain('   · not needed (the scenario restored it): scale deployment peer0 in certchain-techpulse back to 1 replica(s)');
    expect(out.trim().endsWith('PASSED')).toBe(true);
    // Progress on stderr shows each oc command as it runs.
    expect(c.err.join('')).toMatch(/\$ \S+\/fixtures\/oc scale deployment peer0 -n certchain-techpulse --replicas=0/);
    for (const s of Object.values(SECRETS)) expect(out + c.err.join('')).not.toContain(s);
    await clusterAsItBegan();
  });

  test('Ctrl-C midway (orderer scaled down, auto-sync paused): every undo runs and the cluster ends as it began', async () => {
    const c = capture();
    const before = log.calls().length;
    const run = runLiveCommand('live', ['kill-orderer', '--config', cfg, '--yes', '--json'], c.io);
    // Wait until the orderer has been scaled down, then press Ctrl-C.
    const deadline = Date.now() + 40_000;
    const scaledDown = (): boolean => log.calls().slice(before).some((x) => x.args.join(' ') === 'scale deployment orderer -n certchain-dataforge --replicas=0');
    while (!scaledDown() || (await sim.isUp('orderer.dataforge'))) {
      if (Date.now() > deadline) throw new Error('the run never scaled the orderer down');
      await new Promise((r) => setTimeout(r, 50));
    }
    process.emit('SIGINT');
    const code = await run;
    expect(code).toBe(130);
    expect(c.err.join('')).toContain('interrupted: stopping and running the undos');
    const j = JSON.parse(c.out.join('')) as { aborted: boolean; undos: { label: string; state: string; ok?: boolean }[] };
    expect(j.aborted).toBe(true);
    expect(j.undos.map((u) => [u.label, u.state, u.ok])).toEqual([
      ['restore Argo CD auto-sync of certchain-techpulse to {"prune":true,"selfHeal":true}', 'ran', true],
      ['restore Argo CD auto-sync of certchain-dataforge to {"prune":true,"selfHeal":true}', 'ran', true],
      ['restore Argo CD auto-sync of certchain-org3 to {"prune":true,"selfHeal":true}', 'ran', true],
      ['restore Argo CD auto-sync of certchain-ordering to {"prune":true,"selfHeal":true}', 'ran', true],
      ['scale deployment orderer in certchain-dataforge back to 1 replica(s)', 'ran', true],
    ]);
    // Undos ran newest first: the orderer came back before auto-sync was restored.
    const after = log.calls().slice(before).map((x) => x.args.slice(0, 3).join(' '));
    const lastScale = after.lastIndexOf('scale deployment orderer');
    expect(lastScale).toBeGreaterThan(after.indexOf('scale deployment orderer'));
    expect(after.slice(lastScale).filter((a) => a.startsWith('patch application'))).toHaveLength(4);
    await clusterAsItBegan();
  });
});
