/**
 * Controller per-rule tests (internal/bft/controller.go, consensus.go Start): one consenter
 * fed one input (a message from a named consenter or a client, a command), asserting what
 * it answers, logs, reports and writes.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Decision } from '../../../src/sim/smartbft/api.ts';
import { createConsenter } from '../../../src/sim/smartbft/api.ts';
import { sign } from '../../../src/sim/consensus/crypto.ts';
import type { Commit, PrePrepare, Prepare } from '../../../src/sim/smartbft/messages.ts';
import { BftCluster } from './harness.ts';
import { logs, OneConsenter, sends } from './one.ts';

type Effects = ReturnType<OneConsenter['receive']>;
function events(out: Effects, type: string): Record<string, unknown>[] {
  const r: Record<string, unknown>[] = [];
  for (const e of out) if (e.kind === 'emit' && (e.event as { type: string }).type === type) r.push(e.event as Record<string, unknown>);
  return r;
}
const metrics = (out: Effects): Record<string, number> => Object.fromEntries(events(out, 'metric').map((m) => [m['name'] as string, m['value'] as number]));
const nodes = (...ids: number[]) => ids.map((id) => ({ id, name: `orderer${id}` }));

describe('createConsenter: options (consensus.go New / Fabric configuration checks)', () => {
  const cases: [string, Parameters<typeof createConsenter>[0], string][] = [
    ['no consenters', { id: 1, nodes: [] }, 'createConsenter: nodes must list at least one consenter'],
    ['nodes not a list', { id: 1, nodes: undefined as never }, 'createConsenter: nodes must list at least one consenter'],
    ['an id below 1', { id: 1, nodes: [...nodes(1), { id: 0, name: 'x' }] }, 'createConsenter: consenter id must be an integer >= 1, got 0'],
    ['a fractional id', { id: 1, nodes: [...nodes(1), { id: 1.5, name: 'x' }] }, 'createConsenter: consenter id must be an integer >= 1, got 1.5'],
    ['a duplicate id', { id: 1, nodes: [...nodes(1, 2), { id: 2, name: 'x' }] }, 'createConsenter: duplicate consenter id 2'],
    ['a duplicate name', { id: 1, nodes: [...nodes(1, 2), { id: 3, name: 'orderer2' }] }, 'createConsenter: duplicate node name "orderer2"'],
    ['its own id missing', { id: 5, nodes: nodes(1, 2) }, 'createConsenter: own id 5 is not in nodes [1, 2]'],
  ];
  it.each(cases)('%s: a one-line error', (_name, opts, message) => {
    expect(() => createConsenter(opts)).toThrow(new Error(message));
  });

  it('consenters listed in any order: sorted by id (the leader of view 0 is the lowest id)', () => {
    const node = new OneConsenter(3, 4);
    expect(node.state.nodes).toEqual([1, 2, 3, 4]);
    const m = createConsenter({ id: 2, nodes: nodes(4, 2, 3, 1) });
    expect(m).toBeDefined();
  });
});

describe('Controller.Start (consensus.go): the first view, gauges', () => {
  it('a follower: "Starting view 0 ... 1 0", viewStarted, gauges view 0, leader 1, is_leader 0', () => {
    const node = new OneConsenter(2, 4);
    expect(logs(node.effects).find((l) => l.kind === 'startView')!.args).toEqual([0, 1, 0]);
    expect(events(node.effects, 'bft.viewStarted')).toEqual([{ type: 'bft.viewStarted', view: 0, seq: 1, decisions: 0, leader: 1, role: 'follower' }]);
    expect(metrics(node.effects)).toMatchObject({
      consensus_smartbft_view_number: 0,
      consensus_smartbft_view_leader_id: 1,
      consensus_smartbft_view_proposal_sequence: 1,
      consensus_smartbft_view_decisions: 0,
      consensus_BFT_leader_id: 1,
      consensus_BFT_is_leader: 0,
      consensus_BFT_cluster_size: 4,
    });
    expect(node.state.channel).toBe('certchannel');
    expect(node.state.leaderToken).toBe(false);
  });

  it('the leader: role leader, is_leader 1, it holds the token', () => {
    const node = new OneConsenter(1, 4);
    expect(events(node.effects, 'bft.viewStarted')[0]).toMatchObject({ role: 'leader', leader: 1 });
    expect(metrics(node.effects)['consensus_BFT_is_leader']).toBe(1);
    expect(node.state.leaderToken).toBe(true);
  });
});

describe('Controller.ProcessMessages and the orderer services (controller.go, Fabric comm)', () => {
  it('StateTransferRequest: answered with the view and its ViewSequences sequence', () => {
    const node = new OneConsenter(2, 4);
    expect(sends(node.receive(3, { type: 'StateTransferRequest' }))).toEqual([{ to: 3, msg: { type: 'StateTransferResponse', viewNum: 0, sequence: 1 } }]);
  });

  it('HeightRequest: answered with the ledger height (blocks + 1) and the same sync id', () => {
    const node = new OneConsenter(2, 4);
    expect(sends(node.receive(3, { type: 'HeightRequest', syncId: 7 }))).toEqual([{ to: 3, msg: { type: 'HeightResponse', syncId: 7, height: 1 } }]);
  });

  it('from a node that is not a consenter: a Submit is taken into the pool, anything else dropped', () => {
    const node = new OneConsenter(2, 4);
    const request = { clientId: 'c', reqId: 'tx1', size: 100, payload: null };
    node.step({ kind: 'message', from: 'client', msg: { type: 'FwdRequest', request } });
    expect(node.state.poolSize).toBe(0);
    node.step({ kind: 'message', from: 'client', msg: { type: 'Submit', request } });
    expect(node.state.poolSize).toBe(1);
    node.receive(3, { type: 'FwdRequest', request: { ...request, reqId: 'tx2' } });
    expect(node.state.poolSize).toBe(2);
  });

  it('the byzantine command: a known behaviour is reported, an unknown one throws a one-line error, an unknown command too', () => {
    const node = new OneConsenter(2, 4);
    const out = node.step({ kind: 'command', command: { type: 'byzantine', behaviour: 'voteAll' } });
    expect(events(out, 'bft.byzantine')).toEqual([{ type: 'bft.byzantine', behaviour: 'voteAll' }]);
    expect(node.state.byzantine).toBe('voteAll');
    expect(events(node.step({ kind: 'command', command: { type: 'byzantine', behaviour: null } }), 'bft.byzantine')).toEqual([{ type: 'bft.byzantine', behaviour: null }]);
    expect(() => node.step({ kind: 'command', command: { type: 'byzantine', behaviour: 'nonsense' } })).toThrow('smartbft: unknown Byzantine behaviour "nonsense"');
    expect(() => node.step({ kind: 'command', command: { type: 'other' } as never })).toThrow('smartbft: unknown command {"type":"other"}');
  });
});

describe('Deliver (controller.go decide, Fabric BFTChain.Deliver)', () => {
  let d1: Decision;
  let d2: Decision;
  beforeEach(() => {
    const c = new BftCluster({ n: 4 });
    c.submit('c', 1);
    expect(c.runUntilHeight(1, 5_000)).toBe(true);
    c.submit('c', 1);
    expect(c.runUntilHeight(2, 5_000)).toBe(true);
    [d1, d2] = c.ledger(1) as [Decision, Decision];
  });

  /** Node 2 at `ledger` decides `d` in view 0 with votes from 1 and 3. */
  function decide(ledger: Decision[], d: Decision): Effects {
    const node = new OneConsenter(2, 4, { ledger });
    const pp: PrePrepare = { type: 'PrePrepare', view: 0, seq: d.seq, proposal: d.proposal };
    const prep = (): Prepare => ({ type: 'Prepare', view: 0, seq: d.seq, digest: d.proposal.digest, assist: false });
    const com = (x: number): Commit => ({ type: 'Commit', view: 0, seq: d.seq, digest: d.proposal.digest, signature: sign(x, d.proposal.digest), assist: false });
    const out = [...node.receive(1, pp), ...node.receive(1, prep()), ...node.receive(3, prep()), ...node.receive(1, com(1)), ...node.receive(3, com(3))];
    expect(node.ledger().map((x) => x.seq)).toEqual([...ledger.map((x) => x.seq), d.seq]);
    expect(node.state.inFlight).toBeUndefined();
    return out;
  }

  it('a decision: "Delivering" log with size and signers, committed block gauge, the decided fact chained to the previous block', () => {
    const out = decide([d1], d2);
    const line = logs(out).find((l) => l.kind === 'deliver')!;
    expect(line.args).toEqual([2, d2.proposal.payload.length, 200 + 375 * 3, '[1 3 2]', 2]);
    expect(metrics(out)['consensus_BFT_committed_block_number']).toBe(2);
    expect(events(out, 'bft.decided')).toEqual([{ type: 'bft.decided', seq: 2, digest: d2.proposal.digest, view: 0, signers: [1, 3, 2], viaSync: false, prev: d1.proposal.digest, txCount: d2.proposal.payload.length }]);
  });

  it('the first decision chains to nothing', () => {
    expect(events(decide([], d1), 'bft.decided')[0]).toMatchObject({ seq: 1, prev: '' });
  });
});
