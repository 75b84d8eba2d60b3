/**
 * The scenario vocabulary SmartBFT's test stories need: `topology.smartbft` (Fabric's option
 * names, SmartBFT's Validate() rules), one-way `cut` and `dropMessages` steps, refused by
 * the local and live targets before anything runs, and `SyncOnStart` in the model.
 */
import { describe, expect, it } from 'vitest';
import { runScenario, type ScenarioResult } from '../../src/scenarios/runner.ts';
import { validateScenario, type Scenario, type Step } from '../../src/scenarios/schema.ts';
import { SCENARIO_BEHAVIOURS, simChecks, simClusterFor } from '../../src/scenarios/simulator.ts';
import { topologyMismatch, unsupportedStep } from '../../src/local/cluster.ts';
import type { NetState } from '../../src/local/net.ts';
import { makePlan, parseSmartBftOptions } from '../../src/local/plan.ts';
import { modelConfigOf } from '../../src/sim/smartbft/options.ts';

const problem = (doc: unknown): string => {
  try {
    validateScenario(doc);
  } catch (e) {
    return (e as Error).message.split('\n')[0] ?? '';
  }
  return '';
};

const scenario = (topology: Record<string, unknown>, steps: Step[] = [{ sleep: "1s" }]): Scenario => ({ name: "v", topology: topology as NonNullable<Scenario["topology"]>, steps });

async function run(s: Scenario): Promise<{ result: ScenarioResult; logs: (node: string) => Promise<string[]> }> {
  const cluster = await simClusterFor(s, { seed: 1, keep: { logs: true } });
  const result = await runScenario(s, cluster, { seed: 1, checks: simChecks, behaviours: SCENARIO_BEHAVIOURS });
  const logs = async (node: string): Promise<string[]> => (await cluster.logs(node)).map((l) => `${l.at} ${l.text}`);
  return { result, logs };
}

describe('topology.smartbft', () => {
  it('takes Fabric option names with Go durations, and SmartBFT Validate()s pairs', () => {
    expect(problem(scenario({ smartbft: { LeaderHeartbeatTimeout: '10s', LeaderHeartbeatCount: 10, RequestBatchMaxCount: 100, RequestAutoRemoveTimeout: '3m', SyncOnStart: true } }))).toBe('');
  });

  it('names an unknown option with a did-you-mean', () => {
    expect(problem(scenario({ smartbft: { LeaderHeartbeatTimout: '10s' } }))).toMatch(/^topology\.smartbft\.LeaderHeartbeatTimout: unknown key "LeaderHeartbeatTimout" \(did you mean LeaderHeartbeatTimeout\?\)/);
  });

  it('refuses a bad value in one line', () => {
    expect(problem(scenario({ smartbft: { ViewChangeTimeout: 'soon' } }))).toBe('topology.smartbft.ViewChangeTimeout: ViewChangeTimeout is a duration such as 500ms, 10s or 1m30s (at most 24h)');
    expect(problem(scenario({ smartbft: { LeaderHeartbeatCount: 0 } }))).toBe('topology.smartbft.LeaderHeartbeatCount: LeaderHeartbeatCount is a whole number from 1 to 1000000');
    expect(problem(scenario({ smartbft: { SyncOnStart: 'yes' } }))).toMatch(/^topology\.smartbft\.SyncOnStart: expected true or false/);
  });

  it("names SmartBFT Validate()'s rule for an invalid combination", () => {
    expect(problem(scenario({ smartbft: { RequestForwardTimeout: '30s' } }))).toBe('topology.smartbft: RequestForwardTimeout must be at most RequestComplainTimeout (SmartBFT Validate)');
    expect(problem(scenario({ smartbft: { RequestComplainTimeout: '5m' } }))).toBe('topology.smartbft: RequestComplainTimeout must be at most RequestAutoRemoveTimeout (SmartBFT Validate)');
    expect(problem(scenario({ smartbft: { ViewChangeResendInterval: '30s' } }))).toBe('topology.smartbft: ViewChangeResendInterval must be at most ViewChangeTimeout (SmartBFT Validate)');
    // The same rules as net up --smartbft, from the same module.
    expect(() => parseSmartBftOptions('ViewChangeResendInterval=30s')).toThrow('--smartbft: ViewChangeResendInterval must be at most ViewChangeTimeout (SmartBFT Validate)');
  });

  it('needs SmartBFT orderers', () => {
    expect(problem(scenario({ consensus: 'raft', smartbft: { SyncOnStart: true } }))).toBe('topology.smartbft: SmartBFT options need SmartBFT orderers (topology.consensus is raft)');
  });

  it("becomes the model's config in milliseconds", () => {
    expect(modelConfigOf({ LeaderHeartbeatTimeout: '10s', RequestAutoRemoveTimeout: '1m30s', LeaderHeartbeatCount: 5, SyncOnStart: true, IncomingMessageBufferSize: 9 })).toEqual({
      LeaderHeartbeatTimeout: 10_000,
      RequestAutoRemoveTimeout: 90_000,
      LeaderHeartbeatCount: 5,
      SyncOnStart: true,
    });
  });

  it('the run uses them: a 10s LeaderHeartbeatTimeout votes a silent leader out at 10s, the default (1m) does not', async () => {
    const steps: Step[] = [
      { cut: { from: 'orderer.techpulse', to: 'orderers' } },
      { waitFor: { log: { node: 'orderer.dataforge', match: 'Heartbeat timeout expired, complaining about leader: 1' }, within: '15s' }, expect: { matches: 'complaining' } },
    ];
    const fast = await run(scenario({ smartbft: { LeaderHeartbeatTimeout: '10s' } }, steps));
    expect(fast.result.steps.map((s) => s.ok)).toEqual([true, true]);
    const slow = await run(scenario({}, steps));
    expect(slow.result.steps.map((s) => s.ok)).toEqual([true, false]);
  });
});

