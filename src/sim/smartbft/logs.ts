/**
 * SmartBFT's log catalog as Fabric 3.x prints it: verbatim Go format strings, the Fabric
 * logger module each goes through, the Go function (`shortfunc`) and the level
 * (reference section 5). Library logs go through `orderer.consensus.smartbft.consensus`;
 * BFTChain, the synchronizer and WAL init through `orderer.consensus.smartbft.chain`.
 */
import type { Level, LogFormat } from '../logs/format.ts';

const CONSENSUS = 'orderer.consensus.smartbft.consensus';
const CHAIN = 'orderer.consensus.smartbft.chain';
const CONSENTER = 'orderer.consensus.smartbft';

function e(kind: string, module: string, func: string, level: Level, format: string): LogFormat {
  return { kind: `smartbft.${kind}`, module, func, level, format };
}

export const SMARTBFT_LOGS: LogFormat[] = [
  // controller.go
  e('startView', CONSENSUS, 'startView', 'INFO', 'Starting view with number %d, sequence %d, and decisions %d'),
  e('heartbeatTimeoutComplain', CONSENSUS, 'OnHeartbeatTimeout', 'WARN', 'Heartbeat timeout expired, complaining about leader: %d'),
  e('heartbeatTimeoutIgnored', CONSENSUS, 'OnHeartbeatTimeout', 'WARN', 'Heartbeat timeout expired, but current leader: %d, differs from reported leader: %d; ignoring'),
  e('requestForward', CONSENSUS, 'OnRequestTimeout', 'INFO', 'Request %s timeout expired, forwarding request to leader: %d'),
  e('requestLeaderNothing', CONSENSUS, 'OnRequestTimeout', 'INFO', 'Request %s timeout expired, this node is the leader, nothing to do'),
  e('requestLeaderStopHeartbeat', CONSENSUS, 'OnLeaderFwdRequestTimeout', 'INFO', 'Request %s leader-forwarding timeout expired, this node is the leader, stop send heartbeat message'),
  e('requestComplain', CONSENSUS, 'OnLeaderFwdRequestTimeout', 'WARN', 'Request %s leader-forwarding timeout expired, complaining about leader: %d'),
  e('syncEmptyMetadata', CONSENSUS, 'sync', 'INFO', 'Synchronizer returned with an empty proposal metadata'),
  e('syncSequence', CONSENSUS, 'sync', 'INFO', 'Synchronizer returned with sequence %d while the controller is at sequence %d'),
  e('syncView', CONSENSUS, 'sync', 'INFO', 'Synchronizer returned with view number %d while the controller is at view number %d'),
  e('fetchStateFailed', CONSENSUS, 'sync', 'INFO', 'Fetching state failed'),
  e('collectedState', CONSENSUS, 'sync', 'INFO', 'Node %d collected state with view %d and sequence %d'),
  e('syncedDeleteInFlight', CONSENSUS, 'sync', 'INFO', 'Synced to sequence %d, deleting in-flight as it is stale'),
  e('viewChanged', CONSENSUS, 'ViewChanged', 'DEBU', 'ViewChanged, the new view is %d'),
  // heartbeatmonitor.go
  e('changeRole', CONSENSUS, 'ChangeRole', 'INFO', 'Changing to %s role, current view: %d, current leader: %d'),
  e('stopLeaderSendMsg', CONSENSUS, 'StopLeaderSendMsg', 'INFO', 'Changing role to follower without change current view and current leader'),
  e('heartbeatTimeout', CONSENSUS, 'followerTick', 'WARN', 'Heartbeat timeout (%v) from %d expired; last heartbeat was observed %s ago'),
  e('behindSync', CONSENSUS, 'followerTick', 'WARN', 'Syncing since the follower with seq %d is behind the leader for the last %d ticks'),
  e('heartbeatResponseSync', CONSENSUS, 'handleHeartBeatResponse', 'INFO', 'Received HeartBeatResponse triggered a call to HeartBeatEventHandler Sync, view: %d'),
  // statecollector.go
  e('collectorTimeout', CONSENSUS, 'CollectStateResponses', 'INFO', 'Node %d reached the state collector timeout'),
  e('collectorValid', CONSENSUS, 'CollectStateResponses', 'INFO', 'Node %d collected a valid state: view - %d and seq - %d'),
  // view.go
  e('processedProposal', CONSENSUS, 'processProposal', 'INFO', 'Processed proposal with seq %d'),
  e('collectedPrepares', CONSENSUS, 'processPrepares', 'INFO', '%d collected %d prepares from %v'),
  e('processedPrepares', CONSENSUS, 'processPrepares', 'INFO', 'Processed prepares for proposal with seq %d'),
  e('collectedCommits', CONSENSUS, 'processCommits', 'INFO', '%d collected %d commits from %v'),
  e('processedCommits', CONSENSUS, 'prepared', 'INFO', '%d processed commits for proposal with seq %d'),
  e('decide', CONSENSUS, 'decide', 'INFO', 'Deciding on seq %d'),
  e('startNextSeq', CONSENSUS, 'startNextSeq', 'INFO', 'Sequence: %d-->%d'),
  e('wrongView', CONSENSUS, 'processMsg', 'WARN', '%d got message %v from %d of view %d, expected view %d'),
  e('badProposal', CONSENSUS, 'processProposal', 'WARN', '%d received bad proposal from %d: %v'),
  e('seenVotes', CONSENSUS, 'discoverIfSyncNeeded', 'WARN', 'Seen %d votes for digest %s in view %d, sequence %d but I am in view %d and seq %d'),
  e('wrongSeq', CONSENSUS, 'processMsg', 'INFO', '%d got message from %d with sequence %d but our sequence is %d'),
  // state.go
  e('nothingToRestore', CONSENSUS, 'Restore', 'INFO', 'Nothing to restore'),
  e('walContains', CONSENSUS, 'Restore', 'INFO', 'WAL contains %d entries'),
  e('restoredProposal', CONSENSUS, 'recoverProposed', 'INFO', 'Restored proposal with sequence %d'),
  e('safelyCommitted', CONSENSUS, 'recoverPrepared', 'INFO', 'Last proposal with sequence %d has been safely committed'),
  e('lastIsNewView', CONSENSUS, 'LoadNewViewIfApplicable', 'INFO', 'last entry in WAL is a newView record'),
  e('lastIsViewChange', CONSENSUS, 'LoadViewChangeIfApplicable', 'INFO', 'last entry in WAL is a viewChange message'),
  e('nothingToRestoreNewView', CONSENSUS, 'LoadNewViewIfApplicable', 'INFO', 'Nothing to restore'),
  e('nothingToRestoreViewChange', CONSENSUS, 'LoadViewChangeIfApplicable', 'INFO', 'Nothing to restore'),
  // viewchanger.go
  e('startedViewChange', CONSENSUS, 'startViewChange', 'DEBU', 'Node %d started view change, last view is %d'),
  e('joiningViewChange', CONSENSUS, 'processViewChangeMsg', 'DEBU', 'Node %d is joining view change, last view is %d'),
  e('sentViewData', CONSENSUS, 'processViewChangeMsg', 'DEBU', 'Node %d sent view data msg, with next view %d, to the new leader %d'),
  e('quorumViewData', CONSENSUS, 'processViewDataMsg', 'DEBU', 'Node %d got a quorum of viewData messages'),
  e('broadcastNewView', CONSENSUS, 'processViewDataMsg', 'DEBU', 'Node %d is broadcasting a new view msg'),
  e('informNewView', CONSENSUS, 'informNewView', 'DEBU', 'Node %d was informed of a new view %d'),
  e('wrongViewChange', CONSENSUS, 'processMsg', 'WARN', 'Node %d got viewChange message %v from %d with view %d, expected view %d'),
  e('wrongNewViewSender', CONSENSUS, 'processMsg', 'WARN', 'Node %d got newView message %v from %d, expected sender to be %d the next leader'),
  e('viewDataLastDecisionFailed', CONSENSUS, 'validateViewDataMsg', 'WARN', "Node %d got %v from %d, but the check of the last decision didn't pass"),
  e('helpLaggingViewChange', CONSENSUS, 'processMsg', 'WARN', 'Node %d got viewChange message %v from %d with view %d, expected view %d, help the lagging nodes'),
  e('inFlightWaitTwoTicks', CONSENSUS, 'commitInFlightProposal', 'DEBU', 'Waiting two ticks before starting in-flight view'),
  e('inFlightViewStarted', CONSENSUS, 'commitInFlightProposal', 'DEBU', 'Node %d started a view %d for the in flight proposal'),
  e('inFlightAskedToSync', CONSENSUS, 'commitInFlightProposal', 'INFO', 'In-flight view %d with latest sequence %d has asked to sync'),
  e('inFlightTimeout', CONSENSUS, 'commitInFlightProposal', 'INFO', 'Timeout expired waiting on In-flight %d with latest sequence view to commit %d'),
  e('inFlightUnable', CONSENSUS, 'processNewViewMsg', 'WARN', 'Node %d was unable to commit the in flight proposal, not changing the view'),
  e('inFlightCommitted', CONSENSUS, 'commitInFlightProposal', 'INFO', 'In-flight view %d with latest sequence %d has committed a decision'),
  // pkg/wal
  e('walInitialized', CHAIN, 'InitializeAndReadAll', 'INFO', 'Write-Ahead-Log initialized successfully, initial state contains %d entries'),
  // Fabric: orderer/consensus/smartbft
  e('deliver', CHAIN, 'Deliver', 'INFO', 'Delivering proposal, writing block %d with %d transactions and metadata of total size %d with signatures from %v to the ledger, node id %d'),
  e('servicingChain', CHAIN, 'NewChain', 'INFO', 'SmartBFT-v3 is now servicing chain'),
  e('initializingWal', CHAIN, 'bftSmartConsensusBuild', 'INFO', 'Initializing a WAL for chain %s, on dir: %s'),
  e('localConsenterId', CONSENTER, 'HandleChain', 'INFO', 'Local consenter id is %d'),
  e('bftSyncInitiated', CHAIN, 'Sync', 'DEBU', 'BFT Sync initiated'),
  e('heightsByEndpoints', CHAIN, 'detectTargetHeight', 'INFO', 'HeightsByEndpoints: %+v, my endpoint: %s'),
  e('targetHeight', CHAIN, 'detectTargetHeight', 'INFO', 'Detected target height: %d'),
  e('finishedSync', CHAIN, 'synchronize', 'INFO', 'Finished synchronizing with cluster, fetched %d blocks, starting from block [%d], up until and including block [%d]'),
  e('returningDecision', CHAIN, 'Sync', 'INFO', 'Returning decision from block [%d], decision: %+v'),
  e('syncFailed', CHAIN, 'Sync', 'WARN', 'Could not synchronize with remote orderers due to %s, returning state from local ledger'),
  e('fetchedBlock', CHAIN, 'getBlocksFromSyncBuffer', 'DEBU', 'Fetched and committed block [%d] from cluster'),
];

