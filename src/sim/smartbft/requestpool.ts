/**
 * RequestPool (internal/bft/requestpool.go): FIFO pool of client requests with capacity
 * RequestPoolSize, duplicate and size checks, and per-request timers: forward to the
 * leader after RequestForwardTimeout, complain after RequestComplainTimeout, drop after
 * RequestAutoRemoveTimeout. Timers stop during a view change and restart afterwards.
 *
 * A submission to a full pool waits (the pool's semaphore, FIFO) up to
 * RequestPoolSubmitTimeout for a decision or auto-removal to make room, then fails. The ids
 * of removed requests are remembered as processed (delMap/delSlice), each id once
 * (moveToDelSlice: a decided id already processed, e.g. auto-removed before, is not added
 * again); every 5 s the list is cut to its last 1000 ids. A processed id is marked with its
 * place in that list, in a table of its own (delMap), so the erase forgets ids by moving
 * the list's head, without deleting each (a follower deleted about 9,000 ids per erase at
 * 1,600 blocks/s, and a Map of them shrank and grew again each time), and rebuilds the
 * table from the marks still live; it is rebuilt too if it fills to half between erases.
 *
 * The three timer stages keep FIFO queues (deadlines grow along each queue), so one kernel
 * timer set at the earliest head deadline stands for all per-request timers.
 * Difference from Go: the 5-second erase runs on the first 1-second tick at or after it.
 */
import type { Request } from './api.ts';
import { requestKey } from '../consensus/crypto.ts';
import { fmix32 } from '../../shared/hash.ts';
import { TIMERS, type Io } from './io.ts';
import type { ConsenterState, PoolEntry, RequestPoolState } from './state.ts';
import { onRequestSubmitted } from './batcher.ts';

/** defaultSizeOfDelElements and defaultEraseTimeout (requestpool.go). */
const PROCESSED_KEPT = 1000;
/** The marks table's least size (a power of two). */
const MARK_SLOTS_MIN = 1024;
export const PROCESSED_ERASE_INTERVAL_MS = 5_000;

/**
 * RequestTimeoutHandler (requestpool.go): what the pool calls when a request's forward or
 * complain timer expires. The Controller implements it (controller.go OnRequestTimeout,
 * OnLeaderFwdRequestTimeout); the pool itself knows no leader and no view.
 */
export interface RequestTimeoutHandler {
  onRequestTimeout(s: ConsenterState, io: Io, request: Request): void;
  onLeaderFwdRequestTimeout(s: ConsenterState, io: Io, request: Request): void;
}

/** NewPool: empty, its erase ticker started now. */
export function newRequestPoolState(now: number): RequestPoolState {
  return {
    // Stryker disable next-line ArrayDeclaration: a non-entry element is skipped like a removed request: every reader of the pool checks `inPool` first
    fifo: [],
    head: 0,
    size: 0,
    bytes: 0,
    // Stryker disable next-line ArrayDeclaration: the same for the timer queues (`stage` and `inPool` are checked first)
    queues: [[], [], []],
    queueHeads: [0, 0, 0],
    timerAt: -1,
    timersStopped: false,
    requests: new Map(),
    unpooled: 0,
    waiting: [],
    processed: [],
    processedHead: 0,
    processedBase: 0,
    marks: new Int32Array(2 * MARK_SLOTS_MIN),
    markUsed: 0,
    lastBatch: undefined,
    // Stryker disable next-line ArithmeticOperator: eraseProcessed steps the deadline by whole intervals from where it is, so the schedule stays start + k intervals
    processedEraseAt: now + PROCESSED_ERASE_INTERVAL_MS,
  };
}

/** The hash of a request id (clientId, reqId) in the marks table: FNV-1a over both, a separator between. */
function idHash(r: Request): number {
  let h = 0x811c9dc5;
  const c = r.clientId;
  for (let i = 0; i < c.length; i++) h = Math.imul(h ^ c.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ 0x10000, 0x01000193);
  const q = r.reqId;
  for (let i = 0; i < q.length; i++) h = Math.imul(h ^ q.charCodeAt(i), 0x01000193);
  return fmix32(h) | 0;
}

