/**
 * `fabric-bft-sim calibrate`, the pure half: percentiles, the Theil-Sen fit of the
 * peer's commit times, the parser of Fabric's commit log lines, the profile's validation
 * (zod) and the printed table. No network, no clock: unit-tested in `npm test`.
 *
 * The log lines are the peer's own (core/ledger/kvledger/kv_ledger.go `commit` and
 * core/committer/txvalidator/v20/validator.go `Validate`):
 *   `[certchannel] Committed block [12] with 1 transaction(s) in 41ms (state_validation=2ms block_and_pvtdata_commit=27ms state_commit=10ms) commitHash=[...]`
 *   `[certchannel] Validated block [12] in 9ms`
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { CalibrationProfile, LinearCost } from '../sim/fabric/profile.ts';

/** Nearest-rank percentile (p in 0..100) of the values; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] as number;
}

/** Least-squares `y = base + perTx x`; one distinct x (or none) gives perTx 0 and the mean. */
export function fitLinear(points: readonly { readonly x: number; readonly y: number }[]): LinearCost {
  if (points.length === 0) return { baseMs: 0, perTxMs: 0 };
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  if (sxx === 0) return { baseMs: round2(my), perTxMs: 0 };
  const slope = Math.max(0, points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0) / sxx);
  return { baseMs: round2(Math.max(0, my - slope * mx)), perTxMs: round2(slope) };
}

/**
 * Theil-Sen `y = base + perTx x`: the slope is the median of the slopes of every pair of
 * points with different x, the base the median of `y - slope x` (both at least 0). A few
 * blocks that a busy machine made slow (a stalled fsync, a garbage collection) move a
 * least-squares fit by their square and this one not at all, as long as fewer than about
 * 29% of the points are such outliers. One distinct x (or none): slope 0 and the median.
 */
export function fitTheilSen(points: readonly { readonly x: number; readonly y: number }[]): LinearCost {
  if (points.length === 0) return { baseMs: 0, perTxMs: 0 };
  const slopes: number[] = [];
  for (let i = 0; i < points.length; i++) {
    const a = points[i] as { x: number; y: number };
    for (let j = i + 1; j < points.length; j++) {
      const b = points[j] as { x: number; y: number };
      if (a.x !== b.x) slopes.push((b.y - a.y) / (b.x - a.x));
    }
  }
  const slope = slopes.length === 0 ? 0 : Math.max(0, median(slopes));
  const base = Math.max(0, median(points.map((p) => p.y - slope * p.x)));
  return { baseMs: round2(base), perTxMs: round2(slope) };
}

/** The median (the mean of the two middle values for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = Float64Array.from(values).sort();
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}

export interface CommitLine {
  readonly block: number;
  readonly txs: number;
  readonly totalMs: number;
  readonly stateValidationMs: number;
  readonly blockCommitMs: number;
  readonly stateCommitMs: number;
}

const COMMITTED = /Committed block \[(\d+)\] with (\d+) transaction\(s\) in (\d+)ms \(state_validation=(\d+)ms block_and_pvtdata_commit=(\d+)ms state_commit=(\d+)ms\)/;
const VALIDATED = /Validated block \[(\d+)\] in (\d+)ms/;

/** The peer's `Committed block` lines in a log text, and its `Validated block` times by block. */
export function parseCommitLog(text: string): { commits: CommitLine[]; validated: Map<number, number> } {
  const commits: CommitLine[] = [];
  const validated = new Map<number, number>();
  for (const line of text.split('\n')) {
    const c = COMMITTED.exec(line);
    if (c !== null) {
      commits.push({ block: Number(c[1]), txs: Number(c[2]), totalMs: Number(c[3]), stateValidationMs: Number(c[4]), blockCommitMs: Number(c[5]), stateCommitMs: Number(c[6]) });
      continue;
    }
    const v = VALIDATED.exec(line);
    if (v !== null) validated.set(Number(v[1]), Number(v[2]));
  }
  return { commits, validated };
}

