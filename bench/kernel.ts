/**
 * The kernel's raw event rate: schedule + deliver of a no-op message, with the trace
 * hash on (as in every real run). The floor that protocol benchmarks are measured against.
 */
import { Simulation, type NodeMachine } from '../src/sim/kernel/index.ts';
import { measureRate } from './measure.ts';

type Msg = { readonly type: 'noop' };
const NOOP: Msg = { type: 'noop' };
const PEERS = ['n0', 'n1', 'n2', 'n3'];

/** Every delivery sends one new no-op message to the next node: one event in, one event out. */
const relay: NodeMachine<{ left: number }, Msg, number> = {
  start: () => ({ state: { left: 0 }, effects: [] }),
  step(state, input, ctx) {
    if (input.kind === 'command') state.left = input.command;
    else if (input.kind === 'message') state.left--;
    if (state.left <= 0) return [];
    const next = PEERS[(PEERS.indexOf(ctx.self) + 1) % PEERS.length] as string;
    return [{ kind: 'send', to: next, msg: NOOP }];
  },
  describe: () => 'noop',
};

const EVENTS_PER_RUN = 200_000;

function runOnce(): number {
  const sim = new Simulation({ seed: 1, network: { latency: { kind: 'uniform', minMs: 1, maxMs: 3 } } });
  for (const id of PEERS) sim.addNode(id, relay);
  // Four independent chains in flight at once, so the heap holds several events.
  for (const id of PEERS) sim.command(id, EVENTS_PER_RUN / PEERS.length);
  return sim.run().events;
}

export async function benchKernel(): Promise<Record<string, number>> {
  return { 'kernel.eventsPerSec': await measureRate('kernel.eventsPerSec', runOnce) };
}
