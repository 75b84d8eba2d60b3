import { describe, expect, it } from 'vitest';
import { runSizeCommand } from '../../src/sizing/cli.ts';

async function size(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runSizeCommand(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

interface JsonOption {
  n: number;
  f: number;
  q: number;
  zoneLoss: { zone: number; live: boolean; safe: boolean }[];
  measured: { messagesPerDecision: number; formulaValue: number; latencyP50Ms: number } | null;
}

describe('fabric-bft-sim size', () => {
  it('size --orderers 4,5,6,7 --json: f = 1,1,1,2, Q = 3,4,4,5, and one zone sends exactly (n-1)(2n+1)+n(n-Q) messages per decision', async () => {
    const r = await size('--orderers', '4,5,6,7', '--json');
    expect(r.code).toBe(0);
    const body = JSON.parse(r.out) as { seed: number; options: JsonOption[] };
    expect(body.seed).toBe(1);
    expect(body.options.map((o) => o.f)).toEqual([1, 1, 1, 2]);
    expect(body.options.map((o) => o.q)).toEqual([3, 4, 4, 5]);
    expect(body.options.map((o) => o.measured?.formulaValue)).toEqual([31, 49, 77, 104]);
    for (const o of body.options) expect(o.measured?.messagesPerDecision).toBe(o.measured?.formulaValue);
  });

  it('--placement 2,1,1 (n=4): the table says losing zone 1 halts ordering', async () => {
    const r = await size('--placement', '2,1,1', '--no-measure');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^4 +3f\+1 +1 +3 .* z1 HALT \(2<3\), z2 ok, z3 ok/m);
    const j = JSON.parse((await size('--placement', '2,1,1', '--no-measure', '--json')).out) as { options: JsonOption[] };
    expect(j.options[0]?.zoneLoss.map((z) => z.live)).toEqual([false, true, true]);
  });

  it('--placement 3,2,2 (n=7): every zone loss is safe, but losing the 3-orderer zone leaves 4 < Q=5', async () => {
    const j = JSON.parse((await size('--placement', '3,2,2', '--no-measure', '--json')).out) as { options: JsonOption[] };
    expect(j.options[0]?.zoneLoss.map((z) => [z.live, z.safe])).toEqual([
      [false, true],
      [true, true],
      [true, true],
    ]);
  });

  it("--tolerate 2 --survive-zone-loss --zones 4 recommends 7 orderers and 2 peers per org (the lab's advice, derived)", async () => {
    const r = await size('--orderers', '4,5,6,7,10,13', '--zones', '4', '--tolerate', '2', '--survive-zone-loss', '--no-measure');
    expect(r.code).toBe(0);
    expect(r.out).toContain('Recommendation: 7 orderers (2,2,2,1): the smallest of 4,5,6,7,10,13');
    expect(r.out).toContain('Peers: 2 peers per org');
  });

  it('--zones 3 without --survive-zone-loss: "meets" counts only --tolerate, and says which sizes halt on a zone loss as information', async () => {
    const r = await size('--orderers', '4,9', '--zones', '3', '--no-measure');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^4 +3f\+1 .* z1 HALT \(2<3\), z2 ok, z3 ok .* yes$/m);
    expect(r.out).toContain('meets: f >= 1 Byzantine (--tolerate).\n');
    expect(r.out).toContain('Zone loss was not asked (add --survive-zone-loss to require it), so "meets" does not count it: 4 halts when its biggest zone is lost, the others go on.');
    const j = JSON.parse((await size('--orderers', '4,9', '--zones', '3', '--no-measure', '--json')).out) as { options: { n: number; meets: boolean; requirements: { id: string; met: boolean }[]; failed: string[] }[] };
    expect(j.options.map((o) => [o.n, o.meets, o.requirements.map((q) => q.id), o.failed])).toEqual([
      [4, true, ['tolerate'], []],
      [9, true, ['tolerate'], []],
    ]);
  });

  it('--tolerate 2 --survive-zone-loss: "meets" names every requirement a size fails', async () => {
    const r = await size('--orderers', '4,7,9', '--zones', '3', '--tolerate', '2', '--survive-zone-loss', '--no-measure');
    expect(r.out).toMatch(/^4 +3f\+1 .* no: f 1<2, z1 loss halts$/m);
    expect(r.out).toMatch(/^7 +3f\+1 .* no: z1 loss halts$/m);
    expect(r.out).toMatch(/^9 +3f\+3 .* yes$/m);
    expect(r.out).toContain('meets: f >= 2 Byzantine (--tolerate) and any one zone lost with ordering going on (--survive-zone-loss).\n');
    expect(r.out).not.toContain('Zone loss was not asked');
  });

  it.each([
    [['--orderers', '4,x'], '--orderers expects comma-separated whole numbers from 1 to 100 (e.g. 4,7,10), got "4,x"'],
    [['--node-availability', '1.5'], '--node-availability expects a number from 0 to 1, got "1.5"'],
    [['--rtt-in-zone', 'fast'], '--rtt-in-zone expects a duration like 500ms, 30s or 10m, got "fast"'],
    [['--zones', '3', '--placement', '2,1,1'], 'give either --zones or --placement, not both'],
    [['--orderers', '7', '--placement', '2,1,1'], '--placement 2,1,1 places 4 orderers but --orderers asks for 7'],
    [['--policy', 'SOME'], '--policy must be one of MAJORITY, ANY, ALL, got "SOME"'],
    [['--zones', '0'], '--zones expects a whole number from 1 to 16, got "0"'],
    [['--tolerate'], '--tolerate needs a value (a whole number from 0 to 33)'],
    [['--frobnicate'], 'unknown option --frobnicate'],
  ])('bad input %j: exit 2 and one line', async (argv, message) => {
    const r = await size(...argv);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toBe(`fabric-bft-sim size: ${message}\n`);
  });

  it('--help prints the usage and exits 0', async () => {
    const r = await size('--help');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Usage: fabric-bft-sim size/);
  });
});
