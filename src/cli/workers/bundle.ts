/**
 * The script a worker thread of `--workers N` loads (pool.ts): worker.ts and everything it
 * imports (the model, fast-check, yaml, zod) as one ES module built by esbuild, so a
 * thread parses one file instead of loading tsx and compiling each TypeScript source on
 * its own (loader hooks are per thread on Node 20: each worker paid the whole compile).
 *
 * - The built package: `npm run build` writes dist/cli/workers/worker.bundle.js beside
 *   this file (scripts/build.mjs calls {@link writeWorkerBundle}); nothing is written at
 *   run time, so a read-only install works.
 * - A checkout (tsx, vitest): built at first use into node_modules/.cache/fabric-bft-sim
 *   (never committed), with the list of its input files and their sizes and times; a
 *   later process reuses it while no input changed, and builds it again when one did.
 *   Written to a temporary name and renamed, so processes that build it at the same time
 *   never read half a file.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** ES module output that may `require` Node's built-ins (from the CommonJS packages inside it). */
const BANNER = "import { createRequire as __fbsCreateRequire } from 'node:module'; const require = __fbsCreateRequire(import.meta.url);";

/** One ES module of `entry` and all it imports, packages included. */
async function bundle(entry: string): Promise<{ code: string; inputs: string[] }> {
  // Loaded here, not with the command: `check --workers 1` and the built package never build.
  const { build } = await import('esbuild');
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    banner: { js: BANNER },
    metafile: true,
    logLevel: 'silent',
    absWorkingDir: dirname(entry),
  });
  const code = out.outputFiles[0]?.text;
  if (code === undefined) throw new Error('workers: esbuild produced no output');
  return { code, inputs: Object.keys(out.metafile.inputs).map((p) => resolve(dirname(entry), p)) };
}

/** `npm run build`: the worker bundle of the compiled package, beside its worker.js. */
export async function writeWorkerBundle(entry: string, outFile: string): Promise<void> {
  writeFileSync(outFile, (await bundle(entry)).code);
}

interface Manifest {
  readonly bundle: string;
  /** Input file -> `size:mtimeMs` when the bundle was built. */
  readonly inputs: Readonly<Record<string, string>>;
}

function stamp(file: string): string | undefined {
  try {
    const s = statSync(file);
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return undefined;
  }
}

function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** node_modules/.cache/fabric-bft-sim of the checkout, or a directory under the temp dir when that cannot be written. */
function cacheDir(root: string): string {
  for (const dir of [join(root, 'node_modules', '.cache', 'fabric-bft-sim'), join(tmpdir(), `fabric-bft-sim-cache-${process.getuid?.() ?? 'user'}`)]) {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      return dir;
    } catch {
      // the next place
    }
  }
  throw new Error('workers: no writable cache directory for the worker bundle');
}

/** Bundles of this checkout older than a day that are not the current one. */
function prune(dir: string, prefix: string, keep: string): void {
  const dayAgo = Date.now() - 86_400_000;
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(prefix) || name === keep || name.endsWith('.json')) continue;
    try {
      if (statSync(join(dir, name)).mtimeMs < dayAgo) unlinkSync(join(dir, name));
    } catch {
      // another process pruned it
    }
  }
}

/** The checkout's bundle of `entry` (worker.ts), built now unless an up-to-date one is cached. */
export async function cachedBundle(entry: string): Promise<string> {
  const root = resolve(dirname(entry), '..', '..', '..');
  const dir = cacheDir(root);
  const prefix = `worker-${createHash('sha256').update(root).digest('hex').slice(0, 12)}`;
  const manifestFile = join(dir, `${prefix}.json`);
  try {
    const m = JSON.parse(readFileSync(manifestFile, 'utf8')) as Manifest;
    const file = join(dir, m.bundle);
    if (existsSync(file) && Object.entries(m.inputs).every(([input, s]) => stamp(input) === s)) return file;
  } catch {
    // none yet, or unreadable: build it
  }
  const started = Date.now();
  const { code, inputs } = await bundle(entry);
  const stamps: Record<string, string> = {};
  let edited = false;
  for (const input of inputs) {
    stamps[input] = stamp(input) ?? 'missing';
    edited ||= (existsSync(input) ? statSync(input).mtimeMs : Infinity) >= started;
  }
  const name = `${prefix}-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`;
  const file = join(dir, name);
  if (!existsSync(file)) writeAtomic(file, code);
  // An input edited while esbuild read it: this process uses what was built, the next builds again.
  if (!edited) writeAtomic(manifestFile, JSON.stringify({ bundle: name, inputs: stamps } satisfies Manifest));
  prune(dir, prefix, name);
  return file;
}

let pending: Promise<URL> | undefined;

/**
 * The URL a worker thread starts from: the package's prebuilt bundle, or the checkout's
 * cached one (built once per process at most).
 */
export function workerScript(): Promise<URL> {
  pending ??= (async () => {
    const here = import.meta.url;
    if (!here.endsWith('.ts')) return new URL('./worker.bundle.js', here);
    return pathToFileURL(await cachedBundle(fileURLToPath(new URL('./worker.ts', here))));
  })();
  return pending;
}