const LINE_TIME = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}\.\d{3}) UTC/;
const RECOMMITTING = /Recommitting lost blocks - firstBlockNum=(\d+), lastBlockNum=(\d+)/;
const RECOMMITTED = /Recommitted lost blocks - firstBlockNum=(\d+), lastBlockNum=(\d+)/;

function lineTimeMs(line: string): number | undefined {
  const m = LINE_TIME.exec(line);
  return m === null ? undefined : Date.parse(`${m[1]}T${m[2]}Z`);
}

/**
 * The replay a peer's start did after rebuild-dbs: the blocks of its last `Recommitting
 * lost blocks` .. `Recommitted lost blocks` pair and the ms between the two lines'
 * timestamps; undefined until both are in the text.
 */
export function parseRecommitSpan(text: string): { first: number; last: number; ms: number } | undefined {
  let start: { t: number; first: number; last: number } | undefined;
  let found: { first: number; last: number; ms: number } | undefined;
  for (const line of text.split('\n')) {
    const a = RECOMMITTING.exec(line);
    const t = lineTimeMs(line);
    if (a !== null && t !== undefined) start = { t, first: Number(a[1]), last: Number(a[2]) };
    const b = RECOMMITTED.exec(line);
    if (b !== null && t !== undefined && start !== undefined) found = { first: start.first, last: start.last, ms: t - start.t };
  }
  return found;
}

/** A sync of an orderer, from its log: the probe (start to heights) when the start is logged, and the pull (heights to blocks written). */
export interface OrdererSyncSpan {
  /** Time of the `HeightsByEndpoints` line (ms since the epoch). */
  readonly at: number;
  readonly probeMs: number | undefined;
  readonly pullMs: number;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;
/**
 * The SmartBFT lines that start a sync, as Fabric 3.1.5 logs them at INFO or WARN
 * (SmartBFT internal/bft/heartbeatmonitor.go followerTick and handleHeartBeatResponse,
 * view.go discoverIfSyncNeeded); Controller.Sync then runs the synchronizer at once.
 */
const SYNC_STARTS = /followerTick -> Syncing since the follower|triggered a call to HeartBeatEventHandler Sync|discoverIfSyncNeeded -> Seen \d+ votes for digest/;
/** orderer/consensus/smartbft/synchronizer_bft.go detectTargetHeight and getBlocksFromSyncBuffer. */
const HEIGHTS = /detectTargetHeight -> HeightsByEndpoints: /;
const FINISHED = /getBlocksFromSyncBuffer -> Finished synchronizing with cluster/;
/** A start line counts for the probe only this close before the heights line. */
const PROBE_WINDOW_MS = 1_000;

/**
 * Every sync in an orderer's log that wrote blocks: from the line that started it to
 * `HeightsByEndpoints` (the block puller dialed every orderer and read its height: the
 * probe) and from there to `Finished synchronizing with cluster` (the BFT deliverer dialed
 * a source and wrote the blocks: the pull). A sync whose start is not one of the lines
 * above (a view change's, which logs nothing at INFO) has a pull but no probe.
 */
export function parseOrdererSyncSpans(text: string): OrdererSyncSpan[] {
  const spans: OrdererSyncSpan[] = [];
  let start: number | undefined;
  let heights: { t: number; probeMs: number | undefined } | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.replace(ANSI, '');
    const t = lineTimeMs(line);
    if (t === undefined) continue;
    if (SYNC_STARTS.test(line)) start = t;
    else if (HEIGHTS.test(line)) {
      heights = { t, probeMs: start !== undefined && t - start <= PROBE_WINDOW_MS ? t - start : undefined };
      start = undefined;
    } else if (FINISHED.test(line) && heights !== undefined) {
      spans.push({ at: heights.t, probeMs: heights.probeMs, pullMs: t - heights.t });
      heights = undefined;
    }
  }
  return spans;
}

/** One WAL append of an orderer on the way to a decision, from its log. */
export interface WalAppendSpan {
  /** `proposal`: the ProposedRecord saved before the Prepare; `commit`: the Commit saved before it is sent. */
  readonly kind: 'proposal' | 'commit';
  readonly seq: number;
  /** Time of the `LogRecord appended` line (ms since the epoch). */
  readonly at: number;
  readonly ms: number;
}

