/**
 * `npm run soak`: the long search CI runs after `npm test`, on the real simulator.
 *
 * - `--part check`: `fabric-bft-sim check` with every fault kind, over several seeds
 *   (`--schedules` in all, default 3000);
 * - `--part builtins`: every built-in scenario over seeds 1..`--seeds` (default 300);
 * - `--part all` (default): both.
 *
 * Seeds are fixed (`--seed-base`, default 1), so a CI failure replays exactly; the
 * failure's replay command is printed. `--seed-base random` explores new ground (the base
 * chosen is printed). Ends with one line `N passed, N failed` (one per schedule or run).
 */
import { main } from '../src/cli/main.ts';
import { execute } from '../src/cli/execute.ts';
import { processEnv, type CliEnv } from '../src/cli/io.ts';
import { simTarget } from '../src/cli/targets.ts';
import { BUILTINS } from '../src/scenarios/builtins/index.ts';

interface Options {
  part: 'check' | 'builtins' | 'all';
  schedules: number;
  seeds: number;
  seedBase: number;
}

const CHECK_BATCH = 250;

function parse(argv: readonly string[]): Options {
  const o: Options = { part: 'all', schedules: 3000, seeds: 300, seedBase: 1 };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = (argv[i] ?? '').split('=', 2) as [string, string | undefined];
    const value = inline ?? argv[++i];
    const bad = (): never => {
      process.stderr.write(`soak: ${flag} ${value ?? ''}: expected --part check|builtins|all, --schedules N, --seeds N, --seed-base N|random\n`);
      process.exit(2);
    };
    if (value === undefined) bad();
    if (flag === '--part' && (value === 'check' || value === 'builtins' || value === 'all')) o.part = value;
    else if (flag === '--schedules' && /^\d+$/.test(value as string)) o.schedules = Number(value);
    else if (flag === '--seeds' && /^\d+$/.test(value as string)) o.seeds = Number(value);
    else if (flag === '--seed-base' && value === 'random') o.seedBase = 1 + Math.floor(Math.random() * 1_000_000);
    else if (flag === '--seed-base' && /^\d+$/.test(value as string)) o.seedBase = Number(value);
    else bad();
  }
  return o;
}

/** check in batches of CHECK_BATCH schedules, one fast-check seed per batch. */
async function soakCheck(o: Options): Promise<{ passed: number; failed: number }> {
  let passed = 0;
  let failed = 0;
  for (let done = 0, batch = 0; done < o.schedules; batch++) {
    const runs = Math.min(CHECK_BATCH, o.schedules - done);
    const seed = o.seedBase * 1000 + batch;
    const out: string[] = [];
    const env: CliEnv = { ...processEnv(), stdout: (t) => void out.push(t), stderr: () => undefined, stderrTty: false };
    const file = `/tmp/fabric-bft-sim-soak-${process.pid}-${seed}.yaml`;
    // One worker: CI runs the soak's two parts side by side on the two cores.
    const code = await main(['check', '--runs', String(runs), '--seed', String(seed), '--workers', '1', '--out', file], env);
    done += runs;
    if (code === 0) {
      passed += runs;
      process.stdout.write(`soak check: seed ${seed}: ${runs} schedules passed\n`);
    } else {
      // fast-check stops at the first failure: the schedules before it passed.
      const ran = Number(/FAILED after (\d+) schedules/.exec(out.join(''))?.[1] ?? runs);
      passed += ran - 1;
      failed += 1;
      process.stdout.write(`soak check: seed ${seed}: FAILED\n${out.join('').replace(/^/gm, '  ')}  (the shrunk schedule is in ${file}; reproduce with: fabric-bft-sim check --runs ${runs} --seed ${seed})\n`);
    }
  }
  return { passed, failed };
}

async function soakBuiltins(o: Options): Promise<{ passed: number; failed: number }> {
  let passed = 0;
  let failed = 0;
  const target = simTarget();
  for (const b of BUILTINS) {
    const scenario = b.build({});
    let mine = 0;
    for (let s = 0; s < o.seeds; s++) {
      const seed = o.seedBase + s;
      let why: string | undefined;
      try {
        const r = await execute(target, scenario, { seed, maxWall: '2m' });
        if (!r.passed) why = [r.verdict, ...r.steps.filter((x) => !x.ok).map((x) => `${x.name}: ${x.error ?? ''}`), ...r.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`)].join('; ');
      } catch (e) {
        why = e instanceof Error ? e.message : String(e);
      }
      if (why === undefined) {
        passed++;
        mine++;
      } else {
        failed++;
        process.stdout.write(`soak builtins: ${b.name} seed ${seed}: FAILED: ${why.split('\n')[0] ?? ''}\n  replay: fabric-bft-sim run ${b.name} --seed ${seed}\n`);
      }
    }
    process.stdout.write(`soak builtins: ${b.name}: ${mine}/${o.seeds} seeds passed\n`);
  }
  return { passed, failed };
}

const o = parse(process.argv.slice(2));
process.stdout.write(`soak: part ${o.part}, seed base ${o.seedBase}\n`);
const results = [];
if (o.part !== 'builtins') results.push(await soakCheck(o));
if (o.part !== 'check') results.push(await soakBuiltins(o));
const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exit(failed === 0 ? 0 : 1);
