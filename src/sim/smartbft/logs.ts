/**
 * SmartBFT's log catalog as Fabric 3.x prints it: verbatim Go format strings, the Fabric
 * logger module each goes through, the Go function (`shortfunc`) and the level
 * (reference section 5). Library logs go through `orderer.consensus.smartbft.consensus`;
 * BFTChain, the synchronizer and WAL init through `orderer.consensus.smartbft.chain`.
 */
import type { Level, LogFormat } from '../../shared/log-format.ts';

const CONSENSUS = 'orderer.consensus.smartbft.consensus';
const CHAIN = 'orderer.consensus.smartbft.chain';
const CONSENTER = 'orderer.consensus.smartbft';

function e<K extends string>(kind: K, module: string, func: string, level: Level, format: string, source: string): LogFormat & { readonly kind: `smartbft.${K}` } {
  return { kind: `smartbft.${kind}`, module, func, level, format, source };
}

const ENTRIES = [
  // controller.go
  e('startView', CONSENSUS, 'startView', 'INFO', 'Starting view with number %d, sequence %d, and decisions %d', 'SmartBFT internal/bft/controller.go:404 c.Logger.Infof'),
  e('heartbeatTimeoutComplain', CONSENSUS, 'OnHeartbeatTimeout', 'WARN', 'Heartbeat timeout expired, complaining about leader: %d', 'SmartBFT internal/bft/controller.go:325 c.Logger.Warnf'),
  e('heartbeatTimeoutIgnored', CONSENSUS, 'OnHeartbeatTimeout', 'WARN', 'Heartbeat timeout expired, but current leader: %d, differs from reported leader: %d; ignoring', 'SmartBFT internal/bft/controller.go:321 c.Logger.Warnf'),
  e('requestForward', CONSENSUS, 'OnRequestTimeout', 'INFO', 'Request %s timeout expired, forwarding request to leader: %d', 'SmartBFT internal/bft/controller.go:284 c.Logger.Infof'),
  e('requestLeaderNothing', CONSENSUS, 'OnRequestTimeout', 'INFO', 'Request %s timeout expired, this node is the leader, nothing to do', 'SmartBFT internal/bft/controller.go:280 c.Logger.Infof'),
  e('requestLeaderStopHeartbeat', CONSENSUS, 'OnLeaderFwdRequestTimeout', 'INFO', 'Request %s leader-forwarding timeout expired, this node is the leader, stop send heartbeat message', 'SmartBFT internal/bft/controller.go:293 c.Logger.Infof'),
  e('requestComplain', CONSENSUS, 'OnLeaderFwdRequestTimeout', 'WARN', 'Request %s leader-forwarding timeout expired, complaining about leader: %d', 'SmartBFT internal/bft/controller.go:298 c.Logger.Warnf'),
  e('syncEmptyMetadata', CONSENSUS, 'sync', 'INFO', 'Synchronizer returned with an empty proposal metadata', 'SmartBFT internal/bft/controller.go:616 c.Logger.Infof'),
  e('syncSequence', CONSENSUS, 'sync', 'INFO', 'Synchronizer returned with sequence %d while the controller is at sequence %d', 'SmartBFT internal/bft/controller.go:638 c.Logger.Infof'),
  e('syncView', CONSENSUS, 'sync', 'INFO', 'Synchronizer returned with view number %d while the controller is at view number %d', 'SmartBFT internal/bft/controller.go:647 c.Logger.Infof'),
  e('fetchStateFailed', CONSENSUS, 'sync', 'INFO', 'Fetching state failed', 'SmartBFT internal/bft/controller.go:653 c.Logger.Infof'),
  e('collectedState', CONSENSUS, 'sync', 'INFO', 'Node %d collected state with view %d and sequence %d', 'SmartBFT internal/bft/controller.go:663 c.Logger.Infof'),
  e('syncedKeepInFlight', CONSENSUS, 'maybePruneInFlight', 'INFO', 'In-flight sequence is %d but latest committed sequence is %d, will not delete in-flight', 'SmartBFT internal/bft/controller.go:708 c.Logger.Infof'),
  e('syncedDeleteInFlight', CONSENSUS, 'maybePruneInFlight', 'INFO', 'Synced to sequence %d, deleting in-flight as it is stale', 'SmartBFT internal/bft/controller.go:714 c.Logger.Infof'),
  e('viewChanged', CONSENSUS, 'ViewChanged', 'DEBU', 'ViewChanged, the new view is %d', 'SmartBFT internal/bft/controller.go:476 c.Logger.Debugf'),
  // heartbeatmonitor.go
  e('changeRole', CONSENSUS, 'ChangeRole', 'INFO', 'Changing to %s role, current view: %d, current leader: %d', 'SmartBFT internal/bft/heartbeatmonitor.go:185 hm.logger.Infof'),
  e('stopLeaderSendMsg', CONSENSUS, 'StopLeaderSendMsg', 'INFO', 'Changing role to follower without change current view and current leader', 'SmartBFT internal/bft/heartbeatmonitor.go:163 hm.logger.Infof'),
  e('heartbeatTimeout', CONSENSUS, 'followerTick', 'WARN', 'Heartbeat timeout (%v) from %d expired; last heartbeat was observed %s ago', 'SmartBFT internal/bft/heartbeatmonitor.go:386 hm.logger.Warnf'),
  e('behindSync', CONSENSUS, 'followerTick', 'WARN', 'Syncing since the follower with seq %d is behind the leader for the last %d ticks', 'SmartBFT internal/bft/heartbeatmonitor.go:401 hm.logger.Warnf'),
  e('heartbeatResponseSync', CONSENSUS, 'handleHeartBeatResponse', 'INFO', 'Received HeartBeatResponse triggered a call to HeartBeatEventHandler Sync, view: %d', 'SmartBFT internal/bft/heartbeatmonitor.go:282 hm.logger.Infof'),
  // statecollector.go
  e('collectorTimeout', CONSENSUS, 'CollectStateResponses', 'INFO', 'Node %d reached the state collector timeout', 'SmartBFT internal/bft/statecollector.go:90 s.Logger.Infof'),
  e('collectorValid', CONSENSUS, 'CollectStateResponses', 'INFO', 'Node %d collected a valid state: view - %d and seq - %d', 'SmartBFT internal/bft/statecollector.go:96 s.Logger.Infof'),
  // view.go
  e('processedProposal', CONSENSUS, 'processProposal', 'INFO', 'Processed proposal with seq %d', 'SmartBFT internal/bft/view.go:426 v.Logger.Infof'),
  e('collectedPrepares', CONSENSUS, 'processPrepares', 'INFO', '%d collected %d prepares from %v', 'SmartBFT internal/bft/view.go:464 v.Logger.Infof'),
  e('processedPrepares', CONSENSUS, 'processPrepares', 'INFO', 'Processed prepares for proposal with seq %d', 'SmartBFT internal/bft/view.go:516 v.Logger.Infof'),
  e('collectedCommits', CONSENSUS, 'processCommits', 'INFO', '%d collected %d commits from %v', 'SmartBFT internal/bft/view.go:549 v.Logger.Infof'),
  e('processedCommits', CONSENSUS, 'prepared', 'INFO', '%d processed commits for proposal with seq %d', 'SmartBFT internal/bft/view.go:336 v.Logger.Infof'),
  e('decide', CONSENSUS, 'decide', 'INFO', 'Deciding on seq %d', 'SmartBFT internal/bft/view.go:853 v.Logger.Infof'),
  e('startNextSeq', CONSENSUS, 'startNextSeq', 'INFO', 'Sequence: %d-->%d', 'SmartBFT internal/bft/view.go:872 v.Logger.Infof'),
  e('wrongView', CONSENSUS, 'processMsg', 'WARN', '%d got message %v from %d of view %d, expected view %d', 'SmartBFT internal/bft/view.go:204 v.Logger.Warnf'),
  e('badProposal', CONSENSUS, 'processProposal', 'WARN', '%d received bad proposal from %d: %v', 'SmartBFT internal/bft/view.go:389 v.Logger.Warnf'),
  e('seenVotes', CONSENSUS, 'discoverIfSyncNeeded', 'WARN', 'Seen %d votes for digest %s in view %d, sequence %d but I am in view %d and seq %d', 'SmartBFT internal/bft/view.go:813 v.Logger.Warnf'),
  e('wrongSeq', CONSENSUS, 'processMsg', 'INFO', '%d got message from %d with sequence %d but our sequence is %d', 'SmartBFT internal/bft/view.go:226 v.Logger.Infof'),
  // state.go
  e('nothingToRestore', CONSENSUS, 'Restore', 'INFO', 'Nothing to restore', 'SmartBFT internal/bft/state.go:121 ps.Logger.Infof'),
  e('walContains', CONSENSUS, 'Restore', 'INFO', 'WAL contains %d entries', 'SmartBFT internal/bft/state.go:125 ps.Logger.Infof'),
  e('restoredProposal', CONSENSUS, 'recoverProposed', 'INFO', 'Restored proposal with sequence %d', 'SmartBFT internal/bft/state.go:180 ps.Logger.Infof'),
  e('restoredPrepared', CONSENSUS, 'recoverPrepared', 'INFO', 'Restored proposal with sequence %d', 'SmartBFT internal/bft/state.go:245 ps.Logger.Infof'),
  e('restoreLastIsNewView', CONSENSUS, 'Restore', 'INFO', 'last entry in WAL is a newView record', 'SmartBFT internal/bft/state.go:143 ps.Logger.Infof'),
  e('restoreLastIsViewChange', CONSENSUS, 'Restore', 'INFO', 'last entry in WAL is a viewChange message', 'SmartBFT internal/bft/state.go:148 ps.Logger.Infof'),
  e('safelyCommitted', CONSENSUS, 'recoverPrepared', 'INFO', 'Last proposal with sequence %d has been safely committed', 'SmartBFT internal/bft/state.go:209 ps.Logger.Infof'),
  e('lastIsNewView', CONSENSUS, 'LoadNewViewIfApplicable', 'INFO', 'last entry in WAL is a newView record', 'SmartBFT internal/bft/state.go:90 ps.Logger.Infof'),
  e('lastIsViewChange', CONSENSUS, 'LoadViewChangeIfApplicable', 'INFO', 'last entry in WAL is a viewChange message', 'SmartBFT internal/bft/state.go:109 ps.Logger.Infof'),
  e('nothingToRestoreNewView', CONSENSUS, 'LoadNewViewIfApplicable', 'INFO', 'Nothing to restore', 'SmartBFT internal/bft/state.go:80 ps.Logger.Infof'),
  e('nothingToRestoreViewChange', CONSENSUS, 'LoadViewChangeIfApplicable', 'INFO', 'Nothing to restore', 'SmartBFT internal/bft/state.go:99 ps.Logger.Infof'),
  // viewchanger.go
  e('startedViewChange', CONSENSUS, 'startViewChange', 'DEBU', 'Node %d started view change, last view is %d', 'SmartBFT internal/bft/viewchanger.go:385 v.Logger.Debugf'),
  e('joiningViewChange', CONSENSUS, 'processViewChangeMsg', 'DEBU', 'Node %d is joining view change, last view is %d', 'SmartBFT internal/bft/viewchanger.go:395 v.Logger.Debugf'),
  e('inFlightCommittedDuringViewChange', CONSENSUS, 'getInFlight', 'INFO', "Node %d's in flight proposal sequence is %d while already committed decision %d, but that is because it committed it during the view change", 'SmartBFT internal/bft/viewchanger.go:494 v.Logger.Infof'),
  e('sentViewData', CONSENSUS, 'processViewChangeMsg', 'DEBU', 'Node %d sent view data msg, with next view %d, to the new leader %d', 'SmartBFT internal/bft/viewchanger.go:430 v.Logger.Debugf'),
  e('quorumViewData', CONSENSUS, 'processViewDataMsg', 'DEBU', 'Node %d got a quorum of viewData messages', 'SmartBFT internal/bft/viewchanger.go:751 v.Logger.Debugf'),
  e('broadcastNewView', CONSENSUS, 'processViewDataMsg', 'DEBU', 'Node %d is broadcasting a new view msg', 'SmartBFT internal/bft/viewchanger.go:779 v.Logger.Debugf'),
  e('informNewView', CONSENSUS, 'informNewView', 'DEBU', 'Node %d was informed of a new view %d', 'SmartBFT internal/bft/viewchanger.go:340 v.Logger.Debugf'),
  e('wrongViewChange', CONSENSUS, 'processMsg', 'WARN', 'Node %d got viewChange message %v from %d with view %d, expected view %d', 'SmartBFT internal/bft/viewchanger.go:299 v.Logger.Warnf'),
  e('wrongNewViewSender', CONSENSUS, 'processMsg', 'WARN', 'Node %d got newView message %v from %d, expected sender to be %d the next leader', 'SmartBFT internal/bft/viewchanger.go:319 v.Logger.Warnf'),
  e('viewDataNotNextLeader', CONSENSUS, 'validateViewDataMsg', 'WARN', 'Node %d got %s from %d, but %d is not the next leader of view %d', 'SmartBFT internal/bft/viewchanger.go:503 v.Logger.Warnf'),
  e('viewDataWrongView', CONSENSUS, 'validateViewDataMsg', 'WARN', 'Node %d got %s from %d, but %d is in view %d', 'SmartBFT internal/bft/viewchanger.go:513 v.Logger.Warnf'),
  e('viewDataLastDecisionFailed', CONSENSUS, 'validateViewDataMsg', 'WARN', "Node %d got %v from %d, but the check of the last decision didn't pass", 'SmartBFT internal/bft/viewchanger.go:519 v.Logger.Warnf'),
  e('newViewInvalid', CONSENSUS, 'processNewViewMsg', 'WARN', 'Node %d is processing a newView message, but the message is invalid', 'SmartBFT internal/bft/viewchanger.go:1117 v.Logger.Warnf'),
  e('helpLaggingViewChange', CONSENSUS, 'processMsg', 'WARN', 'Node %d got viewChange message %v from %d with view %d, expected view %d, help the lagging nodes', 'SmartBFT internal/bft/viewchanger.go:296 v.Logger.Warnf'),
  e('inFlightWaitTwoTicks', CONSENSUS, 'commitInFlightProposal', 'DEBU', 'Waiting two ticks before starting in-flight view', 'SmartBFT internal/bft/viewchanger.go:1275 v.Logger.Debugf'),
  e('inFlightViewStarted', CONSENSUS, 'commitInFlightProposal', 'DEBU', 'Node %d started a view %d for the in flight proposal', 'SmartBFT internal/bft/viewchanger.go:1284 v.Logger.Debugf'),
  e('inFlightAskedToSync', CONSENSUS, 'commitInFlightProposal', 'INFO', 'In-flight view %d with latest sequence %d has asked to sync', 'SmartBFT internal/bft/viewchanger.go:1293 v.Logger.Infof'),
  e('inFlightTimeout', CONSENSUS, 'commitInFlightProposal', 'INFO', 'Timeout expired waiting on In-flight %d with latest sequence view to commit %d', 'SmartBFT internal/bft/viewchanger.go:1298 v.Logger.Infof'),
  e('inFlightUnable', CONSENSUS, 'processNewViewMsg', 'WARN', 'Node %d was unable to commit the in flight proposal, not changing the view', 'SmartBFT internal/bft/viewchanger.go:1135 v.Logger.Warnf'),
  e('inFlightCommitted', CONSENSUS, 'commitInFlightProposal', 'INFO', 'In-flight view %d with latest sequence %d has committed a decision', 'SmartBFT internal/bft/viewchanger.go:1290 v.Logger.Infof'),
  // pkg/wal
  e('walInitialized', CHAIN, 'InitializeAndReadAll', 'INFO', 'Write-Ahead-Log initialized successfully, initial state contains %d entries', 'SmartBFT pkg/wal/writeaheadlog.go:803 logger.Infof'),
  // Fabric: orderer/consensus/smartbft
  e('deliver', CHAIN, 'Deliver', 'INFO', 'Delivering proposal, writing block %d with %d transactions and metadata of total size %d with signatures from %v to the ledger, node id %d', 'orderer/consensus/smartbft/chain.go:418 c.Logger.Infof'),
  e('servicingChain', CHAIN, 'NewChain', 'INFO', 'SmartBFT-v3 is now servicing chain', 'orderer/consensus/smartbft/chain.go:174 logger.Infof'),
  e('initializingWal', CHAIN, 'bftSmartConsensusBuild', 'INFO', 'Initializing a WAL for chain %s, on dir: %s', 'orderer/consensus/smartbft/chain.go:197 c.Logger.Infof'),
  e('localConsenterId', CONSENTER, 'HandleChain', 'INFO', 'Local consenter id is %d', 'orderer/consensus/smartbft/consenter.go:188 c.Logger.Infof'),
  e('bftSyncInitiated', CHAIN, 'Sync', 'DEBU', 'BFT Sync initiated', 'orderer/consensus/smartbft/synchronizer_bft.go:48 s.Logger.Debug'),
  e('heightsByEndpoints', CHAIN, 'detectTargetHeight', 'INFO', 'HeightsByEndpoints: %+v, my endpoint: %s', 'orderer/consensus/smartbft/synchronizer_bft.go:144 s.Logger.Infof'),
  e('targetHeight', CHAIN, 'detectTargetHeight', 'INFO', 'Detected target height: %d', 'orderer/consensus/smartbft/synchronizer_bft.go:157 s.Logger.Infof'),
  e('finishedSync', CHAIN, 'getBlocksFromSyncBuffer', 'INFO', 'Finished synchronizing with cluster, fetched %d blocks, starting from block [%d], up until and including block [%d]', 'orderer/consensus/smartbft/synchronizer_bft.go:277 s.Logger.Infof'),
  e('returningDecision', CHAIN, 'synchronize', 'INFO', 'Returning decision from block [%d], decision: %+v', 'orderer/consensus/smartbft/synchronizer_bft.go:122 s.Logger.Infof'),
  e('syncFailed', CHAIN, 'Sync', 'WARN', 'Could not synchronize with remote orderers due to %s, returning state from local ledger', 'orderer/consensus/smartbft/synchronizer_bft.go:51 s.Logger.Warnf'),
  e('fetchedBlock', CHAIN, 'getBlocksFromSyncBuffer', 'DEBU', 'Fetched and committed block [%d] from cluster', 'orderer/consensus/smartbft/synchronizer_bft.go:259 s.Logger.Debugf'),
];

export const SMARTBFT_LOGS: LogFormat[] = ENTRIES;

type Short<T> = T extends `smartbft.${infer K}` ? K : never;
/** The kind of every line in the catalog, without its `smartbft.` prefix: what `Io.log` takes. */
export type SmartBftLogKind = Short<(typeof ENTRIES)[number]['kind']>;
