/**
 * The playground's model: a bare SmartBFT network (n consenters of src/sim/smartbft on
 * the kernel, as test/sim/smartbft/harness.ts drives one) plus the log of what the user
 * did to it. Pure and deterministic like src/sim: the page's animation clock only decides
 * how far to run; this module never reads a clock or Math.random.
 *
 * Time travel: a run is its seed, n and the action log, each action stamped with the
 * number of kernel events processed before it and the simulated time it was taken at.
 * Replaying them (`PlayModel.replay`) rebuilds any moment exactly, so "step back" is a
 * replay to one event earlier, and a URL holding seed, n and the log is a shared replay.
 *
 * Mirrors no Go file; the consenter is src/sim/smartbft/controller.ts (SmartBFT v1.0.1's
 * Controller, View, ViewChanger, HeartbeatMonitor).
 */
import { Simulation, type AnyMachine, type Effect, type Input, type NodeContext, type TraceRecord } from '../sim/kernel/index.ts';
import type { Request } from '../sim/consensus/types.ts';
import { BYZANTINE_BEHAVIOURS, consenterStatus, createConsenter, type BftMessage, type ConsenterState } from '../sim/smartbft/api.ts';
import { computeQuorum } from '../sim/consensus/quorum.ts';
import { WAL_KEY } from '../sim/smartbft/wal.ts';

/** What a user can do. `node` is a consenter id (1..n); `submit` goes to every live orderer. */
/** SmartBFT's heartbeat traffic, left out of the play log (by the message's type, from its send record). */
function isHeartBeat(type: string | undefined): boolean {
  return type === 'HeartBeat' || type === 'HeartBeatResponse';
}

export type PlayOp = 'crash' | 'restart' | 'byzantine' | 'honest' | 'submit';

export interface PlayAction {
  readonly op: PlayOp;
  readonly node: number;
  /** The Byzantine behaviour (op `byzantine` only). */
  readonly behaviour?: string;
}

/** An action in the log: taken after `at` kernel events, at simulated time `t`. */
export interface LoggedAction extends PlayAction {
  readonly at: number;
  readonly t: number;
}

/** Behaviours offered in the menu (`twins` is not a switch: it is a different node). */
export const PLAY_BEHAVIOURS: readonly string[] = BYZANTINE_BEHAVIOURS.filter((b) => b !== 'twins');

export const MIN_N = 1;
export const MAX_N = 16;

/** A message between two orderers, from its send to its delivery or drop. */
export interface Flight {
  readonly id: number;
  readonly from: number;
  readonly to: number;
  /** `PrePrepare`, `Prepare`, `Commit`, `ViewChange`, `ViewData`, `NewView`, `HeartBeat`, ... */
  readonly type: string;
  readonly text: string;
  readonly sent: number;
  /** The proposal's digest for PrePrepare, the voted digest for Prepare and Commit. */
  readonly digest: string | null;
  /** Sent while its sender behaved Byzantine. */
  readonly byzantine: boolean;
}

export interface TimerView {
  readonly name: string;
  /** Simulated time it fires at. */
  readonly due: number;
}

export interface NodeView {
  readonly id: number;
  readonly name: string;
  readonly up: boolean;
  readonly byzantine: string | null;
  /** The fields below are undefined while the node is down. */
  readonly view?: number;
  readonly leader?: number;
  readonly role?: 'leader' | 'follower';
  /** Sequence of the proposal being agreed on. */
  readonly seq?: number;
  readonly phase?: string;
  readonly height: number;
  readonly wal: number;
  readonly inViewChange?: boolean;
  readonly nextView?: number;
  readonly timers: readonly TimerView[];
  /** When this follower complains about a silent leader (LeaderHeartbeatTimeout after the last heartbeat). */
  readonly heartbeatTimeoutAt?: number;
  /** While a view change is pending: when it times out and moves on to the next view (ViewChangeTimeout, backed off). */
  readonly viewChangeTimeoutAt?: number;
}

export interface DecisionView {
  readonly seq: number;
  readonly view: number;
  readonly digest: string;
  /** Consenter ids whose signatures are in the decision: the quorum certificate. */
  readonly signers: readonly number[];
  /** Consenter ids that wrote it through consensus, in order. */
  readonly decidedBy: readonly number[];
  readonly t: number;
  readonly txCount: number;
}

export interface LastEvent {
  readonly t: number;
  readonly text: string;
}

