/**
 * Twins (twins.ts, Bano et al.): two honest copies of consenter 1 of 4 under one identity.
 * One input at a time: which twin gets it, and how each twin's effects are kept apart
 * (timer names, disk keys, events).
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/sim/kernel/rng.ts';
import type { DurableView, Effect, Input } from '../../../src/sim/kernel/types.ts';
import { createTwins, hash64 } from '../../../src/sim/smartbft/api.ts';
import type { BftCommand, BftEvent, BftMessage } from '../../../src/sim/smartbft/messages.ts';

type Eff = Effect<BftMessage, BftEvent>;
const nodes = [1, 2, 3, 4].map((id) => ({ id, name: `orderer${id}` }));

function store(entries: Record<string, unknown[]> = {}): DurableView {
  const m = new Map(Object.entries(entries));
  return {
    get: <T>(key: string) => m.get(key) as T | undefined,
    list: <T>(key: string) => (m.get(key) ?? []) as readonly T[],
    has: (key: string) => m.has(key),
    keys: () => [...m.keys()],
  };
}
const ctx = () => ({ now: 0, self: 'orderer1', rng: Rng.create(1).fork('twins') });
/** The twins an input's effects came from: a timer's name prefix, a disk key's, an event's tag (sends are not tagged). */
const twinOf = (effects: readonly Eff[]): string[] => {
  const out = new Set<string>();
  for (const e of effects) {
    if (e.kind === 'setTimer' || e.kind === 'cancelTimer') out.add(e.name.slice(0, 2));
    else if (e.kind === 'persist') out.add(e.op.key.slice(0, 2));
    else if (e.kind === 'emit') out.add(`${(e.event as { twin?: string }).twin ?? '-'}:`);
  }
  return [...out].sort().map((t) => t.replace(/[:/]$/, ''));
};

describe('createTwins', () => {
  it('start: each twin starts from its own disk keys; its timers, disk writes and events are tagged with it', () => {
    const machine = createTwins({ id: 1, nodes });
    const { state, effects } = machine.start(ctx(), store({ 'b/ledger': [] , 'b/wal': [{ type: 'ViewChange', nextView: 1 }] }));
    expect(state.a.view.number).toBe(0);
    expect(state.b.view.number).toBe(1);
    const timers = effects.filter((e) => e.kind === 'setTimer').map((e) => (e as { name: string }).name);
    expect(timers).toContain('a:tick');
    expect(timers).toContain('b:tick');
    expect(timers.every((n) => n.startsWith('a:') || n.startsWith('b:'))).toBe(true);
    expect(twinOf(effects)).toEqual(['a', 'b']);
  });

  it('a twin\'s disk writes go under its own prefix', () => {
    const machine = createTwins({ id: 1, nodes, config: { RequestBatchMaxCount: 1 } });
    const { state } = machine.start(ctx(), store());
    const reqId = ['r1', 'r2', 'r3'].find((r) => parseInt(hash64(r).slice(0, 2), 16) % 2 === 1) as string;
    const out = machine.step(state, { kind: 'command', command: { type: 'submit', request: { clientId: 'c', reqId, size: 1, payload: null } } }, ctx());
    const keys = out.filter((e) => e.kind === 'persist').map((e) => (e as { op: { key: string; op: string } }).op);
    expect(keys.map((o) => `${o.op} ${o.key}`)).toEqual(['truncate b/wal', 'append b/wal']);
    // Its batch timer, cancelled as the full batch is proposed, and re-armed names: the twin's own.
    expect(out).toContainEqual({ kind: 'cancelTimer', name: 'b:batch' });
    expect(out.filter((e) => e.kind === 'setTimer' || e.kind === 'cancelTimer').every((e) => (e as { name: string }).name.startsWith('b:'))).toBe(true);
  });

  it('a prefixed disk lists only its own twin\'s keys, without the prefix', () => {
    const machine = createTwins({ id: 1, nodes });
    let seen: string[] = [];
    const d = store({ 'a/ledger': [], 'b/wal': [], other: [] });
    const spy: DurableView = { ...d, list: <T>(key: string) => ((seen = [...seen, key]), d.list<T>(key)) };
    machine.start(ctx(), spy);
    expect(seen.filter((k) => k.endsWith('ledger'))).toEqual(['a/ledger', 'b/ledger']);
  });

  it('step: a timer goes to the twin its name names, without the prefix; a message by the sender\'s id (odd: a, even: b); a submission by its request id; other commands to both', () => {
    const machine = createTwins({ id: 1, nodes });
    const { state } = machine.start(ctx(), store());
    const step = (input: Input<BftMessage, BftCommand>) => twinOf(machine.step(state, input, ctx()));
    expect(step({ kind: 'timer', name: 'b:tick' })).toEqual(['b']);
    expect(step({ kind: 'timer', name: 'a:tick' })).toEqual(['a']);
    const submitMsg = (reqId: string) => ({ type: 'Submit', request: { clientId: 'c', reqId, size: 1, payload: null } }) as BftMessage;
    expect(step({ kind: 'message', from: 'orderer3', msg: submitMsg('m3') })).toEqual(['a']);
    expect(step({ kind: 'message', from: 'orderer2', msg: submitMsg('m2') })).toEqual(['b']);
    // The pool each request lands in (later ones set no new timer).
    const pools = () => [state.a.pool.size, state.b.pool.size];
    for (const from of ['stranger', 'client7', 'gateway', 'peer0']) {
      const want = parseInt(hash64(from).slice(0, 2), 16) % 2 === 0 ? 0 : 1;
      const before = pools();
      machine.step(state, { kind: 'message', from, msg: submitMsg(`s-${from}`) }, ctx());
      expect(pools().map((x, i) => x - (before[i] as number))).toEqual(want === 0 ? [1, 0] : [0, 1]);
    }
    for (const reqId of ['r1', 'r2', 'r3', 'r4']) {
      const want = parseInt(hash64(reqId).slice(0, 2), 16) % 2 === 0 ? 0 : 1;
      const before = pools();
      machine.step(state, { kind: 'command', command: { type: 'submit', request: { clientId: 'c', reqId, size: 1, payload: null } } }, ctx());
      expect(pools().map((x, i) => x - (before[i] as number))).toEqual(want === 0 ? [1, 0] : [0, 1]);
    }
    expect(step({ kind: 'command', command: { type: 'byzantine', behaviour: 'silent' } })).toEqual(['a', 'b']);
    expect([state.a.byzantine, state.b.byzantine]).toEqual(['silent', 'silent']);
  });

  it('a timer carries its data to the twin', () => {
    const machine = createTwins({ id: 1, nodes });
    const { state } = machine.start(ctx(), store());
    expect(() => machine.step(state, { kind: 'timer', name: 'a:tick', data: 1 }, ctx())).not.toThrow();
    expect(machine.describe).toBeTypeOf('function');
  });
});
