/**
 * `npm run bench -- --only=memory`: what a simulated Fabric network holds as a run goes on
 * (issue #19: "a 10x longer run uses less than 1.5x the peak heap").
 *
 * The same run twice, each in a fresh child process with V8's `gc` exposed: the default
 * certchain topology, seed 1, a load of 10 tx/s (one certificate per org every 300 ms)
 * for T = MEMORY_T_SECONDS simulated seconds, then for 10T. The cluster is opened as a
 * scenario run opens it by default: no log line kept, one point per metric series.
 * Every RUN_SAMPLES-th of the run the child takes the live heap (after full garbage
 * collections) above the live heap before the cluster was opened:
 *
 * - `memory.fabric.peakHeapMB.T`, `.10T`: the highest of those samples;
 * - `memory.fabric.peakHeapRatio10x`: their ratio (the issue's target is < 1.5);
 * - `memory.fabric.retainedBytesPerSimSec`: how fast the live heap grows, between T and
 *   10T of the long run (bytes per simulated second);
 * - `memory.fabric.nodesShare`: how much of the long run's final heap the nodes hold
 *   (block files, CouchDB state, orderer ledgers and WAL, their in-memory state): the
 *   live heap drops by it when the child crashes every node and empties its durable
 *   store at the end; the rest is the cluster's own (observers, scheduler, trace hash);
 * - `memory.fabric.clusterHeapMB.T`, `.10T`, `memory.fabric.clusterHeapRatio10x`: that
 *   rest, at the end of each run, and its ratio: what the cluster itself keeps besides
 *   the nodes' content. Its own records no longer grow with the run (the validity check's
 *   submitted ids are folded as blocks are decided, src/sim/cluster/validity.ts; the clock
 *   load keeps one request scheduled); what still grows from T to 10T (about 2.1 MB in heap
 *   snapshots) is the backing tables of the model's memo WeakMaps (signature checks,
 *   header and data hashes, parsed writes, shared CouchDB documents: about 1.5 MB), which
 *   the nodes' objects filled and which V8 does not shrink when those keys die, and
 *   optimised code of the longer run (about 0.5 MB): the nodes' cost, left behind;
 * - `memory.fabric.nodesBytesPerCert`, `memory.fabric.clusterBytesPerCert`: what each more
 *   certificate costs, from T to 10T (the end of each run, over the certificates between
 *   them), in the nodes' content (the drop at the end) and in the cluster's own rest: a
 *   certificate's envelope in the block files, its CouchDB document on each of the 3 peers,
 *   the block index, the orderers' decisions (bench/memory.ts, issue #19). What the nodes'
 *   3.3 KB a certificate are made of (heap snapshots of the two runs with the nodes kept,
 *   by structure; 2.8 transactions a block, 3 signatures a decision; 2026-12-03):
 *   - the run's content, one copy shared by every node (a real network keeps it on disk,
 *     the envelope once per orderer and peer, the document once per CouchDB): the envelope
 *     text, 895 characters (about 910 B); the certificate's JSON value, its CouchDB
 *     document body (280 B); the transaction id (80 B), the key (35 B), the block header's
 *     text (60 B a certificate): about 1.37 KB. It can leave the JS heap only by a compact
 *     encoding of the same bytes (a binary envelope, one buffer a block);
 *   - the model's structures around it: Map entries (420 B: each peer's CouchDB document
 *     and block index entry, 6 entries a certificate with the tables' slack); objects and
 *     arrays (1.15 KB: the request, its parsed writes, the shared CouchDB document record,
 *     each peer's stored block, flags and metadata, each orderer's decision with its 3
 *     signatures, a share of each block); small strings (230 B: CouchDB `_rev`, `~version`,
 *     `_id`, volume keys, commit hashes, signature values, the request's client id copied
 *     per broadcast); memo tables' entries (170 B).
 *   Dropped kind by kind at the end of the 10T run (each step frees what only it still
 *   held, so shared content goes with the last holder): the gateways 11 B, the peers'
 *   memory (block index, caches) 309 B, their CouchDB documents 134 B, their block files
 *   223 B, the orderers' memory 25 B, their ledgers (with every shared byte above) 2,659 B;
 * - `memory.fabric.logLinesPerSimSec`, `.metricPointsPerSimSec`: log lines and metric
 *   change points the cluster added to what it keeps, per simulated second of load
 *   (0 unless asked: `run --logs`, `serve`, `keep: { logs, metrics }`).
 *
 * The same runs with the trace asked for:
 *
 * - `memory.trace.peakHeapMB.T`, `.10T`, `memory.trace.peakHeapRatio10x`: as above, with
 *   every record streamed as a JSON line to a spool, as `run --trace FILE` does
 *   (src/io/spool.ts, in a temporary folder, committed at the end);
 * - `memory.trace.keepAllPeakHeapMB.T`: the run of length T keeping every record in an
 *   array instead, as `run --trace` and `--report` did before they streamed;
 * - `memory.trace.fileBytesPerSimSec`: the trace file's growth, bytes per simulated second;
 * - `memory.report.peakHeapMB.10T`, `memory.report.keptShare`: the long run keeping the
 *   records the report reads (`ReportRecords`), as `run --report FILE.html` does, and the
 *   share of the records it keeps (the page lists every message between orderers: the
 *   report grows with the run by its nature).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SimCluster } from '../src/sim/cluster/sim-cluster.ts';
import { DurableStore, type TraceRecord } from '../src/sim/kernel/index.ts';
import { fileSpool } from '../src/io/spool.ts';
import { traceRecordLine } from '../src/shared/trace-format.ts';
import { ReportRecords } from '../src/report/data.ts';
import { describeTopology } from '../src/scenarios/topology.ts';

/** What the child does with the trace: nothing (the hash only), stream it as run --trace does, keep what run --report keeps, or keep every record. */
type TraceMode = 'none' | 'stream' | 'report' | 'keepAll';

