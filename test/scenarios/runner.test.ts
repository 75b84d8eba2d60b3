import { describe, expect, it } from 'vitest';
import { BUILTINS, LAB_SCENARIOS } from '../../src/scenarios/builtins/index.ts';
import { runScenario, type Check } from '../../src/scenarios/runner.ts';
import { ScenarioError, type Scenario } from '../../src/scenarios/schema.ts';
import { FakeCluster } from './fake-cluster.ts';

const scenario = (steps: Scenario['steps'], extra: Partial<Scenario> = {}): Scenario => ({ name: 't', steps, ...extra });

describe('runner: the lab demos against a fake cluster', () => {
  it.each(LAB_SCENARIOS.map((b) => [b.name, b] as const))('%s passes, every step observed', async (_name, b) => {
    const s = b.build({});
    const cluster = new FakeCluster({ topology: s.topology! });
    const r = await runScenario(s, cluster);
    expect(r.steps.filter((x) => !x.ok)).toEqual([]);
    expect(r).toMatchObject({ scenario: b.name, seed: 1, target: 'sim', passed: true, verdict: 'passed', pending: [] });
    expect(r.steps).toHaveLength(s.steps.length);
  });

  it('kill-orderer: the restored orderer\'s log lines are the step values (lab evidence)', async () => {
    const s = BUILTINS.find((b) => b.name === 'kill-orderer')!.build({});
    const r = await runScenario(s, new FakeCluster());
    const lines = r.steps.filter((x) => x.op === 'waitFor' && typeof x.value === 'string').map((x) => x.value);
    expect(lines.join('\n')).toMatch(/has been safely committed[\s\S]*Starting view with number 0[\s\S]*Changing to follower role/);
  });
});

