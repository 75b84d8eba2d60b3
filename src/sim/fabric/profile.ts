/**
 * The cost model's measured figures: a calibration profile (`fabric-bft-sim calibrate`
 * writes one from a real Fabric 3.1.5 network) and the costs the model takes from it.
 *
 * Mirrors no Go file: these are the times Fabric's own log lines and endpoints report on
 * a real machine (kvledger `Committed block [N] with K transaction(s) in Xms (...)`,
 * txvalidator `Validated block [N] in Xms`, the operations port's `/healthz`), which the
 * model charges as simulated time instead of fixed guesses.
 *
 * Pure data: the profile is passed in (the CLI reads and validates a file; the default is
 * imported as a JSON module, measured on the development machine). Nothing here does I/O.
 */
import defaultProfileJson from './profile-default.json' with { type: 'json' };

/** `base + perTx x transactions` ms, as fitted over the measured blocks (Theil-Sen from profile v3, least squares before). */
export interface LinearCost {
  readonly baseMs: number;
  readonly perTxMs: number;
}

/** Submit-to-commit latency through the Gateway at one request rate. */
export interface LatencyFigure {
  /** Requests per second; 0 = sequential (each waits for the previous one's commit). */
  readonly ratePerSec: number;
  readonly count: number;
  readonly failed: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly minMs: number;
  readonly maxMs: number;
  /** Blocks the orderers cut while these requests ran, and transactions per block. */
  readonly blocks: number;
  readonly txPerBlock: number;
}

export interface ProfileFigures {
  readonly submitLatency: readonly LatencyFigure[];
  /** Evaluate (`verify`) round trip through the Gateway: one endorsement, no ordering. */
  readonly evaluate: { readonly count: number; readonly p50Ms: number; readonly p95Ms: number };
  /**
   * A submit's endorse call through the Gateway (`proposal.endorse()`, nothing ordered): two
   * rounds, the gateway peer then another org's (endorse.go planFromFirstEndorser). Absent
   * before 2026-12-04: the write proposal then costs what an evaluate does.
   */
  readonly endorse?: { readonly count: number; readonly p50Ms: number; readonly p95Ms: number };
  /**
   * The peer's commit of one block, by part, from its log lines. `rest` (profile v3): the
   * `Committed block` line's total less its three parts, which is the history database's
   * commit (core/ledger/kvledger/kv_ledger.go `commit`: `historyDB.Commit` runs after
   * `state_commit` is timed and before the total is); a v1 or v2 profile has none.
   */
  readonly commit: {
    readonly blocks: number;
    readonly validate: LinearCost;
    readonly stateValidation: LinearCost;
    readonly blockCommit: LinearCost;
    readonly stateCommit: LinearCost;
    readonly rest?: LinearCost;
  };
  /**
   * Closed-loop load (profile v3): `clientsPerOrg` clients in every org, each submitting
   * its next transaction when the previous one committed, for about `wallMs`. The blocks
   * these phases cut span a range of sizes, so the commit fit can tell the per-block cost
   * from the per-transaction one; the throughput and latency are what the model is checked
   * against, not inputs.
   */
  readonly concurrency?: readonly ConcurrencyFigure[];
  /** A killed peer started again: launch to `/healthz` 200, and to its height being served again. */
  readonly peerStart: { readonly healthzMs: number; readonly ledgerReadyMs: number };
  /**
   * A killed orderer started again: launch to `/healthz` 200. `remeasured`: the figure was
   * measured again on its own after the rest of the profile (when, the load average, every
   * sample, how); `healthzMs` is then the median of those samples.
   */
  readonly ordererStart: {
    readonly healthzMs: number;
    /** Every restart calibrate timed (profile v3: several; `healthzMs` is their median). */
    readonly samplesMs?: readonly number[];
    readonly remeasured?: { readonly at: string; readonly loadavg: readonly number[]; readonly samplesMs: readonly number[]; readonly how: string };
  };
  /** `peer node rebuild-dbs`, then start: the replay of every block into the state database. */
  readonly rebuild: { readonly commandMs: number; readonly blocks: number; readonly transactions: number; readonly replayMs: number; readonly blocksPerSec: number; readonly txPerSec: number };
  /** An orderer killed, a transaction submitted: until every peer's height moved past it. */
  readonly deliverReconnect: { readonly orderer: string; readonly submitMs: number; readonly peersMovedMs: number };
  /**
   * The view-0 leader killed: until a follower reports a new view, with the channel's
   * LeaderHeartbeatTimeout. `submittedAtKill`: a transaction was submitted at the kill
   * (the complain path) and `submitMs` is its latency; otherwise the network was idle and
   * `submitMs` is one submit after the new view.
   */
  readonly viewChange: readonly { readonly leaderHeartbeatTimeoutMs: number; readonly submittedAtKill: boolean; readonly viewChangedMs: number; readonly submitMs: number }[];
  /** The orderers' CPU time over the latency load, per message they handled (profile v2; a v1 profile has none). */
  readonly ordererCpu?: OrdererCpuFigure;
  /** An orderer's sync, from the real orderers' logs (optional in any version: without it a sync dials for free). */
  readonly ordererSync?: OrdererSyncFigure;
  /**
   * A block's way from the orderers to a peer (optional in any version): from the first
   * orderer's `Delivering proposal, writing block N` line to the start of the peer's
   * validation of N (its `Validated block [N] in Xms` line's time less X), over the blocks
   * of calibrate's load; nearest-rank p50 and p95. It holds the orderer's block write, its
   * Deliver service, the link, and the peer's signature checks before validation.
   */
  readonly deliver?: { readonly blocks: number; readonly p50Ms: number; readonly p95Ms: number };
  /** The orderers' WAL appends on the way to a decision (optional in any version): WalFigure. */
  readonly wal?: WalFigure;
}