function sameId(a: Request, b: Request): boolean {
  return a === b || (a.reqId === b.reqId && a.clientId === b.clientId);
}

/**
 * The slot of `r`'s processed mark (`h` is its idHash), or, when it has none, -1 - the
 * empty slot a mark of it goes to. Slot i is `marks[2i]` (the mark + 1, 0 when empty) and
 * `marks[2i + 1]` (the id's hash): a probe reads one cache line, and writing a mark
 * touches no other. Every mark in the table is live: the erase rebuilds it.
 */
function findMark(s: ConsenterState, r: Request, h: number): number {
  const pool = s.pool;
  const marks = pool.marks;
  const mask = (marks.length >> 1) - 1;
  for (let i = h & mask; ; i = (i + 1) & mask) {
    const v = marks[2 * i] as number;
    if (v === 0) return -1 - i;
    if (marks[2 * i + 1] === h && sameId(pool.processed[v - 1 - pool.processedBase] as Request, r)) return i;
  }
}

/** moveToDelSlice: remember `r` as processed at slot `at` (the caller found it has no live mark). */
function markProcessed(s: ConsenterState, r: Request, h: number, at: number): void {
  const pool = s.pool;
  const marks = pool.marks;
  pool.markUsed++;
  marks[2 * at] = pool.processedBase + pool.processed.length + 1;
  marks[2 * at + 1] = h;
  pool.processed.push(r);
  if (pool.markUsed * 2 >= marks.length >> 1) rebuildMarks(s, 0);
}

/**
 * The marks table from the live marks alone (their hashes are in the table: nothing is
 * hashed again), with at least `slots` slots and room for four times the live marks. A
 * mark below the processed list's head was erased: its id is forgotten.
 */
function rebuildMarks(s: ConsenterState, slots: number): void {
  const pool = s.pool;
  const old = pool.marks;
  const live = pool.processed.length - pool.processedHead;
  let size = MARK_SLOTS_MIN;
  while (size < live * 4 || size < slots) size *= 2;
  const marks = new Int32Array(2 * size);
  const mask = size - 1;
  const first = pool.processedBase + pool.processedHead + 1;
  for (let j = 0; j < old.length; j += 2) {
    const v = old[j] as number;
    if (v < first) continue;
    const h = old[j + 1] as number;
    let i = h & mask;
    while (marks[2 * i] !== 0) i = (i + 1) & mask;
    marks[2 * i] = v;
    marks[2 * i + 1] = h;
  }
  pool.marks = marks;
  pool.markUsed = live;
}

/** The request's entry while it is pooled (existMap). */
function pooledEntry(s: ConsenterState, r: Request): PoolEntry | undefined {
  const e = s.pool.requests.get(r.clientId)?.get(r.reqId);
  return e !== undefined && e.inPool ? e : undefined;
}

function indexSet(s: ConsenterState, e: PoolEntry): void {
  const r = e.request;
  let m = s.pool.requests.get(r.clientId);
  if (m === undefined) s.pool.requests.set(r.clientId, (m = new Map()));
  m.set(r.reqId, e);
}

/** The entry leaves the pool and its request becomes processed (deleteRequest, then moveToDelSlice). */
function unpool(s: ConsenterState, e: PoolEntry): void {
  e.inPool = false;
  s.pool.size--;
  s.pool.bytes -= e.request.size;
  s.pool.unpooled++;
  // A pooled id has no live mark: findMark gives the slot for one.
  markProcessed(s, e.request, e.hash, -1 - findMark(s, e.request, e.hash));
}

