import { describe, expect, it } from 'vitest';
import { test as fcTest, fc } from '@fast-check/vitest';
import { Network, Rng, Simulation } from '../../../src/sim/kernel/index.ts';
import { ROUTE_LOSS } from '../../../src/sim/kernel/network.ts';
import { pinger, type PingState } from './helpers.ts';

const nodes = ['a', 'b', 'c', 'd'];

describe('network: partitions block exactly the cut links', () => {
  it('two groups: links inside a group work, links across are cut, heal restores all', () => {
    const net = new Network({}, Rng.create(1));
    net.partition([['a', 'b'], ['c']]); // d is not named: it joins the implicit rest group alone
    const expected: Record<string, boolean> = {
      'a->b': true, 'b->a': true, 'a->c': false, 'c->a': false, 'b->c': false,
      'a->d': false, 'c->d': false, 'd->c': false,
    };
    for (const [k, ok] of Object.entries(expected)) {
      const [x, y] = k.split('->') as [string, string];
      expect(net.connected(x, y), k).toBe(ok);
    }
    net.heal();
    for (const x of nodes) for (const y of nodes) expect(net.connected(x, y)).toBe(true);
  });

  it('type drops block only the named message types, one way, until heal', () => {
    const net = new Network({}, Rng.create(1));
    net.dropTypes('a', 'b', ['Commit']);
    expect(net.passes('a', 'b', { type: 'Commit' })).toBe(false);
    expect(net.passes('a', 'b', { type: 'Prepare' })).toBe(true);
    expect(net.passes('b', 'a', { type: 'Commit' })).toBe(true);
    expect(net.passes('a', 'b', 'not an object')).toBe(true);
    expect(net.connected('a', 'b')).toBe(true);
    net.heal();
    expect(net.passes('a', 'b', { type: 'Commit' })).toBe(true);
  });

  it('a one-way cut blocks one direction only', () => {
    const net = new Network({}, Rng.create(1));
    net.cut('a', 'b');
    expect(net.connected('a', 'b')).toBe(false);
    expect(net.connected('b', 'a')).toBe(true);
    net.isolate('c', nodes);
    expect(net.connected('c', 'a')).toBe(false);
    expect(net.connected('d', 'c')).toBe(false);
    expect(net.connected('a', 'd')).toBe(true);
  });

  it('a node in two groups is refused', () => {
    const net = new Network({}, Rng.create(1));
    expect(() => net.partition([['a'], ['a', 'b']])).toThrow(/node a is in two groups/);
  });

  it('a message sent across a partition is dropped and traced; after heal it arrives', () => {
    const sim = new Simulation({ seed: 1, trace: { keep: true } });
    sim.addNode('a', pinger);
    sim.addNode('b', pinger);
    sim.network.partition([['a'], ['b']]);
    sim.command('a', { type: 'kick', to: 'b', n: 0 });
    sim.run();
    expect(sim.state<PingState>('b')!.received).toBe(0);
    expect(sim.trace.records.some((r) => r.k === 'drop' && r.reason === 'partition')).toBe(true);
    sim.network.heal();
    sim.command('a', { type: 'kick', to: 'b', n: 0 });
    sim.run();
    expect(sim.state<PingState>('b')!.received).toBe(1);
  });

  it('a partition that forms while a message is in flight drops it on arrival', () => {
    const sim = new Simulation({ seed: 1, network: { latency: { kind: 'fixed', ms: 10 } }, trace: { keep: true } });
    sim.addNode('a', pinger);
    sim.addNode('b', pinger);
    sim.command('a', { type: 'kick', to: 'b', n: 0 });
    sim.after(5, () => sim.network.partition([['a'], ['b']]));
    sim.run();
    expect(sim.state<PingState>('b')!.received).toBe(0);
    const drop = sim.trace.records.find((r) => r.k === 'drop');
    expect(drop).toMatchObject({ t: 10, reason: 'partition' });
  });
});