/** Everything the page draws, as plain data. Two equal moments give equal snapshots. */
export interface Snapshot {
  readonly seed: number;
  readonly n: number;
  readonly f: number;
  readonly q: number;
  readonly now: number;
  readonly events: number;
  readonly nodes: readonly NodeView[];
  readonly flights: readonly Flight[];
  readonly decisions: readonly DecisionView[];
  readonly log: readonly LastEvent[];
  readonly actions: readonly LoggedAction[];
  readonly submitted: number;
}

const PHASE_NAMES = ['committed', 'proposed', 'prepared', 'abort'];
const LOG_KEEP = 40;
const MAX_EVENTS_PER_RUN = 2_000_000;

function digestOf(msg: BftMessage): string | null {
  switch (msg.type) {
    case 'PrePrepare':
      return msg.proposal.digest;
    case 'Prepare':
    case 'Commit':
      return msg.digest;
    default:
      return null;
  }
}

export class PlayError extends Error {}

export class PlayModel {
  readonly sim: Simulation;
  readonly n: number;
  readonly names: readonly string[];
  private readonly idOf = new Map<string, number>();
  /** The timeline: actions applied so far, then (after a step back) those still ahead. */
  private timeline: LoggedAction[] = [];
  private applied = 0;
  private readonly flights = new Map<number, Flight>();
  private readonly pendingSends: { from: number; msg: BftMessage }[] = [];
  private readonly timers: Map<string, number>[] = [];
  private readonly decisions = new Map<number, DecisionView>();
  private readonly log: LastEvent[] = [];
  private submittedCount = 0;

