/**
 * The Gateway's submit to the ordering service, as internal/pkg/gateway/submit.go does it
 * (Fabric v3.1.5): BFT needs Q successes and fails fast once more than N - Q orderers
 * failed; a dead orderer refuses the connection at once.
 */
import { describe, expect, it } from 'vitest';
import type { Certificate } from '../../../src/scenarios/cluster.ts';
import { SimCluster } from '../../../src/sim/cluster/sim-cluster.ts';
import { computeBFTQuorum } from '../../../src/sim/fabric/gateway.ts';

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
    const c = await SimCluster.create({ seed: 21 });
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
    const c = await SimCluster.create({ seed: 22 });
    await c.stop('orderer.org3');
    expect(await c.issueCertificate('techpulse', cert('QUORUM-2'))).toMatchObject({ ok: true });
  });
});

describe('a dial to a dead orderer fails at once (FailOnNonTempDialError)', () => {
  it('the peer\'s deliverer logs the refused dial and moves on, without waiting connTimeout (3 s)', async () => {
    const c = await SimCluster.create({ seed: 23 });
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
    const c = await SimCluster.create({ seed, traceKeep: true, topology: { consensus: 'raft' } });
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
