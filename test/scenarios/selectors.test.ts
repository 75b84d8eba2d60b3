/** Selectors on every target: one resolution from the status each orderer reports. */
import { describe, expect, it } from 'vitest';
import { currentLeader, resolveOnTarget, type ReportedStatus } from '../../src/scenarios/selectors.ts';
import { describeTopology } from '../../src/scenarios/topology.ts';

const t = describeTopology({});
const nodes = [...t.orderers, ...t.peers];
const up = (view: number, leader: string | null = t.orderers[view % t.orderers.length] ?? null): ReportedStatus => ({ view, leader, role: 'follower' });
const down: ReportedStatus = { view: 0, leader: null, role: 'down' };
/** Every orderer in `view`. */
const inView = (view: number) => ({ isNode: (n: string) => nodes.includes(n), nodes, ordererStatuses: async () => t.orderers.map(() => up(view)) });

describe('resolveOnTarget', () => {
  it('leader, followers and nextLeader follow the view the orderers report; nextLeader wraps around', async () => {
    expect(await resolveOnTarget(t, 'leader', inView(2))).toEqual(['orderer.org3']);
    expect(await resolveOnTarget(t, 'followers', inView(2))).toEqual(['orderer.techpulse', 'orderer.dataforge', 'orderer.ordering']);
    expect(await resolveOnTarget(t, 'nextLeader', inView(2))).toEqual(['orderer.ordering']);
    expect(await resolveOnTarget(t, 'nextLeader', inView(3))).toEqual(['orderer.techpulse']);
  });

  it('all, orderers and peers come from the topology, without asking the orderers', async () => {
    const never = { isNode: () => false, nodes, ordererStatuses: async (): Promise<readonly ReportedStatus[]> => { throw new Error('asked'); } };
    expect(await resolveOnTarget(t, 'all', never)).toEqual(nodes);
    expect(await resolveOnTarget(t, 'peers', never)).toEqual(t.peers);
    expect(await resolveOnTarget(t, 'orderers', never)).toEqual(t.orderers);
  });

  it('a node is itself; anything else is a one-line error naming the nodes and selectors', async () => {
    expect(await resolveOnTarget(t, 'peer0.org3', inView(0))).toEqual(['peer0.org3']);
    await expect(resolveOnTarget(t, 'peer9.org3', inView(0))).rejects.toThrow(/^unknown node or selector "peer9.org3" \(nodes: orderer.techpulse, .*; selectors: leader, nextLeader, followers, all, orderers, peers\)$/);
  });

  it('Raft: the leader most orderers follow; nextLeader is refused', async () => {
    const raft = { isNode: () => false, nodes, leaderRule: 'raft' as const, ordererStatuses: async () => [up(5, 'orderer.org3'), up(5, 'orderer.org3'), up(6, null), down] };
    expect(await resolveOnTarget(t, 'leader', raft)).toEqual(['orderer.org3']);
    await expect(resolveOnTarget(t, 'nextLeader', raft)).rejects.toThrow('nextLeader has no meaning with Raft: leaders are elected, not rotated');
  });
});

describe('currentLeader', () => {
  it('SmartBFT: the view most running orderers report, ties to the highest; a down orderer does not count', () => {
    const [o1, o2, o3, o4] = t.orderers as [string, string, string, string];
    expect(currentLeader(t.orderers, [up(1), up(1), up(0), down])).toEqual({ leader: o2, next: o3 });
    expect(currentLeader(t.orderers, [up(1), up(1), up(2), up(2)])).toEqual({ leader: o3, next: o4 });
    expect(currentLeader(t.orderers, [down, up(3), down, down])).toEqual({ leader: o4, next: o1 });
  });

  it('SmartBFT: no orderer reporting a leader means view 0 (a dry run, or every orderer down)', () => {
    expect(currentLeader(t.orderers, [])).toEqual({ leader: t.orderers[0], next: t.orderers[1] });
    expect(currentLeader(t.orderers, [down, down, up(2, null), down])).toEqual({ leader: t.orderers[0], next: t.orderers[1] });
  });

  it('Raft: ties go to the first in orderer order; no leader known is an error', () => {
    expect(currentLeader(t.orderers, [up(2, 'orderer.org3'), up(2, 'orderer.dataforge')], 'raft')).toEqual({ leader: 'orderer.org3' });
    expect(() => currentLeader(t.orderers, [up(2, null), down], 'raft')).toThrow('no Raft leader is known right now (an election is under way)');
  });
});