/** Entries that left the pool outnumber the pooled ones by 1024: rebuild existMap from the FIFO. */
function dropUnpooled(s: ConsenterState): void {
  const pool = s.pool;
  // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator: when to rebuild (memory only): readers skip entries that left the pool, so rebuilding at any point or never reads the same; pinned by requestpool-rules.test.ts (bounded index)
  if (pool.unpooled <= pool.size + 1024) return;
  pool.requests = new Map();
  pool.unpooled = 0;
  for (let i = pool.head; i < pool.fifo.length; i++) {
    const e = pool.fifo[i] as PoolEntry;
    if (e.inPool) indexSet(s, e);
  }
}

function reject(io: Io, request: Request, reason: string): string {
  io.fact({ type: 'bft.requestRejected', request: requestKey(request), reason });
  return reason;
}

/** existMap / delMap: the request (`h` its idHash) is pooled, or was processed not long ago. */
function duplicate(s: ConsenterState, request: Request, h: number): string | null {
  if (pooledEntry(s, request) !== undefined) return 'request already exists';
  if (findMark(s, request, h) >= 0) return 'request already processed';
  return null;
}

/** How many processed ids are remembered (len(delSlice)). */
export function processedCount(s: ConsenterState): number {
  return s.pool.processed.length - s.pool.processedHead;
}

/**
 * Pool.Submit. Returns null when pooled or waiting for room, else the SmartBFT error text.
 * A full pool (or one with earlier waiters: the semaphore is FIFO) makes the submission
 * wait up to RequestPoolSubmitTimeout.
 */
export function submitRequest(s: ConsenterState, io: Io, request: Request): string | null {
  if (request.size > s.config.RequestMaxBytes) return reject(io, request, `submitted request (${request.size}) is bigger than request max bytes (${s.config.RequestMaxBytes})`);
  const h = idHash(request);
  const dup = duplicate(s, request, h);
  if (dup !== null) return reject(io, request, dup);
  if (s.pool.size >= s.config.RequestPoolSize || s.pool.waiting.length > 0) {
    const deadline = io.now + s.config.RequestPoolSubmitTimeout;
    if (s.pool.waiting.length === 0) io.setTimer(TIMERS.poolSubmit, deadline - io.now);
    s.pool.waiting.push({ request, deadline });
    // Pool.Submit has not returned yet: its caller learns the outcome later, from
    // bft.requestAdmitted or bft.requestRejected.
    io.fact({ type: 'bft.requestWaiting', request: requestKey(request) });
    return null;
  }
  addToPool(s, io, request, h);
  return null;
}

/** The semaphore is acquired: check again (it may have been added or decided meanwhile), then pool it. */
function admit(s: ConsenterState, io: Io, request: Request): void {
  const h = idHash(request);
  const dup = duplicate(s, request, h);
  if (dup !== null) {
    reject(io, request, dup);
    return;
  }
  io.fact({ type: 'bft.requestAdmitted', request: requestKey(request) });
  addToPool(s, io, request, h);
}

/** Room was made (semaphore.Release): admit waiters in FIFO order. */
function admitWaiting(s: ConsenterState, io: Io): void {
  // Stryker disable next-line ConditionalExpression: a shortcut; with no waiter the loop admits nothing and cancelling the submit timer, which is not set then, does nothing
  if (s.pool.waiting.length === 0) return;
  while (s.pool.waiting.length > 0 && s.pool.size < s.config.RequestPoolSize) {
    const w = s.pool.waiting.shift() as { request: Request; deadline: number };
    admit(s, io, w.request);
  }
  if (s.pool.waiting.length === 0) io.cancelTimer(TIMERS.poolSubmit);
}

/** Waiters whose context expired: `acquiring semaphore for request: <id>: context deadline exceeded`. */
export function onSubmitTimeouts(s: ConsenterState, io: Io): void {
  while (s.pool.waiting.length > 0 && (s.pool.waiting[0] as { deadline: number }).deadline <= io.now) {
    const w = s.pool.waiting.shift() as { request: Request };
    reject(io, w.request, `acquiring semaphore for request: ${requestKey(w.request)}: context deadline exceeded`);
  }
  const next = s.pool.waiting[0];
  if (next !== undefined) io.setTimer(TIMERS.poolSubmit, next.deadline - io.now);
}