/**
 * SmartBFT v1.0.1's View (internal/bft/view.go) saves a ProposedRecord in processProposal
 * right after verifyProposal, whose last line with leader rotation off (Fabric's case) is
 * verifyBlacklist's DEBUG `DecisionsPerLeader is 0, ...`, and a Commit in processPrepares
 * right after its INFO `N collected K prepares from [...]` (and SignProposal). Both go
 * through PersistedState.Save (internal/bft/state.go) to WriteAheadLogFile.Append
 * (pkg/wal/writeaheadlog.go), which writes, fsyncs (`logFile.Sync()`) and then logs
 * `LogRecord appended successfully` at DEBUG on the logger Fabric passes it
 * (orderer/consensus/smartbft/chain.go: `orderer.consensus.smartbft.chain`). The View then
 * logs `Processed proposal with seq N` or `Processed prepares for proposal with seq N`.
 */
const WAL_PROPOSAL_START = /verifyBlacklist -> DecisionsPerLeader is 0, hence leader rotation is inactive/;
const WAL_COMMIT_START = /processPrepares -> \d+ collected \d+ prepares from /;
const WAL_APPENDED = /append -> LogRecord appended successfully: /;
const WAL_PROPOSAL_DONE = /processProposal -> Processed proposal with seq (\d+)/;
const WAL_COMMIT_DONE = /processPrepares -> Processed prepares for proposal with seq (\d+)/;

/**
 * The WAL appends of an orderer's log (SmartBFT DEBUG for `orderer.consensus.smartbft.chain`
 * and `.consensus`): from the View's last line before the save to `LogRecord appended`,
 * for an append that the View's `Processed ...` line of the same record follows before
 * any other append (a view change's records have no start line and are not counted).
 * Whole-ms timestamps, so a span is 0 when the write and its fsync took under a ms.
 */
export function parseWalAppendSpans(text: string): WalAppendSpan[] {
  const spans: WalAppendSpan[] = [];
  let start: { kind: WalAppendSpan['kind']; t: number } | undefined;
  let appended: { kind: WalAppendSpan['kind']; at: number; ms: number } | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.includes('\x1b') ? raw.replace(ANSI, '') : raw;
    const t = lineTimeMs(line);
    if (t === undefined) continue;
    if (WAL_PROPOSAL_START.test(line)) start = { kind: 'proposal', t };
    else if (WAL_COMMIT_START.test(line)) start = { kind: 'commit', t };
    else if (WAL_APPENDED.test(line)) {
      appended = start === undefined ? undefined : { kind: start.kind, at: t, ms: t - start.t };
      start = undefined;
    } else {
      const done = WAL_PROPOSAL_DONE.exec(line) ?? WAL_COMMIT_DONE.exec(line);
      if (done === null) continue;
      const kind = done[0].startsWith('processProposal') ? 'proposal' : 'commit';
      if (appended?.kind === kind) spans.push({ kind, seq: Number(done[1]), at: appended.at, ms: appended.ms });
      appended = undefined;
    }
  }
  return spans;
}

/**
 * figures.wal from the append spans of every orderer's log: nearest-rank p50 and p95 of
 * all of them (the figure the model charges) and of each record kind.
 */
export function walFigure(spans: readonly WalAppendSpan[], at: string, load: readonly number[], how: string): NonNullable<CalibrationProfile['figures']['wal']> | undefined {
  if (spans.length === 0) return undefined;
  const stats = (of: readonly WalAppendSpan[]): { samples: number; p50Ms: number; p95Ms: number } => {
    const ms = of.map((s) => s.ms);
    return { samples: of.length, p50Ms: Math.round(percentile(ms, 50)), p95Ms: Math.round(percentile(ms, 95)) };
  };
  const all = stats(spans);
  const proposals = spans.filter((s) => s.kind === 'proposal');
  const commits = spans.filter((s) => s.kind === 'commit');
  return {
    appendP50Ms: all.p50Ms,
    appendP95Ms: all.p95Ms,
    samples: all.samples,
    ...(proposals.length > 0 ? { proposal: stats(proposals) } : {}),
    ...(commits.length > 0 ? { commit: stats(commits) } : {}),
    at,
    loadavg: load.map((l) => Math.round(l * 100) / 100),
    how,
  };
}

