/**
 * Shards and merge end to end, as a cluster would run them: N child processes of the CLI
 * (`node bin/fabric-bft-sim.js sweep ... --shard k/N --json`), each a slice, folded by
 * `fabric-bft-sim merge` into exactly what one process prints for the whole run.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin', 'fabric-bft-sim.js');
const dir = mkdtempSync(join(tmpdir(), 'fabric-bft-sim-shards-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('VITEST') && k !== 'NODE_OPTIONS' && k !== 'TEST_SEED') env[k] = v;
  return env;
}

function cli(args: readonly string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, env: childEnv() });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, out, err }));
  });
}

async function shardsThenMerge(command: readonly string[], n: number): Promise<{ whole: string; merged: string }> {
  const [whole, ...shards] = await Promise.all([cli([...command, '--workers', '1']), ...Array.from({ length: n }, (_, k) => cli([...command, '--shard', `${k}/${n}`, '--workers', '1']))]);
  expect(whole?.code, whole?.err).toBe(0);
  const files = shards.map((s, k) => {
    expect(s.code, s.err).toBe(0);
    const file = join(dir, `${command[0]}-shard-${k}.json`);
    writeFileSync(file, s.out);
    return file;
  });
  const merged = await cli(['merge', ...files.reverse(), '--json']);
  expect(merged.code, merged.err).toBe(0);
  return { whole: whole?.out ?? '', merged: merged.out };
}

describe('shards + merge with N processes', () => {
  it('sweep: 3 shards merged equal the one-process sweep, byte for byte', async () => {
    const { whole, merged } = await shardsThenMerge(['sweep', 'kill-orderer', '--seeds', '1..4', '--orderers', '4,7', '--json'], 3);
    expect(merged).toBe(whole);
    expect((JSON.parse(whole) as { rows: unknown[] }).rows).toHaveLength(8);
  }, 180_000);

  it('check: 2 shards merged equal the one-process check', async () => {
    const { whole, merged } = await shardsThenMerge(['check', '--runs', '10', '--seed', '21', '--json'], 2);
    expect(JSON.parse(merged)).toEqual(JSON.parse(whole));
    expect(JSON.parse(whole)).toEqual({ passed: true, runs: 10, seed: 21 });
  }, 180_000);
});
