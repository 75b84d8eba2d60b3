/**
 * The trace's one event union and its versioned layout (docs/report.md, "Trace records"):
 * every record the simulation kernel writes, the faults a cluster injects, the scenario
 * runner's steps, and the header line of a trace file (`run --trace FILE`, JSON Lines).
 *
 * Readers (the report, `compare`, the checkers, a trace file's reader) read these fields;
 * none of them parses a record's text. The kernel's hash folds each record's canonical
 * line (src/sim/kernel/trace.ts); a `fault` keeps the canonical line of the note it
 * replaced, so adding the fields moved no run's hash, and `step` records are the
 * runner's annotations, outside the hash.
 *
 * A leaf module: types, the version and the file's pure reader, so the kernel, the
 * scenario runner, the report and the live side all share them.
 */

/** Stable node id, e.g. `orderer.dataforge`, `peer0.techpulse`. */
type NodeId = string;

/** What a trace file's header names as its format. */
export const TRACE_FORMAT = 'fabric-bft-sim trace';
/**
 * The layout's version. Bump it on any change a reader must know (a field renamed,
 * removed or given another meaning); a new optional field does not need it.
 */
export const TRACE_VERSION = 1;

/**
 * Why a message was not delivered: the link lost it, a partition cut it, its target was
 * down, or it was sent on a stream opened to a process of its target that has since died
 * (`stream`: see `NodeMachine.streamOf`), or it needed a new stream while the sender's
 * connection to its target waited out gRPC's reconnect back-off after a refused dial
 * (`backoff`: the kernel's `dialBackoff`).
 */
export type DropReason = 'loss' | 'partition' | 'down' | 'stream' | 'backoff';

/**
 * A message's fields, as its protocol gives them (the node machine's `fields`): its
 * type, and the view, sequence and proposal digest when it has them. `flags` are the
 * protocol's own words about it (SmartBFT: `assist`, a vote re-sent for a decided
 * sequence).
 */
export interface MessageFields {
  readonly type: string;
  readonly view?: number;
  readonly seq?: number;
  readonly digest?: string;
  readonly flags?: readonly string[];
}

/**
 * A fault injected from outside the nodes, or a process's fate the kernel does not see
 * (a container that is not a kernel node). `fault` names it; the other fields are its
 * arguments. (A kernel node's crash and restart are `crash`/`restart` records; a
 * Byzantine switch is the node's own `*.byzantine` event.)
 */
export type InjectedFault =
  /** A process that is not a kernel node stopped (a CouchDB container) or started again. */
  | { readonly fault: 'stop'; readonly node: NodeId }
  | { readonly fault: 'start'; readonly node: NodeId }
  /** The node's process died by itself (its reason, as it logs it). */
  | { readonly fault: 'panic'; readonly node: NodeId; readonly reason: string }
  /** The kubelet restarts the node's container after this back-off. */
  | { readonly fault: 'crashLoop'; readonly node: NodeId; readonly backoffMs: number }
  /** A new container of the node starts while a process it needs (`dependency`) is down. */
  | { readonly fault: 'startWithout'; readonly node: NodeId; readonly dependency: NodeId }
  /** A database of the node's state store was deleted. */
  | { readonly fault: 'dropDatabase'; readonly node: NodeId; readonly db: string }
  /** An offline admin command on the node's disk (`peer node rebuild-dbs`, ...), and its outcome. */
  | { readonly fault: 'offline'; readonly node: NodeId; readonly command: string; readonly ok: boolean; readonly error?: string }
  /** The network split into these groups (each node of a group reaches only its group). */
  | { readonly fault: 'partition'; readonly groups: readonly (readonly NodeId[])[] }
  /** One-way cuts: nothing any of `from` sends reaches any of `to`. */
  | { readonly fault: 'cut'; readonly from: readonly NodeId[]; readonly to: readonly NodeId[] }
  /** Messages of these types from any of `from` to any of `to` are dropped. */
  | { readonly fault: 'dropMessages'; readonly from: readonly NodeId[]; readonly to: readonly NodeId[]; readonly types: readonly string[] }
  /** Every partition, cut and message filter removed. */
  | { readonly fault: 'heal' };


/** One scenario step's start, as the runner begins it. */
export interface StepStart {
  readonly t: number;
  readonly k: 'step';
  readonly phase: 'start';
  /** 1-based, as the step table prints it. */
  readonly index: number;
  readonly op: string;
  /** The step's `name`, or the operation described. */
  readonly name: string;
}

/** One scenario step's end and outcome (`t` is its start time plus `tookMs`). */
export interface StepEnd {
  readonly t: number;
  readonly k: 'step';
  readonly phase: 'end';
  readonly index: number;
  readonly op: string;
  readonly name: string;
  /** The operation succeeded and its value matched `expect`. */
  readonly ok: boolean;
  readonly value: unknown;
  /** The step's `expect`, references resolved (null without one). */
  readonly expected: unknown;
  /** Why it failed, one line (null when it held). */
  readonly error: string | null;
  readonly tookMs: number;
}

export type StepRecord = StepStart | StepEnd;

export type FaultRecord = { readonly t: number; readonly k: 'fault'; readonly text: string } & InjectedFault;

