/** `run FILE --report`: the report's replay command names the file the run came from (it named a placeholder). */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { processEnv } from '../../src/cli/io.ts';
import { simTarget } from '../../src/cli/targets.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

it('run FILE --report: the report replays that file with the seed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fbs-report-'));
  dirs.push(dir);
  const file = join(dir, 'mine.yaml');
  writeFileSync(file, 'name: mine\nsteps:\n  - sleep: 1s\n');
  const env = { ...processEnv(), stdout: () => undefined, stderr: () => undefined, target: async () => simTarget() };
  expect(await main(['run', file, '--seed', '5', '--report', join(dir, 'r.html')], env)).toBe(0);
  expect(readFileSync(join(dir, 'r.html'), 'utf8')).toContain(`fabric-bft-sim run ${file} --seed 5`);
});
