/**
 * The simulated network: per-link latency drawn from a distribution, loss,
 * duplication, reordering, partitions and zone-to-zone latency.
 *
 * Links are FIFO by default (Fabric's orderers talk over gRPC streams): a message is
 * never delivered before an earlier one on the same link, unless `reorderProbability`
 * lets it overtake. Every draw comes from the link's own random stream
 * (`network/link:<from>-><to>`), so traffic on one link never shifts another's.
 */
import type { NodeId } from './types.ts';
import type { Rng } from './rng.ts';

/** A latency distribution in milliseconds. */
export type LatencyDist =
  | { readonly kind: 'fixed'; readonly ms: number }
  | { readonly kind: 'uniform'; readonly minMs: number; readonly maxMs: number }
  | { readonly kind: 'normal'; readonly meanMs: number; readonly stdMs: number; readonly minMs?: number }
  | { readonly kind: 'exponential'; readonly meanMs: number; readonly minMs?: number };

/** Fault and latency settings of a link; every field has a default. */
export interface LinkConfig {
  readonly latency: LatencyDist;
  /** Probability that a message is lost. */
  readonly lossProbability: number;
  /** Probability that a message is delivered twice. */
  readonly duplicateProbability: number;
  /** Probability that a message may overtake earlier ones on its link (FIFO otherwise). */
  readonly reorderProbability: number;
}

export interface NetworkConfig extends Partial<LinkConfig> {
  /** Zone of each node (nodes not listed are in zone `default`). */
  readonly zones?: Readonly<Record<NodeId, string>>;
  /** Latency between zones, keyed `"a->b"` (looked up both ways). Same-zone links use `latency`. */
  readonly zoneLatency?: Readonly<Record<string, LatencyDist>>;
  /** Per-link overrides keyed `"from->to"`. */
  readonly links?: Readonly<Record<string, Partial<LinkConfig>>>;
}

export const DEFAULT_LINK: LinkConfig = {
  latency: { kind: 'uniform', minMs: 1, maxMs: 3 },
  lossProbability: 0,
  duplicateProbability: 0,
  reorderProbability: 0,
};

/** The outcome of sending one message: delivery times (0, 1 or 2) or why it was dropped. */
export type Routing =
  | { readonly delivered: readonly number[] }
  | { readonly dropped: 'loss' | 'partition' };

/**
 * A link's one-way latency for a round-trip time: half of it, +-10% uniform (as `size`
 * measures, and as `topology.zones` sets links inside and across zones).
 */
export function latencyOfRtt(rttMs: number): LatencyDist {
  const oneWay = rttMs / 2;
  return { kind: 'uniform', minMs: oneWay * 0.9, maxMs: oneWay * 1.1 };
}

export function validateLatency(d: LatencyDist, where: string): void {
  const bad = (why: string): never => {
    throw new RangeError(`${where}: ${why}`);
  };
  switch (d.kind) {
    case 'fixed':
      if (!(d.ms >= 0)) bad(`fixed latency must be >= 0 ms, got ${d.ms}`);
      break;
    case 'uniform':
      if (!(d.minMs >= 0 && d.maxMs >= d.minMs)) bad(`uniform latency needs 0 <= minMs <= maxMs, got ${d.minMs}..${d.maxMs}`);
      break;
    case 'normal':
      if (!(d.meanMs >= 0 && d.stdMs >= 0)) bad(`normal latency needs meanMs >= 0 and stdMs >= 0`);
      break;
    case 'exponential':
      if (!(d.meanMs > 0)) bad(`exponential latency needs meanMs > 0, got ${d.meanMs}`);
      break;
  }
}

function checkProbability(p: number, name: string): void {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`network: ${name} must be in [0, 1], got ${p}`);
}

function drawLatency(d: LatencyDist, rng: Rng): number {
  switch (d.kind) {
    case 'fixed':
      return d.ms;
    case 'uniform':
      return d.minMs + rng.float() * (d.maxMs - d.minMs);
    case 'normal':
      return Math.max(d.minMs ?? 0, d.meanMs + d.stdMs * rng.normal());
    case 'exponential':
      return (d.minMs ?? 0) + rng.exponential(d.meanMs);
  }
}

/** One directed link's settings, random stream and FIFO horizon; a handle the kernel may cache. */
export interface LinkState {
  /** Replaced in place by `reconfigure`, so a cached handle stays current. */
  config: LinkConfig;
  readonly rng: Rng;
  lastDelivery: number;
}

/** What `routeLink` returns for a lost message. */
export const ROUTE_LOSS = -1;

