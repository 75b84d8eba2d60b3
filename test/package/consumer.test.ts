/**
 * The package as a user gets it: `npm pack` (which builds dist/ through prepack), the
 * tarball installed into a new project with nothing else of this repo, and then
 *   (a) plain Node ESM imports the library and runs a scenario;
 *   (b) tsc with a stock tsconfig (nodenext, strict, and skipLibCheck off, so the
 *       package's .d.ts files are checked too) compiles a file that uses the API, and the
 *       emitted JavaScript runs;
 *   (c) vitest runs a user-written fast-check property over the exported schedule
 *       arbitrary;
 *   (d) `npx fabric-bft-sim run kill-orderer` works from the installed package;
 *   (e) its worker threads start from the bundle the package ships (a sweep on 2 threads
 *       prints what it prints on one).
 *
 * Offline: the project's package-lock.json is cut from this repo's (the same versions,
 * already in npm's cache after `npm ci`), so `npm ci --offline` needs no registry.
 * Run by `npm run test:package` (about a minute: a build, two tsc runs), not `npm test`.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const NPX = process.platform === 'win32' ? 'npx.cmd' : 'npx';

interface LockEntry {
  readonly version?: string;
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  readonly [key: string]: unknown;
}

/** The child's environment without the parent vitest's variables (a nested vitest would read them). */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('VITEST') && k !== 'NODE_OPTIONS' && k !== 'TEST_SEED') env[k] = v;
  return env;
}

function sh(cmd: string, args: readonly string[], cwd: string, timeout = 180_000): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd, encoding: 'utf8', env: childEnv(), timeout, maxBuffer: 64 * 1024 * 1024 });
}

