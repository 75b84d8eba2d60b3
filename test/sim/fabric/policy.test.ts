/** Endorsement policies: ImplicitMeta MAJORITY and signature policies over orgs. */
import { describe, expect, it } from 'vitest';
import { evaluatePolicy, parsePolicy } from '../../../src/sim/fabric/policy.ts';

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

  it('bad policies get one clear error', () => {
    expect(() => parsePolicy("OR('Org9MSP.peer')", orgs)).toThrow(/unknown org principal 'Org9MSP.peer'/);
    expect(() => parsePolicy("OutOf(4, 'techpulse.peer')", orgs)).toThrow(/OutOf needs 1 <= n <= 1/);
    expect(() => parsePolicy('whatever', orgs)).toThrow(/cannot parse "whatever"/);
  });
});
