/**
 * `fabric-bft-sim/live`: the scenarios on a real CertChain cluster (OpenShift, Fabric,
 * Keycloak, Argo CD), the simulator beside it, and the simulated CertChain served behind
 * the same HTTP APIs. Sim-only users never load this.
 */

// The Cluster port on a real cluster
export { LiveCluster, type LiveClusterOptions } from './cluster.ts';
export { runLive, type LiveRun, type LiveRunOptions } from './run.ts';
export { loadLiveConfig, parseLiveConfig, buildLiveConfig, parseDuration, type LiveConfig, type NodeTarget } from './config.ts';
export type { UndoReport } from './undo.ts';
export type { PlanEntry } from './plan.ts';

// Reading what the cluster prints
export { parseGetInfo, parseCouchDbInfo, parseLogText, parsePrometheusText, ordererStateFromLogs } from '../shared/node-output.ts';
export { OcRunner, OcError, classifyOcFailure, formatCommand } from './oc.ts';

// Sim beside live
export { compareResults, compareStep, formatComparison, type Comparison, type CompareRow, type CompareVerdict } from './compare.ts';

// The simulated CertChain on loopback
export { startServe, type ServeOptions, type RunningServe } from './serve/server.ts';

// CLI entry points
export { runLiveCommand, runCompareCommand, runServeCertChainCommand, type LiveCliIo } from './cli.ts';

// Types the API above mentions, so a caller can name them (and the reference links them)
export type { Background, DryRunRecorder, ExecutingIo, FindOut, LiveIo, OcOptions } from './io.ts';
export type { LoggedOrdererState, Sample } from '../shared/node-output.ts';
export type { OcCall, OcOutput, OcRunnerOptions } from './oc.ts';
export type { OcEmulator } from './serve/oc-emulator.ts';
export type { ScaledClock } from './serve/clock.ts';
export type { SimTarget } from '../io/env.ts';
export type { TargetOptions } from '../io/env.ts';
export type { HttpRequest, HttpResponse } from './http.ts';
export type { LiveIoOptions } from './io.ts';
export type { Plan } from './plan.ts';
export type { Masker, SecretRef } from './secrets.ts';
export type { AdminAnswer } from './serve/oc-emulator.ts';
export type { TlsOptions } from './http.ts';