export class Network {
  /** Link state by sender, then receiver (no string building on the hot path). */
  private readonly links = new Map<NodeId, Map<NodeId, LinkState>>();
  private config: NetworkConfig;
  /** Node -> partition group index; undefined when no partition is in force. */
  private groupOf: Map<NodeId, number> | undefined;
  /** One-way cuts `"from->to"`. */
  private readonly cuts = new Set<string>();
  /** Message types dropped one way, `"from->to"` -> types (a message's `type` field). */
  private readonly typeDrops = new Map<string, Set<string>>();
  /**
   * The time of the second copy when the last `routeLink` duplicated its message, else -1.
   * A field rather than a returned pair, so the hot path allocates nothing.
   */
  duplicateAt = -1;
  /**
   * Link settings without a per-link override, one object per latency distribution: the
   * links share it (at n=64, 4,032 copies of the same settings cost a cache miss a
   * message). Emptied when the settings change.
   */
  private readonly sharedConfigs = new Map<LatencyDist, LinkConfig>();

  constructor(
    config: NetworkConfig,
    private readonly rng: Rng,
  ) {
    Network.validate(config);
    this.config = config;
  }

  static validate(config: NetworkConfig): void {
    if (config.latency) validateLatency(config.latency, 'network.latency');
    for (const [k, d] of Object.entries(config.zoneLatency ?? {})) validateLatency(d, `network.zoneLatency["${k}"]`);
    checkProbability(config.lossProbability ?? 0, 'lossProbability');
    checkProbability(config.duplicateProbability ?? 0, 'duplicateProbability');
    checkProbability(config.reorderProbability ?? 0, 'reorderProbability');
    for (const [k, l] of Object.entries(config.links ?? {})) {
      if (l.latency) validateLatency(l.latency, `network.links["${k}"].latency`);
      if (l.lossProbability !== undefined) checkProbability(l.lossProbability, `links["${k}"].lossProbability`);
      if (l.duplicateProbability !== undefined) checkProbability(l.duplicateProbability, `links["${k}"].duplicateProbability`);
      if (l.reorderProbability !== undefined) checkProbability(l.reorderProbability, `links["${k}"].reorderProbability`);
    }
  }

  /** Change settings mid-run (e.g. a `delay` or `loss` fault); links pick them up at once. */
  reconfigure(config: NetworkConfig): void {
    Network.validate(config);
    this.config = config;
    this.sharedConfigs.clear();
    for (const [from, byTo] of this.links) {
      for (const [to, link] of byTo) link.config = this.linkConfig(`${from}->${to}`);
    }
  }

  get settings(): NetworkConfig {
    return this.config;
  }

  zoneOf(node: NodeId): string {
    return this.config.zones?.[node] ?? 'default';
  }

  /**
   * Split the nodes into groups that cannot talk to each other. Nodes not named in
   * any group form one more group together. Replaces any earlier partition.
   */
  partition(groups: readonly (readonly NodeId[])[]): void {
    const map = new Map<NodeId, number>();
    groups.forEach((g, i) => {
      for (const n of g) {
        if (map.has(n)) throw new RangeError(`network.partition: node ${n} is in two groups`);
        map.set(n, i);
      }
    });
    this.groupOf = map;
  }

  /** Cut the one-way link from -> to (the reverse direction still works). */
  cut(from: NodeId, to: NodeId): void {
    this.cuts.add(`${from}->${to}`);
  }

  /**
   * Drop the messages from -> to whose `type` field is one of `types` (SmartBFT's
   * `Commit`, `HeartBeat`, ...); other messages still pass. Adds to earlier drops.
   */
  dropTypes(from: NodeId, to: NodeId, types: readonly string[]): void {
    const key = `${from}->${to}`;
    let set = this.typeDrops.get(key);
    if (set === undefined) this.typeDrops.set(key, (set = new Set()));
    for (const t of types) set.add(t);
  }

  /** Whether `msg` from -> to passes the type drops (true when none is in force). */
  passes(from: NodeId, to: NodeId, msg: unknown): boolean {
    if (this.typeDrops.size === 0) return true;
    const set = this.typeDrops.get(`${from}->${to}`);
    if (set === undefined) return true;
    const type = msg !== null && typeof msg === 'object' ? (msg as { type?: unknown }).type : undefined;
    return !(typeof type === 'string' && set.has(type));
  }

  /** Cut every link to and from `node`. */
  isolate(node: NodeId, others: readonly NodeId[]): void {
    for (const o of others) {
      if (o === node) continue;
      this.cut(node, o);
      this.cut(o, node);
    }
  }

  /** Remove every partition, cut and type drop. */
  heal(): void {
    this.groupOf = undefined;
    this.cuts.clear();
    this.typeDrops.clear();
  }

