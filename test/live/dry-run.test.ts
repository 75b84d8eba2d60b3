import { afterAll, describe, expect, test } from 'vitest';
import { runLiveCommand } from '../../src/live/cli.ts';
import { SECRETS, callLog, exampleDoc, removeTempDirs, writeConfig, cliSimTarget } from './helpers.ts';

afterAll(removeTempDirs);

function capture(): { out: string[]; err: string[]; io: { stdout: (s: string) => void; stderr: (s: string) => void; target: typeof cliSimTarget } } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (s) => out.push(s), stderr: (s) => err.push(s), target: cliSimTarget } };
}

describe('live: dry run is the default and runs nothing', () => {
  const log = callLog();
  // The stand-in records every call; a dry run must never start it. The env has the real
  // secrets, to prove a dry run does not even read them.
  const env = { OC_STANDIN_LOG: log.path, OC_STANDIN_URL: 'http://127.0.0.1:9', ...SECRETS };

  test.each([
    ['kill-orderer', ['POST https://certchain-api.apps.example.openshift.com/api/v1/certificates', "oc patch application certchain-dataforge -n openshift-gitops --type=merge -p '{\"spec\":{\"syncPolicy\":{\"automated\":null}}}'", 'oc scale deployment orderer -n certchain-dataforge --replicas=0', 'POST https://certchain-api.apps.example.openshift.com/api/v1/certificates', 'oc scale deployment orderer -n certchain-dataforge --replicas=1', 'oc logs deployment/orderer -n certchain-dataforge']],
    ['peer-recovery', ['oc exec deployment/peer0 -n certchain-techpulse -- peer channel getinfo -c certchannel', 'oc scale deployment peer0 -n certchain-techpulse --replicas=0', 'oc rollout status deployment peer0 -n certchain-techpulse --timeout=20s', 'oc logs deployment/peer0 -n certchain-techpulse']],
    ['couchdb-rebuild', ['oc exec -i deployment/couchdb -n certchain-techpulse -- curl -s -K - http://localhost:5984/certchannel_certcontract   <<< stdin: user = "admin:***"', 'oc exec -i deployment/couchdb -n certchain-techpulse -- curl -s -K - -X DELETE http://localhost:5984/certchannel_certcontract', 'oc debug deployment/peer0 -n certchain-techpulse -- peer node rebuild-dbs', 'GET https://certchain-api.apps.example.openshift.com/api/v1/verify/TP-FSWD-001']],
  ])('%s prints the plan in order, with secrets masked, and never calls oc', async (name, expected) => {
    const cfg = writeConfig(exampleDoc());
    const c = capture();
    const saved = { ...process.env };
    Object.assign(process.env, env);
    let code: number;
    try {
      code = await runLiveCommand('live', [name, '--config', cfg], c.io);
    } finally {
      for (const k of Object.keys(env)) if (saved[k] === undefined) delete process.env[k];
    }
    const text = c.out.join('');
    expect(code, c.err.join('')).toBe(0);
    expect(text).toContain('DRY RUN');
    expect(text).toContain('Run again with --yes to execute.');
    // Preflight first, then the lab's commands in the lab's order.
    expect(text.indexOf('oc whoami')).toBeGreaterThan(0);
    let at = text.indexOf('oc whoami');
    for (const e of expected) {
      const i = text.indexOf(e, at);
      expect(i, `"${e}" after position ${at} in\n${text}`).toBeGreaterThan(at);
      at = i;
    }
    // The Keycloak requests are planned with the password masked.
    expect(text).toContain('POST https://keycloak.apps.example.openshift.com/realms/techpulse/protocol/openid-connect/token');
    expect(text).toMatch(/password=\*\*\*/);
    for (const s of Object.values(SECRETS)) expect(text).not.toContain(s);
    expect(log.calls()).toEqual([]);
  });

  test('--json gives the same plan as data', async () => {
    const cfg = writeConfig(exampleDoc());
    const c = capture();
    expect(await runLiveCommand('live', ['kill-orderer', '--config', cfg, '--json'], c.io)).toBe(0);
    const j = JSON.parse(c.out.join('')) as { dryRun: boolean; plan: { kind: string; command?: string }[] };
    expect(j.dryRun).toBe(true);
    expect(j.plan.filter((e) => e.kind === 'oc' && e.command?.endsWith('/fixtures/oc scale deployment orderer -n certchain-dataforge --replicas=0'))).toHaveLength(1);
    expect(log.calls()).toEqual([]);
  });

  test('kill-orderer plan: no read printed twice in a row, singular grammar, later log reads only ask for new lines', async () => {
    const cfg = writeConfig(exampleDoc());
    const c = capture();
    expect(await runLiveCommand('live', ['kill-orderer', '--config', cfg, '--json'], c.io)).toBe(0);
    const plan = (JSON.parse(c.out.join('')) as { plan: Record<string, unknown>[] }).plan;
    for (let i = 1; i < plan.length; i++) expect(plan[i], `entry ${i} repeats entry ${i - 1}`).not.toEqual(plan[i - 1]);
    const whys = plan.map((e) => String(e['why'] ?? ''));
    expect(whys).toContain('preflight: orderer.ordering exists and is ready');
    expect(whys).toContain('preflight: orderer.techpulse, peer0.techpulse, couchdb.techpulse exist and are ready');
    // The first read of a pod's log is whole; the polls after it ask only for what is new.
    const logs = plan.filter((e) => String(e['command'] ?? '').includes(' logs deployment/orderer -n certchain-dataforge'));
    expect(logs.length).toBeGreaterThan(1);
    expect(logs[0]!['command']).not.toContain('--since-time');
    for (const l of logs.slice(1)) expect(l['command']).toContain('--since-time=');
  });

  test('bad input: one line, exit 2 (unknown scenario, missing config, secret flag, unknown flag)', async () => {
    const cfg = writeConfig(exampleDoc());
    const cases: [string[], RegExp][] = [
      [['kill-ordrer', '--config', cfg], /unknown scenario "kill-ordrer" \(did you mean kill-orderer\?\)/],
      [['kill-orderer'], /--config c\.yaml is required/],
      [['kill-orderer', '--config', cfg, '--password', 'x'], /--password: secrets are never taken from the command line/],
      [['kill-orderer', '--config', cfg, '--yess'], /unknown option --yess \(did you mean --yes\?\)/],
      [['kill-orderer', '--config', '/nonexistent.yaml'], /^fabric-bft-sim live: --config \/nonexistent\.yaml does not exist$/m],
    ];
    for (const [argv, re] of cases) {
      const c = capture();
      expect(await runLiveCommand('live', argv, c.io)).toBe(2);
      expect(c.err.join('')).toMatch(re);
      expect(c.err.join('').trim().split('\n')).toHaveLength(1);
    }
    expect(log.calls()).toEqual([]);
  });
});
