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
