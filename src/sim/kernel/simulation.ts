/**
 * The simulation kernel: the only owner of time, randomness and the network.
 *
 * It holds nodes (state machines, see `types.ts`), steps them one input at a time in
 * (time, insertion) order, applies their effects, and records everything in the trace.
 * It knows nothing of BFT or Fabric.
 *
 * Crash and restart follow the real process: a crash discards the node's volatile
 * state, its timers and the messages in flight to it (a new incarnation never sees the
 * old connection's traffic); its durable store survives. A restart calls the machine's
 * `start` with that durable store.
 *
 * A message the sender's machine puts on a client stream (`streamOf`) follows Fabric's
 * cluster communication (orderer/common/cluster: a gRPC Step stream per destination and
 * operation, rpc.go `getOrCreateStream`): the stream is opened at the first send to a
 * process that is up (to a down one the dial fails and the message is lost) and belongs
 * to that process. After its peer's process died, the next send on it is lost and cancels
 * it (stream.go `sendMessage`: `StepClient.Send` fails with EOF, `operateWithTimeout`
 * cancels the stream); the one after that is lost too (`SendWithReport` on a canceled
 * stream returns its abort reason, and `RPC.SendConsensus` unmaps it); the next opens a new
 * stream. Opening a stream forgets the sender's canceled ones (`mapStream` ->
 * `cleanCanceledStreams`). A crash forgets all of the crashed node's streams.
 *
 * With `dialBackoff`, opening a stream dials the sender's one gRPC connection to that peer
 * (every stream to a peer shares it: orderer/common/cluster/connections.go ConnectionStore),
 * as gRPC does with a back-off: a dial to a process that is down is refused and the
 * connection waits in TRANSIENT_FAILURE, then dials again after the back-off, again and again
 * (grpc-go pick_first stays in TRANSIENT_FAILURE and reconnects at once after each back-off,
 * gRFC A62), each wait longer (src/shared/grpc-backoff.ts: 1 s, then x1.6 +-20%, up to the
 * cap), with jitter from the seeded stream `dial:<from>-><to>`. Until a redial finds the peer
 * up, every new stream to it fails at once (drop reason `backoff`), even after the peer is
 * serving again; the first redial that finds it up makes the connection ready, and the next
 * failure starts again at 1 s. The redials are worked out when the sender next opens a
 * stream, from the peer's up and down times, so they add no events.
 */
import { Network, ROUTE_LOSS, type LinkState, type NetworkConfig } from './network.ts';
import { Rng } from './rng.ts';
import { hash32 } from '../../shared/hash.ts';
import { grpcBackoffMs, type GrpcBackoff } from '../../shared/grpc-backoff.ts';
import { grown, Scheduler, type ScheduledEvent } from './scheduler.ts';
import { Trace, type InjectedFault, type MessageFields, type StepRecord, type TraceOptions, type TraceRecord } from './trace.ts';
import type { StepEnd, StepStart } from '../../shared/trace-format.ts';
import { DurableStore } from './durable.ts';
import type { AnyMachine, Effect, Input, NodeContext, NodeId } from './types.ts';

export interface SimulationOptions {
  /** The run's seed: one seed, one exact run. */
  readonly seed: number;
  readonly network?: NetworkConfig;
  readonly trace?: TraceOptions;
  /**
   * CPU cost of handling one message, in simulated ms (default 0: free). A node handles
   * one message at a time: a message that arrives while the node is busy waits its turn,
   * and the node's reaction happens when its handling is done. This is what makes a
   * leader that verifies n - 1 votes slower at large n.
   */
  readonly processing?: ProcessingConfig;
  /**
   * The caller's budget, polled every `INTERRUPT_EVERY` events inside `run` (a step that
   * computes for minutes without yielding is stopped mid-step): returns why the run must
   * stop, or undefined to go on. The kernel never reads a clock itself; whatever the
   * function reads (wall time, heap) is the caller's, so a run that is not interrupted is
   * the same run, event for event.
   */
  readonly interrupt?: () => string | undefined;
  /**
   * The reconnect back-off of the connections client streams are opened on (see the
   * header); without it a stream to a peer that is up opens at once.
   */
  readonly dialBackoff?: GrpcBackoff;
}

