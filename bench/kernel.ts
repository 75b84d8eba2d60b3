/**
 * The kernel's raw event rate: schedule + deliver of a no-op message, with the trace
 * hash on (as in every real run). The floor that protocol benchmarks are measured against.
 *
 * - `kernel.eventsPerSec`: four chains of no-op messages relayed round four nodes (one
 *   event in, one event out), through the whole send, dispatch, network and trace path.
 * - `kernel.floorEventsPerSec`: a bare binary heap of (time, seq) pairs in typed arrays
 *   with 1,024 events pending, one pop and one push per event: what an event costs with
 *   nothing but ordering. Measured in the same run, so the ratio needs no other figure.
 * - `kernel.ratioToFloor`: eventsPerSec / floorEventsPerSec.
 */
import { Simulation, type NodeMachine } from '../src/sim/kernel/index.ts';
import { performance } from 'node:perf_hooks';

type Msg = { readonly type: 'noop' };
const NOOP: Msg = { type: 'noop' };
const PEERS = ['n0', 'n1', 'n2', 'n3'];

/** Every delivery sends one new no-op message to the next node: one event in, one event out. */
const relay: NodeMachine<{ left: number }, Msg, number> = {
  start: () => ({ state: { left: 0 }, effects: [] }),
  step(state, input, ctx) {
    if (input.kind === 'command') state.left = input.command;
    else if (input.kind === 'message') state.left--;
    if (state.left <= 0) return [];
    const next = PEERS[(PEERS.indexOf(ctx.self) + 1) % PEERS.length] as string;
    return [{ kind: 'send', to: next, msg: NOOP }];
  },
  describe: () => 'noop',
};

const EVENTS_PER_RUN = 200_000;

function runOnce(): number {
  const sim = new Simulation({ seed: 1, network: { latency: { kind: 'uniform', minMs: 1, maxMs: 3 } } });
  for (const id of PEERS) sim.addNode(id, relay);
  // Four independent chains in flight at once, so the heap holds several events.
  for (const id of PEERS) sim.command(id, EVENTS_PER_RUN / PEERS.length);
  return sim.run().events;
}

const FLOOR_PENDING = 1_024;

/**
 * The floor: a binary min-heap of (time, seq) in a Float64Array and an Int32Array, kept at
 * FLOOR_PENDING events; each event pops the earliest and pushes one 1 to 3 ms later (an
 * xorshift draw), as the relay does.
 */
function floorOnce(): number {
  const time = new Float64Array(FLOOR_PENDING + 1);
  const seq = new Int32Array(FLOOR_PENDING + 1);
  let size = 0;
  let nextSeq = 0;
  let x = 0x9e3779b9 | 0;
  const push = (t: number): void => {
    const s = nextSeq++;
    let i = size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = time[p] as number;
      if (pt < t || (pt === t && (seq[p] as number) < s)) break;
      time[i] = pt;
      seq[i] = seq[p] as number;
      i = p;
    }
    time[i] = t;
    seq[i] = s;
  };
  for (let i = 0; i < FLOOR_PENDING; i++) push(i / FLOOR_PENDING);
  let checksum = 0;
  for (let e = 0; e < EVENTS_PER_RUN; e++) {
    // Pop the earliest.
    const now = time[0] as number;
    checksum += seq[0] as number;
    const lastT = time[--size] as number;
    const lastS = seq[size] as number;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= size) break;
      let c = l;
      let ct = time[l] as number;
      let cs = seq[l] as number;
      const r = l + 1;
      if (r < size) {
        const rt = time[r] as number;
        const rs = seq[r] as number;
        if (rt < ct || (rt === ct && rs < cs)) {
          c = r;
          ct = rt;
          cs = rs;
        }
      }
      if (lastT < ct || (lastT === ct && lastS < cs)) break;
      time[i] = ct;
      seq[i] = cs;
      i = c;
    }
    time[i] = lastT;
    seq[i] = lastS;
    // Push its successor 1 to 3 ms later.
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    push(now + 1 + ((x >>> 0) / 4294967296) * 2);
  }
  if (checksum < 0) throw new Error('bench kernel.floor: impossible checksum');
  return EVENTS_PER_RUN;
}

/**
 * Floor and kernel runs alternate (one warm-up each, then at least ROUNDS pairs and a
 * second of each), so a machine whose load changes during the bench slows both alike.
 */
const ROUNDS = 5;
const MIN_MS = 1_000;

export async function benchKernel(): Promise<Record<string, number>> {
  floorOnce();
  runOnce();
  let floorMs = 0;
  let kernelMs = 0;
  let floorEvents = 0;
  let kernelEvents = 0;
  for (let round = 0; round < ROUNDS || floorMs < MIN_MS || kernelMs < MIN_MS; round++) {
    let t = performance.now();
    floorEvents += floorOnce();
    floorMs += performance.now() - t;
    t = performance.now();
    kernelEvents += runOnce();
    kernelMs += performance.now() - t;
  }
  const floor = (floorEvents / floorMs) * 1000;
  const events = (kernelEvents / kernelMs) * 1000;
  return { 'kernel.eventsPerSec': events, 'kernel.floorEventsPerSec': floor, 'kernel.ratioToFloor': events / floor };
}
