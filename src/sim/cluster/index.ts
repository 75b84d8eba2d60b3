/**
 * The simulator behind the scenarios' `Cluster` port: the Fabric model's node machines run
 * on the kernel (the only part of src/sim outside the kernel that drives it), and the
 * checkers that read the whole cluster's state.
 */
export { SimCluster, type SimClusterOptions, type KeepOptions, type MetricPoint } from './sim-cluster.ts';
export { INITIAL_CERTIFICATES } from '../../shared/certificate.ts';
export { blockHashesAgree, transactionsValid, converged, stateMatchesLedger, foldLedger, ordererChainHashes, type CheckResult } from './checkers.ts';
export type { ValidityFold, TxPlace } from './validity.ts';
