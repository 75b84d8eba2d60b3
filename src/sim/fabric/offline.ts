/**
 * The offline `peer node` commands, run against a stopped peer's volume (the durable store):
 *
 * - `rebuild-dbs` (internal/peer/node/rebuild_dbs.go -> kvledger/rebuild_dbs.go): drop every
 *   CouchDB database whose name does not start with `_` (`DropApplicationDBs`), then the
 *   LevelDB state/config-history/bookkeeper/history directories, then the block index. Block
 *   files are kept; nothing is marked (no pre-reset height). The next start rebuilds the
 *   index and replays every block (kvledger.ts). With the peer's CouchDB down it retries
 *   the connection maxRetriesOnStartup times (about 2 min) and fails: `unable to connect to
 *   CouchDB, check the hostname and port`; nothing is dropped.
 * - `reset` (kvledger.ResetAllKVLedgers): `dropDBs` (LevelDB paths only: CouchDB is NOT
 *   dropped), delete the index, record the pre-reset height, truncate to the genesis block.
 * - `rollback -b N` (kvledger.RollbackKVLedger): the same drops, the index rolled back to
 *   block N, the block files truncated after it.
 * Neither touches the private data store (`ledgersData/pvtdataStore`) or CouchDB: with
 * CouchDB the state database stays at the old height, so the next start refuses the
 * ledger (`the state database ... is ahead of the block store`) until `rebuild-dbs`.
 *
 * All of them take the file lock: with the peer running they fail with Fabric's message.
 * The lines they print are returned as log events (the command's own output).
 */
import type { DurableOp } from '../kernel/types.ts';
import { CHANNEL } from './block.ts';
import { dropApplicationDbs } from './couchdb.ts';
import { BLOCKS_KEY, INDEX_KEY, LEDGER_ROOT, PRE_RESET_KEY } from './kvledger.ts';
import { goDuration } from '../../shared/duration.ts';

/** The operations a stopped peer's volume offers. */
export interface Volume {
  keys(): string[];
  get<T = unknown>(key: string): T | undefined;
  listLength(key: string): number;
  deletePrefix(prefix: string): number;
  apply(op: DurableOp): void;
}

export interface CommandLog {
  readonly type: 'log';
  readonly kind: string;
  readonly args: readonly (string | number)[];
  /** When the command prints it, in ms after it started (default 0). */
  readonly atMs?: number;
}

export interface CommandResult {
  readonly ok: boolean;
  readonly error?: string;
  readonly logs: readonly CommandLog[];
  /** How long the command runs (default 0: at once). */
  readonly durationMs?: number;
}

/** The peer's CouchDB as the command sees it (`ledger.state.couchDBConfig.couchDBAddress`). */
export interface CouchEndpoint {
  readonly address: string;
  readonly up: boolean;
}

/** `ledger.state.couchDBConfig.maxRetriesOnStartup` (core.yaml: 10). */
export const MAX_RETRIES_ON_STARTUP = 10;
/** statecouchdb/couchdb.go `retryWaitTime`: the first wait, doubled after each attempt. */
const RETRY_WAIT_MS = 125;

/**
 * `createCouchInstance` -> `verifyCouchConfig` against a CouchDB that refuses connections
 * (statecouchdb/couchdb.go handleRequest): maxRetriesOnStartup + 1 attempts, each failure
 * logged, waits of 125ms doubling in between; then the error.
 */
export function couchUnreachable(couch: CouchEndpoint, logs: CommandLog[]): { error: string; durationMs: number } {
  const httpErr = `Get "http://${couch.address}/": dial tcp ${couch.address}: connect: connection refused`;
  let at = 0;
  let wait = RETRY_WAIT_MS;
  for (let attempt = 0; attempt <= MAX_RETRIES_ON_STARTUP; attempt++) {
    const retry = attempt === MAX_RETRIES_ON_STARTUP ? 'Retries exhausted' : `Retrying couchdb request in ${goDuration(wait)}`;
    logs.push({ ...log('couchdb.attemptError', attempt + 1, MAX_RETRIES_ON_STARTUP + 1, httpErr, retry), atMs: at });
    if (attempt < MAX_RETRIES_ON_STARTUP) at += wait;
    wait *= 2;
  }
  return { error: `unable to connect to CouchDB, check the hostname and port: http error calling couchdb: ${httpErr}`, durationMs: at };
}

/**
 * `peer node start` with the peer's CouchDB down: `ledgermgmt.NewLedgerMgr` builds the
 * ledger provider, whose state DB provider (statecouchdb.NewVersionedDBProvider ->
 * createCouchInstance -> verifyCouchConfig) retries maxRetriesOnStartup times and fails;
 * core/ledger/ledgermgmt/ledger_mgmt.go:85 then panics with
 * `Error in instantiating ledger provider: %+v`, before any channel is opened.
 */
export function ledgerProviderPanic(couch: CouchEndpoint): { reason: string; logs: CommandLog[]; durationMs: number } {
  const logs: CommandLog[] = [];
  const { error, durationMs } = couchUnreachable(couch, logs);
  return { reason: `Error in instantiating ledger provider: ${error}`, logs, durationMs };
}

export const FILE_LOCK_ERROR = 'as another peer node command is executing, wait for that command to complete its execution or terminate it before retrying';

const log = (kind: string, ...args: (string | number)[]): CommandLog => ({ type: 'log', kind, args });

function dropLevelDbs(logs: CommandLog[]): void {
  logs.push(log('kvledger.dropState', `${LEDGER_ROOT}/stateLeveldb`));
  logs.push(log('kvledger.dropConfigHistory', `${LEDGER_ROOT}/configHistory`));
  logs.push(log('kvledger.dropBookkeeper', `${LEDGER_ROOT}/bookkeeper`));
  logs.push(log('kvledger.dropHistory', `${LEDGER_ROOT}/historyLeveldb`));
}

