/** FABRIC_LOGGING_SPEC with flogging's semantics (loggerlevels.go ActivateSpec, calculateLevel). */
import { describe, expect, it } from 'vitest';
import { LogSpec } from '../../../src/sim/logs/spec.ts';
import { SimCluster } from '../../../src/sim/cluster/sim-cluster.ts';

describe('LogSpec', () => {
  it('defaults to info', () => {
    const s = new LogSpec();
    expect(s.enabled('gossip.state', 'DEBU')).toBe(false);
    expect(s.enabled('kvledger', 'INFO')).toBe(true);
    expect(new LogSpec('').enabled('kvledger', 'DEBU')).toBe(false);
  });

  it('module=level covers the logger and those below it; the bare level is the default', () => {
    const s = new LogSpec('warn:orderer.consensus.smartbft=info');
    expect(s.enabled('orderer.consensus.smartbft.consensus', 'INFO')).toBe(true);
    expect(s.enabled('orderer.consensus.smartbft', 'INFO')).toBe(true);
    expect(s.enabled('orderer.consensus.smartbftx', 'INFO')).toBe(false);
    expect(s.enabled('kvledger', 'INFO')).toBe(false);
    expect(s.enabled('kvledger', 'WARN')).toBe(true);
  });

  it('a name ending in "." sets that logger alone; several loggers share a level', () => {
    const s = new LogSpec('gossip.=debug:kvledger,couchdb=error:info');
    expect(s.enabled('gossip', 'DEBU')).toBe(true);
    expect(s.enabled('gossip.state', 'DEBU')).toBe(false);
    expect(s.enabled('kvledger', 'WARN')).toBe(false);
    expect(s.enabled('couchdb', 'ERRO')).toBe(true);
    expect(new LogSpec('DEBUG').enabled('gossip.state', 'DEBU')).toBe(true);
  });

  it('rejects a bad spec with flogging\'s error', () => {
    expect(() => new LogSpec('loud')).toThrow("invalid logging specification 'loud': bad segment 'loud'");
    expect(() => new LogSpec('=info')).toThrow("invalid logging specification '=info': no logger specified in segment '=info'");
    expect(() => new LogSpec('a=b=c')).toThrow("invalid logging specification 'a=b=c': bad segment 'a=b=c'");
    expect(() => new LogSpec('.x=info')).toThrow("invalid logging specification '.x=info': bad logger name '.x'");
  });
});

describe('a node prints what its level allows', () => {
  const committed = (lines: readonly { message: string }[], n: number): number => lines.filter((l) => l.message.includes(`Committed block [${n}]`)).length;

  it('at the default INFO a peer prints one "Committed block [N]" line per block (kvledger), not the DEBU gossip.state one', async () => {
    const c = await SimCluster.create({ seed: 31, keep: { logs: true } });
    const lines = await c.logs('peer0.techpulse');
    const height = (await c.channelInfo('peer0.techpulse')).height;
    for (let n = 1; n < height; n++) expect(committed(lines, n)).toBe(1);
    expect(lines.some((l) => l.level === 'DEBU')).toBe(false);
    // The sequence ids count printed lines only: consecutive.
    const ids = lines.map((l) => parseInt(l.text.split(' ')[3] as string, 16));
    expect(ids).toEqual(ids.map((_, i) => (ids[0] as number) + i));
  });

  it('with FABRIC_LOGGING_SPEC=gossip.state=debug the peer prints both lines', async () => {
    const c = await SimCluster.create({ seed: 31, keep: { logs: true }, logSpecs: { 'peer0.techpulse': 'gossip.state=debug' } });
    const lines = await c.logs('peer0.techpulse');
    expect(committed(lines, 1)).toBe(2);
    expect(committed(await c.logs('peer0.dataforge'), 1)).toBe(1);
  });
});
