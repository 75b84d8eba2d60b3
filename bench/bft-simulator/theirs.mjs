// One side of `npm run bench:bft-simulator` (../bft-simulator.ts): csienslab's
// BFT-Simulator (a checkout at DIR, never part of this repository) running its PBFT, n
// nodes, no Byzantine node, DECISIONS decisions (its `repeatTime`: one decision a run),
// its default network (normal delay, mean 0.25 s, std 0.05 s), its no-op attacker
// (fail-stop with no faulty node) and no log files. Prints one
// JSON line: the loop's wall and CPU milliseconds (startSimulation), the decisions, and
// the process's CPU from its start.
//
// Usage: node theirs.mjs DIR N DECISIONS
// Their simulator is CommonJS, so this ES module loads it with createRequire.
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);

const [dir, nArg, decisionsArg] = process.argv.slice(2);
const n = Number(nArg);
const decisions = Number(decisionsArg);
const cpuMs = (c) => (c.user + c.system) / 1000;

// Its modules read their settings from its config.js at require time: set them first.
const config = require(path.join(dir, 'config.js'));
Object.assign(config, { nodeNum: n, byzantineNodeNum: 0, protocol: 'pbft', networkDelay: { mean: 0.25, std: 0.05 }, logToFile: false, attacker: 'fail-stop', repeatTime: decisions });
const Simulator = require(path.join(dir, 'simulator.js'));
const s = new Simulator(config);

const cpu0 = process.cpuUsage();
const t0 = performance.now();
s.startSimulation();
const loopMs = performance.now() - t0;
const loopCpuMs = cpuMs(process.cpuUsage(cpu0));
process.stdout.write(`${JSON.stringify({ side: 'theirs', n, decisions: s.simulationResults.length, loopMs, loopCpuMs, processCpuMs: cpuMs(process.cpuUsage()) })}\n`);
