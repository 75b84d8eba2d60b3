import { describe, expect, it } from 'vitest';
import { computeQuorum } from '../../src/sim/consensus/quorum.ts';
import { explainQuorum, runExplainCommand } from '../../src/report/explain.ts';

function capture(): { io: { stdout: (s: string) => void; stderr: (s: string) => void }; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (s) => void out.push(s), stderr: (s) => void err.push(s) }, out, err };
}

describe('explain quorum', () => {
  it('n = 4 (3f+1): f = 1, Q = 3, two quorums share 2 = f+1 orderers, drawn', () => {
    const text = explainQuorum(4);
    expect(text).toContain('f = floor((n - 1) / 3) = floor(3 / 3) = 1');
    expect(text).toContain('Q = ceil((n + f + 1) / 2) = ceil(6 / 2) = 3');
    expect(text).toContain('share at least 2Q - n = 6 - 4 = 2 orderers');
    expect(text).toContain('    both  .  2  3  .');
    expect(text).toContain('n = 3f + 1 = 4: the smallest cluster for f = 1');
  });

  it('n = 5 (3f+2) and n = 6 (3f+3): more nodes, no more tolerance', () => {
    expect(explainQuorum(5)).toContain('n = 3f + 2 = 5: one orderer more than 3f + 1 = 4, same f = 1; Q = n - f = 4.');
    expect(explainQuorum(5)).toContain('More nodes, no more tolerance');
    const six = explainQuorum(6);
    expect(six).toContain('n = 3f + 3 = 6: two orderers more than 3f + 1 = 4, same f = 1; Q = n - f - 1 = 4.');
    expect(six).toContain('More nodes, no more Byzantine tolerance');
    expect(six).toContain('needs n = 7');
  });

  it('states f and Q exactly as computeQuorum for n = 1..40', () => {
    for (let n = 1; n <= 40; n++) {
      const { f, q } = computeQuorum(n);
      const text = explainQuorum(n);
      expect(text).toContain(`= ${f}     faulty orderers tolerated`);
      expect(text).toContain(`= ${q}   signatures to decide a block`);
      expect(text).toContain(`share at least 2Q - n = ${2 * q} - ${n} = ${2 * q - n} orderer`);
    }
  });

  it('n = 1..3: says plainly that nothing is tolerated', () => {
    for (const n of [1, 2, 3]) expect(explainQuorum(n)).toContain('With f = 0 nothing is tolerated');
  });
});

describe('fabric-bft-sim explain (CLI entry)', () => {
  it('explain quorum --orderers 7 prints the argument and exits 0', async () => {
    const c = capture();
    expect(await runExplainCommand(['quorum', '--orderers', '7'], c.io)).toBe(0);
    expect(c.out.join('')).toBe(explainQuorum(7));
    expect(c.err).toEqual([]);
  });

  it('accepts --orderers=N and defaults to the lab\'s 4 orderers', async () => {
    const a = capture();
    expect(await runExplainCommand(['quorum', '--orderers=10'], a.io)).toBe(0);
    expect(a.out.join('')).toBe(explainQuorum(10));
    const b = capture();
    expect(await runExplainCommand(['quorum'], b.io)).toBe(0);
    expect(b.out.join('')).toBe(explainQuorum(4));
  });

  it.each([
    [['quorum', '--orderers', '0'], '--orderers expects a whole number from 1 to 1000000, got "0"'],
    [['quorum', '--orderers', 'four'], '--orderers expects a whole number from 1 to 1000000, got "four"'],
    [['quorum', '--orderers'], '--orderers needs a value'],
    [['quorum', '--nodes', '4'], 'unknown option --nodes'],
    [['leader'], 'unknown topic "leader"'],
    [[], 'missing topic'],
  ])('bad input %j: one-line error, exit 2', async (argv, message) => {
    const c = capture();
    expect(await runExplainCommand(argv, c.io)).toBe(2);
    expect(c.out).toEqual([]);
    const lines = c.err.join('').trimEnd().split('\n');
    expect(lines.length).toBe(1);
    const first = lines[0] ?? '';
    expect(first.startsWith('fabric-bft-sim explain: ')).toBe(true);
    expect(first).toContain(message);
  });
});
