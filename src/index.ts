/**
 * fabric-bft-sim: a deterministic simulator of a Hyperledger Fabric network ordered by
 * SmartBFT, and the scenarios that run on it. The live adapter (a real cluster) is the
 * separate `fabric-bft-sim/live` entry, so sim-only users never load cluster code.
 *
 * ```ts
 * const scenario = findBuiltin('kill-orderer')!.build({ orderers: 7 });
 * const cluster = await simClusterFor(scenario, { seed: 7 });
 * const result = await runScenario(scenario, cluster, { checks: simChecks, seed: 7 });
 * ```
 *
 * For property tests: {@link scheduleArbitrary} draws random fault schedules as scenarios,
 * {@link runScenario} runs one on {@link simClusterFor}'s simulator with {@link simChecks}'
 * invariants, {@link scenarioToYaml} writes a shrunk failure as a file that
 * `fabric-bft-sim run FILE` replays, and {@link writeRunReport} draws its HTML report.
 * docs/library.md walks through one.
 *
 * @packageDocumentation
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
export { runScenario, DEFAULT_SEED, type ScenarioResult, type StepResult, type Check, type Checks, type Verdict, type RunMetrics, type RunOptions as ScenarioRunOptions } from './scenarios/runner.ts';
export { parseScenario, scenarioToYaml, type ParseOptions } from './scenarios/parse.ts';
export {
  validateScenario,
  scenarioIssues,
  scenarioJsonSchema,
  behavioursFor,
  ScenarioError,
  OPERATIONS,
  SELECTORS,
  LIMITS,
  type Scenario,
  type Step,
  type StepCommon,
  type Operations,
  type OpName,
  type IssueArgs,
  type WaitForArgs,
  type Duration,
  type NodeRef,
  type Behaviours,
  type Consensus,
  type ValidateOptions,
  type Issue,
} from './scenarios/schema.ts';
export { DEFAULT_TOPOLOGY, describeTopology, type TopologySpec, type GossipSpec, type Dissemination, type ResolvedTopology } from './scenarios/topology.ts';
export { BUILTINS, LAB_SCENARIOS, findBuiltin, type BuiltinScenario, type BuiltinParams } from './scenarios/builtins/index.ts';

// Property testing: random fault schedules as scenarios (what `fabric-bft-sim check` searches)
export { scheduleArbitrary, isLivenessStep, FAULT_KINDS, type FaultKind, type ScheduleParams } from './scenarios/schedule.ts';

// The simulated network behind the port, and its invariants
export { simClusterFor, simChecks, SCENARIO_BEHAVIOURS, CONVERGENCE_BOUND_MS, type SimClusterForOptions } from './scenarios/simulator.ts';
export {
  SimCluster,
  blockHashesAgree,
  transactionsValid,
  converged,
  stateMatchesLedger,
  type SimClusterOptions,
  type CheckResult as ClusterCheckResult,
  type ValidityFold,
  type TxPlace,
} from './sim/cluster/index.ts';

// SmartBFT
export { computeQuorum, leaderOfView, quorumIntersection, type Quorum } from './sim/consensus/quorum.ts';
export {
  createConsenter,
  consenterStatus,
  defaultApplication,
  BYZANTINE_BEHAVIOURS,
  type ConsenterOptions,
  type ConsenterState,
  type SmartBftConfig,
  type ByzantineBehaviour,
} from './sim/smartbft/api.ts';
// The words SmartBFT and Raft both speak
export type { Application, Decision, Proposal, Request, Signature, ViewMetadata } from './sim/consensus/types.ts';
export {
  checkAgreement,
  checkSequenceIntegrity,
  checkValidity,
  checkLiveness,
  checkAccountability,
  decidedFacts,
  type CheckResult,
  type DecidedFact,
  type NodeLedger,
  type LivenessInput,
} from './sim/smartbft/checkers.ts';

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
// The trace's record layout (one versioned union) and its file format (`run --trace`)
export {
  TRACE_FORMAT,
  TRACE_VERSION,
  parseTraceFile,
  traceFileText,
  traceHeaderLine,
  traceRecordLine,
  TraceLineReader,
  type TraceHeader,
  type FaultRecord,
  type InjectedFault,
  type MessageFields,
  type StepRecord,
} from './shared/trace-format.ts';

// Logs: one vocabulary for the simulator and real Fabric lines
export { renderLine, LogParser, sprintf, type LogFormat, type LogEvent, type ParsedLine } from './shared/log-format.ts';
export { LOG_CATALOG } from './sim/logs/catalog.ts';

// Sizing, reports, explanations
export { computeSizing, type SizingParams, type SizingReport } from './sizing/model.ts';
export { measureOptions, measureOption, messagesPerDecisionFormula, type MeasureSetup, type Measured } from './sizing/measure.ts';
export { runRaftVsBft, renderRaftVsBft } from './sizing/raft-vs-bft.ts';
export { renderReport } from './report/html.ts';
export { runReportHtml, writeRunReport } from './report/write.ts';
export { buildReportData, reportInputOf, ReportRecords, type ReportInput } from './report/data.ts';
export { explainQuorum } from './report/explain.ts';

// Types the API above mentions, so a caller can name them (and the reference links them)
export type { LoadTally, LoadStarted } from './scenarios/cluster.ts';
export type { LoadTotals } from './scenarios/runner.ts';
export type { PathSegment, ProblemWhere } from './scenarios/schema.ts';
export type { KeepOptions, MetricPoint } from './sim/cluster/index.ts';
export type { AnyMachine, ActionHandle, StopReason, DurableStore, LinkConfig, Routing, DropReason, TraceOptions } from './sim/kernel/index.ts';
export type { RunOptions as SimulationRunOptions } from './sim/kernel/simulation.ts';
export type { Topology as FabricTopology, TopologyOptions as FabricTopologyOptions } from './sim/fabric/topology.ts';
export type { Block } from './sim/fabric/block.ts';
export type { CouchDbInfo } from './sim/fabric/couchdb.ts';
export type { BftMessage, BftCommand, BftEvent, ConsensusMessage } from './sim/smartbft/messages.ts';
export type { ConsenterStatus } from './sim/smartbft/status.ts';
export type { HeartbeatMonitorState, HeartbeatState, PoolEntry, SyncState, ViewChangerState, ViewState } from './sim/smartbft/state.ts';
export type { RaftState } from './sim/raft/state.ts';
export type { RaftMessage, RaftCommand, RaftEvent } from './sim/raft/messages.ts';
export type { RaftOptions } from './sim/raft/config.ts';
export type { RaftStatus } from './sim/raft/status.ts';
export type { Level, LogArg } from './shared/log-format.ts';
export type { EndorsementPolicy, EndorsementRow, OrdererOption, Recommendation } from './sizing/model.ts';
export type { FabricShape } from './sizing/measure.ts';
export type { RaftVsBftOptions, RaftVsBftResult } from './sizing/raft-vs-bft.ts';
export type { ReportData, ReportResultLike } from './report/data.ts';
export type { AxisSegment, Fault, NodeDecision, OrdererMessage, QuorumCertificate, ReportCheckLike, ReportStepLike, Series, StateChange, StepView } from './report/data.ts';
/** @deprecated The old names of `QuorumCertificate`, `OrdererMessage` and `NodeDecision` (docs/architecture.md, "Vocabulary"). */
export type { QuorumCertificate as ReportCertificate, OrdererMessage as ReportConsensusMessage, NodeDecision as ReportDecision } from './report/data.ts';
export type { NodeId as ClusterNodeId } from './scenarios/cluster.ts';
export type { BlockHeader } from './sim/fabric/block.ts';
export type { Policy } from './sim/fabric/policy.ts';
export type { Consensus as FabricConsensus, Dissemination as FabricDissemination, GatewaySpec, GossipOptions, OrdererSpec, PeerSpec } from './sim/fabric/topology.ts';
export type { ScheduledEvent } from './sim/kernel/scheduler.ts';
export type { Entry, MsgApp, MsgAppResp, MsgHeartbeat, MsgHeartbeatResp, MsgVote, MsgVoteResp, RaftFact, Submit as RaftSubmit } from './sim/raft/messages.ts';
export type { Progress, Role } from './sim/raft/state.ts';
export type { BlockRequest, BlockResponse, Commit, FwdRequest, HeartBeat, HeartBeatResponse, HeightRequest, HeightResponse, NewView, PrePrepare, Prepare, SignedViewData, StateTransferRequest, StateTransferResponse, Submit as BftSubmit, ViewChange, ViewDataMsg } from './sim/smartbft/messages.ts';
export type { Phase } from './sim/smartbft/state.ts';
export type { Availability, Shape, ZoneLoss } from './sizing/model.ts';
export type { Outcome } from './sizing/raft-vs-bft.ts';
export type { FaultKind as ReportFaultKind, MessageFate, Points, StateKey, StateValue } from './report/data.ts';
export type { KernelEvent } from './sim/kernel/simulation.ts';
export type { ViewData } from './sim/smartbft/messages.ts';
export type { PHASE } from './sim/smartbft/state.ts';
export type { FaultKind as SizingFaultKind, Property as SizingProperty, Protocol } from './sizing/raft-vs-bft.ts';