const WRITING_BLOCK = /Delivering proposal, writing block (\d+) /;
/** A validation that starts this close to the previous block's commit line waited for it. */
const QUEUED_WITHIN_MS = 2;

/**
 * A block's way from the orderers to a peer, per block: from the first `Delivering
 * proposal, writing block N` line in any orderer's log (each orderer writes the block it
 * decided; the peer pulls it from one of them) to the start of the peer's validation of N,
 * its `Validated block [N] in Xms` line's time less X. Blocks from `fromBlock` on that
 * both sides logged, except a block whose validation started within 2 ms of the peer's
 * `Committed block` line for the block before it: that one waited for the commit before
 * it (a queue the model has too), so its span says nothing about the way. ms timestamps,
 * so a span may come out a little below 0.
 */
export function parseDeliverSpans(ordererLogs: readonly string[], peerLog: string, fromBlock: number): { block: number; ms: number }[] {
  const written = new Map<number, number>();
  for (const text of ordererLogs) {
    for (const raw of text.split('\n')) {
      const line = raw.replace(ANSI, '');
      const m = WRITING_BLOCK.exec(line);
      const t = m === null ? undefined : lineTimeMs(line);
      if (m === null || t === undefined) continue;
      const n = Number(m[1]);
      const seen = written.get(n);
      if (seen === undefined || t < seen) written.set(n, t);
    }
  }
  const out: { block: number; ms: number }[] = [];
  const done = new Set<number>();
  const committed = new Map<number, number>();
  for (const raw of peerLog.split('\n')) {
    const line = raw.replace(ANSI, '');
    const t = lineTimeMs(line);
    if (t === undefined) continue;
    const c = COMMITTED.exec(line);
    if (c !== null) {
      committed.set(Number(c[1]), t);
      continue;
    }
    const m = VALIDATED.exec(line);
    if (m === null) continue;
    const n = Number(m[1]);
    const w = written.get(n);
    if (n < fromBlock || w === undefined || done.has(n)) continue;
    done.add(n);
    const start = t - Number(m[2]);
    const before = committed.get(n - 1);
    if (before !== undefined && start - before < QUEUED_WITHIN_MS) continue;
    out.push({ block: n, ms: start - w });
  }
  return out;
}

/** figures.deliver from the spans: nearest-rank p50 and p95; undefined for none. */
export function deliverFigure(spans: readonly { ms: number }[]): NonNullable<CalibrationProfile['figures']['deliver']> | undefined {
  if (spans.length === 0) return undefined;
  const ms = spans.map((s) => s.ms);
  return { blocks: spans.length, p50Ms: Math.max(0, Math.round(percentile(ms, 50))), p95Ms: Math.max(0, Math.round(percentile(ms, 95))) };
}

/**
 * figures.ordererSync from the sync spans of every orderer's log of one run: the medians
 * (`percentile` 50, nearest rank) of the probes the spans have and of all their pulls, with
 * the samples in the order the logs gave them; undefined when no span has a probe.
 */
export function ordererSyncFigure(spans: readonly OrdererSyncSpan[], at: string, load: readonly number[]): NonNullable<CalibrationProfile['figures']['ordererSync']> | undefined {
  const probeSamplesMs = spans.flatMap((s) => (s.probeMs === undefined ? [] : [s.probeMs]));
  const pullSamplesMs = spans.map((s) => s.pullMs);
  if (probeSamplesMs.length === 0) return undefined;
  return {
    probeMs: Math.round(percentile(probeSamplesMs, 50)),
    pullMs: Math.round(percentile(pullSamplesMs, 50)),
    probeSamplesMs,
    pullSamplesMs,
    at,
    loadavg: load.map((l) => Math.round(l * 100) / 100),
    how: `Every orderer sync that wrote blocks in the four orderers' logs of calibrate's first network (${spans.length} syncs, ${probeSamplesMs.length} with the line that started them): its own six of a follower stopped, left a block behind, started and sent the next block's votes, and any other. Read by src/calibrate/profile.ts parseOrdererSyncSpans: probe from the line that started the sync to 'HeightsByEndpoints: ...', pull from there to 'Finished synchronizing with cluster, fetched N blocks ...'; the medians (nearest rank) are probeMs and pullMs.`,
  };
}

