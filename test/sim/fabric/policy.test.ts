/** Endorsement policies: ImplicitMeta MAJORITY and signature policies over orgs. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { evaluatePolicy, parsePolicy, policyMet } from '../../../src/sim/fabric/policy.ts';

const orgs = ['techpulse', 'dataforge', 'org3'];
const ok = (p: string, endorsers: string[], o = orgs): boolean => evaluatePolicy(parsePolicy(p, o), new Set(endorsers), o).ok;

describe('endorsement policy', () => {
  it('MAJORITY Endorsement: 2 of 3 orgs, both of 2', () => {
    expect(ok('MAJORITY Endorsement', ['techpulse'])).toBe(false);
    expect(ok('MAJORITY Endorsement', ['techpulse', 'org3'])).toBe(true);
    expect(ok('MAJORITY Endorsement', ['a'], ['a', 'b'])).toBe(false);
    expect(ok('MAJORITY Endorsement', ['a', 'b'], ['a', 'b'])).toBe(true);
    expect(evaluatePolicy(parsePolicy('MAJORITY Endorsement', orgs), new Set(['org3']), orgs).error).toBe(
      "implicit policy evaluation failed - 1 sub-policies were satisfied, but this policy requires 2 of the 'Endorsement' sub-policies to be satisfied",
    );
  });

  it('OR, AND and OutOf over MSP principals', () => {
    expect(ok("OR('TechpulseMSP.peer','DataforgeMSP.peer')", ['dataforge'])).toBe(true);
    expect(ok("AND('TechpulseMSP.peer','DataforgeMSP.peer')", ['dataforge'])).toBe(false);
    expect(ok("OutOf(2, 'techpulse.peer', 'dataforge.peer', 'org3.peer')", ['org3', 'dataforge'])).toBe(true);
    expect(ok("AND('techpulse.peer', OR('dataforge.peer', 'org3.peer'))", ['techpulse', 'org3'])).toBe(true);
  });

  it('policyMet is evaluatePolicy(...).ok, for a set of orgs and for a list of endorsements (an org twice counts once)', () => {
    const texts = ['MAJORITY Endorsement', 'ANY Endorsement', 'ALL Endorsement', "OR('TechpulseMSP.peer','DataforgeMSP.peer')", "AND('techpulse.peer', OR('dataforge.peer', 'org3.peer'))", "OutOf(2, 'techpulse.peer', 'dataforge.peer', 'org3.peer')"];
    fc.assert(
      fc.property(fc.constantFrom(...texts), fc.array(fc.constantFrom(...orgs, 'other'), { maxLength: 5 }), (text, endorsers) => {
        const p = parsePolicy(text, orgs);
        const want = evaluatePolicy(p, new Set(endorsers), orgs).ok;
        expect(policyMet(p, new Set(endorsers), orgs)).toBe(want);
        expect(policyMet(p, endorsers.map((org) => ({ org, peer: `peer0.${org}` })), orgs)).toBe(want);
        expect(evaluatePolicy(p, endorsers.map((org) => ({ org })), orgs).ok).toBe(want);
      }),
    );
    expect(policyMet(parsePolicy('MAJORITY Endorsement', orgs), [{ org: 'org3' }, { org: 'org3' }], orgs)).toBe(false);
  });

  it('bad policies get one clear error', () => {
    expect(() => parsePolicy("OR('Org9MSP.peer')", orgs)).toThrow(/unknown org principal 'Org9MSP.peer'/);
    expect(() => parsePolicy("OutOf(4, 'techpulse.peer')", orgs)).toThrow(/OutOf needs 1 <= n <= 1/);
    expect(() => parsePolicy('whatever', orgs)).toThrow(/cannot parse "whatever"/);
  });
});
