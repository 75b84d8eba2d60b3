import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { parseScenario } from '../../src/scenarios/parse.ts';
import { BUILTINS } from '../../src/scenarios/builtins/index.ts';
import { fakeTarget, testEnv } from './env.ts';
import { firstDivergence } from '../../src/cli/execute.ts';
import type { SimTarget } from '../../src/cli/io.ts';
import type { TraceRecord } from '../../src/sim/kernel/index.ts';
import { FakeCluster } from '../scenarios/fake-cluster.ts';

async function cli(argv: string[], files: Record<string, string> = {}, target = fakeTarget()) {
  const env = testEnv(files, target);
  const code = await main(argv, env);
  return { code, out: env.out(), err: env.err(), env };
}

/** Bad input: exit 2, one line on stderr, no stack trace, nothing on stdout. */
function expectOneLineError(r: { code: number; out: string; err: string }, text: string): void {
  expect(r.code).toBe(2);
  expect(r.out).toBe('');
  // Every error of a command names it (`fabric-bft-sim run: ...`); only an unknown command has none to name.
  const line = /^(run|check|scenarios|lab): /.test(text) ? `fabric-bft-sim ${text}` : `fabric-bft-sim: ${text}`;
  expect(r.err).toBe(`${line}\n`);
  expect(r.err).not.toMatch(/\n\s+at /);
}

describe('cli: help and version', () => {
  it('--help lists the commands and examples', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['scenarios', 'run', 'check', 'lab']) expect(r.out).toMatch(new RegExp(`^  ${c} `, 'm'));
    expect(r.out).toContain('fabric-bft-sim run kill-orderer --seed 7');
  });

  it('--version prints package.json\'s version', async () => {
    const r = await cli(['--version']);
    expect(r).toMatchObject({ code: 0, out: '0.1.0\n', err: '' });
  });

  it('each command has its own help', async () => {
    for (const c of ['run', 'check', 'lab', 'scenarios']) {
      const r = await cli([c, '--help']);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(new RegExp(`^Usage: fabric-bft-sim ${c}`));
    }
    expect((await cli(['help', 'run'])).out).toMatch(/^Usage: fabric-bft-sim run/);
  });
});

describe('cli: bad input is one clear line and exit code 2', () => {
  it('unknown command suggests the closest', async () => {
    expectOneLineError(await cli(['rnu']), 'unknown command "rnu" (did you mean run?); "fabric-bft-sim --help" lists the commands');
  });

  it('unknown scenario suggests the closest name', async () => {
    expectOneLineError(
      await cli(['run', 'kil-orderer']),
      'run: unknown scenario "kil-orderer" (did you mean kill-orderer?); "fabric-bft-sim scenarios" lists the built-ins, or give a .yaml/.json file',
    );
  });

  it('missing file', async () => {
    expectOneLineError(await cli(['run', 'nothere.yaml']), 'run: no such file: nothere.yaml');
  });

  it('malformed YAML: file, line and column', async () => {
    const r = await cli(['run', 'bad.yaml'], { 'bad.yaml': 'name: t\nsteps:\n  - stop: [orderer.techpulse\n' });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^fabric-bft-sim run: bad\.yaml:\d+:\d+: malformed YAML: .+\n$/);
  });

  it('schema error: path and what was expected', async () => {
    expectOneLineError(
      await cli(['run', 's.yaml'], { 's.yaml': 'name: t\nsteps:\n  - heal: true\n  - stop: orderer.dataforg\n' }),
      'run: s.yaml:4:11: steps[1].stop: unknown node "orderer.dataforg" (did you mean orderer.dataforge?)',
    );
  });

  it('bad flag values and unknown flags', async () => {
    expectOneLineError(await cli(['run', 'kill-orderer', '--seed', 'abc']), 'run: --seed expects a whole number from 0 to 4294967295, got "abc"');
    expectOneLineError(await cli(['run', 'kill-orderer', '--seed']), 'run: --seed needs a value (a whole number from 0 to 4294967295)');
    expectOneLineError(await cli(['run', 'kill-orderer', '--orderers=0']), 'run: --orderers expects a whole number from 1 to 100, got "0"');
    expectOneLineError(await cli(['run', 'kill-orderer', '--sed', '1']), 'run: unknown option --sed (did you mean --seed?)');
    expectOneLineError(await cli(['check', '--faults', 'crash,byzntine']), 'check: --faults: unknown value "byzntine" (did you mean byzantine?) (expected crash, byzantine, partition, peer)');
  });

  it('a built-in refuses an orderer count its story cannot have', async () => {
    expectOneLineError(await cli(['run', 'kill-orderer', '--orderers', '2']), 'run: kill-orderer needs --orderers >= 3 (one orderer down must leave a quorum), got 2');
  });

  it('run needs exactly one scenario', async () => {
    expectOneLineError(await cli(['run']), 'run: expects one scenario name or file, got none (see "fabric-bft-sim run --help")');
  });
});

