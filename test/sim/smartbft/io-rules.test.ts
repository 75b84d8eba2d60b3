/**
 * Io (io.ts): the effects one step produces. Sends go to known consenters other than this
 * one; gauges are emitted only when their value changes; a Byzantine sender's proposals
 * and votes show their digest in the trace.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/sim/kernel/rng.ts';
import { Io } from '../../../src/sim/smartbft/io.ts';
import { OneConsenter } from './one.ts';

const ioOf = (node: OneConsenter): Io => new Io(node.state, { now: node.now, self: `orderer${node.id}`, rng: Rng.create(1) });
const hb = { type: 'HeartBeat' as const, view: 0, seq: 1 };

describe('Io', () => {
  it('send: to a known consenter other than itself only', () => {
    const node = new OneConsenter(1, 4);
    const io = ioOf(node);
    io.send(1, hb);
    io.send(9, hb);
    io.send(2, hb);
    expect(io.effects).toEqual([{ kind: 'send', to: 'orderer2', msg: hb }]);
  });

  it('broadcast: every other consenter, in id order', () => {
    const io = ioOf(new OneConsenter(3, 4));
    io.broadcast(hb);
    expect(io.effects.map((e) => (e.kind === 'send' ? e.to : e.kind))).toEqual(['orderer1', 'orderer2', 'orderer4']);
  });

  it('end: the step\'s effects, and the Io holds neither the state nor the context after it (a crashed node\'s state is not kept alive by its machine), nor the effects of the step before', () => {
    const node = new OneConsenter(2, 4);
    const io = ioOf(node);
    io.send(1, hb);
    expect(io.end()).toEqual([{ kind: 'send', to: 'orderer1', msg: hb }]);
    expect(io.s).toBeUndefined();
    expect(io.ctx).toBeUndefined();
    expect(() => io.send(1, hb)).toThrow(TypeError);
    io.reset(node.state, { now: node.now, self: 'orderer2', rng: Rng.create(1) });
    expect(io.effects).toEqual([]);
  });

  it('metric: emitted when its value changes, not when it is set again to the same value', () => {
    const io = ioOf(new OneConsenter(1, 4));
    io.metric('m', 1);
    io.metric('m', 1);
    io.metric('m', 2);
    expect(io.effects.map((e) => (e.kind === 'emit' ? (e.event as { value: number }).value : -1))).toEqual([1, 2]);
  });

  it('a Byzantine sender\'s PrePrepare, Prepare and Commit carry showDigest; its other messages do not', () => {
    const node = new OneConsenter(1, 4);
    node.state.byzantine = 'corruptSignature';
    const io = ioOf(node);
    const proposal = { header: 'h', payload: [], metadata: { viewId: 0, latestSequence: 1, decisionsInView: 0 }, digest: 'd' };
    io.send(2, { type: 'PrePrepare', view: 0, seq: 1, proposal });
    io.send(2, { type: 'Prepare', view: 0, seq: 1, digest: 'd', assist: false });
    io.send(2, hb);
    expect(io.effects.map((e) => (e.kind === 'send' ? (e.msg as { showDigest?: boolean }).showDigest : 'x'))).toEqual([true, true, undefined]);
  });
});