/** How many events `run` processes between two polls of `interrupt`. */
export const INTERRUPT_EVERY = 4096;

/** Thrown by `run` when the caller's `interrupt` asked to stop; the simulation must not be run again. */
export class SimulationInterrupted extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'SimulationInterrupted';
  }
}

export interface ProcessingConfig {
  /** Cost of one delivered message on any node. */
  readonly perMessageMs: number;
  /** Per-node overrides. */
  readonly perNodeMs?: Readonly<Record<NodeId, number>>;
}

/** Why `run` returned. */
export type StopReason = 'idle' | 'time' | 'condition' | 'budget';

export interface RunOptions {
  /** Stop before the first event later than this simulated time (and advance the clock to it). */
  readonly until?: number;
  /** Stop as soon as this returns true (checked before each event). */
  readonly stopWhen?: () => boolean;
  /** Stop after this many events (a budget, so a run never hangs). */
  readonly maxEvents?: number;
}

export interface RunResult {
  readonly reason: StopReason;
  /** Simulated time when the run stopped. */
  readonly now: number;
  /** Events processed by this call. */
  readonly events: number;
}

/**
 * A message in flight, and its own scheduler entry (one object per message; a broadcast to
 * `FANOUT_MIN` or more nodes goes as one `Fanout` entry instead). A class, so
 * every delivery has one shape; it holds the slots themselves, so dispatch looks nothing
 * up by name. The kernel reuses a delivery once it is dispatched (`Simulation.spare`):
 * at n=64 thousands are in flight, each lived long enough to be copied by the young
 * generation's collections and promoted, and the old generation's collections then
 * marked and swept them all.
 */
export class Delivery implements ScheduledEvent<KernelEvent> {
  readonly type = 'deliver' as const;
  seq = 0;
  cancelled = false;
  constructor(
    public time: number,
    public id: number,
    public from: NodeSlot,
    public to: NodeSlot,
    public msg: unknown,
    /** The message's description and its hash32 as an int32 (see `NodeSlot.idHash`), computed once at send. */
    public m: string,
    public mHash: number,
    public incarnation: number,
    /** Its handling cost was paid: the node's reaction is due now (see `ProcessingConfig`). */
    public handled: boolean,
  ) {}
  get payload(): KernelEvent {
    return this;
  }
}

/**
 * One message sent by one node to several in one step (a broadcast: consecutive `send`
 * effects of the same message object), as one scheduler entry for all its deliveries. Each
 * delivery keeps the (time, seq) key it would have had as an event of its own, so events
 * run in exactly the same order; the entry is keyed by its earliest delivery not yet
 * dispatched, and re-keyed at the top of the heap as each is taken (`advance`). At n=64 a sequence has about 8,000 votes in flight:
 * as events of their own they made the heap 13 levels deep and every dispatch a cache miss
 * on a delivery object; as 64 fan-outs the heap holds about 130 entries and a fan-out's
 * deliveries sit together in a few typed arrays, read one after another.
 */
export class Fanout implements ScheduledEvent<KernelEvent> {
  readonly type = 'fanout' as const;
  time = 0;
  seq = 0;
  cancelled = false;
  msg: unknown = undefined;
  m = '';
  mHash = 0;
  /** Deliveries added, and how many of them (in `order`) were taken by the scheduler. */
  count = 0;
  next = 0;
  /** Per delivery, in the order sent: its time, seq, message id, the target's incarnation and slot. */
  times = new Float64Array(FANOUT_CAPACITY);
  seqs = new Float64Array(FANOUT_CAPACITY);
  ids = new Float64Array(FANOUT_CAPACITY);
  incarnations = new Int32Array(FANOUT_CAPACITY);
  readonly to: NodeSlot[] = [];
  /** The deliveries by (time, seq): indices into the arrays above. */
  order = new Int32Array(FANOUT_CAPACITY);
  /** The times being sorted, moved along with `order` (no indirect load in the loop). */
  private keys = new Float64Array(FANOUT_CAPACITY);
  constructor(public from: NodeSlot) {}
  get payload(): KernelEvent {
    return this;
  }

  add(time: number, seq: number, id: number, to: NodeSlot): void {
    const i = this.count;
    if (i === this.times.length) this.grow();
    this.times[i] = time;
    this.seqs[i] = seq;
    this.ids[i] = id;
    this.incarnations[i] = to.incarnation;
    this.to[i] = to;
    this.count = i + 1;
  }