const MEMORY_T_SECONDS = 100;
/** 10 tx/s over three orgs: one certificate per org every 300 ms. */
const EVERY_MS = 300;
const RUN_SAMPLES = 20;

/** What one child reports. */
interface ChildResult {
  readonly simSeconds: number;
  /** Live heap above the baseline at each sample, in bytes (sample i at (i + 1) / RUN_SAMPLES of the run). */
  readonly heap: readonly number[];
  /** Live heap at the end (the last certificates committed), and after every node was crashed and its durable store emptied. */
  readonly heapEnd: number;
  readonly heapWithoutNodes: number;
  readonly logLines: number;
  readonly metricPoints: number;
  readonly committed: number;
  readonly certificates: number;
  /** Trace records, records the report kept, and the trace file's bytes (0 with mode none). */
  readonly records: number;
  readonly reportKept: number;
  readonly fileBytes: number;
}

function keptLines(c: SimCluster): number {
  let n = 0;
  for (const node of [...c.topology.orderers, ...c.topology.peers]) n += c.observers.nodeLog(node).entries.length;
  return n;
}

function keptPoints(c: SimCluster): number {
  let n = 0;
  for (const s of c.metricSeries().values()) n += s.length;
  return n;
}

/** The child: one run of `simSeconds` under load, sampled; its result as JSON on stdout. */
async function child(simSeconds: number, mode: TraceMode): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('bench memory: the child needs --expose-gc');
  const live = (): number => {
    gc();
    gc();
    return process.memoryUsage().heapUsed;
  };
  const dir = mkdtempSync(join(tmpdir(), 'fbs-bench-trace-'));
  const base = live();
  const spool = mode === 'stream' ? fileSpool(dir) : undefined;
  const kept = mode === 'report' ? new ReportRecords(describeTopology({ preset: 'certchain' }).orderers) : undefined;
  const all: TraceRecord[] | undefined = mode === 'keepAll' ? [] : undefined;
  let records = 0;
  const sink = (r: TraceRecord): void => {
    records++;
    spool?.append(traceRecordLine(r));
    kept?.add(r);
    all?.push(r);
  };
  const c = await SimCluster.create({ seed: 1, ...(mode !== 'none' ? { trace: { sink } } : {}) });
  const lines0 = keptLines(c);
  const points0 = keptPoints(c);
  const per = Math.ceil((simSeconds * 1000) / EVERY_MS);
  const loads: number[] = [];
  for (const org of c.topology.orgs) {
    const started = c.startClockLoad(org, per, EVERY_MS);
    if (started.load === undefined) throw new Error(`bench memory: load via ${org} did not start: ${started.error ?? ''}`);
    loads.push(started.load);
  }
  const heap: number[] = [];
  const stepMs = (simSeconds * 1000) / RUN_SAMPLES;
  for (let i = 0; i < RUN_SAMPLES; i++) {
    await c.sleep(stepMs);
    heap.push(live() - base);
  }
  // The last certificates' commits (a few seconds), outside the samples.
  await c.sleep(10_000);
  let committed = 0;
  for (const l of loads) committed += (await c.loadTally(l)).committed;
  const logLines = keptLines(c) - lines0;
  const metricPoints = keptPoints(c) - points0;
  const heapEnd = live() - base;
  // What the nodes hold (ledgers, state databases, WAL, caches): the run is over, so crash
  // every node (its memory goes) and empty its durable store, and see the heap drop.
  for (const node of c.sim.nodeIds()) {
    if (c.sim.isUp(node)) c.sim.crash(node);
    const d: DurableStore = c.sim.durable(node);
    for (const k of d.keys()) d.apply({ op: 'delete', key: k });
  }
  const heapWithoutNodes = live() - base;
  let fileBytes = 0;
  if (spool !== undefined) {
    spool.commit(join(dir, 'run.jsonl'), '{}\n');
    fileBytes = statSync(join(dir, 'run.jsonl')).size;
  }
  rmSync(dir, { recursive: true, force: true });
  const result: ChildResult = { simSeconds, heap, heapEnd, heapWithoutNodes, logLines, metricPoints, committed, certificates: per * c.topology.orgs.length, records, reportKept: kept?.records.length ?? 0, fileBytes };
  process.stdout.write(JSON.stringify(result) + '\n');
}

