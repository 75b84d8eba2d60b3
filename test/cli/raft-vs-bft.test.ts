/** `run raft-vs-bft`: the same faults on Raft and SmartBFT, through main(). */
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { testEnv } from './env.ts';

async function cli(argv: string[]) {
  const env = testEnv();
  const code = await main(argv, env);
  return { code, out: env.out(), err: env.err() };
}

describe('run raft-vs-bft', () => {
  it('is listed by "scenarios" with a one-line description', async () => {
    const r = await cli(['scenarios']);
    expect(r.out).toMatch(/^ {2}raft-vs-bft\s+The same faults .* on Raft and on SmartBFT.* \(--orderers >= 4\)$/m);
  });

  it('prints the comparison: the Raft fork and forged block, SmartBFT safe; exit 0', async () => {
    const r = await cli(['run', 'raft-vs-bft']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('Raft vs SmartBFT, 4 orderers, seed 1');
    expect(r.out).toContain('[x] equivocation: Raft forks (agreement broken)');
    expect(r.out).toContain('[x] corrupt block: Raft writes the forged transaction (validity broken)');
    expect(r.out).toContain('[x] equivocation: SmartBFT does not fork');
    expect(r.out).toMatch(/^PASSED: /m);
  });

  it('--json --orderers 7 --seed 3: the result object, every expectation met', async () => {
    const r = await cli(['run', 'raft-vs-bft', '--json', '--orderers', '7', '--seed', '3']);
    expect(r.code).toBe(0);
    type Part = { n: number; seed: number; passed: boolean; expectations: { met: boolean }[]; outcomes: unknown[] };
    const result = JSON.parse(r.out) as { passed: boolean; consensus: Part; network: Part };
    expect(result.passed).toBe(true);
    expect(result.consensus).toMatchObject({ n: 7, seed: 3, passed: true });
    expect(result.consensus.outcomes).toHaveLength(6);
    expect(result.network).toMatchObject({ n: 7, seed: 3, passed: true });
    expect(result.network.outcomes).toHaveLength(4);
    expect([...result.consensus.expectations, ...result.network.expectations].every((e) => e.met)).toBe(true);
  });

  it.each([
    [['--logs', 'x'], 'run: --logs does not apply to raft-vs-bft (a comparison, not a scenario run); it takes --orderers, --seed and --json'],
    [['--trace', 't.jsonl'], 'run: --trace does not apply to raft-vs-bft (a comparison, not a scenario run); it takes --orderers, --seed and --json'],
    [['--report', 'r.html'], 'run: --report does not apply to raft-vs-bft (a comparison, not a scenario run); it takes --orderers, --seed and --json'],
    [['--check-determinism'], 'run: --check-determinism does not apply to raft-vs-bft (a comparison, not a scenario run); it takes --orderers, --seed and --json'],
    [['--orderers', '3'], 'run: raft-vs-bft needs --orderers >= 4 (SmartBFT needs 3f+1 with f >= 1), got 3'],
  ])('run raft-vs-bft %j: one line, exit 2', async (flags, message) => {
    const r = await cli(['run', 'raft-vs-bft', ...flags]);
    expect(r).toEqual({ code: 2, out: '', err: `fabric-bft-sim ${message}\n` });
  });

  it('"scenarios raft-vs-bft" says it is not a document; a typo suggests it', async () => {
    expect((await cli(['scenarios', 'raft-vs-bft'])).err).toBe(
      'fabric-bft-sim scenarios: raft-vs-bft is a comparison run on the kernel, not a scenario document; run it with "fabric-bft-sim run raft-vs-bft"\n',
    );
    expect((await cli(['run', 'raft-vs-btf'])).err).toContain('(did you mean raft-vs-bft?)');
  });
});
