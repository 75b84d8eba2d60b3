/**
 * The Gateway's submit to the ordering service, as internal/pkg/gateway/submit.go does it
 * (Fabric v3.1.5): BFT needs Q successes and fails fast once more than N - Q orderers
 * failed; a dead orderer refuses the connection at once.
 */
import { describe, expect, it } from 'vitest';
import type { Certificate } from '../../../src/scenarios/cluster.ts';
import { SimCluster } from '../../../src/sim/cluster/sim-cluster.ts';
import { computeBFTQuorum, createGateway } from '../../../src/sim/fabric/gateway.ts';
import { grpcBackoffMs } from '../../../src/shared/grpc-backoff.ts';
import { buildTopology } from '../../../src/sim/fabric/topology.ts';
import { Rng } from '../../../src/sim/kernel/rng.ts';

const cert = (certID: string): Certificate => ({
  certID,
  studentID: 'student01@techpulse.demo',
  studentName: 'Quorum Test',
  courseID: 'TEST-101',
  courseName: 'BFT Testing',
  issueDate: '2026-03-14',
  expiryDate: '2027-03-14',
});

describe('computeBFTQuorum (submit.go)', () => {
  it.each([
    [4, 3, 1],
    [5, 4, 1],
    [6, 4, 1],
    [7, 5, 2],
    [10, 7, 3],
  ])('N=%i: Q=%i, F=%i', (n, q, f) => {
    expect(computeBFTQuorum(n)).toEqual({ q, f });
  });
});