/**
 * An orderer's WAL append (SmartBFT pkg/wal/writeaheadlog.go Append: write, then fsync) on
 * the real network, from its log lines (src/calibrate/profile.ts parseWalAppendSpans): the
 * View's last line before it saves a ProposedRecord (verifyBlacklist's DEBUG line) or a
 * Commit (`N collected K prepares from ...`) to the DEBUG `LogRecord appended successfully`
 * that follows the fsync; nearest-rank p50 and p95 over both kinds, and of each kind. The
 * model's View waits `appendP50Ms` after each of those saves before it goes on (SmartBftConfig
 * WalAppendMs), as Go's View goroutine blocks on State.Save.
 */
export interface WalFigure {
  readonly appendP50Ms: number;
  readonly appendP95Ms: number;
  readonly samples: number;
  readonly proposal?: { readonly samples: number; readonly p50Ms: number; readonly p95Ms: number };
  readonly commit?: { readonly samples: number; readonly p50Ms: number; readonly p95Ms: number };
  /** When and under what load the samples were taken, and from which runs' logs. */
  readonly at: string;
  readonly loadavg: readonly number[];
  readonly how: string;
}

/**
 * An orderer's sync (orderer/consensus/smartbft/synchronizer_bft.go) on the real network,
 * from the timestamps of its orderers' log lines (src/calibrate/profile.ts
 * parseOrdererSyncSpans): `probeMs`, the median from the SmartBFT line that starts a sync
 * (`Syncing since the follower ...`, `... triggered a call to HeartBeatEventHandler Sync`,
 * `Seen N votes for digest ...`) to `HeightsByEndpoints: ...` (the block puller dials every
 * orderer, TLS, and reads its last block); `pullMs`, the median from there to `Finished
 * synchronizing with cluster, fetched N blocks ...` (the BFT deliverer dials a source and
 * the others' header streams, and writes the blocks). The model charges them before its
 * height requests and before its block request (SmartBftConfig SyncProbeMs, SyncPullMs).
 */
export interface OrdererSyncFigure {
  readonly probeMs: number;
  readonly pullMs: number;
  readonly probeSamplesMs: readonly number[];
  readonly pullSamplesMs: readonly number[];
  /** When and under what load the samples were taken, and from which runs' logs. */
  readonly at: string;
  readonly loadavg: readonly number[];
  readonly how: string;
}

/** One closed-loop phase of `concurrency`. */
export interface ConcurrencyFigure {
  readonly clientsPerOrg: number;
  /** Clients in all (clientsPerOrg x orgs). */
  readonly clients: number;
  readonly count: number;
  readonly failed: number;
  readonly wallMs: number;
  /** Committed transactions per second over `wallMs`. */
  readonly txPerSec: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly blocks: number;
  readonly txPerBlock: number;
}

/**
 * The orderers' CPU time (user + system, /proc/<pid>/stat) summed over the four processes
 * while `submitLatency` ran, and the messages they handled meanwhile: every cluster message
 * one orderer sent another (SmartBFT's consensus messages, heartbeats and forwarded
 * requests; the `cluster_comm_msg_send_time` histogram's count) and every transaction's
 * broadcast (the Gateway sends each one to every orderer). `perMessageMs` is
 * `cpuMs / (clusterMessages + broadcasts)`: everything an orderer spends (signature checks,
 * block signing, WAL and ledger writes, delivering blocks) charged to the messages that
 * cause it. `perBlockMs` is the same time per block cut, for reading only.
 */
export interface OrdererCpuFigure {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly clusterMessages: number;
  readonly broadcasts: number;
  readonly blocks: number;
  readonly perMessageMs: number;
  readonly perBlockMs: number;
}

/**
 * Version 2 added `figures.ordererCpu`; a version 1 profile (no such figure) is still read,
 * and its orderers spend no time on a message. Version 3 added `figures.concurrency` and
 * `figures.commit.rest` (and fits the commit parts with Theil-Sen over the concurrent
 * phases' blocks); a v1 or v2 profile is still read, its commit has no rest.
 */
