/**
 * What live and compare print: control characters from the config, the command line or a
 * server are shown escaped, never sent to the terminal; `compare --json` prints one JSON
 * object even when preflight fails; `--report` is checked before anything runs.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { runLiveCommand } from '../../src/live/cli.ts';
import { SECRETS, exampleDoc, removeTempDirs, writeConfig, cliSimTarget } from './helpers.ts';

afterAll(removeTempDirs);

function capture(): { out: string[]; err: string[]; io: { stdout: (s: string) => void; stderr: (s: string) => void; target: typeof cliSimTarget } } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (s) => out.push(s), stderr: (s) => err.push(s), target: cliSimTarget } };
}

/** C0 but newline and tab, DEL, C1. */
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

describe('terminal escapes are shown escaped, never raw', () => {
  const realm = 'tech\u001b]0;owned\u0007pulse\u009b2J\r\u007f';

  function evilConfig(): string {
    const doc = exampleDoc();
    (doc['orgs'] as Record<string, Record<string, unknown>>)['techpulse']!['realm'] = realm;
    return writeConfig(doc);
  }

  test('a realm with ESC, BEL, CR, DEL and a C1 CSI, echoed in the plan', async () => {
    const c = capture();
    expect(await runLiveCommand('live', ['kill-orderer', '--config', evilConfig()], c.io)).toBe(0);
    const out = c.out.join('');
    expect(out).not.toMatch(RAW_CONTROL);
    expect(out).toContain('(realm tech\\u001b]0;owned\\u0007pulse\\u009b2J\\u000d\\u007f, user admin@techpulse.demo');
  });

  test('--json stays valid JSON and keeps the value', async () => {
    const c = capture();
    expect(await runLiveCommand('live', ['kill-orderer', '--config', evilConfig(), '--json'], c.io)).toBe(0);
    const out = c.out.join('');
    expect(out).not.toMatch(RAW_CONTROL);
    const j = JSON.parse(out) as { plan: { why?: string }[] };
    expect(j.plan.some((e) => e.why?.includes(`(realm ${realm},`))).toBe(true);
  });

  test('on stderr: an error naming a scenario given on the command line', async () => {
    const cfg = writeConfig(exampleDoc());
    const c = capture();
    expect(await runLiveCommand('live', ['kill\u001b[2J\u009d0;x\u0007', '--config', cfg], c.io)).toBe(2);
    const err = c.err.join('');
    expect(err).not.toMatch(RAW_CONTROL);
    expect(err).toContain('unknown scenario "kill\\u001b[2J\\u009d0;x\\u0007"');
  });
});

describe('compare', () => {
  test('--json when preflight fails: one JSON object with the error, alone on stdout', async () => {
    const saved: Record<string, string | undefined> = {};
    for (const k of Object.keys(SECRETS)) {
      saved[k] = process.env[k];
      delete process.env[k];
    }
    try {
      const c = capture();
      const code = await runLiveCommand('compare', ['kill-orderer', '--config', writeConfig(exampleDoc()), '--yes', '--json'], c.io);
      expect(code).toBe(1);
      const j = JSON.parse(c.out.join('')) as { preflightError: string; comparison: unknown; live: unknown; sim: { passed: boolean } };
      expect(j.preflightError).toBe('orgs.techpulse.password: environment variable CERTCHAIN_TECHPULSE_PASSWORD is not set');
      expect(j.comparison).toBeNull();
      expect(j.live).toBeNull();
      expect(j.sim.passed).toBe(true);
    } finally {
      for (const [k, v] of Object.entries(saved)) if (v !== undefined) process.env[k] = v;
    }
  });

  test('--report in a directory that does not exist: one line, exit 2, before anything runs', async () => {
    const c = capture();
    expect(await runLiveCommand('compare', ['kill-orderer', '--config', writeConfig(exampleDoc()), '--report', '/nonexistent/sim.html'], c.io)).toBe(2);
    expect(c.err.join('')).toBe('fabric-bft-sim compare: --report /nonexistent/sim.html: directory /nonexistent does not exist\n');
    expect(c.out.join('')).toBe('');
  });
});
