/**
 * `fabric-bft-sim sweep <name|file>`: one scenario over a list of seeds, orderer counts and
 * topology options, one result row per combination, on worker threads (`--workers`), on a
 * slice of the combinations (`--shard K/N`), or as a Kubernetes Indexed Job that runs
 * the N slices as pods (`--emit-job`). `fabric-bft-sim merge` folds the slices' JSON.
 */
import { createHash } from 'node:crypto';
import { LIMITS, ScenarioError, validateScenario, type Scenario } from '../../scenarios/schema.ts';
import type { TopologySpec } from '../../scenarios/topology.ts';
import { bool, num, parseArgs, str, type CommandSpec } from '../../args/grammar.ts';
import { helpText } from '../../args/help.ts';
import { UsageError, type CliEnv } from '../io.ts';
import { loadScenario } from '../load.ts';
import { runsProgress } from '../../io/progress.ts';
import { checkOutputFile, writeOutput } from '../output.ts';
import { jobName, jobYaml } from '../workers/job.ts';
import { defaultWorkers, MAX_WORKERS, runJob } from '../workers/pool.ts';
import { parseShard, shardIndices, shardLabel, WHOLE } from '../workers/shard.ts';
import type { SweepJob, SweepRow } from '../workers/tasks.ts';
import { parseDuration } from '../../scenarios/duration.ts';

export const SWEEP_SPEC: CommandSpec = {
  name: 'sweep',
  usage: ['<name|file> [options]', '<name|file> --emit-job --image IMAGE --shards N [--results-pvc CLAIM] [--job-name NAME]'],
  description: `Run one scenario (a built-in or a YAML/JSON file) for every combination of seeds, orderer counts and topology options: one result row each, in a fixed order (orderers, then peers per org, dissemination, consensus, then seeds). Exit code 0 iff every row passed. With --emit-job, print a Kubernetes Indexed Job that runs the sweep as --shards pods instead.`,
  flags: {
    seeds: { type: 'string', value: 'LIST', expects: 'seeds like 1..100 or 1,5,9', help: 'seeds: 1..100, 1,5,9 or both (1..10,20)', default: "the scenario's" },
    orderers: { type: 'string', value: 'LIST', expects: 'orderer counts like 4,7,10', help: 'orderer counts, e.g. 4,7,10', default: "the scenario's" },
    'peers-per-org': { type: 'string', value: 'LIST', expects: 'peer counts like 1,2', help: 'peers per org, e.g. 1,2' },
    dissemination: { type: 'list', values: ['deliver', 'gossip'], help: 'block dissemination: deliver, gossip' },
    consensus: { type: 'list', values: ['smartbft', 'raft'], help: 'ordering service: smartbft, raft' },
    'max-wall': { type: 'duration', help: 'wall-clock budget of each run', default: '10m' },
    workers: { type: 'int', min: 1, max: MAX_WORKERS, help: 'worker threads; the rows are the same for any N', default: 'one per core' },
    shard: { type: 'string', value: 'K/N', expects: 'K/N (shard K of N, K from 0)', help: 'only the rows i with i mod N = K (K from 0 to N-1); "fabric-bft-sim merge" folds the N shards\' JSON into the whole sweep\'s' },
    json: { type: 'bool', help: 'print the result as JSON' },
    out: { type: 'string', value: 'FILE', expects: 'a file name (.json)', help: 'write the JSON result to FILE' },
    'exit-zero': { type: 'bool', help: "exit 0 when the sweep ran, even if rows failed (a Job's pods: a failed row is a result, not a failed pod; merge's exit code says)" },
    'emit-job': { type: 'bool', help: 'print a Kubernetes Indexed Job that runs the sweep as --shards pods' },
    image: { type: 'string', value: 'IMAGE', expects: 'a container image', help: 'with --emit-job: the fabric-bft-sim container image the pods run' },
    shards: { type: 'int', min: 1, max: 10_000, help: 'with --emit-job: the number of pods, each one shard' },
    'results-pvc': { type: 'string', value: 'CLAIM', expects: 'a PersistentVolumeClaim name', help: "with --emit-job: a PersistentVolumeClaim for the pods' results" },
    'job-name': { type: 'string', value: 'NAME', expects: 'a Job name', help: 'with --emit-job: the Job\'s name', default: 'from the scenario' },
  },
  examples: ['fabric-bft-sim sweep kill-orderer --seeds 1..100 --orderers 4,7,10 --json', 'fabric-bft-sim sweep kill-orderer --seeds 1..20 --shard 0/2 --json --out shard0.json', 'fabric-bft-sim sweep kill-orderer --seeds 1..1000 --emit-job --image ghcr.io/me/fabric-bft-sim:1 --shards 10'],
};

