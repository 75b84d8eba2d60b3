/**
 * SmartBFT configuration as Fabric 3.x runs it: SmartBFT's field names
 * (pkg/types/config.go `Configuration`) with Fabric's defaults (configtxgen genesisDefaults,
 * RequestBatchMaxCount overridden by BatchSize.MaxMessageCount = 500), and SmartBFT's
 * `Validate()` rules. Durations are milliseconds; fields we add carry a unit suffix.
 * Leader rotation is not configurable: Fabric forces it off.
 */

export interface SmartBftConfig {
  /** Max requests in a batch (Fabric: BatchSize.MaxMessageCount). */
  readonly RequestBatchMaxCount: number;
  /** Max bytes of a batch (Fabric: BatchSize.AbsoluteMaxBytes). */
  readonly RequestBatchMaxBytes: number;
  /** ms the leader waits for a batch to fill. */
  readonly RequestBatchMaxInterval: number;
  /** Request pool capacity. */
  readonly RequestPoolSize: number;
  /** ms a submission waits for room in a full pool before it fails (SmartBFT's default; Fabric does not expose it). */
  readonly RequestPoolSubmitTimeout: number;
  /** ms before a pooled request is forwarded to the leader. */
  readonly RequestForwardTimeout: number;
  /** ms after forwarding before the node complains about the leader. */
  readonly RequestComplainTimeout: number;
  /** ms after complaining before the request is dropped from the pool. */
  readonly RequestAutoRemoveTimeout: number;
  /** ms between ViewChange re-broadcasts while a view change is pending. */
  readonly ViewChangeResendInterval: number;
  /** ms before a pending view change times out (multiplied by the back-off factor). */
  readonly ViewChangeTimeout: number;
  /** ms of leader silence after which a follower complains. */
  readonly LeaderHeartbeatTimeout: number;
  /** Heartbeats the idle leader sends per LeaderHeartbeatTimeout. */
  readonly LeaderHeartbeatCount: number;
  /** Ticks a follower may stay one sequence behind the leader's heartbeat before it syncs. */
  readonly NumOfTicksBehindBeforeSyncing: number;
  /** ms the state collector waits for f+1 equal StateTransferResponses. */
  readonly CollectTimeout: number;
  readonly SyncOnStart: boolean;
  readonly SpeedUpViewChange: boolean;
  /** Max bytes of one request (Fabric: 0 means RequestBatchMaxBytes). */
  readonly RequestMaxBytes: number;
  /** ms a Fabric block puller waits for one orderer during sync (ReplicationPullTimeout). */
  readonly ReplicationPullTimeoutMs: number;
  /** ms between ticks of the heartbeat monitor and view changer (Fabric: time.Second). */
  readonly TickIntervalMs: number;
  /**
   * ms a sync spends before it asks the other orderers' heights: Fabric's block puller
   * dials each of them (TLS) to read its last block (synchronizer_bft.go detectTargetHeight,
   * cluster/deliver.go probeEndpoints). A measured cost, not an option: 0 unless the
   * calibration profile gives it (figures.ordererSync).
   */
  readonly SyncProbeMs: number;
  /**
   * ms a sync spends before it asks for the missing blocks: the BFT deliverer it creates
   * dials a source and the other orderers' header streams (synchronizer_bft.go
   * createBFTDeliverer). Measured like SyncProbeMs; 0 unless the profile gives it.
   */
  readonly SyncPullMs: number;
  /**
   * ms a WAL append takes: the write and its fsync in SmartBFT's WriteAheadLogFile.Append
   * (pkg/wal/writeaheadlog.go), on which the View's goroutine blocks in State.Save before
   * it sends its PrePrepare (leader), Prepare or Commit (internal/bft/view.go
   * processProposal, processPrepares). A measured cost, not an option: 0 unless the
   * calibration profile gives it (figures.wal).
   */
  readonly WalAppendMs: number;
}

const MiB = 1024 * 1024;

/** Fabric 3.x defaults for a BFT channel (reference section 6). */
export const DEFAULT_CONFIG: SmartBftConfig = Object.freeze({
  RequestBatchMaxCount: 500,
  RequestBatchMaxBytes: 10 * MiB,
  RequestBatchMaxInterval: 50,
  RequestPoolSize: 400,
  RequestPoolSubmitTimeout: 5_000,
  RequestForwardTimeout: 2_000,
  RequestComplainTimeout: 20_000,
  RequestAutoRemoveTimeout: 180_000,
  ViewChangeResendInterval: 5_000,
  ViewChangeTimeout: 20_000,
  LeaderHeartbeatTimeout: 60_000,
  LeaderHeartbeatCount: 10,
  NumOfTicksBehindBeforeSyncing: 10,
  CollectTimeout: 1_000,
  SyncOnStart: false,
  SpeedUpViewChange: false,
  RequestMaxBytes: 10 * MiB,
  ReplicationPullTimeoutMs: 5_000,
  TickIntervalMs: 1_000,
  SyncProbeMs: 0,
  SyncPullMs: 0,
  WalAppendMs: 0,
});

