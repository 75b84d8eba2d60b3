/**
 * The documents' examples are executed (issue #11): every output block marked
 * `<!-- output: COMMAND ... -->` in README.md and docs/*.md must be what COMMAND prints now,
 * and every `fabric-bft-sim ...` line of a command block must be accepted and run.
 * The convention and `npm run docs:outputs` are in scripts/docs-outputs.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  argvOf,
  compareBlock,
  docFiles,
  findOutputBlocks,
  findShellCommands,
  invocationKey,
  normalise,
  regenerate,
  rewrite,
  ROOT,
  runAll,
  type Invocation,
  type OutputBlock,
  type RunResult,
} from '../../scripts/docs-outputs.ts';

const REGENERATE = 'Run `npm run docs:outputs` to regenerate the blocks, and commit the documents with the change that moved them.';

const docs = docFiles().map((doc) => ({ doc, text: readFileSync(join(ROOT, doc), 'utf8') }));
const blocks = docs.flatMap(({ doc, text }) => findOutputBlocks(doc, text));
const shellLines = docs.flatMap(({ doc, text }) => findShellCommands(doc, text));

/** Files the documented command lines name, stood in by the repository's examples. */
const SHELL_FILES: Readonly<Record<string, string>> = {
  'my.yaml': 'examples/orderer-and-peer-outage.yaml',
  'certchain.live.yaml': 'examples/certchain.live.yaml',
  'my.live.yaml': 'examples/certchain.live.yaml',
  // `report run.jsonl` draws a trace file: a small hand-written one (a real run's is ~300 KB)
  'run.jsonl': 'test/docs/fixtures/run.jsonl',
};

interface ShellRun {
  readonly invocation: Invocation;
  readonly exits: readonly number[];
  readonly changed: string | null;
}

/**
 * How a documented command line runs here. The only departures from the line as written:
 * - `live ... --yes` / `compare ... --yes` need a real cluster: run without --yes, the dry
 *   run, which parses the scenario and the config and prints the whole plan;
 * - `serve` runs until Ctrl-C on a fixed port of a shared machine: `serve ... --help`;
 * - `check` searches from a fresh random seed: exit 1 (a schedule failed) is its verdict on
 *   the model, which test/scenarios covers; here the line must be accepted and the search run;
 * - `net ...`, `calibrate ...` and `... --target local` start real Fabric processes
 *   (binaries, ~10 s to a few minutes): `--help`, which parses the line; `npm run
 *   test:local` runs the network itself.
 */
function shellRun(command: string): ShellRun {
  let argv = argvOf(command);
  let changed: string | null = null;
  if ((argv[0] === 'live' || argv[0] === 'compare') && argv.includes('--yes')) {
    argv = argv.filter((a) => a !== '--yes');
    changed = 'dry run: --yes needs a real cluster';
  }
  if (argv[0] === 'serve') {
    argv = [...argv, '--help'];
    changed = '--help: serve runs until Ctrl-C';
  }
  if (argv[0] === 'net' || argv[0] === 'calibrate' || argv.join(' ').includes('--target local')) {
    argv = [...argv, '--help'];
    changed = '--help: needs a real Fabric network (npm run test:local runs it)';
  }
  const files = Object.fromEntries(Object.entries(SHELL_FILES).filter(([name]) => argv.includes(name)));
  return { invocation: { argv, files }, exits: argv[0] === 'check' ? [0, 1] : [0], changed };
}

const shellRuns = shellLines.map((l) => ({ ...l, run: shellRun(l.command) }));
let results = new Map<string, RunResult>();

beforeAll(async () => {
  results = await runAll([...blocks.map((b) => b.invocation), ...shellRuns.map((s) => s.run.invocation)], 2);
}, 300_000);

const resultOf = (inv: Invocation): RunResult => {
  const r = results.get(invocationKey(inv));
  if (r === undefined) throw new Error(`no result for ${inv.argv.join(' ')}`);
  return r;
};

describe('docs: the convention finds the blocks', () => {
  it('README.md and every docs/*.md are read; the output blocks are marked', () => {
    expect(docs.map((d) => d.doc)).toContain('README.md');
    expect(docs.map((d) => d.doc)).toContain('docs/sizing.md');
    expect(blocks.filter((b) => b.doc === 'README.md').map((b) => b.command)).toEqual([
      'npm start',
      'fabric-bft-sim explain --help',
      'fabric-bft-sim run my.yaml',
      'fabric-bft-sim size --orderers 4,7,10 --zones 4 --tolerate 2 --survive-zone-loss',
      'fabric-bft-sim run raft-vs-bft',
    ]);
  });

  it('a block that shows a `$ fabric-bft-sim` prompt is marked', () => {
    for (const { doc, text } of docs) {
      const lines = text.split('\n');
      lines.forEach((l, i) => {
        if (l.startsWith('```') && (lines[i + 1] ?? '').startsWith('$ fabric-bft-sim')) {
          expect(lines[i - 1] ?? '', `${doc}:${i + 1} shows program output without an <!-- output: ... --> marker`).toMatch(/^<!-- output: /);
        }
      });
    }
  });

  it('a malformed marker is an error naming its line', () => {
    expect(() => findOutputBlocks('x.md', 'a\n<!-- output: fabric-bft-sim lab | wall -->\n```\nx\n```\n')).toThrow('x.md:2: unknown option "wall"');
    expect(() => findOutputBlocks('x.md', '<!-- output: fabric-bft-sim lab -->\n\n```\nx\n```\n')).toThrow('x.md:1: an output marker must be right before a fenced block');
    expect(() => findOutputBlocks('x.md', '<!-- output: ls -l -->\n```\nx\n```\n')).toThrow('a documented command starts with fabric-bft-sim');
  });
});

