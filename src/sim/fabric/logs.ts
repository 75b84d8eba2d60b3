/**
 * Fabric's log catalog for the peer side: modules, short function names, levels and
 * verbatim Go format strings (reference/fabric.md sections 1-4, and the Go files named
 * there: kv_ledger.go, blockfile_mgr.go, couchdb.go, ledger_mgmt.go, drop_dbs.go,
 * gossip/state/state.go, deliverservice/deliveryclient.go, blocksprovider/bft_deliverer.go,
 * bft_censorship_monitor.go, internal/peer/node/start.go). Also the byte-exact output of
 * `peer channel getinfo` and Go's `time.Duration` text form used in some messages.
 */
import type { LogFormat } from '../../shared/log-format.ts';

const f = (kind: string, module: string, func: string, level: LogFormat['level'], format: string, source: string): LogFormat => ({ kind, module, func, level, format, source });

export const FABRIC_LOGS: LogFormat[] = [
  // Peer start-up (internal/peer/node/start.go, core/peer/peer.go, ledger_mgmt.go)
  f('peer.loadingChain', 'peer', 'Initialize', 'INFO', 'Loading chain %s', 'core/peer/peer.go:497 peerLogger.Infof'),
  f('peer.failedToLoadLedger', 'peer', 'Initialize', 'ERRO', 'Failed to load ledger %s(%+v)', 'core/peer/peer.go:500 peerLogger.Errorf'),
  f('ledgermgmt.creating', 'ledgermgmt', 'CreateLedger', 'INFO', 'Creating ledger [%s] with genesis block', 'core/ledger/ledgermgmt/ledger_mgmt.go:116 logger.Infof'),
  f('ledgermgmt.created', 'ledgermgmt', 'CreateLedger', 'INFO', 'Created ledger [%s] with genesis block', 'core/ledger/ledgermgmt/ledger_mgmt.go:122 logger.Infof'),
  f('ledgermgmt.opening', 'ledgermgmt', 'OpenLedger', 'INFO', 'Opening ledger with id = %s', 'core/ledger/ledgermgmt/ledger_mgmt.go:204 logger.Infof'),
  f('ledgermgmt.opened', 'ledgermgmt', 'OpenLedger', 'INFO', 'Opened ledger with id = %s', 'core/ledger/ledgermgmt/ledger_mgmt.go:216 logger.Infof'),
  f('nodeCmd.starting', 'nodeCmd', 'serve', 'INFO', 'Starting peer with ID=[%s], network ID=[%s], address=[%s]', 'internal/peer/node/start.go:843 logger.Infof'),
  f('nodeCmd.started', 'nodeCmd', 'serve', 'INFO', 'Started peer with ID=[%s], network ID=[%s], address=[%s]', 'internal/peer/node/start.go:869 logger.Infof'),
  f('nodeCmd.preResetHeight', 'nodeCmd', 'serve', 'INFO', 'Ledger rebuild: channel [%s]: preresetHeight: [%d]', 'internal/peer/node/start.go:885 logger.Infof'),
  f('nodeCmd.resetLoopEnter', 'nodeCmd', 'serve', 'INFO', 'Ledger rebuild: Entering loop to check if current ledger heights surpass prereset ledger heights. Endorsement request processing will be disabled.', 'internal/peer/node/start.go:889 logger.Info'),
  f('nodeCmd.resetCheck', 'nodeCmd', 'resetLoop', 'INFO', 'Ledger rebuild: Checking if current ledger heights surpass prereset ledger heights', 'internal/peer/node/start.go:1374 logger.Info'),
  f('nodeCmd.resetComplete', 'nodeCmd', 'resetLoop', 'INFO', 'Ledger rebuild: Complete, all ledgers surpass prereset heights. Endorsement request processing will be enabled.', 'internal/peer/node/start.go:1401 logger.Infof'),

  // Block store index (common/ledger/blkstorage)
  f('blkstorage.startIndex', 'blkstorage', 'syncIndex', 'INFO', 'Start building index from block [%d] to last block [%d]', 'common/ledger/blkstorage/blockfile_mgr.go:424 logger.Infof'),
  f('blkstorage.indexed', 'blkstorage', 'syncIndex', 'INFO', 'Indexed block number [%d]', 'common/ledger/blkstorage/blockfile_mgr.go:483 logger.Infof'),
  f('blkstorage.finishedIndex', 'blkstorage', 'syncIndex', 'INFO', 'Finished building index. Last block indexed [%d]', 'common/ledger/blkstorage/blockfile_mgr.go:486 logger.Infof'),
  f('blkstorage.noLedgers', 'blkstorage', 'ResetBlockStore', 'INFO', 'No ledgers found.. exiting', 'common/ledger/blkstorage/reset.go:38 logger.Info'),
  f('blkstorage.foundLedgers', 'blkstorage', 'ResetBlockStore', 'INFO', 'Found ledgers - %s', 'common/ledger/blkstorage/reset.go:41 logger.Infof'),
  f('blkstorage.resetToGenesis', 'blkstorage', 'resetToGenesisBlk', 'INFO', 'Resetting ledger [%s] to genesis block', 'common/ledger/blkstorage/reset.go:63 logger.Infof'),
  f('blkstorage.recordingHeight', 'blkstorage', 'recordHeightIfGreaterThanPreviousRecording', 'INFO', 'Recording current height [%d]', 'common/ledger/blkstorage/reset.go:168 logger.Infof'),
  f('blkstorage.notRecordingHeight', 'blkstorage', 'recordHeightIfGreaterThanPreviousRecording', 'INFO', 'Not recording current height [%d] since this is less than previously recorded height [%d]', 'common/ledger/blkstorage/reset.go:175 logger.Infof'),
  f('blkstorage.validatingRollback', 'blkstorage', 'ValidateRollbackParams', 'INFO', 'Validating the rollback parameters: ledgerID [%s], block number [%d]', 'common/ledger/blkstorage/rollback.go:235 logger.Infof'),
  f('blkstorage.rollingBackIndex', 'blkstorage', 'Rollback', 'INFO', 'Rolling back block index to block number [%d]', 'common/ledger/blkstorage/rollback.go:40 logger.Infof'),
  f('blkstorage.rollingBackFiles', 'blkstorage', 'Rollback', 'INFO', 'Rolling back block files to block number [%d]', 'common/ledger/blkstorage/rollback.go:45 logger.Infof'),
  f('blkstorage.dropIndex', 'blkstorage', 'DeleteBlockStoreIndex', 'INFO', 'Dropping all contents under the index dir [%s]... if present', 'common/ledger/blkstorage/reset.go:58 logger.Infof'),

  // State database (statecouchdb) and kvledger (drop_dbs.go: one function per database)
  f('couchdb.created', 'couchdb', 'createDatabaseIfNotExist', 'INFO', 'Created state database %s', 'core/ledger/kvledger/txmgmt/statedb/statecouchdb/couchdb.go:274 couchdbLogger.Infof'),
  f('couchdb.dropping', 'couchdb', 'DropApplicationDBs', 'INFO', 'Dropping CouchDB application databases ...', 'core/ledger/kvledger/txmgmt/statedb/statecouchdb/couchdbutil.go:310 couchdbLogger.Info'),
  f('couchdb.attemptError', 'couchdb', 'handleRequest', 'WARN', 'Attempt %d of %d returned error: %s. %s', 'core/ledger/kvledger/txmgmt/statedb/statecouchdb/couchdb.go:1679 couchdbLogger.Warningf'),
  f('kvledger.resetting', 'kvledger', 'ResetAllKVLedgers', 'INFO', 'Resetting all channel ledgers to genesis block', 'core/ledger/kvledger/reset.go:34 logger.Info'),
  f('kvledger.ledgerFolder', 'kvledger', 'ResetAllKVLedgers', 'INFO', 'Ledger data folder from config = [%s]', 'core/ledger/kvledger/reset.go:35 logger.Infof'),
  f('kvledger.resetBlockStore', 'kvledger', 'resetBlockStorage', 'INFO', 'Resetting BlockStore to genesis block at location [%s]', 'core/ledger/kvledger/reset.go:62 logger.Infof'),
  f('kvledger.resetDone', 'kvledger', 'ResetAllKVLedgers', 'INFO', 'All channel ledgers have been successfully reset to the genesis block', 'core/ledger/kvledger/reset.go:42 logger.Info'),
  f('kvledger.droppingDatabases', 'kvledger', 'RollbackKVLedger', 'INFO', 'Dropping databases', 'core/ledger/kvledger/rollback.go:38 logger.Infof'),
  f('kvledger.rollingBack', 'kvledger', 'RollbackKVLedger', 'INFO', 'Rolling back ledger store', 'core/ledger/kvledger/rollback.go:43 logger.Info'),
  f('kvledger.rolledBack', 'kvledger', 'RollbackKVLedger', 'INFO', 'The channel [%s] has been successfully rolled back to the block number [%d]', 'core/ledger/kvledger/rollback.go:48 logger.Infof'),
  f('kvledger.dropState', 'kvledger', 'dropStateLevelDB', 'INFO', 'Dropping all contents in StateLevelDB at location [%s] ...if present', 'core/ledger/kvledger/drop_dbs.go:35 logger.Infof'),
  f('kvledger.dropConfigHistory', 'kvledger', 'dropConfigHistoryDB', 'INFO', 'Dropping all contents in ConfigHistoryDB at location [%s] ...if present', 'core/ledger/kvledger/drop_dbs.go:41 logger.Infof'),
  f('kvledger.dropBookkeeper', 'kvledger', 'dropBookkeeperDB', 'INFO', 'Dropping all contents in BookkeeperDB at location [%s] ...if present', 'core/ledger/kvledger/drop_dbs.go:47 logger.Infof'),
  f('kvledger.dropHistory', 'kvledger', 'dropHistoryDB', 'INFO', 'Dropping all contents under in HistoryDB at location [%s] ...if present', 'core/ledger/kvledger/drop_dbs.go:53 logger.Infof'),
  f('kvledger.recommitting', 'kvledger', 'recommitLostBlocks', 'INFO', 'Recommitting lost blocks - firstBlockNum=%d, lastBlockNum=%d, recoverables=%#v', 'core/ledger/kvledger/kv_ledger.go:488 logger.Infof'),
  f('kvledger.recommitted', 'kvledger', 'recommitLostBlocks', 'INFO', 'Recommitted lost blocks - firstBlockNum=%d, lastBlockNum=%d, recoverables=%#v', 'core/ledger/kvledger/kv_ledger.go:501 logger.Infof'),
  f('lockbasedtxmgr.recommitBlock', 'lockbasedtxmgr', 'CommitLostBlock', 'INFO', 'Recommitting block [%d] to state database', 'core/ledger/kvledger/txmgmt/txmgr/lockbased_txmgr.go:614 logger.Infof'),
  f('history.recommitBlock', 'history', 'CommitLostBlock', 'INFO', 'Recommitting block [%d] to history database', 'core/ledger/kvledger/history/db.go:200 logger.Infof'),
  f('kvledger.committed', 'kvledger', 'commit', 'INFO', '[%s] Committed block [%d] with %d transaction(s) in %dms (state_validation=%dms block_and_pvtdata_commit=%dms state_commit=%dms) commitHash=[%x]', 'core/ledger/kvledger/kv_ledger.go:723 logger.Infof'),
  f('validation.invalidTx', 'validation', 'validateAndPrepareBatch', 'WARN', 'Block [%d] Transaction index [%d] TxId [%s] marked as invalid by state validator. Reason code [%s]', 'core/ledger/kvledger/txmgmt/validation/validator.go:113 logger.Warningf'),

  // Validation (core/committer/txvalidator/v20)
  f('txvalidator.validated', 'committer.txvalidator', 'Validate', 'INFO', '[%s] Validated block [%d] in %dms', 'core/committer/txvalidator/v20/validator.go:262 logger.Infof'),
  // logger.Error(a, b, c) prints fmt.Sprintln's spacing (flogging zap.go formatArgs).
  f('txvalidator.duplicate', 'committer.txvalidator', 'checkTxIdDupsLedger', 'ERRO', 'Duplicate transaction found,  %s , skipping', 'core/committer/txvalidator/v20/validator.go:474 logger.Error'),
  f('txvalidator.duplicateInBlock', 'committer.txvalidator', 'markTXIdDuplicates', 'ERRO', 'Duplicate txid %s found, skipping', 'core/committer/txvalidator/v20/validator.go:289 logger.Error'),
  // v2.0+ validateTx (the v1.4 text was "VSCCValidateTx for transaction txId = ...").
  f('txvalidator.dispatchFailed', 'committer.txvalidator', 'validateTx', 'ERRO', 'Dispatch for transaction txId = %s returned error: %s', 'core/committer/txvalidator/v20/validator.go:375 logger.Errorf'),

  // Gossip and the state provider
  f('gossip.joinChan', 'gossip.gossip', 'JoinChan', 'INFO', 'Joining gossip network of channel %s with %d organizations', 'gossip/gossip/gossip_impl.go:211 g.logger.Info'),
  f('privdata.receivedBlock', 'gossip.privdata', 'StoreBlock', 'INFO', 'Received block [%d] from buffer', 'gossip/privdata/coordinator.go:161 c.logger.Infof'),
  f('state.updatingMetadata', 'gossip.state', 'NewGossipStateProvider', 'INFO', 'Updating metadata information for channel %s, current ledger sequence is at = %d, next expected block is = %d', 'gossip/state/state.go:258 logger.Infof'),
  f('state.requesting', 'gossip.state', 'requestBlocksInRange', 'DEBU', 'State transfer, with peer %s, requesting blocks in range [%d...%d), for chainID %s', 'gossip/state/state.go:659 s.logger.Debugf'),
  f('state.giveUp', 'gossip.state', 'requestBlocksInRange', 'WARN', "Wasn't  able to get blocks in range [%d...%d), after %d retries", 'gossip/state/state.go:647 s.logger.Warningf'),
  f('state.cannotSend', 'gossip.state', 'requestBlocksInRange', 'WARN', 'Cannot send state request for blocks in range [%d...%d), due to %+v', 'gossip/state/state.go:654 s.logger.Warningf'),
  f('state.requestTooHigh', 'gossip.state', 'handleStateRequest', 'WARN', 'Received state request to transfer blocks with sequence numbers higher  [%d...%d] than available in ledger (%d)', 'gossip/state/state.go:437 s.logger.Warningf'),
  f('state.gossipNotAdded', 'gossip.state', 'queueNewMessage', 'WARN', "Block [%d] received from gossip wasn't added to payload buffer: %v", 'gossip/state/state.go:291 s.logger.Warningf'),
  f('state.transferNotAdded', 'gossip.state', 'processStateResponse', 'WARN', "Block [%d] received from block transfer wasn't added to payload buffer: %v", 'gossip/state/state.go:523 s.logger.Warningf'),
  f('state.straggler', 'gossip.state', 'addPayload', 'WARN', '[%s] Current block height (%d) is too far behind other peers at height (%d) to be able to receive blocks without state transfer which is disabled in the configuration (peer.gossip.state.enabled = false). Consider enabling it or setting the peer explicitly to be a leader (peer.gossip.orgLeader = true) in order to pull blocks directly from the ordering service.', 'gossip/state/state.go:765 s.logger.Warningf'),
  f('state.committed', 'gossip.state', 'commitBlock', 'DEBU', '[%s] Committed block [%d] with %d transaction(s)', 'gossip/state/state.go:809 s.logger.Debugf'),
  f('election.becomingLeader', 'gossip.election', 'beLeader', 'INFO', '%s : Becoming a leader', 'gossip/election/election.go:398 le.logger.Info'),
  f('service.elected', 'gossip.service', 'func1', 'INFO', 'Elected as a leader, starting delivery service for channel %s', 'gossip/service/gossip_service.go:535 logger.Info'),
  f('service.renounced', 'gossip.service', 'func1', 'INFO', 'Renounced leadership, stopping delivery service for channel %s', 'gossip/service/gossip_service.go:540 logger.Info'),

  // Delivery from the ordering service
  f('deliveryClient.retrieveOnly', 'deliveryClient', 'StartDeliverForChannel', 'INFO', 'This peer will retrieve blocks from ordering service (will not disseminate them to other peers in the organization)', 'core/deliverservice/deliveryclient.go:151 logger.Infow'),
  f('deliveryClient.retrieveAndGossip', 'deliveryClient', 'StartDeliverForChannel', 'INFO', 'This peer will retrieve blocks from ordering service and disseminate to other peers in the organization', 'core/deliverservice/deliveryclient.go:153 logger.Infow'),
  f('deliveryClient.createCFT', 'deliveryClient', 'createBlockDelivererCFT', 'INFO', 'Creating a CFT (crash fault tolerant) BlockDeliverer for channel `%s`', 'core/deliverservice/deliveryclient.go:185 logger.Infof'),
  f('deliveryClient.createBFT', 'deliveryClient', 'createBlockDelivererBFT', 'INFO', 'Creating a BFT (byzantine fault tolerant) BlockDeliverer for channel `%s`', 'core/deliverservice/deliveryclient.go:249 logger.Infof'),
  f('blocksprovider.startDeliver', 'peer.blocksprovider', 'initDeliverBlocks', 'INFO', 'Starting to DeliverBlocks on channel `%s`, block height=%d', 'common/deliverclient/blocksprovider/bft_deliverer.go:217 d.Logger.Infof'),
  f('blocksprovider.refreshed', 'peer.blocksprovider', 'refreshSources', 'INFO', 'Refreshed endpoints: %s', 'common/deliverclient/blocksprovider/bft_deliverer.go:312 d.Logger.Infof'),
  f('blocksprovider.retry', 'peer.blocksprovider', 'retryBackoff', 'WARN', 'Failed to fetch blocks, count=%d, round=%d, going to retry in %s', 'common/deliverclient/blocksprovider/bft_deliverer.go:243 d.Logger.Warningf'),
  f('blocksprovider.censorshipSuspicion', 'peer.blocksprovider', 'handleFetchAndCensorshipEvents', 'WARN', 'Censorship suspicion: %s; going to retry fetching blocks from another orderer', 'common/deliverclient/blocksprovider/bft_deliverer.go:292 d.Logger.Warningf'),
  f('blocksprovider.processFailure', 'peer.blocksprovider', 'FetchBlocks', 'WARN', 'Failure while processing incoming blocks: %s', 'common/deliverclient/blocksprovider/bft_deliverer.go:387 d.Logger.Warningf'),
  // BlockReceiver (blocksprovider/block_receiver.go; its logger carries orderer-address=...)
  f('blockReceiver.readError', 'BlockReceiver', 'func1', 'WARN', 'Encountered an error reading from deliver stream: %s', 'common/deliverclient/blocksprovider/block_receiver.go:55 br.logger.Warningf'),
  f('blockReceiver.hungUp', 'BlockReceiver', 'ProcessIncoming', 'WARN', 'Orderer hung up without sending status', 'common/deliverclient/blocksprovider/block_receiver.go:102 br.logger.Warningf'),
  f('blockReceiver.gotError', 'BlockReceiver', 'ProcessIncoming', 'WARN', 'Got error while attempting to receive blocks: %v', 'common/deliverclient/blocksprovider/block_receiver.go:110 br.logger.Warningf'),
  f('blocksprovider.couldNotConnect', 'peer.blocksprovider', 'FetchBlocks', 'WARN', 'Could not connect to ordering service: %s', 'common/deliverclient/blocksprovider/bft_deliverer.go:350 d.Logger.Warningf'),
  f('blocksprovider.disconnected', 'peer.blocksprovider', 'DeliverBlocks', 'WARN', 'Disconnected from ordering service. Attempt to re-connect in %v, totalDuration is %v', 'common/deliverclient/blocksprovider/deliverer.go:162 d.Logger.Warningf'),
  f('blocksprovider.notAdded', 'peer.blocksprovider', 'HandleBlock', 'WARN', "Block [%d] received from ordering service wasn't added to payload buffer: %v", 'core/deliverservice/gossip_block_handler.go:66 h.logger.Warningf'),
  f('censorship.detected', 'BFTCensorshipMonitor', 'Monitor', 'WARN', 'Block censorship detected, block source endpoint: %s', 'common/deliverclient/blocksprovider/bft_censorship_monitor.go:177 m.logger.Warningf'),
];