describe('cli: scenarios', () => {
  it('lists every built-in with its description', async () => {
    const r = await cli(['scenarios']);
    expect(r.code).toBe(0);
    for (const b of BUILTINS) expect(r.out).toContain(b.name);
    expect(r.out).toMatch(/kill-orderer\s+lab /);
  });

  it('prints a built-in as YAML that parses back into the same scenario', async () => {
    const r = await cli(['scenarios', 'beyond-f', '--orderers', '7']);
    expect(parseScenario(r.out)).toEqual(BUILTINS.find((b) => b.name === 'beyond-f')!.build({ orderers: 7 }));
  });
});

describe('cli: run (in-process, fake target)', () => {
  it('a passing built-in: step table with ✓, log evidence, PASSED, exit 0', async () => {
    const r = await cli(['run', 'kill-orderer']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('target sim · seed 1 · 4 orderers');
    expect(r.out).toMatch(/✓\s+3\s+\S+\s+Step 2: scale down the DataForge orderer/);
    expect(r.out).toContain('Log evidence');
    expect(r.out).toContain('has been safely committed');
    expect(r.out).toMatch(/^PASSED {2}16\/16 steps/m);
    expect(r.out).not.toContain('replay:');
  });

  it('a failing scenario: ✗ with the reason, FAILED, the replay command, exit 1', async () => {
    const file = 'name: t\nseed: 9\nsteps:\n  - issue: { via: techpulse, certID: A }\n    expect: { ok: false }\n  - heal: true\n';
    const r = await cli(['run', 'f.yaml', '--seed', '1234'], { 'f.yaml': file });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/✗\s+1 .*ok: expected false, got true/);
    expect(r.out).toMatch(/^FAILED {2}1\/2 steps/m);
    expect(r.out).toContain('replay: fabric-bft-sim run f.yaml --seed 1234\n');
  });

  it('--json prints the result object alone', async () => {
    const r = await cli(['run', 'peer-recovery', '--json', '--seed', '5']);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.out);
    expect(result).toMatchObject({ scenario: 'peer-recovery', seed: 5, target: 'sim', passed: true });
    expect(result.steps[0]).toMatchObject({ index: 1, op: 'channelInfo', ok: true });
  });

  it('--orderers applies to files too (and is checked against their node names)', async () => {
    const file = 'name: t\nsteps:\n  - stop: orderer5.ordering\n';
    expectOneLineError(await cli(['run', 'o.yaml'], { 'o.yaml': file }), 'run: o.yaml:3:11: steps[0].stop: unknown node "orderer5.ordering": this topology has 4 orderers (orderer.techpulse, orderer.dataforge, orderer.org3, orderer.ordering); raise topology.orderers or --orderers');
    expect((await cli(['run', 'o.yaml', '--orderers', '7'], { 'o.yaml': file })).code).toBe(0);
  });

  it('--logs DIR writes one file per node in the line format', async () => {
    const r = await cli(['run', 'kill-orderer', '--logs', 'out']);
    expect(r.code).toBe(0);
    expect(r.env.dirs.has('out')).toBe(true);
    expect(r.env.files.get('out/orderer.dataforge.log')).toMatch(/^2026-03-14 10:00:00\.000 UTC \w+ INFO \[fake\] fake -> Last proposal/);
    expect(r.env.files.has('out/peer0.org3.log')).toBe(true);
  });

  it('--check-determinism names the first diverging trace record', async () => {
    // A target that leaks state between runs: its second run's third record differs.
    let runs = 0;
    const leaky: SimTarget = {
      create: async (scenario, options) => {
        runs++;
        const sink = options.traceSink ?? (() => {});
        sink({ t: 0, k: 'note', text: 'start' });
        sink({ t: 1, k: 'crash', node: 'orderer.techpulse' });
        sink({ t: 2, k: 'note', text: `run ${runs}` });
        return new FakeCluster(scenario.topology === undefined ? {} : { topology: scenario.topology });
      },
    };
    const r = await cli(['run', 'kill-orderer', '--check-determinism'], {}, leaky);
    expect(r.code).toBe(1);
    expect(r.out).toContain('Determinism: FAILED, the runs diverge at trace record #2\n  first run:  2.000 note run 1\n  second run: 2.000 note run 2');
    expect(r.out).toContain('replay: fabric-bft-sim run kill-orderer --seed 1');
  });

  it('firstDivergence: identical traces, a changed record, a shorter run', () => {
    const a: TraceRecord[] = [
      { t: 0, k: 'note', text: 'x' },
      { t: 1, k: 'restart', node: 'peer0.org3' },
    ];
    expect(firstDivergence(a, [...a])).toBeUndefined();
    expect(firstDivergence(a, [a[0]!, { t: 1, k: 'crash', node: 'peer0.org3' }])).toEqual({ index: 1, first: '1.000 restart peer0.org3', second: '1.000 crash peer0.org3' });
    expect(firstDivergence(a, [a[0]!])?.second).toBe('(no record: the second run ended here)');
  });

  it('--check-determinism runs twice and reports identical traces', async () => {
    const r = await cli(['run', 'kill-orderer', '--check-determinism']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Determinism: two runs, 0 trace records, identical');
  });
});