describe('Gateway submit on BFT (submitBFT)', () => {
  it('2 of 4 orderers down: fails at once with Unavailable "insufficient number of orderers", not a 60 s commit timeout', async () => {
    const c = await SimCluster.create({ seed: 21, keep: { logs: true } });
    await c.stop('orderer.dataforge');
    await c.stop('orderer.org3');
    const t0 = c.now();
    const a = await c.issueRaw('techpulse', cert('QUORUM-1'));
    const elapsed = c.now() - t0;
    expect(a.httpStatus).toBe(503);
    expect(String(a.body['error'])).toBe(
      'failed to submit transaction to the ordering service: 14 UNAVAILABLE: insufficient number of orderers could successfully process transaction to satisfy quorum requirement',
    );
    // The two refused connections are the failures; no timeout is waited for.
    expect(elapsed).toBeLessThan(1_000);
    const details = a.body['details'] as { address: string; message: string }[];
    expect(details.map((d) => d.address).sort()).toEqual(['orderer.dataforge:7050', 'orderer.org3:7050']);
    expect(details[0]?.message).toMatch(/^rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp orderer\.\w+:7050: connect: connection refused"$/);
  });

  it('1 of 4 down: 3 successes make the quorum and the certificate commits', async () => {
    const c = await SimCluster.create({ seed: 22, keep: { logs: true } });
    await c.stop('orderer.org3');
    expect(await c.issueCertificate('techpulse', cert('QUORUM-2'))).toMatchObject({ ok: true });
  });
});

describe("the gateway's connection to an orderer after a refused dial (grpc-go reconnect back-off)", () => {
  it('internal/backoff Exponential.Backoff with backoff.DefaultConfig: 1 s exactly after the first failure, then x1.6 with +-20% jitter, at most 120 s', () => {
    expect(grpcBackoffMs(0, () => 0.99)).toBe(1_000);
    expect(grpcBackoffMs(1, () => 0.5)).toBe(1_600);
    expect(grpcBackoffMs(1, () => 0)).toBe(1_280);
    expect(grpcBackoffMs(2, () => 0.5)).toBe(2_560);
    expect(grpcBackoffMs(30, () => 0.5)).toBe(120_000);
    expect(grpcBackoffMs(30, () => 0.999999)).toBeLessThanOrEqual(144_000);
  });

  it('pick_first stays in TRANSIENT_FAILURE until a redial succeeds: an orderer serving again is refused its broadcast until then (Fabric 3.1.5: beyond-f, 14 UNAVAILABLE 124 ms after orderer.dataforge was back)', async () => {
    const c = await SimCluster.create({ seed: 24, keep: { logs: true } });
    await c.stop('orderer.dataforge');
    await c.stop('orderer.org3');
    const refused = await c.issueRaw('techpulse', cert('BACKOFF-1'));
    expect(refused.httpStatus).toBe(503);
    await c.start('orderer.dataforge');
    // Within 1 s of the refused dial: the connection is still failed, so dataforge fails
    // at once with the refusal's error, as org3 (down) does: 2 failures > N - Q = 1.
    const early = await c.issueRaw('techpulse', cert('BACKOFF-2'));
    expect(early.httpStatus).toBe(503);
    const details = early.body['details'] as { address: string; message: string }[];
    expect(details.map((d) => d.address).sort()).toEqual(['orderer.dataforge:7050', 'orderer.org3:7050']);
    expect(details.every((d) => /connect: connection refused"$/.test(d.message))).toBe(true);
    // The redial 1 s after the refusal reaches dataforge: the next issue makes the quorum.
    await c.sleep(1_000);
    expect(await c.issueCertificate('techpulse', cert('BACKOFF-3'))).toMatchObject({ ok: true });
  });
});

describe('a dial to a dead orderer fails at once (FailOnNonTempDialError)', () => {
  it('the peer\'s deliverer logs the refused dial and moves on, without waiting connTimeout (3 s)', async () => {
    const c = await SimCluster.create({ seed: 23, keep: { logs: true } });
    for (const o of ['orderer.dataforge', 'orderer.org3', 'orderer.ordering']) await c.stop(o);
    await c.stop('peer0.techpulse');
    await c.start('peer0.techpulse');
    await c.sleep(2_000);
    const lines = (await c.logs('peer0.techpulse')).filter((l) => l.kind === 'blocksprovider.couldNotConnect');
    // Within 2 s of its start the peer was refused by every dead orderer it tried.
    expect(lines.length).toBeGreaterThan(0);
    expect(lines[0]?.text).toMatch(
      /WARN \[peer\.blocksprovider\] FetchBlocks -> Could not connect to ordering service: could not dial endpoint 'orderer\.\w+:7050': failed to create new connection: connection error: desc = "transport: error while dialing: dial tcp orderer\.\w+:7050: connect: connection refused" channel=certchannel$/,
    );
  });
});

describe('Gateway submit on Raft (submitNonBFT)', () => {
  /** The orderer each submit was first sent to. */
  async function firstTargets(seed: number): Promise<string[]> {
    const c = await SimCluster.create({ seed, keep: { logs: true }, traceKeep: true, topology: { consensus: 'raft' } });
    const first = new Map<string, string>();
    for (const r of c.sim.trace.records) {
      if (r.k === 'send' && r.from.startsWith('gateway.') && r.m.startsWith('Broadcast ') && !first.has(r.m)) first.set(r.m, r.to);
    }
    return [...first.values()];
  }

  it('tries the orderers in a random order (rand.Perm), drawn from the gateway\'s seeded stream', async () => {
    const a = await firstTargets(41);
    expect(a.length).toBeGreaterThan(3);
    // Not always the first orderer of the channel config...
    expect(new Set(a).size).toBeGreaterThan(1);
    // ...and the same run for the same seed.
    expect(await firstTargets(41)).toEqual(a);
  });
});

describe('broadcastToAll: which orderer answers count (the gateway machine alone)', () => {
  type Eff = { kind: string; to?: string; name?: string; msg?: { type: string; txId?: string }; event?: { type: string; httpStatus?: number; body?: Record<string, unknown> } };
  const topo = buildTopology({});
  const orderers = topo.orderers.map((o) => o.id);

  /** A gateway with one issue endorsed and broadcast to every orderer; returns the txId and a step function. */
  function ordering(): { txId: string; step: (from: string, status: 'SUCCESS' | 'SERVICE_UNAVAILABLE', info: string) => Eff[] } {
    const gw = createGateway(topo, 'techpulse');
    const ctx = { now: 0, self: 'gateway.techpulse', rng: Rng.create(1) };
    const { state } = gw.start(ctx, { get: () => undefined, list: () => [], has: () => false, keys: () => [] });
    const sent = gw.step(state, { kind: 'command', command: { type: 'issue', requestId: 'r1', cert: cert('ALREADY-1') } }, ctx) as Eff[];
    const txId = (sent.find((e) => e.kind === 'send')?.msg as { txId: string }).txId;
    const respond = (peer: string): Eff[] =>
      gw.step(state, { kind: 'message', from: peer, msg: { type: 'proposal.response', id: 'r1', peer, org: peer.replace('peer0.', ''), status: 200, message: '', payload: '{}', rwset: [] } }, ctx) as Eff[];
    // The gateway peer first, then the other org its layout asks for.
    const second = respond('peer0.techpulse').find((e) => e.kind === 'send' && e.msg?.type === 'proposal')?.to as string;
    const effs = respond(second);
    expect(effs.filter((e) => e.kind === 'send' && e.msg?.type === 'broadcast').map((e) => e.to)).toEqual(orderers);
    return { txId, step: (from, status, info) => gw.step(state, { kind: 'message', from, msg: { type: 'broadcast.response', txId, status, info } }, ctx) as Eff[] };
  }
  const answer = (effs: Eff[]) => effs.find((e) => e.kind === 'emit' && e.event?.type === 'gateway.answer')?.event;

  it('"failed to submit request: request already exists" counts as a success; "request already processed" does not', () => {
    const a = ordering();
    expect(answer(a.step(orderers[0] as string, 'SUCCESS', ''))).toBeUndefined();
    expect(answer(a.step(orderers[1] as string, 'SERVICE_UNAVAILABLE', 'failed to submit request: request already exists'))).toBeUndefined();
    // 2 successes, 1 failure: the quorum of 3 is still reachable.
    expect(answer(a.step(orderers[2] as string, 'SERVICE_UNAVAILABLE', 'failed to submit request: request already processed'))).toBeUndefined();
    // The second failure is one more than N - Q = 1 allows.
    const failed = answer(a.step(orderers[3] as string, 'SERVICE_UNAVAILABLE', 'failed to submit request: request already processed'));
    expect(failed?.httpStatus).toBe(503);
    expect(failed?.body?.['details']).toEqual([
      { address: `${orderers[2]}:7050`, message: 'received unsuccessful response from orderer: status=SERVICE_UNAVAILABLE, info=failed to submit request: request already processed' },
      { address: `${orderers[3]}:7050`, message: 'received unsuccessful response from orderer: status=SERVICE_UNAVAILABLE, info=failed to submit request: request already processed' },
    ]);
  });

  it('each wait\'s timer is cancelled once, when the wait ends: connTimeout at the gateway peer\'s answer, the endorser\'s at its answer, broadcastTimeout at Q successes, the commit wait at the commit status', () => {
    const gw = createGateway(topo, 'techpulse');
    const ctx = { now: 0, self: 'gateway.techpulse', rng: Rng.create(1) };
    const { state } = gw.start(ctx, { get: () => undefined, list: () => [], has: () => false, keys: () => [] });
    const cancels = (effs: Eff[]): string[] => effs.filter((e) => e.kind === 'cancelTimer').map((e) => e.name as string);
    const sent = gw.step(state, { kind: 'command', command: { type: 'issue', requestId: 'r1', cert: cert('TIMERS-1') } }, ctx) as Eff[];
    const txId = (sent.find((e) => e.kind === 'send')?.msg as { txId: string }).txId;
    const respond = (peer: string): Eff[] =>
      gw.step(state, { kind: 'message', from: peer, msg: { type: 'proposal.response', id: 'r1', peer, org: peer.replace('peer0.', ''), status: 200, message: '', payload: '{}', rwset: [] } }, ctx) as Eff[];
    const first = respond('peer0.techpulse');
    expect(cancels(first)).toEqual(['gw.endorse:r1']);
    const second = first.find((e) => e.kind === 'send' && e.msg?.type === 'proposal')?.to as string;
    const submitted = respond(second);
    expect(cancels(submitted)).toEqual([`gw.endorser:r1:${second}`]);
    expect(submitted.filter((e) => e.kind === 'setTimer').map((e) => e.name)).toEqual(['gw.order:r1', 'gw.commit:r1']);
    const ok = (from: string): Eff[] => gw.step(state, { kind: 'message', from, msg: { type: 'broadcast.response', txId, status: 'SUCCESS', info: '' } }, ctx) as Eff[];
    expect(cancels(ok(orderers[0] as string))).toEqual([]);
    expect(cancels(ok(orderers[1] as string))).toEqual([]);
    expect(cancels(ok(orderers[2] as string))).toEqual(['gw.order:r1']);
    const committed = gw.step(state, { kind: 'message', from: 'peer0.techpulse', msg: { type: 'commitStatus.response', txId, code: 0, block: 7 } }, ctx) as Eff[];
    expect(cancels(committed)).toEqual(['gw.commit:r1']);
    expect(answer(committed)?.httpStatus).toBe(201);
  });

  it('Q successes end the submit: later failures change nothing', () => {
    const a = ordering();
    a.step(orderers[0] as string, 'SUCCESS', '');
    expect(a.step(orderers[1] as string, 'SERVICE_UNAVAILABLE', 'failed to submit request: request already exists')).toEqual([]);
    // The third success is the quorum: Submit returns (its broadcastTimeout wait ends).
    expect(a.step(orderers[2] as string, 'SUCCESS', '')).toContainEqual({ kind: 'cancelTimer', name: 'gw.order:r1' });
    expect(answer(a.step(orderers[3] as string, 'SERVICE_UNAVAILABLE', 'failed to submit request: timeout submitting to request pool'))).toBeUndefined();
  });
});

describe('Endorse in two rounds (endorse.go planFromFirstEndorser; the gateway machine alone)', () => {
  type Eff = { kind: string; to?: string; name?: string; msg?: { type: string; txId?: string }; event?: { type: string; httpStatus?: number; body?: Record<string, unknown> } };
  const durable = { get: () => undefined, list: () => [], has: () => false, keys: () => [] };
  const proposalsTo = (effs: Eff[]): string[] => effs.filter((e) => e.kind === 'send' && e.msg?.type === 'proposal').map((e) => e.to as string);
  const broadcasts = (effs: Eff[]): string[] => effs.filter((e) => e.kind === 'send' && e.msg?.type === 'broadcast').map((e) => e.to as string);
  const answerOf = (effs: Eff[]) => effs.find((e) => e.kind === 'emit' && e.event?.type === 'gateway.answer')?.event;

  function gateway(options: Parameters<typeof buildTopology>[0] = {}, seed = 1) {
    const topo = buildTopology(options);
    const gw = createGateway(topo, 'techpulse');
    const ctx = { now: 0, self: 'gateway.techpulse', rng: Rng.create(seed) };
    const { state } = gw.start(ctx, durable);
    const issue = (): Eff[] => gw.step(state, { kind: 'command', command: { type: 'issue', requestId: 'r1', cert: cert('TWO-ROUNDS') } }, ctx) as Eff[];
    const respond = (peer: string, status = 200, payload = '{}'): Eff[] =>
      gw.step(state, { kind: 'message', from: peer, msg: { type: 'proposal.response', id: 'r1', peer, org: peer.replace(/^peer\d+\./, ''), status, message: status === 200 ? '' : 'boom', payload, rwset: [] } }, ctx) as Eff[];
    const command = (command: { type: 'peerRefused'; peer: string }): Eff[] => gw.step(state, { kind: 'command', command }, ctx) as Eff[];
    const timer = (name: string): Eff[] => gw.step(state, { kind: 'timer', name, data: 'r1' }, ctx) as Eff[];
    return { topo, issue, respond, command, timer };
  }

  it('the proposal goes to the gateway peer alone; one other org is asked only once it has endorsed (MAJORITY of 3)', () => {
    const g = gateway();
    expect(proposalsTo(g.issue())).toEqual(['peer0.techpulse']);
    const second = proposalsTo(g.respond('peer0.techpulse'));
    expect(second).toHaveLength(1);
    expect(['peer0.dataforge', 'peer0.org3']).toContain(second[0]);
    expect(broadcasts(g.respond(second[0] as string))).toHaveLength(4);
  });

  it('registry.go endorsementPlan: the layouts are shuffled, so the second org differs between seeds', () => {
    const seconds = new Set<string>();
    for (let seed = 1; seed <= 12; seed++) {
      const g = gateway({}, seed);
      g.issue();
      seconds.add(proposalsTo(g.respond('peer0.techpulse'))[0] as string);
    }
    expect([...seconds].sort()).toEqual(['peer0.dataforge', 'peer0.org3']);
  });

  it('a layout is minimal for the policy: AND of all three orgs asks both others at once, ANY asks none', () => {
    const all = gateway({ policy: 'ALL Endorsement' });
    all.issue();
    expect(proposalsTo(all.respond('peer0.techpulse')).sort()).toEqual(['peer0.dataforge', 'peer0.org3']);
    const any = gateway({ policy: 'ANY Endorsement' });
    any.issue();
    const effs = any.respond('peer0.techpulse');
    expect(proposalsTo(effs)).toEqual([]);
    expect(broadcasts(effs)).toHaveLength(4);
  });

  it('processProposal: a refused endorser abandons its layout and the next one is asked at once', () => {
    const g = gateway();
    g.issue();
    const first = proposalsTo(g.respond('peer0.techpulse'))[0] as string;
    const other = first === 'peer0.dataforge' ? 'peer0.org3' : 'peer0.dataforge';
    const effs = g.command({ type: 'peerRefused', peer: first });
    expect(proposalsTo(effs)).toEqual([other]);
    expect(effs).toContainEqual({ kind: 'cancelTimer', name: `gw.endorser:r1:${first}` });
    expect(broadcasts(g.respond(other))).toHaveLength(4);
  });

  it('processEndorsement: a payload unlike the first endorser\'s fails that endorser, and with no layout left the endorsement fails with every ErrorDetail', () => {
    const g = gateway();
    g.issue();
    const first = proposalsTo(g.respond('peer0.techpulse'))[0] as string;
    const other = proposalsTo(g.respond(first, 200, '{"different":true}'))[0] as string;
    expect(other).not.toBe(first);
    const a = answerOf(g.respond(other, 500));
    expect(a).toMatchObject({ httpStatus: 503, body: { error: 'failed to endorse transaction: failed to collect enough transaction endorsements, see attached details for more info' } });
    expect(a?.body?.['details']).toEqual([
      { address: `${first}:7051`, message: 'ProposalResponsePayloads do not match' },
      { address: `${other}:7051`, message: 'chaincode response 500, boom' },
    ]);
  });

  it('Go waits for the whole round: with ALL of three orgs, one refused endorser fails the endorsement once the other has answered, not before and not never', () => {
    const g = gateway({ policy: 'ALL Endorsement' });
    g.issue();
    expect(proposalsTo(g.respond('peer0.techpulse')).sort()).toEqual(['peer0.dataforge', 'peer0.org3']);
    expect(answerOf(g.command({ type: 'peerRefused', peer: 'peer0.dataforge' }))).toBeUndefined();
    const a = answerOf(g.respond('peer0.org3'));
    expect(a).toMatchObject({ httpStatus: 503, body: { error: 'failed to endorse transaction: failed to collect enough transaction endorsements, see attached details for more info' } });
    expect((a?.body?.['details'] as { address: string }[]).map((d) => d.address)).toEqual(['peer0.dataforge:7051']);
  });

  it('the gateway peer not answering within connTimeout (3 s) fails the request', () => {
    const g = gateway();
    g.issue();
    expect(answerOf(g.timer('gw.endorse:r1'))).toMatchObject({ httpStatus: 503, body: { error: 'failed to connect to gateway peer peer0.techpulse:7051: context deadline exceeded' } });
  });

  it('EndorsementTimeout (core.yaml peer.gateway.endorsementTimeout 30s): an endorser that does not answer is abandoned for the next layout', () => {
    const g = gateway();
    g.issue();
    const effs = g.respond('peer0.techpulse');
    const first = proposalsTo(effs)[0] as string;
    expect(effs).toContainEqual({ kind: 'setTimer', name: `gw.endorser:r1:${first}`, afterMs: 30_000, data: 'r1' });
    // The gateway peer answered: its connection timeout no longer applies.
    expect(effs).toContainEqual({ kind: 'cancelTimer', name: 'gw.endorse:r1' });
    const next = g.timer(`gw.endorser:r1:${first}`);
    expect(proposalsTo(next)).toHaveLength(1);
    expect(proposalsTo(next)[0]).not.toBe(first);
  });
});
