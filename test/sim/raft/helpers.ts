/** A small Raft cluster on the kernel, for the Raft orderer tests. */
import { Simulation, type NetworkConfig } from '../../../src/sim/kernel/index.ts';
import { createRaftNode, type RaftOptions, type RaftState } from '../../../src/sim/raft/index.ts';
import type { Request } from '../../../src/sim/smartbft/api.ts';

export const NAMES = ['orderer.techpulse', 'orderer.dataforge', 'orderer.org3', 'orderer.ordering', 'orderer5.ordering', 'orderer6.ordering', 'orderer7.ordering'];

export interface RaftCluster {
  readonly sim: Simulation;
  readonly names: readonly string[];
  state(name: string): RaftState | undefined;
  leader(): string | undefined;
  submit(to: string, reqId: string, payload?: unknown): void;
}

export function raftCluster(n: number, seed = 1, options: Partial<RaftOptions> = {}, network?: NetworkConfig): RaftCluster {
  const names = NAMES.slice(0, n);
  const nodes = names.map((name, i) => ({ id: i + 1, name }));
  const sim = new Simulation({ seed, trace: { keep: true }, ...(network ? { network } : {}) });
  for (const node of nodes) sim.addNode(node.name, createRaftNode({ id: node.id, nodes, options }));
  const state = (name: string): RaftState | undefined => sim.state<RaftState>(name);
  return {
    sim,
    names,
    state,
    leader: () => names.find((nm) => sim.isUp(nm) && state(nm)?.role === 'leader'),
    submit(to, reqId, payload = reqId) {
      const request: Request = { clientId: 'client', reqId, size: 1000, payload };
      sim.command(to, { type: 'submit', request });
    },
  };
}

export function ledgerDigests(c: RaftCluster, name: string): string[] {
  return (c.state(name)?.ledger ?? []).map((d) => d.proposal.digest);
}