  constructor(
    readonly seed: number,
    n: number,
  ) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new PlayError(`seed must be an integer from 0 to 4294967295, got ${seed}`);
    if (!Number.isInteger(n) || n < MIN_N || n > MAX_N) throw new PlayError(`n must be an integer from ${MIN_N} to ${MAX_N}, got ${n}`);
    this.n = n;
    this.names = Array.from({ length: n }, (_, i) => `orderer${i + 1}`);
    this.names.forEach((name, i) => this.idOf.set(name, i + 1));
    this.sim = new Simulation({ seed, trace: { keep: false } });
    this.sim.observe((r) => this.onRecord(r));
    const nodes = this.names.map((name, i) => ({ id: i + 1, name }));
    for (const [i, name] of this.names.entries()) {
      this.timers.push(new Map());
      this.sim.addNode(name, this.watch(i + 1, createConsenter({ id: i + 1, nodes })));
    }
  }

  /** The model of seed, n and action log, run to `events` kernel events (or as far as the log reaches). */
  static replay(seed: number, n: number, actions: readonly LoggedAction[], events: number): PlayModel {
    const m = new PlayModel(seed, n);
    m.timeline = validateLog(actions, n);
    m.runEvents(events - m.sim.eventCount);
    return m;
  }

  get now(): number {
    return this.sim.now;
  }

  get events(): number {
    return this.sim.eventCount;
  }

  /** The actions taken up to this moment, in order (the URL and the export carry these). */
  actions(): readonly LoggedAction[] {
    return this.timeline.slice(0, this.applied);
  }

  /** The whole timeline, including actions ahead of this moment after a step back. */
  allActions(): readonly LoggedAction[] {
    return this.timeline;
  }

  /** Take an action now. Actions ahead of this moment (after a step back) are dropped: a new branch. */
  act(a: PlayAction): LoggedAction {
    checkAction(a, this.n);
    this.timeline.length = this.applied;
    const logged = logEntry(this.sim.eventCount, this.sim.now, a);
    const err = this.refusal(logged);
    if (err !== null) throw new PlayError(err);
    this.timeline.push(logged);
    this.applyDue();
    return logged;
  }

  /** Why an action cannot be taken now, or null. */
  refusal(a: PlayAction): string | null {
    if (a.op === 'submit') return null;
    const name = this.names[a.node - 1] as string;
    const up = this.sim.isUp(name);
    if (a.op === 'crash' && !up) return `${name} is already down`;
    if (a.op === 'restart' && up) return `${name} is already up`;
    if ((a.op === 'byzantine' || a.op === 'honest') && !up) return `${name} is down`;
    return null;
  }

  /** Process up to `count` kernel events (fewer when nothing is left to do), applying logged actions on the way. */
  runEvents(count: number): number {
    const start = this.sim.eventCount;
    const target = start + Math.max(0, count);
    for (;;) {
      this.applyDue();
      if (this.sim.eventCount >= target) break;
      const next = this.timeline[this.applied];
      const stopAt = next !== undefined && next.at < target ? next.at : target;
      const r = this.sim.run({ maxEvents: stopAt - this.sim.eventCount });
      if (r.reason === 'idle') {
        // Nothing scheduled: only a logged action can go on (its time is ahead of the clock).
        if (next === undefined || next.at !== this.sim.eventCount) break;
      }
    }
    return this.sim.eventCount - start;
  }

  /** Run to simulated time `until`, applying logged actions at their moments. */
  runUntil(until: number): void {
    for (;;) {
      this.applyDue(until);
      const next = this.timeline[this.applied];
      if (next !== undefined && next.at > this.sim.eventCount) {
        const r = this.sim.run({ until, maxEvents: Math.min(next.at - this.sim.eventCount, MAX_EVENTS_PER_RUN) });
        if (r.reason === 'budget') continue;
        return;
      }
      if (next !== undefined && next.at === this.sim.eventCount && next.t <= until) continue;
      this.sim.run({ until, maxEvents: MAX_EVENTS_PER_RUN });
      return;
    }
  }

  /** Apply the logged actions due at this event count (and, with `until`, not later than it). */
  private applyDue(until = Infinity): void {
    for (;;) {
      const a = this.timeline[this.applied];
      if (a === undefined || a.at !== this.sim.eventCount || a.t > until) return;
      // Bring the clock to the action's time; no event lies before it (the log was made so).
      if (a.t > this.sim.now) this.sim.run({ until: a.t, maxEvents: 0 });
      if (this.sim.eventCount !== a.at || this.sim.now !== a.t) {
        throw new PlayError(`the action log does not fit this run: action ${this.applied + 1} (${a.op}) at event ${a.at}, ${a.t} ms`);
      }
      this.applied++;
      this.apply(a);
    }
  }

  private apply(a: PlayAction): void {
    const name = this.names[a.node - 1] as string;
    switch (a.op) {
      case 'crash':
        if (this.sim.isUp(name)) {
          this.sim.crash(name);
          (this.timers[a.node - 1] as Map<string, number>).clear();
        }
        return;
      case 'restart':
        if (!this.sim.isUp(name)) this.sim.restart(name);
        return;
      case 'byzantine':
      case 'honest': {
        const behaviour = a.op === 'honest' ? null : (a.behaviour as string);
        this.sim.command(name, { type: 'byzantine', behaviour }, `byzantine ${behaviour ?? 'off'}`);
        return;
      }
      case 'submit': {
        this.submittedCount++;
        const request: Request = { clientId: 'client', reqId: `tx${this.submittedCount}`, size: 100, payload: null };
        for (const nm of this.names) if (this.sim.isUp(nm)) this.sim.command(nm, { type: 'submit', request }, `submit ${request.reqId}`);
        this.note(`client submits ${request.reqId} to every live orderer`);
        return;
      }
    }
  }

  /** The consenter, watched: its sends (to know each message's content) and timers. */
  private watch(id: number, machine: AnyMachine): AnyMachine {
    const timers = this.timers[id - 1] as Map<string, number>;
    const see = (effects: readonly Effect[], now: number): void => {
      for (const e of effects) {
        if (e.kind === 'send') this.pendingSends.push({ from: id, msg: e.msg as BftMessage });
        else if (e.kind === 'setTimer') timers.set(e.name, now + e.afterMs);
        else if (e.kind === 'cancelTimer') timers.delete(e.name);
      }
    };
    const describe = machine.describe;
    return {
      start(ctx: NodeContext, durable) {
        timers.clear();
        const out = machine.start(ctx, durable);
        see(out.effects, ctx.now);
        return out;
      },
      step(state: unknown, input: Input, ctx: NodeContext) {
        if (input.kind === 'timer') timers.delete(input.name);
        const effects = machine.step(state, input, ctx);
        see(effects, ctx.now);
        return effects;
      },
      ...(describe !== undefined ? { describe: (m: unknown) => describe.call(machine, m) } : {}),
    };
  }

  private note(text: string): void {
    this.log.push({ t: this.sim.now, text });
    if (this.log.length > LOG_KEEP) this.log.shift();
  }

  private onRecord(r: TraceRecord): void {
    switch (r.k) {
      case 'send': {
        const p = this.pendingSends.shift();
        const from = this.idOf.get(r.from) ?? 0;
        const to = this.idOf.get(r.to) ?? 0;
        const msg = p?.msg;
        const state = this.sim.isUp(r.from) ? this.sim.state<ConsenterState>(r.from) : undefined;
        this.flights.set(r.id, {
          id: r.id,
          from,
          to,
          type: msg?.type ?? r.msg?.type ?? r.m,
          text: r.m,
          sent: r.t,
          digest: msg !== undefined ? digestOf(msg) : null,
          byzantine: state !== undefined && state.byzantine !== null,
        });
        return;
      }
      case 'deliver': {
        const type = this.flights.get(r.id)?.type;
        this.flights.delete(r.id);
        if (!isHeartBeat(type)) this.note(`${r.to} ← ${r.m} from ${r.from}`);
        return;
      }
      case 'drop': {
        const type = this.flights.get(r.id)?.type;
        this.flights.delete(r.id);
        if (!isHeartBeat(type)) this.note(`${r.m} ${r.from} → ${r.to} dropped (${r.reason})`);
        return;
      }
      case 'timer':
        if (r.name !== 'tick') this.note(`${r.node}: timer ${r.name}`);
        return;
      case 'crash':
        this.note(`${r.node} crashed`);
        return;
      case 'restart':
        this.note(`${r.node} restarted`);
        return;
      case 'command':
        return;
      case 'event': {
        const e = r.e as { type?: string; [k: string]: unknown };
        const id = this.idOf.get(r.node) ?? 0;
        if (e.type === 'bft.decided' && e['viaSync'] !== true) {
          const seq = e['seq'] as number;
          const d = this.decisions.get(seq);
          if (d === undefined) {
            this.decisions.set(seq, {
              seq,
              view: e['view'] as number,
              digest: e['digest'] as string,
              signers: [...(e['signers'] as number[])],
              decidedBy: [id],
              t: r.t,
              txCount: (e['txCount'] as number | undefined) ?? 0,
            });
          } else if (!d.decidedBy.includes(id)) {
            this.decisions.set(seq, { ...d, decidedBy: [...d.decidedBy, id] });
          }
          this.note(`${r.node} decided block ${seq}`);
        } else if (e.type === 'bft.viewChanged') {
          this.note(`${r.node} moved to view ${String(e['view'])} (leader orderer${String(e['leader'])})`);
        } else if (e.type === 'bft.synced') {
          this.note(`${r.node} synced`);
        } else if (e.type === 'bft.byzantine') {
          this.note(`${r.node}: byzantine ${typeof e['behaviour'] === 'string' ? e['behaviour'] : 'off'}`);
        }
        return;
      }
      case 'note':
        return;
    }
  }

  snapshot(): Snapshot {
    const { f, q } = computeQuorum(this.n);
    const nodes: NodeView[] = this.names.map((name, i) => {
      const id = i + 1;
      const wal = this.sim.durable(name).list(WAL_KEY).length;
      const height = this.sim.durable(name).list('ledger').length;
      const timers = [...(this.timers[i] as Map<string, number>).entries()]
        .map(([nm, due]) => ({ name: nm, due }))
        .sort((a, b) => a.due - b.due || (a.name < b.name ? -1 : 1));
      const s = this.sim.state<ConsenterState>(name);
      if (s === undefined) return { id, name, up: false, byzantine: null, height, wal, timers };
      const st = consenterStatus(s);
      const inViewChange = s.vc.nextView > s.vc.currView;
      return {
        id,
        name,
        up: true,
        byzantine: s.byzantine,
        view: st.view,
        leader: st.leaderId,
        role: st.role,
        seq: s.view.seq,
        phase: inViewChange ? 'view change' : s.view.stopped ? 'stopped' : (PHASE_NAMES[s.view.phase] ?? String(s.view.phase)),
        height,
        wal,
        inViewChange,
        nextView: s.vc.nextView,
        timers,
        ...(s.hb.follower && !s.hb.timedOut ? { heartbeatTimeoutAt: s.hb.lastHeartbeat + s.config.LeaderHeartbeatTimeout } : {}),
        ...(s.vc.checkTimeout ? { viewChangeTimeoutAt: s.vc.startViewChangeTime + s.config.ViewChangeTimeout * s.vc.backOffFactor } : {}),
      };
    });
    return {
      seed: this.seed,
      n: this.n,
      f,
      q,
      now: this.sim.now,
      events: this.sim.eventCount,
      nodes,
      flights: [...this.flights.values()].sort((a, b) => a.id - b.id),
      decisions: [...this.decisions.values()].sort((a, b) => a.seq - b.seq),
      log: [...this.log],
      actions: this.actions(),
      submitted: this.submittedCount,
    };
  }
}