/** The most rows one sweep may have. */
export const MAX_ROWS = 1_000_000;

function intList(flag: string, raw: string, min: number, max: number): number[] {
  const out: number[] = [];
  const bad = (why: string): never => {
    throw new UsageError(`sweep: --${flag} ${why}, got "${raw}"`);
  };
  for (const part of raw.split(',')) {
    const m = /^(\d+)(?:\.\.(\d+))?$/.exec(part.trim());
    if (m === null) bad('expects numbers and ranges like 1..100,200');
    const a = Number(m?.[1]);
    const b = m?.[2] === undefined ? a : Number(m[2]);
    if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b) || a < min || b > max) bad(`takes values from ${min} to ${max}`);
    if (b < a) bad(`has a range that runs backwards (${part.trim()})`);
    if (out.length + (b - a + 1) > MAX_ROWS) bad(`lists more than ${MAX_ROWS} values`);
    for (let v = a; v <= b; v++) out.push(v);
  }
  if (new Set(out).size !== out.length) bad('lists a value twice');
  return out;
}

/** What identifies a sweep: merge folds only shards whose identities are equal. */
export interface SweepIdentity {
  readonly scenario: string;
  readonly seeds: readonly number[];
  readonly orderers: readonly (number | null)[];
  readonly options: Readonly<Record<string, readonly (string | number)[]>>;
  readonly rows: number;
  /** sha256 of the scenario variants run, so two files of one name are told apart. */
  readonly fingerprint: string;
}

export interface SweepJson {
  readonly sweep: SweepIdentity;
  readonly shard?: string;
  readonly passed: number;
  readonly failed: number;
  readonly rows: readonly SweepRow[];
}

type Axis = { readonly key: 'peersPerOrg' | 'dissemination' | 'consensus'; readonly values: readonly (string | number)[] };

function product(axes: readonly Axis[]): Record<string, string | number>[] {
  let out: Record<string, string | number>[] = [{}];
  for (const a of axes) out = out.flatMap((o) => a.values.map((v) => ({ ...o, [a.key]: v })));
  return out;
}

