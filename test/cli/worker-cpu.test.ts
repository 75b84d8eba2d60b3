/**
 * The CPU of one thread (src/cli/workers/cpu.ts), which `npm run bench` uses to split a
 * `check` run's CPU into this thread, the worker threads and V8's helper threads: it
 * counts the calling thread's time, not the process's.
 */
import { describe, expect, it } from 'vitest';
import { simTarget } from '../../src/cli/targets.ts';
import { threadCpuMs } from '../../src/cli/workers/cpu.ts';
import { runJob } from '../../src/cli/workers/pool.ts';
import type { CheckJob } from '../../src/cli/workers/tasks.ts';
import { fakeTarget } from './env.ts';

const processCpuMs = (): number => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};

describe.runIf(process.platform === 'linux')('threadCpuMs', () => {
  it("counts this thread's CPU: a busy loop of 200 ms of process CPU is at least half of it, and no more than all of it", () => {
    const t0 = threadCpuMs();
    const p0 = processCpuMs();
    let x = 0;
    while (processCpuMs() - p0 < 200) x += Math.sqrt(x + 1);
    const thread = (threadCpuMs() ?? NaN) - (t0 ?? NaN);
    const whole = processCpuMs() - p0;
    expect(x).toBeGreaterThan(0);
    expect(thread).toBeGreaterThanOrEqual(100);
    // One scheduler tick of slack: the thread's sum is updated at ticks and switches.
    expect(thread).toBeLessThanOrEqual(whole + 10);
  });

  it("runJob reports its worker threads' own CPU, less than the process spent meanwhile; none without workers", async () => {
    const job: CheckJob = { kind: 'check', seed: 3, runs: 4, orderers: 4, faults: ['crash'], actions: 4, behaviours: [] };
    const p0 = processCpuMs();
    const two = await runJob(job, 4, { index: 0, count: 1 }, { workers: 2, target: simTarget() });
    const whole = processCpuMs() - p0;
    expect(two.threads).toBe(2);
    // The worker at least loaded its script; a process-wide figure would exceed what the process spent during the run.
    expect(two.workerCpuMs).toBeGreaterThan(0);
    expect(two.workerCpuMs).toBeLessThan(whole);
    const one = await runJob(job, 4, { index: 0, count: 1 }, { workers: 2, target: fakeTarget() });
    expect(one).toMatchObject({ threads: 1, workerCpuMs: 0 });
  }, 60_000);
});