  /** Order the deliveries by (time, seq) and key the entry by the first. Seqs grow with the index, so a stable sort by time is that order. */
  sort(): void {
    const order = this.order;
    const keys = this.keys;
    const times = this.times;
    for (let i = 0; i < this.count; i++) {
      const t = times[i] as number;
      let j = i;
      while (j > 0 && (keys[j - 1] as number) > t) {
        keys[j] = keys[j - 1] as number;
        order[j] = order[j - 1] as number;
        j--;
      }
      keys[j] = t;
      order[j] = i;
    }
    this.next = 0;
    this.time = keys[0] as number;
    this.seq = this.seqs[order[0] as number] as number;
  }

  /** The scheduler took the current delivery (`order[next]`): key the entry by the one after it, if any (`ScheduledEvent.advance`). */
  advance(): boolean {
    const next = ++this.next;
    if (next >= this.count) return false;
    const k = this.order[next] as number;
    this.time = this.times[k] as number;
    this.seq = this.seqs[k] as number;
    return true;
  }

  private grow(): void {
    const n = this.times.length * 2;
    this.times = grown(this.times, n);
    this.seqs = grown(this.seqs, n);
    this.ids = grown(this.ids, n);
    this.incarnations = grown(this.incarnations, n);
    this.order = new Int32Array(n);
    this.keys = new Float64Array(n);
  }
}

/** Entries of the message description hash cache (a power of two). */
const DESCRIPTION_CACHE = 16;
/** A fan-out's arrays at first (doubled when full). */
const FANOUT_CAPACITY = 16;
/** Consecutive sends of one message from this many on go out as a `Fanout`. */
const FANOUT_MIN = 4;

export type KernelEvent =
  | Delivery
  | Fanout
  | { readonly type: 'timer'; readonly node: NodeId; readonly name: string; readonly data: unknown; readonly incarnation: number }
  | { readonly type: 'action'; readonly fn: () => void };

interface NodeSlot {
  readonly id: NodeId;
  /** Position in `order`: the index of this node in every other slot's `links`. */
  readonly index: number;
  /**
   * hash32(id) as an int32, folded into the trace for every message (the fold XORs it, so
   * the sign changes nothing). Held unsigned, half the hashes were past V8's small
   * integers: a boxed number, one more load per message.
   */
  readonly idHash: number;
  readonly machine: AnyMachine;
  readonly durable: DurableStore;
  readonly rng: Rng;
  readonly timers: Map<string, ScheduledEvent<KernelEvent>>;
  /** The network's link to each node, by its index (filled on first send). */
  readonly links: (LinkState | undefined)[];
  /** Open client streams, by stream name, then by the peer's index (see the header). */
  readonly streams: Map<string, (StreamState | undefined)[]>;
  /** Connections in back-off after a refused dial, by the peer's index (see the header). */
  readonly backoffs: (DialBackoff | undefined)[];
  /** When this node's processes started and stopped: [up, down, up, down, ...] (ms). */
  readonly upDown: number[];
  state: unknown;
  up: boolean;
  incarnation: number;
  /** Cost of handling one message (ms). */
  readonly costMs: number;
  /** Until when the node is busy handling earlier messages. */
  busyUntil: number;
  readonly ctx: { now: number; readonly self: NodeId; readonly rng: Rng };
}

/** A client stream: the incarnation of the peer it was opened to, and whether a send on it failed. */
interface StreamState {
  readonly incarnation: number;
  canceled: boolean;
}

/** A connection whose dial was refused: its retry count, when it dials again, and its jitter stream. */
interface DialBackoff {
  attempt: number;
  redialAt: number;
  readonly rng: Rng;
}

/** A handle to a scheduled action, for `cancel`. */
export type ActionHandle = ScheduledEvent<KernelEvent>;

function describeDefault(msg: unknown): string {
  if (msg !== null && typeof msg === 'object' && 'type' in msg) return String((msg as { type: unknown }).type);
  return typeof msg;
}

function fieldsOf(machine: AnyMachine, msg: unknown): MessageFields {
  return machine.fields ? machine.fields(msg) : { type: describeDefault(msg) };
}