/**
 * The commit figures of a profile (v3) from the commit lines of blocks committed in normal
 * operation, each part fitted with Theil-Sen. `rest` is the fit of the line's total less
 * the fits of its three parts: the history database's commit (kv_ledger.go `commit` times
 * the total after `historyDB.Commit`, the parts before it) and what the parts lose to
 * being truncated to whole ms each (Go's `Duration / time.Millisecond`), which the total
 * loses once. So the model's `Committed block ... in Xms` reads the real line's fitted
 * total, and its parts the real parts'.
 */
export function commitFigures(commits: readonly CommitLine[], validated: ReadonlyMap<number, number>): Required<CalibrationProfile['figures']['commit']> {
  const fit = (f: (c: CommitLine) => number | undefined): LinearCost =>
    fitTheilSen(commits.flatMap((c) => {
      const y = f(c);
      return y === undefined ? [] : [{ x: c.txs, y }];
    }));
  const parts = {
    blocks: commits.length,
    validate: fit((c) => validated.get(c.block)),
    stateValidation: fit((c) => c.stateValidationMs),
    blockCommit: fit((c) => c.blockCommitMs),
    stateCommit: fit((c) => c.stateCommitMs),
  };
  const total = fit((c) => c.totalMs);
  const rest = (k: 'baseMs' | 'perTxMs'): number => round2(Math.max(0, total[k] - parts.stateValidation[k] - parts.blockCommit[k] - parts.stateCommit[k]));
  return { ...parts, rest: { baseMs: rest('baseMs'), perTxMs: rest('perTxMs') } };
}

// ---- the profile file ------------------------------------------------------------------

const ms = z.number().finite().nonnegative();
const linear = z.object({ baseMs: ms, perTxMs: ms }).strict();