/** One shape (and key order) for a logged action, however it was made. */
function logEntry(at: number, t: number, a: PlayAction): LoggedAction {
  return { at, t, op: a.op, node: a.op === 'submit' ? 0 : a.node, ...(a.op === 'byzantine' && a.behaviour !== undefined ? { behaviour: a.behaviour } : {}) };
}

function checkAction(a: PlayAction, n: number): void {
  const ops: readonly string[] = ['crash', 'restart', 'byzantine', 'honest', 'submit'];
  if (!ops.includes(a.op)) throw new PlayError(`unknown action "${String(a.op)}"`);
  if (a.op !== 'submit' && (!Number.isInteger(a.node) || a.node < 1 || a.node > n)) throw new PlayError(`no orderer ${String(a.node)} (there are ${n})`);
  if (a.op === 'byzantine' && !PLAY_BEHAVIOURS.includes(a.behaviour ?? '')) {
    throw new PlayError(`unknown Byzantine behaviour "${String(a.behaviour)}"; one of ${PLAY_BEHAVIOURS.join(', ')}`);
  }
}

function validateLog(actions: readonly LoggedAction[], n: number): LoggedAction[] {
  let at = 0;
  let t = 0;
  return actions.map((a, i) => {
    checkAction(a, n);
    if (!Number.isInteger(a.at) || a.at < at || !(a.t >= t) || !Number.isFinite(a.t)) {
      throw new PlayError(`action ${i + 1}: its moment (event ${a.at}, ${a.t} ms) is before the previous action's`);
    }
    at = a.at;
    t = a.t;
    return logEntry(a.at, a.t, a);
  });
}

