/**
 * Client streams (`NodeMachine.streamOf`): Fabric's cluster Step streams between orderers
 * (orderer/common/cluster/rpc.go, stream.go, remotecontext.go). A stream belongs to the
 * process of its peer it was opened to; once that process died, the sender loses the next
 * two messages on it before it opens a new one.
 */
import { describe, expect, it } from 'vitest';
import { Simulation, type Effect, type NodeMachine, type TraceRecord } from '../../../src/sim/kernel/index.ts';

type Msg = { type: 'm'; n: number; on?: string };
type Cmd = { type: 'send'; to: string; n: number; on?: string };

/** Sends what it is told to, on the stream it is told (`on`), and records what it receives. */
const node: NodeMachine<{ got: number[] }, Msg, Cmd> = {
  start: () => ({ state: { got: [] }, effects: [] }),
  step(state, input) {
    const out: Effect<Msg>[] = [];
    if (input.kind === 'message') state.got.push(input.msg.n);
    if (input.kind === 'command') out.push({ kind: 'send', to: input.command.to, msg: { type: 'm', n: input.command.n, ...(input.command.on !== undefined ? { on: input.command.on } : {}) } });
    return out;
  },
  describe: (m) => `m ${m.n}`,
  streamOf: (m) => m.on,
};

function cluster(): Simulation {
  const sim = new Simulation({ seed: 1, network: { latency: { kind: 'fixed', ms: 1 } }, trace: { keep: true } });
  for (const id of ['a', 'b', 'c']) sim.addNode(id, node);
  return sim;
}

/** Send `n` from `from` to `to` on stream `on` (null: on no stream) and run until idle. */
function send(sim: Simulation, from: string, to: string, n: number, on: string | null = 'consensus'): void {
  sim.command(from, { type: 'send', to, n, ...(on !== null ? { on } : {}) });
  sim.run();
}

const got = (sim: Simulation, id: string): number[] => sim.state<{ got: number[] }>(id)?.got ?? [];
const drops = (sim: Simulation): string[] =>
  sim.trace.records.filter((r): r is Extract<TraceRecord, { k: 'drop' }> => r.k === 'drop').map((r) => `${r.m} ${r.reason}`);

describe('kernel: client streams (Fabric cluster Step streams)', () => {
  it('stream.go sendMessage + rpc.go SendConsensus: after the peer restarts, the next send fails with EOF and cancels the stream, the one after finds it canceled and unmaps it, the third opens a new stream', () => {
    const sim = cluster();
    send(sim, 'a', 'b', 1);
    sim.crash('b');
    sim.restart('b');
    for (const n of [2, 3, 4, 5]) send(sim, 'a', 'b', n);
    expect(got(sim, 'b')).toEqual([4, 5]);
    expect(drops(sim)).toEqual(['m 2 stream', 'm 3 stream']);
  });

  it('remotecontext.go NewStream: while the peer is down the dial fails (no stream is opened); the first send after its restart opens one', () => {
    const sim = cluster();
    sim.crash('b');
    send(sim, 'a', 'b', 1);
    sim.restart('b');
    send(sim, 'a', 'b', 2);
    expect(got(sim, 'b')).toEqual([2]);
    expect(drops(sim)).toEqual(['m 1 down']);
  });

  it('sends while the peer is down use up the stale stream: after its restart nothing more is lost', () => {
    const sim = cluster();
    send(sim, 'a', 'b', 1);
    sim.crash('b');
    for (const n of [2, 3, 4]) send(sim, 'a', 'b', n);
    sim.restart('b');
    send(sim, 'a', 'b', 5);
    expect(got(sim, 'b')).toEqual([5]);
    expect(drops(sim)).toEqual(['m 2 down', 'm 3 down', 'm 4 down']);
  });

  it('rpc.go mapStream -> cleanCanceledStreams: opening a stream to another peer forgets the canceled one, so only one message to the restarted peer is lost', () => {
    const sim = cluster();
    send(sim, 'a', 'b', 1);
    sim.crash('b');
    sim.restart('b');
    send(sim, 'a', 'b', 2); // EOF: canceled
    send(sim, 'a', 'c', 3); // a new stream to c: the canceled one to b is removed
    send(sim, 'a', 'b', 4); // a new stream to b
    expect(got(sim, 'b')).toEqual([4]);
    expect(got(sim, 'c')).toEqual([3]);
    expect(drops(sim)).toEqual(['m 2 stream']);
  });

  it('streams are per operation: the consensus stream and the submit stream break separately', () => {
    const sim = cluster();
    send(sim, 'a', 'b', 1, 'consensus');
    sim.crash('b');
    sim.restart('b');
    send(sim, 'a', 'b', 2, 'submit'); // no submit stream yet: opened to the new process
    send(sim, 'a', 'b', 3, 'consensus');
    expect(got(sim, 'b')).toEqual([2]);
    expect(drops(sim)).toEqual(['m 3 stream']);
  });

  it("the sender's crash forgets its streams: its new process opens new ones", () => {
    const sim = cluster();
    send(sim, 'a', 'b', 1);
    sim.crash('b');
    sim.restart('b');
    sim.crash('a');
    sim.restart('a');
    send(sim, 'a', 'b', 2);
    expect(got(sim, 'b')).toEqual([2]);
    expect(drops(sim)).toEqual([]);
  });

  it('a message on no stream is delivered to the restarted process as before', () => {
    const sim = cluster();
    send(sim, 'a', 'b', 1, null);
    sim.crash('b');
    sim.restart('b');
    send(sim, 'a', 'b', 2, null);
    expect(got(sim, 'b')).toEqual([2]);
    expect(drops(sim)).toEqual([]);
  });
});