export class Simulation {
  readonly seed: number;
  readonly rng: Rng;
  readonly network: Network;
  readonly trace: Trace;
  private readonly scheduler = new Scheduler<KernelEvent>();
  private readonly nodes = new Map<NodeId, NodeSlot>();
  private readonly order: NodeId[] = [];
  private nextMessageId = 0;
  private processed = 0;
  private sent = 0;
  private delivered = 0;
  /** A broadcast sends one message object to many: describe it once. */
  private lastMsg: unknown = undefined;
  private lastMachine: AnyMachine | undefined = undefined;
  private lastM = '';
  private lastMHash = 0;
  /** Its fields, built on the first send that a reader of records sees. */
  private lastFields: MessageFields | undefined = undefined;
  /** Recent message descriptions and their hashes (`descriptionHash`). */
  private readonly descTexts: (string | undefined)[] = new Array<string | undefined>(DESCRIPTION_CACHE).fill(undefined);
  private readonly descHashes = new Int32Array(DESCRIPTION_CACHE);
  /** Deliveries already dispatched, for reuse (see `Delivery`). */
  private readonly spare: Delivery[] = [];
  /** Fan-outs whose deliveries were all dispatched, for reuse. */
  private readonly spareFanouts: Fanout[] = [];

  private readonly processing: ProcessingConfig | undefined;
  private readonly interrupt: (() => string | undefined) | undefined;
  private readonly dialBackoff: GrpcBackoff | undefined;

  constructor(options: SimulationOptions) {
    const p = options.processing;
    if (p !== undefined) {
      for (const [who, ms] of [['perMessageMs', p.perMessageMs], ...Object.entries(p.perNodeMs ?? {})] as [string, number][]) {
        if (!(ms >= 0)) throw new RangeError(`Simulation: processing cost ${who} must be >= 0 ms, got ${ms}`);
      }
    }
    this.processing = p;
    this.interrupt = options.interrupt;
    const b = options.dialBackoff;
    if (b !== undefined && !(b.baseMs > 0 && b.multiplier >= 1 && b.jitter >= 0 && b.jitter < 1 && b.maxMs >= b.baseMs)) {
      throw new RangeError(`Simulation: dialBackoff needs baseMs > 0, multiplier >= 1, 0 <= jitter < 1 and maxMs >= baseMs, got ${JSON.stringify(b)}`);
    }
    this.dialBackoff = b;
    this.seed = options.seed;
    this.rng = Rng.create(options.seed);
    this.network = new Network(options.network ?? {}, this.rng.fork('network'));
    this.trace = new Trace(options.trace);
  }

  /** Simulated time in milliseconds. */
  get now(): number {
    return this.scheduler.now;
  }

  /** Total events processed since the simulation began. */
  get eventCount(): number {
    return this.processed;
  }

  /** Messages sent and delivered since the simulation began (drops are the difference, less those in flight). */
  get messageCounts(): { readonly sent: number; readonly delivered: number } {
    return { sent: this.sent, delivered: this.delivered };
  }

  /** Pending events (messages in flight, timers, actions). */
  get pendingEvents(): number {
    return this.scheduler.pending;
  }

  /** Add a node and start it from an empty durable store. */
  addNode(id: NodeId, machine: AnyMachine): void {
    if (this.nodes.has(id)) throw new Error(`Simulation.addNode: node "${id}" already exists`);
    const rng = this.rng.fork(`node:${id}`);
    const slot: NodeSlot = {
      id,
      index: this.order.length,
      idHash: hash32(id) | 0,
      machine,
      durable: new DurableStore(),
      rng,
      timers: new Map(),
      links: [],
      streams: new Map(),
      backoffs: [],
      upDown: [],
      state: undefined,
      up: false,
      incarnation: 0,
      costMs: this.processing?.perNodeMs?.[id] ?? this.processing?.perMessageMs ?? 0,
      busyUntil: 0,
      ctx: { now: 0, self: id, rng },
    };
    this.nodes.set(id, slot);
    this.order.push(id);
    this.boot(slot);
  }

  /** Node ids in the order they were added. */
  nodeIds(): readonly NodeId[] {
    return this.order;
  }

  has(id: NodeId): boolean {
    return this.nodes.has(id);
  }

