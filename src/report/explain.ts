/**
 * `fabric-bft-sim explain quorum --orderers N`: the quorum argument of the report's
 * quorum panel, as terminal text. The numbers come from SmartBFT's own quorum function
 * (src/sim/consensus/quorum.ts, mirroring internal/bft/util.go computeQuorum).
 */
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

const USAGE = 'usage: fabric-bft-sim explain quorum --orderers N   (N an integer >= 1; default 4, the lab\'s certchain)';

/**
 * `explain` for the CLI dispatcher: `argv` are the arguments after `explain`
 * (`['quorum', '--orderers', '4']`). Exit 0 on success, 2 on bad input (one-line error).
 */
export async function runExplainCommand(argv: readonly string[], io: ExplainIo): Promise<number> {
  const fail = (msg: string): number => {
    io.stderr(`fabric-bft-sim explain: ${msg} (${USAGE})\n`);
    return 2;
  };
  const [topic, ...rest] = argv;
  if (topic === '--help' || topic === '-h' || topic === 'help') {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  if (topic !== 'quorum') return fail(topic === undefined ? 'missing topic (the only topic is "quorum")' : `unknown topic "${topic}" (the only topic is "quorum")`);
  let raw: string | undefined = '4';
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i] as string;
    if (a === '--orderers' || a === '-n') {
      raw = rest[++i];
      if (raw === undefined) return fail(`${a} needs a value`);
    } else if (a.startsWith('--orderers=')) {
      raw = a.slice('--orderers='.length);
    } else if (a === '--help' || a === '-h') {
      io.stdout(`${USAGE}\n`);
      return 0;
    } else {
      return fail(`unknown option "${a}"`);
    }
  }
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) return fail(`--orderers must be an integer >= 1, got "${raw}"`);
  io.stdout(explainQuorum(n));
  return 0;
}
