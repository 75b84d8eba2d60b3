/**
 * Test harness: a SmartBFT cluster of n consenters on the kernel, in SmartBFT's test-app
 * vocabulary (Disconnect, Restart, submit to all), with collected `bft.decided` facts.
 */
import { Simulation, type TraceRecord } from '../../../src/sim/kernel/index.ts';
import { createConsenter, createTwins, type ConsenterState, type Decision, type Request } from '../../../src/sim/smartbft/api.ts';
import type { SmartBftConfig } from '../../../src/sim/smartbft/config.ts';
import type { DecidedFact } from '../../../src/sim/smartbft/checkers.ts';

export interface ClusterOptions {
  n: number;
  seed?: number;
  config?: Partial<SmartBftConfig>;
  keep?: boolean;
  events?: 'all' | 'facts';
  /** Consenter ids run as Twins (two honest copies under one identity). */
  twins?: readonly number[];
}

export class BftCluster {
  readonly sim: Simulation;
  readonly names: string[];
  readonly decided: DecidedFact[] = [];
  readonly records: TraceRecord[] = [];
  private reqNo = 0;
  readonly submitted = new Set<string>();

  constructor(readonly opts: ClusterOptions) {
    this.sim = new Simulation({ seed: opts.seed ?? 1, trace: { keep: false } });
    this.names = Array.from({ length: opts.n }, (_, i) => `orderer${i + 1}`);
    const nodes = this.names.map((name, i) => ({ id: i + 1, name }));
    this.sim.observe((r) => {
      if (opts.keep) this.records.push(r);
      if (r.k === 'event') {
        const e = r.e as { type: string };
        if (e.type === 'bft.decided') this.decided.push({ ...(r.e as Omit<DecidedFact, 'node' | 't'>), node: r.node, t: r.t });
      }
    });
    for (const [i, name] of this.names.entries()) {
      const o = { id: i + 1, nodes, config: opts.config ?? {}, events: opts.events ?? 'all' } as const;
      this.sim.addNode(name, opts.twins?.includes(i + 1) ? createTwins(o) : createConsenter(o));
    }
  }

  name(id: number): string {
    return this.names[id - 1] as string;
  }

  state(id: number): ConsenterState | undefined {
    return this.sim.state<ConsenterState>(this.name(id));
  }

  /** A client submission, sent to every live orderer (Fabric's gateway does so). */
  submit(clientId = 'client', count = 1, only?: readonly number[]): Request[] {
    const out: Request[] = [];
    for (let k = 0; k < count; k++) {
      const r: Request = { clientId, reqId: `tx${++this.reqNo}`, size: 100, payload: null };
      this.submitted.add(`${r.clientId}:${r.reqId}`);
      out.push(r);
      for (const [i, name] of this.names.entries()) {
        if (only !== undefined && !only.includes(i + 1)) continue;
        if (this.sim.isUp(name)) this.sim.command(name, { type: 'submit', request: r }, `submit ${r.reqId}`);
      }
    }
    return out;
  }

  ledger(id: number): readonly Decision[] {
    const key = this.opts.twins?.includes(id) ? 'a/ledger' : 'ledger';
    return this.sim.durable(this.name(id)).list<Decision>(key);
  }

  byzantine(id: number, behaviour: string | null): void {
    this.sim.command(this.name(id), { type: 'byzantine', behaviour }, `byzantine ${behaviour ?? 'off'}`);
  }

  height(id: number): number {
    return this.ledger(id).length;
  }

  run(ms: number): void {
    this.sim.run({ until: this.sim.now + ms, maxEvents: 5_000_000 });
  }

  /** Run until every listed node's ledger holds `height` decisions, or `ms` passes. */
  runUntilHeight(height: number, ms: number, ids: readonly number[] = this.names.map((_, i) => i + 1)): boolean {
    const until = this.sim.now + ms;
    const r = this.sim.run({ until, stopWhen: () => ids.every((id) => this.height(id) >= height), maxEvents: 5_000_000 });
    return r.reason === 'condition';
  }

  isolate(id: number): void {
    this.sim.network.isolate(this.name(id), this.names.filter((x) => x !== this.name(id)));
  }

  heal(): void {
    this.sim.network.heal();
  }
}

/** The log events one node emitted, kinds only. */
export function logKinds(records: readonly TraceRecord[], node: string): string[] {
  const out: string[] = [];
  for (const r of records) {
    if (r.k === 'event' && r.node === node && (r.e as { type: string }).type === 'log') out.push((r.e as { kind: string }).kind);
  }
  return out;
}
