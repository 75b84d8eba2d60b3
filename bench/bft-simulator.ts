/**
 * `npm run bench:bft-simulator`: this project's SmartBFT beside csienslab's BFT-Simulator
 * (the other JavaScript BFT simulator; DSN'22), same work on both: n = 4, 16, 64 nodes,
 * 200 decisions of one request each, no faults, links of normal latency (mean 250 ms, std
 * 50 ms: BFT-Simulator's default network). Each side runs in its own child process of
 * plain node, alternately, `--repeat` times (median):
 * - ours: bench/bft-simulator/ours.ts, bundled by esbuild before any measurement (what
 *   the built package runs: JavaScript, no tsx);
 * - theirs: bench/bft-simulator/theirs.mjs, which loads their simulator from the checkout
 *   BFT_SIMULATOR_DIR names and runs its PBFT (never part of this repository).
 * Figures, CPU milliseconds (user + system) since CPU does not depend on what else the
 * machine runs, wall milliseconds beside them:
 * - loop: from the first event to the 200th decision, in the process;
 * - process: the whole child, from its start (node, loading the simulator) to the end;
 * - speed-up: theirs / ours (above 1: this project is faster).
 *
 * Usage: BFT_SIMULATOR_DIR=/path/to/BFT-Simulator npm run bench:bft-simulator [-- --json] [--sizes=4,16] [--repeat=3]
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const DECISIONS = 200;
const HERE = import.meta.dirname;

function usage(message: string): never {
  process.stderr.write(`bench:bft-simulator: ${message}\n`);
  process.exit(2);
}

function option(name: string): string | undefined {
  return process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

interface Side {
  readonly decisions: number;
  readonly loopMs: number;
  readonly loopCpuMs: number;
  readonly processCpuMs: number;
  /** From spawn to exit, measured here. */
  readonly processMs: number;
}

function child(args: readonly string[]): Promise<Side> {
  return new Promise((done, fail) => {
    const t0 = performance.now();
    const p = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (b: Buffer) => (out += b.toString()));
    p.stderr.on('data', (b: Buffer) => (err += b.toString()));
    p.on('error', fail);
    p.on('close', (code) => {
      const processMs = performance.now() - t0;
      if (code !== 0) return fail(new Error(`bench:bft-simulator: ${args.join(' ')} exited ${code}: ${err.trim().split('\n').slice(-3).join(' | ')}`));
      const line = out.trim().split('\n').pop() ?? '';
      done({ ...(JSON.parse(line) as Omit<Side, 'processMs'>), processMs });
    });
  });
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

const raw = process.env['BFT_SIMULATOR_DIR'];
if (raw === undefined || raw === '') usage('set BFT_SIMULATOR_DIR to a checkout of csienslab/BFT-Simulator with its dependencies installed (README: Performance, how to reproduce)');
const dir = resolve(raw);
if (!existsSync(join(dir, 'simulator.js')) || !existsSync(join(dir, 'config.js'))) usage(`BFT_SIMULATOR_DIR=${raw} is not a BFT-Simulator checkout (no simulator.js and config.js there)`);
for (const dep of ['fastpriorityqueue', 'uuid/v4']) {
  try {
    createRequire(join(dir, 'simulator.js')).resolve(dep);
  } catch {
    usage(`BFT_SIMULATOR_DIR=${raw}: its dependency ${dep} is not installed (npm i there)`);
  }
}
const sizes = (option('sizes') ?? '4,16,64').split(',').map(Number);
const repeat = Number(option('repeat') ?? '3');
if (sizes.some((n) => !Number.isInteger(n) || n < 4) || !Number.isInteger(repeat) || repeat < 1) usage('--sizes takes whole numbers from 4, --repeat a whole number from 1');
const json = process.argv.includes('--json');

const tmp = mkdtempSync(join(tmpdir(), 'fabric-bft-sim-bftsim-'));
try {
  const ours = join(tmp, 'ours.mjs');
  await build({ entryPoints: [join(HERE, 'bft-simulator', 'ours.ts')], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: ours, logLevel: 'silent' });
  const figures: Record<string, number> = {};
  for (const n of sizes) {
    const runs: { ours: Side[]; theirs: Side[] } = { ours: [], theirs: [] };
    for (let r = 0; r < repeat; r++) {
      if (!json) process.stderr.write(`n=${n} run ${r + 1}/${repeat} ...\n`);
      runs.theirs.push(await child([join(HERE, 'bft-simulator', 'theirs.mjs'), dir, String(n), String(DECISIONS)]));
      runs.ours.push(await child([ours, String(n), String(DECISIONS)]));
    }
    for (const [side, list] of Object.entries(runs)) {
      if (list.some((s) => s.decisions !== DECISIONS)) throw new Error(`bench:bft-simulator: ${side} n=${n} decided ${list.map((s) => s.decisions).join(',')} of ${DECISIONS}`);
      for (const k of ['loopCpuMs', 'loopMs', 'processCpuMs', 'processMs'] as const) figures[`bftsim.n${n}.${side}.${k}`] = median(list.map((s) => s[k]));
    }
    const f = (side: string, k: string): number => figures[`bftsim.n${n}.${side}.${k}`] ?? NaN;
    figures[`bftsim.n${n}.loopSpeedup`] = f('theirs', 'loopCpuMs') / f('ours', 'loopCpuMs');
    figures[`bftsim.n${n}.processSpeedup`] = f('theirs', 'processCpuMs') / f('ours', 'processCpuMs');
  }
  if (json) {
    process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
  } else {
    const rows = [['n', 'loop CPU ours', 'theirs', 'speed-up', 'process CPU ours', 'theirs', 'speed-up', 'wall ours/theirs (loop; process)']];
    const ms = (x: number): string => (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${Math.round(x)} ms`);
    for (const n of sizes) {
      const f = (k: string): number => figures[`bftsim.n${n}.${k}`] ?? NaN;
      rows.push([String(n), ms(f('ours.loopCpuMs')), ms(f('theirs.loopCpuMs')), `${f('loopSpeedup').toFixed(1)}x`, ms(f('ours.processCpuMs')), ms(f('theirs.processCpuMs')), `${f('processSpeedup').toFixed(1)}x`, `${ms(f('ours.loopMs'))}/${ms(f('theirs.loopMs'))}; ${ms(f('ours.processMs'))}/${ms(f('theirs.processMs'))}`]);
    }
    const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
    for (const r of rows) process.stdout.write(`${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd()}\n`);
    process.stdout.write(`(${DECISIONS} decisions, median of ${repeat}; speed-up = theirs / ours, CPU)\n`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
