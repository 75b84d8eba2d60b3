/**
 * Property tests over random fault schedules (VOPR-style two phases). Safety phase: at
 * most f orderers crash, are isolated or turn Byzantine, at random times, while clients
 * submit. Liveness phase: everything heals; every honest orderer must decide every
 * request within the bound. fast-check prints the seed and the shrunk schedule on failure.
 */
import { describe, expect } from 'vitest';
import { fc, it } from '@fast-check/vitest';
import { computeQuorum } from '../../../src/sim/consensus/quorum.ts';
import { checkAgreement, checkLiveness, checkSequenceIntegrity, checkValidity } from '../../../src/sim/smartbft/checkers.ts';
import { BftCluster } from './harness.ts';

const FAULTS = ['crash', 'isolate', 'silent', 'equivocate', 'corruptProposal', 'corruptSignature', 'mutate', 'censor', 'voteAll', 'slowLeader'] as const;
type FaultKind = (typeof FAULTS)[number];
const BYZANTINE: readonly FaultKind[] = ['silent', 'equivocate', 'corruptProposal', 'corruptSignature', 'mutate', 'censor', 'voteAll', 'slowLeader'];

interface Fault {
  readonly node: number;
  readonly kind: FaultKind;
  readonly atMs: number;
  readonly durationMs: number;
}

/** More runs on demand: SMARTBFT_PROP_RUNS=10 npx vitest run test/sim/smartbft/properties.test.ts */
const RUNS = Number(process.env['SMARTBFT_PROP_RUNS'] ?? '1');
const SAFETY_MS = 60_000;
const LIVENESS_BOUND_MS = 240_000;

interface Schedule {
  seed: number;
  /** Link faults during the safety phase. */
  lossProbability: number;
  duplicateProbability: number;
  reorderProbability: number;
  faults: Fault[];
}

function schedule(n: number): fc.Arbitrary<Schedule> {
  const { f } = computeQuorum(n);
  return fc.record({
    seed: fc.integer({ min: 1, max: 1_000_000 }),
    lossProbability: fc.constantFrom(0, 0, 0.01, 0.05),
    duplicateProbability: fc.constantFrom(0, 0, 0.05),
    reorderProbability: fc.constantFrom(0, 0, 0.1),
    faults: fc.uniqueArray(
      fc.record({
        node: fc.integer({ min: 1, max: n }),
        kind: fc.constantFrom(...FAULTS),
        atMs: fc.integer({ min: 0, max: 40_000 }),
        durationMs: fc.integer({ min: 1_000, max: 60_000 }),
      }),
      { maxLength: f, selector: (x) => x.node },
    ),
  });
}

function runSchedule(n: number, s: Schedule): { c: BftCluster; honest: number[] } {
  const { seed, faults } = s;
  const c = new BftCluster({ n, seed, events: 'facts' });
  c.sim.network.reconfigure({ lossProbability: s.lossProbability, duplicateProbability: s.duplicateProbability, reorderProbability: s.reorderProbability });
  for (const fault of faults) {
    const name = c.name(fault.node);
    const end = Math.min(fault.atMs + fault.durationMs, SAFETY_MS);
    c.sim.at(fault.atMs, () => {
      if (fault.kind === 'crash') c.sim.crash(name);
      else if (fault.kind === 'isolate') c.isolate(fault.node);
      else c.byzantine(fault.node, fault.kind === 'censor' ? 'censor:client1' : fault.kind);
    });
    if (fault.kind === 'crash') c.sim.at(end, () => c.sim.restart(name));
  }
  for (let t = 0; t < SAFETY_MS; t += 2_000) {
    c.sim.at(t, () => {
      c.submit('client0', 2);
      c.submit('client1', 1);
    });
  }
  c.run(SAFETY_MS);
  // Liveness phase: heal everything.
  c.heal();
  c.sim.network.reconfigure({});
  for (const fault of faults) if (BYZANTINE.includes(fault.kind)) c.byzantine(fault.node, null);
  c.submit('client0', 3);
  const honest = Array.from({ length: n }, (_, i) => i + 1).filter((id) => !faults.some((x) => x.node === id && BYZANTINE.includes(x.kind)));
  const allSubmitted = [...c.submitted];
  const done = (): boolean =>
    honest.every((id) => {
      const have = new Set(c.ledger(id).flatMap((d) => d.proposal.payload.map((r) => `${r.clientId}:${r.reqId}`)));
      return allSubmitted.every((k) => have.has(k));
    });
  c.sim.run({ until: c.sim.now + LIVENESS_BOUND_MS, stopWhen: () => c.sim.eventCount % 500 === 0 && done(), maxEvents: 20_000_000 });
  return { c, honest };
}

function check(n: number, s: Schedule): void {
  const { faults } = s;
  const { c, honest } = runSchedule(n, s);
  const byz = faults.filter((x) => BYZANTINE.includes(x.kind)).map((x) => c.name(x.node));
  const ledgers = honest.map((id) => ({ node: c.name(id), decisions: c.ledger(id) }));
  const results = [
    checkAgreement(c.decided, byz),
    checkSequenceIntegrity(c.decided, byz),
    checkValidity(ledgers, c.submitted),
    checkLiveness({ ledgers, submitted: [...c.submitted], n, live: n - byz.length, boundMs: LIVENESS_BOUND_MS }),
  ];
  const bad = results.filter((r) => !r.ok);
  expect(bad.map((r) => `${r.name}: ${r.detail}`)).toEqual([]);
}

describe('random fault schedules with at most f faulty orderers', () => {
  it.prop([schedule(4)], { numRuns: 30 * RUNS })('n=4, f=1: agreement, integrity, validity; liveness after healing', (s) => {
    check(4, s);
  });
  it.prop([schedule(7)], { numRuns: 15 * RUNS })('n=7, f=2: agreement, integrity, validity; liveness after healing', (s) => {
    check(7, s);
  });
  it.prop([schedule(10)], { numRuns: 8 * RUNS })('n=10, f=3: agreement, integrity, validity; liveness after healing', (s) => {
    check(10, s);
  });
});
