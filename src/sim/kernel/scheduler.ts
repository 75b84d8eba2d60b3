/**
 * Discrete-event scheduler in simulated milliseconds.
 *
 * Events are ordered by (time, insertion number): two events at the same time run in
 * the order they were scheduled, so no tie is left to chance. Cancellation is lazy (a
 * cancelled event stays in the heap, flagged, and is skipped when it comes up).
 */

/** A copy of `a`, `n` entries long (n >= a.length), for the kernel's typed arrays that double when full. */
export function grown<A extends Float64Array | Int32Array>(a: A, n: number): A {
  const b = new (a.constructor as new (n: number) => A)(n);
  b.set(a);
  return b;
}

export interface ScheduledEvent<P> {
  readonly time: number;
  readonly seq: number;
  readonly payload: P;
  /** True once cancelled or taken by `next` (a keyed event: once its last entry is taken). */
  cancelled: boolean;
  /**
   * An event that stands for several entries (see `scheduleKeyed`): called when `next`
   * takes its current entry; moves its time and seq to its next entry and returns true, or
   * returns false when that was the last (the event then leaves the heap). Never cancelled.
   */
  advance?(): boolean;
}

/** Heap slots allocated at first; doubled when full. */
const INITIAL_CAPACITY = 1024;

export class Scheduler<P> {
  /**
   * The heap, as parallel typed arrays: each entry's (time, seq) key and the slot of its
   * event. Sifting compares and moves numbers only: the event objects stay put in `table`,
   * written once when scheduled (a heap of object references paid a write barrier at each
   * level a sift moved an entry; at n=64 the heap holds thousands of deliveries).
   */
  private times = new Float64Array(INITIAL_CAPACITY);
  private seqs = new Float64Array(INITIAL_CAPACITY);
  private slots = new Int32Array(INITIAL_CAPACITY);
  /** The events by slot; a slot is free again once its event is taken. */
  private table: (ScheduledEvent<P> | undefined)[] = new Array<ScheduledEvent<P> | undefined>(INITIAL_CAPACITY).fill(undefined);
  /** Free slots (a stack), and the slots never used yet from `fresh` on. */
  private free = new Int32Array(INITIAL_CAPACITY);
  private freeTop = 0;
  private fresh = 0;
  private size = 0;
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
    this.live++;
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
    this.live++;
  }

  /**
   * The next insertion number, for an entry the caller keeps in an event of its own (a
   * fan-out's deliveries): taken in the order the entries are made, as `schedule` would.
   */
  takeSeq(): number {
    return this.nextSeq++;
  }

  /**
   * Schedule an event that stands for `pending` entries (at least 1), each with its own
   * (time, seq) from `takeSeq`; the event's own time and seq are its earliest entry's, and
   * its `advance` moves them on. `next` returns it once per entry: it stays at the top of
   * the heap re-keyed (one sift down, where taking it out and putting it back is two). The
   * event may be one taken before (its `cancelled` mark is cleared).
   */
  scheduleKeyed(ev: ScheduledEvent<P>, pending: number): void {
    if (!(ev.time >= this.clock)) {
      throw new RangeError(`Scheduler.scheduleKeyed: time ${ev.time} is before now (${this.clock})`);
    }
    ev.cancelled = false;
    this.push(ev);
    this.live += pending;
  }

  /** Put an entry in a free slot and sift it up the (time, seq) heap (the caller counts it as pending). */
  private push(ev: ScheduledEvent<P>): void {
    const time = ev.time;
    const seq = ev.seq;
    if (this.size === this.times.length) this.grow();
    const slot = this.freeTop > 0 ? (this.free[--this.freeTop] as number) : this.fresh++;
    this.table[slot] = ev;
    const times = this.times;
    const seqs = this.seqs;
    const slots = this.slots;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent] as number;
      if (pt < time || (pt === time && (seqs[parent] as number) < seq)) break;
      times[i] = pt;
      seqs[i] = seqs[parent] as number;
      slots[i] = slots[parent] as number;
      i = parent;
    }
    times[i] = time;
    seqs[i] = seq;
    slots[i] = slot;
  }

  /** Double every array (the heap is full, so every slot is in use: none is free). */
  private grow(): void {
    const n = this.times.length * 2;
    this.times = grown(this.times, n);
    this.seqs = grown(this.seqs, n);
    this.slots = grown(this.slots, n);
    this.free = new Int32Array(n);
    for (let i = this.table.length; i < n; i++) this.table.push(undefined);
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
    return this.size > 0 ? this.times[0] : undefined;
  }

  /** Take the next live event and advance the clock to its time. */
  next(): ScheduledEvent<P> | undefined {
    this.dropCancelledTop();
    if (this.size === 0) return undefined;
    // The time from the heap, not the event: an event's time field is a boxed number, one
    // more cache miss per event when thousands are pending (n=64).
    const time = this.times[0] as number;
    const slot = this.slots[0] as number;
    const top = this.table[slot] as ScheduledEvent<P>;
    this.live--;
    this.clock = time;
    if (top.advance !== undefined && top.advance()) {
      // Its next entry: the same slot, re-keyed at the root.
      this.siftDown(top.time, top.seq, slot);
      return top;
    }
    this.pop();
    // Taken: cancelling it now is a no-op (and must not count it twice).
    top.cancelled = true;
    return top;
  }

  /** Advance the clock without running anything (for run-until-time on an idle queue). */
  advanceTo(time: number): void {
    if (time > this.clock) this.clock = time;
  }

  private dropCancelledTop(): void {
    while (this.size > 0 && (this.table[this.slots[0] as number] as ScheduledEvent<P>).cancelled) this.pop();
  }

  private pop(): ScheduledEvent<P> | undefined {
    const n = this.size;
    if (n === 0) return undefined;
    const topSlot = this.slots[0] as number;
    const top = this.table[topSlot] as ScheduledEvent<P>;
    this.table[topSlot] = undefined;
    this.free[this.freeTop++] = topSlot;
    const size = n - 1;
    this.size = size;
    if (size > 0) this.siftDown(this.times[size] as number, this.seqs[size] as number, this.slots[size] as number);
    return top;
  }

  /** Put the entry (lastT, lastS, last) at the root and sift it down the heap of `size` entries. */
  private siftDown(lastT: number, lastS: number, last: number): void {
    const times = this.times;
    const seqs = this.seqs;
    const slots = this.slots;
    const size = this.size;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= size) break;
      let c = l;
      let ct = times[l] as number;
      let cs = seqs[l] as number;
      const r = l + 1;
      if (r < size) {
        const rt = times[r] as number;
        const rs = seqs[r] as number;
        if (rt < ct || (rt === ct && rs < cs)) {
          c = r;
          ct = rt;
          cs = rs;
        }
      }
      if (lastT < ct || (lastT === ct && lastS < cs)) break;
      times[i] = ct;
      seqs[i] = cs;
      slots[i] = slots[c] as number;
      i = c;
    }
    times[i] = lastT;
    seqs[i] = lastS;
    slots[i] = last;
  }
}