/** Defaults merged with overrides, validated. Throws one clear Error on the first bad field. */
export function resolveConfig(overrides: Partial<SmartBftConfig> = {}): SmartBftConfig {
  const c: SmartBftConfig = { ...DEFAULT_CONFIG, ...overrides };
  validateConfig(c);
  return c;
}

/** SmartBFT's `Configuration.Validate()` rules, plus our own fields. */
export function validateConfig(c: SmartBftConfig): void {
  const positive: (keyof SmartBftConfig)[] = [
    'RequestBatchMaxCount',
    'RequestBatchMaxBytes',
    'RequestBatchMaxInterval',
    'RequestPoolSize',
    'RequestPoolSubmitTimeout',
    'RequestForwardTimeout',
    'RequestComplainTimeout',
    'RequestAutoRemoveTimeout',
    'ViewChangeResendInterval',
    'ViewChangeTimeout',
    'LeaderHeartbeatTimeout',
    'LeaderHeartbeatCount',
    'NumOfTicksBehindBeforeSyncing',
    'CollectTimeout',
    'RequestMaxBytes',
    'ReplicationPullTimeoutMs',
    'TickIntervalMs',
  ];
  for (const k of positive) {
    const v = c[k];
    // Stryker disable next-line ConditionalExpression: `typeof v !== 'number'` as false: Number.isFinite is false for anything not a number
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
      throw new RangeError(`SmartBftConfig: ${k} should be greater than zero, got ${String(v)}`);
    }
  }
  for (const k of ['SyncProbeMs', 'SyncPullMs', 'WalAppendMs'] as const) {
    const v = c[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new RangeError(`SmartBftConfig: ${k} should be zero or more, got ${String(v)}`);
  }
  for (const k of ['RequestBatchMaxCount', 'RequestPoolSize', 'LeaderHeartbeatCount', 'NumOfTicksBehindBeforeSyncing'] as const) {
    if (!Number.isInteger(c[k])) throw new RangeError(`SmartBftConfig: ${k} should be an integer, got ${c[k]}`);
  }
  if (c.RequestBatchMaxCount > c.RequestBatchMaxBytes) {
    throw new RangeError(`SmartBftConfig: RequestBatchMaxCount is bigger than RequestBatchMaxBytes (${c.RequestBatchMaxCount} > ${c.RequestBatchMaxBytes})`);
  }
  // In Validate's order (pkg/types/config.go): the first rule broken is the one reported.
  if (c.RequestMaxBytes > c.RequestBatchMaxBytes) {
    throw new RangeError(`SmartBftConfig: RequestMaxBytes is bigger than RequestBatchMaxBytes (${c.RequestMaxBytes} > ${c.RequestBatchMaxBytes})`);
  }
  if (c.RequestForwardTimeout > c.RequestComplainTimeout) {
    throw new RangeError(`SmartBftConfig: RequestForwardTimeout is bigger than RequestComplainTimeout (${c.RequestForwardTimeout} > ${c.RequestComplainTimeout})`);
  }
  if (c.RequestComplainTimeout > c.RequestAutoRemoveTimeout) {
    throw new RangeError(`SmartBftConfig: RequestComplainTimeout is bigger than RequestAutoRemoveTimeout (${c.RequestComplainTimeout} > ${c.RequestAutoRemoveTimeout})`);
  }
  if (c.ViewChangeResendInterval > c.ViewChangeTimeout) {
    throw new RangeError(`SmartBftConfig: ViewChangeResendInterval is bigger than ViewChangeTimeout (${c.ViewChangeResendInterval} > ${c.ViewChangeTimeout})`);
  }
  if (typeof c.SyncOnStart !== 'boolean') throw new TypeError(`SmartBftConfig: SyncOnStart should be a boolean, got ${String(c.SyncOnStart)}`);
  if (typeof c.SpeedUpViewChange !== 'boolean') throw new TypeError(`SmartBftConfig: SpeedUpViewChange should be a boolean, got ${String(c.SpeedUpViewChange)}`);
}
