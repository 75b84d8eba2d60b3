import { describe, expect, it } from 'vitest';
import { test as fcTest, fc } from '@fast-check/vitest';
import { Scheduler } from '../../../src/sim/kernel/index.ts';

describe('scheduler: (time, insertion) order', () => {
  it('events at equal times run in insertion order', () => {
    const s = new Scheduler<string>();
    s.schedule(5, 'a');
    s.schedule(5, 'b');
    s.schedule(1, 'first');
    s.schedule(5, 'c');
    const out: string[] = [];
    for (let e = s.next(); e; e = s.next()) out.push(e.payload);
    expect(out).toEqual(['first', 'a', 'b', 'c']);
  });

  fcTest.prop([fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.boolean()), { maxLength: 200 })])(
    'pops every live event sorted by (time, seq), never a cancelled one',
    (specs) => {
      const s = new Scheduler<number>();
      const evs = specs.map(([t], i) => s.schedule(t, i));
      specs.forEach(([, cancel], i) => {
        if (cancel) s.cancel(evs[i]!);
      });
      const expected = specs
        .map(([t, cancel], i) => ({ t, i, cancel }))
        .filter((x) => !x.cancel)
        .sort((a, b) => a.t - b.t || a.i - b.i)
        .map((x) => x.i);
      expect(s.pending).toBe(expected.length);
      const got: number[] = [];
      let last = -1;
      for (let e = s.next(); e; e = s.next()) {
        expect(e.time).toBeGreaterThanOrEqual(last);
        last = e.time;
        expect(s.now).toBe(e.time);
        got.push(e.payload);
      }
      expect(got).toEqual(expected);
      expect(s.pending).toBe(0);
    },
  );

  it('refuses to schedule in the past', () => {
    const s = new Scheduler<string>();
    s.schedule(10, 'x');
    s.next();
    expect(() => s.schedule(9, 'late')).toThrow(/before now/);
  });

  it('cancelling twice counts once', () => {
    const s = new Scheduler<string>();
    const e = s.schedule(1, 'x');
    s.schedule(2, 'y');
    s.cancel(e);
    s.cancel(e);
    expect(s.pending).toBe(1);
    expect(s.next()?.payload).toBe('y');
  });

  it('cancelling an event that already ran changes nothing', () => {
    const s = new Scheduler<string>();
    const a = s.schedule(1, 'a');
    s.schedule(2, 'b');
    expect(s.next()?.payload).toBe('a');
    s.cancel(a);
    expect(s.pending).toBe(1);
    expect(s.next()?.payload).toBe('b');
    expect(s.pending).toBe(0);
  });
});

describe('scheduler: caller-built events (scheduleEvent)', () => {
  fcTest.prop([fc.array(fc.tuple(fc.integer({ min: 0, max: 10 }), fc.boolean()), { maxLength: 100 })])(
    'events scheduled either way come out together in (time, insertion) order',
    (specs) => {
      const s = new Scheduler<number>();
      specs.forEach(([t, own], i) => {
        if (own) s.scheduleEvent({ time: t, seq: -1, payload: i, cancelled: false });
        else s.schedule(t, i);
      });
      const expected = specs.map(([t], i) => ({ t, i })).sort((a, b) => a.t - b.t || a.i - b.i).map((x) => x.i);
      const got: number[] = [];
      for (let e = s.next(); e; e = s.next()) got.push(e.payload);
      expect(got).toEqual(expected);
    },
  );

  it('a caller-built event can be cancelled, and one in the past is refused', () => {
    const s = new Scheduler<string>();
    const ev = { time: 3, seq: -1, payload: 'x', cancelled: false };
    s.scheduleEvent(ev);
    s.schedule(4, 'y');
    s.cancel(ev);
    expect(s.pending).toBe(1);
    expect(s.next()?.payload).toBe('y');
    expect(() => s.scheduleEvent({ time: 2, seq: -1, payload: 'late', cancelled: false })).toThrow(/before now/);
  });
});

describe('scheduler: a heap past its first 1,024 slots, taken and refilled', () => {
  fcTest.prop([fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.nat(3)), { minLength: 1_200, maxLength: 1_600 })], { numRuns: 5 })(
    'events scheduled while others are taken, some cancelled, come out in (time, insertion) order',
    (specs) => {
      const s = new Scheduler<number>();
      // A model of the queue: the pending (time, insertion number, cancelled) entries.
      const model: { t: number; i: number; ev: { cancelled: boolean } }[] = [];
      const got: number[] = [];
      const want: number[] = [];
      const take = (): void => {
        // The model's answer first: taking an event marks it cancelled.
        const live = model.filter((m) => !m.ev.cancelled).sort((a, b) => a.t - b.t || a.i - b.i)[0];
        const e = s.next();
        expect(e?.payload).toBe(live?.i);
        if (live !== undefined) model.splice(model.indexOf(live), 1);
        if (e !== undefined) got.push(e.payload);
        if (live !== undefined) want.push(live.i);
      };
      specs.forEach(([dt, op], i) => {
        const ev = s.schedule(s.now + dt, i);
        model.push({ t: s.now + dt, i, ev });
        if (op === 0) take();
        if (op === 1 && i % 7 === 0) s.cancel(ev);
      });
      while (s.pending > 0) take();
      expect(got).toEqual(want);
      expect(s.next()).toBeUndefined();
    },
  );
});
