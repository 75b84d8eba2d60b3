/**
 * Controller per-rule tests (internal/bft/controller.go, consensus.go Start): one consenter
 * fed one input (a message from a named consenter or a client, a command), asserting what
 * it answers, logs, reports and writes.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Decision } from '../../../src/sim/smartbft/api.ts';
import { createConsenter } from '../../../src/sim/smartbft/api.ts';
import { sign, withDigest } from '../../../src/sim/consensus/crypto.ts';
import { Rng } from '../../../src/sim/kernel/rng.ts';
import type { Commit, PrePrepare, Prepare, SavedMessage, ViewData, ViewDataMsg } from '../../../src/sim/smartbft/messages.ts';
import { deliver, onHeartbeatTimeout } from '../../../src/sim/smartbft/controller.ts';
import { Io } from '../../../src/sim/smartbft/io.ts';
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
const emptyStore = { get: () => undefined, list: () => [], has: () => false, keys: () => [] };

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
    const { state, effects } = m.start({ now: 0, self: 'orderer2', rng: Rng.create(1) }, emptyStore);
    expect(state.nodes).toEqual([1, 2, 3, 4]);
    expect(events(effects, 'bft.viewStarted')[0]).toMatchObject({ leader: 1, role: 'follower' });
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
    expect(node.state.pool.size).toBe(0);
    node.step({ kind: 'message', from: 'client', msg: { type: 'Submit', request } });
    expect(node.state.pool.size).toBe(1);
    node.receive(3, { type: 'FwdRequest', request: { ...request, reqId: 'tx2' } });
    expect(node.state.pool.size).toBe(2);
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
    // InFlightData keeps the decided proposal (util.go: only the next ProposedRecord or a sync replaces it).
    expect(node.state.inFlight).toMatchObject({ proposal: { digest: pp.proposal.digest }, prepared: true });
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

describe('consensus.go Start and Fabric NewChain: what a start prints and sets', () => {
  it('the start lines in order: local consenter id, WAL directory of the channel, WAL entries, then the view, then "servicing chain"', () => {
    const node = new OneConsenter(2, 4, { wal: [{ type: 'NewView', viewId: 0, latestSequence: 0, decisionsInView: 0 }] });
    const lines = logs(node.effects).map((l) => `${l.kind} ${l.args.join(',')}`);
    expect(lines[0]).toBe('localConsenterId 2');
    expect(lines[1]).toBe('initializingWal certchannel,/var/hyperledger/production/orderer/smartbft/wal/certchannel');
    expect(lines[2]).toBe('walInitialized 1');
    expect(lines.at(-1)).toBe('servicingChain ');
    expect(lines.indexOf('startView 0,1,0')).toBeGreaterThan(2);
  });

  it('committed block gauge at start: the ledger height, also when 0', () => {
    expect(metrics(new OneConsenter(2, 4).effects)['consensus_BFT_committed_block_number']).toBe(0);
  });

  it('events: "facts": no log lines at all, the facts still', () => {
    const m = createConsenter({ id: 2, nodes: nodes(1, 2, 3, 4), events: 'facts' });
    const out = m.start({ now: 0, self: 'orderer2', rng: Rng.create(1) }, emptyStore);
    expect(out.effects.filter((e) => e.kind === 'emit' && (e.event as { type: string }).type === 'log')).toEqual([]);
    expect(events(out.effects, 'bft.viewStarted')).toHaveLength(1);
  });

  /** The first tick's delay for `seed`, with `TickIntervalMs`. */
  function firstTick(seed: number, TickIntervalMs: number): number {
    const m = createConsenter({ id: 2, nodes: nodes(1, 2, 3, 4), config: { TickIntervalMs } });
    const { effects } = m.start({ now: 0, self: 'orderer2', rng: Rng.create(seed) }, emptyStore);
    const timers = effects.filter((e) => e.kind === 'setTimer' && e.name === 'tick');
    expect(timers).toHaveLength(1);
    return (timers[0] as { afterMs: number }).afterMs;
  }

  it('each node\'s ticker has its own phase: the first tick is 1 .. TickIntervalMs-1 ms after the start, drawn per node', () => {
    const delays = Array.from({ length: 40 }, (_, i) => firstTick(i + 1, 1_000));
    for (const d of delays) expect(d >= 1 && d <= 999 && Number.isInteger(d)).toBe(true);
    expect(Math.min(...delays)).toBeLessThan(300);
    expect(Math.max(...delays)).toBeGreaterThan(700);
    // Drawn from the node's own stream forked as "tick-phase" (a renamed stream would move every trace).
    expect(firstTick(7, 1_000)).toBe(1 + Math.floor(Rng.create(7).fork('tick-phase').float() * 999));
    // With a 2 ms interval the only phase is 1 ms.
    expect(new Set(Array.from({ length: 20 }, (_, i) => firstTick(i + 1, 2)))).toEqual(new Set([1]));
  });

  it('SyncOnStart: a sync right after the start (timer at 0), none without it', () => {
    const node = new OneConsenter(2, 4, {}, { SyncOnStart: true });
    expect(node.timers.get('syncOnStart')).toBe(0);
    expect(logs(node.runUntil(0)).map((l) => l.kind)).toContain('bftSyncInitiated');
    expect(new OneConsenter(2, 4).timers.has('syncOnStart')).toBe(false);
  });
});

