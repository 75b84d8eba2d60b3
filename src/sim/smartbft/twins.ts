/**
 * Twins (Bano et al., "Twins: BFT Systems Made Robust"): two honest copies of one
 * consenter run under the same identity and keys, each with its own disk. The others'
 * messages reach one twin or the other by sender (odd consenter ids to twin `a`, even to
 * twin `b`), client submissions by request (alternately), so the twins drift apart and,
 * as leaders, equivocate without any code written to do so. Both twins send to everyone.
 */
import type { DurableOp, DurableView, Effect, Input, NodeContext, NodeMachine } from '../kernel/types.ts';
import type { ConsenterOptions } from './api.ts';
import { createConsenter } from './controller.ts';
import { hash64 } from '../consensus/crypto.ts';
import { describeMessage, messageFields, type BftCommand, type BftEvent, type BftMessage } from './messages.ts';
import type { ConsenterState } from './state.ts';

export interface TwinsState {
  readonly a: ConsenterState;
  readonly b: ConsenterState;
}

type Twin = 'a' | 'b';

function prefixedView(d: DurableView, twin: Twin): DurableView {
  const p = `${twin}/`;
  return {
    // Stryker disable next-line all: the consenter reads its disk with `list` only (controller.ts start)
    get: <T>(key: string) => d.get<T>(p + key),
    list: <T>(key: string) => d.list<T>(p + key),
    // Stryker disable next-line all: the same
    has: (key: string) => d.has(p + key),
    // Stryker disable next-line all: the same
    keys: () => d.keys().filter((k) => k.startsWith(p)).map((k) => k.slice(p.length)),
  };
}

function prefixOp(op: DurableOp, twin: Twin): DurableOp {
  return { ...op, key: `${twin}/${op.key}` };
}

function tag(effects: Effect<BftMessage, BftEvent>[], twin: Twin): Effect<BftMessage, BftEvent>[] {
  return effects.map((e) => {
    switch (e.kind) {
      case 'setTimer':
      case 'cancelTimer':
        return { ...e, name: `${twin}:${e.name}` };
      case 'persist':
        return { ...e, op: prefixOp(e.op, twin) };
      case 'emit':
        return { ...e, event: { ...e.event, twin } };
      default:
        return e;
    }
  });
}

/** A node machine holding two honest twins of consenter `opts.id`. */
export function createTwins(opts: ConsenterOptions): NodeMachine<TwinsState, BftMessage, BftCommand, BftEvent> {
  const inner = createConsenter(opts);
  const idOf = new Map(opts.nodes.map((n) => [n.name, n.id]));
  return {
    start(ctx: NodeContext, durable: DurableView) {
      const a = inner.start(ctx, prefixedView(durable, 'a'));
      const b = inner.start(ctx, prefixedView(durable, 'b'));
      return { state: { a: a.state, b: b.state }, effects: [...tag(a.effects, 'a'), ...tag(b.effects, 'b')] };
    },
    step(state: TwinsState, input: Input<BftMessage, BftCommand>, ctx: NodeContext) {
      const run = (twin: Twin, i: Input<BftMessage, BftCommand>): Effect<BftMessage, BftEvent>[] => tag(inner.step(state[twin], i, ctx), twin);
      switch (input.kind) {
        case 'timer': {
          const twin: Twin = input.name.startsWith('a:') ? 'a' : 'b';
          const name = input.name.slice(2);
          // Stryker disable next-line all: the consenter's timers carry no data (Io.setTimer)
          return run(twin, input.data === undefined ? { kind: 'timer', name } : { kind: 'timer', name, data: input.data });
        }
        case 'message': {
          const id = idOf.get(input.from);
          const twin: Twin = id === undefined ? (parseInt(hash64(input.from).slice(0, 2), 16) % 2 === 0 ? 'a' : 'b') : id % 2 === 1 ? 'a' : 'b';
          return run(twin, input);
        }
        case 'command': {
          const c = input.command;
          if (c.type === 'submit') return run(parseInt(hash64(c.request.reqId).slice(0, 2), 16) % 2 === 0 ? 'a' : 'b', input);
          return [...run('a', input), ...run('b', input)];
        }
      }
    },
    describe: describeMessage,
    fields: messageFields,
  };
}
