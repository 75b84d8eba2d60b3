/**
 * Output paths (--report, --trace, --logs, check --out/--report) are checked on the real
 * file system BEFORE anything is simulated: a bad path is one line and exit 2, and the
 * target is never opened. `--logs /proc/nope` used to hang (recursive mkdir loop).
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { processEnv, type CliEnv, type SimTarget } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';
import { fakeTarget } from './env.ts';

const tmp = mkdtempSync(join(tmpdir(), 'fbs-out-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The real file system, captured output, and a fake target that counts the runs it opens. */
function realFsEnv(): { env: CliEnv; out: () => string; err: () => string; opened: () => number } {
  let out = '';
  let err = '';
  let opened = 0;
  const fake = fakeTarget();
  const target: SimTarget = { ...fake, create: async (s, o) => (opened++, fake.create(s, o)) };
  const env: CliEnv = { ...processEnv(), stdout: (t) => void (out += t), stderr: (t) => void (err += t), tty: false, stderrTty: false, target: async () => target };
  return { env, out: () => out, err: () => err, opened: () => opened };
}

async function cli(argv: string[]) {
  const e = realFsEnv();
  const code = await main(argv, e.env);
  return { code, out: e.out(), err: e.err(), opened: e.opened() };
}

describe('output paths are checked before the run', () => {
  const plainFile = join(tmp, 'plain.txt');
  writeFileSync(plainFile, 'x');

  it.each([
    [['run', 'peer-recovery', '--report', '/nonexistent/r.html'], 'run: --report /nonexistent/r.html: directory /nonexistent does not exist'],
    [['run', 'peer-recovery', '--trace', '/nonexistent/t.jsonl'], 'run: --trace /nonexistent/t.jsonl: directory /nonexistent does not exist'],
    [['run', 'peer-recovery', '--logs', `${plainFile}/x`], `run: --logs ${plainFile}/x: ${plainFile} is not a directory`],
    [['run', 'peer-recovery', '--logs', plainFile], `run: --logs ${plainFile}: exists and is not a directory`],
    [['run', 'peer-recovery', '--report', tmp], `run: --report ${tmp}: is a directory; give a file name`],
    [['run', 'kill-orderer', '--logs', join(tmp, 'a', 'b')], `run: --logs ${join(tmp, 'a', 'b')}: directory ${join(tmp, 'a')} does not exist`],
    [['check', '--runs', '1', '--seed', '1', '--out', '/nonexistent/f.yaml'], 'check: --out /nonexistent/f.yaml: directory /nonexistent does not exist'],
    [['check', '--runs', '1', '--seed', '1', '--report', '/nonexistent/r.html'], 'check: --report /nonexistent/r.html: directory /nonexistent does not exist'],
  ])('%j: one line, exit 2, nothing simulated', async (argv, message) => {
    const r = await cli(argv);
    expect(r.err).toBe(`fabric-bft-sim ${message}\n`);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.opened).toBe(0);
  });

  it('--logs /proc/nope returns at once (no recursive-mkdir loop): one line, exit 2', async () => {
    const r = await cli(['run', 'kill-orderer', '--logs', '/proc/nope']);
    expect(r.err).toMatch(/^fabric-bft-sim run: --logs \/proc\/nope: (cannot create the directory|cannot write in \/proc) \([^)]+\)\n$/);
    expect(r.code).toBe(2);
    expect(r.opened).toBe(0);
  });

  it('--logs creates one missing directory level and writes the files there; --trace and --report write too', async () => {
    const logs = join(tmp, 'logs');
    const trace = join(tmp, 't.jsonl');
    const report = join(tmp, 'r.html');
    const r = await cli(['run', 'kill-orderer', '--logs', logs, '--trace', trace, '--report', report]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(readdirSync(logs)).toContain('orderer.dataforge.log');
    // the fake target writes no records: the file is the header line alone
    expect(readFileSync(trace, 'utf8').split('\n')).toEqual([expect.stringMatching(/^\{"format":"fabric-bft-sim trace","version":1,"scenario":"kill-orderer",/), '']);
    expect(readFileSync(report, 'utf8')).toMatch(/^<!DOCTYPE html>/i);
  });
});
