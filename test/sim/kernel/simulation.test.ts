import { describe, expect, it } from 'vitest';
import { test as fcTest, fc } from '@fast-check/vitest';
import { Simulation, type NodeMachine, type TraceRecord } from '../../../src/sim/kernel/index.ts';
import { counter, pinger, type CounterState, type PingState } from './helpers.ts';

/** A small random workload: pings bouncing between 4 nodes over a jittery, lossy network. */
function runWorkload(seed: number, keep = false): Simulation {
  const sim = new Simulation({
    seed,
    network: { latency: { kind: 'uniform', minMs: 1, maxMs: 20 }, lossProbability: 0.05, duplicateProbability: 0.05 },
    trace: { keep },
  });
  for (const id of ['a', 'b', 'c', 'd']) sim.addNode(id, pinger);
  sim.command('a', { type: 'kick', to: 'b', n: 30 });
  sim.command('c', { type: 'kick', to: 'd', n: 30 });
  sim.command('b', { type: 'kick', to: 'c', n: 30 });
  sim.run();
  return sim;
}

describe('simulation: determinism', () => {
  fcTest.prop([fc.integer({ min: 0, max: 2 ** 31 })], { numRuns: 25 })('the same seed gives the same trace hash', (seed) => {
    expect(runWorkload(seed).trace.hash()).toBe(runWorkload(seed).trace.hash());
  });

  it('different seeds give different traces when latency is random', () => {
    const hashes = new Set([1, 2, 3, 4, 5].map((s) => runWorkload(s).trace.hash()));
    expect(hashes.size).toBe(5);
  });

  it('the hash covers every record: the kept trace replays line for line', () => {
    const a = runWorkload(42, true).trace.records;
    const b = runWorkload(42, true).trace.records;
    expect(a.length).toBeGreaterThan(50);
    expect(b).toEqual(a);
  });
});

describe('simulation: message descriptions', () => {
  /** Sends `say` messages described by their text, built anew at each describe call. */
  const talker: NodeMachine<null, { type: 'say'; a: string; b: string }, { to: string; a: string; b: string }> = {
    start: () => ({ state: null, effects: [] }),
    step: (_s, input) => (input.kind === 'command' ? [{ kind: 'send', to: input.command.to, msg: { type: 'say', a: input.command.a, b: input.command.b } }] : []),
    describe: (m) => `${m.a}${m.b}`,
  };
  fcTest.prop([fc.array(fc.tuple(fc.constantFrom('', 'a', 'b', 'ab', 'ba', 'x'), fc.constantFrom('', '1', '11', 'q1')), { minLength: 1, maxLength: 60 })], { numRuns: 30 })(
    'hash through a cache (texts sharing a slot, one text again as a new string): the same hash as the records kept, each text hashed',
    (says) => {
      const run = (keep: boolean): string => {
        const sim = new Simulation({ seed: 1, trace: { keep } });
        sim.addNode('p', talker);
        sim.addNode('q', talker);
        for (const [a, b] of says) sim.command('p', { to: 'q', a, b });
        sim.run();
        return sim.trace.hash();
      };
      expect(run(false)).toBe(run(true));
    },
  );
});

describe('simulation: time, timers and ordering', () => {
  it('cancelled timers never fire; a replaced timer fires once at its new time', () => {
    const sim = new Simulation({ seed: 1, trace: { keep: true } });
    sim.addNode('a', pinger);
    sim.command('a', { type: 'later', name: 'x', afterMs: 10 });
    sim.command('a', { type: 'later', name: 'y', afterMs: 20 });
    sim.command('a', { type: 'cancel', name: 'x' });
    sim.command('a', { type: 'later', name: 'y', afterMs: 30 }); // replaces y
    const r = sim.run();
    expect(r.reason).toBe('idle');
    expect(sim.state<PingState>('a')!.log).toEqual(['30 timer y']);
    expect(sim.trace.records.filter((x) => x.k === 'timer')).toHaveLength(1);
  });

  it('actions at equal times run in the order they were scheduled', () => {
    const sim = new Simulation({ seed: 1 });
    const out: string[] = [];
    sim.at(5, () => out.push('first'));
    sim.at(3, () => out.push('earlier'));
    sim.at(5, () => out.push('second'));
    sim.at(5, () => sim.at(5, () => out.push('scheduled-during-5')));
    sim.run();
    expect(out).toEqual(['earlier', 'first', 'second', 'scheduled-during-5']);
  });

  it('a run that ends idle says so, and run-until-time advances the clock', () => {
    const sim = new Simulation({ seed: 1 });
    sim.addNode('a', pinger);
    sim.addNode('b', pinger);
    sim.command('a', { type: 'kick', to: 'b', n: 3 });
    const r = sim.run();
    expect(r).toMatchObject({ reason: 'idle' });
    expect(r.events).toBe(4);
    const t = sim.run({ until: 1000 });
    expect(t).toEqual({ reason: 'time', now: 1000, events: 0 });
  });

  it('run stops on a condition and on an event budget', () => {
    const sim = new Simulation({ seed: 1 });
    sim.addNode('a', pinger);
    sim.addNode('b', pinger);
    sim.command('a', { type: 'kick', to: 'b', n: 100 });
    const c = sim.run({ stopWhen: () => sim.state<PingState>('b')!.received >= 3 });
    expect(c.reason).toBe('condition');
    expect(sim.state<PingState>('b')!.received).toBe(3);
    const b = sim.run({ maxEvents: 5 });
    expect(b).toMatchObject({ reason: 'budget', events: 5 });
  });
});