describe('Controller routing (controller.go ProcessMessages): voteAll, Submit from a consenter', () => {
  it('a Submit from a consenter is taken into the pool like a client\'s', () => {
    const node = new OneConsenter(2, 4);
    node.receive(3, { type: 'Submit', request: { clientId: 'c', reqId: 'tx9', size: 10, payload: null } });
    expect(node.state.pool.size).toBe(1);
  });

  it('a voteAll node echoes a Prepare and a signed Commit to the sender of a PrePrepare, an honest one does not', () => {
    const node = new OneConsenter(2, 4);
    const proposal = node.state.app.assemble([], { viewId: 0, latestSequence: 1, decisionsInView: 0 }, undefined);
    const pp: PrePrepare = { type: 'PrePrepare', view: 0, seq: 1, proposal: withDigest(proposal) };
    const honest = sends(new OneConsenter(2, 4).receive(1, pp)).filter((x) => x.to === 1 && (x.msg as { assist?: boolean }).assist === true);
    expect(honest).toEqual([]);
    node.step({ kind: 'command', command: { type: 'byzantine', behaviour: 'voteAll' } });
    const echoes = sends(node.receive(1, pp)).filter((x) => x.to === 1 && (x.msg as { assist?: boolean }).assist === true);
    expect(echoes.map((x) => x.msg.type)).toEqual(['Prepare', 'Commit']);
  });
});

describe('Deliver and decide, called directly (controller.go, Fabric BFTChain.Deliver, synchronizer_bft.go)', () => {
  let d1: Decision;
  let d2: Decision;
  let d3: Decision;
  beforeEach(() => {
    const c = new BftCluster({ n: 4 });
    for (let h = 1; h <= 3; h++) {
      c.submit('c', 1);
      expect(c.runUntilHeight(h, 5_000)).toBe(true);
    }
    [d1, d2, d3] = c.ledger(1) as [Decision, Decision, Decision];
  });
  const ioOf = (node: OneConsenter): Io => new Io(node.state, { now: node.now, self: `orderer${node.id}`, rng: Rng.create(1) });

  it('MutuallyExclusiveDeliver: only the next block is written; another returns false and writes nothing', () => {
    const node = new OneConsenter(2, 4, { ledger: [d1] });
    const io = ioOf(node);
    expect(deliver(node.state, io, d3, false)).toBe(false);
    expect(deliver(node.state, io, d1, false)).toBe(false);
    expect(io.effects).toEqual([]);
    expect(deliver(node.state, io, d2, false)).toBe(true);
    expect(node.state.ledger.map((d) => d.seq)).toEqual([1, 2]);
  });

  it('a block written by sync: "Fetched and committed block", not "Delivering", no committed-block gauge', () => {
    const node = new OneConsenter(2, 4, { ledger: [d1] });
    const io = ioOf(node);
    expect(deliver(node.state, io, d2, true)).toBe(true);
    expect(logs(io.effects)).toEqual([{ kind: 'fetchedBlock', args: [2] }]);
    expect(metrics(io.effects)['consensus_BFT_committed_block_number']).toBeUndefined();
    expect(events(io.effects, 'bft.decided')[0]).toMatchObject({ seq: 2, viaSync: true });
  });

  it('InFlightData is kept when its sequence is written: Deliver does not touch it (util.go; only maybePruneInFlight after a sync clears it)', () => {
    const node = new OneConsenter(2, 4, { ledger: [d1] });
    node.state.inFlight = { proposal: d3.proposal, prepared: true };
    deliver(node.state, ioOf(node), d2, true);
    expect(node.state.inFlight?.proposal.digest).toBe(d3.proposal.digest);
    deliver(node.state, ioOf(node), d3, true);
    expect(node.state.inFlight).toEqual({ proposal: d3.proposal, prepared: true });
  });

  it('decided in the view: the view gauges follow (proposal sequence 3, decisions in view 2: d1 was decided in view 0 too)', () => {
    const node = new OneConsenter(2, 4, { ledger: [d1] });
    const pp: PrePrepare = { type: 'PrePrepare', view: 0, seq: 2, proposal: d2.proposal };
    const prep = (): Prepare => ({ type: 'Prepare', view: 0, seq: 2, digest: d2.proposal.digest, assist: false });
    const com = (x: number): Commit => ({ type: 'Commit', view: 0, seq: 2, digest: d2.proposal.digest, signature: sign(x, d2.proposal.digest), assist: false });
    node.receive(1, pp);
    node.receive(1, prep());
    node.receive(3, prep());
    node.receive(1, com(1));
    const out = node.receive(3, com(3));
    expect(metrics(out)).toMatchObject({ consensus_smartbft_view_proposal_sequence: 3, consensus_smartbft_view_decisions: 2 });
  });

  it('OnHeartbeatTimeout: a timeout reported for another leader than the current one is ignored ("differs from reported leader"); for the current one, a complaint', () => {
    const node = new OneConsenter(2, 4);
    const io = ioOf(node);
    onHeartbeatTimeout(node.state, io, 0, 3);
    expect(logs(io.effects)).toEqual([{ kind: 'heartbeatTimeoutIgnored', args: [1, 3] }]);
    expect(node.state.vc.nextView).toBe(0);
    const io2 = ioOf(node);
    onHeartbeatTimeout(node.state, io2, 0, 1);
    expect(logs(io2.effects)[0]).toEqual({ kind: 'heartbeatTimeoutComplain', args: [1] });
    expect(node.state.vc.nextView).toBe(1);
    // The leader itself: nothing.
    const leader = new OneConsenter(1, 4);
    const io3 = ioOf(leader);
    onHeartbeatTimeout(leader.state, io3, 0, 1);
    expect(io3.effects).toEqual([]);
  });
});

