/**
 * `--workers N` (src/cli/workers): the same result for any N, in the same order. On the
 * real simulator a sweep and a check run in worker threads and in this thread and print
 * the same JSON; on the test fake (which fails every partition) the lowest failing
 * schedule is shrunk to what one sequential fast-check run shrinks it to.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { isSimTarget, simTarget } from '../../src/cli/targets.ts';
import { runJob } from '../../src/cli/workers/pool.ts';
import { parseShard, shardIndices } from '../../src/cli/workers/shard.ts';
import { checkArbitrary, checkAttempt, passedOf, type CheckJob } from '../../src/cli/workers/tasks.ts';
import { fakeTarget, testEnv } from './env.ts';

async function cli(argv: string[], target = fakeTarget()) {
  const env = testEnv({}, target);
  const code = await main(argv, env);
  return { code, out: env.out(), err: env.err(), env };
}

describe('--workers: one thread or several, one result', () => {
  it('a sweep on the simulator: 2 worker threads print the JSON one thread prints', async () => {
    const argv = ['sweep', 'kill-orderer', '--seeds', '1..3', '--orderers', '4,5', '--json'];
    const one = await cli([...argv, '--workers', '1'], simTarget());
    const two = await cli([...argv, '--workers', '2'], simTarget());
    expect(one.code, one.err).toBe(0);
    expect(two.code, two.err).toBe(0);
    expect(two.out).toBe(one.out);
    // The rows really ran on two threads: a worker thread started, loaded the model and finished.
    const text = await cli(argv.filter((a) => a !== '--json').concat('--workers', '2'), simTarget());
    expect(text.code, text.err).toBe(0);
    expect(text.err).toMatch(/^sweep: ran on 2 threads: \d+ runs in the main one, \d+ in worker threads$/m);
    const body = JSON.parse(one.out) as { rows: { index: number; seed: number; orderers: number; traceHash: string }[] };
    expect(body.rows.map((r) => [r.index, r.orderers, r.seed])).toEqual([[0, 4, 1], [1, 4, 2], [2, 4, 3], [3, 5, 1], [4, 5, 2], [5, 5, 3]]);
    // Row 0 is `run kill-orderer --seed 1`: the same trace hash as that run.
    const run = await cli(['run', 'kill-orderer', '--seed', '1', '--json'], simTarget());
    expect(body.rows[0]?.traceHash).toBe((JSON.parse(run.out) as { traceHash: string }).traceHash);
  }, 120_000);

  it('a check on the simulator: 2 worker threads print the JSON one thread prints', async () => {
    const argv = ['check', '--runs', '16', '--seed', '11', '--json'];
    const one = await cli([...argv, '--workers', '1'], simTarget());
    const two = await cli([...argv, '--workers', '2'], simTarget());
    expect(one.code, one.err).toBe(0);
    expect(two.out).toBe(one.out);
    expect(JSON.parse(two.out)).toEqual({ passed: true, runs: 16, seed: 11 });
    // Two threads took part (before the fix the check ran in this thread alone, whatever --workers said).
    const text = await cli(['check', '--runs', '16', '--seed', '11', '--workers', '2'], simTarget());
    expect(text.code, text.err).toBe(0);
    const [, here, there] = /^check: ran on 2 threads: (\d+) schedules in the main one, (\d+) in worker threads$/m.exec(text.err) ?? [];
    expect(Number(here) + Number(there)).toBe(16);
    expect(text.out).toBe('check: 16 schedules passed (seed 11)\n');
  }, 120_000);

  it('size: 2 worker threads measure the columns one thread measures, in the same order', async () => {
    const argv = ['size', '--orderers', '4,5,7', '--zones', '2', '--json'];
    const one = await cli([...argv, '--workers', '1']);
    const two = await cli([...argv, '--workers', '2']);
    expect(one.code, one.err).toBe(0);
    expect(two.code, two.err).toBe(0);
    expect(two.out).toBe(one.out);
    const body = JSON.parse(two.out) as { options: { n: number; measured: { n: number; traceHashes: string[] } | null }[] };
    expect(body.options.map((o) => [o.n, o.measured?.n])).toEqual([[4, 4], [5, 5], [7, 7]]);
    const text = await cli(argv.filter((a) => a !== '--json').concat('--workers', '2'));
    expect(text.code, text.err).toBe(0);
    expect(text.err).toContain('size: measured on 2 threads\n');
  }, 180_000);

  it('only the built-in simulator crosses into worker threads: by identity, not by its functions', async () => {
    const target = simTarget();
    expect(isSimTarget(target)).toBe(true);
    // A copy or a wrapper is another target (it may differ in what a worker would rebuild): it runs here.
    expect(isSimTarget({ ...target })).toBe(false);
    expect(isSimTarget(fakeTarget())).toBe(false);
    const job: CheckJob = { kind: 'check', seed: 9, runs: 4, orderers: 4, faults: ['crash'], actions: 10, behaviours: [] };
    const run = await runJob(job, 4, { index: 0, count: 1 }, { workers: 2, target: fakeTarget() });
    expect(run).toMatchObject({ threads: 1, here: 4 });
  });

  it('check shrinks the lowest failing schedule as one sequential fast-check run does', async () => {
    // The fake cannot partition: schedules with a partition fail, the others pass.
    const seed = 4;
    const r = await cli(['check', '--runs', '40', '--seed', String(seed), '--faults', 'crash,partition', '--workers', '1', '--json', '--out', 'f.yaml']);
    expect(r.code, r.err).toBe(1);
    const got = JSON.parse(r.out) as { runs: number; path: string; scenario: unknown };

    const target = fakeTarget();
    const job: CheckJob = { kind: 'check', seed, runs: 40, orderers: 4, faults: ['crash', 'partition'], actions: 10, behaviours: ['silent', 'equivocate', 'censor'] };
    const sequential = await fc.check(
      fc.asyncProperty(checkArbitrary(job), async (s) => passedOf(await checkAttempt(target, s))),
      { seed, numRuns: 40 },
    );
    expect(sequential.failed).toBe(true);
    expect(got.path).toBe(sequential.counterexamplePath);
    expect(got.runs).toBe(sequential.numRuns);
    expect(got.scenario).toEqual({ ...(sequential.counterexample?.[0] as object), name: `check-failure-${seed}` });
  });

  it('the job runner returns every index of the shard once, in order, and stops above the lowest failure', async () => {
    const job: CheckJob = { kind: 'check', seed: 9, runs: 30, orderers: 4, faults: ['crash', 'partition'], actions: 10, behaviours: [] };
    const { results: all } = await runJob(job, 30, { index: 1, count: 3 }, { workers: 1, target: fakeTarget() });
    const firstFail = all.find((r) => !r.passed);
    expect(firstFail).toBeDefined();
    expect(all.map((r) => r.index)).toEqual(shardIndices(30, { index: 1, count: 3 }).filter((i) => i <= (firstFail?.index ?? 30)));
    expect(all.every((r) => r.index % 3 === 1)).toBe(true);
  });
});

describe('sweep rows that fail', () => {
  it('exit 1 with a replay line per failed row; --exit-zero (the Job\'s pods) exits 0 with the same rows', async () => {
    // The fake cannot partition: every row of this file fails.
    const files = { 'p.yaml': 'name: p\nsteps:\n  - partition: [[orderer.techpulse], [orderer.dataforge]]\n' };
    const run = async (extra: string[]) => {
      const env = testEnv(files);
      return { code: await main(['sweep', 'p.yaml', '--seeds', '1,2', ...extra], env), out: env.out() };
    };
    const plain = await run([]);
    expect(plain.code).toBe(1);
    expect(plain.out).toContain('sweep: 2 runs, 0 passed, 2 failed');
    expect(plain.out).toContain('  replay: fabric-bft-sim sweep p.yaml --seeds 2\n');
    const zero = await run(['--exit-zero', '--json']);
    expect(zero.code).toBe(0);
    expect(JSON.parse(zero.out)).toMatchObject({ passed: 0, failed: 2 });
  });
});

describe('a sweep reports a failed step as it is', () => {
  it("never reads a user's step name as check's liveness phase (a step named 'liveness: ...' is the user's)", async () => {
    const files = { 'l.yaml': "name: l\nsteps:\n  - name: 'liveness: stop the world'\n    verify: { via: techpulse, certID: NOPE-1 }\n    expect: { status: VALID }\n" };
    const env = testEnv(files, simTarget());
    expect(await main(['sweep', 'l.yaml', '--seeds', '1', '--json', '--exit-zero'], env)).toBe(0);
    const body = JSON.parse(env.out()) as { rows: { failure: string | null }[] };
    expect(body.rows[0]?.failure).toMatch(/^step 1 liveness: stop the world: /);
  }, 60_000);
});

describe('check shards', () => {
  it('merge takes the lowest failing schedule over the shards: the whole search\'s shrunk failure', async () => {
    // The fake fails every partition; schedule 0 may pass, so the failure can be in either shard.
    const argv = ['check', '--runs', '30', '--seed', '6', '--faults', 'crash,partition', '--json'];
    const whole = await cli(argv);
    expect(whole.code).toBe(1);
    const files: Record<string, string> = {};
    for (const k of [0, 1, 2]) {
      const r = await cli([...argv, '--shard', `${k}/3`]);
      files[`c${k}.json`] = r.out;
    }
    const env = testEnv(files);
    expect(await main(['merge', 'c2.json', 'c0.json', 'c1.json', '--json'], env)).toBe(1);
    expect(JSON.parse(env.out())).toEqual(JSON.parse(whole.out));
  });
});

describe('--shard K/N', () => {
  it('N shards are disjoint and cover 0..total-1', () => {
    const all = [0, 1, 2, 3].flatMap((k) => shardIndices(10, { index: k, count: 4 }));
    expect([...all].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(parseShard('sweep', '2/5')).toEqual({ index: 2, count: 5 });
  });
});

describe('bad input: one line, exit 2', () => {
  const cases: [string[], string][] = [
    [['sweep', 'kill-orderer', '--shard', '3/2'], 'fabric-bft-sim sweep: --shard 3/2: K counts from 0 to N-1 (as JOB_COMPLETION_INDEX does), so K must be below 2'],
    [['check', '--shard', '3/2'], 'fabric-bft-sim check: --shard 3/2: K counts from 0 to N-1 (as JOB_COMPLETION_INDEX does), so K must be below 2'],
    [['sweep', 'kill-orderer', '--shard', 'x'], 'fabric-bft-sim sweep: --shard expects K/N (shard K of N, K from 0 to N-1), got "x"'],
    [['sweep', 'kill-orderer', '--workers', '0'], 'fabric-bft-sim sweep: --workers expects a whole number from 1 to 256, got "0"'],
    [['check', '--workers', '0'], 'fabric-bft-sim check: --workers expects a whole number from 1 to 256, got "0"'],
    [['sweep', 'kill-orderer', '--seeds', '5..1'], 'fabric-bft-sim sweep: --seeds has a range that runs backwards (5..1), got "5..1"'],
    [['sweep', 'kill-orderer', '--orderers', '4,4'], 'fabric-bft-sim sweep: --orderers lists a value twice, got "4,4"'],
    [['sweep', 'kill-orderer', '--emit-job', '--shards', '2'], 'fabric-bft-sim sweep: --emit-job needs --image IMAGE (the fabric-bft-sim container image the pods run)'],
    [['sweep', 'kill-orderer', '--image', 'x'], 'fabric-bft-sim sweep: --image goes with --emit-job'],
    [['merge'], 'fabric-bft-sim merge: give the JSON files of the shards to fold (see "fabric-bft-sim merge --help")'],
  ];
  it.each(cases)('%j', async (argv, line) => {
    const r = await cli(argv);
    expect(r).toMatchObject({ code: 2, out: '', err: `${line}\n` });
  });

  it('merge refuses files of different sweeps, a repeated shard, a missing shard and non-shard JSON', async () => {
    const a0 = (await cli(['sweep', 'kill-orderer', '--seeds', '1..4', '--shard', '0/2', '--json'])).out;
    const a1 = (await cli(['sweep', 'kill-orderer', '--seeds', '1..4', '--shard', '1/2', '--json'])).out;
    const b1 = (await cli(['sweep', 'kill-orderer', '--seeds', '1..5', '--shard', '1/2', '--json'])).out;
    const files = { 'a0.json': a0, 'a1.json': a1, 'b1.json': b1, 'x.json': '{"passed":true}' };
    const merge = async (argv: string[]) => {
      const env = testEnv(files);
      return { code: await main(['merge', ...argv], env), out: env.out(), err: env.err() };
    };
    expect(await merge(['a0.json', 'b1.json'])).toMatchObject({ code: 2, out: '', err: 'fabric-bft-sim merge: b1.json is from a different sweep than a0.json (its scenario, seeds or options differ); merge the shards of one run\n' });
    expect(await merge(['a0.json', 'a0.json'])).toMatchObject({ code: 2, err: 'fabric-bft-sim merge: a0.json and a0.json are both shard 0/2\n' });
    expect(await merge(['a1.json'])).toMatchObject({ code: 2, err: 'fabric-bft-sim merge: shard 0/2 missing (have 1 of 2)\n' });
    expect(await merge(['x.json'])).toMatchObject({ code: 2, err: 'fabric-bft-sim merge: x.json is not the JSON of a sweep or of a check shard (written by "sweep --json" or "check --shard K/N --json")\n' });
    const ok = await merge(['a1.json', 'a0.json', '--json']);
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toBe((await cli(['sweep', 'kill-orderer', '--seeds', '1..4', '--json'])).out);
  });
});
