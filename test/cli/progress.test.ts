/**
 * The progress line of long work (issue #17 item 4): `run`, `check` and `size` through the
 * real commands on the real simulator, with the process environment over stand-in
 * streams. On a terminal stderr (a stream with isTTY true) one line is redrawn in place
 * with carriage returns and cleared at the end; when stderr is not a terminal, or with
 * --json, not one byte of it is written. The run itself is the same either way.
 */
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { processEnv, type CliEnv } from '../../src/cli/io.ts';
import { progressLine, timeLeft } from '../../src/io/progress.ts';

interface Captured {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** A stream as a terminal or a pipe presents itself: isTTY and write. */
function stream(isTTY: boolean, columns?: number): { isTTY: boolean; columns?: number; text: string; write(t: string): boolean } {
  return {
    isTTY,
    ...(columns !== undefined ? { columns } : {}),
    text: '',
    write(t: string) {
      this.text += t;
      return true;
    },
  };
}

/**
 * The process environment (real simulator, real file system) over stand-in streams. The
 * wall clock ticks 100 ms per reading, so every poll of the simulator redraws the line and
 * what is drawn does not depend on this machine's speed.
 */
async function cli(argv: string[], stderrTty: boolean, files: Record<string, string> = {}, columns?: number): Promise<Captured> {
  const out = stream(false);
  const err = stream(stderrTty, columns);
  let t = 0;
  const base = processEnv({ stdout: out, stderr: err });
  const env: CliEnv = { ...base, wallMs: () => (t += 100), readFile: (p) => files[p] ?? base.readFile(p), pathKind: (p) => (p in files ? 'file' : base.pathKind(p)) };
  const code = await main(argv, env);
  return { code, out: out.text, err: err.text };
}

/** The lines drawn, in order: what follows each carriage return, trailing padding cut. */
function drawn(err: string): string[] {
  return err
    .split('\r')
    .map((s) => s.trimEnd())
    .filter((s) => s !== '');
}

const LONG_SLEEP = `name: long-sleep
steps:
  - issue: { via: techpulse, certID: P-1 }
  - sleep: 1h
  - issue: { via: dataforge, certID: P-2 }
    expect: { ok: true }
`;

describe('progress line: run', () => {
  it('on a terminal: redrawn inside a long step with the simulated time, then cleared; the run is the same as without it', async () => {
    const tty = await cli(['run', 'long.yaml'], true, { 'long.yaml': LONG_SLEEP });
    const piped = await cli(['run', 'long.yaml'], false, { 'long.yaml': LONG_SLEEP });
    expect(tty.code).toBe(0);
    const wall = (t: string): string => t.replace(/simulated in \S+/, 'simulated in *');
    expect(wall(tty.out)).toBe(wall(piped.out));
    // Only carriage returns: no line of it is left on the screen.
    expect(tty.err).not.toContain('\n');
    expect(tty.err.startsWith('\r')).toBe(true);
    // The end: the last line overwritten with spaces, the cursor back at the start.
    expect(tty.err).toMatch(/\r +\r$/);
    const lines = drawn(tty.err);
    // Drawn as soon as the network is up (a set-up of more than a few thousand events says "setting the network up" before).
    expect(lines[0]).toMatch(/^run long-sleep: step 1 of 3, \S+ simulated, \S+ so far \(issue P-1 via techpulse\)$/);
    // Inside the 1 h sleep the line moves: the step and the simulated time reached.
    const inSleep = lines.filter((l) => l.startsWith('run long-sleep: step 2 of 3, ') && l.endsWith(' (sleep 1h)'));
    expect(inSleep.length).toBeGreaterThan(3);
    const simulated = inSleep.map((l) => /, (\S+) simulated, /.exec(l)?.[1] ?? '');
    expect(new Set(simulated).size).toBeGreaterThan(3);
    expect(simulated.some((s) => /^\d+m/.test(s))).toBe(true);
    // One step done: an estimate of what is left, from the pace so far.
    expect(inSleep.every((l) => /, about \S+ left \(sleep 1h\)$/.test(l))).toBe(true);
  });

  it('a terminal 60 columns wide: every line is cut to 59, so a carriage return still overwrites it', async () => {
    const r = await cli(['run', 'long.yaml'], true, { 'long.yaml': LONG_SLEEP }, 60);
    const lines = drawn(r.err);
    expect(lines.length).toBeGreaterThan(3);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(59);
    expect(lines.some((l) => l.endsWith('…'))).toBe(true);
  });

  it('stderr not a terminal: not one byte on stderr', async () => {
    const r = await cli(['run', 'kill-orderer'], false);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
  });

  it('--json on a terminal: not one byte on stderr, the JSON alone on stdout', async () => {
    const r = await cli(['run', 'kill-orderer', '--json'], true);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect((JSON.parse(r.out) as { passed: boolean }).passed).toBe(true);
  });

  it('the same trace with and without the line (it reads the clock, never steps the run)', async () => {
    const a = JSON.parse((await cli(['run', 'long.yaml', '--json'], false, { 'long.yaml': LONG_SLEEP })).out) as { traceHash: string };
    const tty = await cli(['run', 'long.yaml'], true, { 'long.yaml': LONG_SLEEP });
    expect(tty.out).toContain(a.traceHash);
  });
});

describe('progress line: check', () => {
  it('on a terminal: runs done and an estimate, then a last line that stays', async () => {
    const r = await cli(['check', '--runs', '4', '--seed', '3', '--faults', 'crash', '--workers', '1'], true);
    expect(r.code).toBe(0);
    const lines = drawn(r.err.slice(r.err.indexOf('\n') + 1));
    expect(lines[0]).toMatch(/^check: 1\/4 runs, \S+ so far, about \S+ left$/);
    expect(lines.at(-1)).toMatch(/^check: 4\/4 runs in \S+$/);
    expect(r.err.endsWith('\n')).toBe(true);
  });

  it('--json on a terminal: nothing on stderr', async () => {
    const r = await cli(['check', '--runs', '2', '--seed', '3', '--faults', 'crash', '--workers', '1', '--json'], true);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
  });
});

describe('progress line: the helper', () => {
  it('print writes log lines above the line and redraws it; end clears it', () => {
    let err = '';
    const line = progressLine({ stderr: (t) => void (err += t), wallMs: () => 0, enabled: true });
    line.show('working 1');
    line.print('a log line\n');
    line.show('w 2');
    line.end();
    expect(err).toBe('\rworking 1\r         \ra log line\n\rworking 1\rw 2      \r   \r');
  });

  it('disabled: print still writes the log lines, nothing else', () => {
    let err = '';
    const line = progressLine({ stderr: (t) => void (err += t), wallMs: () => 0, enabled: false });
    line.show('working');
    line.print('a log line\n');
    line.end('done');
    expect(err).toBe('a log line\n');
  });

  it('a line wider than the limit is cut, so a carriage return still overwrites it', () => {
    let err = '';
    const line = progressLine({ stderr: (t) => void (err += t), wallMs: () => 0, enabled: true, maxWidth: 10 });
    line.show('0123456789abc');
    expect(err).toBe('\r012345678…');
  });

  it('the estimate of what is left: at the pace so far, none before the first or after the last', () => {
    expect(timeLeft(10_000, 1, 4)).toBe('about 30s left');
    expect(timeLeft(10_000, 0, 4)).toBe('');
    expect(timeLeft(10_000, 4, 4)).toBe('');
    expect(timeLeft(100, 99, 100)).toBe('about 1s left');
  });
});