/** Every record of a trace, in the order things happened; `t` is simulated ms since the run began. */
export type TraceRecord =
  /** `msg`: the message's fields, when a reader keeps records (deliver/drop name the same message by `id`). */
  | { readonly t: number; readonly k: 'send'; readonly id: number; readonly from: NodeId; readonly to: NodeId; readonly m: string; readonly msg?: MessageFields }
  | { readonly t: number; readonly k: 'deliver'; readonly id: number; readonly from: NodeId; readonly to: NodeId; readonly m: string }
  | { readonly t: number; readonly k: 'drop'; readonly id: number; readonly from: NodeId; readonly to: NodeId; readonly m: string; readonly reason: DropReason }
  | { readonly t: number; readonly k: 'timer'; readonly node: NodeId; readonly name: string }
  | { readonly t: number; readonly k: 'crash'; readonly node: NodeId }
  | { readonly t: number; readonly k: 'restart'; readonly node: NodeId }
  | { readonly t: number; readonly k: 'command'; readonly node: NodeId; readonly c: string }
  | { readonly t: number; readonly k: 'event'; readonly node: NodeId; readonly e: unknown }
  | FaultRecord
  | StepRecord
  /** Free text (a library user's caption); no reader parses it. */
  | { readonly t: number; readonly k: 'note'; readonly text: string };

export type TraceKind = TraceRecord['k'];

/** The first line of a trace file: what it is, its layout version, and the run it records. */
export interface TraceHeader {
  readonly format: typeof TRACE_FORMAT;
  readonly version: number;
  readonly scenario: string;
  readonly seed: number;
  /** The command that replays the run (`fabric-bft-sim run kill-orderer --seed 1`). */
  readonly replay?: string;
  /** Orderers in consenter-id order (id 1 first). */
  readonly orderers: readonly NodeId[];
  readonly peers: readonly NodeId[];
  readonly traceHash?: string;
  /** Every step and check held (the run's verdict). */
  readonly passed?: boolean;
  /** The invariant checks' verdicts after the steps. */
  readonly checks?: readonly { readonly name: string; readonly ok: boolean; readonly detail: string; readonly warning?: boolean }[];
}

/** A trace file's first line (with its newline): `traceFileText` begins with it. */
export function traceHeaderLine(header: Omit<TraceHeader, 'format' | 'version'>): string {
  const head: TraceHeader = { format: TRACE_FORMAT, version: TRACE_VERSION, ...header };
  return `${JSON.stringify(head)}\n`;
}

/** One record's line of a trace file (with its newline), for a file written as the run goes: header line + record lines = `traceFileText`. */
export function traceRecordLine(r: TraceRecord): string {
  return `${JSON.stringify(r)}\n`;
}

/** A trace file's text: the header line, then one record per line (JSON Lines). */
export function traceFileText(header: Omit<TraceHeader, 'format' | 'version'>, records: readonly TraceRecord[]): string {
  const head: TraceHeader = { format: TRACE_FORMAT, version: TRACE_VERSION, ...header };
  return [head, ...records].map((r) => JSON.stringify(r)).join('\n') + '\n';
}

const KINDS: ReadonlySet<string> = new Set<TraceKind>(['send', 'deliver', 'drop', 'timer', 'crash', 'restart', 'command', 'event', 'fault', 'step', 'note']);

function isObject(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

/**
 * Reads a trace file line by line (a file far larger than memory reads in bounded
 * memory): `line` takes line n (1-based, without its newline) and returns the header for
 * line 1, the record for any later line; `end` says the file is over. Throws an Error with
 * a one-line message naming the line for a file that is not a trace, a version this build
 * does not read, or a line that is not a record.
 */
export class TraceLineReader {
  private head: TraceHeader | undefined;

  /** The header, once line 1 was read. */
  get header(): TraceHeader | undefined {
    return this.head;
  }

  line(text: string, n: number): TraceHeader | TraceRecord {
    const parsed = parseLine(text, n);
    if (this.head === undefined) {
      this.head = headerOf(parsed);
      return this.head;
    }
    if (!isObject(parsed) || typeof parsed['t'] !== 'number' || typeof parsed['k'] !== 'string' || !KINDS.has(parsed['k'])) {
      throw new Error(`line ${n} is not a trace record (it needs a time "t" and a known kind "k")`);
    }
    return parsed as unknown as TraceRecord;
  }

  /** The file is over: its header, or the error of a file with no line at all. */
  end(): TraceHeader {
    return this.head ?? headerOf(undefined);
  }
}

function parseLine(line: string, n: number): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    throw new Error(`line ${n} is not JSON`);
  }
}

function headerOf(first: unknown): TraceHeader {
  if (!isObject(first) || first['format'] !== TRACE_FORMAT) {
    throw new Error(`not a trace file: its first line must be the header {"format":"${TRACE_FORMAT}","version":${TRACE_VERSION},...} (written by "run --trace")`);
  }
  if (first['version'] !== TRACE_VERSION) {
    throw new Error(`trace format version ${JSON.stringify(first['version'])} is not one this build reads (it reads version ${TRACE_VERSION})`);
  }
  const strings = (x: unknown): x is string[] => Array.isArray(x) && x.every((s) => typeof s === 'string');
  if (typeof first['scenario'] !== 'string' || typeof first['seed'] !== 'number' || !strings(first['orderers']) || !strings(first['peers'])) {
    throw new Error('line 1: the header needs scenario (string), seed (number), orderers and peers (lists of node ids)');
  }
  return first as unknown as TraceHeader;
}

/**
 * Read a trace file: its header and records. Throws an Error with a one-line message
 * naming the line for a file that is not a trace, a version this build does not read,
 * or a line that is not a record.
 */
export function parseTraceFile(text: string): { header: TraceHeader; records: TraceRecord[] } {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const reader = new TraceLineReader();
  const records: TraceRecord[] = [];
  for (const [i, line] of lines.entries()) {
    const x = reader.line(line, i + 1);
    if (i > 0) records.push(x as TraceRecord);
  }
  return { header: reader.end(), records };
}
