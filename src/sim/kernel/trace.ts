/**
 * The trace: every send, delivery, drop, timer, crash, restart, emitted event, injected
 * fault and scenario step, in the order they happened. The records' layout (one union,
 * versioned) is src/shared/trace-format.ts.
 *
 * Each record has a canonical one-line text form; the trace hash is a 64-bit hash
 * folded over the same fields, so it is the run's identity: same seed, same hash. Records
 * are kept in memory only when asked (`keep`), and can be streamed to a sink (the CLI
 * writes JSON Lines). The canonical line of a message names it by the node machine's
 * `describe` (type, view, sequence...), so the hash is cheap on the hot path.
 */
import { hash32 } from '../../shared/hash.ts';
import type { StepRecord, TraceRecord } from '../../shared/trace-format.ts';
import { jsonHash32 } from './json-hash.ts';

export type { DropReason, FaultRecord, InjectedFault, MessageFields, StepRecord, TraceRecord } from '../../shared/trace-format.ts';

export interface TraceOptions {
  /** Keep every record in memory (for checkers, reports, tests). Default false. */
  readonly keep?: boolean;
  /** Called with every record as it happens (e.g. to write JSON Lines). */
  readonly sink?: (record: TraceRecord) => void;
}

/**
 * Canonical text of a record: the hash covers exactly these fields (time to the
 * microsecond). A `send` record's `msg` fields are not in it (they restate `m`), nor is
 * any `step` record.
 */
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
    case 'fault':
      // A fault keeps the line of the note it replaced (the hash did not move).
      return `${t} note ${r.text}`;
    case 'step':
      // Not hashed (see `Trace.annotate`): a line for diffs only.
      return `${t} step ${r.phase} #${r.index} ${r.name}${r.phase === 'end' ? ` ${r.ok ? 'ok' : 'failed'}` : ''}`;
  }
}

interface Sink {
  readonly listener: (r: TraceRecord) => void;
  /** The record kinds it wants; undefined: all. */
  readonly kinds: ReadonlySet<TraceRecord['k']> | undefined;
}

export class Trace {
  private h1 = 0xdeadbeef;
  private h2 = 0x41c6ce57;
  private count = 0;
  private readonly kept: TraceRecord[] | undefined;
  private readonly sinks: Sink[] = [];
  /** Someone keeps or watches send/deliver records: only then are they built as objects. */
  private messageRecordsWanted: boolean;
  /** Someone keeps or watches event records: only then are they built as objects. */
  private eventRecordsWanted: boolean;

  constructor(options: TraceOptions = {}) {
    this.kept = options.keep ? [] : undefined;
    if (options.sink) this.sinks.push({ listener: options.sink, kinds: undefined });
    this.messageRecordsWanted = this.kept !== undefined || this.sinks.length > 0;
    this.eventRecordsWanted = this.messageRecordsWanted;
  }

  /**
   * Add a listener that sees every later record, or only the kinds given: a listener that
   * does not ask for `send`/`deliver` records spares the hot path from building them.
   */
  subscribe(listener: (r: TraceRecord) => void, kinds?: readonly TraceRecord['k'][]): () => void {
    const sink: Sink = { listener, kinds: kinds === undefined ? undefined : new Set(kinds) };
    this.sinks.push(sink);
    this.updateWanted();
    return () => {
      const i = this.sinks.indexOf(sink);
      if (i >= 0) this.sinks.splice(i, 1);
      this.updateWanted();
    };
  }

  private updateWanted(): void {
    this.messageRecordsWanted =
      this.kept !== undefined || this.sinks.some((s) => s.kinds === undefined || s.kinds.has('send') || s.kinds.has('deliver'));
    this.eventRecordsWanted = this.kept !== undefined || this.sinks.some((s) => s.kinds === undefined || s.kinds.has('event'));
  }

  /**
   * The hot path for send and deliver: the caller passes the 32-bit hashes of the node ids
   * and the message description (`hash32`, computed once per node and per message). Folds
   * exactly what `record` would, and builds the record object only when someone keeps or
   * watches records.
   */
  recordMessage(k: 'send' | 'deliver', t: number, id: number, from: string, fromHash: number, to: string, toHash: number, m: string, mHash: number): void {
    if (this.messageRecordsWanted) {
      this.record({ t, k, id, from, to, m });
      return;
    }
    // foldInt(kind), foldInt(time in µs), foldInt(id), foldHash x3, endRecord: the same
    // arithmetic as `foldRecord`, on locals (this runs twice per message).
    let h1 = this.h1;
    let h2 = this.h2;
    const code = k === 'send' ? 1 : 2;
    h1 = Math.imul(Math.imul(Math.imul(h1 ^ code, 2654435761), 2654435761) ^ 31, 2654435761);
    h2 = Math.imul(Math.imul(Math.imul(h2 ^ code, 1597334677), 1597334677) ^ 31, 1597334677);
    const us = Math.round(t * 1000);
    let lo = us | 0;
    let hi = Math.floor(us / 4294967296) | 0;
    h1 = Math.imul(Math.imul(Math.imul(h1 ^ lo, 2654435761) ^ hi, 2654435761) ^ 31, 2654435761);
    h2 = Math.imul(Math.imul(Math.imul(h2 ^ lo, 1597334677) ^ hi, 1597334677) ^ 31, 1597334677);
    lo = id | 0;
    hi = Math.floor(id / 4294967296) | 0;
    h1 = Math.imul(Math.imul(Math.imul(h1 ^ lo, 2654435761) ^ hi, 2654435761) ^ 31, 2654435761);
    h2 = Math.imul(Math.imul(Math.imul(h2 ^ lo, 1597334677) ^ hi, 1597334677) ^ 31, 1597334677);
    h1 = Math.imul(h1 ^ fromHash, 2654435761);
    h2 = Math.imul(h2 ^ fromHash, 1597334677);
    h1 = Math.imul(h1 ^ toHash, 2654435761);
    h2 = Math.imul(h2 ^ toHash, 1597334677);
    h1 = Math.imul(h1 ^ mHash, 2654435761);
    h2 = Math.imul(h2 ^ mHash, 1597334677);
    h1 ^= Math.imul(h1 ^ (h2 >>> 15), 0x735a2d97);
    h2 ^= Math.imul(h2 ^ (h1 >>> 15), 0xcaf649a9);
    this.h1 = h1;
    this.h2 = h2;
    this.count++;
  }

