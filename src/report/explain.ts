/**
 * `fabric-bft-sim explain quorum --orderers N`: the quorum argument of the report's
 * quorum panel, as terminal text. The numbers come from SmartBFT's own quorum function
 * (src/sim/consensus/quorum.ts, mirroring internal/bft/util.go computeQuorum).
 */
import { bool, num, parseArgs, usageLine, UsageError, type CommandSpec } from '../args/grammar.ts';
import { helpText } from '../args/help.ts';
import { computeQuorum } from '../sim/consensus/quorum.ts';

/** Smallest n that tolerates f faults (3f + 1). */
function smallestFor(f: number): number {
  return 3 * f + 1;
}

/** A row of n boxes, `#` for members of a quorum and `.` for the others. */
function row(n: number, member: (i: number) => boolean): string {
  const cells: string[] = [];
  for (let i = 0; i < n; i++) cells.push(member(i) ? String(i + 1).padStart(2) : ' .');
  return cells.join(' ');
}

/** The quorum argument for n orderers, as a few short paragraphs and a small drawing. */
export function explainQuorum(n: number): string {
  const { f, q } = computeQuorum(n);
  const inter = 2 * q - n;
  const lines: string[] = [];
  lines.push(`SmartBFT quorum for n = ${n} orderer${n === 1 ? '' : 's'}`);
  lines.push('');
  lines.push(`  f = floor((n - 1) / 3) = floor(${n - 1} / 3) = ${f}     faulty orderers tolerated`);
  lines.push(`  Q = ceil((n + f + 1) / 2) = ceil(${n + f + 1} / 2) = ${q}   signatures to decide a block`);
  lines.push('');
  if (n <= 12) {
    lines.push('  Two quorums, as far apart as they can be:');
    lines.push(`    Q1   ${row(n, (i) => i < q)}`);
    lines.push(`    Q2   ${row(n, (i) => i >= n - q)}`);
    lines.push(`    both ${row(n, (i) => i < q && i >= n - q)}`);
    lines.push('');
  }
  lines.push(`Safety: any two quorums share at least 2Q - n = ${2 * q} - ${n} = ${inter} orderer${inter === 1 ? '' : 's'}.`);
  if (f > 0) {
    lines.push(
      `  That is >= f + 1 = ${f + 1}: at most ${f} of them can be faulty, so at least one honest orderer`,
      '  is in both, and an honest orderer never signs two different blocks at one height.',
      '  Two conflicting blocks can therefore never both gather Q signatures.',
    );
  } else {
    lines.push('  With f = 0 nothing is tolerated: one faulty orderer can stop or fork the channel.');
  }
  lines.push('');
  lines.push(`Liveness: with f = ${f} orderer${f === 1 ? '' : 's'} down, n - f = ${n - f} remain, which is ${n - f >= q ? '>=' : '<'} Q = ${q}, so the others ${n - f >= q ? 'still decide' : 'cannot decide'}.`);
  lines.push(`  With f + 1 = ${f + 1} down, ${n - f - 1} remain ${n - f - 1 >= q ? '(still >= Q)' : `(< Q = ${q}): block production stops until one returns`}.`);
  lines.push('');
  const r = n % 3;
  if (r === 1) {
    lines.push(`n = 3f + 1 = ${n}: the smallest cluster for f = ${f}; Q = n - f = ${q}.`);
    lines.push(`  Adding orderers up to n = ${n + 2} keeps f = ${f}; the next size that tolerates ${f + 1} fault${f + 1 === 1 ? '' : 's'} is n = ${smallestFor(f + 1)}.`);
  } else if (r === 2) {
    lines.push(`n = 3f + 2 = ${n}: one orderer more than 3f + 1 = ${smallestFor(f)}, same f = ${f}; Q = n - f = ${q}.`);
    lines.push(`  More nodes, no more tolerance: each block now needs ${q} signatures instead of ${computeQuorum(smallestFor(f)).q}; f + 1 = ${f + 1} faults need n = ${smallestFor(f + 1)}.`);
  } else {
    lines.push(`n = 3f + 3 = ${n}: two orderers more than 3f + 1 = ${smallestFor(f)}, same f = ${f}; Q = n - f - 1 = ${q}.`);
    lines.push(
      `  More nodes, no more Byzantine tolerance: ${f + 1} crashed orderers still leave n - f - 1 = ${n - f - 1} = Q live,`,
      `  but ${f + 1} Byzantine orderers could fill the whole ${inter}-orderer intersection of two quorums; tolerating`,
      `  f + 1 = ${f + 1} Byzantine faults needs n = ${smallestFor(f + 1)}.`,
    );
  }
  return lines.join('\n') + '\n';
}

/** Where the command writes (the CLI's `CliEnv` has this shape). */
export interface ExplainIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

export const EXPLAIN_SPEC: CommandSpec = {
  name: 'explain',
  usage: ['quorum [--orderers N]'],
  description: "Explain SmartBFT's quorum math for n orderers: f, the quorum Q, why two quorums always share an honest orderer (safety), how many orderers may be down with blocks still decided (liveness), and what one more or one fewer orderer changes. The only topic is \"quorum\". The numbers come from SmartBFT's own quorum function (computeQuorum).",
  flags: {
    orderers: { type: 'int', min: 1, max: 1_000_000, short: 'n', help: 'number of orderers', default: "4, the lab's certchain" },
    json: { type: 'bool', help: 'the numbers (n, f, Q, the quorums\' intersection) and the text, as JSON' },
  },
  examples: ['fabric-bft-sim explain quorum', 'fabric-bft-sim explain quorum --orderers 7', 'fabric-bft-sim explain quorum -n 10 --json'],
};

/**
 * `explain` for the CLI dispatcher: `argv` are the arguments after `explain`
 * (`['quorum', '--orderers', '4']`). Exit 0 on success, 2 on bad input (one-line error).
 */
export async function runExplainCommand(argv: readonly string[], io: ExplainIo): Promise<number> {
  try {
    const p = parseArgs(EXPLAIN_SPEC, argv);
    if (p.help) {
      io.stdout(helpText(EXPLAIN_SPEC));
      return 0;
    }
    const [topic, ...extra] = p.positionals;
    if (topic === 'help') {
      io.stdout(helpText(EXPLAIN_SPEC));
      return 0;
    }
    if (topic !== 'quorum') throw new UsageError(topic === undefined ? 'missing topic (the only topic is "quorum")' : `unknown topic "${topic}" (the only topic is "quorum")`);
    if (extra.length > 0) throw new UsageError(`quorum takes no more arguments, got "${extra.join(' ')}"`);
    const n = num(p, 'orderers') ?? 4;
    const text = explainQuorum(n);
    if (bool(p, 'json')) {
      const { f, q } = computeQuorum(n);
      io.stdout(`${JSON.stringify({ topic: 'quorum', orderers: n, f, quorum: q, intersection: 2 * q - n, text }, null, 2)}\n`);
    } else io.stdout(text);
    return 0;
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr(`${usageLine('explain', e.message)}\n`);
    return 2;
  }
}
