import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { binomialBelow, computeSizing, endorsementRow, orderingUnavailability, roundRobin, SIZING_DEFAULTS, type SizingParams } from '../../src/sizing/model.ts';
import { computeQuorum } from '../../src/sim/consensus/quorum.ts';

const { zones: _oneZone, ...defaults } = SIZING_DEFAULTS;
const base: SizingParams = { ...defaults, orderers: [4, 7, 10, 13], peersPerOrg: [1, 2], peerAvailability: SIZING_DEFAULTS.nodeAvailability };

describe('sizing model', () => {
  it('f and Q follow SmartBFT for n = 4, 5, 6, 7; 3f+2 adds nothing, 3f+3 adds one crash, not a Byzantine fault', () => {
    const r = computeSizing({ ...base, orderers: [4, 5, 6, 7] });
    expect(r.options.map((o) => o.f)).toEqual([1, 1, 1, 2]);
    expect(r.options.map((o) => o.q)).toEqual([3, 4, 4, 5]);
    expect(r.options.map((o) => o.shape)).toEqual(['3f+1', '3f+2', '3f+3', '3f+1']);
    expect(r.options.map((o) => o.byzantineTolerated)).toEqual([1, 1, 1, 2]);
    expect(r.options.map((o) => o.crashTolerated)).toEqual([1, 1, 2, 2]);
  });

  it('placement 2,1,1 (n=4): losing the first zone halts ordering, the others do not', () => {
    const r = computeSizing({ ...base, orderers: [4], placement: [2, 1, 1] });
    const o = r.options[0];
    expect(o?.zoneLoss.map((z) => z.live)).toEqual([false, true, true]);
    expect(o?.zoneLoss[0]).toMatchObject({ lost: 2, left: 2, safe: true, margin: -1 });
    expect(o?.survivesAnyZoneLoss).toBe(false);
  });

  it('placement 3,2,2 (n=7, Q=5): every zone loss is safe; losing the 3-orderer zone leaves 4 < 5 and halts', () => {
    const r = computeSizing({ ...base, orderers: [7], placement: [3, 2, 2] });
    const o = r.options[0];
    expect(o?.zoneLoss.every((z) => z.safe)).toBe(true);
    expect(o?.zoneLoss.map((z) => z.live)).toEqual([false, true, true]);
    expect(o?.zonesNeededForZoneLoss).toBe(4);
  });

  it('placement 3,3,3 (n=9) and 2,2,2,1 (n=7) survive any one zone', () => {
    expect(computeSizing({ ...base, orderers: [9], placement: [3, 3, 3] }).options[0]?.survivesAnyZoneLoss).toBe(true);
    expect(computeSizing({ ...base, orderers: [7], placement: [2, 2, 2, 1] }).options[0]?.survivesAnyZoneLoss).toBe(true);
  });

  it("the lab's advice comes out of the table: --tolerate 2 --survive-zone-loss over 4 zones picks 7 orderers and 2 peers per org", () => {
    const r = computeSizing({ ...base, orderers: [4, 5, 6, 7, 10, 13], zones: 4, tolerate: 2, surviveZoneLoss: true });
    expect(r.recommendation.orderers).toBe(7);
    expect(r.recommendation.placement).toEqual([2, 2, 2, 1]);
    expect(r.recommendation.peersPerOrg).toBe(2);
    expect(r.recommendation.reason).toMatch(/^7 orderers \(2,2,2,1\): the smallest of 4,5,6,7,10,13/);
  });

  it('over 3 zones no 3f+1 size survives a zone loss; the recommendation says so and names the smallest n that does (9)', () => {
    const r = computeSizing({ ...base, zones: 3, tolerate: 2, surviveZoneLoss: true });
    expect(r.recommendation.orderers).toBeNull();
    expect(r.recommendation.reason).toMatch(/none of 4,7,10,13 can tolerate f >= 2 Byzantine and survive the loss of any one of 3 zones\. The smallest n that can is 9 \(3,3,3\)/);
  });

  it('one zone cannot survive its own loss: the reason says to spread orderers', () => {
    const r = computeSizing({ ...base, surviveZoneLoss: true });
    expect(r.recommendation.orderers).toBeNull();
    expect(r.recommendation.reason).toMatch(/spread orderers over zones/);
  });

  it('availability is the exact binomial: n=4, p=0.9 gives 0.9^4 + 4*0.9^3*0.1', () => {
    const r = computeSizing({ ...base, orderers: [4], nodeAvailability: 0.9, zoneAvailability: 1 });
    expect(r.options[0]?.availability.withZoneOutages).toBeCloseTo(0.9 ** 4 + 4 * 0.9 ** 3 * 0.1, 12);
    expect(r.options[0]?.availability.nodesOnly).toBeCloseTo(0.9477, 12);
  });

  it('zone outage term: two zones of 2 (n=4, Q=3) need both zones up', () => {
    expect(orderingUnavailability([2, 2], 3, 1, 0.5)).toBeCloseTo(0.75, 12);
    expect(orderingUnavailability([2, 1, 1], 3, 1, 0.5)).toBeCloseTo(1 - 0.5 * 0.5 * 0.5 - 0.5 * 0.5 * 0.5 * 2, 12);
  });

  it('endorsement: MAJORITY of 3 orgs with 1 peer each; an org gateway needs its own peer', () => {
    const e = endorsementRow(1, 3, 'MAJORITY', 0.9);
    expect(e.policyMet).toBeCloseTo(0.9 ** 3 + 3 * 0.9 ** 2 * 0.1, 12);
    expect(e.orgCanIssue).toBeCloseTo(0.9 * (1 - 0.1 ** 2), 12);
    expect(endorsementRow(2, 3, 'ANY', 0.9).policyMet).toBeCloseTo(1 - 0.01 ** 3, 12);
    expect(endorsementRow(2, 3, 'ALL', 0.9).policyMet).toBeCloseTo(0.99 ** 3, 12);
  });

  it('bad input is one clear error', () => {
    expect(() => computeSizing({ ...base, orderers: [7], placement: [2, 1, 1] })).toThrow('--placement 2,1,1 places 4 orderers but --orderers asks for 7');
    expect(() => computeSizing({ ...base, nodeAvailability: 1.5 })).toThrow('--node-availability must be a probability in [0, 1], got 1.5');
    expect(() => computeSizing({ ...base, orderers: [] })).toThrow('--orderers needs at least one orderer count');
  });

  it('property: any zone can be lost iff the biggest zone holds <= n - Q, and ceil(n/(n-Q)) zones is the fewest that do it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 12 }), (n, zones) => {
        const o = computeSizing({ ...base, orderers: [n], zones }).options[0];
        const { q } = computeQuorum(n);
        expect(o?.survivesAnyZoneLoss).toBe(Math.max(...roundRobin(n, zones)) <= n - q);
        const need = o?.zonesNeededForZoneLoss;
        if (need !== null && need !== undefined) {
          expect(Math.max(...roundRobin(n, need))).toBeLessThanOrEqual(n - q);
          if (need > 1) expect(Math.max(...roundRobin(n, need - 1))).toBeGreaterThan(n - q);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('binomial tail: P(fewer than k of m up)', () => {
    expect(binomialBelow(3, 0.5, 2)).toBeCloseTo(0.5, 12);
    expect(binomialBelow(4, 0.9, 3)).toBeCloseTo(0.0523, 12);
    expect(binomialBelow(5, 0.5, 0)).toBe(0);
    expect(binomialBelow(5, 0.5, 6)).toBe(1);
  });
});
