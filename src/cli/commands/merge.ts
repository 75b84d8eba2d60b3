/**
 * `fabric-bft-sim merge FILE...`: folds the JSON results of the shards of one sweep
 * (`sweep ... --shard K/N --json`) or one check (`check ... --shard K/N --json`) into the
 * result the whole run prints in one process, byte for byte for a sweep. Shards from
 * different runs, a shard given twice or a shard missing are refused (exit 2, one line).
 */
import { bool, parseArgs, str, type CommandSpec } from '../../args/grammar.ts';
import { helpText } from '../../args/help.ts';
import { FileReadError } from '../../io/files.ts';
import { UsageError, type CliEnv } from '../io.ts';
import { checkOutputFile, writeOutput } from '../output.ts';
import type { SweepRow } from '../workers/tasks.ts';
import { sweepTable, type SweepIdentity, type SweepJson } from './sweep.ts';

export const MERGE_SPEC: CommandSpec = {
  name: 'merge',
  usage: ['FILE... [options]'],
  description: `Fold the JSON of the N shards of one sweep or one check run (each written by "sweep ... --shard K/N --json" or "check ... --shard K/N --json", on this machine or as the pods of "sweep --emit-job") into the result of the whole run: for a sweep the rows of every shard in order; for a check the lowest failing schedule over all shards, shrunk by the shard that ran it. Files from different runs, or a missing or repeated shard, are an error. Exit code 0 iff the whole run passed.`,
  flags: {
    json: { type: 'bool', help: 'print the merged result as JSON (what the whole run\'s --json prints)' },
    out: { type: 'string', value: 'FILE', expects: 'a file name (.json)', help: 'also write the merged JSON to FILE' },
  },
  examples: ['fabric-bft-sim merge shard0.json shard1.json', 'fabric-bft-sim merge results/*.json --json --out sweep.json'],
};

interface CheckShardJson {
  readonly passed: boolean;
  readonly runs: number;
  readonly seed: number;
  readonly shard: string;
  readonly job: Readonly<Record<string, unknown>>;
  readonly ran: number;
  readonly failureIndex: number | null;
  readonly path?: string;
  readonly file?: string;
  readonly failure?: string | null;
  readonly scenario?: unknown;
}

type Loaded = { readonly file: string; readonly kind: 'sweep'; readonly shard: [number, number]; readonly body: SweepJson } | { readonly file: string; readonly kind: 'check'; readonly shard: [number, number]; readonly body: CheckShardJson };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function shardOf(file: string, raw: unknown): [number, number] {
  if (raw === undefined) return [0, 1];
  const m = typeof raw === 'string' ? /^(\d+)\/(\d+)$/.exec(raw) : null;
  if (m === null || Number(m[1]) >= Number(m[2])) throw new UsageError(`merge: ${file}: "shard" is not K/N`);
  return [Number(m[1]), Number(m[2])];
}