export const PROFILE_SCHEMA = z
  .object({
    version: z.union([z.literal(1), z.literal(2), z.literal(3)]),
    fabric: z.string().min(1),
    machine: z.object({ cores: z.number().int().positive(), model: z.string(), loadavg: z.array(z.number().nonnegative()).length(3) }).strict(),
    measuredAt: z.string().min(1),
    figures: z
      .object({
        submitLatency: z.array(
          z.object({ ratePerSec: ms, count: z.number().int().nonnegative(), failed: z.number().int().nonnegative(), p50Ms: ms, p95Ms: ms, minMs: ms, maxMs: ms, blocks: z.number().int().nonnegative(), txPerBlock: ms }).strict(),
        ),
        evaluate: z.object({ count: z.number().int().nonnegative(), p50Ms: ms, p95Ms: ms }).strict(),
        endorse: z.object({ count: z.number().int().positive(), p50Ms: ms, p95Ms: ms }).strict().optional(),
        commit: z.object({ blocks: z.number().int().nonnegative(), validate: linear, stateValidation: linear, blockCommit: linear, stateCommit: linear, rest: linear.optional() }).strict(),
        concurrency: z
          .array(
            z
              .object({ clientsPerOrg: z.number().int().positive(), clients: z.number().int().positive(), count: z.number().int().nonnegative(), failed: z.number().int().nonnegative(), wallMs: ms, txPerSec: ms, p50Ms: ms, p95Ms: ms, blocks: z.number().int().nonnegative(), txPerBlock: ms })
              .strict(),
          )
          .min(1)
          .optional(),
        peerStart: z.object({ healthzMs: ms, ledgerReadyMs: ms }).strict(),
        ordererStart: z
          .object({
            healthzMs: ms,
            samplesMs: z.array(ms).min(1).optional(),
            remeasured: z.object({ at: z.string().min(1), loadavg: z.array(z.number().nonnegative()).length(3), samplesMs: z.array(ms).min(1), how: z.string().min(1) }).strict().optional(),
          })
          .strict(),
        rebuild: z.object({ commandMs: ms, blocks: z.number().int().nonnegative(), transactions: z.number().int().nonnegative(), replayMs: ms, blocksPerSec: z.number().finite().positive(), txPerSec: ms }).strict(),
        deliverReconnect: z.object({ orderer: z.string(), submitMs: ms, peersMovedMs: ms }).strict(),
        viewChange: z.array(z.object({ leaderHeartbeatTimeoutMs: ms, submittedAtKill: z.boolean(), viewChangedMs: ms, submitMs: ms }).strict()),
        ordererCpu: z
          .object({ wallMs: ms, cpuMs: ms, clusterMessages: z.number().int().nonnegative(), broadcasts: z.number().int().nonnegative(), blocks: z.number().int().nonnegative(), perMessageMs: ms, perBlockMs: ms })
          .strict()
          .optional(),
        // Optional in any version: measured on its own, from the orderers' logs (src/sim/fabric/profile.ts OrdererSyncFigure).
        ordererSync: z
          .object({ probeMs: ms, pullMs: ms, probeSamplesMs: z.array(ms).min(1), pullSamplesMs: z.array(ms).min(1), at: z.string().min(1), loadavg: z.array(z.number().nonnegative()).length(3), how: z.string().min(1) })
          .strict()
          .optional(),
        deliver: z.object({ blocks: z.number().int().positive(), p50Ms: ms, p95Ms: ms }).strict().optional(),
        // Optional in any version: the orderers' WAL appends, from their SmartBFT DEBUG lines (src/sim/fabric/profile.ts WalFigure).
        wal: z
          .object({
            appendP50Ms: ms,
            appendP95Ms: ms,
            samples: z.number().int().positive(),
            proposal: z.object({ samples: z.number().int().positive(), p50Ms: ms, p95Ms: ms }).strict().optional(),
            commit: z.object({ samples: z.number().int().positive(), p50Ms: ms, p95Ms: ms }).strict().optional(),
            at: z.string().min(1),
            loadavg: z.array(z.number().nonnegative()).length(3),
            how: z.string().min(1),
          })
          .strict()
          .optional(),
      })
      .strict(),
  })
  .strict()
  // Version 2 is version 1 with the orderers' CPU cost, version 3 version 2 with the
  // concurrent phases and the commit's rest; each version has exactly its figures.
  .refine((p) => (p.version >= 2) === (p.figures.ordererCpu !== undefined), {
    message: 'figures.ordererCpu is what version 2 adds: a version 2 or 3 profile has it, a version 1 profile does not',
    path: ['figures', 'ordererCpu'],
  })
  .refine((p) => (p.version >= 3) === (p.figures.concurrency !== undefined), {
    message: 'figures.concurrency is what version 3 adds: a version 3 profile has it, a version 1 or 2 profile does not',
    path: ['figures', 'concurrency'],
  })
  .refine((p) => (p.version >= 3) === (p.figures.commit.rest !== undefined), {
    message: 'figures.commit.rest is what version 3 adds: a version 3 profile has it, a version 1 or 2 profile does not',
    path: ['figures', 'commit', 'rest'],
  });

/**
 * The orderers' per-message cost from what calibrate read around its load: CPU ms summed
 * over the orderers, the cluster messages they sent one another, the transactions
 * submitted (each broadcast to every one of `orderers`), the blocks cut.
 */
export function ordererCpuFigure(m: { wallMs: number; cpuMs: number; clusterMessages: number; transactions: number; orderers: number; blocks: number }): NonNullable<CalibrationProfile['figures']['ordererCpu']> {
  const broadcasts = m.transactions * m.orderers;
  const handled = m.clusterMessages + broadcasts;
  return {
    wallMs: Math.round(m.wallMs),
    cpuMs: Math.round(m.cpuMs),
    clusterMessages: m.clusterMessages,
    broadcasts,
    blocks: m.blocks,
    perMessageMs: handled === 0 ? 0 : Math.round((m.cpuMs / handled) * 1000) / 1000,
    perBlockMs: m.blocks === 0 ? 0 : Math.round((m.cpuMs / m.blocks) * 10) / 10,
  };
}

