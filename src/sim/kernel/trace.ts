/**
 * The trace: every send, delivery, drop, timer, crash, restart, emitted event and
 * external note, in the order the kernel did them.
 *
 * Each record has a canonical one-line text form; the trace hash is a 64-bit hash
 * folded over those lines, so it is the run's identity: same seed, same hash. Records
 * are kept in memory only when asked (`keep`), and can be streamed to a sink (the CLI
 * writes JSON Lines). The canonical line of a message names it by the node machine's
 * `describe` (type, view, sequence...), so the hash is cheap on the hot path.
 */
import type { NodeId } from './types.ts';

export type DropReason = 'loss' | 'partition' | 'down';

export type TraceRecord =
  | { readonly t: number; readonly k: 'send'; readonly id: number; readonly from: NodeId; readonly to: NodeId; readonly m: string }
  | { readonly t: number; readonly k: 'deliver'; readonly id: number; readonly from: NodeId; readonly to: NodeId; readonly m: string }
  | { readonly t: number; readonly k: 'drop'; readonly id: number; readonly from: NodeId; readonly to: NodeId; readonly m: string; readonly reason: DropReason }
  | { readonly t: number; readonly k: 'timer'; readonly node: NodeId; readonly name: string }
  | { readonly t: number; readonly k: 'crash'; readonly node: NodeId }
  | { readonly t: number; readonly k: 'restart'; readonly node: NodeId }
  | { readonly t: number; readonly k: 'command'; readonly node: NodeId; readonly c: string }
  | { readonly t: number; readonly k: 'event'; readonly node: NodeId; readonly e: unknown }
  | { readonly t: number; readonly k: 'note'; readonly text: string };

export interface TraceOptions {
  /** Keep every record in memory (for checkers, reports, tests). Default false. */
  readonly keep?: boolean;
  /** Called with every record as it happens (e.g. to write JSON Lines). */
  readonly sink?: (record: TraceRecord) => void;
}

/** Canonical text of a record: what the hash covers. */
export function canonicalLine(r: TraceRecord): string {
  const t = r.t.toFixed(3);
  switch (r.k) {
    case 'send':
    case 'deliver':
      return `${t} ${r.k} #${r.id} ${r.from}>${r.to} ${r.m}`;
    case 'drop':
      return `${t} drop #${r.id} ${r.from}>${r.to} ${r.m} ${r.reason}`;
    case 'timer':
      return `${t} timer ${r.node} ${r.name}`;
    case 'crash':
    case 'restart':
      return `${t} ${r.k} ${r.node}`;
    case 'command':
      return `${t} command ${r.node} ${r.c}`;
    case 'event':
      return `${t} event ${r.node} ${JSON.stringify(r.e)}`;
    case 'note':
      return `${t} note ${r.text}`;
  }
}

export class Trace {
  private h1 = 0xdeadbeef;
  private h2 = 0x41c6ce57;
  private count = 0;
  private readonly kept: TraceRecord[] | undefined;
  private readonly sinks: ((r: TraceRecord) => void)[] = [];

  constructor(options: TraceOptions = {}) {
    this.kept = options.keep ? [] : undefined;
    if (options.sink) this.sinks.push(options.sink);
  }

  /** Add a listener that sees every later record (observers, checkers, metrics). */
  subscribe(listener: (r: TraceRecord) => void): () => void {
    this.sinks.push(listener);
    return () => {
      const i = this.sinks.indexOf(listener);
      if (i >= 0) this.sinks.splice(i, 1);
    };
  }

  record(r: TraceRecord): void {
    this.fold(canonicalLine(r));
    this.count++;
    this.kept?.push(r);
    for (const s of this.sinks) s(r);
  }

  /** Number of records so far. */
  get length(): number {
    return this.count;
  }

  /** The records kept in memory (empty unless `keep` was set). */
  get records(): readonly TraceRecord[] {
    return this.kept ?? [];
  }

  /** The stable 64-bit hash (16 hex digits) of every record so far. */
  hash(): string {
    return (this.h1 >>> 0).toString(16).padStart(8, '0') + (this.h2 >>> 0).toString(16).padStart(8, '0');
  }

  private fold(line: string): void {
    // cyrb53-style streaming mix of two 32-bit lanes, with a record separator.
    let h1 = this.h1;
    let h2 = this.h2;
    for (let i = 0; i < line.length; i++) {
      const ch = line.charCodeAt(i);
      h1 = Math.imul(h1 ^ ch, 2654435761);
      h2 = Math.imul(h2 ^ ch, 1597334677);
    }
    h1 = Math.imul(h1 ^ 10, 2654435761);
    h2 = Math.imul(h2 ^ 10, 1597334677);
    h1 ^= Math.imul(h1 ^ (h2 >>> 15), 0x735a2d97);
    h2 ^= Math.imul(h2 ^ (h1 >>> 15), 0xcaf649a9);
    this.h1 = h1;
    this.h2 = h2;
  }
}
