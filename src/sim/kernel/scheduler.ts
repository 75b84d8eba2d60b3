/**
 * Discrete-event scheduler in simulated milliseconds.
 *
 * Events are ordered by (time, insertion number): two events at the same time run in
 * the order they were scheduled, so no tie is left to chance. Cancellation is lazy (a
 * cancelled event stays in the heap, flagged, and is skipped when it comes up).
 */

export interface ScheduledEvent<P> {
  readonly time: number;
  readonly seq: number;
  readonly payload: P;
  /** True once cancelled or taken by `next`. */
  cancelled: boolean;
}

export class Scheduler<P> {
  private heap: ScheduledEvent<P>[] = [];
  private nextSeq = 0;
  private live = 0;
  private clock = 0;

  /** The current simulated time (the time of the last event taken). */
  get now(): number {
    return this.clock;
  }

  /** How many events are pending (not cancelled). */
  get pending(): number {
    return this.live;
  }

  /** Schedule `payload` at absolute time `time` (not before now). */
  schedule(time: number, payload: P): ScheduledEvent<P> {
    if (!(time >= this.clock)) {
      throw new RangeError(`Scheduler.schedule: time ${time} is before now (${this.clock})`);
    }
    const ev: ScheduledEvent<P> = { time, seq: this.nextSeq++, payload, cancelled: false };
    this.push(ev);
    return ev;
  }

  /**
   * Schedule an event object the caller built (a class of its own that is also the
   * payload, say): one allocation per event instead of two. Its `seq` is set here; its
   * `time` must not be before now.
   */
  scheduleEvent(ev: ScheduledEvent<P> & { seq: number }): void {
    if (!(ev.time >= this.clock)) {
      throw new RangeError(`Scheduler.scheduleEvent: time ${ev.time} is before now (${this.clock})`);
    }
    ev.seq = this.nextSeq++;
    this.push(ev);
  }

  /** Sift a new entry up the (time, seq) heap. */
  private push(ev: ScheduledEvent<P>): void {
    const { time, seq } = ev;
    const heap = this.heap;
    heap.push(ev);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] as ScheduledEvent<P>;
      if (p.time < time || (p.time === time && p.seq < seq)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = ev;
    this.live++;
  }


  /** Cancel a scheduled event; it will never be returned by `next`. */
  cancel(ev: ScheduledEvent<P>): void {
    if (!ev.cancelled) {
      ev.cancelled = true;
      this.live--;
    }
  }

  /** Time of the next live event, or undefined when idle. */
  peekTime(): number | undefined {
    this.dropCancelledTop();
    return this.heap[0]?.time;
  }

  /** Take the next live event and advance the clock to its time. */
  next(): ScheduledEvent<P> | undefined {
    this.dropCancelledTop();
    const top = this.pop();
    if (top === undefined) return undefined;
    this.live--;
    // Taken: cancelling it now is a no-op (and must not count it twice).
    top.cancelled = true;
    this.clock = top.time;
    return top;
  }

  /** Advance the clock without running anything (for run-until-time on an idle queue). */
  advanceTo(time: number): void {
    if (time > this.clock) this.clock = time;
  }

  private dropCancelledTop(): void {
    while (this.heap.length > 0 && (this.heap[0] as ScheduledEvent<P>).cancelled) this.pop();
  }

  private pop(): ScheduledEvent<P> | undefined {
    const heap = this.heap;
    const n = heap.length;
    if (n === 0) return undefined;
    const top = heap[0] as ScheduledEvent<P>;
    const last = heap.pop() as ScheduledEvent<P>;
    if (n > 1) {
      const size = n - 1;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= size) break;
        const r = l + 1;
        let c = l;
        let child = heap[l] as ScheduledEvent<P>;
        if (r < size) {
          const rc = heap[r] as ScheduledEvent<P>;
          if (rc.time < child.time || (rc.time === child.time && rc.seq < child.seq)) {
            c = r;
            child = rc;
          }
        }
        if (last.time < child.time || (last.time === child.time && last.seq < child.seq)) break;
        heap[i] = child;
        i = c;
      }
      heap[i] = last;
    }
    return top;
  }
}