export async function sweepCommand(argv: readonly string[], env: CliEnv): Promise<number> {
  const p = parseArgs(SWEEP_SPEC, argv);
  if (p.help) {
    env.stdout(helpText(SWEEP_SPEC));
    return 0;
  }
  if (p.positionals.length !== 1) throw new UsageError(`sweep: expects one scenario name or file, got ${p.positionals.length === 0 ? 'none' : p.positionals.join(' ')} (see "fabric-bft-sim sweep --help")`);
  const ref = p.positionals[0] as string;
  const emit = bool(p, 'emit-job');
  for (const f of ['image', 'shards', 'results-pvc', 'job-name']) if (!emit && p.flags[f] !== undefined) throw new UsageError(`sweep: --${f} goes with --emit-job`);
  if (emit) for (const f of ['shard', 'out', 'json', 'exit-zero']) if (p.flags[f] !== undefined) throw new UsageError(`sweep: --${f} is set by the Job (--emit-job) for each pod; leave it out`);
  const seedsRaw = str(p, 'seeds');
  const orderersRaw = str(p, 'orderers');
  const pposRaw = str(p, 'peers-per-org');
  const orderersList: (number | undefined)[] = orderersRaw === undefined ? [undefined] : intList('orderers', orderersRaw, 1, LIMITS.orderers);
  const axes: Axis[] = [];
  if (pposRaw !== undefined) axes.push({ key: 'peersPerOrg', values: intList('peers-per-org', pposRaw, 1, LIMITS.peersPerOrg) });
  const diss = p.flags['dissemination'];
  if (Array.isArray(diss)) axes.push({ key: 'dissemination', values: diss as string[] });
  const cons = p.flags['consensus'];
  if (Array.isArray(cons)) axes.push({ key: 'consensus', values: cons as string[] });
  const maxWall = str(p, 'max-wall') ?? '10m';
  if ('error' in parseDuration(maxWall)) throw new UsageError(`sweep: --max-wall expects a duration like 30s or 10m, got "${maxWall}"`);

  const target = await env.target();
  const validate = target.behaviours ? { behaviours: target.behaviours } : {};
  const variants: Scenario[] = [];
  let defaultSeed: number | undefined;
  for (const orderers of orderersList) {
    const base = loadScenario(env, 'sweep', ref, orderers, validate).scenario;
    defaultSeed ??= base.seed ?? 1;
    for (const opts of product(axes)) {
      const topology = { ...(base.topology ?? {}), ...opts } as TopologySpec;
      const scenario: Scenario = { ...base, topology };
      try {
        variants.push(axes.length === 0 ? scenario : validateScenario(scenario, validate));
      } catch (e) {
        const with_ = Object.entries(opts).map(([k, v]) => `${k}=${v}`).join(', ');
        if (e instanceof ScenarioError) throw new UsageError(`sweep: ${ref} with ${with_}: ${e.message}`);
        throw e;
      }
    }
  }
  const seeds = seedsRaw === undefined ? [defaultSeed ?? 1] : intList('seeds', seedsRaw, 0, 0xffffffff);
  const rows = variants.length * seeds.length;
  if (rows > MAX_ROWS) throw new UsageError(`sweep: ${rows} combinations is more than ${MAX_ROWS}; split the sweep`);
  const identity: SweepIdentity = {
    scenario: ref,
    seeds,
    orderers: orderersList.map((o) => o ?? null),
    options: Object.fromEntries(axes.map((a) => [a.key, a.values])),
    rows,
    fingerprint: createHash('sha256').update(JSON.stringify(variants)).digest('hex').slice(0, 16),
  };

  if (emit) {
    const image = str(p, 'image');
    const shards = num(p, 'shards');
    if (image === undefined) throw new UsageError('sweep: --emit-job needs --image IMAGE (the fabric-bft-sim container image the pods run)');
    if (shards === undefined) throw new UsageError('sweep: --emit-job needs --shards N (the number of pods, each one shard)');
    if (shards > rows) throw new UsageError(`sweep: --shards ${shards} is more than the sweep's ${rows} rows; some pods would have nothing to run`);
    // The pod runs the same sweep: the scenario and the sweep flags as given here.
    const keep = ['seeds', 'orderers', 'peers-per-org', 'dissemination', 'consensus', 'max-wall'];
    const args = [ref];
    for (const k of keep) {
      const v = p.flags[k];
      if (v !== undefined) args.push(`--${k}`, Array.isArray(v) ? v.join(',') : String(v));
    }
    const resultsPvc = str(p, 'results-pvc');
    env.stdout(jobYaml({ name: str(p, 'job-name') ?? jobName(identity.scenario.replace(/^.*[/\\]/, '').replace(/\.(ya?ml|json)$/i, '')), image, args, shards, workers: num(p, 'workers') ?? 1, ...(resultsPvc !== undefined ? { resultsPvc } : {}) }));
    return 0;
  }

  const workers = num(p, 'workers') ?? defaultWorkers();
  const shardRaw = str(p, 'shard');
  const shard = shardRaw === undefined ? WHOLE : parseShard('sweep', shardRaw);
  const json = bool(p, 'json');
  const outPath = str(p, 'out');
  if (outPath !== undefined) checkOutputFile(env, 'sweep', 'out', outPath);
  const mine = shardIndices(rows, shard).length;
  const job: SweepJob = { kind: 'sweep', variants, seeds, maxWall };
  const where = shardRaw === undefined ? '' : ` shard ${shardLabel(shard)}:`;
  if (!json) env.stderr(`sweep:${where} ${mine} runs of ${ref}${workers > 1 && mine > 1 ? ` on ${Math.min(workers, mine)} workers` : ''}\n`);
  let done = 0;
  const progress = runsProgress(env, json, `sweep:${where}`, mine);
  const started = env.wallMs();
  const run = await runJob(job, rows, shard, {
    workers,
    target,
    onResult: () => progress.ran(++done),
  });
  progress.end();
  const wall = env.wallMs() - started;
  // Asked for threads: say how many took part (not by default, so the output is the same on any machine).
  if (!json && workers > 1 && mine > 1 && p.flags['workers'] !== undefined) env.stderr(`sweep:${where} ran on ${run.threads} threads: ${run.here} runs in the main one, ${run.results.length - run.here} in worker threads\n`);
  const rowsOut = run.results.map((r) => r.row as SweepRow);
  const failed = rowsOut.filter((r) => !r.passed).length;
  const body: SweepJson = { sweep: identity, ...(shardRaw !== undefined ? { shard: shardLabel(shard) } : {}), passed: rowsOut.length - failed, failed, rows: rowsOut };
  const text = `${JSON.stringify(body, null, 2)}\n`;
  if (outPath !== undefined) writeOutput(env, 'sweep', 'out', outPath, text);
  if (json) env.stdout(text);
  else env.stdout(sweepTable(body, wall));
  return failed === 0 || bool(p, 'exit-zero') ? 0 : 1;
}

