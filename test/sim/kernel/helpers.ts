/**
 * Tiny example protocols used to exercise the kernel: a pinger that bounces a counter
 * between two nodes, and a counter that persists every increment.
 */
import type { Effect, NodeMachine } from '../../../src/sim/kernel/index.ts';

export interface PingState {
  received: number;
  log: string[];
}
export type PingMsg = { type: 'ping'; n: number };
export type PingCmd = { type: 'kick'; to: string; n: number } | { type: 'later'; afterMs: number; name: string } | { type: 'cancel'; name: string };

/** Bounces `ping n` back as `ping n-1` until 0; records what it saw. */
export const pinger: NodeMachine<PingState, PingMsg, PingCmd> = {
  start: () => ({ state: { received: 0, log: [] }, effects: [] }),
  step(state, input, ctx) {
    const out: Effect<PingMsg>[] = [];
    switch (input.kind) {
      case 'message':
        state.received++;
        state.log.push(`${ctx.now.toFixed(3)} ${input.from} ${input.msg.n}`);
        if (input.msg.n > 0) out.push({ kind: 'send', to: input.from, msg: { type: 'ping', n: input.msg.n - 1 } });
        break;
      case 'timer':
        state.log.push(`${ctx.now} timer ${input.name}`);
        break;
      case 'command':
        if (input.command.type === 'kick') out.push({ kind: 'send', to: input.command.to, msg: { type: 'ping', n: input.command.n } });
        else if (input.command.type === 'later') out.push({ kind: 'setTimer', name: input.command.name, afterMs: input.command.afterMs });
        else out.push({ kind: 'cancelTimer', name: input.command.name });
        break;
    }
    return out;
  },
  describe: (m) => `ping ${m.n}`,
};

export interface CounterState {
  /** Volatile: lost on crash. */
  volatileHits: number;
  /** Mirrors the durable list. */
  total: number;
}

/** Counts `inc` commands; persists each one, so a restart recovers `total` but not `volatileHits`. */
export const counter: NodeMachine<CounterState, never, { type: 'inc' }, { type: 'counted'; total: number }> = {
  start: (_ctx, durable) => ({ state: { volatileHits: 0, total: durable.list('incs').length }, effects: [] }),
  step(state, input) {
    if (input.kind !== 'command') return [];
    state.volatileHits++;
    state.total++;
    return [
      { kind: 'persist', op: { op: 'append', key: 'incs', value: state.total } },
      { kind: 'emit', event: { type: 'counted', total: state.total } },
    ];
  },
};
