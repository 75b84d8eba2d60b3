/**
 * commitInFlightProposal (internal/bft/viewchanger.go): the view that commits a NewView's
 * agreed in-flight proposal starts two ticks after the NewView, waits for its decision
 * until the view-change timeout, and on timeout leaves the view unchanged.
 */
import { describe, expect, it } from 'vitest';
import type { TraceRecord } from '../../../src/sim/kernel/index.ts';
import { BftCluster } from './harness.ts';

function logsOf(records: readonly TraceRecord[], node: string): { t: number; kind: string; args: readonly (string | number)[] }[] {
  const out: { t: number; kind: string; args: readonly (string | number)[] }[] = [];
  for (const r of records) {
    if (r.k !== 'event' || r.node !== node) continue;
    const e = r.e as { type: string; kind: string; args: (string | number)[] };
    if (e.type === 'log') out.push({ t: r.t, kind: e.kind.replace('smartbft.', ''), args: e.args });
  }
  return out;
}

/** Followers 2, 3, 4 prepared tx1 in view 0, no one decided, leader 1 crashed. */
function preparedThenLeaderLost(): BftCluster {
  const c = new BftCluster({ n: 4, keep: true });
  c.submit('c', 1);
  const prepared = (id: number): boolean => c.sim.durable(c.name(id)).list<{ type: string }>('wal').at(-1)?.type === 'Commit';
  c.sim.run({ stopWhen: () => [2, 3, 4].every(prepared), maxEvents: 100_000 });
  c.sim.network.partition([[c.name(1)], [c.name(2)], [c.name(3)], [c.name(4)]]);
  c.run(10);
  c.sim.crash(c.name(1));
  c.heal();
  return c;
}

/** The time node `node` got the NewView and the times it ticked. */
function newViewAt(c: BftCluster, node: string): number {
  const r = c.records.find((x) => x.k === 'deliver' && x.to === node && x.m.startsWith('NewView'));
  expect(r).toBeDefined();
  return r!.t;
}

describe('commitInFlightProposal (viewchanger.go)', () => {
  it('waits two ticks before starting the in-flight view ("Waiting two ticks before starting in-flight view")', () => {
    const c = preparedThenLeaderLost();
    c.run(90_000);
    const t = newViewAt(c, 'orderer3');
    const logs = logsOf(c.records, 'orderer3').filter((l) => l.t >= t);
    expect(logs[0]).toMatchObject({ t, kind: 'inFlightWaitTwoTicks', args: [] });
    // Its Commit for the in-flight proposal (view 0, seq 1) goes out at the second tick after the NewView.
    const commit = c.records.find((r) => r.k === 'send' && r.from === 'orderer3' && r.t >= t && r.m.startsWith('Commit v0 s1'));
    expect(commit).toBeDefined();
    expect(commit!.t - t).toBeGreaterThan(1_000);
    expect(commit!.t - t).toBeLessThanOrEqual(2_000);
    expect(logs.find((l) => l.kind === 'inFlightViewStarted')).toMatchObject({ t: commit!.t, args: [3, 0] });
    expect(logs.map((l) => l.kind)).toContain('inFlightCommitted');
  });

  it('on the view-change timeout: "Timeout expired waiting on In-flight ...", "unable to commit the in flight proposal, not changing the view"', () => {
    const c = preparedThenLeaderLost();
    // Let the NewView reach node 3, then cut it off so the in-flight view never decides.
    c.sim.run({ until: c.sim.now + 90_000, stopWhen: () => c.state(3)!.vc.pendingInFlight !== undefined });
    c.isolate(3);
    c.run(60_000);
    const logs = logsOf(c.records, 'orderer3');
    const timeout = logs.findIndex((l) => l.kind === 'inFlightTimeout');
    expect(timeout).toBeGreaterThan(-1);
    expect(logs[timeout]!.args).toEqual([0, 1]);
    expect(logs[timeout + 1]).toMatchObject({ kind: 'inFlightUnable', args: [3] });
    expect(logs.map((l) => l.kind)).not.toContain('inFlightCommitted');
    // Not changing the view: view 1 never started here; a view change to view 2 began.
    const st = c.state(3)!;
    expect(st.vc.realView).toBe(0);
    expect(st.vc.nextView).toBe(2);
    expect(c.height(3)).toBe(0);
  });
});
