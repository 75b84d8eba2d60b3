/**
 * One side of `npm run bench:bft-simulator` (../bft-simulator.ts): this project's SmartBFT
 * consenters, n of them, deciding DECISIONS blocks of one request each, on links of
 * normal latency (mean 250 ms, std 50 ms) as BFT-Simulator's default network, no faults.
 * Run by plain node from an esbuild bundle of this file; prints one JSON line: the loop's
 * wall and CPU milliseconds (from the first event to the last decision), the decisions,
 * and the process's CPU from its start.
 *
 * Usage: node ours.mjs N DECISIONS
 */
import { Simulation } from '../../src/sim/kernel/index.ts';
import { createConsenter } from '../../src/sim/smartbft/api.ts';
import type { ConsenterState } from '../../src/sim/smartbft/state.ts';

const n = Number(process.argv[2]);
const decisions = Number(process.argv[3]);
const cpuMs = (c: NodeJS.CpuUsage): number => (c.user + c.system) / 1000;

const sim = new Simulation({ seed: 1, network: { latency: { kind: 'normal', meanMs: 250, stdMs: 50 } } });
const nodes = Array.from({ length: n }, (_, i) => ({ id: i + 1, name: `orderer${i + 1}` }));
for (const nd of nodes) sim.addNode(nd.name, createConsenter({ id: nd.id, nodes, events: 'facts', config: { RequestBatchMaxCount: 1 } }));
// One request per decision, all on the leader of view 0 (consenter 1).
for (let i = 0; i < decisions; i++) sim.command('orderer1', { type: 'submit', request: { clientId: 'bench', reqId: `tx${i}`, size: 200, payload: null } }, 'submit');
const decided = (): number => sim.state<ConsenterState>('orderer1')?.ledger.length ?? 0;

const cpu0 = process.cpuUsage();
const t0 = performance.now();
const run = sim.run({ stopWhen: () => decided() >= decisions });
if (run.reason !== 'condition') throw new Error(`SmartBFT n=${n} stopped (${run.reason}) at ${decided()} of ${decisions} decisions`);
const loopMs = performance.now() - t0;
const loopCpuMs = cpuMs(process.cpuUsage(cpu0));
process.stdout.write(`${JSON.stringify({ side: 'ours', n, decisions: decided(), simulatedMs: sim.now, loopMs, loopCpuMs, processCpuMs: cpuMs(process.cpuUsage()) })}\n`);
