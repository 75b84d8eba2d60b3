/** The pluggable Application contract the Fabric orderer builds on. */
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../../src/sim/kernel/index.ts';
import { createConsenter, type Application, type Decision } from '../../../src/sim/smartbft/api.ts';

function cluster(app: (id: number) => Application): Simulation {
  const sim = new Simulation({ seed: 1 });
  const nodes = [1, 2, 3, 4].map((id) => ({ id, name: `orderer.o${id}` }));
  for (const nd of nodes) sim.addNode(nd.name, createConsenter({ id: nd.id, nodes, app: app(nd.id), channel: 'mychannel' }));
  return sim;
}

const blockApp: Application = {
  assemble: (requests, metadata, last) => ({ header: `block ${metadata.latestSequence} after ${last?.seq ?? 0}`, payload: requests, metadata, digest: '' }),
};

describe('Application', () => {
  it("a custom assembler's proposals are decided; the consenter fills in the digest", () => {
    const sim = cluster(() => blockApp);
    for (const name of sim.nodeIds()) sim.command(name, { type: 'submit', request: { clientId: 'c', reqId: 't1', size: 10, payload: { any: 'thing' } } });
    sim.run({ until: 1_000 });
    const d = sim.durable('orderer.o3').list<Decision>('ledger')[0]!;
    expect(d.proposal.header).toBe('block 1 after 0');
    expect(d.proposal.digest).toMatch(/^[0-9a-f]{16}$/);
    expect(d.proposal.payload[0]?.payload).toEqual({ any: 'thing' });
  });

  it("a follower whose VerifyProposal rejects the block complains and syncs; the quorum decides without it", () => {
    const picky = (id: number): Application => ({ ...blockApp, verifyProposal: () => (id === 4 ? 'not today' : null) });
    const sim = cluster(picky);
    for (const name of sim.nodeIds()) sim.command(name, { type: 'submit', request: { clientId: 'c', reqId: 't1', size: 10, payload: null } });
    const seen: string[] = [];
    sim.observe((r) => {
      if (r.k === 'event' && (r.e as { kind?: string }).kind === 'smartbft.badProposal') seen.push(r.node);
    });
    sim.run({ until: 1_000 });
    expect(seen).toEqual(['orderer.o4']);
    expect(['orderer.o1', 'orderer.o2', 'orderer.o3'].map((n) => sim.durable(n).listLength('ledger'))).toEqual([1, 1, 1]);
  });
});
