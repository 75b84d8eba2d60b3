/** The simulation kernel: time, randomness, the network, node lifecycle and the trace. */
export { Rng } from './rng.ts';
export { hash32, fmix32 } from '../../shared/hash.ts';
export { Scheduler, type ScheduledEvent } from './scheduler.ts';
export { Network, DEFAULT_LINK, ROUTE_LOSS, validateLatency, latencyOfRtt, type LatencyDist, type LinkConfig, type LinkState, type NetworkConfig, type Routing } from './network.ts';
export { jsonHash32 } from './json-hash.ts';
export { Trace, canonicalLine, type TraceRecord, type TraceOptions, type DropReason, type InjectedFault, type FaultRecord, type MessageFields, type StepRecord } from './trace.ts';
export { DurableStore } from './durable.ts';
export { Simulation, SimulationInterrupted, INTERRUPT_EVERY, type SimulationOptions, type ProcessingConfig, type RunOptions, type RunResult, type StopReason, type ActionHandle } from './simulation.ts';
export type { NodeId, NodeContext, Input, Effect, DurableOp, DurableView, NodeMachine, AnyMachine } from './types.ts';
