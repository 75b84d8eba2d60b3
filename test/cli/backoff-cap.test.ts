/**
 * `topology.ordererBackoffMaxDelay` (orderer.yaml General.Backoff.MaxDelay) through the real
 * `run` command on the real model: the cap of the back-off with which the orderers redial
 * one that refused their dial (grpc-go internal/backoff, applied by Fabric's
 * orderer/common/server/main.go initializeClusterClientConfig). An orderer down for a
 * minute is redialled by the others within one capped wait of its restart: under `net up`'s
 * 3s (the default) every new stream to it works at most 3.6 s (3 s + 20% jitter) after it is
 * up; under Fabric's sampleconfig 2m the waits have grown past 16 s by then, so streams to it
 * keep failing (`backoff` drops in the trace) well after it is up. A bad cap is one line,
 * exit 2.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliOnSim as cli } from './sim-cli.ts';
import { parseTraceFile } from '../../src/shared/trace-format.ts';

const dir = mkdtempSync(join(tmpdir(), 'fbs-backoff-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));


/** A follower down for 60 s, restarted, then a certificate a second for 10 s (so every orderer keeps opening streams to it). */
function scenario(cap: string | undefined): string {
  return [
    'name: backoff-cap',
    ...(cap !== undefined ? ['topology:', `  ordererBackoffMaxDelay: ${cap}`] : []),
    'steps:',
    '  - stop: orderer.org3',
    '  - sleep: 60s',
    '  - start: orderer.org3',
    '  - load: { via: techpulse, count: 10, every: 1s }',
    '  - sleep: 15s',
    '',
  ].join('\n');
}

/** After orderer.org3's restart: how long the other orderers' streams to it kept failing on the back-off, and how many did. */
async function backoffAfterRestart(cap: string | undefined): Promise<{ lastMs: number; drops: number }> {
  const name = cap ?? 'default';
  const file = join(dir, `${name}.yaml`);
  const trace = join(dir, `${name}.jsonl`);
  writeFileSync(file, scenario(cap));
  const r = await cli(['run', file, '--trace', trace, '--json']);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  const { records } = parseTraceFile(readFileSync(trace, 'utf8'));
  const restart = records.find((x) => x.k === 'restart' && x.node === 'orderer.org3');
  expect(restart).toBeDefined();
  const up = restart!.t;
  const drops = records.filter((x) => x.k === 'drop' && x.reason === 'backoff' && x.to === 'orderer.org3' && x.from.startsWith('orderer') && x.t >= up);
  return { lastMs: drops.length === 0 ? 0 : Math.max(...drops.map((d) => d.t)) - up, drops: drops.length };
}

describe('topology.ordererBackoffMaxDelay through run', () => {
  it("net up's 3s (the default): the others' streams to a restarted orderer work within 3.6 s of its start", async () => {
    const d = await backoffAfterRestart(undefined);
    expect(d.lastMs).toBeLessThanOrEqual(3_600);
    // Written out, the default is the same run.
    expect(await backoffAfterRestart('3s')).toEqual(d);
  });

  it("Fabric's sampleconfig 2m: after a minute down, streams to it still fail on the back-off seconds later", async () => {
    const d = await backoffAfterRestart('2m');
    expect(d.lastMs).toBeGreaterThan(3_600);
    expect(d.drops).toBeGreaterThan(0);
  });

  it('a cap below BaseDelay, or not a Go duration, is one line and exit 2', async () => {
    for (const [cap, why] of [
      ['500ms', "topology.ordererBackoffMaxDelay: 500ms is shorter than the back-off's BaseDelay 1s: gRPC's first redial waits 1s whatever the cap"],
      ['3 seconds', 'topology.ordererBackoffMaxDelay: expected a Go duration such as 3s or 2m0s (orderer.yaml General.Backoff.MaxDelay), got "3 seconds"'],
    ] as const) {
      const file = join(dir, 'bad.yaml');
      writeFileSync(file, scenario(cap));
      const r = await cli(['run', file]);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err.trimEnd().split('\n')).toHaveLength(1);
      expect(r.err).toContain(why);
      expect(r.err).toMatch(/^fabric-bft-sim run: /);
    }
  });

  it('a misspelt key gets a suggestion', async () => {
    const file = join(dir, 'typo.yaml');
    writeFileSync(file, scenario('2m').replace('ordererBackoffMaxDelay', 'ordererBackofMaxDelay'));
    const r = await cli(['run', file]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/ordererBackofMaxDelay.*did you mean ordererBackoffMaxDelay/);
  });
});