describe('cli: lab and check (fake target)', () => {
  it('lab runs the three demos and prints a summary', async () => {
    const r = await cli(['lab']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Summary\n.*\n  kill-orderer\s+✓ pass\s+16\/16/);
    expect(r.out).toMatch(/peer-recovery\s+✓ pass/);
    expect(r.out).toMatch(/couchdb-rebuild\s+✓ pass/);
    expect(r.out).toContain('All three lab demos passed.');
  });

  it('check passes clean schedules and shows progress', async () => {
    const r = await cli(['check', '--runs', '10', '--seed', '3', '--faults', 'crash,peer']);
    expect(r.code).toBe(0);
    expect(r.out).toBe('check: 10 schedules passed (seed 3)\n');
    expect(r.err).toContain('check: 10/10 runs');
  });

  it('check shrinks a failure and writes a scenario file that run replays', async () => {
    // The fake cannot partition, so any schedule with a partition fails: the shrunk one has one step.
    const r = await cli(['check', '--runs', '30', '--seed', '1', '--faults', 'partition', '--out', 'fail.yaml']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('replay: fabric-bft-sim run fail.yaml');
    expect(r.out).toContain('safety phase: step 1 partition');
    const text = r.env.files.get('fail.yaml')!;
    const s = parseScenario(text);
    expect(s.steps.filter((x) => 'partition' in x)).toHaveLength(1);
    const replay = await cli(['run', 'fail.yaml'], { 'fail.yaml': text });
    expect(replay.code).toBe(1);
    expect(replay.out).toContain('partition failed: the fake cannot partition');
  });
});