function runChild(simSeconds: number, mode: TraceMode = 'none'): ChildResult {
  const out = execFileSync(process.execPath, [...process.execArgv, '--expose-gc', fileURLToPath(import.meta.url), String(simSeconds), mode], { encoding: 'utf8', maxBuffer: 1 << 20 });
  const r = JSON.parse(out.trim().split('\n').at(-1) ?? '') as ChildResult;
  if (r.committed < r.certificates) throw new Error(`bench memory: ${simSeconds} s run committed ${r.committed} of ${r.certificates} certificates`);
  return r;
}

export async function benchMemory(): Promise<Record<string, number>> {
  const t = runChild(MEMORY_T_SECONDS);
  const t10 = runChild(10 * MEMORY_T_SECONDS);
  const streamT = runChild(MEMORY_T_SECONDS, 'stream');
  const stream10 = runChild(10 * MEMORY_T_SECONDS, 'stream');
  const keepAllT = runChild(MEMORY_T_SECONDS, 'keepAll');
  const report10 = runChild(10 * MEMORY_T_SECONDS, 'report');
  const mb = (b: number): number => b / (1 << 20);
  const peakT = Math.max(...t.heap);
  const peak10 = Math.max(...t10.heap);
  const at = (r: ChildResult, seconds: number): number => r.heap[Math.round((seconds / r.simSeconds) * RUN_SAMPLES) - 1] as number;

  return {
    'memory.fabric.peakHeapMB.T': mb(peakT),
    'memory.fabric.peakHeapMB.10T': mb(peak10),
    'memory.fabric.peakHeapRatio10x': peak10 / peakT,
    'memory.fabric.retainedBytesPerSimSec': ((t10.heap.at(-1) as number) - at(t10, MEMORY_T_SECONDS)) / (9 * MEMORY_T_SECONDS),
    'memory.fabric.nodesShare': (t10.heapEnd - t10.heapWithoutNodes) / t10.heapEnd,
    'memory.fabric.clusterHeapMB.T': mb(t.heapWithoutNodes),
    'memory.fabric.clusterHeapMB.10T': mb(t10.heapWithoutNodes),
    'memory.fabric.clusterHeapRatio10x': t10.heapWithoutNodes / t.heapWithoutNodes,
    'memory.fabric.nodesBytesPerCert': (t10.heapEnd - t10.heapWithoutNodes - (t.heapEnd - t.heapWithoutNodes)) / (t10.certificates - t.certificates),
    'memory.fabric.clusterBytesPerCert': (t10.heapWithoutNodes - t.heapWithoutNodes) / (t10.certificates - t.certificates),
    'memory.fabric.logLinesPerSimSec': t10.logLines / t10.simSeconds,
    'memory.fabric.metricPointsPerSimSec': t10.metricPoints / t10.simSeconds,
    'memory.trace.peakHeapMB.T': mb(Math.max(...streamT.heap)),
    'memory.trace.peakHeapMB.10T': mb(Math.max(...stream10.heap)),
    'memory.trace.peakHeapRatio10x': Math.max(...stream10.heap) / Math.max(...streamT.heap),
    'memory.trace.keepAllPeakHeapMB.T': mb(Math.max(...keepAllT.heap)),
    'memory.trace.fileBytesPerSimSec': stream10.fileBytes / stream10.simSeconds,
    'memory.report.peakHeapMB.10T': mb(Math.max(...report10.heap)),
    'memory.report.keptShare': report10.reportKept / report10.records,
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await child(Number(process.argv[2]), (process.argv[3] ?? 'none') as TraceMode);
