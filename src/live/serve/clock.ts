/**
 * Scaled wall-clock time for `serve`: simulated time follows the wall clock times
 * `speed`. Every operation on the simulated cluster goes through one queue (the
 * simulation is single-threaded); a ticker advances it to the wall clock's target; an
 * answer that ran the simulation ahead is held back until the wall clock catches up, so
 * a commit that takes 2 simulated seconds takes 2 s / speed on the wire.
 */
import type { Cluster } from '../../scenarios/cluster.ts';

export class ScaledClock {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly wallStart = Date.now();
  private readonly simStart: number;
  private timer: NodeJS.Timeout | undefined;
  private tickQueued = false;

  constructor(
    private readonly cluster: Cluster,
    readonly speed: number,
    private readonly tickMs = 50,
  ) {
    if (!(speed > 0) || !Number.isFinite(speed)) throw new Error(`--speed must be a positive number, got ${String(speed)}`);
    this.simStart = cluster.now();
  }

  /** Simulated time the wall clock says it should be now. */
  target(): number {
    return this.simStart + (Date.now() - this.wallStart) * this.speed;
  }

  /** Wall-clock time (ms since the Unix epoch) at which simulated time `simMs` happens. */
  wallOf(simMs: number): number {
    return this.wallStart + (simMs - this.simStart) / this.speed;
  }

  /** Run `fn` alone on the cluster, after the simulation has caught up with the wall clock. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(async () => {
      await this.catchUp();
      return fn();
    });
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Run `fn` exclusively, then wait (outside the queue) until the wall clock reaches the simulated time it ended at. */
  async op<T>(fn: () => Promise<T>): Promise<T> {
    const v = await this.exclusive(fn);
    const ahead = this.cluster.now() - this.target();
    if (ahead > 0) await new Promise((r) => setTimeout(r, ahead / this.speed));
    return v;
  }

  private async catchUp(): Promise<void> {
    const d = Math.floor(this.target() - this.cluster.now());
    if (d > 0) await this.cluster.sleep(d);
  }

  start(): void {
    this.timer ??= setInterval(() => {
      if (this.tickQueued) return;
      this.tickQueued = true;
      void this.exclusive(() => Promise.resolve()).finally(() => (this.tickQueued = false));
    }, this.tickMs);
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}