  /**
   * The hot path for an emitted event (SmartBFT's facts and metrics, several per block per
   * node): the caller passes hash32 of the node id, computed once per node. Folds exactly
   * what `record` would, and builds the record object only when someone keeps or watches
   * event records.
   */
  recordEvent(t: number, node: string, nodeHash: number, e: unknown): void {
    if (this.eventRecordsWanted) {
      this.record({ t, k: 'event', node, e });
      return;
    }
    this.foldInt(KIND_CODE.event);
    this.foldInt(Math.round(t * 1000));
    this.foldHash(nodeHash);
    // foldText(JSON.stringify(e)), without building the text.
    this.foldHash(jsonHash32(e));
    this.endRecord();
    this.count++;
  }

  /** Someone keeps or watches send records: the sender then passes the message's fields. */
  get wantsMessageRecords(): boolean {
    return this.messageRecordsWanted;
  }

  /** Record, fold into the hash and count one record (a `step` record goes to `annotate`). */
  record(r: TraceRecord): void {
    if (r.k === 'step') {
      this.annotate(r);
      return;
    }
    this.foldRecord(r);
    this.count++;
    this.pass(r);
  }

  /**
   * A scenario step's start or end: kept and passed to listeners like any record, but
   * outside the hash and the count. Steps are the runner's view of the run: the hash is
   * what the nodes and the network did, as it was before step records existed.
   */
  annotate(r: StepRecord): void {
    this.pass(r);
  }

  private pass(r: TraceRecord): void {
    this.kept?.push(r);
    for (const s of this.sinks) if (s.kinds === undefined || s.kinds.has(r.k)) s.listener(r);
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

  /**
   * Fold one record into the hash: the same fields, in the same order, as its
   * canonical line, without building the line (this runs for every event).
   */
  private foldRecord(r: Exclude<TraceRecord, StepRecord>): void {
    this.foldInt(KIND_CODE[r.k]);
    this.foldInt(Math.round(r.t * 1000));
    switch (r.k) {
      case 'send':
      case 'deliver':
        this.foldInt(r.id);
        this.foldText(r.from);
        this.foldText(r.to);
        this.foldText(r.m);
        break;
      case 'drop':
        this.foldInt(r.id);
        this.foldText(r.from);
        this.foldText(r.to);
        this.foldText(r.m);
        this.foldText(r.reason);
        break;
      case 'timer':
        this.foldText(r.node);
        this.foldText(r.name);
        break;
      case 'crash':
      case 'restart':
        this.foldText(r.node);
        break;
      case 'command':
        this.foldText(r.node);
        this.foldText(r.c);
        break;
      case 'event':
        this.foldText(r.node);
        // foldText(JSON.stringify(r.e)), without building the text.
        this.foldHash(jsonHash32(r.e));
        break;
      case 'note':
      case 'fault':
        this.foldText(r.text);
        break;
    }
    this.endRecord();
  }

  /** End of record: mix the lanes into each other. */
  private endRecord(): void {
    let h1 = this.h1;
    let h2 = this.h2;
    h1 ^= Math.imul(h1 ^ (h2 >>> 15), 0x735a2d97);
    h2 ^= Math.imul(h2 ^ (h1 >>> 15), 0xcaf649a9);
    this.h1 = h1;
    this.h2 = h2;
  }

  private foldInt(v: number): void {
    // Two 32-bit halves of a (safe) integer, then a field separator.
    const lo = v | 0;
    const hi = Math.floor(v / 4294967296) | 0;
    let h1 = Math.imul(this.h1 ^ lo, 2654435761);
    let h2 = Math.imul(this.h2 ^ lo, 1597334677);
    h1 = Math.imul(h1 ^ hi, 2654435761);
    h2 = Math.imul(h2 ^ hi, 1597334677);
    this.h1 = Math.imul(h1 ^ 31, 2654435761);
    this.h2 = Math.imul(h2 ^ 31, 1597334677);
  }

  /** Fold a text field as its 32-bit hash (`hash32`). */
  private foldText(text: string): void {
    this.foldHash(hash32(text));
  }

  private foldHash(h: number): void {
    this.h1 = Math.imul(this.h1 ^ h, 2654435761);
    this.h2 = Math.imul(this.h2 ^ h, 1597334677);
  }
}

/** A fault folds as the note it replaced: same code, same text. */
const KIND_CODE: Readonly<Record<Exclude<TraceRecord['k'], 'step'>, number>> = {
  send: 1,
  deliver: 2,
  drop: 3,
  timer: 4,
  crash: 5,
  restart: 6,
  command: 7,
  event: 8,
  note: 9,
  fault: 9,
};
