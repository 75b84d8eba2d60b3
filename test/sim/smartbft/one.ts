/**
 * One consenter stepped by hand: feed it one input (a message from a named consenter, a
 * tick, a timer) and read back the effects it produced (sends, WAL and ledger writes,
 * logs, facts). Its durable store is a plain map the test can preload (a ledger, a WAL).
 * Per-rule tests use it to pin one Go rule without a cluster's timing around it.
 */
import { Rng } from '../../../src/sim/kernel/rng.ts';
import type { DurableOp, Effect, Input } from '../../../src/sim/kernel/types.ts';
import { createConsenter, type Application, type ConsenterState, type Decision } from '../../../src/sim/smartbft/api.ts';
import type { SmartBftConfig } from '../../../src/sim/smartbft/config.ts';
import { sign } from '../../../src/sim/consensus/crypto.ts';
import type { BftCommand, BftEvent, BftMessage, Commit, PrePrepare, SavedMessage } from '../../../src/sim/smartbft/messages.ts';

type BftEffect = Effect<BftMessage, BftEvent>;

export interface Sent {
  readonly to: number;
  readonly msg: BftMessage;
}

export class OneConsenter {
  readonly machine;
  state: ConsenterState;
  now: number;
  readonly store = new Map<string, unknown[]>();
  /** Every effect since the start, in order. */
  readonly effects: BftEffect[] = [];
  private readonly rng = Rng.create(1).fork('node:one');

  constructor(
    readonly id: number,
    readonly n: number,
    durable: { ledger?: readonly Decision[]; wal?: readonly SavedMessage[] } = {},
    config: Partial<SmartBftConfig> = {},
    start = 0,
    app?: Application,
  ) {
    const nodes = Array.from({ length: n }, (_, i) => ({ id: i + 1, name: `orderer${i + 1}` }));
    this.machine = createConsenter({ id, nodes, config, ...(app !== undefined ? { app } : {}) });
    if (durable.ledger !== undefined) this.store.set('ledger', [...durable.ledger]);
    if (durable.wal !== undefined) this.store.set('wal', [...durable.wal]);
    this.now = start;
    const out = this.machine.start(this.ctx(), this.view());
    this.state = out.state;
    this.apply(out.effects);
  }

  private ctx() {
    return { now: this.now, self: `orderer${this.id}`, rng: this.rng };
  }

  private view() {
    const store = this.store;
    return {
      get: <T>(key: string) => store.get(key) as T | undefined,
      list: <T>(key: string) => (store.get(key) ?? []) as readonly T[],
      has: (key: string) => store.has(key),
      keys: () => [...store.keys()],
    };
  }

  /** Pending timers: name -> due time, in the order they were set (ties fire in that order). */
  readonly timers = new Map<string, number>();

  private apply(effects: BftEffect[]): BftEffect[] {
    for (const e of effects) {
      this.effects.push(e);
      if (e.kind === 'persist') this.persist(e.op);
      else if (e.kind === 'setTimer') {
        this.timers.delete(e.name);
        this.timers.set(e.name, this.now + e.afterMs);
      } else if (e.kind === 'cancelTimer') this.timers.delete(e.name);
    }
    return effects;
  }

  /** Run the node's own timers (tick, batch, request timers, sync...) up to time `at`; returns their effects. */
  runUntil(at: number): BftEffect[] {
    const out: BftEffect[] = [];
    for (;;) {
      let next: [string, number] | undefined;
      for (const [name, due] of this.timers) if (due <= at && (next === undefined || due < next[1])) next = [name, due];
      if (next === undefined) break;
      this.timers.delete(next[0]);
      this.now = next[1];
      out.push(...this.step({ kind: 'timer', name: next[0] }));
    }
    this.now = at;
    return out;
  }