describe('simulation: crash and restart', () => {
  it('a crash drops volatile state and keeps durable state; restart rebuilds from it', () => {
    const sim = new Simulation({ seed: 1 });
    sim.addNode('c', counter);
    for (let i = 0; i < 3; i++) sim.command('c', { type: 'inc' });
    expect(sim.state<CounterState>('c')).toEqual({ volatileHits: 3, total: 3 });
    sim.crash('c');
    expect(sim.isUp('c')).toBe(false);
    expect(sim.state('c')).toBeUndefined();
    expect(sim.command('c', { type: 'inc' })).toBe(false); // a down node takes no command
    sim.restart('c');
    expect(sim.state<CounterState>('c')).toEqual({ volatileHits: 0, total: 3 });
    expect(sim.durable('c').list('incs')).toEqual([1, 2, 3]);
  });

  it('messages in flight to a crashed node are dropped and traced, even if it restarts first', () => {
    const sim = new Simulation({ seed: 1, network: { latency: { kind: 'fixed', ms: 10 } }, trace: { keep: true } });
    sim.addNode('a', pinger);
    sim.addNode('b', pinger);
    sim.command('a', { type: 'kick', to: 'b', n: 0 });
    sim.after(2, () => sim.crash('b'));
    sim.after(4, () => sim.restart('b'));
    sim.run();
    expect(sim.state<PingState>('b')!.received).toBe(0);
    const kinds = sim.trace.records.map((r: TraceRecord) => (r.k === 'drop' ? `drop:${r.reason}` : r.k));
    expect(kinds).toEqual(['command', 'send', 'crash', 'restart', 'drop:down']);
  });

  it('timers of a crashed node never fire', () => {
    const sim = new Simulation({ seed: 1, trace: { keep: true } });
    sim.addNode('a', pinger);
    sim.command('a', { type: 'later', name: 't', afterMs: 10 });
    sim.after(5, () => sim.crash('a'));
    sim.after(6, () => sim.restart('a'));
    sim.run();
    expect(sim.state<PingState>('a')!.log).toEqual([]);
  });

  it('crash twice and restart of a running node are refused', () => {
    const sim = new Simulation({ seed: 1 });
    sim.addNode('a', pinger);
    expect(() => sim.restart('a')).toThrow(/already up/);
    sim.crash('a');
    expect(() => sim.crash('a')).toThrow(/already down/);
    expect(() => sim.crash('zz')).toThrow(/unknown node "zz"/);
  });

  it('emitted events go to the trace and to observers', () => {
    const sim = new Simulation({ seed: 1 });
    sim.addNode('c', counter);
    const seen: unknown[] = [];
    sim.observe((r) => {
      if (r.k === 'event') seen.push(r.e);
    });
    sim.command('c', { type: 'inc' });
    sim.command('c', { type: 'inc' });
    expect(seen).toEqual([{ type: 'counted', total: 1 }, { type: 'counted', total: 2 }]);
  });
});

describe('simulation: processing cost', () => {
  it('a node handles one message at a time: a burst queues behind the cost', () => {
    const sim = new Simulation({ seed: 1, network: { latency: { kind: 'fixed', ms: 1 } }, processing: { perMessageMs: 2 } });
    for (const id of ['a', 'b', 'c', 'sink']) sim.addNode(id, pinger);
    for (const id of ['a', 'b', 'c']) sim.command(id, { type: 'kick', to: 'sink', n: 0 });
    sim.run();
    // Three messages arrive at t=1; each costs 2 ms of the sink's time, one after another.
    expect(sim.state<PingState>('sink')!.log).toEqual(['3.000 a 0', '5.000 b 0', '7.000 c 0']);
  });

  it('per-node costs override the default, and a cost of zero changes nothing', () => {
    const run = (processing?: { perMessageMs: number; perNodeMs?: Record<string, number> }): string[] => {
      const sim = new Simulation({ seed: 1, network: { latency: { kind: 'fixed', ms: 1 } }, ...(processing ? { processing } : {}) });
      sim.addNode('a', pinger);
      sim.addNode('b', pinger);
      sim.command('a', { type: 'kick', to: 'b', n: 2 });
      sim.run();
      return sim.state<PingState>('a')!.log;
    };
    expect(run({ perMessageMs: 0 })).toEqual(run());
    // b takes 5 ms per message: its answer leaves at 6 instead of 1 and reaches a at 7.
    expect(run({ perMessageMs: 0, perNodeMs: { b: 5 } })).toEqual(['7.000 b 1']);
    expect(run()).toEqual(['2.000 b 1']);
    expect(() => new Simulation({ seed: 1, processing: { perMessageMs: -1 } })).toThrow(/processing cost perMessageMs must be >= 0/);
  });
});
