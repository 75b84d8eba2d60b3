/**
 * The documents' output blocks, tied to the commands that print them (issue #11: the README
 * shipped stale trace hashes, sizing columns and leader names because nothing ran it).
 *
 * Convention, in README.md and docs/*.md: an HTML comment on the line right before a fenced
 * block names the command whose output the block shows:
 *
 *   <!-- output: fabric-bft-sim size --orderers 4,7 | excerpt -->
 *   <!-- output: npm start | excerpt | ignore-columns: wall -->
 *   <!-- output: fabric-bft-sim run my.yaml | exit: 2 | file: my.yaml = test/docs/fixtures/unknown-node.yaml -->
 *
 * The command comes first (`fabric-bft-sim ...`, or `npm start`, which is `fabric-bft-sim lab`),
 * then options separated by ` | `:
 *   excerpt              the block is a cut of the output: each of its paragraphs (lines between
 *                        blank lines) appears in the output, in order, as contiguous lines; a line
 *                        ending in " ..." stands for any output line that starts with the text
 *                        before the " ..."
 *   ignore-columns: a,b  in a table whose header line has a column named a (cells are separated
 *                        by two or more spaces), that column's cells are not compared. Only for
 *                        wall-clock figures: simulated times, hashes, heights, leaders are the promise
 *   exit: N              the exit code the command must end with (default 0)
 *   file: NAME = PATH    the command runs with PATH (from the repository) present as NAME
 * The block is the command's stdout followed by its stderr, trailing spaces and trailing blank
 * lines removed. A block whose first line is `$ COMMAND` keeps that line, which must name the
 * marker's command.
 *
 * Commands run through the real CLI (`node bin/fabric-bft-sim.js`) in a fresh temporary working
 * directory holding `examples/` (a link to the repository's) and the marker's files, so what
 * they write (logs, traces, reports) never lands in the repository.
 *
 * test/docs/outputs.test.ts checks every block; `npm run docs:outputs` (this file's main)
 * rewrites the blocks that differ from what the commands print now. An excerpt's paragraph
 * that differs is replaced by the same number of output lines most like it (an elided line
 * stays elided): when the output grew (a new table row), widen the paragraph by hand.
 * Review the rewritten blocks in `git diff` before committing them.
 *
 * A second kind of block is generated from the code rather than printed by a command: the
 * marker `<!-- generated: NAME ... -->` is followed by lines (up to the next blank line) that
 * GENERATED[NAME] makes, e.g. docs/scenarios.md's operation table from the operation table
 * (src/scenarios/operations.ts). The same test checks them and the same script rewrites them.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { operationsMarkdown } from '../src/scenarios/operations.ts';

export const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const BIN = join(ROOT, 'bin', 'fabric-bft-sim.js');
const MARKER_START = '<!-- output:';
const GENERATED_START = '<!-- generated: ';

/** The generated sections a document may hold, by name: what their lines must be. */
export const GENERATED: Readonly<Record<string, () => readonly string[]>> = {
  operations: operationsMarkdown,
};

export interface GeneratedSection {
  readonly doc: string;
  /** 1-based line of the marker. */
  readonly line: number;
  readonly name: string;
  /** 0-based index of the section's first line, and how many lines it has (up to the next blank line). */
  readonly start: number;
  readonly length: number;
  readonly body: readonly string[];
}

