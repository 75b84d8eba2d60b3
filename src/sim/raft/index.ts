/** A crash-fault-tolerant orderer as Fabric's etcdraft behaves, for comparison with SmartBFT. */
export { createRaftNode, type RaftNodeOptions } from './chain.ts';
export { DEFAULT_RAFT_OPTIONS, resolveRaftOptions, type RaftOptions } from './config.ts';
export { RAFT_LOGS } from './logs.ts';
export { RAFT_BYZANTINE_BEHAVIOURS, describeRaftMessage, type RaftByzantineBehaviour, type RaftCommand, type RaftEvent, type RaftFact, type RaftMessage, type Entry } from './messages.ts';
export type { RaftState, Role } from './state.ts';
export { raftStatus, type RaftStatus } from './status.ts';