/** The sum of a Prometheus counter's (or a histogram's `_count`) series on `channel`, from a `/metrics` text. */
export function sumMetric(body: string, name: string, channel: string): number {
  let sum = 0;
  for (const line of body.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const labels = /^[^{\s]*(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (labels === null) continue;
    if (labels[1] !== undefined && !labels[1].includes(`channel="${channel}"`)) continue;
    const v = Number(labels[2]);
    if (Number.isFinite(v)) sum += v;
  }
  return sum;
}

/** Thrown for a profile that cannot be read or is not valid; the message is one line naming the file. */
export class ProfileError extends Error {}

/** A profile from parsed JSON; `where` names it in the error. */
export function validateProfile(data: unknown, where: string): CalibrationProfile {
  const r = PROFILE_SCHEMA.safeParse(data);
  if (!r.success) {
    const issue = r.error.issues[0];
    const path = issue === undefined || issue.path.length === 0 ? '' : ` at ${issue.path.join('.')}`;
    throw new ProfileError(`${where}: not a calibration profile${path}: ${issue?.message ?? 'invalid'} (write one with "fabric-bft-sim calibrate")`);
  }
  return r.data as CalibrationProfile;
}

/** Read and validate a profile file (the CLI's side; the simulator never reads files). */
export function readProfile(file: string): CalibrationProfile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ProfileError(`${file}: cannot read the profile${code === 'ENOENT' ? ': no such file' : code !== undefined ? ` (${code})` : ''}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new ProfileError(`${file}: not JSON: ${(e as Error).message.split('\n')[0] ?? ''}`);
  }
  return validateProfile(data, file);
}

// ---- the printed table -----------------------------------------------------------------

function f0(v: number): string {
  return Number.isFinite(v) ? String(Math.round(v)) : '-';
}

function lin(c: LinearCost): string {
  return `${c.baseMs} ms + ${c.perTxMs} ms/tx`;
}

/** The rows `calibrate` prints: what, figure. */
export function profileRows(p: CalibrationProfile): [string, string][] {
  const f = p.figures;
  const rows: [string, string][] = [];
  for (const l of f.submitLatency) {
    const rate = l.ratePerSec === 0 ? 'sequential' : `${l.ratePerSec}/s`;
    rows.push([`submit-to-commit, ${rate} (${l.count} tx${l.failed > 0 ? `, ${l.failed} failed` : ''})`, `p50 ${f0(l.p50Ms)} ms, p95 ${f0(l.p95Ms)} ms (min ${f0(l.minMs)}, max ${f0(l.maxMs)})`]);
    rows.push([`block cutting, ${rate}`, `${l.blocks} blocks, ${l.txPerBlock} tx/block`]);
  }
  for (const c of f.concurrency ?? []) {
    rows.push([
      `closed loop, ${c.clientsPerOrg} client${c.clientsPerOrg === 1 ? '' : 's'} per org (${c.count} tx${c.failed > 0 ? `, ${c.failed} failed` : ''})`,
      `${c.txPerSec} tx/s, p50 ${f0(c.p50Ms)} ms, p95 ${f0(c.p95Ms)} ms; ${c.blocks} blocks, ${c.txPerBlock} tx/block`,
    ]);
  }
  rows.push([`evaluate (verify), ${f.evaluate.count} calls`, `p50 ${f0(f.evaluate.p50Ms)} ms, p95 ${f0(f.evaluate.p95Ms)} ms`]);
  if (f.deliver !== undefined) rows.push([`block to peer (orderer writes it .. peer validates), ${f.deliver.blocks} blocks`, `p50 ${f0(f.deliver.p50Ms)} ms, p95 ${f0(f.deliver.p95Ms)} ms`]);
  if (f.endorse !== undefined) rows.push([`endorse of a submit (IssueCertificate, not ordered), ${f.endorse.count} calls`, `p50 ${f0(f.endorse.p50Ms)} ms, p95 ${f0(f.endorse.p95Ms)} ms`]);
  rows.push([`commit: validate (${f.commit.blocks} blocks)`, lin(f.commit.validate)]);
  rows.push(['commit: state validation', lin(f.commit.stateValidation)]);
  rows.push(['commit: block and pvtdata commit', lin(f.commit.blockCommit)]);
  rows.push(['commit: state commit', lin(f.commit.stateCommit)]);
  if (f.commit.rest !== undefined) rows.push(['commit: rest of the total (history db)', lin(f.commit.rest)]);
  rows.push(['peer start to /healthz', `${f0(f.peerStart.healthzMs)} ms`]);
  rows.push(['peer start to its height served', `${f0(f.peerStart.ledgerReadyMs)} ms`]);
  const os = f.ordererStart.samplesMs;
  rows.push([`orderer start to /healthz${os !== undefined && os.length > 1 ? ` (median of ${os.length})` : ''}`, `${f0(f.ordererStart.healthzMs)} ms${os !== undefined && os.length > 1 ? ` (${os.map(f0).join(', ')})` : ''}`]);
  rows.push(['rebuild-dbs command', `${f0(f.rebuild.commandMs)} ms`]);
  rows.push([`rebuild replay (${f.rebuild.blocks} blocks, ${f.rebuild.transactions} tx)`, `${f0(f.rebuild.replayMs)} ms: ${f.rebuild.blocksPerSec} blocks/s, ${f.rebuild.txPerSec} tx/s`]);
  rows.push([`deliver reconnect (${f.deliverReconnect.orderer} killed)`, `submit ${f0(f.deliverReconnect.submitMs)} ms, every peer's height moved after ${f0(f.deliverReconnect.peersMovedMs)} ms`]);
  if (f.ordererCpu !== undefined) {
    const c = f.ordererCpu;
    rows.push([
      `orderer CPU over the load (${(c.wallMs / 1000).toFixed(1)} s)`,
      `${f0(c.cpuMs)} ms for ${c.clusterMessages} cluster messages + ${c.broadcasts} broadcasts: ${c.perMessageMs} ms a message (${c.perBlockMs} ms a block, ${c.blocks} blocks)`,
    ]);
  }
  if (f.ordererSync !== undefined) {
    const y = f.ordererSync;
    rows.push([`orderer sync (${y.pullSamplesMs.length} syncs)`, `probe ${f0(y.probeMs)} ms (heights of every orderer), pull ${f0(y.pullMs)} ms (to the blocks written), medians`]);
  }
  if (f.wal !== undefined) {
    rows.push([`orderer WAL append (${f.wal.samples} appends)`, `p50 ${f0(f.wal.appendP50Ms)} ms, p95 ${f0(f.wal.appendP95Ms)} ms (the write and its fsync before a vote is sent)`]);
  }
  for (const v of f.viewChange) {
    rows.push([
      `view change, LeaderHeartbeatTimeout=${v.leaderHeartbeatTimeoutMs / 1000}s, ${v.submittedAtKill ? 'submit at the kill' : 'idle'}`,
      `new view after ${f0(v.viewChangedMs)} ms; ${v.submittedAtKill ? 'that submit took' : 'next submit'} ${f0(v.submitMs)} ms`,
    ]);
  }
  return rows;
}

/** The table `calibrate` prints under its header line. */
export function formatProfile(p: CalibrationProfile): string {
  const rows = profileRows(p);
  const w = Math.max(...rows.map((r) => r[0].length));
  const head = `calibration profile v${p.version}: Fabric ${p.fabric}, ${p.machine.cores} cores (${p.machine.model}), load ${p.machine.loadavg.map((l) => l.toFixed(2)).join(' ')}, measured ${p.measuredAt}`;
  return [head, ...rows.map(([a, b]) => `  ${a.padEnd(w)}  ${b}`)].join('\n');
}