function load(env: CliEnv, file: string): Loaded {
  let text: string;
  try {
    text = env.readFile(file);
  } catch (e) {
    if (e instanceof FileReadError) throw new UsageError(`merge: ${file} ${e.problem}`);
    throw new UsageError(`merge: cannot read ${file}: ${(e as Error).message.split('\n')[0] ?? ''}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new UsageError(`merge: ${file} is not JSON (give the output of "sweep --json" or "check --shard K/N --json")`);
  }
  if (isObject(data) && isObject(data['sweep']) && Array.isArray(data['rows'])) return { file, kind: 'sweep', shard: shardOf(file, data['shard']), body: data as unknown as SweepJson };
  if (isObject(data) && isObject(data['job']) && typeof data['shard'] === 'string' && typeof data['ran'] === 'number') return { file, kind: 'check', shard: shardOf(file, data['shard']), body: data as unknown as CheckShardJson };
  throw new UsageError(`merge: ${file} is not the JSON of a sweep or of a check shard (written by "sweep --json" or "check --shard K/N --json")`);
}

/** Every shard of one run, once: same identity, same N, K = 0 .. N-1. */
function checkShards(loaded: readonly Loaded[], identity: (l: Loaded) => string): void {
  const first = loaded[0] as Loaded;
  const id = identity(first);
  const n = first.shard[1];
  const seen = new Map<number, string>();
  for (const l of loaded) {
    if (l.kind !== first.kind) throw new UsageError(`merge: ${l.file} is a ${l.kind} and ${first.file} a ${first.kind}; merge the shards of one run`);
    if (identity(l) !== id) throw new UsageError(`merge: ${l.file} is from a different ${l.kind} than ${first.file} (its scenario, seeds or options differ); merge the shards of one run`);
    if (l.shard[1] !== n) throw new UsageError(`merge: ${l.file} is shard ${l.shard[0]}/${l.shard[1]} and ${first.file} one of ${n}; merge the shards of one split`);
    const dup = seen.get(l.shard[0]);
    if (dup !== undefined) throw new UsageError(`merge: ${l.file} and ${dup} are both shard ${l.shard[0]}/${n}`);
    seen.set(l.shard[0], l.file);
  }
  const missing = Array.from({ length: n }, (_, k) => k).filter((k) => !seen.has(k));
  if (missing.length > 0) throw new UsageError(`merge: shard${missing.length > 1 ? 's' : ''} ${missing.slice(0, 10).map((k) => `${k}/${n}`).join(', ')}${missing.length > 10 ? ', ...' : ''} missing (have ${loaded.length} of ${n})`);
}

function mergeSweep(loaded: readonly Loaded[]): SweepJson {
  const identity = (loaded[0] as Extract<Loaded, { kind: 'sweep' }>).body.sweep as SweepIdentity;
  const rows: SweepRow[] = loaded.flatMap((l) => (l.kind === 'sweep' ? l.body.rows : [])).sort((a, b) => a.index - b.index);
  if (rows.length !== identity.rows || rows.some((r, i) => r.index !== i)) throw new UsageError(`merge: the shards hold ${rows.length} rows, not the sweep's ${identity.rows} once each; was a shard cut short?`);
  const failed = rows.filter((r) => !r.passed).length;
  return { sweep: identity, passed: rows.length - failed, failed, rows };
}

function mergeCheck(loaded: readonly Loaded[]): Record<string, unknown> {
  const shards = loaded.map((l) => l.body as CheckShardJson);
  const job = (shards[0] as CheckShardJson).job;
  const seed = (shards[0] as CheckShardJson).seed;
  const failing = shards.filter((s) => s.failureIndex !== null).sort((a, b) => (a.failureIndex as number) - (b.failureIndex as number))[0];
  if (failing === undefined) return { passed: true, runs: job['runs'], seed };
  const { shard: _s, job: _j, ran: _r, failureIndex, runs: _runs, passed: _p, ...rest } = failing;
  return { passed: false, runs: (failureIndex as number) + 1, ...rest };
}

export async function mergeCommand(argv: readonly string[], env: CliEnv): Promise<number> {
  const p = parseArgs(MERGE_SPEC, argv);
  if (p.help) {
    env.stdout(helpText(MERGE_SPEC));
    return 0;
  }
  if (p.positionals.length === 0) throw new UsageError('merge: give the JSON files of the shards to fold (see "fabric-bft-sim merge --help")');
  const outPath = str(p, 'out');
  if (outPath !== undefined) checkOutputFile(env, 'merge', 'out', outPath);
  const loaded = p.positionals.map((f) => load(env, f));
  checkShards(loaded, (l) => JSON.stringify(l.kind === 'sweep' ? l.body.sweep : { job: l.body.job, seed: l.body.seed }));
  const merged = (loaded[0] as Loaded).kind === 'sweep' ? mergeSweep(loaded) : mergeCheck(loaded);
  const text = `${JSON.stringify(merged, null, 2)}\n`;
  if (outPath !== undefined) writeOutput(env, 'merge', 'out', outPath, text);
  const passed = 'rows' in merged ? (merged as SweepJson).failed === 0 : merged['passed'] === true;
  if (bool(p, 'json')) env.stdout(text);
  else if ('rows' in merged) env.stdout(sweepTable(merged as SweepJson));
  else {
    const m = merged as { runs: number; seed: number; path?: string; failure?: string; file?: string };
    env.stdout(passed ? `check: ${m.runs} schedules passed (seed ${m.seed}; ${loaded.length} shards merged)\n` : `check: FAILED after ${m.runs} schedules (seed ${m.seed}, path ${m.path ?? '?'}; ${loaded.length} shards merged)\n  ${m.failure ?? ''}\n${m.file !== undefined ? `  shrunk schedule written to ${m.file} by the shard that ran it\nreplay: fabric-bft-sim run ${m.file}\n` : ''}`);
  }
  return passed ? 0 : 1;
}