function addToPool(s: ConsenterState, io: Io, request: Request, hash: number): void {
  const entry: PoolEntry = { request, hash, inPool: true, stage: 0, deadline: io.now + s.config.RequestForwardTimeout };
  s.pool.fifo.push(entry);
  s.pool.size++;
  indexSet(s, entry);
  s.pool.bytes += request.size;
  // Stryker disable next-line ConditionalExpression: (to true) a request enqueued while stopped is consumed without expiring by onRequestTimers' stopped check, and RestartTimers rebuilds the queues from the pool
  if (!s.pool.timersStopped) enqueue(s, io, entry);
  onRequestSubmitted(s, io);
}

/** The oldest pooled entry. */
export function firstPooled(s: ConsenterState): PoolEntry | undefined {
  skipRemoved(s);
  return s.pool.fifo[s.pool.head];
}

/** Advance the FIFO head past decided entries; compact now and then. */
function skipRemoved(s: ConsenterState): void {
  const pool = s.pool.fifo;
  let h = s.pool.head;
  while (h < pool.length && !(pool[h] as PoolEntry).inPool) h++;
  // Stryker disable next-line all: compaction only (memory): the pool before the head holds decided entries only, which every reader skips, so slicing them off or not, or at another threshold, reads the same
  if (h > 1024 && h * 2 > pool.length) {
    // Stryker disable next-line MethodExpression: the same compaction; an unsliced pool with the head back at 0 is skipped up to the same entry next time
    s.pool.fifo = pool.slice(h);
    h = 0;
  }
  s.pool.head = h;
}

function enqueue(s: ConsenterState, io: Io, e: PoolEntry): void {
  s.pool.queues[e.stage].push(e);
  if (s.pool.timerAt < 0 || e.deadline < s.pool.timerAt) {
    s.pool.timerAt = e.deadline;
    io.setTimer(TIMERS.requestTimers, e.deadline - io.now);
  }
}

/**
 * Pool.NextRequests: FIFO, up to max count and bytes, skipping a censored client. With
 * `entries`, each request's pool entry is pushed there too (the batch the leader proposes:
 * `removeRequests` takes them as they are when that batch is decided).
 */
export function nextRequests(s: ConsenterState, maxCount: number, maxBytes: number, censored: string | undefined, entries?: PoolEntry[]): Request[] {
  skipRemoved(s);
  const out: Request[] = [];
  let bytes = 0;
  const pool = s.pool.fifo;
  for (let i = s.pool.head; i < pool.length && out.length < maxCount; i++) {
    const e = pool[i] as PoolEntry;
    if (!e.inPool || (censored !== undefined && e.request.clientId === censored)) continue;
    if (bytes + e.request.size > maxBytes && out.length > 0) break;
    out.push(e.request);
    entries?.push(e);
    bytes += e.request.size;
  }
  return out;
}

/**
 * Pool.RemoveRequest for every request of a delivered block: a pooled one leaves the pool
 * (deleteRequest), and every one not processed yet becomes processed (moveToDelSlice, also
 * for a request that was not in the pool).
 */
