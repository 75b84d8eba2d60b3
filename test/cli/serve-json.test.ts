/**
 * `serve --json` as a script uses it: the real CLI as a child process on port 0, the one
 * JSON document it prints once listening read from stdout, its addresses answered, then
 * stopped by its pid with SIGTERM.
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin', 'fabric-bft-sim.js');

function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('VITEST') && k !== 'NODE_OPTIONS' && k !== 'TEST_SEED') env[k] = v;
  return env;
}

describe('serve --json', () => {
  it('prints one JSON document with its addresses once listening on port 0, serves them, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--json', '--seed', '3', '--orderers', '4'], { cwd: ROOT, env: childEnv() });
    let out = '';
    let err = '';
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.on('exit', (code, signal) => done({ code, signal })));
    try {
      // The document is complete when it parses; serve prints nothing else on stdout.
      const doc = await new Promise<Record<string, unknown>>((done, fail) => {
        child.stdout.on('data', (b: Buffer) => {
          out += b.toString();
          try {
            done(JSON.parse(out) as Record<string, unknown>);
          } catch {
            // not complete yet
          }
        });
        child.on('exit', (code) => fail(new Error(`serve exited (${String(code)}) before printing its document: ${err}`)));
      });
      const url = doc['url'] as string;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(Number(new URL(url).port)).toBeGreaterThan(0);
      expect(doc).toEqual({
        url,
        seed: 3,
        orderers: 4,
        speed: 1,
        token: `${url}/realms/techpulse/protocol/openid-connect/token`,
        api: `${url}/api/v1`,
        metrics: `${url}/metrics`,
      });
      const metrics = await fetch(doc['metrics'] as string);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toMatch(/^consensus_smartbft_view_number/m);
    } finally {
      if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGTERM');
    }
    const end = await exited;
    // Stopped by the signal: 143 (128 + SIGTERM) when it exits itself, or the signal.
    expect(end.code === 143 || end.signal === 'SIGTERM', `exit ${String(end.code)} ${String(end.signal)}: ${err}`).toBe(true);
    expect(JSON.parse(out)).toBeTypeOf('object');
  }, 60_000);
});
