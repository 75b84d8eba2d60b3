/**
 * The kernel on its own: two nodes bounce a counter over a jittery network, one of
 * them crashes and restarts, and the run prints its trace and its identity (the hash).
 * Run it with `npx tsx examples/kernel-ping.ts [seed]`; the same seed prints the same run.
 */
import { Simulation, canonicalLine, type NodeMachine } from '../src/sim/kernel/index.ts';

type Ping = { type: 'ping'; n: number };

const bouncer: NodeMachine<{ seen: number }, Ping, Ping & { to: string }> = {
  start: () => ({ state: { seen: 0 }, effects: [] }),
  step(state, input) {
    if (input.kind === 'command') return [{ kind: 'send', to: input.command.to, msg: { type: 'ping', n: input.command.n } }];
    if (input.kind !== 'message' || input.msg.n === 0) return [];
    state.seen++;
    return [
      { kind: 'emit', event: { type: 'seen', n: input.msg.n } },
      { kind: 'send', to: input.from, msg: { type: 'ping', n: input.msg.n - 1 } },
    ];
  },
  describe: (m) => `ping ${m.n}`,
};

const seed = Number(process.argv[2] ?? 1);
const sim = new Simulation({
  seed,
  network: { latency: { kind: 'uniform', minMs: 1, maxMs: 20 } },
  trace: { sink: (r) => console.log(canonicalLine(r)) },
});
sim.addNode('alice', bouncer);
sim.addNode('bob', bouncer);
sim.command('alice', { type: 'ping', n: 6, to: 'bob' });
sim.after(40, () => sim.crash('bob'));
sim.after(60, () => sim.restart('bob'));
sim.after(61, () => sim.command('bob', { type: 'ping', n: 2, to: 'alice' }));
const result = sim.run();
console.log(`\nstopped: ${result.reason} at ${result.now.toFixed(3)} ms after ${result.events} events; trace hash ${sim.trace.hash()}`);