describe('docs: the comparison', () => {
  const table = ['Summary', '  scenario  result  simulated  wall     trace', '  a         ✓ pass  15.7s      67ms     8e1a872e570a6ea5'];
  const block = (body: string[], opts: Partial<OutputBlock> = {}): OutputBlock => ({
    doc: 'x.md', line: 1, command: 'npm start', invocation: { argv: ['lab'], files: {} }, excerpt: false, ignoreColumns: [], exit: 0, open: 1, close: 2 + body.length, prompt: null, body, ...opts,
  });
  const ran = (lines: string[], code = 0): RunResult => ({ code, stdout: `${lines.join('\n')}\n`, stderr: '' });

  it('ignore-columns blanks the wall cells only, whatever their width', () => {
    expect(normalise(table, ['wall'])[2]).toBe('a  ✓ pass  15.7s  *  8e1a872e570a6ea5');
    const slower = [table[0]!, table[1]!, '  a         ✓ pass  15.7s      1234ms   8e1a872e570a6ea5'];
    expect(compareBlock(block(table, { ignoreColumns: ['wall'] }), ran(slower))).toBeNull();
    // A simulated time or a hash that moved is a difference.
    const moved = [table[0]!, table[1]!, '  a         ✓ pass  15.6s      67ms     58c194942114e1d3'];
    expect(compareBlock(block(table, { ignoreColumns: ['wall'] }), ran(moved))).toContain('- a  ✓ pass  15.7s  *  8e1a872e570a6ea5');
  });

  it('an excerpt: each paragraph contiguous and in order; " ..." elides a line\'s end', () => {
    const out = ['head', '', 'p1 a', 'p1 b', 'p1 c', '', 'p2 a long line', 'p2 b'];
    expect(compareBlock(block(['p1 a', 'p1 b', '', 'p2 a ...'], { excerpt: true }), ran(out))).toBeNull();
    expect(compareBlock(block(['p1 a', 'p1 c'], { excerpt: true }), ran(out))).toContain('paragraph 1 of the excerpt');
    expect(compareBlock(block(['p2 b', '', 'p1 a'], { excerpt: true }), ran(out))).toContain('paragraph 2 of the excerpt');
    expect(compareBlock(block(out), ran(out, 1))).toContain('the command exited 1, the marker says 0');
  });

  it('regenerating an excerpt replaces each paragraph by the output lines most like it', () => {
    const doc = ['Summary', '  scenario  trace', '  a         8e1a872e570a6ea5', '', 'p2 x 1 ...'];
    const out = ['table', '', 'Summary', '  scenario  trace', '  a         58c194942114e1d3', '', 'p2 y 2 and more'];
    const b = block(doc, { excerpt: true });
    const lines = regenerate(b, ran(out));
    expect(lines).toEqual(['Summary', '  scenario  trace', '  a         58c194942114e1d3', '', 'p2 y 2 ...']);
    expect(compareBlock(block(lines!, { excerpt: true }), ran(out))).toBeNull();
  });
});

describe('docs: rewriting a document', () => {
  it('replaces the marked blocks\' lines and nothing else; a `$` prompt line is kept', () => {
    const text = ['# t', '<!-- output: fabric-bft-sim explain quorum --orderers 4 -->', '```', '$ fabric-bft-sim explain quorum --orderers 4', 'old 1', 'old 2', '```', 'prose', '<!-- output: npm start | excerpt -->', '```', 'x', '```', ''].join('\n');
    const [a, b] = findOutputBlocks('t.md', text);
    expect(a).toMatchObject({ line: 2, prompt: '$ fabric-bft-sim explain quorum --orderers 4', body: ['old 1', 'old 2'], invocation: { argv: ['explain', 'quorum', '--orderers', '4'] } });
    const newA = regenerate(a!, { code: 0, stdout: 'new 1\n', stderr: '' })!;
    expect(rewrite(text, [{ block: b!, lines: ['y', 'z'] }, { block: a!, lines: newA }])).toBe(
      ['# t', '<!-- output: fabric-bft-sim explain quorum --orderers 4 -->', '```', '$ fabric-bft-sim explain quorum --orderers 4', 'new 1', '```', 'prose', '<!-- output: npm start | excerpt -->', '```', 'y', 'z', '```', ''].join('\n'),
    );
  });
});

describe('docs: every marked output block is what its command prints', () => {
  it.each(blocks.map((b) => [`${b.doc}:${b.line} ${b.command}`, b] as const))('%s', (where, b) => {
    const why = compareBlock(b, resultOf(b.invocation));
    if (why !== null) expect.fail(`${where}: ${why}\n${REGENERATE}`);
  });
});

describe('docs: every documented fabric-bft-sim command line runs', () => {
  it.each(shellRuns.map((s) => [`${s.doc}:${s.line} ${s.command}${s.run.changed === null ? '' : ` (${s.run.changed})`}`, s] as const))('%s', (where, s) => {
    const r = resultOf(s.run.invocation);
    const tail = (r.stderr.trim() || r.stdout.trim()).split('\n').slice(-3).join('\n');
    if (!s.run.exits.includes(r.code)) expect.fail(`${where}: exit code ${r.code} (expected ${s.run.exits.join(' or ')}):\n${tail}`);
    expect(r.stderr, where).not.toContain('internal error');
  });
});