  /** Whether a message from -> to can pass right now. */
  connected(from: NodeId, to: NodeId): boolean {
    if (from === to) return true;
    if (this.cuts.size > 0 && this.cuts.has(`${from}->${to}`)) return false;
    const g = this.groupOf;
    if (g !== undefined) {
      const a = g.get(from) ?? -1;
      const b = g.get(to) ?? -1;
      if (a !== b) return false;
    }
    return true;
  }

  /** Decide the fate of one message sent at `now`. */
  route(from: NodeId, to: NodeId, now: number): Routing {
    const out: number[] = [];
    const dropped = this.routeInto(from, to, now, out);
    return dropped === null ? { delivered: out } : { dropped };
  }

  /**
   * The hot path of `route`: pushes the delivery times (one, or two when duplicated) onto
   * `out` and returns null, or returns why the message was dropped. Allocates nothing.
   */
  routeInto(from: NodeId, to: NodeId, now: number, out: number[]): 'loss' | 'partition' | null {
    if (!this.connected(from, to)) return 'partition';
    if (from === to) {
      out.push(now);
      return null;
    }
    const at = this.routeLink(this.link(from, to), now);
    if (at === ROUTE_LOSS) return 'loss';
    out.push(at);
    if (this.duplicateAt >= 0) out.push(this.duplicateAt);
    return null;
  }

  /** The link from -> to (two different nodes), created on first use. Stable: `reconfigure` updates it in place. */
  link(from: NodeId, to: NodeId): LinkState {
    let byTo = this.links.get(from);
    if (byTo === undefined) {
      byTo = new Map();
      this.links.set(from, byTo);
    }
    let link = byTo.get(to);
    if (link === undefined) {
      const key = `${from}->${to}`;
      link = { config: this.linkConfig(key), rng: this.rng.fork(`link:${key}`), lastDelivery: 0 };
      byTo.set(to, link);
    }
    return link;
  }

  /**
   * The hot path of `routeInto` for a connected pair of different nodes whose link the
   * caller holds: the delivery time, or ROUTE_LOSS; a duplicate's time is left in
   * `duplicateAt`. Draws exactly what `routeInto` draws, in the same order.
   */
  routeLink(link: LinkState, now: number): number {
    const c = link.config;
    this.duplicateAt = -1;
    if (c.lossProbability > 0 && link.rng.chance(c.lossProbability)) return ROUTE_LOSS;
    const at = this.deliveryTime(link, now);
    if (c.duplicateProbability > 0 && link.rng.chance(c.duplicateProbability)) this.duplicateAt = this.deliveryTime(link, now);
    return at;
  }

  private deliveryTime(link: LinkState, now: number): number {
    const c = link.config;
    let at = now + drawLatency(c.latency, link.rng);
    const mayOvertake = c.reorderProbability > 0 && link.rng.chance(c.reorderProbability);
    if (!mayOvertake && at < link.lastDelivery) at = link.lastDelivery;
    if (at > link.lastDelivery) link.lastDelivery = at;
    return at;
  }

  private linkConfig(key: string): LinkConfig {
    const [from = '', to = ''] = key.split('->');
    const cfg = this.config;
    let latency = cfg.latency ?? DEFAULT_LINK.latency;
    const za = this.zoneOf(from);
    const zb = this.zoneOf(to);
    if (za !== zb && cfg.zoneLatency) {
      latency = cfg.zoneLatency[`${za}->${zb}`] ?? cfg.zoneLatency[`${zb}->${za}`] ?? latency;
    }
    const override = cfg.links?.[key];
    if (override === undefined) {
      let shared = this.sharedConfigs.get(latency);
      if (shared === undefined) {
        shared = {
          latency,
          lossProbability: cfg.lossProbability ?? DEFAULT_LINK.lossProbability,
          duplicateProbability: cfg.duplicateProbability ?? DEFAULT_LINK.duplicateProbability,
          reorderProbability: cfg.reorderProbability ?? DEFAULT_LINK.reorderProbability,
        };
        this.sharedConfigs.set(latency, shared);
      }
      return shared;
    }
    const o = override;
    return {
      latency: o.latency ?? latency,
      lossProbability: o.lossProbability ?? cfg.lossProbability ?? DEFAULT_LINK.lossProbability,
      duplicateProbability: o.duplicateProbability ?? cfg.duplicateProbability ?? DEFAULT_LINK.duplicateProbability,
      reorderProbability: o.reorderProbability ?? cfg.reorderProbability ?? DEFAULT_LINK.reorderProbability,
    };
  }
}
