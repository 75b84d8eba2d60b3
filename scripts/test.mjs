#!/usr/bin/env node
// `npm test`: typecheck, then the whole vitest suite; ends with one plain line
// `N passed, N failed` counted from vitest's JSON report. Exit 0 only if all passed.
// `npm run test:package` (--package): the packed-package test alone (test/package, its
// own vitest config), with the same last line; no typecheck (npm test does that).
// `npm run test:local` (--local): the real-network suite (test/local/real), likewise.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CONFIGS = { '--package': 'vitest.package.config.ts', '--local': 'vitest.local.config.ts' };
const config = CONFIGS[process.argv[2]];
const packageOnly = config !== undefined;
const extra = process.argv.slice(packageOnly ? 3 : 2);
const bin = (name) => join('node_modules', '.bin', name);

let typecheckOk = true;
if (!packageOnly) {
  const tsc = spawnSync(bin('tsc'), ['--noEmit', '-p', '.'], { stdio: 'inherit' });
  typecheckOk = tsc.status === 0;
  console.log(typecheckOk ? 'typecheck: clean' : 'typecheck: FAILED');
}

const dir = mkdtempSync(join(tmpdir(), 'fabric-bft-sim-test-'));
const report = join(dir, 'vitest.json');
const run = spawnSync(
  bin('vitest'),
  ['run', ...(config !== undefined ? ['--config', config] : []), '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...extra],
  { stdio: 'inherit' },
);

let passed = 0;
let failed = 0;
try {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  passed = r.numPassedTests ?? 0;
  failed = r.numFailedTests ?? 0;
  // A suite that fails to load has no failed tests of its own: count it as one failure.
  if ((r.numFailedTestSuites ?? 0) > 0 && failed === 0) failed = r.numFailedTestSuites;
} catch {
  failed = Math.max(failed, 1);
}
rmSync(dir, { recursive: true, force: true });
if (!typecheckOk) failed += 1;
const ok = typecheckOk && run.status === 0 && failed === 0;
console.log(`${passed} passed, ${failed} failed`);
process.exit(ok ? 0 : 1);
