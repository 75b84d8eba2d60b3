/**
 * The effects one step of the consenter produces (SmartBFT's `Comm`, `WriteAheadLog`,
 * logger and metrics, as tagged data the kernel applies). Sends pass through the node's
 * Byzantine behaviour, if any, on their way out.
 */
import type { Effect, NodeContext } from '../kernel/types.ts';
import type { BftEvent, BftMessage } from './messages.ts';
import type { ConsenterState } from './state.ts';
import type { SmartBftLogKind } from './logs.ts';
import { outgoing } from './byzantine.ts';

export type BftEffect = Effect<BftMessage, BftEvent>;

/**
 * The consenter's kernel timers by name: the 1-second ticker the ViewChanger and the
 * HeartbeatMonitor share, the batcher's round, the request pool's per-request timers and
 * submit semaphore, the synchronizer's pull, SyncOnStart and the StateCollector.
 */
export const TIMERS = {
  tick: 'tick',
  batch: 'batch',
  requestTimers: 'requestTimers',
  poolSubmit: 'poolSubmit',
  sync: 'sync',
  syncOnStart: 'syncOnStart',
  collectState: 'collectState',
  wal: 'wal',
} as const;
export type TimerName = (typeof TIMERS)[keyof typeof TIMERS];

/** What a step that produced nothing returns: one frozen list for all (most deliveries of a vote at large n). */
const NO_EFFECTS: BftEffect[] = Object.freeze([]) as unknown as BftEffect[];

export class Io {
  /** The effects so far; the list is built at the first one. */
  private list: BftEffect[] | undefined = undefined;
  constructor(
    public s: ConsenterState,
    public ctx: NodeContext,
  ) {}

  /**
   * Begin a step of `s` at `ctx` with no effects: a consenter's machine reuses one Io for
   * all its steps (about 35 per decision at n=4), the list of the step before being its caller's.
   */
  reset(s: ConsenterState, ctx: NodeContext): void {
    this.s = s;
    this.ctx = ctx;
    this.list = undefined;
  }

  /**
   * End a step: its effects, and the Io lets go of the state and the context. The machine
   * keeps its Io for the run, so without this a node that crashed would keep its last state
   * alive (its ledger, pool and views) until its next step, which a node down for good
   * never takes. Using the Io after its step then fails at once instead of reading that state.
   */
  end(): BftEffect[] {
    const out = this.effects;
    this.s = undefined as unknown as ConsenterState;
    this.ctx = undefined as unknown as NodeContext;
    this.list = undefined;
    return out;
  }

  get now(): number {
    return this.ctx.now;
  }

  /** The effects of this step, in the order to apply (a frozen empty list when there are none). */
  get effects(): BftEffect[] {
    return this.list ?? NO_EFFECTS;
  }

  private push(e: BftEffect): void {
    if (this.list === undefined) this.list = [e];
    else this.list.push(e);
  }

  /** Send to consenter `to` (Comm.SendConsensus). */
  send(to: number, msg: BftMessage): void {
    const s = this.s;
    const name = s.nameOf.get(to);
    if (name === undefined || to === s.id) return;
    if (s.byzantine === null) {
      this.push({ kind: 'send', to: name, msg });
      return;
    }
    const out = outgoing(s, to, msg, this.ctx);
    if (out === null) return;
    // A Byzantine sender's proposals and votes carry their digest into the trace (an
    // equivocation shows two; the report colours each vote as the proposal it is for).
    this.push({ kind: 'send', to: name, msg: out.type === 'PrePrepare' || out.type === 'Prepare' || out.type === 'Commit' ? { ...out, showDigest: true } : out });
  }

  /** Send to every other consenter (Comm.BroadcastConsensus). */
  broadcast(msg: BftMessage): void {
    const nodes = this.s.nodes;
    // Stryker disable next-line EqualityOperator: nodes[nodes.length] is undefined, which send drops (no name)
    for (let i = 0; i < nodes.length; i++) {
      const id = nodes[i] as number;
      // Stryker disable next-line ConditionalExpression: send drops a message to itself too
      if (id !== this.s.id) this.send(id, msg);
    }
  }

  /**
   * Whether log lines are emitted (`events` other than 'facts'). A call site whose
   * arguments cost something to build (a request key, a Go list) asks first, so a run
   * without log lines does not build them only for `log` to drop them.
   */
  get logging(): boolean {
    return this.s.emitLogs;
  }

  log(kind: SmartBftLogKind, ...args: (string | number)[]): void {
    if (!this.s.emitLogs) return;
    this.push({ kind: 'emit', event: { type: 'log', kind: `smartbft.${kind}`, args, fields: this.s.channelLabels } });
  }

  /** Set a gauge. Fabric re-sets some gauges on every block; only changes are emitted (a restart emits all again). */
  metric(name: string, value: number): void {
    if (this.s.metricValues.get(name) === value) return;
    this.s.metricValues.set(name, value);
    this.push({ kind: 'emit', event: { type: 'metric', name, value, labels: this.s.channelLabels } });
  }

  fact(event: BftEvent): void {
    this.push({ kind: 'emit', event });
  }

  persistAppend(key: string, value: unknown): void {
    this.push({ kind: 'persist', op: { op: 'append', key, value } });
  }

  persistTruncate(key: string, length: number): void {
    this.push({ kind: 'persist', op: { op: 'truncate', key, length } });
  }

  setTimer(name: TimerName, afterMs: number): void {
    this.push({ kind: 'setTimer', name, afterMs: Math.max(0, afterMs) });
  }

  cancelTimer(name: TimerName): void {
    this.push({ kind: 'cancelTimer', name });
  }
}

/** Go's `%v` of a []uint64: `[2 4 3]`. */
export function goList(ids: readonly number[]): string {
  return `[${ids.join(' ')}]`;
}