describe('runner: semantics', () => {
  it('a failing expect marks the run failed and the run goes on', async () => {
    const r = await runScenario(
      scenario([
        { issue: { via: 'techpulse', certID: 'A' }, expect: { ok: false } },
        { verify: { via: 'techpulse', certID: 'A' }, expect: { status: 'VALID' } },
      ]),
      new FakeCluster(),
    );
    expect(r.passed).toBe(false);
    expect(r.verdict).toBe('failed');
    expect(r.steps.map((s) => [s.ok, s.error])).toEqual([
      [false, 'ok: expected false, got true'],
      [true, null],
    ]);
    expect(r.steps[0]).toMatchObject({ index: 1, op: 'issue', name: 'issue A via techpulse', expected: { ok: false } });
  });

  it('save and $name.field: the height after is compared with the height before', async () => {
    const r = await runScenario(
      scenario([
        { channelInfo: { peer: 'peer0.techpulse' }, save: 'before' },
        { issue: { via: 'techpulse', certID: 'A' } },
        { channelInfo: { peer: 'peer0.techpulse' }, expect: { height: { gt: '$before.height' } } },
        { channelInfo: { peer: 'peer0.techpulse' }, expect: { height: { gt: '$before.height', lt: '$before.height' } } },
      ]),
      new FakeCluster(),
    );
    expect(r.steps.map((s) => s.ok)).toEqual([true, true, true, false]);
    expect(r.steps[2]?.expected).toEqual({ height: { gt: 3 } });
    expect(r.steps[3]?.error).toBe('height: expected < 3, got 4');
  });

  it('a referenced node id is resolved at run time ($before.leader)', async () => {
    const cluster = new FakeCluster();
    const r = await runScenario(
      scenario([
        { ordererStatus: { orderer: 'leader' }, save: 'before' },
        { stop: '$before.leader' },
      ]),
      cluster,
    );
    expect(r.passed).toBe(true);
    expect(await cluster.isUp('orderer.techpulse')).toBe(false);
  });

  it('an operation that reports ok: false fails its step when the step expects nothing', async () => {
    const r = await runScenario(scenario([{ partition: [['orderer.techpulse']] }, { heal: true }]), new FakeCluster());
    expect(r.steps.map((s) => [s.ok, s.error])).toEqual([
      [false, 'partition failed: the fake cannot partition'],
      [true, null],
    ]);
  });

  it('an operation that throws is a failed step with its message, and the run goes on', async () => {
    const r = await runScenario(scenario([{ docCount: { peer: 'peer0.techpulse' } }, { heal: true }]), new FakeCluster({ failing: ['docCount'] }));
    expect(r.steps.map((s) => [s.ok, s.error])).toEqual([
      [false, 'docCount: the fake was told to fail'],
      [true, null],
    ]);
  });

  it('waitFor log that never matches fails with what it waited for', async () => {
    const r = await runScenario(scenario([{ waitFor: { log: { node: 'orderer.techpulse', match: 'never' }, within: '3s' } }]), new FakeCluster());
    expect(r.steps[0]?.error).toBe('no line of orderer.techpulse matched /never/ within 3s');
    expect(r.steps[0]?.tookMs).toBe(3000);
  });

  it('waitFor caughtUp: a restarted peer reaches the orderers\' height', async () => {
    const r = await runScenario(
      scenario([
        { stop: 'peer0.techpulse' },
        { issue: { via: 'dataforge', certID: 'A' } },
        { start: 'peer0.techpulse' },
        { waitFor: { caughtUp: 'peer0.techpulse', within: '10s' } },
      ]),
      new FakeCluster(),
    );
    expect(r.passed).toBe(true);
    expect(r.steps[3]?.value).toBe(4);
  });

  it('invariant checks run once after the steps and are part of passed', async () => {
    let calls = 0;
    const checks = async (): Promise<Check[]> => {
      calls++;
      return [
        { name: 'agreement', ok: true, detail: 'no fork' },
        { name: 'validity', ok: false, detail: 'tx A twice' },
      ];
    };
    const r = await runScenario(scenario([{ heal: true }]), new FakeCluster(), { checks });
    expect(calls).toBe(1);
    expect(r.passed).toBe(false);
    expect(r.verdict).toBe('failed');
    const thrown = await runScenario(scenario([{ heal: true }]), new FakeCluster(), {
      checks: async () => {
        throw new Error('boom');
      },
    });
    expect(thrown.checks).toEqual([{ name: 'checkers', ok: false, detail: 'the checkers could not run: boom' }]);
  });

  it('the result carries the seed, the trace hash and end-of-run metrics', async () => {
    const r = await runScenario(scenario([{ issue: { via: 'techpulse', certID: 'A' } }], { seed: 42 }), new FakeCluster());
    expect(r.seed).toBe(42);
    expect(r.traceHash).toMatch(/^fake-/);
    expect(r.metrics).toMatchObject({ stepsRun: 1, stepsFailed: 0, issued: 1, issueFailed: 0 });
    expect(r.metrics.ledgerHeight['peer0.techpulse']).toBe(4);
    expect(r.metrics.committedBlock['orderer.techpulse']).toBe(3);
  });

  it('a scenario naming a node the cluster lacks is refused before anything runs', async () => {
    const cluster = new FakeCluster();
    await expect(runScenario(scenario([{ stop: 'orderer5.ordering' }]), cluster)).rejects.toThrow(ScenarioError);
    expect(cluster.calls).toEqual([]);
  });
});

describe('runner: budgets end every run', () => {
  it('simulated time: a sleep longer than the budget stops the run with what was pending', async () => {
    const cluster = new FakeCluster();
    const r = await runScenario(scenario([{ sleep: '10s' }, { sleep: '2h' }, { heal: true }]), cluster, { maxTimeMs: 60_000 });
    expect(r.verdict).toBe('budget exceeded');
    expect(r.passed).toBe(false);
    expect(cluster.now()).toBe(60_000);
    expect(r.steps[1]?.error).toBe('time budget of 1m used up during sleep 2h');
    expect(r.pending).toEqual(['steps[1] sleep 2h (still waiting)', 'steps[2] heal']);
  });

  it('steps: a run stops after the step budget', async () => {
    const r = await runScenario(scenario([{ heal: true }, { heal: true }, { heal: true }]), new FakeCluster(), { maxSteps: 2 });
    expect(r.verdict).toBe('budget exceeded');
    expect(r.steps).toHaveLength(2);
    expect(r.pending).toEqual(['step budget of 2 steps reached', 'steps[2] heal']);
  });

  it('an abort (the caller\'s wall clock) ends the run as budget exceeded', async () => {
    const ctl = new AbortController();
    ctl.abort();
    const r = await runScenario(scenario([{ heal: true }, { heal: true }]), new FakeCluster(), { signal: ctl.signal });
    expect(r.verdict).toBe('budget exceeded');
    expect(r.steps).toEqual([]);
    expect(r.pending).toEqual(['run aborted: wall-clock budget used up', 'steps[0] heal', 'steps[1] heal']);
  });
});
