import { describe, expect, it } from 'vitest';
import { test as fcTest, fc } from '@fast-check/vitest';
import { Trace, canonicalLine, hash32, type TraceRecord } from '../../../src/sim/kernel/index.ts';

const base: TraceRecord[] = [
  { t: 0, k: 'note', text: 'start' },
  { t: 1.5, k: 'send', id: 1, from: 'a', to: 'b', m: 'PrePrepare v0 s1' },
  { t: 3.25, k: 'deliver', id: 1, from: 'a', to: 'b', m: 'PrePrepare v0 s1' },
  { t: 4, k: 'event', node: 'b', e: { type: 'bft.decided', seq: 1 } },
];
const hashOf = (records: readonly TraceRecord[]): string => {
  const t = new Trace();
  records.forEach((r) => t.record(r));
  return t.hash();
};

describe('trace: identity of a run', () => {
  it('the hash is 16 hex digits and stable for the same records', () => {
    expect(hashOf(base)).toMatch(/^[0-9a-f]{16}$/);
    expect(hashOf(base)).toBe(hashOf(base.map((r) => ({ ...r }))));
  });

  it('changing any one field, or the order, changes the hash', () => {
    const h = hashOf(base);
    const variants: TraceRecord[][] = [
      [base[0]!, { ...base[1]!, t: 1.501 } as TraceRecord, base[2]!, base[3]!],
      [base[0]!, { ...base[1]!, to: 'c' } as TraceRecord, base[2]!, base[3]!],
      [base[0]!, base[1]!, { ...base[2]!, m: 'PrePrepare v0 s2' } as TraceRecord, base[3]!],
      [base[0]!, base[1]!, base[2]!, { t: 4, k: 'event', node: 'b', e: { type: 'bft.decided', seq: 2 } }],
      [base[0]!, base[2]!, base[1]!, base[3]!],
      base.slice(0, 3),
    ];
    for (const v of variants) expect(hashOf(v)).not.toBe(h);
  });

  it('field boundaries count: "ab"+"c" is not "a"+"bc"', () => {
    expect(hashOf([{ t: 0, k: 'timer', node: 'ab', name: 'c' }])).not.toBe(hashOf([{ t: 0, k: 'timer', node: 'a', name: 'bc' }]));
  });

  it('streams every record to a sink and keeps them on request', () => {
    const lines: string[] = [];
    const t = new Trace({ keep: true, sink: (r) => lines.push(JSON.stringify(r)) });
    base.forEach((r) => t.record(r));
    expect(t.length).toBe(4);
    expect(t.records).toEqual(base);
    expect(lines.map((l) => JSON.parse(l))).toEqual(base);
  });

  it('canonical lines read as a transcript', () => {
    expect(base.map(canonicalLine)).toEqual([
      '0.000 note start',
      '1.500 send #1 a>b PrePrepare v0 s1',
      '3.250 deliver #1 a>b PrePrepare v0 s1',
      '4.000 event b {"type":"bft.decided","seq":1}',
    ]);
  });

  it('a subscriber sees only the kinds it asks for, and the hash is the same either way', () => {
    const seen: string[] = [];
    const t = new Trace();
    t.subscribe((r) => seen.push(r.k), ['event', 'note']);
    for (const r of base) {
      if (r.k === 'send' || r.k === 'deliver') t.recordMessage(r.k, r.t, r.id, r.from, hash32(r.from), r.to, hash32(r.to), r.m, hash32(r.m));
      else t.record(r);
    }
    expect(seen).toEqual(['note', 'event']);
    expect(t.hash()).toBe(hashOf(base));
  });
});