// ---------------------------------------------------------------- URL form

/**
 * `seed=1&n=4&k=120&a=35_6000_crash_1~80_9000.5_byzantine_2_equivocate`: seed, n, the
 * event count shown (k) and the action log, each action `at_t_op_node[_behaviour]`.
 */
/** The most events a link may ask to replay (an idle 4-orderer network makes about 16,000 per simulated hour). */
export const MAX_LINK_EVENTS = 1_000_000;

export interface PlayLink {
  readonly seed: number;
  readonly n: number;
  readonly events: number;
  readonly actions: readonly LoggedAction[];
}

export function encodeLink(l: PlayLink): string {
  const acts = l.actions.map((a) => [a.at, a.t, a.op, a.node, ...(a.behaviour !== undefined ? [a.behaviour] : [])].join('_')).join('~');
  return `seed=${l.seed}&n=${l.n}&k=${l.events}${acts !== '' ? `&a=${acts}` : ''}`;
}

export function decodeLink(hash: string, defaults: { seed: number; n: number }): PlayLink {
  const params = new Map<string, string>();
  for (const part of hash.replace(/^#/, '').split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    params.set(eq < 0 ? part : part.slice(0, eq), eq < 0 ? '' : decodeURIComponent(part.slice(eq + 1)));
  }
  const int = (key: string, dflt: number): number => {
    const v = params.get(key);
    if (v === undefined) return dflt;
    if (!/^\d+$/.test(v)) throw new PlayError(`link: ${key} must be a whole number, got "${v}"`);
    return Number(v);
  };
  const n = int('n', defaults.n);
  const actions: LoggedAction[] = [];
  const raw = params.get('a');
  if (raw !== undefined && raw !== '') {
    for (const item of raw.split('~')) {
      const [at, t, op, node, behaviour] = item.split('_');
      if (at === undefined || t === undefined || op === undefined || node === undefined || !/^\d+$/.test(at) || !/^\d+(\.\d+)?$/.test(t) || !/^\d+$/.test(node)) {
        throw new PlayError(`link: action "${item}" is not at_t_op_node[_behaviour]`);
      }
      const a = logEntry(Number(at), Number(t), { op: op as PlayOp, node: Number(node), ...(behaviour !== undefined ? { behaviour } : {}) });
      checkAction(a, n);
      actions.push(a);
    }
  }
  const events = int('k', 0);
  if (events > MAX_LINK_EVENTS) throw new PlayError(`link: k = ${events} events is more than a link replays (${MAX_LINK_EVENTS}, some 60 simulated hours of an idle network)`);
  return { seed: int('seed', defaults.seed), n, events, actions };
}