describe('topology.smartbft on the local target', () => {
  const state = (smartbft?: string): NetState => ({ plan: makePlan({ dir: '/tmp/n', fabricHome: '/tmp/f', ...(smartbft !== undefined ? { smartbft } : {}) }) }) as unknown as NetState;

  it("runs when the network has the scenario's options (durations compared by value)", () => {
    expect(topologyMismatch(scenario({ smartbft: { LeaderHeartbeatTimeout: '10s', SyncOnStart: true } }), state('LeaderHeartbeatTimeout=10s,SyncOnStart=true'))).toBeUndefined();
    expect(topologyMismatch(scenario({ smartbft: { RequestAutoRemoveTimeout: '3m' } }), state())).toBeUndefined();
  });

  it('names the first difference and the net up flag that matches the scenario', () => {
    expect(topologyMismatch(scenario({ smartbft: { LeaderHeartbeatTimeout: '10s', ViewChangeTimeout: '10s' } }), state())).toBe(
      "the scenario's SmartBFT LeaderHeartbeatTimeout is 10s, the local network's 1m0s (net up --smartbft LeaderHeartbeatTimeout=10s,ViewChangeTimeout=10s)",
    );
    expect(topologyMismatch(scenario({ smartbft: { RequestBatchMaxCount: 100 } }), state())).toBe('the scenario sets RequestBatchMaxCount, which a local network keeps at BatchSize.MaxMessageCount 500');
  });
});