describe('trace: the message fast path', () => {
  fcTest.prop(
    [fc.array(fc.tuple(fc.boolean(), fc.double({ min: 0, max: 1e10, noNaN: true }), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.string(), fc.string(), fc.string()), { maxLength: 20 })],
    { numRuns: 200 },
  )('recordMessage folds exactly what record folds (times past 2^32 µs, ids past 2^32)', (msgs) => {
    const slow = new Trace({ keep: true });
    const fast = new Trace();
    for (const [send, t, id, from, to, m] of msgs) {
      const k = send ? 'send' : 'deliver';
      slow.recordMessage(k, t, id, from, hash32(from), to, hash32(to), m, hash32(m));
      fast.recordMessage(k, t, id, from, hash32(from), to, hash32(to), m, hash32(m));
    }
    expect(fast.hash()).toBe(slow.hash());
    expect(fast.length).toBe(slow.length);
  });
});

describe('trace: the event fast path', () => {
  fcTest.prop([fc.array(fc.tuple(fc.double({ min: 0, max: 1e10, noNaN: true }), fc.string(), fc.jsonValue()), { maxLength: 20 })], { numRuns: 200 })(
    'recordEvent folds exactly what record folds, and a listener of events still gets the record',
    (events) => {
      const slow = new Trace();
      const fast = new Trace();
      const seen: TraceRecord[] = [];
      const watched = new Trace();
      watched.subscribe((r) => seen.push(r), ['event']);
      for (const [t, node, e] of events) {
        slow.record({ t, k: 'event', node, e });
        fast.recordEvent(t, node, hash32(node), e);
        watched.recordEvent(t, node, hash32(node), e);
      }
      expect(fast.hash()).toBe(slow.hash());
      expect(fast.length).toBe(slow.length);
      expect(watched.hash()).toBe(slow.hash());
      expect(seen).toEqual(events.map(([t, node, e]) => ({ t, k: 'event', node, e })));
    },
  );
});

describe('trace: typed records keep the hash of the notes they replaced', () => {
  it('a fault folds as the note of its text: same canonical line, same hash', () => {
    const asNote: TraceRecord[] = [...base, { t: 5, k: 'note', text: 'partition [["a"],["b"]]' }, { t: 9, k: 'note', text: 'heal' }];
    const asFault: TraceRecord[] = [
      ...base,
      { t: 5, k: 'fault', fault: 'partition', groups: [['a'], ['b']], text: 'partition [["a"],["b"]]' },
      { t: 9, k: 'fault', fault: 'heal', text: 'heal' },
    ];
    expect(asFault.map(canonicalLine)).toEqual(asNote.map(canonicalLine));
    expect(hashOf(asFault)).toBe(hashOf(asNote));
  });

  it('step records are kept and streamed in order, outside the hash and the count', () => {
    const seen: string[] = [];
    const t = new Trace({ keep: true, sink: (r) => seen.push(r.k) });
    t.annotate({ t: 0, k: 'step', phase: 'start', index: 1, op: 'stop', name: 'stop b' });
    base.forEach((r) => t.record(r));
    t.record({ t: 4, k: 'step', phase: 'end', index: 1, op: 'stop', name: 'stop b', ok: true, value: { ok: true }, expected: null, error: null, tookMs: 4 });
    expect(seen).toEqual(['step', 'note', 'send', 'deliver', 'event', 'step']);
    expect(t.records).toHaveLength(6);
    expect(t.length).toBe(4);
    expect(t.hash()).toBe(hashOf(base));
    expect(canonicalLine(t.records[5]!)).toBe('4.000 step end #1 stop b ok');
  });

  it('a send record\'s message fields are not hashed: the same fold as the hot path without them', () => {
    const bare = new Trace();
    bare.recordMessage('send', 1, 1, 'a', hash32('a'), 'b', hash32('b'), 'Commit v0 s1 assist', hash32('Commit v0 s1 assist'));
    expect(hashOf([{ t: 1, k: 'send', id: 1, from: 'a', to: 'b', m: 'Commit v0 s1 assist', msg: { type: 'Commit', view: 0, seq: 1, flags: ['assist'] } }])).toBe(bare.hash());
  });
});