  isUp(id: NodeId): boolean {
    return this.slot(id).up;
  }

  /** The node's volatile state (read-only by convention), or undefined while it is down. */
  state<S>(id: NodeId): S | undefined {
    const s = this.slot(id);
    return s.up ? (s.state as S) : undefined;
  }

  /** The node's durable store: for observers, and for explicit faults on disk. */
  durable(id: NodeId): DurableStore {
    return this.slot(id).durable;
  }

  /** Crash a node: volatile state, timers and in-flight messages to it are lost. */
  crash(id: NodeId): void {
    const s = this.slot(id);
    if (!s.up) throw new Error(`Simulation.crash: node "${id}" is already down`);
    s.up = false;
    s.state = undefined;
    s.incarnation++;
    s.busyUntil = 0;
    s.streams.clear();
    s.backoffs.length = 0;
    s.upDown.push(this.now);
    for (const t of s.timers.values()) this.scheduler.cancel(t);
    s.timers.clear();
    this.trace.record({ t: this.now, k: 'crash', node: id });
  }

  /** Restart a crashed node from its durable state. */
  restart(id: NodeId): void {
    const s = this.slot(id);
    if (s.up) throw new Error(`Simulation.restart: node "${id}" is already up`);
    this.trace.record({ t: this.now, k: 'restart', node: id });
    this.boot(s);
  }

  /** Give a node a command input now (a client request, an admin action). False if it is down. */
  command(id: NodeId, command: unknown, label?: string): boolean {
    const s = this.slot(id);
    if (!s.up) return false;
    this.trace.record({ t: this.now, k: 'command', node: id, c: label ?? describeDefault(command) });
    this.stepNode(s, { kind: 'command', command });
    return true;
  }

  /** Run `fn` at absolute simulated time `time`. */
  at(time: number, fn: () => void): ActionHandle {
    return this.scheduler.schedule(time, { type: 'action', fn });
  }

  /** Run `fn` `ms` milliseconds from now. */
  after(ms: number, fn: () => void): ActionHandle {
    return this.at(this.now + ms, fn);
  }

  cancel(handle: ActionHandle): void {
    this.scheduler.cancel(handle);
  }

  /** Record free text in the trace (a caption; no reader parses it). */
  note(text: string): void {
    this.trace.record({ t: this.now, k: 'note', text });
  }

  /**
   * Record a fault injected from outside the nodes, by its fields; `text` is its line in
   * the canonical trace (and the hash), the report's label.
   */
  fault(fault: InjectedFault, text: string): void {
    this.trace.record({ t: this.now, k: 'fault', text, ...fault });
  }

  /** Record a scenario step's start or end (outside the hash: see `Trace.annotate`). */
  step(record: Omit<StepStart, 't'> | Omit<StepEnd, 't'>): void {
    this.trace.annotate({ t: this.now, ...record } as StepRecord);
  }

  /**
   * Subscribe to every trace record, or to the kinds given (an observer that leaves out
   * `send` and `deliver` costs the message path nothing). Returns an unsubscribe function.
   */
  observe(listener: (r: TraceRecord) => void, kinds?: readonly TraceRecord['k'][]): () => void {
    return this.trace.subscribe(listener, kinds);
  }

  /** Process events until idle, a time, a condition or a budget. */
  run(options: RunOptions = {}): RunResult {
    const { until, stopWhen, maxEvents } = options;
    let events = 0;
    for (;;) {
      if (stopWhen !== undefined && stopWhen()) return { reason: 'condition', now: this.now, events };
      const t = this.scheduler.peekTime();
      if (t === undefined) {
        if (until !== undefined) {
          this.scheduler.advanceTo(until);
          return { reason: 'time', now: this.now, events };
        }
        return { reason: 'idle', now: this.now, events };
      }
      if (until !== undefined && t > until) {
        this.scheduler.advanceTo(until);
        return { reason: 'time', now: this.now, events };
      }
      if (maxEvents !== undefined && events >= maxEvents) return { reason: 'budget', now: this.now, events };
      const ev = this.scheduler.next() as ScheduledEvent<KernelEvent>;
      events++;
      this.processed++;
      if (this.interrupt !== undefined && (this.processed & (INTERRUPT_EVERY - 1)) === 0) {
        const why = this.interrupt();
        if (why !== undefined) throw new SimulationInterrupted(why);
      }
      this.dispatch(ev);
    }
  }