describe('PersistedState.Restore through Start (state.go, controller.go startView): a restarted node resumes its WAL\'s proposal', () => {
  let d1: Decision;
  let d2: Decision;
  beforeEach(() => {
    const c = new BftCluster({ n: 4 });
    for (let h = 1; h <= 2; h++) {
      c.submit('c', 1);
      expect(c.runUntilHeight(h, 5_000)).toBe(true);
    }
    [d1, d2] = c.ledger(1) as [Decision, Decision];
  });
  const pp = (): PrePrepare => ({ type: 'PrePrepare', view: 0, seq: 2, proposal: d2.proposal });
  const prep = (): Prepare => ({ type: 'Prepare', view: 0, seq: 2, digest: d2.proposal.digest, assist: false });
  const com = (x: number): Commit => ({ type: 'Commit', view: 0, seq: 2, digest: d2.proposal.digest, signature: sign(x, d2.proposal.digest), assist: false });

  /** Node 3 restarted with the WAL, then joining view 1: the ViewData it sends to node 2. */
  function viewDataAfterRestart(wal: SavedMessage[]): { start: Effects; vd: ViewData } {
    const node = new OneConsenter(3, 4, { ledger: [d1], wal });
    const start = node.effects.slice();
    node.receive(1, { type: 'ViewChange', nextView: 1, reason: 'test' });
    const out = node.receive(4, { type: 'ViewChange', nextView: 1, reason: 'test' });
    const msg = sends(out).find((x) => x.msg.type === 'ViewData')!.msg as ViewDataMsg;
    return { start, vd: msg.signed.viewData };
  }

  it('a proposal in the WAL (ProposedRecord): PROPOSED again, its Prepare re-sent, reported in flight but not prepared', () => {
    const { start, vd } = viewDataAfterRestart([{ type: 'ProposedRecord', prePrepare: pp(), prepare: prep() }]);
    expect(sends(start).map((x) => x.msg.type)).toEqual(['Prepare', 'Prepare', 'Prepare']);
    expect(vd.inFlightProposal?.digest).toBe(d2.proposal.digest);
    expect(vd.inFlightPrepared).toBe(false);
  });

  it('a proposal and its Commit in the WAL: PREPARED again, its Commit re-sent, reported in flight and prepared', () => {
    const { start, vd } = viewDataAfterRestart([{ type: 'ProposedRecord', prePrepare: pp(), prepare: prep() }, { type: 'Commit', commit: com(3) }]);
    expect(sends(start).map((x) => x.msg.type)).toEqual(['Commit', 'Commit', 'Commit']);
    expect(vd.inFlightProposal?.digest).toBe(d2.proposal.digest);
    expect(vd.inFlightPrepared).toBe(true);
  });

  it('a leader restarted with its proposal in the WAL does not take the token for a new batch', () => {
    const node = new OneConsenter(1, 4, { ledger: [d1], wal: [{ type: 'ProposedRecord', prePrepare: pp(), prepare: prep() }] });
    expect(node.state.view.phase).not.toBe(0);
    expect(node.state.leaderToken).toBe(false);
    const fresh = new OneConsenter(1, 4, { ledger: [d1] });
    expect(fresh.state.leaderToken).toBe(true);
  });
});