/** The `<!-- generated: NAME -->` sections of a document; an unknown NAME is an error naming its line. */
export function findGeneratedSections(doc: string, text: string): GeneratedSection[] {
  const lines = text.split('\n');
  const out: GeneratedSection[] = [];
  lines.forEach((l, i) => {
    if (!l.startsWith(GENERATED_START)) return;
    const name = l.slice(GENERATED_START.length).split(/[\s(]/)[0] ?? '';
    if (!(name in GENERATED)) throw new Error(`${doc}:${i + 1}: unknown generated section "${name}" (known: ${Object.keys(GENERATED).join(', ')})`);
    let end = i + 1;
    while (end < lines.length && (lines[end] ?? '').trim() !== '') end++;
    out.push({ doc, line: i + 1, name, start: i + 1, length: end - i - 1, body: lines.slice(i + 1, end) });
  });
  return out;
}

/** The document with every generated section made what its generator says now. */
export function rewriteGenerated(doc: string, text: string): string {
  const lines = text.split('\n');
  for (const s of findGeneratedSections(doc, text).reverse()) lines.splice(s.start, s.length, ...(GENERATED[s.name] as () => readonly string[])());
  return lines.join('\n');
}
const ELISION = ' ...';

/** README.md and docs/*.md, as paths relative to the repository. */
export function docFiles(): string[] {
  const docs = readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort();
  return ['README.md', ...docs.map((f) => `docs/${f}`)];
}

export interface Invocation {
  /** Arguments after `fabric-bft-sim`. */
  readonly argv: readonly string[];
  /** Name in the working directory -> repository path of its content. */
  readonly files: Readonly<Record<string, string>>;
}

export interface OutputBlock {
  readonly doc: string;
  /** 1-based line of the marker. */
  readonly line: number;
  readonly command: string;
  readonly invocation: Invocation;
  readonly excerpt: boolean;
  readonly ignoreColumns: readonly string[];
  readonly exit: number;
  /** 0-based indexes of the fence's opening and closing lines. */
  readonly open: number;
  readonly close: number;
  /** The `$ COMMAND` first line, if the block has one. */
  readonly prompt: string | null;
  /** The block's lines after the prompt. */
  readonly body: readonly string[];
}

export interface Finding {
  readonly doc: string;
  readonly line: number;
  readonly message: string;
}

const isFence = (l: string): boolean => l.startsWith('```');

/** `fabric-bft-sim a b` or `npm start` -> argv; anything else is an error. */
export function argvOf(command: string): string[] {
  if (command === 'npm start') return ['lab'];
  if (/["'`\\$|;&<>*]/.test(command)) throw new Error(`"${command}": quotes, variables and shell operators are not supported in a documented command`);
  const words = command.split(/\s+/).filter((w) => w !== '');
  if (words[0] !== 'fabric-bft-sim') throw new Error(`"${command}": a documented command starts with fabric-bft-sim (or is npm start)`);
  return words.slice(1);
}

function parseMarker(text: string): Omit<OutputBlock, 'doc' | 'line' | 'open' | 'close' | 'prompt' | 'body'> {
  const inner = text.trim().slice(MARKER_START.length, -'-->'.length).trim();
  const [command = '', ...options] = inner.split(' | ').map((s) => s.trim());
  let excerpt = false;
  let exit = 0;
  const ignoreColumns: string[] = [];
  const files: Record<string, string> = {};
  for (const opt of options) {
    const colon = opt.indexOf(':');
    const key = colon < 0 ? opt : opt.slice(0, colon).trim();
    const value = colon < 0 ? '' : opt.slice(colon + 1).trim();
    if (key === 'excerpt' && colon < 0) excerpt = true;
    else if (key === 'ignore-columns' && value !== '') ignoreColumns.push(...value.split(',').map((c) => c.trim()).filter((c) => c !== ''));
    else if (key === 'exit' && /^\d+$/.test(value)) exit = Number(value);
    else if (key === 'file' && value.includes('=')) {
      const [name = '', path = ''] = value.split('=').map((s) => s.trim());
      if (name === '' || path === '') throw new Error(`"file: ${value}": expected NAME = PATH`);
      files[name] = path;
    } else throw new Error(`unknown option "${opt}" (options: excerpt, ignore-columns: COLUMN[,COLUMN], exit: N, file: NAME = PATH)`);
  }
  return { command, invocation: { argv: argvOf(command), files }, excerpt, ignoreColumns, exit };
}

/** Every marked output block of a document; a malformed marker throws with its line. */
export function findOutputBlocks(doc: string, text: string): OutputBlock[] {
  const lines = text.split('\n');
  const blocks: OutputBlock[] = [];
  let inFence = false;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i] ?? '';
    if (isFence(l)) inFence = !inFence;
    if (inFence || !l.trim().startsWith(MARKER_START)) continue;
    const where = `${doc}:${i + 1}`;
    if (!l.trim().endsWith('-->')) throw new Error(`${where}: an output marker is one line ending in -->`);
    if (!isFence(lines[i + 1] ?? '')) throw new Error(`${where}: an output marker must be right before a fenced block`);
    let close = i + 2;
    while (close < lines.length && (lines[close] ?? '') !== '```') close++;
    if (close >= lines.length) throw new Error(`${where}: the block after the marker is not closed`);
    let marker: ReturnType<typeof parseMarker>;
    try {
      marker = parseMarker(l);
    } catch (e) {
      throw new Error(`${where}: ${(e as Error).message}`);
    }
    const content = lines.slice(i + 2, close);
    const prompt = content[0]?.startsWith('$ ') === true ? content[0] : null;
    blocks.push({ doc, line: i + 1, ...marker, open: i + 1, close, prompt, body: prompt === null ? content : content.slice(1) });
  }
  return blocks;
}

export interface ShellCommand {
  readonly doc: string;
  readonly line: number;
  readonly command: string;
}

const COMMAND_WORDS = ['fabric-bft-sim ', 'export ', 'oc ', 'npm ', 'npx ', 'curl '];

/**
 * Every `fabric-bft-sim ...` line of a ```sh block, or of an unmarked block without a
 * language whose every line is a command (docs/live.md writes its commands so); the
 * trailing `# comment` removed.
 */
export function findShellCommands(doc: string, text: string): ShellCommand[] {
  const lines = text.split('\n');
  const found: ShellCommand[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i] ?? '';
    if (!isFence(l)) continue;
    let close = i + 1;
    while (close < lines.length && (lines[close] ?? '') !== '```') close++;
    const lang = l.slice(3).trim();
    const marked = (lines[i - 1] ?? '').trim().startsWith(MARKER_START);
    const content = lines.slice(i + 1, close);
    const allCommands = content.every((c) => c.trim() === '' || COMMAND_WORDS.some((w) => c.startsWith(w)));
    if (['sh', 'bash', 'shell', 'console'].includes(lang) || (lang === '' && !marked && allCommands)) {
      content.forEach((c, k) => {
        if (!c.startsWith('fabric-bft-sim ')) return;
        const hash = c.indexOf(' #');
        found.push({ doc, line: i + 2 + k, command: (hash < 0 ? c : c.slice(0, hash)).trim() });
      });
    }
    i = close;
  }
  return found;
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real CLI in a fresh working directory; a run over `timeoutMs` is killed. */
export function runInvocation(inv: Invocation, timeoutMs = 180_000): Promise<RunResult> {
  const dir = mkdtempSync(join(tmpdir(), 'fabric-bft-sim-docs-'));
  symlinkSync(join(ROOT, 'examples'), join(dir, 'examples'));
  for (const [name, path] of Object.entries(inv.files)) copyFileSync(join(ROOT, path), join(dir, name));
  const env = { ...process.env };
  delete env['FABRIC_BFT_SIM_DEBUG'];
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...inv.argv], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
    child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      fail(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      done({ code: code ?? (signal === 'SIGKILL' ? 137 : 128), stdout, stderr: signal === 'SIGKILL' ? `${stderr}\n(killed after ${timeoutMs} ms)\n` : stderr });
    });
  });
}

