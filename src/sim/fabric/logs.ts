/**
 * Fabric's log catalog for the peer side: modules, short function names, levels and
 * verbatim Go format strings (reference/fabric.md sections 1-4, and the Go files named
 * there: kv_ledger.go, blockfile_mgr.go, couchdb.go, ledger_mgmt.go, drop_dbs.go,
 * gossip/state/state.go, deliverservice/deliveryclient.go, blocksprovider/bft_deliverer.go,
 * bft_censorship_monitor.go, internal/peer/node/start.go). Also the byte-exact output of
 * `peer channel getinfo` and Go's `time.Duration` text form used in some messages.
 */
import type { LogFormat } from '../logs/format.ts';

const f = (kind: string, module: string, func: string, level: LogFormat['level'], format: string): LogFormat => ({ kind, module, func, level, format });

export const FABRIC_LOGS: LogFormat[] = [
  // Peer start-up (internal/peer/node/start.go, core/peer/peer.go, ledger_mgmt.go)
  f('peer.loadingChain', 'peer', 'Initialize', 'INFO', 'Loading chain %s'),
  f('peer.failedToLoadLedger', 'peer', 'Initialize', 'ERRO', 'Failed to load ledger %s(%+v)'),
  f('ledgermgmt.creating', 'ledgermgmt', 'CreateLedger', 'INFO', 'Creating ledger [%s] with genesis block'),
  f('ledgermgmt.created', 'ledgermgmt', 'CreateLedger', 'INFO', 'Created ledger [%s] with genesis block'),
  f('ledgermgmt.opening', 'ledgermgmt', 'OpenLedger', 'INFO', 'Opening ledger with id = %s'),
  f('ledgermgmt.opened', 'ledgermgmt', 'OpenLedger', 'INFO', 'Opened ledger with id = %s'),
  f('nodeCmd.starting', 'nodeCmd', 'serve', 'INFO', 'Starting peer with ID=[%s], network ID=[%s], address=[%s]'),
  f('nodeCmd.started', 'nodeCmd', 'serve', 'INFO', 'Started peer with ID=[%s], network ID=[%s], address=[%s]'),
  f('nodeCmd.preResetHeight', 'nodeCmd', 'serve', 'INFO', 'Ledger rebuild: channel [%s]: preresetHeight: [%d]'),
  f('nodeCmd.resetLoopEnter', 'nodeCmd', 'serve', 'INFO', 'Ledger rebuild: Entering loop to check if current ledger heights surpass prereset ledger heights. Endorsement request processing will be disabled.'),
  f('nodeCmd.resetCheck', 'nodeCmd', 'resetLoop', 'INFO', 'Ledger rebuild: Checking if current ledger heights surpass prereset ledger heights'),
  f('nodeCmd.resetComplete', 'nodeCmd', 'resetLoop', 'INFO', 'Ledger rebuild: Complete, all ledgers surpass prereset heights. Endorsement request processing will be enabled.'),

  // Block store index (common/ledger/blkstorage)
  f('blkstorage.startIndex', 'blkstorage', 'syncIndex', 'INFO', 'Start building index from block [%d] to last block [%d]'),
  f('blkstorage.indexed', 'blkstorage', 'syncIndex', 'INFO', 'Indexed block number [%d]'),
  f('blkstorage.finishedIndex', 'blkstorage', 'syncIndex', 'INFO', 'Finished building index. Last block indexed [%d]'),
  f('blkstorage.noLedgers', 'blkstorage', 'ResetBlockStore', 'INFO', 'No ledgers found.. exiting'),
  f('blkstorage.foundLedgers', 'blkstorage', 'ResetBlockStore', 'INFO', 'Found ledgers - %s'),
  f('blkstorage.resetToGenesis', 'blkstorage', 'resetToGenesisBlk', 'INFO', 'Resetting ledger [%s] to genesis block'),
  f('blkstorage.recordingHeight', 'blkstorage', 'recordHeightIfGreaterThanPreviousRecording', 'INFO', 'Recording current height [%d]'),
  f('blkstorage.notRecordingHeight', 'blkstorage', 'recordHeightIfGreaterThanPreviousRecording', 'INFO', 'Not recording current height [%d] since this is less than previously recorded height [%d]'),
  f('blkstorage.validatingRollback', 'blkstorage', 'ValidateRollbackParams', 'INFO', 'Validating the rollback parameters: ledgerID [%s], block number [%d]'),
  f('blkstorage.rollingBackIndex', 'blkstorage', 'Rollback', 'INFO', 'Rolling back block index to block number [%d]'),
  f('blkstorage.rollingBackFiles', 'blkstorage', 'Rollback', 'INFO', 'Rolling back block files to block number [%d]'),
  f('blkstorage.dropIndex', 'blkstorage', 'DeleteBlockStoreIndex', 'INFO', 'Dropping all contents under the index dir [%s]... if present'),

  // State database (statecouchdb) and kvledger (drop_dbs.go: one function per database)
  f('couchdb.created', 'couchdb', 'createDatabaseIfNotExist', 'INFO', 'Created state database %s'),
  f('couchdb.dropping', 'couchdb', 'DropApplicationDBs', 'INFO', 'Dropping CouchDB application databases ...'),
  f('couchdb.attemptError', 'couchdb', 'handleRequest', 'WARN', 'Attempt %d of %d returned error: %s. %s'),
  f('kvledger.resetting', 'kvledger', 'ResetAllKVLedgers', 'INFO', 'Resetting all channel ledgers to genesis block'),
  f('kvledger.ledgerFolder', 'kvledger', 'ResetAllKVLedgers', 'INFO', 'Ledger data folder from config = [%s]'),
  f('kvledger.resetBlockStore', 'kvledger', 'resetBlockStorage', 'INFO', 'Resetting BlockStore to genesis block at location [%s]'),
  f('kvledger.resetDone', 'kvledger', 'ResetAllKVLedgers', 'INFO', 'All channel ledgers have been successfully reset to the genesis block'),
  f('kvledger.droppingDatabases', 'kvledger', 'RollbackKVLedger', 'INFO', 'Dropping databases'),
  f('kvledger.rollingBack', 'kvledger', 'RollbackKVLedger', 'INFO', 'Rolling back ledger store'),
  f('kvledger.rolledBack', 'kvledger', 'RollbackKVLedger', 'INFO', 'The channel [%s] has been successfully rolled back to the block number [%d]'),
  f('kvledger.dropState', 'kvledger', 'dropStateLevelDB', 'INFO', 'Dropping all contents in StateLevelDB at location [%s] ...if present'),
  f('kvledger.dropConfigHistory', 'kvledger', 'dropConfigHistoryDB', 'INFO', 'Dropping all contents in ConfigHistoryDB at location [%s] ...if present'),
  f('kvledger.dropBookkeeper', 'kvledger', 'dropBookkeeperDB', 'INFO', 'Dropping all contents in BookkeeperDB at location [%s] ...if present'),
  f('kvledger.dropHistory', 'kvledger', 'dropHistoryDB', 'INFO', 'Dropping all contents under in HistoryDB at location [%s] ...if present'),
  f('kvledger.recommitting', 'kvledger', 'recommitLostBlocks', 'INFO', 'Recommitting lost blocks - firstBlockNum=%d, lastBlockNum=%d, recoverables=%#v'),
  f('kvledger.recommitted', 'kvledger', 'recommitLostBlocks', 'INFO', 'Recommitted lost blocks - firstBlockNum=%d, lastBlockNum=%d, recoverables=%#v'),
  f('lockbasedtxmgr.recommitBlock', 'lockbasedtxmgr', 'CommitLostBlock', 'INFO', 'Recommitting block [%d] to state database'),
  f('history.recommitBlock', 'history', 'CommitLostBlock', 'INFO', 'Recommitting block [%d] to history database'),
  f('kvledger.committed', 'kvledger', 'commit', 'INFO', '[%s] Committed block [%d] with %d transaction(s) in %dms (state_validation=%dms block_and_pvtdata_commit=%dms state_commit=%dms) commitHash=[%x]'),
  f('validation.invalidTx', 'validation', 'validateAndPrepareBatch', 'WARN', 'Block [%d] Transaction index [%d] TxId [%s] marked as invalid by state validator. Reason code [%s]'),

  // Validation (core/committer/txvalidator/v20)
  f('txvalidator.validated', 'committer.txvalidator', 'Validate', 'INFO', '[%s] Validated block [%d] in %dms'),
  // logger.Error(a, b, c) prints fmt.Sprintln's spacing (flogging zap.go formatArgs).
  f('txvalidator.duplicate', 'committer.txvalidator', 'checkTxIdDupsLedger', 'ERRO', 'Duplicate transaction found,  %s , skipping'),
  f('txvalidator.duplicateInBlock', 'committer.txvalidator', 'markTXIdDuplicates', 'ERRO', 'Duplicate txid %s found, skipping'),
  // v2.0+ validateTx (the v1.4 text was "VSCCValidateTx for transaction txId = ...").
  f('txvalidator.dispatchFailed', 'committer.txvalidator', 'validateTx', 'ERRO', 'Dispatch for transaction txId = %s returned error: %s'),

  // Gossip and the state provider
  f('gossip.joinChan', 'gossip.gossip', 'JoinChan', 'INFO', 'Joining gossip network of channel %s with %d organizations'),
  f('privdata.receivedBlock', 'gossip.privdata', 'StoreBlock', 'INFO', 'Received block [%d] from buffer'),
  f('state.updatingMetadata', 'gossip.state', 'NewGossipStateProvider', 'INFO', 'Updating metadata information for channel %s, current ledger sequence is at = %d, next expected block is = %d'),
  f('state.requesting', 'gossip.state', 'requestBlocksInRange', 'DEBU', 'State transfer, with peer %s, requesting blocks in range [%d...%d), for chainID %s'),
  f('state.giveUp', 'gossip.state', 'requestBlocksInRange', 'WARN', "Wasn't  able to get blocks in range [%d...%d), after %d retries"),
  f('state.cannotSend', 'gossip.state', 'requestBlocksInRange', 'WARN', 'Cannot send state request for blocks in range [%d...%d), due to %+v'),
  f('state.requestTooHigh', 'gossip.state', 'handleStateRequest', 'WARN', 'Received state request to transfer blocks with sequence numbers higher  [%d...%d] than available in ledger (%d)'),
  f('state.gossipNotAdded', 'gossip.state', 'queueNewMessage', 'WARN', "Block [%d] received from gossip wasn't added to payload buffer: %v"),
  f('state.transferNotAdded', 'gossip.state', 'processStateResponse', 'WARN', "Block [%d] received from block transfer wasn't added to payload buffer: %v"),
  f('state.straggler', 'gossip.state', 'addPayload', 'WARN', '[%s] Current block height (%d) is too far behind other peers at height (%d) to be able to receive blocks without state transfer which is disabled in the configuration (peer.gossip.state.enabled = false). Consider enabling it or setting the peer explicitly to be a leader (peer.gossip.orgLeader = true) in order to pull blocks directly from the ordering service.'),
  f('state.committed', 'gossip.state', 'commitBlock', 'DEBU', '[%s] Committed block [%d] with %d transaction(s)'),
  f('election.becomingLeader', 'gossip.election', 'beLeader', 'INFO', '%s : Becoming a leader'),
  f('service.elected', 'gossip.service', 'func1', 'INFO', 'Elected as a leader, starting delivery service for channel %s'),
  f('service.renounced', 'gossip.service', 'func1', 'INFO', 'Renounced leadership, stopping delivery service for channel %s'),

  // Delivery from the ordering service
  f('deliveryClient.retrieveOnly', 'deliveryClient', 'StartDeliverForChannel', 'INFO', 'This peer will retrieve blocks from ordering service (will not disseminate them to other peers in the organization)'),
  f('deliveryClient.retrieveAndGossip', 'deliveryClient', 'StartDeliverForChannel', 'INFO', 'This peer will retrieve blocks from ordering service and disseminate to other peers in the organization'),
  f('deliveryClient.createCFT', 'deliveryClient', 'createBlockDelivererCFT', 'INFO', 'Creating a CFT (crash fault tolerant) BlockDeliverer for channel `%s`'),
  f('deliveryClient.createBFT', 'deliveryClient', 'createBlockDelivererBFT', 'INFO', 'Creating a BFT (byzantine fault tolerant) BlockDeliverer for channel `%s`'),
  f('blocksprovider.startDeliver', 'peer.blocksprovider', 'initDeliverBlocks', 'INFO', 'Starting to DeliverBlocks on channel `%s`, block height=%d'),
  f('blocksprovider.refreshed', 'peer.blocksprovider', 'refreshSources', 'INFO', 'Refreshed endpoints: %s'),
  f('blocksprovider.retry', 'peer.blocksprovider', 'retryBackoff', 'WARN', 'Failed to fetch blocks, count=%d, round=%d, going to retry in %s'),
  f('blocksprovider.censorshipSuspicion', 'peer.blocksprovider', 'handleFetchAndCensorshipEvents', 'WARN', 'Censorship suspicion: %s; going to retry fetching blocks from another orderer'),
  f('blocksprovider.processFailure', 'peer.blocksprovider', 'FetchBlocks', 'WARN', 'Failure while processing incoming blocks: %s'),
  // BlockReceiver (blocksprovider/block_receiver.go; its logger carries orderer-address=...)
  f('blockReceiver.readError', 'BlockReceiver', 'func1', 'WARN', 'Encountered an error reading from deliver stream: %s'),
  f('blockReceiver.hungUp', 'BlockReceiver', 'ProcessIncoming', 'WARN', 'Orderer hung up without sending status'),
  f('blockReceiver.gotError', 'BlockReceiver', 'ProcessIncoming', 'WARN', 'Got error while attempting to receive blocks: %v'),
  f('blocksprovider.couldNotConnect', 'peer.blocksprovider', 'FetchBlocks', 'WARN', 'Could not connect to ordering service: %s'),
  f('blocksprovider.disconnected', 'peer.blocksprovider', 'DeliverBlocks', 'WARN', 'Disconnected from ordering service. Attempt to re-connect in %v, totalDuration is %v'),
  f('blocksprovider.notAdded', 'peer.blocksprovider', 'HandleBlock', 'WARN', "Block [%d] received from ordering service wasn't added to payload buffer: %v"),
  f('censorship.detected', 'BFTCensorshipMonitor', 'Monitor', 'WARN', 'Block censorship detected, block source endpoint: %s'),
];

/** `peer channel getinfo` stdout, byte for byte (json.Marshal of BlockchainInfo; omitempty fields). */
export function getinfoOutput(info: { height: number; currentBlockHash: string; previousBlockHash?: string }): string {
  const fields: string[] = [`"height":${info.height}`];
  if (info.currentBlockHash !== '') fields.push(`"currentBlockHash":${JSON.stringify(info.currentBlockHash)}`);
  if (info.previousBlockHash !== undefined && info.previousBlockHash !== '') fields.push(`"previousBlockHash":${JSON.stringify(info.previousBlockHash)}`);
  return `Blockchain info: {${fields.join(',')}}\n`;
}