describe('cut and dropMessages steps', () => {
  it('validate their nodes and message types', () => {
    expect(problem(scenario({}, [{ cut: { from: 'orderer.techpulse', to: 'orderer.dataforg' } }]))).toMatch(/^steps\[0\]\.cut\.to: unknown node "orderer\.dataforg" \(did you mean orderer\.dataforge\?\)/);
    expect(problem(scenario({}, [{ dropMessages: { from: 'orderer.org3', types: ['Comit'] } }]))).toMatch(/^steps\[0\]\.dropMessages\.types\[0\]: unknown SmartBFT message type "Comit" \(did you mean Commit\?\)/);
    expect(problem(scenario({}, [{ dropMessages: { from: 'peer0.org3', types: ['Commit'] } }]))).toMatch(/^steps\[0\]\.dropMessages\.from: "peer0\.org3" is not a orderer/);
    expect(problem(scenario({ consensus: 'raft' }, [{ dropMessages: { from: 'orderer.org3', types: ['Commit'] } }]))).toBe('steps[0].dropMessages.types: dropMessages names SmartBFT message types; topology.consensus is raft');
  });

  it('a one-way cut from the leader: followers stop hearing it and change view; it still hears them and follows', async () => {
    const { result } = await run(
      scenario({ smartbft: { LeaderHeartbeatTimeout: '10s' } }, [
        { cut: { from: 'orderer.techpulse', to: 'orderers' } },
        { sleep: '30s' },
        { ordererStatus: { orderer: 'orderer.dataforge' }, expect: { view: 1, role: 'leader' } },
        // Only one way is cut: node 1 receives the new view's heartbeats and follows it.
        { ordererStatus: { orderer: 'orderer.techpulse' }, expect: { view: 1, role: 'follower' } },
      ]),
    );
    expect(result.steps.filter((s) => !s.ok).map((s) => `${s.index} ${s.error ?? ""}`)).toEqual([]);
  });

  it('dropMessages drops only the named types: without Commits from orderer.org3 and orderer.ordering, nothing commits; heal lets it through', async () => {
    const { result } = await run(
      scenario({}, [
        { ordererStatus: { orderer: 'orderer.techpulse' }, save: 'before' },
        { dropMessages: { from: 'orderer.org3', types: ['Commit'] } },
        { dropMessages: { from: 'orderer.ordering', to: 'orderers', types: ['Commit'] } },
        { load: { via: 'techpulse', count: 1, every: '1s' } },
        { sleep: '5s' },
        // Prepares still flow (only Commits are dropped): with 2 of the 3 Commits needed, no one decides.
        { ordererStatus: { orderer: 'orderer.techpulse' }, expect: { lastBlock: '$before.lastBlock' } },
        { heal: true },
        { issue: { via: 'dataforge', certID: 'AFTER' }, expect: { ok: true } },
        { ordererStatus: { orderer: 'orderer.techpulse' }, expect: { lastBlock: { gt: '$before.lastBlock' } } },
      ]),
    );
    expect(result.steps.filter((s) => !s.ok).map((s) => `${s.index} ${s.error ?? ""}`)).toEqual([]);
  });

  it('the local target refuses them before anything runs', () => {
    expect(unsupportedStep(scenario({}, [{ sleep: '1s' }, { name: 'x', cut: { from: 'orderer.techpulse', to: 'orderers' } }]))).toMatch(/^steps\[1\] \(x\): cut cannot run on the local target: /);
    expect(unsupportedStep(scenario({}, [{ dropMessages: { from: 'orderer.org3', types: ['Commit'] } }]))).toMatch(/^steps\[0\]: dropMessages cannot run on the local target: /);
  });
});

describe('SyncOnStart', () => {
  const restart: Step[] = [
    { stop: 'orderer.org3' },
    { issue: { via: 'techpulse', certID: 'WHILE-DOWN' }, expect: { ok: true } },
    { start: 'orderer.org3' },
    { sleep: '500ms' },
  ];
  it('a restarted orderer with SyncOnStart: true syncs at once; without it, it does not', async () => {
    const on = await run(scenario({ smartbft: { SyncOnStart: true } }, restart));
    const off = await run(scenario({}, restart));
    const synced = (lines: string[]): boolean => lines.some((l) => /Finished synchronizing with cluster|Synchronizer returned with sequence/.test(l));
    expect(synced(await on.logs('orderer.org3'))).toBe(true);
    expect(synced(await off.logs('orderer.org3'))).toBe(false);
  });
});
