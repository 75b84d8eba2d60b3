/**
 * A broadcast (consecutive sends of one message object) goes through the scheduler as one
 * fan-out entry; its deliveries must run exactly when and in the order that sends of equal,
 * separate message objects run, whatever the network and the nodes do meanwhile.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Simulation, type Effect, type NodeMachine, type NetworkConfig, type ProcessingConfig } from '../../../src/sim/kernel/index.ts';

type Msg = { readonly type: 'vote'; readonly round: number };
const NODES = ['n0', 'n1', 'n2', 'n3', 'n4', 'n5', 'n6'];

/**
 * Each node broadcasts `vote r+1` to every node (itself too) on its first `vote r` from
 * every round up to 3, and sets a timer between two sends; `shared` sends one message
 * object to all (a fan-out), otherwise one object per recipient (deliveries of their own).
 */
function voter(shared: boolean, nodes: readonly string[] = NODES): NodeMachine<{ seen: Set<number> }, Msg, number> {
  return {
    start: () => ({ state: { seen: new Set() }, effects: [] }),
    step(state, input, ctx) {
      let round: number;
      if (input.kind === 'command') round = input.command;
      else if (input.kind === 'message') round = input.msg.round + 1;
      else return [];
      if (round > 3 || state.seen.has(round)) return [];
      state.seen.add(round);
      const one: Msg = { type: 'vote', round };
      const out: Effect<Msg>[] = nodes.map((to) => ({ kind: 'send', to, msg: shared ? one : { type: 'vote', round } }));
      // A timer after the first two sends: the fan-out is cut there, as the events' seqs are.
      out.splice(2, 0, { kind: 'setTimer', name: `t${round}`, afterMs: (ctx.now % 3) + 1 });
      return out;
    },
    describe: (m) => `vote ${m.round}`,
  };
}

function run(shared: boolean, seed: number, network: NetworkConfig, processing: ProcessingConfig | undefined, crashAt: number | undefined, nodes: readonly string[] = NODES): { hash: string; lines: string[] } {
  const sim = new Simulation({ seed, network, ...(processing === undefined ? {} : { processing }), trace: { keep: true } });
  for (const id of nodes) sim.addNode(id, voter(shared, nodes));
  if (crashAt !== undefined) {
    sim.at(crashAt, () => sim.crash('n3'));
    sim.at(crashAt + 2, () => sim.restart('n3'));
    sim.at(crashAt + 1, () => sim.network.partition([['n0', 'n1'], ['n2', 'n4', 'n5', 'n6']]));
    sim.at(crashAt + 4, () => sim.network.heal());
  }
  sim.command('n0', 1);
  sim.command('n5', 2);
  sim.run({ maxEvents: 20_000 });
  const lines = sim.trace.records.map((r) => JSON.stringify(r));
  return { hash: sim.trace.hash(), lines };
}

describe('kernel: fan-out of a broadcast', () => {
  it('delivers as separate sends do: same records, same order, same hash (loss, duplication, reordering, processing cost, crash, partition)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.record({
          lossProbability: fc.constantFrom(0, 0.1),
          duplicateProbability: fc.constantFrom(0, 0.2),
          reorderProbability: fc.constantFrom(0, 0.3),
          latency: fc.constantFrom({ kind: 'uniform', minMs: 1, maxMs: 3 } as const, { kind: 'fixed', ms: 1 } as const),
        }),
        fc.option(fc.constantFrom<ProcessingConfig>({ perMessageMs: 0.5 }, { perMessageMs: 0, perNodeMs: { n2: 1 } }), { nil: undefined }),
        fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }),
        (seed, network, processing, crashAt) => {
          const fan = run(true, seed, network, processing, crashAt);
          const own = run(false, seed, network, processing, crashAt);
          expect(fan.lines).toEqual(own.lines);
          expect(fan.hash).toBe(own.hash);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a fan-out past its first arrays (16 deliveries) grows them and still delivers as separate sends do (20 nodes)', () => {
    const nodes = Array.from({ length: 20 }, (_, i) => `n${i}`);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.constantFrom(0, 0.2), (seed, duplicateProbability) => {
        const network: NetworkConfig = { latency: { kind: 'uniform', minMs: 1, maxMs: 3 }, duplicateProbability, reorderProbability: 0.3 };
        const fan = run(true, seed, network, undefined, undefined, nodes);
        const own = run(false, seed, network, undefined, undefined, nodes);
        expect(fan.lines.length).toBeGreaterThan(20 * 20);
        expect(fan.lines).toEqual(own.lines);
        expect(fan.hash).toBe(own.hash);
      }),
      { numRuns: 8 },
    );
  });

  it('counts every delivery of a fan-out as pending until it is dispatched', () => {
    const sim = new Simulation({ seed: 3, network: { latency: { kind: 'fixed', ms: 1 } } });
    for (const id of NODES) sim.addNode(id, voter(true));
    sim.command('n0', 3);
    // 7 votes of round 3 in flight, and n0's timer.
    expect(sim.pendingEvents).toBe(8);
    sim.run({ maxEvents: 3 });
    expect(sim.pendingEvents).toBe(5);
    sim.run();
    expect(sim.pendingEvents).toBe(0);
    expect(sim.messageCounts).toEqual({ sent: 7, delivered: 7 });
  });
});