function dropIndex(v: Volume, logs: CommandLog[]): void {
  logs.push(log('blkstorage.dropIndex', `${LEDGER_ROOT}/chains/index`));
  v.apply({ op: 'delete', key: INDEX_KEY });
}

/** `peer node rebuild-dbs` (kvledger/rebuild_dbs.go RebuildDBs); `couch` down: it cannot drop the databases. */
export function rebuildDbs(v: Volume, peerRunning: boolean, couch?: CouchEndpoint): CommandResult {
  if (peerRunning) return { ok: false, error: FILE_LOCK_ERROR, logs: [] };
  const logs: CommandLog[] = [log('couchdb.dropping')];
  if (couch !== undefined && !couch.up) {
    const { error, durationMs } = couchUnreachable(couch, logs);
    return { ok: false, error, logs, durationMs };
  }
  dropApplicationDbs(v);
  dropLevelDbs(logs);
  dropIndex(v, logs);
  return { ok: true, logs };
}

/**
 * blkstorage `recordHeightIfGreaterThanPreviousRecording` (reset.go): keep the greater of
 * the current height and a height recorded before, so a second reset or rollback before
 * the ledger caught up still waits for the original height.
 */
function recordPreResetHeight(v: Volume, logs: CommandLog[]): void {
  const height = v.listLength(BLOCKS_KEY);
  const recorded = v.get<number>(PRE_RESET_KEY);
  if (recorded === undefined || height > recorded) {
    logs.push(log('blkstorage.recordingHeight', height));
    v.apply({ op: 'set', key: PRE_RESET_KEY, value: height });
  } else logs.push(log('blkstorage.notRecordingHeight', height, recorded));
}

/**
 * `peer node reset` (internal/peer/node/reset.go -> kvledger/reset.go ResetAllKVLedgers):
 * file lock, then `dropDBs` (the LevelDB state, config history, bookkeeper and history
 * directories: CouchDB is NOT dropped), then blkstorage `ResetBlockStore`: delete the index,
 * and for every channel record the pre-reset height and truncate to the genesis block. A
 * peer that joined no channel: `No ledgers found.. exiting`, and the command succeeds.
 */
export function resetLedger(v: Volume, peerRunning: boolean): CommandResult {
  if (peerRunning) return { ok: false, error: FILE_LOCK_ERROR, logs: [] };
  const logs: CommandLog[] = [log('kvledger.resetting'), log('kvledger.ledgerFolder', LEDGER_ROOT)];
  dropLevelDbs(logs);
  logs.push(log('kvledger.resetBlockStore', `${LEDGER_ROOT}/chains`));
  dropIndex(v, logs);
  if (v.listLength(BLOCKS_KEY) === 0) {
    logs.push(log('blkstorage.noLedgers'));
    return { ok: true, logs };
  }
  logs.push(log('blkstorage.foundLedgers', `[${CHANNEL}]`));
  recordPreResetHeight(v, logs);
  logs.push(log('blkstorage.resetToGenesis', `${LEDGER_ROOT}/chains/chains/${CHANNEL}`));
  v.apply({ op: 'truncate', key: BLOCKS_KEY, length: 1 });
  logs.push(log('kvledger.resetDone'));
  return { ok: true, logs };
}

/**
 * `peer node rollback -c certchannel -b N` (internal/peer/node/rollback.go ->
 * kvledger/rollback.go RollbackKVLedger): file lock; blkstorage `ValidateRollbackParams`
 * (the channel's block directory must exist: `ledgerID [%s] does not exist`; N must be
 * below the last block: `target block number [N] should be less than the biggest block
 * number [last]`); `dropDBs` (LevelDB only, as reset); blkstorage `Rollback`: record the
 * pre-reset height, roll the index back to N (it is kept, not dropped), truncate the block
 * files after N.
 */
export function rollbackLedger(v: Volume, peerRunning: boolean, blockNumber: number, channel: string = CHANNEL): CommandResult {
  if (peerRunning) return { ok: false, error: FILE_LOCK_ERROR, logs: [] };
  if (!Number.isInteger(blockNumber) || blockNumber < 0) return { ok: false, error: `invalid argument "${blockNumber}" for "-b, --blockNumber" flag: strconv.ParseUint: parsing "${blockNumber}": invalid syntax`, logs: [] };
  const logs: CommandLog[] = [log('blkstorage.validatingRollback', channel, blockNumber)];
  const height = v.listLength(BLOCKS_KEY);
  if (channel !== CHANNEL || height === 0) return { ok: false, error: `ledgerID [${channel}] does not exist`, logs };
  if (blockNumber >= height - 1) {
    return { ok: false, error: `target block number [${blockNumber}] should be less than the biggest block number [${height - 1}]`, logs };
  }
  logs.push(log('kvledger.droppingDatabases'));
  dropLevelDbs(logs);
  logs.push(log('kvledger.rollingBack'));
  recordPreResetHeight(v, logs);
  logs.push(log('blkstorage.rollingBackIndex', blockNumber));
  v.apply({ op: 'set', key: INDEX_KEY, value: { lastBlockIndexed: blockNumber } });
  logs.push(log('blkstorage.rollingBackFiles', blockNumber));
  v.apply({ op: 'truncate', key: BLOCKS_KEY, length: blockNumber + 1 });
  logs.push(log('kvledger.rolledBack', channel, blockNumber));
  return { ok: true, logs };
}
