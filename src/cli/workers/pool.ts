/**
 * `--workers N`: runs a job's indices on N threads, this one and N - 1 worker threads
 * (node:worker_threads), or in this thread alone when N is 1 or the target is not the
 * built-in simulator (a test's fake target cannot cross into another thread). Results come back in index order, whatever
 * thread ran them, so the output does not depend on N.
 *
 * A worker loads the sources the CLI itself runs from: the compiled `worker.js` beside
 * this file in the built package (dist/), or, in a checkout (bin/fabric-bft-sim.js, tsx,
 * vitest), `worker.ts` through tsx's ESM loader, registered inside the worker first
 * (loader hooks are per thread on Node 20).
 */
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { SimTarget } from '../io.ts';
import { shardIndices, type Shard } from './shard.ts';
import { Claims, runTask, sharedClaims, type CellResult, type Job } from './tasks.ts';

export const MAX_WORKERS = 256;

/** The default of `--workers`: one per core. */
export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

export interface WorkerData {
  readonly job: Job;
  readonly shard: Shard;
  readonly total: number;
  readonly shared: SharedArrayBuffer;
}

export type WorkerMessage = { readonly type: 'result'; readonly result: CellResult } | { readonly type: 'done' } | { readonly type: 'error'; readonly message: string };

function spawn(data: WorkerData): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./worker.js', here), { workerData: data });
  // tsx's `esm/api` entry (its "import" condition); require.resolve sees the CommonJS one, so go from `tsx/esm`.
  const tsxEsm = createRequire(here).resolve('tsx/esm');
  const api = pathToFileURL(join(dirname(tsxEsm), 'api', 'index.mjs')).href;
  const entry = new URL('./worker.ts', here).href;
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(boot, { eval: true, workerData: data });
}

async function isBuiltinSim(target: SimTarget): Promise<boolean> {
  const { simClusterFor } = await import('../../scenarios/simulator.ts');
  return target.create === simClusterFor;
}

/**
 * Runs `job`'s indices in `shard` (of `0 .. total-1`) and returns their results in index
 * order. `onResult` sees each as it arrives (progress lines). For a check, indices above
 * the lowest failure are not started (a run in flight above it may still report).
 */
export async function runJob(job: Job, total: number, shard: Shard, options: { readonly workers: number; readonly target: SimTarget; readonly onResult?: (r: CellResult) => void }): Promise<CellResult[]> {
  const shared = sharedClaims();
  const indices = shardIndices(total, shard);
  const results: CellResult[] = [];
  const take = (r: CellResult): void => {
    results.push(r);
    options.onResult?.(r);
  };
  const threads = Math.min(options.workers, indices.length);
  if (threads <= 1 || !(await isBuiltinSim(options.target))) {
    await runTask(options.target, job, new Claims(shared, indices), take);
  } else {
    // N - 1 threads, and this thread as the N-th: it has the model loaded already, so it
    // runs the first indices while the threads start.
    const data: WorkerData = { job, shard, total, shared };
    const workers: Worker[] = [];
    try {
      const threadsDone = Array.from({ length: threads - 1 }, () => {
        const w = spawn(data);
        workers.push(w);
        return new Promise<void>((resolve, reject) => {
          let done = false;
          w.on('message', (m: WorkerMessage) => {
            if (m.type === 'result') take(m.result);
            else if (m.type === 'done') {
              done = true;
              resolve();
            } else reject(new Error(`a worker failed: ${m.message}`));
          });
          w.on('error', (e) => reject(new Error(`a worker failed: ${e.message}`)));
          w.on('exit', (code) => {
            if (!done) reject(new Error(`a worker exited (code ${code}) before it finished`));
          });
        });
      });
      await Promise.all([...threadsDone, runTask(options.target, job, new Claims(shared, indices), take)]);
    } finally {
      await Promise.all(workers.map((w) => w.terminate()));
    }
  }
  return results.sort((a, b) => a.index - b.index);
}
