/** `net` and `--target local` refuse bad input in one line, before anything starts. No Fabric binaries needed. */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { processEnv } from '../../src/cli/io.ts';
import { makePlan } from '../../src/local/plan.ts';
import { allPidNames } from '../../src/local/procs.ts';

const root = mkdtempSync(join(tmpdir(), 'fbs-local-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { ...processEnv(), stdout: (t) => void (out += t), stderr: (t) => void (err += t) });
  return { code, out, err };
}

/** A run folder as net up leaves it (its net.json), with no process running. */
function netDir(name: string, orderers = 4): string {
  const dir = join(root, name);
  mkdirSync(dir);
  const plan = makePlan({ dir, fabricHome: join(root, 'fabric'), orderers });
  writeFileSync(join(dir, 'net.json'), JSON.stringify({ plan, packageId: 'certcontract_1.0:x', upAt: 'then', timings: {} }));
  return dir;
}

describe('net', () => {
  it('needs a subcommand', async () => {
    const r = await cli('net');
    expect(r.code).toBe(2);
    expect(r.err).toBe('fabric-bft-sim net: expects up, down, status or logs (see "fabric-bft-sim net --help")\n');
  });

  it('says where it looked for the binaries', async () => {
    const home = join(root, 'nothing-here');
    const r = await cli('net', 'up', '--fabric-home', home, '--dir', join(root, 'n1'));
    expect(r.code).toBe(1);
    expect(r.err).toBe(`fabric-bft-sim net up: no Fabric binaries in ${home}/bin (orderer, peer, configtxgen, cryptogen, osnadmin): set FABRIC_HOME to an unpacked Fabric 3.1 release\n`);
  });

  it('refuses a busy port before starting anything', async () => {
    // A release folder that passes the presence check; nothing in it runs before the port check.
    const home = join(root, 'fabric');
    mkdirSync(join(home, 'bin'), { recursive: true });
    mkdirSync(join(home, 'config'), { recursive: true });
    for (const b of ['orderer', 'peer', 'configtxgen', 'cryptogen', 'osnadmin']) {
      writeFileSync(join(home, 'bin', b), '#!/bin/sh\nexit 1\n');
      chmodSync(join(home, 'bin', b), 0o755);
    }
    for (const f of ['core.yaml', 'orderer.yaml']) writeFileSync(join(home, 'config', f), '');
    const s: Server = createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
    const port = (s.address() as { port: number }).port;
    try {
      const dir = join(root, 'n2');
      const r = await cli('net', 'up', '--fabric-home', home, '--dir', dir, '--base-port', String(port - 3));
      expect(r.code).toBe(1);
      // Ours is busy for sure; on a shared machine other ports of the range may be too: every busy one is named.
      const line = r.err.split('\n')[0] ?? '';
      expect(line).toMatch(/^fabric-bft-sim net up: ports? \d+ \(.+\) already in use on 127\.0\.0\.1: choose another --base-port$/);
      const named = [...line.matchAll(/(\d+) \(([^()]+ \([^()]+\))\)/g)].map((m) => ({ port: Number(m[1]), who: m[2] }));
      expect(named.find((n) => n.port === port)?.who).toBe('orderer.dataforge (orderer)');
      for (const n of named) expect(n.port).toBeGreaterThanOrEqual(port - 3);
      expect(allPidNames(dir)).toEqual([]);
    } finally {
      await new Promise((r) => s.close(r));
    }
  });

  it('status without a network says how to make one', async () => {
    const dir = join(root, 'empty');
    const r = await cli('net', 'status', '--dir', dir);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`fabric-bft-sim net status: no network in ${dir}: run "fabric-bft-sim net up --dir ${dir}" first\n`);
  });

  it('refuses bad SmartBFT options before anything runs', async () => {
    const r = await cli('net', 'up', '--fabric-home', join(root, 'fabric'), '--dir', join(root, 'n3'), '--smartbft', 'RequestForwardTimeout=1m');
    expect(r.code).toBe(1);
    expect(r.err.split('\n')[0]).toBe('fabric-bft-sim net up: --smartbft: RequestForwardTimeout must be at most RequestComplainTimeout (SmartBFT Validate)');
  });
});

describe('--target local', () => {
  it('refuses a partition step, naming the step and the target', async () => {
    const dir = netDir('p');
    const r = await cli('compare', 'partitioned-leader', '--target', 'local', '--dir', dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^fabric-bft-sim compare: --target local: partitioned-leader steps\[\d+\] \(.*\): partition cannot run on the local target: .*; run it in the simulator\n$/);
  });

  it('refuses a Byzantine step', async () => {
    const r = await cli('run', 'byzantine-leader', '--target', 'local', '--dir', netDir('b'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^fabric-bft-sim run: --target local: byzantine-leader steps\[\d+\] .*byzantine cannot run on the local target: a real orderer cannot be made to lie from outside; run it in the simulator\n$/);
  });

  it('refuses a topology the network does not have', async () => {
    const r = await cli('run', 'kill-orderer', '--target', 'local', '--orderers', '7', '--dir', netDir('t'));
    expect(r.code).toBe(2);
    expect(r.err).toBe('fabric-bft-sim run: --target local: the scenario wants 7 orderers and the local network has 4 (net up --orderers 7, or run it with --orderers 4)\n');
  });

  it('says which processes are not running', async () => {
    const dir = netDir('d');
    const r = await cli('run', 'kill-orderer', '--target', 'local', '--dir', dir);
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      `fabric-bft-sim run: --target local: orderer.techpulse, orderer.dataforge, orderer.org3, orderer.ordering, peer0.techpulse, peer0.dataforge, peer0.org3, certcontract, log-keeper not running in ${dir} ("fabric-bft-sim net status"; "net up" starts a fresh network)\n`,
    );
  });

  it('needs a network', async () => {
    const dir = join(root, 'none');
    const r = await cli('run', 'kill-orderer', '--target', 'local', '--dir', dir);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`fabric-bft-sim run: --target local: no network in ${dir}: run "fabric-bft-sim net up --dir ${dir}" first\n`);
  });

  it('knows two targets', async () => {
    const r = await cli('run', 'kill-orderer', '--target', 'cloud');
    expect(r.code).toBe(2);
    expect(r.err).toBe('fabric-bft-sim run: --target is sim or local, got "cloud"\n');
  });
});