export function removeRequests(s: ConsenterState, io: Io, requests: readonly Request[]): void {
  // Stryker disable next-line BooleanLiteral: waiters with room in the pool exist only right after a removal, and every removal (here, auto-removal) admits them at once; admitWaiting finds the pool full or no waiter otherwise
  let freed = false;
  // The batch this node proposed: its entries are at hand (a pooled entry is what existMap holds for its id).
  const batch = s.pool.lastBatch;
  const entries = batch !== undefined && batch.requests === requests ? batch.entries : undefined;
  for (let i = 0; i < requests.length; i++) {
    const r = requests[i] as Request;
    const e = entries?.[i];
    // Stryker disable next-line ConditionalExpression: (to false) the look-up below finds the same pooled entry
    if (e !== undefined && e.inPool) {
      unpool(s, e);
      freed = true;
      continue;
    }
    // Stryker disable next-line ConditionalExpression,EqualityOperator: a shortcut; an empty pool has no pooled entry to find
    const pooled = s.pool.size > 0 ? pooledEntry(s, r) : undefined;
    if (pooled !== undefined) {
      unpool(s, pooled);
      freed = true;
      continue;
    }
    const h = idHash(r);
    const at = findMark(s, r, h);
    if (at < 0) markProcessed(s, r, h, -1 - at);
  }
  // Stryker disable next-line ConditionalExpression: compaction only (memory): a follower never reads the FIFO (nextRequests is the leader's), so its decided entries were kept for the whole run; every reader skips them either way
  if (freed) skipRemoved(s);
  // Stryker disable next-line ConditionalExpression: the same: existMap's readers skip entries that left the pool
  if (freed) dropUnpooled(s);
  // Stryker disable next-line ConditionalExpression: see `freed` above: admitWaiting admits no one when nothing was freed
  if (freed) admitWaiting(s, io);
}

/** eraseFromDelSlice, on the pool's 5-second ticker: keep the last 1000 processed ids. */
export function eraseProcessed(s: ConsenterState, io: Io): void {
  if (io.now < s.pool.processedEraseAt) return;
  while (s.pool.processedEraseAt <= io.now) s.pool.processedEraseAt += PROCESSED_ERASE_INTERVAL_MS;
  const excess = processedCount(s) - PROCESSED_KEPT;
  // Stryker disable next-line ConditionalExpression,EqualityOperator: a shortcut; with excess <= 0 the head stays where it is
  if (excess <= 0) return;
  const pool = s.pool;
  const list = pool.processed;
  // Forget the oldest: their marks fall below the head.
  let h = pool.processedHead + excess;
  // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator,ArithmeticOperator,BlockStatement: when to compact (memory only): cutting the erased ids off the list at any point or never, with the head and the base shifted, reads the same; the cut itself is pinned by requestpool-rules.test.ts
  if (h > 1024 && h * 2 > list.length) {
    pool.processed = list.slice(h);
    pool.processedBase += h;
    h = 0;
  }
  pool.processedHead = h;
  // The forgotten ids leave the marks table, sized for as many marks as it held before the
  // erase (the ids the next 5 s will add, at the same rate) at half load or less: a
  // table that grew as it filled, and kept the forgotten slots, was rebuilt 2 to 4 times
  // per erase at 1,600 ids a second.
  rebuildMarks(s, 2 * pool.markUsed);
}

/** RequestsTimer.StopTimers (view change started). */
export function stopTimers(s: ConsenterState, io: Io): void {
  // Stryker disable next-line ConditionalExpression: (to false) stopping again empties queues that are empty and cancels a timer already cancelled
  if (s.pool.timersStopped) return;
  s.pool.timersStopped = true;
  // Stryker disable next-line ArrayDeclaration: RestartTimers sets the queues, their heads and the timer again before anything is enqueued (nothing is while stopped); a stale firing finds no head (a non-entry element has no stage)
  s.pool.queues = [[], [], []];
  // Stryker disable next-line ArrayDeclaration: the same, for the heads
  s.pool.queueHeads = [0, 0, 0];
  // Stryker disable next-line UnaryOperator: the same, for the armed deadline (onRequestTimers resets it first)
  s.pool.timerAt = -1;
  io.cancelTimer(TIMERS.requestTimers);
}

/** RequestsTimer.RestartTimers: every pooled request starts its forward timer afresh. */
export function restartTimers(s: ConsenterState, io: Io): void {
  s.pool.timersStopped = false;
  // Stryker disable next-line ArrayDeclaration: (["Stryker was here"]) a non-entry element has no stage, so peek steps over it like a stale one
  s.pool.queues = [[], [], []];
  s.pool.queueHeads = [0, 0, 0];
  s.pool.timerAt = -1;
  io.cancelTimer(TIMERS.requestTimers);
  skipRemoved(s);
  for (let i = s.pool.head; i < s.pool.fifo.length; i++) {
    const e = s.pool.fifo[i] as PoolEntry;
    if (!e.inPool) continue;
    e.stage = 0;
    e.deadline = io.now + s.config.RequestForwardTimeout;
    enqueue(s, io, e);
  }
}

