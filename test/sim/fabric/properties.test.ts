/**
 * Property: for random workloads and peer crash / restart / state-drop-and-rebuild
 * schedules (and one orderer at a time down), every peer's ledger stays a prefix of the orderers' chain (checked after every
 * step), and once every peer runs again all converge to the orderers' height with
 * state = fold(ledger) on every peer. Both dissemination paths (3.x deliver; 2.x gossip with
 * state transfer on).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blockHashesAgree, converged, stateMatchesLedger } from '../../../src/sim/cluster/checkers.ts';
import { SimCluster } from '../../../src/sim/cluster/sim-cluster.ts';

type Action =
  | { readonly kind: 'issue'; readonly org: number; readonly dup: boolean }
  | { readonly kind: 'revoke'; readonly org: number; readonly which: number }
  | { readonly kind: 'crash' | 'restart' | 'dropRebuild'; readonly peer: number }
  | { readonly kind: 'ordererFlip'; readonly orderer: number }
  | { readonly kind: 'wait'; readonly ms: number };

const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('issue' as const), org: fc.nat(2), dup: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('revoke' as const), org: fc.nat(2), which: fc.nat(20) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom('crash' as const, 'restart' as const, 'dropRebuild' as const), peer: fc.nat(5) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('ordererFlip' as const), orderer: fc.nat(3) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 50, max: 15_000 }) }) },
);

async function play(seed: number, gossip: boolean, actions: readonly Action[]): Promise<void> {
  const c = await SimCluster.create({
    seed,
    topology: gossip ? { peersPerOrg: 2, dissemination: 'gossip', gossip: { orgLeader: 'peer0', stateTransfer: true } } : {},
  });
  const orgs = c.topology.orgs;
  const peers = c.topology.peers;
  const issued: string[] = [];
  let n = 0;
  for (const a of actions) {
    const org = 'org' in a ? (orgs[a.org % orgs.length] as string) : '';
    const peer = 'peer' in a ? (peers[a.peer % peers.length] as string) : '';
    switch (a.kind) {
      case 'issue': {
        const id = a.dup && issued.length > 0 ? (issued[0] as string) : `P-${++n}`;
        const r = await c.issueCertificate(org, { certID: id, studentID: 's@x.demo', studentName: 'S', courseID: 'C', courseName: 'Course', issueDate: '2026-03-14', expiryDate: '2027-03-14' });
        if (r.ok) issued.push(id);
        break;
      }
      case 'revoke':
        if (issued.length > 0) await c.revokeCertificate(issued[a.which % issued.length] as string, org);
        break;
      case 'crash':
        await c.stop(peer);
        break;
      case 'restart':
        await c.start(peer);
        break;
      case 'dropRebuild':
        await c.stop(peer);
        await c.dropStateDatabase(peer);
        expect(await c.rebuildDbs(peer)).toEqual({ ok: true });
        await c.start(peer);
        break;
      case 'ordererFlip': {
        // At most f = 1 orderer down at a time: stop this one if all run, else start it.
        const o = c.topology.orderers[a.orderer % c.topology.orderers.length] as string;
        const down = c.topology.orderers.filter((x) => !c.sim.isUp(x));
        if (down.length === 0) await c.stop(o);
        else for (const d of down) await c.start(d);
        break;
      }
      case 'wait':
        await c.sleep(a.ms);
        break;
    }
    const safety = blockHashesAgree(c);
    expect(safety.ok, safety.detail).toBe(true);
  }
  for (const o of c.topology.orderers) await c.start(o);
  for (const p of peers) await c.start(p);
  const live = await converged(c, 60_000);
  expect(live.ok, live.detail).toBe(true);
  expect(blockHashesAgree(c).ok).toBe(true);
  for (const p of peers) {
    const s = stateMatchesLedger(c, p);
    expect(s.ok, s.detail).toBe(true);
  }
}

describe('properties: peers under crash / restart / state-drop schedules', () => {
  it('3.x deliver: ledgers are prefixes of the orderers chain; after healing all converge with state = fold(ledger)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 1_000_000 }), fc.array(action, { minLength: 3, maxLength: 14 }), (seed, actions) => play(seed, false, actions)),
      { numRuns: 25 },
    );
  });

  it('2.x gossip with state transfer: same properties', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 1_000_000 }), fc.array(action, { minLength: 3, maxLength: 12 }), (seed, actions) => play(seed, true, actions)),
      { numRuns: 15 },
    );
  });
});
