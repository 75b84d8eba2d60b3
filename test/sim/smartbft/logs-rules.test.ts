/**
 * logs.ts, entry by entry: every template is the Go log call it cites. Each row below is a
 * log call read in SmartBFT v1.0.1 or Fabric v3.1.5 (file and line, each checked on
 * 2026-12-03): the format string as written there, the function around the call (what
 * Fabric's `%{shortfunc}` prints) and the call (`c.Logger.Infof`). The level follows from
 * the call, and the logger module from the file, by how Fabric wires SmartBFT's loggers
 * (below).
 */
import { describe, expect, it, vi } from 'vitest';
import type { Level, LogFormat } from '../../../src/shared/log-format.ts';

/**
 * The logger a Go file's calls go through (Fabric v3.1.5 orderer/consensus/smartbft):
 * chain.go:223-233 gives SmartBFT's `Consensus` (internal/bft) the
 * `orderer.consensus.smartbft.consensus` logger; chain.go:111 makes the chain's
 * `orderer.consensus.smartbft.chain` logger, which chain.go itself, the WAL
 * (chain.go:200 `wal.InitializeAndReadAll(c.Logger, ...)`) and the synchronizer
 * (chain.go:210-211 `CreateSynchronizer(c.Logger, ...)`) print with; consenter.go:91 is
 * `orderer.consensus.smartbft`.
 */
function moduleOf(file: string): string {
  if (file.startsWith('SmartBFT internal/bft/')) return 'orderer.consensus.smartbft.consensus';
  if (file.startsWith('SmartBFT pkg/wal/') || file === 'orderer/consensus/smartbft/chain.go' || file === 'orderer/consensus/smartbft/synchronizer_bft.go') return 'orderer.consensus.smartbft.chain';
  if (file === 'orderer/consensus/smartbft/consenter.go') return 'orderer.consensus.smartbft';
  throw new Error(`no logger known for ${file}`);
}

/** The level a flogging call prints at (`Debugf` and `Debug` at DEBU, and so on). */
function levelOf(call: string): Level {
  const method = call.slice(call.lastIndexOf('.') + 1).replace(/f$/, '');
  const level = ({ Debug: 'DEBU', Info: 'INFO', Warn: 'WARN' } as const)[method as 'Debug' | 'Info' | 'Warn'];
  if (level === undefined) throw new Error(`no level known for ${call}`);
  return level;
}

