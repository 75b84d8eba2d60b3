/**
 * The etcdraft chain's log lines the model emits, verbatim from
 * `orderer/consensus/etcdraft/chain.go` (`serveRequest`) and `node.go` (`run`), logger
 * `orderer.consensus.etcdraft`.
 */
import type { LogFormat } from '../logs/format.ts';

const MODULE = 'orderer.consensus.etcdraft';

export const RAFT_LOGS: LogFormat[] = [
  { kind: 'etcdraft.leaderChanged', module: MODULE, func: 'serveRequest', level: 'INFO', format: 'Raft leader changed: %d -> %d' },
  { kind: 'etcdraft.startAccepting', module: MODULE, func: 'serveRequest', level: 'INFO', format: 'Start accepting requests as Raft leader at block [%d]' },
  { kind: 'etcdraft.pickedToCampaign', module: MODULE, func: 'run', level: 'INFO', format: 'This node is picked to start campaign' },
  { kind: 'etcdraft.quitCampaign', module: MODULE, func: 'run', level: 'INFO', format: 'Leader %d is present, quit campaign' },
];
