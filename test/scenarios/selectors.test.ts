/** Selectors on a real target (live, local): one resolution from the leader the orderers report. */
import { describe, expect, it } from 'vitest';
import { resolveOnTarget } from '../../src/scenarios/selectors.ts';
import { describeTopology } from '../../src/scenarios/topology.ts';

const t = describeTopology({});
const nodes = [...t.orderers, ...t.peers];
const target = (leader: string) => ({ isNode: (n: string) => nodes.includes(n), nodes, currentLeader: async () => leader });

describe('resolveOnTarget', () => {
  it('leader, followers and nextLeader follow the reported leader; nextLeader wraps around', async () => {
    expect(await resolveOnTarget(t, 'leader', target('orderer.org3'))).toEqual(['orderer.org3']);
    expect(await resolveOnTarget(t, 'followers', target('orderer.org3'))).toEqual(['orderer.techpulse', 'orderer.dataforge', 'orderer.ordering']);
    expect(await resolveOnTarget(t, 'nextLeader', target('orderer.org3'))).toEqual(['orderer.ordering']);
    expect(await resolveOnTarget(t, 'nextLeader', target('orderer.ordering'))).toEqual(['orderer.techpulse']);
  });

  it('all, orderers and peers come from the topology, without asking for the leader', async () => {
    const never = { isNode: () => false, nodes, currentLeader: async (): Promise<string> => { throw new Error('asked'); } };
    expect(await resolveOnTarget(t, 'all', never)).toEqual(nodes);
    expect(await resolveOnTarget(t, 'peers', never)).toEqual(t.peers);
  });

  it('a node is itself; anything else is a one-line error naming the nodes and selectors', async () => {
    expect(await resolveOnTarget(t, 'peer0.org3', target('orderer.techpulse'))).toEqual(['peer0.org3']);
    await expect(resolveOnTarget(t, 'peer9.org3', target('orderer.techpulse'))).rejects.toThrow(/^unknown node or selector "peer9.org3" \(nodes: orderer.techpulse, .*; selectors: leader, nextLeader, followers, all, orderers, peers\)$/);
  });
});
