/**
 * One CLI grammar (issue #16 item 4), for EVERY command of the table: the real main() on
 * the real model prints the one --help layout listing every flag of the command's spec,
 * answers --version, refuses an unknown flag in one line with a suggestion (exit 2), and,
 * where the command prints a result, prints one JSON document alone on stdout with --json.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { COMMANDS, main } from '../../src/cli/main.ts';
import { processEnv } from '../../src/cli/io.ts';
import { placeholder } from '../../src/args/help.ts';

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { ...processEnv(), stdout: (t) => void (out += t), stderr: (t) => void (err += t), tty: false, stderrTty: false });
  return { code, out, err };
}

const dir = mkdtempSync(join(tmpdir(), 'grammar-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NAMES = Object.keys(COMMANDS);

/**
 * A command line that prints a result, per command; a string says why there is none here.
 * merge folds the sweep's output, so sweep runs first (the table keeps this order).
 */
const JSON_RUNS: Readonly<Record<string, readonly string[] | string>> = {
  scenarios: ['scenarios', '--json'],
  run: ['run', 'kill-orderer', '--json', '--trace', join(dir, 'run.jsonl')],
  report: ['report', join(dir, 'run.jsonl'), '--out', join(dir, 'run.html'), '--json'],
  check: ['check', '--runs', '1', '--seed', '1', '--workers', '1', '--json'],
  sweep: ['sweep', 'kill-orderer', '--seeds', '1', '--workers', '1', '--json', '--out', join(dir, 'sweep.json')],
  merge: ['merge', join(dir, 'sweep.json'), '--json'],
  lab: ['lab', '--json'],
  live: ['live', 'kill-orderer', '--config', 'examples/certchain.live.yaml', '--json'],
  compare: ['compare', 'kill-orderer', '--config', 'examples/certchain.live.yaml', '--json'],
  serve: 'serves until Ctrl-C (its --json document comes once it listens)',
  size: ['size', '--orderers', '4,7', '--no-measure', '--json'],
  net: 'needs a Fabric network started by "net up" (test/local runs it where Fabric is installed)',
  play: ['play', '--out', join(dir, 'play.html'), '--json'],
  calibrate: 'starts a real Fabric network (the Fabric binaries are not here)',
  explain: ['explain', 'quorum', '--json'],
  schema: ['schema', '--json'],
};

describe('every command speaks the one grammar', () => {
  it('the table of JSON runs names every command', () => {
    expect(Object.keys(JSON_RUNS).sort()).toEqual([...NAMES].sort());
  });

  it.each(NAMES)('%s --help: usage, one paragraph, every flag of its spec, examples; "help <command>" prints the same', async (name) => {
    const spec = await (COMMANDS[name] as (typeof COMMANDS)[string]).spec();
    const r = await cli([name, '--help']);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    const text = r.out;
    expect(text.startsWith(`Usage: fabric-bft-sim ${name}`)).toBe(true);
    // Usage, a blank line, the description, then Options and Examples, in that order.
    const sections = text.split('\n\n');
    expect(sections[1]?.length ?? 0).toBeGreaterThan(40);
    const options = text.indexOf('\n\nOptions:\n');
    const examples = text.indexOf('\n\nExamples:\n');
    expect(options).toBeGreaterThan(0);
    expect(examples).toBeGreaterThan(options);
    // A long description wraps under its column: read the list as one line for the defaults.
    const optionLines = text.slice(options, examples).replace(/\n +/g, ' ');
    for (const [flag, def] of Object.entries(spec.flags)) {
      const value = placeholder(def);
      expect(optionLines).toContain(`--${flag}${value === '' ? '' : ` ${value}`}`);
      if (def.default !== undefined) expect(optionLines).toContain(`(default ${def.default})`);
    }
    expect(optionLines).toContain('-h, --help');
    expect(optionLines).toContain('-v, --version');
    for (const e of spec.examples) expect(e.startsWith('fabric-bft-sim ') || /^\w+=\S+ fabric-bft-sim /.test(e)).toBe(true);
    expect(text.slice(examples)).toContain(`  fabric-bft-sim ${name}`);
    expect(text.endsWith('\n')).toBe(true);
    expect(await cli(['help', name])).toEqual(r);
    expect(await cli([name, '-h'])).toEqual(r);
  });

  it.each(NAMES)('%s --version and -v print the version, exit 0', async (name) => {
    for (const flag of ['--version', '-v']) {
      const r = await cli([name, flag]);
      expect(r).toEqual({ code: 0, out: `${VERSION}\n`, err: '' });
    }
  });

  it.each(NAMES)('%s with a misspelt flag: one line naming the command, a suggestion, exit 2', async (name) => {
    const spec = await (COMMANDS[name] as (typeof COMMANDS)[string]).spec();
    const flag = 'json' in spec.flags ? 'json' : (Object.keys(spec.flags)[0] as string);
    const r = await cli([name, `--${flag}x`]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toBe(`fabric-bft-sim ${name}: unknown option --${flag}x (did you mean --${flag}?)\n`);
  });

  it.each(NAMES)('%s --json: one JSON document alone on stdout', { timeout: 120_000 }, async (name) => {
    const argv = JSON_RUNS[name];
    const spec = await (COMMANDS[name] as (typeof COMMANDS)[string]).spec();
    expect(spec.flags['json']?.type).toBe('bool');
    if (argv === undefined || typeof argv === 'string') return;
    const r = await cli([...argv]);
    expect(r.code, r.err).toBe(0);
    expect(() => JSON.parse(r.out) as unknown).not.toThrow();
    expect(r.out.trimEnd().split('\n').at(-1)).toMatch(/^[}\]]$/);
  });
});