function ok(r: SpawnSyncReturns<string>, what: string): string {
  if (r.status !== 0) throw new Error(`${what} exited ${String(r.status)}${r.error ? ` (${r.error.message})` : ''}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/**
 * A package-lock.json for a project depending on `deps` (names this repo's lock pins) and
 * the tarball: every package they need, resolved as Node would, copied from this repo's
 * lock with its resolved URL and integrity.
 */
function consumerLock(tarball: string, tarballBytes: Buffer, deps: readonly string[]): { manifest: object; lock: object } {
  const repo = (JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> }).packages;
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string; license: string; dependencies: Record<string, string>; bin: Record<string, string>; engines: Record<string, string> };
  const packages: Record<string, object> = {};
  const resolveFrom = (from: string, name: string): string | undefined => {
    let base = from;
    for (;;) {
      const path = `${base === '' ? '' : `${base}/`}node_modules/${name}`;
      if (repo[path] !== undefined) return path;
      if (base === '') return undefined;
      const i = base.lastIndexOf('/node_modules/');
      base = i < 0 ? '' : base.slice(0, i);
    }
  };
  const visit = (path: string): void => {
    if (packages[path] !== undefined) return;
    const { dev: _dev, devOptional: _devOptional, peer: _peer, ...entry } = repo[path] as LockEntry;
    packages[path] = entry;
    const needed = [...Object.keys(entry.dependencies ?? {}), ...Object.keys(entry.optionalDependencies ?? {})];
    for (const peer of Object.keys(entry.peerDependencies ?? {})) if (entry.peerDependenciesMeta?.[peer]?.optional !== true) needed.push(peer);
    for (const name of needed) {
      const found = resolveFrom(path, name);
      if (found !== undefined) visit(found);
    }
  };
  const direct: Record<string, string> = { [pkg.name]: `file:${tarball}` };
  for (const name of deps) direct[name] = (repo[`node_modules/${name}`] as LockEntry).version as string;
  for (const name of [...deps, ...Object.keys(pkg.dependencies)]) visit(`node_modules/${name}`);
  packages[`node_modules/${pkg.name}`] = {
    version: pkg.version,
    resolved: `file:${tarball}`,
    integrity: `sha512-${createHash('sha512').update(tarballBytes).digest('base64')}`,
    license: pkg.license,
    dependencies: pkg.dependencies,
    bin: pkg.bin,
    engines: pkg.engines,
  };
  const manifest = { name: 'consumer', private: true, type: 'module', dependencies: direct };
  return { manifest, lock: { name: 'consumer', lockfileVersion: 3, requires: true, packages: { '': manifest, ...packages } } };
}

let dir = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fabric-bft-sim-consumer-'));
  ok(sh(NPM, ['pack', '--pack-destination', dir], ROOT, 300_000), 'npm pack');
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  if (tarball === undefined) throw new Error('npm pack wrote no tarball');
  const { manifest, lock } = consumerLock(tarball, readFileSync(join(dir, tarball)), ['typescript', 'vitest', 'fast-check', '@types/node']);
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(join(dir, 'package-lock.json'), `${JSON.stringify(lock, null, 2)}\n`);
  ok(sh(NPM, ['ci', '--offline', '--no-audit', '--no-fund'], dir), 'npm ci --offline in the consumer project');
}, 400_000);

afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

describe('the packed package, installed in a new project', () => {
  it('ships dist/, the bin and the schema, and no TypeScript sources', () => {
    const files = readdirSync(join(dir, 'node_modules', 'fabric-bft-sim'), { recursive: true }).map(String);
    expect(files).toContain(join('dist', 'index.js'));
    expect(files).toContain(join('dist', 'index.d.ts'));
    expect(files).toContain(join('dist', 'report', 'client.js'));
    expect(files).toContain('scenario.schema.json');
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    // Declarations import ./x.js as the JavaScript does (tsc leaves ./x.ts there; scripts/build.mjs rewrites them).
    const tsSpecifiers = files
      .filter((f) => f.endsWith('.d.ts'))
      .filter((f) => /(?:from|import)\s*\(?\s*['"]\.{1,2}\/[^'"]*\.ts['"]/.test(readFileSync(join(dir, 'node_modules', 'fabric-bft-sim', f), 'utf8')));
    expect(tsSpecifiers).toEqual([]);
  });

  it('(a) plain Node ESM imports it and runs a scenario', () => {
    writeFileSync(
      join(dir, 'run.mjs'),
      `import { findBuiltin, runScenario, simClusterFor, simChecks } from 'fabric-bft-sim';
const scenario = findBuiltin('kill-orderer').build({ orderers: 4 });
const cluster = await simClusterFor(scenario, { seed: 7 });
const result = await runScenario(scenario, cluster, { checks: simChecks, seed: 7 });
console.log(JSON.stringify({ passed: result.passed, steps: result.steps.length, traceHash: result.traceHash }));
`,
    );
    const out = JSON.parse(ok(sh(process.execPath, ['run.mjs'], dir), 'node run.mjs')) as { passed: boolean; steps: number; traceHash: string };
    expect(out.passed).toBe(true);
    expect(out.steps).toBe(16);
    expect(out.traceHash).toMatch(/^[0-9a-f]{16}$/);
  });

  it('(b) tsc with a stock nodenext, strict tsconfig typechecks a file using the API, and its output runs', () => {
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        // `tsc --init` (TypeScript 5.9) without jsx, with Node's types, checking the package's .d.ts too.
        compilerOptions: {
          module: 'nodenext',
          target: 'esnext',
          types: ['node'],
          outDir: 'out',
          noUncheckedIndexedAccess: true,
          exactOptionalPropertyTypes: true,
          strict: true,
          verbatimModuleSyntax: true,
          isolatedModules: true,
          noUncheckedSideEffectImports: true,
          moduleDetection: 'force',
          skipLibCheck: false,
        },
        files: ['use.ts'],
      }),
    );
    writeFileSync(
      join(dir, 'use.ts'),
      `import { parseScenario, runScenario, scenarioToYaml, scheduleArbitrary, simClusterFor, simChecks, writeRunReport, type Scenario, type ScenarioResult, type TraceRecord } from 'fabric-bft-sim';
import { LiveCluster, type LiveConfig } from 'fabric-bft-sim/live';
import fc from 'fast-check';

const scenario: Scenario = parseScenario('name: typed\\nsteps:\\n  - stop: leader\\n  - sleep: 30s\\n  - issue: { via: techpulse, certID: T-1 }\\n    expect: { ok: true }\\n');
const records: TraceRecord[] = [];
const cluster = await simClusterFor(scenario, { seed: 3, traceSink: (r) => records.push(r) });
const result: ScenarioResult = await runScenario(scenario, cluster, { checks: simChecks, seed: 3 });
writeRunReport('typed.html', scenario, result, records);
const [sample] = fc.sample(scheduleArbitrary({ topology: { preset: 'certchain', orderers: 4 }, faults: ['crash'], behaviours: [] }), { numRuns: 1, seed: 1 });
const yaml: string = scenarioToYaml(sample as Scenario);
const config: LiveConfig | undefined = undefined;
const live = config === undefined ? LiveCluster : undefined;
console.log(JSON.stringify({ passed: result.passed, records: records.length > 0, yaml: yaml.startsWith('name: check-schedule'), live: live !== undefined }));
`,
    );
    ok(sh(NPX, ['tsc', '-p', '.'], dir), 'tsc -p .');
    const out = JSON.parse(ok(sh(process.execPath, ['out/use.js'], dir), 'node out/use.js')) as Record<string, boolean>;
    expect(out).toEqual({ passed: true, records: true, yaml: true, live: true });
    expect(readFileSync(join(dir, 'typed.html'), 'utf8')).toMatch(/^<!DOCTYPE html>/i);

    // A type error in the user's code is caught against the package's types.
    writeFileSync(join(dir, 'use.ts'), `import { runScenario } from 'fabric-bft-sim';\nconst n: number = (await runScenario({ name: 'x', steps: [] }, undefined as never)).traceHash;\nconsole.log(n);\n`);
    const bad = sh(NPX, ['tsc', '-p', '.'], dir);
    expect(bad.status).not.toBe(0);
    expect(bad.stdout).toContain("Type 'string | undefined' is not assignable to type 'number'");
  });

  it('(c) vitest runs a user-written fast-check property over the exported schedule arbitrary', () => {
    writeFileSync(
      join(dir, 'schedules.test.ts'),
      `import fc from 'fast-check';
import { expect, test } from 'vitest';
import { runScenario, scheduleArbitrary, simChecks, simClusterFor } from 'fabric-bft-sim';

test('crashes and partitions never fork the chain, and the network recovers', async () => {
  const schedules = scheduleArbitrary({ topology: { preset: 'certchain', orderers: 4 }, faults: ['crash', 'partition'], behaviours: [], maxActions: 4 });
  await fc.assert(
    fc.asyncProperty(schedules, async (scenario) => {
      const seed = scenario.seed ?? 1;
      const result = await runScenario(scenario, await simClusterFor(scenario, { seed }), { checks: simChecks, seed });
      expect(result.checks.filter((c) => !c.ok)).toEqual([]);
      expect(result.passed).toBe(true);
    }),
    { numRuns: 4, seed: 16 },
  );
}, 120_000);
`,
    );
    const r = sh(NPX, ['vitest', 'run', 'schedules.test.ts'], dir);
    ok(r, 'vitest run schedules.test.ts');
    expect(r.stdout).toMatch(/Tests\s+.*1 passed/);
  });

  it('(d) npx fabric-bft-sim run kill-orderer works from the installed package, on plain node', () => {
    const r = sh(NPX, ['fabric-bft-sim', 'run', 'kill-orderer'], dir);
    expect(r.stderr).toBe('');
    expect(ok(r, 'npx fabric-bft-sim run kill-orderer')).toMatch(/PASSED {2}16\/16 steps, 7\/7 checks/);
    expect(ok(sh(NPX, ['fabric-bft-sim', 'schema'], dir), 'npx fabric-bft-sim schema')).toBe(readFileSync(join(ROOT, 'scenario.schema.json'), 'utf8'));
  });

  it('(e) --workers 2 runs worker threads from the package\'s own bundle, with the rows one thread gives', () => {
    expect(readdirSync(join(dir, 'node_modules', 'fabric-bft-sim', 'dist', 'cli', 'workers'))).toContain('worker.bundle.js');
    const argv = ['fabric-bft-sim', 'sweep', 'kill-orderer', '--seeds', '1..4'];
    const two = sh(NPX, [...argv, '--workers', '2'], dir);
    expect(ok(two, 'npx fabric-bft-sim sweep --workers 2')).toContain('sweep: 4 runs, 4 passed, 0 failed');
    expect(two.stderr).toMatch(/^sweep: ran on 2 threads: \d+ runs in the main one, \d+ in worker threads$/m);
    const json = (workers: string): string => ok(sh(NPX, [...argv, '--workers', workers, '--json'], dir), `npx fabric-bft-sim sweep --workers ${workers} --json`);
    expect(json('2')).toBe(json('1'));
  });
});
