/**
 * What an orderer serves another orderer's block puller (issue #15): the blocks it has
 * written, not the ones it has decided. Fabric's SmartBFT chain writes a decided block with
 * BlockWriter.WriteBlock (orderer/consensus/smartbft/chain.go Deliver), which appends it in a
 * goroutine (orderer/common/multichannel/blockwriter.go), and the block puller's height probe
 * (orderer/common/cluster/deliver.go probeEndpoints) and its pulls (the BFT deliverer,
 * common/deliverclient/blocksprovider) go through the Deliver service, which reads the ledger
 * (orderer/common/deliver). The model's write time is `deliverMs` (calibrate's
 * figures.deliver), the same as the peers' Deliver streams wait. One orderer, fed one input
 * at a time.
 */
import { describe, expect, it } from 'vitest';
import { proposalDigest, sign } from '../../../src/sim/consensus/crypto.ts';
import type { Decision } from '../../../src/sim/consensus/types.ts';
import { Rng } from '../../../src/sim/kernel/rng.ts';
import type { Effect, Input, NodeContext } from '../../../src/sim/kernel/types.ts';
import { CHANNEL, genesisBlock } from '../../../src/sim/fabric/block.ts';
import { blockApplication, createOrderer, type OrdererState } from '../../../src/sim/fabric/orderer.ts';
import { buildTopology } from '../../../src/sim/fabric/topology.ts';

const topology = buildTopology();
const genesis = genesisBlock({ channel: CHANNEL, orgs: topology.orgs, orderers: topology.orderers.map((o) => o.id), policy: topology.policyText });
const nameOf = (consenter: number): string => topology.orderers.find((o) => o.consenterId === consenter)!.id;

/** Consenter 2 (a follower in view 0) as an orderer with `deliverMs`, stepped by hand. */
function oneOrderer(deliverMs: number) {
  const machine = createOrderer({ id: nameOf(2), topology, genesis, deliverMs });
  let now = 0;
  const rng = Rng.create(1).fork('node:one');
  const ctx = (): NodeContext => ({ now, self: nameOf(2), rng });
  const store = new Map<string, unknown[]>();
  const durable = { get: <T,>(k: string) => store.get(k) as T | undefined, list: <T,>(k: string) => (store.get(k) ?? []) as readonly T[], has: (k: string) => store.has(k), keys: () => [...store.keys()] };
  const timers = new Map<string, { at: number; data: unknown }>();
  const apply = (effects: readonly Effect<unknown, unknown>[]) => {
    for (const e of effects) if (e.kind === 'setTimer') timers.set(e.name, { at: now + e.afterMs, data: e.data });
    return effects;
  };
  const started = machine.start(ctx(), durable as never);
  const state: OrdererState = started.state;
  apply(started.effects as never);
  const step = (input: Input<never, never>) => apply(machine.step(state, input as never, ctx()) as never);
  return {
    state,
    timers,
    at(t: number) {
      now = t;
    },
    receive: (from: number, msg: unknown) => step({ kind: 'message', from: nameOf(from), msg } as never),
    timer: (name: string) => {
      const t = timers.get(name)!;
      timers.delete(name);
      now = t.at;
      return step({ kind: 'timer', name, data: t.data } as never);
    },
  };
}

/** Block 1, proposed by consenter 1 in view 0, as Fabric's block assembler builds it. */
function block1(): Decision {
  const app = blockApplication(genesis);
  const p = app.assemble([{ clientId: 'c', reqId: 'tx1', size: 10, payload: 'env-tx1' }], { viewId: 0, latestSequence: 1, decisionsInView: 0 }, undefined);
  const proposal = { ...p, digest: proposalDigest(p.header, p.payload, p.metadata) };
  return { seq: 1, proposal, signatures: [1, 3, 2].map((x) => sign(x, proposal.digest)) };
}

/** The orderer decides block 1 on the votes of consenters 1 and 3. */
function decideBlock1(o: ReturnType<typeof oneOrderer>): void {
  const d = block1();
  const digest = d.proposal.digest;
  o.receive(1, { type: 'PrePrepare', view: 0, seq: 1, proposal: d.proposal });
  for (const x of [1, 3]) o.receive(x, { type: 'Prepare', view: 0, seq: 1, digest, assist: false });
  for (const x of [1, 3]) o.receive(x, { type: 'Commit', view: 0, seq: 1, digest, signature: sign(x, digest), assist: false });
  expect(o.state.consenter.ledger.map((x) => x.seq)).toEqual([1]);
}

const sentTo = (effects: readonly Effect<unknown, unknown>[], to: number) =>
  effects.flatMap((e) => (e.kind === 'send' && e.to === nameOf(to) ? [e.msg as { type: string; height?: number; decisions?: readonly Decision[] }] : []));

describe('BlockWriter.WriteBlock and the Deliver service: a block puller is served the blocks written, deliverMs after their decision', () => {
  it('probeEndpoints (cluster/deliver.go): the height probe reads the written height, the decided block counts once written', () => {
    const o = oneOrderer(10);
    o.at(100);
    decideBlock1(o);
    expect(o.timers.get('orderer.written:2')?.at).toBe(110);
    expect(sentTo(o.receive(4, { type: 'HeightRequest', syncId: 5 }), 4)).toEqual([{ type: 'HeightResponse', syncId: 5, height: 1 }]);
    o.timer('orderer.written:2');
    expect(sentTo(o.receive(4, { type: 'HeightRequest', syncId: 6 }), 4)).toEqual([{ type: 'HeightResponse', syncId: 6, height: 2 }]);
  });

  it('the BFT deliverer pulling from it (blocksprovider): no block before the write, the block after it', () => {
    const o = oneOrderer(10);
    decideBlock1(o);
    expect(sentTo(o.receive(4, { type: 'BlockRequest', syncId: 5, fromSeq: 1, toSeq: 1 }), 4)).toEqual([{ type: 'BlockResponse', syncId: 5, decisions: [] }]);
    o.timer('orderer.written:2');
    const [r] = sentTo(o.receive(4, { type: 'BlockRequest', syncId: 6, fromSeq: 1, toSeq: 1 }), 4);
    expect(r?.decisions?.map((x) => x.seq)).toEqual([1]);
  });

  it('no write time (deliverMs 0): the decided block is served at once, as the SmartBFT library alone serves its ledger', () => {
    const o = oneOrderer(0);
    decideBlock1(o);
    expect(o.timers.has('orderer.written:2')).toBe(false);
    expect(sentTo(o.receive(4, { type: 'HeightRequest', syncId: 5 }), 4)).toEqual([{ type: 'HeightResponse', syncId: 5, height: 2 }]);
  });
});
