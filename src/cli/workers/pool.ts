/**
 * `--workers N`: runs a job's indices on N threads, this one and N - 1 worker threads
 * (node:worker_threads), or in this thread alone when N is 1 or the job runs on a target
 * that is not the built-in simulator (a test's fake target cannot cross into another
 * thread; `size` needs no target). Results
 * come back in index order, whatever thread ran them, so the output does not depend on N.
 *
 * A worker starts from one bundled script of worker.ts (bundle.ts): the package's
 * prebuilt one, or in a checkout one esbuild builds at first use and caches.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { SimTarget } from '../io.ts';
import { workerScript } from './bundle.ts';
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

export type WorkerMessage =
  | { readonly type: 'result'; readonly result: CellResult }
  /** `cpuMs`: the worker thread's own CPU time when it finished (cpu.ts), undefined where the system cannot tell. */
  | { readonly type: 'done'; readonly cpuMs: number | undefined }
  | { readonly type: 'error'; readonly message: string };

/** What a job's run gave: its results in index order, and how many threads ran it. */
export interface JobRun {
  readonly results: CellResult[];
  /** Threads that took part to the end: this one and each worker thread that finished (it may have found nothing left to claim). */
  readonly threads: number;
  /** Results this thread ran; the rest came from worker threads. */
  readonly here: number;
  /**
   * CPU milliseconds the worker threads spent, each from its start to its last result
   * (cpu.ts): 0 without worker threads, undefined where a thread could not tell. With the
   * process's CPU and this thread's, the rest is V8's helper threads (bench/check.ts).
   */
  readonly workerCpuMs: number | undefined;
}

async function isBuiltinSim(target: SimTarget): Promise<boolean> {
  // Loaded already when `target` came from simTarget() (it lives there).
  const { isSimTarget } = await import('../targets.ts');
  return isSimTarget(target);
}

/**
 * Runs `job`'s indices in `shard` (of `0 .. total-1`) and returns their results in index
 * order. `onResult` sees each as it arrives (progress lines). For a check, indices above
 * the lowest failure are not started (a run in flight above it may still report).
 */
export async function runJob(job: Job, total: number, shard: Shard, options: { readonly workers: number; readonly target: SimTarget | undefined; readonly onResult?: (r: CellResult) => void }): Promise<JobRun> {
  const shared = sharedClaims();
  const indices = shardIndices(total, shard);
  const results: CellResult[] = [];
  let here = 0;
  const take = (r: CellResult): void => {
    results.push(r);
    options.onResult?.(r);
  };
  const takeHere = (r: CellResult): void => {
    here++;
    take(r);
  };
  const threads = Math.min(options.workers, indices.length);
  let finished = 1;
  let workerCpuMs: number | undefined = 0;
  // A size job runs the kernel alone (any thread can); the others run on the target, which a worker can make again only if it is the built-in one.
  if (threads <= 1 || (job.kind !== 'size' && (options.target === undefined || !(await isBuiltinSim(options.target))))) {
    await runTask(options.target, job, new Claims(shared, indices), takeHere);
  } else {
    // N - 1 threads, and this thread as the N-th: it has the model loaded already, so it
    // runs the first indices while the worker script is found (or built) and the threads start.
    const data: WorkerData = { job, shard, total, shared };
    const workers: Worker[] = [];
    let stopped = false;
    const runThread = (script: URL): Promise<void> => {
      const w = new Worker(script, { workerData: data });
      workers.push(w);
      return new Promise<void>((resolve, reject) => {
        let done = false;
        w.on('message', (m: WorkerMessage) => {
          if (m.type === 'result') take(m.result);
          else if (m.type === 'done') {
            done = true;
            finished++;
            workerCpuMs = workerCpuMs === undefined || m.cpuMs === undefined ? undefined : workerCpuMs + m.cpuMs;
            resolve();
          } else reject(new Error(`a worker failed: ${m.message}`));
        });
        w.on('error', (e) => reject(new Error(`a worker failed: ${e.message}`)));
        w.on('exit', (code) => {
          if (!done) reject(new Error(`a worker exited (code ${code}) before it finished`));
        });
      });
    };
    const threadsDone = workerScript().then((script) => (stopped ? undefined : Promise.all(Array.from({ length: threads - 1 }, () => runThread(script)))));
    try {
      await Promise.all([threadsDone, runTask(options.target, job, new Claims(shared, indices), takeHere)]);
    } finally {
      // No thread starts after this; the running ones stop (on success they have exited already).
      stopped = true;
      await Promise.all(workers.map((w) => w.terminate()));
      await threadsDone.catch(() => undefined);
    }
  }
  return { results: results.sort((a, b) => a.index - b.index), threads: finished, here, workerCpuMs };
}