describe('network: latency, loss, duplication, reordering, zones', () => {
  const sendMany = (cfg: ConstructorParameters<typeof Network>[0], count = 200): number[][] => {
    const net = new Network(cfg, Rng.create(5));
    const out: number[][] = [];
    for (let i = 0; i < count; i++) {
      const r = net.route('a', 'b', i);
      out.push('delivered' in r ? [...r.delivered] : []);
    }
    return out;
  };

  it('fixed latency delivers exactly that much later', () => {
    for (const [i, d] of sendMany({ latency: { kind: 'fixed', ms: 7 } }, 10).entries()) expect(d).toEqual([i + 7]);
  });

  it('uniform latency stays within its bounds and links are FIFO by default', () => {
    const times = sendMany({ latency: { kind: 'uniform', minMs: 1, maxMs: 50 } }).map((d) => d[0]!);
    times.forEach((t, i) => {
      expect(t - i).toBeGreaterThanOrEqual(1);
      if (i > 0) expect(t).toBeGreaterThanOrEqual(times[i - 1]!);
    });
  });

  it('with reorderProbability messages can overtake each other', () => {
    const times = sendMany({ latency: { kind: 'uniform', minMs: 1, maxMs: 50 }, reorderProbability: 1 }).map((d) => d[0]!);
    expect(times.some((t, i) => i > 0 && t < times[i - 1]!)).toBe(true);
  });

  it('loss drops about the configured share and duplication delivers twice', () => {
    const lossy = sendMany({ lossProbability: 0.3 }, 1000);
    const lost = lossy.filter((d) => d.length === 0).length;
    expect(lost).toBeGreaterThan(200);
    expect(lost).toBeLessThan(400);
    const dup = sendMany({ duplicateProbability: 1 }, 10);
    for (const d of dup) expect(d).toHaveLength(2);
  });

  it('zone-to-zone latency applies across zones, the default latency inside one', () => {
    const net = new Network(
      {
        latency: { kind: 'fixed', ms: 1 },
        zones: { a: 'z1', b: 'z1', c: 'z2' },
        zoneLatency: { 'z1->z2': { kind: 'fixed', ms: 30 } },
      },
      Rng.create(1),
    );
    expect(net.route('a', 'b', 0)).toEqual({ delivered: [1] });
    expect(net.route('a', 'c', 0)).toEqual({ delivered: [30] });
    expect(net.route('c', 'b', 0)).toEqual({ delivered: [30] }); // looked up both ways
  });

  it('bad settings are refused with the field named', () => {
    expect(() => new Network({ lossProbability: 2 }, Rng.create(1))).toThrow(/lossProbability must be in \[0, 1\]/);
    expect(() => new Network({ latency: { kind: 'uniform', minMs: 5, maxMs: 1 } }, Rng.create(1))).toThrow(/network.latency/);
  });
});

describe('network: the kernel\'s hot path (link handles, routeLink)', () => {
  fcTest.prop([fc.integer(), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })], { numRuns: 50 })(
    'routeLink on a held link draws what routeInto draws, message for message',
    (seed, loss, dup, reorder) => {
      const cfg = { latency: { kind: 'uniform', minMs: 1, maxMs: 40 } as const, lossProbability: loss, duplicateProbability: dup, reorderProbability: reorder };
      const viaRoute = new Network(cfg, Rng.create(seed));
      const viaLink = new Network(cfg, Rng.create(seed));
      const link = viaLink.link('a', 'b');
      for (let now = 0; now < 60; now += 1.5) {
        const out: number[] = [];
        const dropped = viaRoute.routeInto('a', 'b', now, out);
        const at = viaLink.routeLink(link, now);
        if (dropped === 'loss') {
          expect(at).toBe(ROUTE_LOSS);
        } else {
          expect([at, ...(viaLink.duplicateAt >= 0 ? [viaLink.duplicateAt] : [])]).toEqual(out);
        }
      }
    },
  );

  it('reconfigure updates a link in place: a handle taken before it sees the new settings', () => {
    const net = new Network({ latency: { kind: 'fixed', ms: 5 } }, Rng.create(1));
    const link = net.link('a', 'b');
    expect(net.routeLink(link, 0)).toBe(5);
    net.reconfigure({ latency: { kind: 'fixed', ms: 40 } });
    expect(net.link('a', 'b')).toBe(link);
    expect(net.routeLink(link, 10)).toBe(50);
    net.reconfigure({ latency: { kind: 'fixed', ms: 1 }, lossProbability: 1 });
    expect(net.routeLink(link, 60)).toBe(ROUTE_LOSS);
  });

  it('a simulation picks up a mid-run reconfigure on links it has already used', () => {
    const sim = new Simulation({ seed: 3, network: { latency: { kind: 'fixed', ms: 2 } }, trace: { keep: true } });
    sim.addNode('a', pinger);
    sim.addNode('b', pinger);
    sim.command('a', { type: 'kick', to: 'b', n: 0 });
    sim.run();
    sim.network.reconfigure({ latency: { kind: 'fixed', ms: 25 } });
    sim.command('a', { type: 'kick', to: 'b', n: 0 });
    sim.run();
    const delivered = sim.trace.records.filter((r) => r.k === 'deliver').map((r) => r.t);
    expect(delivered).toEqual([2, 27]);
  });
});
