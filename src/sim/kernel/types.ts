/**
 * The contract between the simulation kernel and the nodes it drives.
 *
 * A node is a state machine: `start(ctx, durable)` builds its volatile state from its
 * durable state, and `step(state, input, ctx)` reacts to one input and returns the
 * effects it wants. The kernel applies the effects; a node never touches the network,
 * the clock, randomness or another node's state. This is the shape of etcd's raft
 * (`Step` in, `Ready` out).
 *
 * Ownership: `state` belongs to the node. `step` may update it in place (as a draft);
 * nothing else writes it. Messages and events, once returned in an effect, are
 * immutable: the kernel may deliver the same object twice (duplication) or to many.
 */

/** Stable node id, e.g. `orderer.dataforge`, `peer0.techpulse`. */
export type NodeId = string;

/** What a node reads at each step. */
export interface NodeContext {
  /** Simulated time in milliseconds since the run began. */
  readonly now: number;
  /** The id of the node being stepped. */
  readonly self: NodeId;
  /** The node's own random stream (`rng.fork('node:<id>')`); draws here shift no other stream. */
  readonly rng: import('./rng.ts').Rng;
}

/** An input to a node. */
export type Input<M = unknown, C = unknown> =
  | { readonly kind: 'message'; readonly from: NodeId; readonly msg: M }
  | { readonly kind: 'timer'; readonly name: string; readonly data?: unknown }
  | { readonly kind: 'command'; readonly command: C };

/**
 * An operation on a node's durable store (its disk). Applied at once and in order:
 * a `persist` that comes before a `send` in the same effect list is on disk before the
 * message leaves (SmartBFT: WAL append before the Prepare/Commit it covers).
 */
export type DurableOp =
  | { readonly op: 'set'; readonly key: string; readonly value: unknown }
  | { readonly op: 'append'; readonly key: string; readonly value: unknown }
  /** Keep the first `length` entries of the list at `key`. */
  | { readonly op: 'truncate'; readonly key: string; readonly length: number }
  | { readonly op: 'delete'; readonly key: string };

/** What a node asks the kernel to do. */
export type Effect<M = unknown, E = unknown> =
  | { readonly kind: 'send'; readonly to: NodeId; readonly msg: M }
  /** Start (or restart: same name replaces) a timer that fires `afterMs` from now. */
  | { readonly kind: 'setTimer'; readonly name: string; readonly afterMs: number; readonly data?: unknown }
  | { readonly kind: 'cancelTimer'; readonly name: string }
  | { readonly kind: 'persist'; readonly op: DurableOp }
  /** A typed event for logs, metrics and checkers. Must be plain, JSON-safe data. */
  | { readonly kind: 'emit'; readonly event: E };

/** Read access to a node's durable store, as `start` sees it after a crash. */
export interface DurableView {
  get<T = unknown>(key: string): T | undefined;
  /** The list at `key` (empty when absent). */
  list<T = unknown>(key: string): readonly T[];
  has(key: string): boolean;
  keys(): string[];
}

/** A node's logic. `S` volatile state, `M` messages, `C` commands, `E` events. */
export interface NodeMachine<S = unknown, M = unknown, C = unknown, E = unknown> {
  /** Build volatile state from durable state (empty on first start). */
  start(ctx: NodeContext, durable: DurableView): { state: S; effects: Effect<M, E>[] };
  /** React to one input. May update `state` in place; returns effects in the order to apply. */
  step(state: S, input: Input<M, C>, ctx: NodeContext): Effect<M, E>[];
  /** A short, deterministic description of a message for the trace (default: its `type`). */
  describe?(msg: M): string;
  /**
   * The message's fields for readers of the trace (type, view, sequence, digest), asked
   * only when someone keeps or watches send records (default: `{ type }`).
   */
  fields?(msg: M): import('../../shared/trace-format.ts').MessageFields;
  /**
   * The client stream a message is sent on, if any (default: none). A stream is opened to
   * one process of its peer: after that process dies, a send on it fails and the message
   * is lost (see `Simulation` for the rule, Fabric's cluster Step streams).
   */
  streamOf?(msg: M): string | undefined;
}

/** Any machine, for the kernel's bookkeeping. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyMachine = NodeMachine<any, any, any, any>;
