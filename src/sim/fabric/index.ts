/**
 * The Fabric model: orderers (SmartBFT + block assembly + Deliver), peers (BFT deliverer or
 * 2.x gossip, commit pipeline, block store, CouchDB state database, offline commands), the
 * certcontract chaincode and the per-org gateway, as node machines. `SimCluster`, which runs
 * them on the kernel behind the scenarios' `Cluster` port, is in src/sim/cluster.
 */

// Topology and policy
export { buildTopology, peerOfCouchdb, DEFAULT_ORGS, DEFAULT_GOSSIP, type Topology, type TopologyOptions, type GossipOptions, type Dissemination, type OrdererSpec, type PeerSpec, type GatewaySpec } from './topology.ts';
export { parsePolicy, evaluatePolicy, mspId, DEFAULT_POLICY, type Policy } from './policy.ts';

// Node machines
export { createOrderer, blockApplication, blockOfDecision, ordererChain, type OrdererState, type OrdererOptions } from './orderer.ts';
export { createPeer, type PeerState, type PeerOptions, type PeerCommand } from './peer.ts';
export { createGateway, DEFAULT_GATEWAY_CONFIG, type GatewayCommand, type GatewayAnswer, type GatewayConfig, type CertificateInput } from './gateway.ts';

// Ledger, state database, chaincode
export { CHANNEL, blockHeaderHash, blockHeaderBytes, blockDataHash, genesisBlock, newBlock, verifyBlock, TxValidationCode, validationCodeName, type Block, type BlockHeader, type Envelope, type StoredBlock, type Height } from './block.ts';
export { KvLedger, commitTiming, type ChainInfo } from './kvledger.ts';
export { CouchInstance, encodeVersionField, decodeVersionField, namespaceDbName, type CouchDoc, type CouchDbInfo } from './couchdb.ts';
export { rebuildDbs, resetLedger, rollbackLedger, FILE_LOCK_ERROR, type CommandResult } from './offline.ts';
export { simulate, simulatedDate, verifyStatus, CHAINCODE, type CertificateRecord } from './chaincode.ts';

// Logs
export { FABRIC_LOGS } from './logs.ts';
export { getinfoOutput } from '../../shared/node-output.ts';
export { goDuration } from '../../shared/duration.ts';
