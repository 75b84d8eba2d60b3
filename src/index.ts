/**
 * fabric-bft-sim: a deterministic simulator of a Hyperledger Fabric network ordered by
 * SmartBFT, and the scenarios that run on it. The live adapter (a real cluster) is the
 * separate `fabric-bft-sim/live` entry, so sim-only users never load cluster code.
 *
 *   const scenario = findBuiltin('kill-orderer')!.build({ orderers: 7 });
 *   const cluster = await simClusterFor(scenario, { seed: 7 });
 *   const result = await runScenario(scenario, cluster, { checks: simChecks });
 */

// Scenarios: the Cluster port, files, built-ins and the runner
export type {
  Cluster,
  Certificate,
  IssueResult,
  VerifyResult,
  VerifyStatus,
  OkResult,
  ChannelInfo,
  OrdererStatus,
  ClusterLogLine,
  TopologyInfo,
  Selector,
} from './scenarios/cluster.ts';
export { certificateFor } from './scenarios/cluster.ts';
export { runScenario, DEFAULT_SEED, type ScenarioResult, type StepResult, type Check, type Checks, type Verdict, type RunOptions as ScenarioRunOptions } from './scenarios/runner.ts';
export { parseScenario, scenarioToYaml, type ParseOptions } from './scenarios/parse.ts';
export { validateScenario, scenarioIssues, ScenarioError, OPERATIONS, SELECTORS, type Scenario, type Step, type Issue } from './scenarios/schema.ts';
export { BUILTINS, LAB_SCENARIOS, findBuiltin, type BuiltinScenario, type BuiltinParams } from './scenarios/builtins/index.ts';

// The simulated network behind the port, and its invariants
export { SimCluster, simClusterFor, simChecks, blockHashesAgree, transactionsValid, converged, stateMatchesLedger, type SimClusterOptions } from './sim/cluster/index.ts';

// SmartBFT
export { computeQuorum, quorumIntersection, type Quorum } from './sim/smartbft/quorum.ts';
export {
  createConsenter,
  consenterStatus,
  defaultApplication,
  BYZANTINE_BEHAVIOURS,
  type ConsenterOptions,
  type ConsenterState,
  type SmartBftConfig,
  type Application,
  type Request,
  type Proposal,
  type Decision,
  type ByzantineBehaviour,
} from './sim/smartbft/api.ts';
export { checkAgreement, checkSequenceIntegrity, checkValidity, checkLiveness, checkAccountability, decidedFacts } from './sim/smartbft/checkers.ts';

// Raft (etcdraft-like), for comparison
export { createRaftNode, raftStatus, RAFT_BYZANTINE_BEHAVIOURS, type RaftNodeOptions } from './sim/raft/index.ts';

// The kernel: time, randomness, the network, node lifecycle, the trace
export {
  Simulation,
  Rng,
  Network,
  Trace,
  canonicalLine,
  type SimulationOptions,
  type ProcessingConfig,
  type RunResult,
  type NetworkConfig,
  type LatencyDist,
  type TraceRecord,
  type NodeMachine,
  type NodeContext,
  type Input,
  type Effect,
  type DurableOp,
  type DurableView,
  type NodeId,
} from './sim/kernel/index.ts';

// Logs: one vocabulary for the simulator and real Fabric lines
export { renderLine, LogParser, sprintf, type LogFormat, type LogEvent, type ParsedLine } from './sim/logs/format.ts';
export { LOG_CATALOG } from './sim/logs/catalog.ts';

// Sizing, reports, explanations
export { computeSizing, type SizingParams, type SizingReport } from './sizing/model.ts';
export { measureOptions, measureOption, messagesPerDecisionFormula, type MeasureSetup, type Measured } from './sizing/measure.ts';
export { runRaftVsBft, renderRaftVsBft } from './sizing/raft-vs-bft.ts';
export { renderReport } from './report/html.ts';
export { buildReportData, reportInputOf, type ReportInput } from './report/data.ts';
export { explainQuorum } from './report/explain.ts';