export const invocationKey = (inv: Invocation): string => JSON.stringify([inv.argv, Object.entries(inv.files).sort()]);

/** Runs each distinct invocation once, `parallel` at a time. */
export async function runAll(invocations: readonly Invocation[], parallel = 2): Promise<Map<string, RunResult>> {
  const todo = new Map<string, Invocation>();
  for (const inv of invocations) todo.set(invocationKey(inv), inv);
  const results = new Map<string, RunResult>();
  const queue = [...todo];
  const worker = async (): Promise<void> => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) results.set(next[0], await runInvocation(next[1]));
  };
  await Promise.all(Array.from({ length: Math.max(1, parallel) }, worker));
  return results;
}

/** What a block is compared with: stdout then stderr, trailing spaces and blank lines removed. */
export function outputLines(r: RunResult): string[] {
  const lines = (r.stdout + r.stderr).split('\n').map((l) => l.trimEnd());
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

const cellsOf = (line: string): string[] => line.trim().split(/ {2,}/);

/**
 * Blanks the ignored columns: in a paragraph, after a line whose cells include an ignored
 * column's name, that cell of every following line is `*` and cells are re-joined by two
 * spaces (a wider or narrower wall time must not shift the others).
 */
export function normalise(lines: readonly string[], ignoreColumns: readonly string[]): string[] {
  if (ignoreColumns.length === 0) return lines.map((l) => l.trimEnd());
  let ignored: number[] = [];
  return lines.map((raw) => {
    const line = raw.trimEnd();
    if (line === '') {
      ignored = [];
      return line;
    }
    const cells = cellsOf(line);
    const header = cells.flatMap((c, k) => (ignoreColumns.includes(c) ? [k] : []));
    if (header.length > 0) {
      ignored = header;
      return cells.join('  ');
    }
    if (ignored.length === 0) return line;
    return cells.map((c, k) => (ignored.includes(k) ? '*' : c)).join('  ');
  });
}

function lineMatches(doc: string, out: string, excerpt: boolean): boolean {
  if (doc === out) return true;
  if (!excerpt || !doc.endsWith(ELISION)) return false;
  const head = doc.slice(0, -ELISION.length);
  return out.startsWith(head) && out.length > head.length;
}

function paragraphs(lines: readonly string[]): { start: number; lines: string[] }[] {
  const out: { start: number; lines: string[] }[] = [];
  let cur: { start: number; lines: string[] } | null = null;
  lines.forEach((l, i) => {
    if (l === '') cur = null;
    else if (cur === null) out.push((cur = { start: i, lines: [l] }));
    else cur.lines.push(l);
  });
  return out;
}

/** Where each paragraph of an excerpt starts in the output, or -1 from the first one not found. */
function locateExcerpt(doc: readonly string[], out: readonly string[]): number[] {
  let from = 0;
  return paragraphs(doc).map((p) => {
    if (from < 0) return -1;
    for (let s = from; s + p.lines.length <= out.length; s++) {
      if (p.lines.every((l, k) => lineMatches(l, out[s + k] ?? '', true))) {
        from = s + p.lines.length;
        return s;
      }
    }
    from = -1;
    return -1;
  });
}

/** A line diff (longest common subsequence): `  same`, `- in the document`, `+ printed now`. */
export function lineDiff(doc: readonly string[], out: readonly string[]): string {
  const n = doc.length;
  const m = out.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i]![j] = doc[i] === out[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const rows: string[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && doc[i] === out[j]) {
      rows.push(`  ${doc[i]}`);
      i++;
      j++;
    } else if (i < n && (j === m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) rows.push(`- ${doc[i++]}`);
    else rows.push(`+ ${out[j++]}`);
  }
  return rows.join('\n');
}

/** null when the block shows what the command printed; else why not, with a diff. */
export function compareBlock(block: OutputBlock, r: RunResult): string | null {
  const problems: string[] = [];
  if (block.prompt !== null && block.prompt !== `$ ${block.command}`) problems.push(`its first line "${block.prompt}" is not "$ ${block.command}"`);
  if (r.code !== block.exit) problems.push(`the command exited ${r.code}, the marker says ${block.exit}${r.stderr.trim() !== '' ? ` (stderr: ${r.stderr.trim().split('\n')[0]})` : ''}`);
  const out = normalise(outputLines(r), block.ignoreColumns);
  const doc = normalise(block.body, block.ignoreColumns);
  if (block.excerpt) {
    const at = locateExcerpt(doc, out);
    const missing = at.indexOf(-1);
    if (missing >= 0) {
      const p = paragraphs(doc)[missing]!;
      const best = bestWindow(p.lines, out, missing === 0 ? 0 : endOf(doc, out, at, missing));
      problems.push(`paragraph ${missing + 1} of the excerpt (line ${p.start + 1} of the block) is not in the output in order${best === null ? '' : `; nearest output lines:\n${lineDiff(p.lines, best.lines)}`}`);
    }
  } else if (doc.length !== out.length || doc.some((l, k) => l !== out[k])) {
    problems.push(`it differs from the output:\n${lineDiff(doc, out)}`);
  }
  return problems.length === 0 ? null : problems.join('; ');
}

function endOf(doc: readonly string[], _out: readonly string[], at: readonly number[], upto: number): number {
  const ps = paragraphs(doc);
  const k = upto - 1;
  return (at[k] ?? 0) + (ps[k]?.lines.length ?? 0);
}

function similarity(a: string, b: string): number {
  if (lineMatches(a, b, true)) return 1;
  const ta = a.trim().split(/\s+/);
  const tb = new Set(b.trim().split(/\s+/));
  const common = ta.filter((t) => tb.has(t)).length;
  return common / Math.max(ta.length, tb.size, 1);
}

/** The window of output lines (inside one output paragraph, from `from` on) most like `para`. */
function bestWindow(para: readonly string[], out: readonly string[], from: number): { start: number; lines: string[] } | null {
  let best: { start: number; lines: string[]; score: number } | null = null;
  for (const q of paragraphs(out)) {
    const qEnd = q.start + q.lines.length;
    if (qEnd <= from) continue;
    const first = Math.max(q.start, from);
    const width = Math.min(para.length, qEnd - first);
    for (let s = first; s + width <= qEnd; s++) {
      const lines = out.slice(s, s + width);
      const score = lines.reduce((acc, l, k) => acc + similarity(para[k] ?? '', l), 0);
      if (best === null || score > best.score) best = { start: s, lines, score };
    }
  }
  return best;
}

/** Keeps an elided line's elision: the output line cut at a word boundary near the old cut. */
function elide(docLine: string, outLine: string): string {
  if (!docLine.endsWith(ELISION) || lineMatches(docLine, outLine, true)) return docLine.endsWith(ELISION) ? docLine : outLine;
  const keep = docLine.length - ELISION.length;
  if (outLine.length <= keep) return outLine;
  const cut = outLine.lastIndexOf(' ', keep);
  return `${outLine.slice(0, cut > 0 ? cut : keep)}${ELISION}`;
}

/**
 * The block's new lines from the command's output: the whole output, or for an excerpt each
 * paragraph replaced by the output lines most like it (in order). null if an excerpt's
 * paragraph has no counterpart left in the output.
 */
export function regenerate(block: OutputBlock, r: RunResult): string[] | null {
  const out = outputLines(r);
  const head = block.prompt === null ? [] : [`$ ${block.command}`];
  if (!block.excerpt) return [...head, ...out];
  const normOut = normalise(out, block.ignoreColumns);
  const normDoc = normalise(block.body, block.ignoreColumns);
  const rawParas = paragraphs(block.body);
  const result: string[] = [];
  let from = 0;
  for (const [k, p] of paragraphs(normDoc).entries()) {
    const raw = rawParas[k]!;
    let start = -1;
    for (let s = from; s + p.lines.length <= normOut.length && start < 0; s++) if (p.lines.every((l, i) => lineMatches(l, normOut[s + i] ?? '', true))) start = s;
    let lines: string[];
    if (start >= 0) {
      lines = raw.lines;
      from = start + p.lines.length;
    } else {
      const best = bestWindow(p.lines, normOut, from);
      if (best === null) return null;
      lines = out.slice(best.start, best.start + best.lines.length).map((l, i) => elide(raw.lines[i] ?? '', l));
      from = best.start + best.lines.length;
    }
    if (result.length > 0) result.push('');
    result.push(...lines);
  }
  return [...head, ...result];
}

/** The document with each block's lines replaced (blocks of this document, any order). */
export function rewrite(text: string, replacements: readonly { block: OutputBlock; lines: readonly string[] }[]): string {
  const lines = text.split('\n');
  for (const { block, lines: body } of [...replacements].sort((a, b) => b.block.open - a.block.open)) lines.splice(block.open + 1, block.close - block.open - 1, ...body);
  return lines.join('\n');
}

/** `npm run docs:outputs`: rewrite every block that differs; exit 1 if one cannot be made right. */
async function main(): Promise<number> {
  for (const doc of docFiles()) {
    const text = readFileSync(join(ROOT, doc), 'utf8');
    const next = rewriteGenerated(doc, text);
    for (const s of findGeneratedSections(doc, text)) console.log(`${doc}:${s.line} generated ${s.name}: ${next === text ? 'unchanged' : 'updated'}`);
    if (next !== text) writeFileSync(join(ROOT, doc), next);
  }
  const docs = docFiles().map((doc) => ({ doc, text: readFileSync(join(ROOT, doc), 'utf8') }));
  const blocks = docs.flatMap(({ doc, text }) => findOutputBlocks(doc, text));
  const started = performance.now();
  const results = await runAll(blocks.map((b) => b.invocation));
  let bad = 0;
  for (const { doc, text } of docs) {
    const replacements: { block: OutputBlock; lines: string[] }[] = [];
    for (const block of blocks.filter((b) => b.doc === doc)) {
      const r = results.get(invocationKey(block.invocation))!;
      const where = `${doc}:${block.line} ${block.command}`;
      if (r.code !== block.exit) {
        bad++;
        console.log(`${where}: exited ${r.code}, the marker says ${block.exit}: the documented outcome changed; fix the cause or the marker`);
        console.log((r.stdout + r.stderr).split('\n').slice(-5).join('\n'));
      }
      if (compareBlock({ ...block, exit: r.code }, r) === null) {
        console.log(`${where}: unchanged`);
        continue;
      }
      const lines = regenerate(block, r);
      if (lines === null) {
        bad++;
        console.log(`${where}: an excerpt paragraph has no counterpart in the output any more; edit the block by hand`);
        continue;
      }
      replacements.push({ block, lines });
      console.log(`${where}: updated`);
    }
    if (replacements.length > 0) writeFileSync(join(ROOT, doc), rewrite(text, replacements));
  }
  // Check what was written: an excerpt rebuilt from its nearest lines must now match.
  for (const doc of docFiles()) {
    for (const block of findOutputBlocks(doc, readFileSync(join(ROOT, doc), 'utf8'))) {
      const r = results.get(invocationKey(block.invocation))!;
      const why = compareBlock({ ...block, exit: r.code }, r);
      if (why !== null) {
        bad++;
        console.log(`${doc}:${block.line} ${block.command}: still differs after the rewrite: ${why}`);
      }
    }
  }
  console.log(`${blocks.length} output blocks, ${results.size} commands, ${((performance.now() - started) / 1000).toFixed(1)}s${bad > 0 ? `; ${bad} need a hand` : ''}`);
  return bad > 0 ? 1 : 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main();
}
