/**
 * Every command stays bounded and says what went wrong in one line (issue #11): the
 * wall-clock budget holds while a step computes, flags are not given twice, `--logs` never
 * mixes two runs, output files are written whole, and control characters from a scenario
 * never reach the terminal raw.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { processEnv, type CliEnv } from '../../src/cli/io.ts';
import { escapeControls } from '../../src/shared/escape.ts';
import { writeFileAtomic } from '../../src/io/files.ts';
import { runBudget } from '../../src/cli/budget.ts';
import { simTarget } from '../../src/cli/targets.ts';
import { runScenario } from '../../src/scenarios/runner.ts';
import { simClusterFor } from '../../src/scenarios/simulator.ts';
import { testEnv } from './env.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'fbs-bounded-'));
  dirs.push(d);
  return d;
}

/** The real file system and simulator, with output captured. */
function realEnv(): CliEnv & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return { ...processEnv(), stdout: (t) => void (out += t), stderr: (t) => void (err += t), target: async () => simTarget(), out: () => out, err: () => err };
}

describe('the wall-clock and memory budget holds inside a computing step', () => {
  it('run --max-wall 2s stops 100,000 background issues mid-step with the reason (it ran 46 s before)', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'heavy.yaml'), 'name: heavy\nsteps:\n  - load: { via: techpulse, count: 100000, every: 1ms }\n  - sleep: 10m\n');
    const env = realEnv();
    const code = await main(['run', join(dir, 'heavy.yaml'), '--max-wall', '2s', '--json'], env);
    const r = JSON.parse(env.out()) as { verdict: string; steps: { ok: boolean; error: string | null }[] };
    expect(r.verdict).toBe('budget exceeded');
    expect(r.steps[1]?.error).toBe('run aborted during this step: wall-clock budget of 2s used up (--max-wall)');
    expect(code).toBe(1);
  }, 30_000);

  it('an interrupt polled by the event loop ends the run as budget exceeded, with its sentence, and drives the cluster no further', async () => {
    const scenario = { name: 'i', steps: [{ sleep: '30m' }, { sleep: '30m' }] };
    let armed = false;
    const ctl = new AbortController();
    const cluster = await simClusterFor(scenario, {
      seed: 1,
      interrupt: () => {
        if (!armed) return undefined;
        ctl.abort(new Error('memory budget used up: test'));
        return 'memory budget used up: test';
      },
    });
    armed = true;
    const r = await runScenario(scenario, cluster, { seed: 1, signal: ctl.signal });
    expect(r.verdict).toBe('budget exceeded');
    expect(r.steps).toHaveLength(1);
    expect(r.steps[0]?.error).toBe('run aborted during this step: memory budget used up: test');
    expect(r.pending).toEqual(['steps[0] sleep 30m (aborted)', 'steps[1] sleep 30m']);
  });

  it('runBudget: the heap limit and the deadline each stop the run with their own sentence', () => {
    let heap = 0;
    let now = 0;
    const b = runBudget(5_000, { heapLimitBytes: 100 * 1024 * 1024, heapUsedBytes: () => heap, nowMs: () => now });
    expect(b.interrupt()).toBeUndefined();
    heap = 200 * 1024 * 1024;
    expect(b.interrupt()).toBe('memory budget used up: the heap holds 200 MB of the 100 MB a run may use');
    expect(b.signal.aborted).toBe(true);
    b.dispose();
    heap = 0;
    const c = runBudget(5_000, { heapUsedBytes: () => heap, nowMs: () => now });
    now = 5_000;
    expect(c.interrupt()).toBe('wall-clock budget of 5s used up (--max-wall)');
    c.dispose();
  });
});

describe('flags', () => {
  it.each([
    [['run', 'kill-orderer', '--seed', '1', '--seed', '2'], 'fabric-bft-sim run: --seed is given twice'],
    [['check', '--faults', 'crash,,crash'], 'fabric-bft-sim check: --faults expects a comma-separated list of crash, byzantine, partition, peer, got "crash,,crash"'],
    [['check', '--faults', 'crash,crash'], 'fabric-bft-sim check: --faults: "crash" is listed twice'],
    [['size', '--zones', '3', '--zones', '4'], 'fabric-bft-sim size: --zones is given twice'],
  ])('%j is refused in one line', async (argv, line) => {
    const env = testEnv();
    const code = await main(argv, env);
    expect(code).toBe(2);
    expect(env.err().trim()).toBe(line);
  });
});

describe('--logs DIR', () => {
  it('a second run into the same folder replaces the first run\'s logs, never mixes them', async () => {
    const dir = join(tempDir(), 'logs');
    expect(await main(['run', 'kill-orderer', '--orderers', '7', '--logs', dir], realEnv())).toBe(0);
    expect(readdirSync(dir)).toContain('orderer5.ordering.log');
    expect(await main(['run', 'kill-orderer', '--logs', dir], realEnv())).toBe(0);
    const files = readdirSync(dir).filter((f) => f.endsWith('.log'));
    expect(files).not.toContain('orderer5.ordering.log');
    expect(files).toContain('orderer.ordering.log');
  });

  it('a folder that holds something else is refused before the run', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    const env = realEnv();
    expect(await main(['run', 'kill-orderer', '--logs', dir], env)).toBe(2);
    expect(env.err()).toContain('the folder is not empty and was not written by an earlier "run --logs"');
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
  });
});

describe('output', () => {
  it('files are written whole: a temp file beside the target, renamed over it, none left behind', () => {
    const dir = tempDir();
    const file = join(dir, 'out.json');
    writeFileSync(file, 'old');
    writeFileAtomic(file, 'new');
    expect(readFileSync(file, 'utf8')).toBe('new');
    expect(readdirSync(dir)).toEqual(['out.json']);
    expect(() => writeFileAtomic(join(dir, 'missing', 'x.json'), 'y')).toThrow();
    expect(readdirSync(dir)).toEqual(['out.json']);
  });

  it('control characters (terminal escapes) from scenario names are shown escaped', () => {
    expect(escapeControls('x\x1b]0;pwned\x07 and \x1b[2J, \x9b, tab\tok\nline\r')).toBe('x\\u001b]0;pwned\\u0007 and \\u001b[2J, \\u009b, tab\tok\nline\\u000d');
  });
});