  private slot(id: NodeId): NodeSlot {
    const s = this.nodes.get(id);
    if (s === undefined) throw new Error(`unknown node "${id}"`);
    return s;
  }

  private boot(s: NodeSlot): void {
    s.upDown.push(this.now);
    s.ctx.now = this.now;
    const { state, effects } = s.machine.start(s.ctx as NodeContext, s.durable);
    s.state = state;
    s.up = true;
    this.apply(s, effects);
  }

  private stepNode(s: NodeSlot, input: Input): void {
    s.ctx.now = this.now;
    const effects = s.machine.step(s.state, input, s.ctx as NodeContext);
    this.apply(s, effects);
  }

  private dispatch(ev: ScheduledEvent<KernelEvent>): void {
    const p = ev.payload;
    switch (p.type) {
      case 'deliver':
        this.arrive(p.to, p.from, p.id, p.incarnation, p.msg, p.m, p.mHash, p);
        return;
      case 'fanout': {
        // The delivery the scheduler just took (`advance` moved past it).
        const k = p.order[p.next - 1] as number;
        const msg = p.msg;
        if (p.next >= p.count) {
          // Its last: out of the scheduler, spare.
          p.msg = undefined;
          this.spareFanouts.push(p);
        }
        this.arrive(p.to[k] as NodeSlot, p.from, p.ids[k] as number, p.incarnations[k] as number, msg, p.m, p.mHash, undefined);
        return;
      }
      case 'timer': {
        const s = this.slot(p.node);
        if (!s.up || s.incarnation !== p.incarnation) return;
        s.timers.delete(p.name);
        this.trace.record({ t: this.now, k: 'timer', node: p.node, name: p.name });
        this.stepNode(s, p.data === undefined ? { kind: 'timer', name: p.name } : { kind: 'timer', name: p.name, data: p.data });
        return;
      }
      case 'action':
        p.fn();
        return;
    }
  }

  private apply(s: NodeSlot, effects: readonly Effect[]): void {
    for (let i = 0; i < effects.length; i++) {
      const e = effects[i] as Effect;
      // A node that crashed itself mid-list (not possible today) would stop here.
      if (!s.up) return;
      switch (e.kind) {
        case 'send': {
          // A broadcast: the same message to several nodes, in consecutive effects.
          const msg = e.msg;
          let j = i + 1;
          while (j < effects.length) {
            const f = effects[j] as Effect;
            if (f.kind !== 'send' || f.msg !== msg) break;
            j++;
          }
          if (j - i < FANOUT_MIN) {
            this.send(s, e.to, msg, undefined);
            break;
          }
          const fan = this.spareFanouts.pop() ?? new Fanout(s);
          fan.from = s;
          fan.msg = msg;
          fan.count = 0;
          for (; i < j; i++) this.send(s, (effects[i] as { readonly to: NodeId }).to, msg, fan);
          i--;
          if (fan.count === 0) {
            fan.msg = undefined;
            this.spareFanouts.push(fan);
          } else {
            fan.sort();
            this.scheduler.scheduleKeyed(fan, fan.count);
          }
          break;
        }
        case 'setTimer': {
          const old = s.timers.get(e.name);
          if (old !== undefined) this.scheduler.cancel(old);
          if (!(e.afterMs >= 0)) throw new RangeError(`node ${s.id}: timer "${e.name}" with afterMs ${e.afterMs}`);
          const ev = this.scheduler.schedule(this.now + e.afterMs, {
            type: 'timer',
            node: s.id,
            name: e.name,
            data: e.data,
            incarnation: s.incarnation,
          });
          s.timers.set(e.name, ev);
          break;
        }
        case 'cancelTimer': {
          const old = s.timers.get(e.name);
          if (old !== undefined) {
            this.scheduler.cancel(old);
            s.timers.delete(e.name);
          }
          break;
        }
        case 'persist':
          s.durable.apply(e.op);
          break;
        case 'emit':
          this.trace.recordEvent(this.now, s.id, s.idHash, e.event);
          break;
      }
    }
  }

