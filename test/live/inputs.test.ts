/**
 * What live and compare read and pass on: only regular files under a size limit (never
 * /dev/zero, a FIFO or a huge file: a one-line error naming the option and the path), and
 * no config value that `peer` or `curl` could take for an option or a second config line.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { runLiveCommand } from '../../src/live/cli.ts';
import { LiveCluster } from '../../src/live/cluster.ts';
import { buildLiveConfig, MAX_CONFIG_BYTES } from '../../src/live/config.ts';
import { OcRunner } from '../../src/live/oc.ts';
import { Masker, readSecret } from '../../src/live/secrets.ts';
import { SECRETS, callLog, exampleConfig, exampleDoc, removeTempDirs, tempDir, writeConfig, cliSimTarget } from './helpers.ts';

afterAll(removeTempDirs);

function capture(): { out: string[]; err: string[]; io: { stdout: (s: string) => void; stderr: (s: string) => void; target: typeof cliSimTarget } } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (s) => out.push(s), stderr: (s) => err.push(s), target: cliSimTarget } };
}

function fifo(): string {
  const p = join(tempDir('fbs-fifo-'), 'pipe');
  execFileSync('mkfifo', [p]);
  return p;
}

async function badInput(argv: string[]): Promise<string> {
  const c = capture();
  const code = await runLiveCommand('live', argv, c.io);
  const err = c.err.join('');
  expect(code, err).toBe(2);
  expect(err.trim().split('\n'), err).toHaveLength(1);
  expect(c.out.join('')).toBe('');
  return err.trim();
}

describe('input files: regular files under a size limit only, else one line naming the option and the path', () => {
  test('--config /dev/zero, a FIFO, or a file over the limit', async () => {
    expect(await badInput(['kill-orderer', '--config', '/dev/zero'])).toBe('fabric-bft-sim live: --config /dev/zero is not a regular file');
    const pipe = fifo();
    expect(await badInput(['kill-orderer', '--config', pipe])).toBe(`fabric-bft-sim live: --config ${pipe} is not a regular file`);
    const big = join(tempDir(), 'big.yaml');
    writeFileSync(big, `# ${'x'.repeat(MAX_CONFIG_BYTES)}\n`);
    expect(await badInput(['kill-orderer', '--config', big])).toBe(`fabric-bft-sim live: --config ${big} is larger than ${MAX_CONFIG_BYTES} bytes`);
    expect(await badInput(['kill-orderer', '--config', tempDir()])).toMatch(/^fabric-bft-sim live: --config \S+ is a directory$/);
  });

  test('--ca-file /dev/zero, and a tls.caFile that is a FIFO', async () => {
    const cfg = writeConfig(exampleDoc());
    expect(await badInput(['kill-orderer', '--config', cfg, '--yes', '--ca-file', '/dev/zero'])).toBe('fabric-bft-sim live: --ca-file /dev/zero is not a regular file');
    const pipe = fifo();
    const doc = exampleDoc();
    doc['tls'] = { caFile: pipe };
    const cfg2 = writeConfig(doc);
    expect(await badInput(['kill-orderer', '--config', cfg2, '--yes'])).toBe(`fabric-bft-sim live: ${cfg2}: tls.caFile ${pipe} is not a regular file`);
  });

  test('a scenario file that is /dev/zero or a FIFO', async () => {
    const cfg = writeConfig(exampleDoc());
    expect(await badInput(['/dev/zero', '--config', cfg])).toBe('fabric-bft-sim live: scenario /dev/zero is not a regular file');
    const pipe = fifo();
    expect(await badInput([pipe, '--config', cfg])).toBe(`fabric-bft-sim live: scenario ${pipe} is not a regular file`);
  });

  test('a secret { file: ... } that is /dev/zero, a FIFO or too large', () => {
    const pipe = fifo();
    expect(() => readSecret({ file: '/dev/zero' }, 'couchdb.password', {}, '/')).toThrow(/^couchdb\.password: secret file \/dev\/zero is not a regular file$/);
    expect(() => readSecret({ file: pipe }, 'couchdb.password', {}, '/')).toThrow(`couchdb.password: secret file ${pipe} is not a regular file`);
    const big = join(tempDir(), 'secret');
    writeFileSync(big, 'x'.repeat(64 * 1024 + 1));
    expect(() => readSecret({ file: 'secret' }, 'orgs.org3.password', {}, join(big, '..'))).toThrow(`orgs.org3.password: secret file ${big} is larger than 65536 bytes`);
  });
});

describe('config values that reach peer and curl are validated', () => {
  const cases: [string, (d: Record<string, unknown>) => void, RegExp][] = [
    ['channel', (d) => (d['channel'] = '--help'), /^c\.yaml: channel: a Fabric channel name/],
    ['channel', (d) => (d['channel'] = `a${'b'.repeat(249)}`), /^c\.yaml: channel: a channel name has at most 249 characters$/],
    ['channel', (d) => (d['channel'] = 'Cert_Channel'), /^c\.yaml: channel: a Fabric channel name/],
    ['chaincode', (d) => (d['chaincode'] = '-oProxyCommand=x'), /^c\.yaml: chaincode: a Fabric chaincode name/],
    ['chaincode', (d) => (d['chaincode'] = 'cert__contract'), /^c\.yaml: chaincode: a Fabric chaincode name/],
    ['couchdb.url', (d) => ((d['couchdb'] as Record<string, unknown>)['url'] = '-K/etc/passwd'), /^c\.yaml: couchdb\.url: an http\(s\) URL$/],
    ['couchdb.url', (d) => ((d['couchdb'] as Record<string, unknown>)['url'] = 'file:///etc/passwd'), /^c\.yaml: couchdb\.url: an http\(s\) URL$/],
    ['couchdb.username', (d) => ((d['couchdb'] as Record<string, unknown>)['username'] = 'admin:x'), /^c\.yaml: couchdb\.username: a CouchDB user name \(no colon, no control characters\)$/],
    ['couchdb.username', (d) => ((d['couchdb'] as Record<string, unknown>)['username'] = 'admin\noutput = /tmp/x'), /^c\.yaml: couchdb\.username: a CouchDB user name/],
    ['api.verifyPath', (d) => ((d['api'] as Record<string, unknown>)['verifyPath'] = '.evil.example/{certID}'), /^c\.yaml: api\.verifyPath: .*"\/"/],
    ['api.revokePath', (d) => ((d['api'] as Record<string, unknown>)['revokePath'] = '@evil.example/{certID}'), /^c\.yaml: api\.revokePath: .*"\/"/],
    ['timeouts.poll', (d) => (d['timeouts'] = { poll: '0ms' }), /^c\.yaml: timeouts\.poll: "0ms" is not longer than 0$/],
    ['timeouts.rollout', (d) => (d['timeouts'] = { rollout: '1000h' }), /^c\.yaml: timeouts\.rollout: "1000h" is longer than the limit of 24h$/],
    ['oc.timeout', (d) => (d['oc'] = { timeout: 100_000_000 }), /^c\.yaml: oc\.timeout: "100000000" is longer than the limit of 24h$/],
  ];
  test.each(cases)('%s: a bad value is one line naming the key', (_key, change, re) => {
    const doc = exampleDoc();
    change(doc);
    let msg = '';
    try {
      buildLiveConfig(doc, 'c.yaml', '.');
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toMatch(re);
    expect(msg.split('\n')).toHaveLength(1);
  });

  test("Fabric's own names pass: my-channel.v2, cert_contract-2, a CouchDB URL with a port", () => {
    const doc = exampleDoc();
    doc['channel'] = 'my-channel.v2';
    doc['chaincode'] = 'cert_contract-2';
    (doc['couchdb'] as Record<string, unknown>)['url'] = 'http://127.0.0.1:5984/';
    expect(buildLiveConfig(doc, 'c.yaml', '.').topology.channel).toBe('my-channel.v2');
  });
});

describe('--timeout', () => {
  // Node fires a timer of more than 2^31-1 ms at once: 1000h would have aborted the run immediately.
  test.each([
    ['1000h', 'fabric-bft-sim live: --timeout expects a duration of at most 24h, got "1000h"'],
    ['0s', 'fabric-bft-sim live: --timeout expects a duration above 0, got "0s"'],
  ])('%s is refused in one line', async (t, msg) => {
    expect(await badInput(['kill-orderer', '--config', writeConfig(exampleDoc()), '--timeout', t])).toBe(msg);
  });
});

describe('what reaches curl and oc', () => {
  test('a CouchDB password with a quote and a line break stays one curl config line (no injected option)', async () => {
    const log = callLog();
    const env = { ...SECRETS, CERTCHAIN_COUCHDB_PASSWORD: 'pa"ss\\\nurl = "file:///etc/passwd"\r\toutput = /tmp/x', OC_STANDIN_LOG: log.path, OC_STANDIN_FAIL: 'unreachable' };
    const cluster = new LiveCluster(exampleConfig(), { dryRun: false, env: { ...process.env, ...env } });
    await expect(cluster.stateDocCount('peer0.techpulse')).rejects.toThrow(/cannot reach the cluster/);
    const stdin = log.calls()[0]?.stdin ?? '';
    expect(stdin).toBe('user = "admin:pa\\"ss\\\\\\nurl = \\"file:///etc/passwd\\"\\r\\toutput = /tmp/x"\n');
    expect(stdin.trimEnd().split(/[\r\n]/)).toHaveLength(1);
  });

  test('an oc that prints without end is stopped at the output limit, not read into memory', async () => {
    const runner = new OcRunner({ path: '/usr/bin/yes', timeoutMs: 20_000, masker: new Masker(), maxOutputBytes: 1024 * 1024 });
    const started = Date.now();
    await expect(runner.run({ args: ['get', 'deployment'] })).rejects.toThrow('oc get deployment printed more than 1048576 bytes: stopped it (/usr/bin/yes get deployment)');
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe('steps a live run refuses before it starts', () => {
  test('reset and rollback: one line naming the step and why, exit 2, nothing run', async () => {
    const cfg = writeConfig(exampleDoc());
    const scenario = join(tempDir(), 'reset.yaml');
    writeFileSync(scenario, 'name: reset-live\nsteps:\n  - stop: peer0.org3\n  - name: back to genesis\n    reset: { peer: peer0.org3 }\n');
    expect(await badInput([scenario, '--config', cfg, '--yes'])).toMatch(/^fabric-bft-sim live: steps\[1\] \(back to genesis\): reset is not run on a live cluster: peer node reset truncates .*; run it in the simulator or with --target local$/);
    writeFileSync(scenario, 'name: rollback-live\nsteps:\n  - rollback: { peer: peer0.org3, block: 2 }\n');
    expect(await badInput([scenario, '--config', cfg, '--yes'])).toMatch(/^fabric-bft-sim live: steps\[0\]: rollback is not run on a live cluster/);
  });
});