/** [kind without `smartbft.`, the Go function around the call, `<file>:<line> <call>`, the format string]. */
const GO_CALLS: readonly (readonly [string, string, string, string])[] = [
  // controller.go
  ['startView', 'startView', 'SmartBFT internal/bft/controller.go:404 c.Logger.Infof', 'Starting view with number %d, sequence %d, and decisions %d'],
  ['heartbeatTimeoutComplain', 'OnHeartbeatTimeout', 'SmartBFT internal/bft/controller.go:325 c.Logger.Warnf', 'Heartbeat timeout expired, complaining about leader: %d'],
  ['heartbeatTimeoutIgnored', 'OnHeartbeatTimeout', 'SmartBFT internal/bft/controller.go:321 c.Logger.Warnf', 'Heartbeat timeout expired, but current leader: %d, differs from reported leader: %d; ignoring'],
  ['requestForward', 'OnRequestTimeout', 'SmartBFT internal/bft/controller.go:284 c.Logger.Infof', 'Request %s timeout expired, forwarding request to leader: %d'],
  ['requestLeaderNothing', 'OnRequestTimeout', 'SmartBFT internal/bft/controller.go:280 c.Logger.Infof', 'Request %s timeout expired, this node is the leader, nothing to do'],
  ['requestLeaderStopHeartbeat', 'OnLeaderFwdRequestTimeout', 'SmartBFT internal/bft/controller.go:293 c.Logger.Infof', 'Request %s leader-forwarding timeout expired, this node is the leader, stop send heartbeat message'],
  ['requestComplain', 'OnLeaderFwdRequestTimeout', 'SmartBFT internal/bft/controller.go:298 c.Logger.Warnf', 'Request %s leader-forwarding timeout expired, complaining about leader: %d'],
  ['syncEmptyMetadata', 'sync', 'SmartBFT internal/bft/controller.go:616 c.Logger.Infof', 'Synchronizer returned with an empty proposal metadata'],
  ['syncSequence', 'sync', 'SmartBFT internal/bft/controller.go:638 c.Logger.Infof', 'Synchronizer returned with sequence %d while the controller is at sequence %d'],
  ['syncView', 'sync', 'SmartBFT internal/bft/controller.go:647 c.Logger.Infof', 'Synchronizer returned with view number %d while the controller is at view number %d'],
  ['fetchStateFailed', 'sync', 'SmartBFT internal/bft/controller.go:653 c.Logger.Infof', 'Fetching state failed'],
  ['collectedState', 'sync', 'SmartBFT internal/bft/controller.go:663 c.Logger.Infof', 'Node %d collected state with view %d and sequence %d'],
  ['syncedKeepInFlight', 'maybePruneInFlight', 'SmartBFT internal/bft/controller.go:708 c.Logger.Infof', 'In-flight sequence is %d but latest committed sequence is %d, will not delete in-flight'],
  ['syncedDeleteInFlight', 'maybePruneInFlight', 'SmartBFT internal/bft/controller.go:714 c.Logger.Infof', 'Synced to sequence %d, deleting in-flight as it is stale'],
  ['viewChanged', 'ViewChanged', 'SmartBFT internal/bft/controller.go:476 c.Logger.Debugf', 'ViewChanged, the new view is %d'],
  // heartbeatmonitor.go
  ['changeRole', 'ChangeRole', 'SmartBFT internal/bft/heartbeatmonitor.go:185 hm.logger.Infof', 'Changing to %s role, current view: %d, current leader: %d'],
  ['stopLeaderSendMsg', 'StopLeaderSendMsg', 'SmartBFT internal/bft/heartbeatmonitor.go:163 hm.logger.Infof', 'Changing role to follower without change current view and current leader'],
  ['heartbeatTimeout', 'followerTick', 'SmartBFT internal/bft/heartbeatmonitor.go:386 hm.logger.Warnf', 'Heartbeat timeout (%v) from %d expired; last heartbeat was observed %s ago'],
  ['behindSync', 'followerTick', 'SmartBFT internal/bft/heartbeatmonitor.go:401 hm.logger.Warnf', 'Syncing since the follower with seq %d is behind the leader for the last %d ticks'],
  ['heartbeatResponseSync', 'handleHeartBeatResponse', 'SmartBFT internal/bft/heartbeatmonitor.go:282 hm.logger.Infof', 'Received HeartBeatResponse triggered a call to HeartBeatEventHandler Sync, view: %d'],
  // statecollector.go
  ['collectorTimeout', 'CollectStateResponses', 'SmartBFT internal/bft/statecollector.go:90 s.Logger.Infof', 'Node %d reached the state collector timeout'],
  ['collectorValid', 'CollectStateResponses', 'SmartBFT internal/bft/statecollector.go:96 s.Logger.Infof', 'Node %d collected a valid state: view - %d and seq - %d'],
  // view.go
  ['processedProposal', 'processProposal', 'SmartBFT internal/bft/view.go:426 v.Logger.Infof', 'Processed proposal with seq %d'],
  ['collectedPrepares', 'processPrepares', 'SmartBFT internal/bft/view.go:464 v.Logger.Infof', '%d collected %d prepares from %v'],
  ['processedPrepares', 'processPrepares', 'SmartBFT internal/bft/view.go:516 v.Logger.Infof', 'Processed prepares for proposal with seq %d'],
  ['collectedCommits', 'processCommits', 'SmartBFT internal/bft/view.go:549 v.Logger.Infof', '%d collected %d commits from %v'],
  ['processedCommits', 'prepared', 'SmartBFT internal/bft/view.go:336 v.Logger.Infof', '%d processed commits for proposal with seq %d'],
  ['decide', 'decide', 'SmartBFT internal/bft/view.go:853 v.Logger.Infof', 'Deciding on seq %d'],
  ['startNextSeq', 'startNextSeq', 'SmartBFT internal/bft/view.go:872 v.Logger.Infof', 'Sequence: %d-->%d'],
  ['wrongView', 'processMsg', 'SmartBFT internal/bft/view.go:204 v.Logger.Warnf', '%d got message %v from %d of view %d, expected view %d'],
  ['badProposal', 'processProposal', 'SmartBFT internal/bft/view.go:389 v.Logger.Warnf', '%d received bad proposal from %d: %v'],
  ['seenVotes', 'discoverIfSyncNeeded', 'SmartBFT internal/bft/view.go:813 v.Logger.Warnf', 'Seen %d votes for digest %s in view %d, sequence %d but I am in view %d and seq %d'],
  ['wrongSeq', 'processMsg', 'SmartBFT internal/bft/view.go:226 v.Logger.Infof', '%d got message from %d with sequence %d but our sequence is %d'],
  // state.go
  ['nothingToRestore', 'Restore', 'SmartBFT internal/bft/state.go:121 ps.Logger.Infof', 'Nothing to restore'],
  ['walContains', 'Restore', 'SmartBFT internal/bft/state.go:125 ps.Logger.Infof', 'WAL contains %d entries'],
  ['restoredProposal', 'recoverProposed', 'SmartBFT internal/bft/state.go:180 ps.Logger.Infof', 'Restored proposal with sequence %d'],
  ['restoredPrepared', 'recoverPrepared', 'SmartBFT internal/bft/state.go:245 ps.Logger.Infof', 'Restored proposal with sequence %d'],
  ['restoreLastIsNewView', 'Restore', 'SmartBFT internal/bft/state.go:143 ps.Logger.Infof', 'last entry in WAL is a newView record'],
  ['restoreLastIsViewChange', 'Restore', 'SmartBFT internal/bft/state.go:148 ps.Logger.Infof', 'last entry in WAL is a viewChange message'],
  ['safelyCommitted', 'recoverPrepared', 'SmartBFT internal/bft/state.go:209 ps.Logger.Infof', 'Last proposal with sequence %d has been safely committed'],
  ['lastIsNewView', 'LoadNewViewIfApplicable', 'SmartBFT internal/bft/state.go:90 ps.Logger.Infof', 'last entry in WAL is a newView record'],
  ['lastIsViewChange', 'LoadViewChangeIfApplicable', 'SmartBFT internal/bft/state.go:109 ps.Logger.Infof', 'last entry in WAL is a viewChange message'],
  ['nothingToRestoreNewView', 'LoadNewViewIfApplicable', 'SmartBFT internal/bft/state.go:80 ps.Logger.Infof', 'Nothing to restore'],
  ['nothingToRestoreViewChange', 'LoadViewChangeIfApplicable', 'SmartBFT internal/bft/state.go:99 ps.Logger.Infof', 'Nothing to restore'],
  // viewchanger.go
  ['startedViewChange', 'startViewChange', 'SmartBFT internal/bft/viewchanger.go:385 v.Logger.Debugf', 'Node %d started view change, last view is %d'],
  ['joiningViewChange', 'processViewChangeMsg', 'SmartBFT internal/bft/viewchanger.go:395 v.Logger.Debugf', 'Node %d is joining view change, last view is %d'],
  ['inFlightCommittedDuringViewChange', 'getInFlight', 'SmartBFT internal/bft/viewchanger.go:494 v.Logger.Infof', "Node %d's in flight proposal sequence is %d while already committed decision %d, but that is because it committed it during the view change"],
  ['sentViewData', 'processViewChangeMsg', 'SmartBFT internal/bft/viewchanger.go:430 v.Logger.Debugf', 'Node %d sent view data msg, with next view %d, to the new leader %d'],
  ['quorumViewData', 'processViewDataMsg', 'SmartBFT internal/bft/viewchanger.go:751 v.Logger.Debugf', 'Node %d got a quorum of viewData messages'],
  ['broadcastNewView', 'processViewDataMsg', 'SmartBFT internal/bft/viewchanger.go:779 v.Logger.Debugf', 'Node %d is broadcasting a new view msg'],
  ['informNewView', 'informNewView', 'SmartBFT internal/bft/viewchanger.go:340 v.Logger.Debugf', 'Node %d was informed of a new view %d'],
  ['wrongViewChange', 'processMsg', 'SmartBFT internal/bft/viewchanger.go:299 v.Logger.Warnf', 'Node %d got viewChange message %v from %d with view %d, expected view %d'],
  ['wrongNewViewSender', 'processMsg', 'SmartBFT internal/bft/viewchanger.go:319 v.Logger.Warnf', 'Node %d got newView message %v from %d, expected sender to be %d the next leader'],
  ['viewDataNotNextLeader', 'validateViewDataMsg', 'SmartBFT internal/bft/viewchanger.go:503 v.Logger.Warnf', 'Node %d got %s from %d, but %d is not the next leader of view %d'],
  ['viewDataWrongView', 'validateViewDataMsg', 'SmartBFT internal/bft/viewchanger.go:513 v.Logger.Warnf', 'Node %d got %s from %d, but %d is in view %d'],
  ['viewDataLastDecisionFailed', 'validateViewDataMsg', 'SmartBFT internal/bft/viewchanger.go:519 v.Logger.Warnf', "Node %d got %v from %d, but the check of the last decision didn't pass"],
  ['newViewInvalid', 'processNewViewMsg', 'SmartBFT internal/bft/viewchanger.go:1117 v.Logger.Warnf', 'Node %d is processing a newView message, but the message is invalid'],
  ['helpLaggingViewChange', 'processMsg', 'SmartBFT internal/bft/viewchanger.go:296 v.Logger.Warnf', 'Node %d got viewChange message %v from %d with view %d, expected view %d, help the lagging nodes'],
  ['inFlightWaitTwoTicks', 'commitInFlightProposal', 'SmartBFT internal/bft/viewchanger.go:1275 v.Logger.Debugf', 'Waiting two ticks before starting in-flight view'],
  ['inFlightViewStarted', 'commitInFlightProposal', 'SmartBFT internal/bft/viewchanger.go:1284 v.Logger.Debugf', 'Node %d started a view %d for the in flight proposal'],
  ['inFlightAskedToSync', 'commitInFlightProposal', 'SmartBFT internal/bft/viewchanger.go:1293 v.Logger.Infof', 'In-flight view %d with latest sequence %d has asked to sync'],
  ['inFlightTimeout', 'commitInFlightProposal', 'SmartBFT internal/bft/viewchanger.go:1298 v.Logger.Infof', 'Timeout expired waiting on In-flight %d with latest sequence view to commit %d'],
  ['inFlightUnable', 'processNewViewMsg', 'SmartBFT internal/bft/viewchanger.go:1135 v.Logger.Warnf', 'Node %d was unable to commit the in flight proposal, not changing the view'],
  ['inFlightCommitted', 'commitInFlightProposal', 'SmartBFT internal/bft/viewchanger.go:1290 v.Logger.Infof', 'In-flight view %d with latest sequence %d has committed a decision'],
  // pkg/wal
  ['walInitialized', 'InitializeAndReadAll', 'SmartBFT pkg/wal/writeaheadlog.go:803 logger.Infof', 'Write-Ahead-Log initialized successfully, initial state contains %d entries'],
  // Fabric: orderer/consensus/smartbft
  ['deliver', 'Deliver', 'orderer/consensus/smartbft/chain.go:418 c.Logger.Infof', 'Delivering proposal, writing block %d with %d transactions and metadata of total size %d with signatures from %v to the ledger, node id %d'],
  ['servicingChain', 'NewChain', 'orderer/consensus/smartbft/chain.go:174 logger.Infof', 'SmartBFT-v3 is now servicing chain'],
  ['initializingWal', 'bftSmartConsensusBuild', 'orderer/consensus/smartbft/chain.go:197 c.Logger.Infof', 'Initializing a WAL for chain %s, on dir: %s'],
  ['localConsenterId', 'HandleChain', 'orderer/consensus/smartbft/consenter.go:188 c.Logger.Infof', 'Local consenter id is %d'],
  ['bftSyncInitiated', 'Sync', 'orderer/consensus/smartbft/synchronizer_bft.go:48 s.Logger.Debug', 'BFT Sync initiated'],
  ['heightsByEndpoints', 'detectTargetHeight', 'orderer/consensus/smartbft/synchronizer_bft.go:144 s.Logger.Infof', 'HeightsByEndpoints: %+v, my endpoint: %s'],
  ['targetHeight', 'detectTargetHeight', 'orderer/consensus/smartbft/synchronizer_bft.go:157 s.Logger.Infof', 'Detected target height: %d'],
  ['finishedSync', 'getBlocksFromSyncBuffer', 'orderer/consensus/smartbft/synchronizer_bft.go:277 s.Logger.Infof', 'Finished synchronizing with cluster, fetched %d blocks, starting from block [%d], up until and including block [%d]'],
  ['returningDecision', 'synchronize', 'orderer/consensus/smartbft/synchronizer_bft.go:122 s.Logger.Infof', 'Returning decision from block [%d], decision: %+v'],
  ['syncFailed', 'Sync', 'orderer/consensus/smartbft/synchronizer_bft.go:51 s.Logger.Warnf', 'Could not synchronize with remote orderers due to %s, returning state from local ledger'],
  ['fetchedBlock', 'getBlocksFromSyncBuffer', 'orderer/consensus/smartbft/synchronizer_bft.go:259 s.Logger.Debugf', 'Fetched and committed block [%d] from cluster'],
];

/**
 * The catalog from a fresh copy of logs.ts. It is built when the module loads, and a
 * mutation run (docs/testing.md) switches a mutant on before each test file in one worker
 * that keeps its modules; loading the module again here is what lets such a run see a
 * mutated entry.
 */
async function freshCatalog(): Promise<LogFormat[]> {
  vi.resetModules();
  return (await import('../../../src/sim/smartbft/logs.ts')).SMARTBFT_LOGS;
}

describe("SmartBFT's log catalog (logs.ts) against the Go log calls", () => {
  it('every template is its Go call: format string, function (shortfunc), level of the call, logger module', async () => {
    const expected = GO_CALLS.map(([kind, func, source, format]) => {
      const at = /^(.+\.go):\d+ ([\w.]+)$/.exec(source);
      if (at === null) throw new Error(`bad citation ${source}`);
      return { kind: `smartbft.${kind}`, module: moduleOf(at[1] ?? ''), func, level: levelOf(at[2] ?? ''), format, source };
    });
    expect(await freshCatalog()).toStrictEqual(expected);
  });
});