describe('the grammar itself, through real commands', () => {
  it('--flag=value and --flag value are the same; a flag given twice is an error', async () => {
    const a = await cli(['explain', 'quorum', '--orderers=7', '--json']);
    const b = await cli(['explain', 'quorum', '--orderers', '7', '--json']);
    const c = await cli(['explain', 'quorum', '-n', '7', '--json']);
    expect(a.code).toBe(0);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    expect(await cli(['explain', 'quorum', '-n', '7', '--orderers', '4'])).toEqual({ code: 2, out: '', err: 'fabric-bft-sim explain: --orderers is given twice\n' });
  });

  it('a switch takes no value; a value flag needs one', async () => {
    expect((await cli(['scenarios', '--json=yes'])).err).toBe('fabric-bft-sim scenarios: --json takes no value\n');
    expect((await cli(['size', '--tolerate'])).err).toBe('fabric-bft-sim size: --tolerate needs a value (a whole number from 0 to 33)\n');
  });

  it('durations use the scenario grammar; decimals and lists where a command takes them', async () => {
    expect((await cli(['run', 'kill-orderer', '--max-wall', '10 minutes'])).err).toBe('fabric-bft-sim run: --max-wall expects a duration like 500ms, 30s or 10m, got "10 minutes"\n');
    expect((await cli(['size', '--node-availability', '0.9x'])).err).toBe('fabric-bft-sim size: --node-availability expects a number from 0 to 1, got "0.9x"\n');
    expect((await cli(['size', '--placement', '3,2,x'])).err).toBe('fabric-bft-sim size: --placement expects comma-separated whole numbers from 0 to 100 (e.g. 4,7,10), got "3,2,x"\n');
    const r = await cli(['size', '--orderers', '4', '--cpu-per-message', '0.05ms', '--no-measure', '--json']);
    expect(r.code).toBe(0);
  });

  it('live, compare and serve refuse secrets on the command line', async () => {
    for (const name of ['live', 'compare', 'serve']) {
      const r = await cli([name, '--token=abc']);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(new RegExp(`^fabric-bft-sim ${name}: --token: secrets are never taken from the command line; .*\\n$`));
    }
  });

  it('help of an unknown command is the unknown-command error', async () => {
    expect(await cli(['help', 'rnu'])).toEqual({ code: 2, out: '', err: 'fabric-bft-sim: unknown command "rnu" (did you mean run?); "fabric-bft-sim --help" lists the commands\n' });
  });
});
