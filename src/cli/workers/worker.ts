/**
 * A worker thread of `--workers N` (pool.ts): claims indices of the job it was given and
 * runs them on the built-in simulator, posting each result to the main thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { simTarget } from '../targets.ts';
import { threadCpuMs } from './cpu.ts';
import type { WorkerData, WorkerMessage } from './pool.ts';
import { shardIndices } from './shard.ts';
import { Claims, runTask } from './tasks.ts';

const data = workerData as WorkerData;
const port = parentPort;
if (port === null) throw new Error('worker.ts runs as a worker thread (see pool.ts)');
const send = (m: WorkerMessage): void => port.postMessage(m);
try {
  await runTask(simTarget(), data.job, new Claims(data.shared, shardIndices(data.total, data.shard)), (result) => send({ type: 'result', result }));
  // This thread's CPU, for the bench's breakdown by thread (pool.ts's JobRun.workerCpuMs).
  send({ type: 'done', cpuMs: threadCpuMs() });
} catch (e) {
  send({ type: 'error', message: (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '' });
}