  /** Send `msg` from `s` to `to`: scheduled as a delivery of its own, or added to `fan`. */
  private send(s: NodeSlot, to: NodeId, msg: unknown, fan: Fanout | undefined): void {
    const target = this.nodes.get(to);
    if (target === undefined) throw new Error(`node ${s.id} sent to unknown node "${to}"`);
    const id = ++this.nextMessageId;
    if (msg !== this.lastMsg || s.machine !== this.lastMachine) {
      this.lastM = s.machine.describe ? s.machine.describe(msg) : describeDefault(msg);
      this.lastMHash = this.descriptionHash(this.lastM);
      this.lastMsg = msg;
      this.lastMachine = s.machine;
      this.lastFields = undefined;
    }
    const m = this.lastM;
    const mHash = this.lastMHash;
    const now = this.now;
    this.sent++;
    // A reader of records gets the message's fields too (not hashed: the same fold).
    if (this.trace.wantsMessageRecords) this.trace.record({ t: now, k: 'send', id, from: s.id, to, m, msg: (this.lastFields ??= fieldsOf(s.machine, msg)) });
    else this.trace.recordMessage('send', now, id, s.id, s.idHash, to, target.idHash, m, mHash);
    // Network.routeInto, without its lookups: connected, then the cached link's draws.
    const network = this.network;
    if (!network.connected(s.id, to) || !network.passes(s.id, to, msg)) {
      this.trace.record({ t: now, k: 'drop', id, from: s.id, to, m, reason: 'partition' });
      return;
    }
    if (target !== s && s.machine.streamOf !== undefined) {
      const name = s.machine.streamOf(msg);
      const lost = name === undefined ? undefined : this.streamSend(s, target, name);
      if (lost !== undefined) {
        this.trace.record({ t: now, k: 'drop', id, from: s.id, to, m, reason: lost });
        return;
      }
    }
    let at = now;
    let again = -1;
    if (target !== s) {
      let link = s.links[target.index];
      if (link === undefined) s.links[target.index] = link = network.link(s.id, to);
      at = network.routeLink(link, now);
      if (at === ROUTE_LOSS) {
        this.trace.record({ t: now, k: 'drop', id, from: s.id, to, m, reason: 'loss' });
        return;
      }
      again = network.duplicateAt;
    }
    if (fan !== undefined) {
      fan.m = m;
      fan.mHash = mHash;
      fan.add(at, this.scheduler.takeSeq(), id, target);
      if (again >= 0) fan.add(again, this.scheduler.takeSeq(), id, target);
      return;
    }
    this.scheduler.scheduleEvent(this.delivery(at, id, s, target, msg, m, mHash));
    if (again >= 0) this.scheduler.scheduleEvent(this.delivery(again, id, s, target, msg, m, mHash));
  }

  /**
   * hash32 of a message's description as an int32, from a small cache: each node sends its
   * own vote object for the same view and sequence (at n=4 a vote's description was built
   * and hashed once per node), and a machine that returns the same description string
   * again is answered by identity. Direct-mapped by length and last code unit.
   */
  private descriptionHash(m: string): number {
    const n = m.length;
    const k = (n * 7 + (n > 0 ? m.charCodeAt(n - 1) : 0)) & (DESCRIPTION_CACHE - 1);
    if (this.descTexts[k] === m) return this.descHashes[k] as number;
    const h = hash32(m) | 0;
    this.descTexts[k] = m;
    this.descHashes[k] = h;
    return h;
  }

  /**
   * Message `id` reaches `s` (sent to the incarnation `incarnation`): dropped if `s` went down
   * or the network cuts it off, held until `s` has handled what came before (its processing
   * cost), or handed to `s`. `d` is the message's own delivery, reused or released here; a
   * fan-out's deliveries have none (`undefined`) until one must wait for the node's cost.
   */
  private arrive(s: NodeSlot, from: NodeSlot, id: number, incarnation: number, msg: unknown, m: string, mHash: number, d: Delivery | undefined): void {
    if (!s.up || s.incarnation !== incarnation) {
      this.trace.record({ t: this.now, k: 'drop', id, from: from.id, to: s.id, m, reason: 'down' });
      if (d !== undefined) this.release(d);
      return;
    }
    const handled = d !== undefined && d.handled;
    if (!handled && (!this.network.connected(from.id, s.id) || !this.network.passes(from.id, s.id, msg))) {
      this.trace.record({ t: this.now, k: 'drop', id, from: from.id, to: s.id, m, reason: 'partition' });
      if (d !== undefined) this.release(d);
      return;
    }
    if (!handled && s.costMs > 0) {
      // Arrived: wait for the node to finish what it is handling, then take costMs.
      s.busyUntil = Math.max(this.now, s.busyUntil) + s.costMs;
      const held = d ?? this.delivery(s.busyUntil, id, from, s, msg, m, mHash);
      held.time = s.busyUntil;
      held.handled = true;
      held.cancelled = false;
      this.scheduler.scheduleEvent(held);
      return;
    }
    this.delivered++;
    this.trace.recordMessage('deliver', this.now, id, from.id, from.idHash, s.id, s.idHash, m, mHash);
    if (d !== undefined) this.release(d);
    this.stepNode(s, { kind: 'message', from: from.id, msg });
  }

