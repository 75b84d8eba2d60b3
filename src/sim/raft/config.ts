/**
 * Fabric's etcdraft options and the batch settings the Raft chain uses, with Fabric's
 * defaults. Sources (hyperledger/fabric):
 * - `EtcdRaft.Options` as Fabric's configtx.yaml ships them: `TickInterval: 500ms`,
 *   `ElectionTick: 10`, `HeartbeatTick: 1`, `MaxInflightBlocks: 5`,
 *   `SnapshotIntervalSize: 16 MB` (checked in public Fabric network configs; the copy of
 *   `sampleconfig/configtx.yaml` in our search index predates etcdraft, so not there).
 * - `orderer/consensus/etcdraft/consenter.go` `HandleChain`: parses TickInterval and passes
 *   ElectionTick, HeartbeatTick, MaxInflightBlocks, SnapshotIntervalSize into `Options`;
 *   `MaxSizePerMsg` = `BatchSize.PreferredMaxBytes`.
 * - `orderer/consensus/etcdraft/chain.go` `NewChain`: `raft.Config{ElectionTick,
 *   HeartbeatTick, MaxInflightMsgs: MaxInflightBlocks, PreVote: true, CheckQuorum: true,
 *   DisableProposalForwarding: true}`; `serveRequest` cuts blocks with the BlockCutter and
 *   the `BatchTimeout` timer, and stops taking requests while `MaxInflightBlocks` blocks
 *   are in flight.
 * - etcd raft `resetRandomizedElectionTimeout`: a follower's timeout is drawn uniformly in
 *   [ElectionTick, 2*ElectionTick - 1] ticks, i.e. 5 s to 9.5 s with Fabric's defaults.
 * - BatchTimeout 2s, MaxMessageCount 500, PreferredMaxBytes 2 MB: sampleconfig/configtx.yaml
 *   (reference/fabric.md).
 * Snapshots (`SnapshotIntervalSize`) are not modelled: the simulated log is never compacted.
 */

export interface RaftOptions {
  /** ms between raft `Tick()` calls. */
  readonly TickIntervalMs: number;
  /** Ticks of leader silence before a follower campaigns (randomized up to 2x - 1). */
  readonly ElectionTick: number;
  /** Ticks between leader heartbeats. */
  readonly HeartbeatTick: number;
  /** Blocks the leader may have proposed but not yet applied before it stops cutting. */
  readonly MaxInflightBlocks: number;
  /** ms from the first pending request to a forced cut (Orderer.BatchTimeout). */
  readonly BatchTimeoutMs: number;
  /** Requests per block (Orderer.BatchSize.MaxMessageCount). */
  readonly MaxMessageCount: number;
  /** Bytes per block before a cut (Orderer.BatchSize.PreferredMaxBytes). */
  readonly PreferredMaxBytes: number;
  readonly PreVote: boolean;
  readonly CheckQuorum: boolean;
}

export const DEFAULT_RAFT_OPTIONS: RaftOptions = Object.freeze({
  TickIntervalMs: 500,
  ElectionTick: 10,
  HeartbeatTick: 1,
  MaxInflightBlocks: 5,
  BatchTimeoutMs: 2_000,
  MaxMessageCount: 500,
  PreferredMaxBytes: 2 * 1024 * 1024,
  PreVote: true,
  CheckQuorum: true,
});

/** Defaults merged with overrides; throws one clear RangeError on the first bad field. */
export function resolveRaftOptions(overrides: Partial<RaftOptions> = {}): RaftOptions {
  const o: RaftOptions = { ...DEFAULT_RAFT_OPTIONS, ...overrides };
  for (const k of ['TickIntervalMs', 'ElectionTick', 'HeartbeatTick', 'MaxInflightBlocks', 'BatchTimeoutMs', 'MaxMessageCount', 'PreferredMaxBytes'] as const) {
    const v = o[k];
    if (!(typeof v === 'number' && Number.isFinite(v) && v > 0)) throw new RangeError(`RaftOptions: ${k} should be greater than zero, got ${String(v)}`);
  }
  for (const k of ['ElectionTick', 'HeartbeatTick', 'MaxInflightBlocks', 'MaxMessageCount'] as const) {
    if (!Number.isInteger(o[k])) throw new RangeError(`RaftOptions: ${k} should be an integer, got ${o[k]}`);
  }
  // etcd raft Config.validate: "election tick must be greater than heartbeat tick".
  if (o.ElectionTick <= o.HeartbeatTick) throw new RangeError(`RaftOptions: ElectionTick (${o.ElectionTick}) must be greater than HeartbeatTick (${o.HeartbeatTick})`);
  return o;
}