/** The rows as a table, then the totals and each failed row's replay command (the first 10). */
export function sweepTable(body: SweepJson, wallMs?: number): string {
  const optionKeys = Object.keys(body.sweep.options);
  const head = ['seed', 'orderers', ...optionKeys, 'result', 'steps', 'checks', 'simulated', 'trace'];
  const lines = body.rows.map((r) => [String(r.seed), String(r.orderers), ...optionKeys.map((k) => String(r.options[k] ?? '')), r.passed ? '✓ pass' : `✗ ${r.verdict === 'passed' ? 'failed' : r.verdict}`, r.steps, r.checks, `${(r.simulatedMs / 1000).toFixed(1)}s`, r.traceHash ?? '-']);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const fmt = (cells: readonly string[]): string => `  ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')}`.trimEnd();
  const failedRows = body.rows.filter((r) => !r.passed);
  const out = [`Sweep of ${body.sweep.scenario}${body.shard !== undefined ? ` (shard ${body.shard})` : ''}`, fmt(head), ...lines.map(fmt), ''];
  out.push(`sweep: ${body.rows.length} runs, ${body.passed} passed, ${body.failed} failed${wallMs !== undefined ? ` (${(wallMs / 1000).toFixed(1)}s)` : ''}`);
  for (const r of failedRows.slice(0, 10)) {
    const opts = Object.entries(r.options).filter(([k]) => optionKeys.includes(k));
    out.push(`  ${r.failure ?? ''}`);
    out.push(`  replay: fabric-bft-sim sweep ${body.sweep.scenario} --seeds ${r.seed}${body.sweep.orderers[0] !== null ? ` --orderers ${r.orderers}` : ''}${opts.map(([k, v]) => ` --${k === 'peersPerOrg' ? 'peers-per-org' : k} ${v}`).join('')}`);
  }
  if (failedRows.length > 10) out.push(`  ... and ${failedRows.length - 10} more failed rows (--json lists them all)`);
  return out.join('\n') + '\n';
}
