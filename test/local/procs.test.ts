/** Processes of the local network (src/local/procs.ts), with real processes (`sleep`, node). No Fabric binaries needed. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { busyPorts, isRunning, launch, LOG_KEEPER_SOURCE, procStartTime, readPid, stopProc, tailLog } from '../../src/local/procs.ts';

const dirs: string[] = [];
function scratch(): string {
  const d = mkdtempSync(join(tmpdir(), 'fbs-local-'));
  dirs.push(d);
  return d;
}
afterEach(async () => {
  for (const d of dirs.splice(0)) {
    for (const n of ['sleeper', 'keeper', 'talker']) await stopProc(d, n, 'SIGKILL');
    rmSync(d, { recursive: true, force: true });
  }
});

describe('launch and stop by pid', () => {
  it('starts a detached process with a pid file and kills it by pid', async () => {
    const d = scratch();
    const rec = launch(d, { name: 'sleeper', command: 'sleep', args: ['60'], env: {} });
    expect(rec.startTime).toBe(procStartTime(rec.pid));
    expect(isRunning(readPid(d, 'sleeper'))).toBe(true);
    expect(await stopProc(d, 'sleeper', 'SIGKILL')).toBe(true);
    expect(isRunning(readPid(d, 'sleeper'))).toBe(false);
    expect(await stopProc(d, 'sleeper', 'SIGTERM')).toBe(false);
  });

  it('never signals a pid that now belongs to another process', async () => {
    const d = scratch();
    const rec = launch(d, { name: 'sleeper', command: 'sleep', args: ['60'], env: {} });
    // The pid file says another start time: a reused pid is not ours.
    writeFileSync(join(d, 'pids', 'sleeper.json'), JSON.stringify({ ...rec, startTime: rec.startTime + 1 }));
    expect(await stopProc(d, 'sleeper', 'SIGKILL')).toBe(false);
    expect(procStartTime(rec.pid)).toBe(rec.startTime);
    process.kill(rec.pid, 'SIGKILL');
  });

  it('appends the output to the log, and tailLog shows the last lines', async () => {
    const d = scratch();
    launch(d, { name: 'talker', command: 'sh', args: ['-c', 'for i in 1 2 3 4 5; do echo line $i; done'], env: {} });
    await new Promise((r) => setTimeout(r, 300));
    expect(tailLog(d, 'talker', 2)).toEqual(['line 4', 'line 5']);
  });
});

describe('the log keeper', () => {
  it('moves a log past the cap to .log.1 and truncates it', async () => {
    const d = scratch();
    writeFileSync(join(d, 'a.log'), 'x'.repeat(5000));
    writeFileSync(join(d, 'b.log'), 'small');
    launch(d, { name: 'keeper', command: process.execPath, args: ['-e', LOG_KEEPER_SOURCE, d, '1000'], env: {} });
    await new Promise((r) => setTimeout(r, 2600));
    expect(readFileSync(join(d, 'a.log'), 'utf8')).toBe('');
    expect(readFileSync(join(d, 'a.log.1'), 'utf8')).toHaveLength(5000);
    expect(readFileSync(join(d, 'b.log'), 'utf8')).toBe('small');
  });
});

describe('busyPorts', () => {
  it('finds a port something listens on, and not a free one', async () => {
    const s: Server = createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
    const port = (s.address() as { port: number }).port;
    try {
      expect(await busyPorts([port])).toEqual([port]);
    } finally {
      await new Promise((r) => s.close(r));
    }
    expect(await busyPorts([port])).toEqual([]);
  });
});