export interface CalibrationProfile {
  readonly version: 1 | 2 | 3;
  readonly fabric: string;
  readonly machine: { readonly cores: number; readonly model: string; readonly loadavg: readonly number[] };
  readonly measuredAt: string;
  readonly figures: ProfileFigures;
}

/** The profile measured on the development machine (see docs/calibration.md). */
export const DEFAULT_PROFILE = defaultProfileJson as CalibrationProfile;

/** The simulated costs the Fabric nodes charge (ms). */
export interface CostModel {
  /** Validate, state validation, block store, state commit of a block of `txCount` transactions. */
  readonly commit: {
    readonly validate: LinearCost;
    readonly stateValidation: LinearCost;
    readonly blockCommit: LinearCost;
    readonly stateCommit: LinearCost;
    /** The rest of the `Committed block` line's total (the history database); zero before profile v3. */
    readonly rest: LinearCost;
  };
  /** A peer's time to simulate an evaluate proposal and sign the response (chaincode round trip included). */
  readonly endorseMs: number;
  /** The same for a submit's proposal (the chaincode writes; IssueCertificate also reads the key first). */
  readonly submitEndorseMs: number;
  /** Process start to ready (`/healthz`), peers and orderers. */
  readonly peerStartMs: number;
  readonly ordererStartMs: number;
  /** Blocks per second a peer replays into its state database at start (after rebuild-dbs). */
  readonly replayBlocksPerSec: number;
  /** `peer node rebuild-dbs` from start to exit. */
  readonly rebuildCommandMs: number;
  /** CPU time an orderer spends on each message it receives (the kernel's `processing`); 0 for a v1 profile. */
  readonly ordererPerMessageMs: number;
  /** An orderer's sync: the dials before it asks the heights, and before it asks the blocks (0 without figures.ordererSync). */
  readonly ordererSyncProbeMs: number;
  readonly ordererSyncPullMs: number;
  /** An orderer's block write and Deliver service: the time from deciding a block to sending it to the peers (0 without figures.deliver). */
  readonly ordererDeliverMs: number;
  /** An orderer's WAL append before it sends its PrePrepare, Prepare or Commit (0 without figures.wal). */
  readonly ordererWalAppendMs: number;
}

/**
 * What the model's own logs show for figures.deliver's span with no write time: the link
 * (DEFAULT_LINK, 1-3 ms) read off whole-ms timestamps as Fabric's are. Measured with
 * `parseDeliverSpans` on the model: p50 3 ms (40 sequential blocks, seed 1;
 * test/calibrate/deliver.test.ts keeps it true).
 */
export const DELIVER_MODEL_SPAN_MS = 3;

/** The network round trip the model already charges an evaluate (client -> gateway -> peer and back). */
const EVALUATE_NETWORK_MS = 4;

/** The cost model a profile gives. */
export function costModelOf(p: CalibrationProfile): CostModel {
  const f = p.figures;
  return {
    commit: { validate: f.commit.validate, stateValidation: f.commit.stateValidation, blockCommit: f.commit.blockCommit, stateCommit: f.commit.stateCommit, rest: f.commit.rest ?? { baseMs: 0, perTxMs: 0 } },
    endorseMs: Math.max(0, Math.round(f.evaluate.p50Ms - EVALUATE_NETWORK_MS)),
    // Two rounds of the same network path, one endorsement each.
    submitEndorseMs: f.endorse === undefined ? Math.max(0, Math.round(f.evaluate.p50Ms - EVALUATE_NETWORK_MS)) : Math.max(0, Math.round((f.endorse.p50Ms - 2 * EVALUATE_NETWORK_MS) / 2)),
    peerStartMs: Math.round(f.peerStart.healthzMs),
    ordererStartMs: Math.round(f.ordererStart.healthzMs),
    replayBlocksPerSec: f.rebuild.blocksPerSec,
    rebuildCommandMs: Math.round(f.rebuild.commandMs),
    ordererPerMessageMs: f.ordererCpu?.perMessageMs ?? 0,
    ordererSyncProbeMs: Math.round(f.ordererSync?.probeMs ?? 0),
    ordererSyncPullMs: Math.round(f.ordererSync?.pullMs ?? 0),
    ordererDeliverMs: f.deliver === undefined ? 0 : Math.max(0, Math.round(f.deliver.p50Ms - DELIVER_MODEL_SPAN_MS)),
    ordererWalAppendMs: Math.round(f.wal?.appendP50Ms ?? 0),
  };
}

export const DEFAULT_COST_MODEL: CostModel = costModelOf(DEFAULT_PROFILE);

/** Whole ms of a linear cost (never negative). */
export function costMs(c: LinearCost, txCount: number): number {
  return Math.max(0, Math.round(c.baseMs + c.perTxMs * txCount));
}