  /** A delivery of `msg` to `target`'s current process at `at`: a spare one refilled, or a new one. */
  private delivery(at: number, id: number, from: NodeSlot, target: NodeSlot, msg: unknown, m: string, mHash: number): Delivery {
    const d = this.spare.pop();
    if (d === undefined) return new Delivery(at, id, from, target, msg, m, mHash, target.incarnation, false);
    d.time = at;
    d.id = id;
    d.from = from;
    d.to = target;
    d.msg = msg;
    d.m = m;
    d.mHash = mHash;
    d.incarnation = target.incarnation;
    d.handled = false;
    d.cancelled = false;
    return d;
  }

  /** A dispatched delivery is spare (the scheduler no longer holds it); its message is let go. */
  private release(d: Delivery): void {
    d.msg = undefined;
    this.spare.push(d);
  }

  /** A send on `s`'s stream `name` to `target`: why the message is lost, or undefined (see the header). */
  private streamSend(s: NodeSlot, target: NodeSlot, name: string): 'down' | 'stream' | 'backoff' | undefined {
    let byPeer = s.streams.get(name);
    if (byPeer === undefined) s.streams.set(name, (byPeer = []));
    const st = byPeer[target.index];
    if (st === undefined) {
      const dial = this.dial(s, target);
      if (dial !== undefined) return dial;
      for (let i = 0; i < byPeer.length; i++) if (byPeer[i]?.canceled === true) byPeer[i] = undefined;
      byPeer[target.index] = { incarnation: target.incarnation, canceled: false };
      return undefined;
    }
    if (st.canceled) {
      byPeer[target.index] = undefined;
      return target.up ? 'stream' : 'down';
    }
    if (st.incarnation !== target.incarnation) {
      st.canceled = true;
      return target.up ? 'stream' : 'down';
    }
    return undefined;
  }

  /**
   * A new stream needs `s`'s connection to `target`: undefined when it is ready (or dials
   * the peer now, up), else why the stream fails. Without `dialBackoff`, only a peer that
   * is down fails it.
   */
  private dial(s: NodeSlot, target: NodeSlot): 'down' | 'backoff' | undefined {
    const config = this.dialBackoff;
    if (config === undefined) return target.up ? undefined : 'down';
    const b = s.backoffs[target.index];
    const now = this.now;
    if (b === undefined) {
      if (target.up) return undefined;
      // Refused: TRANSIENT_FAILURE, the first retry BaseDelay later.
      s.backoffs[target.index] = { attempt: 0, redialAt: now + grpcBackoffMs(0, () => 0, config), rng: this.rng.fork(`dial:${s.id}->${target.id}`) };
      return 'down';
    }
    // The redials since the last look: the first that found the peer up made the connection ready.
    while (b.redialAt <= now) {
      if (wasUp(target.upDown, b.redialAt)) {
        s.backoffs[target.index] = undefined;
        return undefined;
      }
      b.attempt++;
      b.redialAt += grpcBackoffMs(b.attempt, () => b.rng.float(), config);
    }
    return 'backoff';
  }
}

/** Whether a node whose processes started and stopped at `upDown` ([up, down, up, ...]) was up at time `t`. */
function wasUp(upDown: readonly number[], t: number): boolean {
  for (let i = upDown.length - 1; i >= 0; i--) if ((upDown[i] as number) <= t) return i % 2 === 0;
  return false;
}