  private persist(op: DurableOp): void {
    const list = this.store.get(op.key) ?? [];
    if (op.op === 'append') list.push(op.value);
    else if (op.op === 'truncate') list.length = Math.min(list.length, op.length);
    else if (op.op === 'set') {
      this.store.set(op.key, op.value as unknown[]);
      return;
    }
    this.store.set(op.key, list);
  }

  step(input: Input<BftMessage, BftCommand>): BftEffect[] {
    return this.apply(this.machine.step(this.state, input, this.ctx()));
  }

  /** A message from consenter `from`. */
  receive(from: number, msg: BftMessage): BftEffect[] {
    return this.step({ kind: 'message', from: `orderer${from}`, msg });
  }

  /** Advance the clock to `at` (ms) and fire the tick there. */
  tickAt(at: number): BftEffect[] {
    this.now = at;
    return this.step({ kind: 'timer', name: 'tick' });
  }

  /** A crash and restart from the durable store as it is now. */
  restart(): BftEffect[] {
    this.timers.clear();
    const out = this.machine.start(this.ctx(), this.view());
    this.state = out.state;
    return this.apply(out.effects);
  }

  ledger(): readonly Decision[] {
    return (this.store.get('ledger') ?? []) as Decision[];
  }

  wal(): readonly SavedMessage[] {
    return (this.store.get('wal') ?? []) as SavedMessage[];
  }
}

/** The PrePrepare leader 1 of 4 broadcasts (as node 2 gets it) for one request, `c:tx1`. */
export function leaderPrePrepare(): PrePrepare {
  const leader = new OneConsenter(1, 4);
  leader.step({ kind: 'command', command: { type: 'submit', request: { clientId: 'c', reqId: 'tx1', size: 100, payload: null } } });
  const pp = sends(leader.runUntil(1_000)).find((x) => x.msg.type === 'PrePrepare' && x.to === 2);
  if (pp === undefined) throw new Error('leader 1 of 4 sent node 2 no PrePrepare within 1 s');
  return pp.msg as PrePrepare;
}

/** Consenter `signer`'s Commit of `pp`'s proposal. */
export function commitOf(pp: PrePrepare, signer: number): Commit {
  return { type: 'Commit', view: pp.view, seq: pp.seq, digest: pp.proposal.digest, signature: sign(signer, pp.proposal.digest), assist: false };
}

export function sends(effects: readonly BftEffect[]): Sent[] {
  const out: Sent[] = [];
  for (const e of effects) if (e.kind === 'send') out.push({ to: Number(e.to.replace('orderer', '')), msg: e.msg });
  return out;
}

export function logs(effects: readonly BftEffect[]): { kind: string; args: readonly (string | number)[] }[] {
  const out: { kind: string; args: readonly (string | number)[] }[] = [];
  for (const e of effects) {
    if (e.kind !== 'emit') continue;
    const ev = e.event as { type: string; kind?: string; args?: (string | number)[] };
    if (ev.type === 'log') out.push({ kind: (ev.kind ?? '').replace('smartbft.', ''), args: ev.args ?? [] });
  }
  return out;
}

/**
 * Answer, from every other node, the sync that `started` (the effects that began it) asked
 * for with its HeightRequest: each reports `height` and then the state (view, sequence), no
 * blocks. Returns `started` and every effect of the answers.
 */
export function answerSync(node: OneConsenter, started: readonly BftEffect[], height: number, state: { view: number; seq: number }): BftEffect[] {
  const all = [...started];
  const req = sends(started).find((x) => x.msg.type === 'HeightRequest');
  if (req === undefined) throw new Error(`node ${node.id} started no sync`);
  const { syncId } = req.msg as { syncId: number };
  const others = Array.from({ length: node.n }, (_, i) => i + 1).filter((id) => id !== node.id);
  for (const id of others) all.push(...node.receive(id, { type: 'HeightResponse', syncId, height }));
  for (const id of others) all.push(...node.receive(id, { type: 'StateTransferResponse', viewNum: state.view, sequence: state.seq }));
  return all;
}