/**
 * The dial back-off (`dialBackoff`): Fabric's cluster connections are gRPC client
 * connections (orderer/common/cluster/connections.go), dialed with the orderer's
 * General.Backoff (orderer/common/server/main.go initializeClusterClientConfig,
 * internal/pkg/comm/config.go DialOptions: ConnectParams with Jitter 0.2); a refused dial
 * leaves the connection in TRANSIENT_FAILURE until a redial after the back-off finds the
 * peer serving (grpc-go internal/backoff, clientconn.go addrConn.resetTransport).
 */
describe('kernel: dial back-off of the connections streams are opened on (gRPC reconnect back-off)', () => {
  const backoff = { baseMs: 1_000, multiplier: 1.6, jitter: 0.2, maxMs: 3_000 };

  function dialing(): Simulation {
    const sim = new Simulation({ seed: 1, network: { latency: { kind: 'fixed', ms: 1 } }, trace: { keep: true }, dialBackoff: backoff });
    for (const id of ['a', 'b', 'c']) sim.addNode(id, node);
    return sim;
  }

  /** Send at simulated time `at` (ms) and run until idle. */
  function sendAt(sim: Simulation, at: number, from: string, to: string, n: number, on = 'consensus'): void {
    sim.run({ until: at });
    send(sim, from, to, n, on);
  }

  it('internal/backoff Backoff(0) = BaseDelay: after a refused dial, a new stream fails for 1 s even though the peer serves again at once; the redial at 1 s finds it up', () => {
    const sim = dialing();
    sim.crash('b');
    sendAt(sim, 100, 'a', 'b', 1); // refused: back-off until 1100
    sim.restart('b');
    sendAt(sim, 200, 'a', 'b', 2);
    sendAt(sim, 1_099, 'a', 'b', 3);
    sendAt(sim, 1_100, 'a', 'b', 4);
    expect(got(sim, 'b')).toEqual([4]);
    expect(drops(sim)).toEqual(['m 1 down', 'm 2 backoff', 'm 3 backoff']);
  });

  it('redials go on without sends: each one that finds the peer down waits longer (x1.6 +-20%, capped at MaxDelay +-20%), so a peer down for 10 s is reached up to 3.6 s after it serves', () => {
    const sim = dialing();
    sim.crash('b');
    sendAt(sim, 0, 'a', 'b', 1); // refused at 0; redials at 1000, then about 2600, 5200, 8200, 11200 ...
    sim.run({ until: 10_000 });
    sim.restart('b');
    let first = -1;
    for (let t = 10_000; t <= 14_000 && first < 0; t += 50) {
      sendAt(sim, t, 'a', 'b', t);
      if (got(sim, 'b').length > 0) first = t;
    }
    // Redials 1000, then 1280-1920, 2048-3072, 2400-3600 apart: the 4th lands at 6.7-9.6 s, so
    // the 5th (the first after the restart at 10 s) at 10.0-13.2 s at most.
    expect(first).toBeGreaterThan(10_000);
    expect(first).toBeLessThanOrEqual(13_200);
    expect(drops(sim).filter((d) => d.endsWith('backoff')).length).toBeGreaterThan(0);
  });

  it('the same seed gives the same redials (jitter from the seeded stream dial:a->b)', () => {
    const firstDelivery = (): number => {
      const sim = dialing();
      sim.crash('b');
      sendAt(sim, 0, 'a', 'b', 0);
      sim.run({ until: 9_000 });
      sim.restart('b');
      for (let t = 9_000; t <= 14_000; t += 10) {
        sendAt(sim, t, 'a', 'b', t);
        if (got(sim, 'b').length > 0) return t;
      }
      return -1;
    };
    expect(firstDelivery()).toBe(firstDelivery());
  });

  it('connections.go ConnectionStore: one connection per peer, shared by its streams: the submit stream waits out the back-off the consensus stream started', () => {
    const sim = dialing();
    sim.crash('b');
    sendAt(sim, 0, 'a', 'b', 1, 'consensus');
    sim.restart('b');
    sendAt(sim, 500, 'a', 'b', 2, 'submit');
    sendAt(sim, 1_000, 'a', 'b', 3, 'submit');
    expect(got(sim, 'b')).toEqual([3]);
    expect(drops(sim)).toEqual(['m 1 down', 'm 2 backoff']);
  });

  it('a connection that became ready starts again at BaseDelay after its next refused dial', () => {
    const sim = dialing();
    sim.crash('b');
    sendAt(sim, 0, 'a', 'b', 1);
    sim.run({ until: 20_000 }); // many refused redials
    sim.restart('b');
    sendAt(sim, 25_000, 'a', 'b', 2); // a redial found it up meanwhile: ready
    expect(got(sim, 'b')).toEqual([2]);
    sim.crash('b');
    sendAt(sim, 25_100, 'a', 'b', 3); // EOF on the old stream
    sendAt(sim, 25_200, 'a', 'b', 4); // its abort reason
    sendAt(sim, 25_300, 'a', 'b', 5); // a new stream: refused, 1 s back-off
    sim.restart('b');
    sendAt(sim, 26_299, 'a', 'b', 6);
    sendAt(sim, 26_300, 'a', 'b', 7);
    expect(got(sim, 'b')).toEqual([7]);
    expect(drops(sim)).toEqual(['m 1 down', 'm 3 down', 'm 4 down', 'm 5 down', 'm 6 backoff']);
  });

  it("the sender's crash forgets its back-offs: its new process dials afresh", () => {
    const sim = dialing();
    sim.crash('b');
    sendAt(sim, 0, 'a', 'b', 1);
    sim.restart('b');
    sim.crash('a');
    sim.restart('a');
    sendAt(sim, 10, 'a', 'b', 2);
    expect(got(sim, 'b')).toEqual([2]);
  });

  it('a stream already open is not held up: only new streams dial', () => {
    const sim = dialing();
    send(sim, 'a', 'c', 1);
    sim.crash('b');
    sendAt(sim, 10, 'a', 'b', 2); // refused: a -> b in back-off
    sendAt(sim, 20, 'a', 'c', 3);
    expect(got(sim, 'c')).toEqual([1, 3]);
  });

  it('refuses a back-off that cannot be gRPC\'s', () => {
    expect(() => new Simulation({ seed: 1, dialBackoff: { ...backoff, maxMs: 10 } })).toThrow(/dialBackoff/);
  });
});