/** The pool's timer fired: run every expired per-request timer, in deadline order. */
export function onRequestTimers(s: ConsenterState, io: Io, handler: RequestTimeoutHandler): void {
  s.pool.timerAt = -1;
  const now = io.now;
  for (;;) {
    let best = -1;
    let bestAt = Infinity;
    for (let q = 0; q < 3; q++) {
      const head = peek(s, q);
      if (head !== undefined && head.deadline < bestAt) {
        best = q;
        bestAt = head.deadline;
      }
    }
    if (best < 0) break;
    if (bestAt > now) {
      s.pool.timerAt = bestAt;
      io.setTimer(TIMERS.requestTimers, bestAt - now);
      break;
    }
    const queue = s.pool.queues[best as 0 | 1 | 2];
    const e = queue[s.pool.queueHeads[best as 0 | 1 | 2]] as PoolEntry;
    s.pool.queueHeads[best as 0 | 1 | 2]++;
    // Stryker disable next-line ConditionalExpression: StopTimers empties the queues, so a firing while stopped finds no head and breaks before this
    if (s.pool.timersStopped) break;
    expire(s, io, e, handler);
  }
  compact(s);
}

/** The head of timer queue `q`: its first entry still pooled and still at stage `q`. */
function peek(s: ConsenterState, q: number): PoolEntry | undefined {
  const queue = s.pool.queues[q as 0 | 1 | 2];
  let h = s.pool.queueHeads[q as 0 | 1 | 2];
  while (h < queue.length) {
    const e = queue[h] as PoolEntry;
    if (e.stage === q && e.inPool) {
      s.pool.queueHeads[q as 0 | 1 | 2] = h;
      return e;
    }
    h++;
  }
  s.pool.queueHeads[q as 0 | 1 | 2] = h;
  return undefined;
}

// Stryker disable next-line BlockStatement: compaction only (memory): the heads skip consumed entries whether they are sliced off or not
function compact(s: ConsenterState): void {
  // Stryker disable next-line all: the same compaction (q = 3 finds no queue)
  for (let q = 0; q < 3; q++) {
    const h = s.pool.queueHeads[q as 0 | 1 | 2];
    const queue = s.pool.queues[q as 0 | 1 | 2];
    // Stryker disable next-line all: the same compaction: at any threshold or none
    if (h > 256 && h * 2 > queue.length) {
      // Stryker disable next-line MethodExpression: the same; with the head back at 0 the consumed entries are skipped, each has left the stage of its queue or the pool
      s.pool.queues[q as 0 | 1 | 2] = queue.slice(h);
      s.pool.queueHeads[q as 0 | 1 | 2] = 0;
    }
  }
}

function expire(s: ConsenterState, io: Io, e: PoolEntry, handler: RequestTimeoutHandler): void {
  if (e.stage === 0) {
    handler.onRequestTimeout(s, io, e.request);
    e.stage = 1;
    e.deadline = io.now + s.config.RequestComplainTimeout;
    enqueue(s, io, e);
  } else if (e.stage === 1) {
    e.stage = 2;
    e.deadline = io.now + s.config.RequestAutoRemoveTimeout;
    enqueue(s, io, e);
    handler.onLeaderFwdRequestTimeout(s, io, e.request);
  } else {
    // Pool.RemoveRequest via the auto-remove timer: deleteRequest moves it to the processed ids.
    unpool(s, e);
    dropUnpooled(s);
    io.fact({ type: 'bft.requestRemoved', request: requestKey(e.request) });
    admitWaiting(s, io);
  }
}
