/**
 * The etcdraft chain's log lines the model emits, verbatim from
 * `orderer/consensus/etcdraft/chain.go` (`serveRequest`) and `node.go` (`run`), logger
 * `orderer.consensus.etcdraft`.
 */
import type { LogFormat } from '../../shared/log-format.ts';

const MODULE = 'orderer.consensus.etcdraft';

export const RAFT_LOGS: LogFormat[] = [
  { kind: 'etcdraft.leaderChanged', module: MODULE, func: 'serveRequest', level: 'INFO', format: 'Raft leader changed: %d -> %d', source: 'orderer/consensus/etcdraft/chain.go:756 c.logger.Infof' },
  { kind: 'etcdraft.startAccepting', module: MODULE, func: 'serveRequest', level: 'INFO', format: 'Start accepting requests as Raft leader at block [%d]', source: 'orderer/consensus/etcdraft/chain.go:826 c.logger.Infof' },
  { kind: 'etcdraft.pickedToCampaign', module: MODULE, func: 'run', level: 'INFO', format: 'This node is picked to start campaign', source: 'orderer/consensus/etcdraft/node.go:107 n.logger.Infof' },
  { kind: 'etcdraft.quitCampaign', module: MODULE, func: 'run', level: 'INFO', format: 'Leader %d is present, quit campaign', source: 'orderer/consensus/etcdraft/node.go:167 n.logger.Infof' },
];
